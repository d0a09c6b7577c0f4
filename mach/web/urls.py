"""The core's pages; each workflow app's pages are mounted under its own namespace by the
project URLconf (registered through `mach.workflows`)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import accounts, alerts, audits, children, contacts, dashboard, returns, worklist

app_name = "web"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", accounts.home, name="home"),
    path("sign-in/", accounts.SignInView.as_view(), name="sign-in"),
    path("sign-out/", accounts.SignOutView.as_view(), name="sign-out"),
    path("worklist/", worklist.worklist, name="worklist"),
    path("contacts/new/", contacts.contact_new, name="contact-new"),
    path("contacts/<int:contact_id>/", contacts.contact_detail, name="contact"),
    path("submissions/", contacts.submissions, name="submissions"),
    path(
        "match-proposals/<int:proposal_id>/",
        contacts.match_proposal_decide,
        name="match-proposal",
    ),
    path("children/<int:child_id>/", children.child_detail, name="child"),
    path(
        "person-merges/<int:merge_id>/undo/", children.person_merge_undo, name="person-merge-undo"
    ),
    path("children/<int:child_id>/census/", returns.child_census, name="child-census"),
    path(
        "referrals/<int:referral_id>/primary-need/",
        returns.referral_primary_need,
        name="referral-primary-need",
    ),
    path("referrals/<int:referral_id>/close/", returns.referral_close, name="referral-close"),
    path("returns/", returns.returns, name="returns"),
    path("returns/cin-census.xml", returns.cin_census, name="returns-cin-census"),
    path("returns/annex-a.xlsx", returns.annex_a, name="returns-annex-a"),
    path("returns/data-quality/", returns.data_quality, name="returns-data-quality"),
    path("alerts/", alerts.alert_list, name="alerts"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/csv/<slug:table>/", dashboard.dashboard_csv, name="dashboard-csv"),
    path("dashboard/records/<slug:key>/", dashboard.metric_records, name="metric-records"),
    path("audits/", audits.audit_list, name="audits"),
    path("audits/new/", audits.audit_new, name="audit-new"),
    path("audits/<int:audit_id>/", audits.audit_detail, name="audit"),
    path("audits/<int:audit_id>/submit/", audits.audit_submit, name="audit-submit"),
    path(
        "audits/<int:audit_id>/learning-actions/new/",
        audits.learning_action_new,
        name="audit-learning-action-new",
    ),
    path("audits/<int:audit_id>/close/", audits.audit_close, name="audit-close"),
    path("alerts/<int:alert_id>/acknowledge/", alerts.alert_acknowledge, name="alert-acknowledge"),
]
