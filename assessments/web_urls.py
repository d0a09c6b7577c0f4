"""The assessments workflow's pages, mounted among the web UI's pages by mach.web.urls."""

from __future__ import annotations

from django.urls import path

from . import web as assessments

app_name = "assessments"

urlpatterns = [
    path("assessments/", assessments.assessment_list, name="assessments"),
    path("assessments/<int:assessment_id>/", assessments.assessment_detail, name="assessment"),
    path(
        "assessments/<int:assessment_id>/findings/",
        assessments.record,
        name="assessment-record",
    ),
    path(
        "assessments/<int:assessment_id>/actions/",
        assessments.action_add,
        name="assessment-action-add",
    ),
    path(
        "assessment-actions/<int:action_id>/complete/",
        assessments.action_complete,
        name="assessment-action-complete",
    ),
    path(
        "assessments/<int:assessment_id>/submit/",
        assessments.submit,
        name="assessment-submit",
    ),
    path(
        "assessments/<int:assessment_id>/authorise/",
        assessments.authorise,
        name="assessment-authorise",
    ),
]
