"""The triage workflow's pages, mounted in the web UI's namespace by mach.web.urls."""

from __future__ import annotations

from django.urls import path

from . import web
from .edt import web_urls as edt_web_urls

app_name = "triage"

urlpatterns = [
    path("contacts/<int:contact_id>/screening/", web.screening, name="screening"),
    path("oversight/", web.oversight_queue, name="oversight-queue"),
    path("contacts/<int:contact_id>/oversight/", web.oversight, name="oversight"),
    path(
        "contacts/<int:contact_id>/threshold-authorisation/",
        web.threshold_authorisation,
        name="threshold-authorisation",
    ),
    path(
        "pattern-flags/<int:flag_id>/review/", web.pattern_flag_review, name="pattern-flag-review"
    ),
    path(
        "contacts/<int:contact_id>/parents-consulted/",
        web.parents_consulted,
        name="parents-consulted",
    ),
    path(
        "contacts/<int:contact_id>/parents-not-reached/",
        web.consultation_attempt,
        name="consultation-attempt",
    ),
    path(
        "contacts/<int:contact_id>/consultation-exception/",
        web.consultation_exception,
        name="consultation-exception",
    ),
    path(
        "consultation-exceptions/<int:exception_id>/decision/",
        web.consultation_exception_decision,
        name="consultation-exception-decision",
    ),
    path(
        "contacts/<int:contact_id>/partner-requests/new/",
        web.partner_request_new,
        name="partner-request-new",
    ),
    path(
        "partner-requests/<int:request_id>/response/",
        web.partner_request_response,
        name="partner-request-response",
    ),
    path("information-requests/", web.information_requests, name="information-requests"),
    path(
        "contacts/<int:contact_id>/referrer-feedback/given/",
        web.feedback_given,
        name="feedback-given",
    ),
]

# Domestic-abuse triage (spec section 6).
from .domestic_abuse import web as da_web  # noqa: E402

urlpatterns += [
    path("domestic-abuse/", da_web.notification_list, name="da-notifications"),
    path("domestic-abuse/new/", da_web.notification_new, name="da-notification-new"),
    path(
        "domestic-abuse/<int:notification_id>/",
        da_web.notification_detail,
        name="da-notification",
    ),
    path(
        "domestic-abuse/<int:notification_id>/triage/",
        da_web.notification_triage,
        name="da-notification-triage",
    ),
    path(
        "domestic-abuse/<int:notification_id>/encompass/",
        da_web.notification_encompass,
        name="da-notification-encompass",
    ),
    path("domestic-abuse/meetings/", da_web.meeting_list, name="da-meetings"),
    path(
        "domestic-abuse/meetings/<int:meeting_id>/",
        da_web.meeting_detail,
        name="da-meeting",
    ),
]
# Emergency Duty Team handovers (triage.edt).
urlpatterns += edt_web_urls.urlpatterns
