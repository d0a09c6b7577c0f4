"""The homeless pathway's pages (namespace `homeless`)."""

from __future__ import annotations

from django.urls import path

from . import web

app_name = "homeless"

PREFIX = "homeless-presentations/<int:presentation_id>/"

urlpatterns = [
    path("homeless-presentations/", web.presentation_list, name="presentations"),
    path("homeless-presentations/new/", web.presentation_new, name="presentation-new"),
    path("homeless-presentations/leaflet/", web.leaflet, name="leaflet"),
    path(PREFIX, web.presentation_detail, name="presentation"),
    path(f"{PREFIX}account/", web.account, name="account"),
    path(f"{PREFIX}rights-and-advocacy/", web.rights_and_advocacy, name="rights-and-advocacy"),
    path(f"{PREFIX}accommodation/", web.accommodation, name="accommodation"),
    path(f"{PREFIX}joint-assessment/", web.joint_assessment, name="joint-assessment"),
    path(f"{PREFIX}decision/", web.decision, name="decision"),
]
