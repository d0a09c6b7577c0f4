"""The homeless pathway's endpoints, mounted under /api/v1/."""

from __future__ import annotations

from django.urls import path

from . import api

PREFIX = "homeless-presentations/<int:presentation_id>/"

urlpatterns = [
    path(
        "homeless-presentations/",
        api.PresentationListApi.as_view(),
        name="homeless-presentations",
    ),
    path(PREFIX, api.PresentationDetailApi.as_view(), name="homeless-presentation"),
    path(f"{PREFIX}account/", api.AccountApi.as_view(), name="homeless-account"),
    path(
        f"{PREFIX}rights-and-advocacy/",
        api.RightsAndAdvocacyApi.as_view(),
        name="homeless-rights-and-advocacy",
    ),
    path(f"{PREFIX}accommodation/", api.AccommodationApi.as_view(), name="homeless-accommodation"),
    path(
        f"{PREFIX}joint-assessment/",
        api.JointAssessmentApi.as_view(),
        name="homeless-joint-assessment",
    ),
    path(f"{PREFIX}decision/", api.DecisionApi.as_view(), name="homeless-decision"),
]
