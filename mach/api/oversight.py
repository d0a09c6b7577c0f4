"""`/api/v1/alerts/` for managers and `/api/v1/access-log/` for auditors."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..models import AccessLog, Alert, Role, Team, User
from ..openapi import page_of
from ..permissions import MANAGERS, roles


class AlertSerializer(serializers.ModelSerializer):
    item_type = serializers.CharField(source="content_type.model")
    item_id = serializers.IntegerField(source="object_id")
    team: serializers.SlugRelatedField[Team] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    acknowledged_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "kind",
            "level",
            "item_type",
            "item_id",
            "team",
            "due_at",
            "message",
            "created_at",
            "acknowledged_at",
            "acknowledged_by",
        ]
        read_only_fields = fields


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2_000, required=False, allow_blank=True, default="")


class NewestFirst(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class AlertNewestFirst(NewestFirst):
    ordering = ("-created_at", "-id")


class AccessLogNewestFirst(NewestFirst):
    ordering = ("-at", "-id")


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class AlertListApi(APIView):
    permission_classes = [roles(*MANAGERS)]

    @extend_schema(
        operation_id="alerts_list",
        summary="List your team's open alerts",
        responses=page_of(AlertSerializer(many=True), "AlertPage"),
        parameters=[OpenApiParameter("cursor", str), OpenApiParameter("page_size", int)],
        description="Open alerts for your team, newest first.",
    )
    def get(self, request: Request) -> Response:
        alerts = selectors.open_alerts_for(_user(request)).select_related(
            "content_type", "team", "acknowledged_by"
        )
        paginator = AlertNewestFirst()
        page = paginator.paginate_queryset(alerts, request, view=self) or []
        return paginator.get_paginated_response(AlertSerializer(page, many=True).data)


class AlertAcknowledgeApi(APIView):
    permission_classes = [roles(*MANAGERS)]

    @extend_schema(
        operation_id="alerts_acknowledge",
        summary="Acknowledge an alert",
        request=AcknowledgeSerializer,
        responses={200: AlertSerializer},
        description="Acknowledge an open alert of your team; a second acknowledgement gets 409.",
    )
    def post(self, request: Request, alert_id: int) -> Response:
        payload = AcknowledgeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = _user(request)
        alert = get_object_or_404(selectors.alerts_for_team_of(user), pk=alert_id)
        alert = services.alert_acknowledge(
            actor=user, alert=alert, note=payload.validated_data["note"]
        )
        return Response(AlertSerializer(alert).data)


class AccessLogSerializer(serializers.ModelSerializer):
    user: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    role = serializers.CharField(source="user.role")

    class Meta:
        model = AccessLog
        fields = ["id", "at", "user", "role", "child", "action", "via", "reason"]
        read_only_fields = fields


class AccessLogQuerySerializer(serializers.Serializer):
    child = serializers.IntegerField(min_value=1)


class AccessLogApi(APIView):
    permission_classes = [roles(Role.AUDITOR, Role.ADMIN)]

    @extend_schema(
        operation_id="access_log_list",
        summary="Read a child's access log",
        parameters=[
            OpenApiParameter("child", int, required=True),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int),
        ],
        responses=page_of(AccessLogSerializer(many=True), "AccessLogPage"),
        description="Who saw or changed the child's record, when, through which endpoint or page.",
    )
    def get(self, request: Request) -> Response:
        query = AccessLogQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = AccessLogNewestFirst()
        page = (
            paginator.paginate_queryset(
                selectors.access_log_for(query.validated_data["child"]), request, view=self
            )
            or []
        )
        return paginator.get_paginated_response(AccessLogSerializer(page, many=True).data)
