"""The strategy discussions workflow's endpoints, mounted under /api/v1/."""

from __future__ import annotations

from django.urls import path

from . import api

urlpatterns = [
    path("strategy-discussions/", api.DiscussionListApi.as_view(), name="strategy-discussions"),
    path(
        "strategy-discussions/<int:discussion_id>/",
        api.DiscussionDetailApi.as_view(),
        name="strategy-discussion-detail",
    ),
    path(
        "strategy-discussions/<int:discussion_id>/invitations/",
        api.DiscussionInvitationsApi.as_view(),
        name="strategy-discussion-invitations",
    ),
    path(
        "strategy-discussions/<int:discussion_id>/held/",
        api.DiscussionHeldApi.as_view(),
        name="strategy-discussion-held",
    ),
    path(
        "strategy-discussions/<int:discussion_id>/information/",
        api.DiscussionInformationApi.as_view(),
        name="strategy-discussion-information",
    ),
    path(
        "strategy-discussions/<int:discussion_id>/decision/",
        api.DiscussionDecisionApi.as_view(),
        name="strategy-discussion-decision",
    ),
    path(
        "strategy-discussions/<int:discussion_id>/actions/",
        api.DiscussionActionsApi.as_view(),
        name="strategy-discussion-actions",
    ),
    path(
        "strategy-actions/<int:action_id>/complete/",
        api.ActionCompleteApi.as_view(),
        name="strategy-action-complete",
    ),
    path("s47-enquiries/", api.EnquiryListApi.as_view(), name="s47-enquiries"),
    path("s47-enquiries/<int:enquiry_id>/", api.EnquiryDetailApi.as_view(), name="s47-enquiry"),
    path(
        "s47-enquiries/<int:enquiry_id>/complete/",
        api.EnquiryCompleteApi.as_view(),
        name="s47-enquiry-complete",
    ),
    path("conferences/", api.ConferenceListApi.as_view(), name="conferences"),
    path("conferences/<int:conference_id>/", api.ConferenceDetailApi.as_view(), name="conference"),
]
