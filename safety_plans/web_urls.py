"""The safety plans' pages, mounted among the web UI's pages."""

from __future__ import annotations

from django.urls import path

from . import web

app_name = "safety_plans"

urlpatterns = [
    path("safety-plans/", web.plan_list, name="plans"),
    path("safety-plans/new/", web.plan_new, name="plan-new"),
    path("safety-plans/<int:plan_id>/", web.plan_detail, name="plan"),
    path("safety-plans/<int:plan_id>/edit/", web.plan_edit, name="plan-edit"),
    path("safety-plans/<int:plan_id>/agree/", web.plan_agree, name="plan-agree"),
    path("safety-plans/<int:plan_id>/compare/", web.plan_compare, name="compare"),
    path("safety-plans/<int:plan_id>/family-version/", web.family_version, name="family-version"),
    path(
        "safety-plans/<int:plan_id>/family-version.pdf",
        web.family_version_pdf,
        name="family-version-pdf",
    ),
]
