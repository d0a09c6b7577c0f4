from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from .api.children import ChildChronologyApi, ChildDetailApi
from .api.contacts import ContactDetailApi, ContactListCreateApi
from .api.oversight import AccessLogApi, AlertAcknowledgeApi, AlertListApi

api_v1 = [
    path("contacts/", ContactListCreateApi.as_view(), name="contacts"),
    path("contacts/<int:contact_id>/", ContactDetailApi.as_view(), name="contact-detail"),
    path("children/<int:child_id>/", ChildDetailApi.as_view(), name="child-detail"),
    path(
        "children/<int:child_id>/chronology/",
        ChildChronologyApi.as_view(),
        name="child-chronology",
    ),
    path("alerts/", AlertListApi.as_view(), name="alerts"),
    path(
        "alerts/<int:alert_id>/acknowledge/",
        AlertAcknowledgeApi.as_view(),
        name="alert-acknowledge",
    ),
    path("access-log/", AccessLogApi.as_view(), name="access-log"),
]

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
]
