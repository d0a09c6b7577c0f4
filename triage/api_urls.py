"""The triage workflow's endpoints, mounted under /api/v1/ by the project URLconf."""

from __future__ import annotations

from django.urls import path

from .api.feedback import ReferrerFeedbackApi, ReferrerFeedbackGivenApi
from .api.partners import (
    ConsultationAttemptsApi,
    ConsultationExceptionApi,
    ConsultationExceptionDecisionApi,
    ContactPartnerRequestsApi,
    ParentConsultationApi,
    PartnerRequestListApi,
    PartnerRequestResponseApi,
)
from .api.screening import (
    OversightApi,
    PatternFlagListApi,
    PatternFlagReviewApi,
    ScreeningApi,
    ThresholdAuthorisationApi,
)
from .edt import api_urls as edt_api_urls

urlpatterns = [
    path("contacts/<int:contact_id>/screening/", ScreeningApi.as_view(), name="contact-screening"),
    path(
        "contacts/<int:contact_id>/threshold-authorisation/",
        ThresholdAuthorisationApi.as_view(),
        name="contact-threshold-authorisation",
    ),
    path("contacts/<int:contact_id>/oversight/", OversightApi.as_view(), name="contact-oversight"),
    path(
        "contacts/<int:contact_id>/parent-consultations/",
        ParentConsultationApi.as_view(),
        name="contact-parent-consultations",
    ),
    path(
        "contacts/<int:contact_id>/consultation-attempts/",
        ConsultationAttemptsApi.as_view(),
        name="contact-consultation-attempts",
    ),
    path(
        "contacts/<int:contact_id>/consultation-exceptions/",
        ConsultationExceptionApi.as_view(),
        name="contact-consultation-exceptions",
    ),
    path(
        "consultation-exceptions/<int:exception_id>/decision/",
        ConsultationExceptionDecisionApi.as_view(),
        name="consultation-exception-decision",
    ),
    path(
        "contacts/<int:contact_id>/partner-requests/",
        ContactPartnerRequestsApi.as_view(),
        name="contact-partner-requests",
    ),
    path("partner-requests/", PartnerRequestListApi.as_view(), name="partner-requests"),
    path(
        "partner-requests/<int:request_id>/response/",
        PartnerRequestResponseApi.as_view(),
        name="partner-request-response",
    ),
    path(
        "contacts/<int:contact_id>/referrer-feedback/",
        ReferrerFeedbackApi.as_view(),
        name="contact-referrer-feedback",
    ),
    path(
        "contacts/<int:contact_id>/referrer-feedback/given/",
        ReferrerFeedbackGivenApi.as_view(),
        name="contact-referrer-feedback-given",
    ),
    path("pattern-flags/", PatternFlagListApi.as_view(), name="pattern-flags"),
    path(
        "pattern-flags/<int:flag_id>/review/",
        PatternFlagReviewApi.as_view(),
        name="pattern-flag-review",
    ),
]

# Domestic-abuse triage (spec section 6).
from .domestic_abuse import api as da_api  # noqa: E402

urlpatterns += [
    path("da-notifications/", da_api.NotificationListApi.as_view(), name="da-notifications"),
    path(
        "da-notifications/<int:notification_id>/",
        da_api.NotificationDetailApi.as_view(),
        name="da-notification-detail",
    ),
    path(
        "da-notifications/<int:notification_id>/triage/",
        da_api.NotificationTriageApi.as_view(),
        name="da-notification-triage",
    ),
    path(
        "da-notifications/<int:notification_id>/encompass/",
        da_api.NotificationEncompassApi.as_view(),
        name="da-notification-encompass",
    ),
    path("da-triage-meetings/", da_api.MeetingListApi.as_view(), name="da-triage-meetings"),
    path(
        "da-triage-meetings/<int:meeting_id>/",
        da_api.MeetingDetailApi.as_view(),
        name="da-triage-meeting-detail",
    ),
]
# Emergency Duty Team handovers (triage.edt).
urlpatterns += edt_api_urls.urlpatterns
