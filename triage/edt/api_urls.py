"""The EDT handovers' endpoints, added to the triage app's under /api/v1/."""

from __future__ import annotations

from django.urls import path

from . import api

urlpatterns = [
    path("edt-handovers/", api.EdtHandoverListApi.as_view(), name="edt-handovers"),
    path(
        "edt-handovers/<int:handover_id>/",
        api.EdtHandoverDetailApi.as_view(),
        name="edt-handover",
    ),
    path(
        "edt-handovers/<int:handover_id>/acknowledge/",
        api.EdtHandoverAcknowledgeApi.as_view(),
        name="edt-handover-acknowledge",
    ),
]
