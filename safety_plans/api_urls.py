"""The safety plans' endpoints, mounted under /api/v1/."""

from __future__ import annotations

from django.urls import path

from . import api

urlpatterns = [
    path("safety-plans/", api.PlanListApi.as_view(), name="safety-plans"),
    path("safety-plans/check/", api.PlanCheckApi.as_view(), name="safety-plan-check"),
    path("safety-plans/<int:plan_id>/", api.PlanDetailApi.as_view(), name="safety-plan"),
    path("safety-plans/<int:plan_id>/agree/", api.PlanAgreeApi.as_view(), name="safety-plan-agree"),
    path(
        "safety-plans/<int:plan_id>/versions/",
        api.PlanVersionsApi.as_view(),
        name="safety-plan-versions",
    ),
    path(
        "safety-plans/<int:plan_id>/comparison/",
        api.PlanComparisonApi.as_view(),
        name="safety-plan-comparison",
    ),
    path(
        "safety-plans/<int:plan_id>/family-version.pdf",
        api.FamilyVersionPdfApi.as_view(),
        name="safety-plan-family-pdf",
    ),
]
