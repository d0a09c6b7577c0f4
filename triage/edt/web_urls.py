"""The EDT handovers' pages, added to the triage app's (namespace `triage`)."""

from __future__ import annotations

from django.urls import path

from . import web

urlpatterns = [
    path("edt-handovers/", web.handover_list, name="edt-handovers"),
    path("edt-handovers/new/", web.handover_new, name="edt-handover-new"),
    path(
        "edt-handovers/<int:handover_id>/acknowledge/",
        web.handover_acknowledge,
        name="edt-handover-acknowledge",
    ),
]
