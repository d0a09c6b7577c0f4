"""The web UI's pages. Workflow apps add theirs through their own `web_urls` module."""

from __future__ import annotations

from django.apps import apps
from django.urls import URLPattern, URLResolver, include, path
from django.utils.module_loading import module_has_submodule

from . import accounts, alerts, children, contacts, worklist

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
    path("alerts/", alerts.alert_list, name="alerts"),
    path("alerts/<int:alert_id>/acknowledge/", alerts.alert_acknowledge, name="alert-acknowledge"),
]

urlpatterns += [
    path("", include(f"{config.name}.web_urls"))
    for config in apps.get_app_configs()
    if config.name != "mach" and module_has_submodule(config.module, "web_urls")
]
