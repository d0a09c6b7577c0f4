from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from . import workflows
from .api.audits import (
    AuditCloseApi,
    AuditDetailApi,
    AuditDomainListApi,
    AuditLearningActionsApi,
    AuditListApi,
    AuditModerationApi,
    AuditSubmitApi,
    LearningActionCompleteApi,
)
from .api.census import ChildCensusDetailsApi, ReferralCloseApi, ReferralPrimaryNeedApi
from .api.children import ChildChronologyApi, ChildDetailApi
from .api.contacts import ContactDetailApi, ContactListCreateApi
from .api.errors import api_not_found
from .api.metrics import MetricsApi
from .api.oversight import AccessLogApi, AlertAcknowledgeApi, AlertListApi
from .api.people import (
    MatchProposalConfirmApi,
    MatchProposalListApi,
    MatchProposalRejectApi,
    PersonMergeDetailApi,
    PersonMergeUndoApi,
)
from .api.returns import AnnexAApi, CinCensusApi

api_v1: list[URLPattern | URLResolver] = [
    path("contacts/", ContactListCreateApi.as_view(), name="contacts"),
    path("contacts/<int:contact_id>/", ContactDetailApi.as_view(), name="contact-detail"),
    path("children/<int:child_id>/", ChildDetailApi.as_view(), name="child-detail"),
    path(
        "children/<int:child_id>/chronology/",
        ChildChronologyApi.as_view(),
        name="child-chronology",
    ),
    path(
        "children/<int:child_id>/census-details/",
        ChildCensusDetailsApi.as_view(),
        name="child-census-details",
    ),
    path("referrals/<int:referral_id>/close/", ReferralCloseApi.as_view(), name="referral-close"),
    path(
        "referrals/<int:referral_id>/primary-need/",
        ReferralPrimaryNeedApi.as_view(),
        name="referral-primary-need",
    ),
    path("alerts/", AlertListApi.as_view(), name="alerts"),
    path(
        "alerts/<int:alert_id>/acknowledge/",
        AlertAcknowledgeApi.as_view(),
        name="alert-acknowledge",
    ),
    path("access-log/", AccessLogApi.as_view(), name="access-log"),
    path("metrics/", MetricsApi.as_view(), name="metrics"),
    path("audits/", AuditListApi.as_view(), name="audits"),
    path("audit-domains/", AuditDomainListApi.as_view(), name="audit-domains"),
    path("audits/<int:audit_id>/", AuditDetailApi.as_view(), name="audit-detail"),
    path("audits/<int:audit_id>/submit/", AuditSubmitApi.as_view(), name="audit-submit"),
    path(
        "audits/<int:audit_id>/moderation/", AuditModerationApi.as_view(), name="audit-moderation"
    ),
    path(
        "audits/<int:audit_id>/learning-actions/",
        AuditLearningActionsApi.as_view(),
        name="audit-learning-actions",
    ),
    path(
        "audits/<int:audit_id>/learning-actions/<int:action_id>/complete/",
        LearningActionCompleteApi.as_view(),
        name="audit-learning-action-complete",
    ),
    path("audits/<int:audit_id>/close/", AuditCloseApi.as_view(), name="audit-close"),
    path("match-proposals/", MatchProposalListApi.as_view(), name="match-proposals"),
    path(
        "match-proposals/<int:proposal_id>/confirm/",
        MatchProposalConfirmApi.as_view(),
        name="match-proposal-confirm",
    ),
    path(
        "match-proposals/<int:proposal_id>/reject/",
        MatchProposalRejectApi.as_view(),
        name="match-proposal-reject",
    ),
    path("returns/cin-census.xml", CinCensusApi.as_view(), name="returns-cin-census"),
    path("returns/annex-a.xlsx", AnnexAApi.as_view(), name="returns-annex-a"),
    path("person-merges/<int:merge_id>/", PersonMergeDetailApi.as_view(), name="person-merge"),
    path(
        "person-merges/<int:merge_id>/undo/",
        PersonMergeUndoApi.as_view(),
        name="person-merge-undo",
    ),
]

# Each workflow app registers its API module, mounted under /api/v1/; the core names none of
# them, so a new workflow needs no edit here.
api_v1 += [path("", include(urls.api)) for _, urls in workflows.url_modules.items() if urls.api]

handler404 = "mach.api.errors.not_found"

schema_view = SpectacularAPIView.as_view(permission_classes=[AllowAny])

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", schema_view, name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema", permission_classes=[AllowAny]),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="schema", permission_classes=[AllowAny]),
        name="api-redoc",
    ),
    path("api/v1/", include(api_v1)),
    # Ends in a slash, so an address without one is still redirected (APPEND_SLASH) first.
    re_path(r"^api/(?:.*/)?$", api_not_found),
    path("", include("mach.web.urls")),
    # Each workflow app's pages, under the app's own namespace (`triage:screening`).
    *(path("", include(urls.web)) for _, urls in workflows.url_modules.items() if urls.web),
]
