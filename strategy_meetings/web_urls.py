"""The strategy discussions workflow's pages, mounted among the web UI's pages."""

from __future__ import annotations

from django.urls import path

from . import web

app_name = "strategy_meetings"

urlpatterns = [
    path("strategy-discussions/", web.discussion_list, name="discussions"),
    path("strategy-discussions/<int:discussion_id>/", web.discussion_detail, name="discussion"),
    path(
        "strategy-discussions/<int:discussion_id>/print/",
        web.discussion_print,
        name="discussion-print",
    ),
    path(
        "strategy-discussions/<int:discussion_id>/invite/",
        web.invite,
        name="discussion-invite",
    ),
    path("strategy-discussions/<int:discussion_id>/held/", web.held, name="discussion-held"),
    path(
        "strategy-discussions/<int:discussion_id>/information/",
        web.information,
        name="discussion-information",
    ),
    path(
        "strategy-discussions/<int:discussion_id>/decision/",
        web.decision,
        name="discussion-decision",
    ),
    path(
        "strategy-discussions/<int:discussion_id>/actions/",
        web.action_add,
        name="discussion-action-add",
    ),
    path("strategy-actions/<int:action_id>/complete/", web.action_complete, name="action-complete"),
    path("s47-enquiries/<int:enquiry_id>/", web.enquiry_detail, name="s47-enquiry"),
    path("s47-enquiries/<int:enquiry_id>/record/", web.enquiry_record, name="s47-enquiry-record"),
    path(
        "s47-enquiries/<int:enquiry_id>/complete/",
        web.enquiry_complete,
        name="s47-enquiry-complete",
    ),
    path("conferences/<int:conference_id>/", web.conference_detail, name="conference"),
    path(
        "conferences/<int:conference_id>/record/",
        web.conference_record,
        name="conference-record",
    ),
]
