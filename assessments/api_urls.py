"""The assessments workflow's endpoints, mounted under /api/v1/ by the project URLconf."""

from __future__ import annotations

from django.urls import path

from .api import (
    ActionCompleteApi,
    AssessmentActionsApi,
    AssessmentAuthoriseApi,
    AssessmentDetailApi,
    AssessmentListApi,
    AssessmentSubmitApi,
)

urlpatterns = [
    path("assessments/", AssessmentListApi.as_view(), name="assessments"),
    path(
        "assessments/<int:assessment_id>/",
        AssessmentDetailApi.as_view(),
        name="assessment-detail",
    ),
    path(
        "assessments/<int:assessment_id>/actions/",
        AssessmentActionsApi.as_view(),
        name="assessment-actions",
    ),
    path(
        "assessments/<int:assessment_id>/submit/",
        AssessmentSubmitApi.as_view(),
        name="assessment-submit",
    ),
    path(
        "assessments/<int:assessment_id>/authorise/",
        AssessmentAuthoriseApi.as_view(),
        name="assessment-authorise",
    ),
    path(
        "assessment-actions/<int:action_id>/complete/",
        ActionCompleteApi.as_view(),
        name="assessment-action-complete",
    ),
]
