"""EDT handovers over REST (api.md, "Emergency Duty Team handovers"). Every showing of a
child's record is written to the access log; partner agencies are refused (403)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mach.audit import log_child_access
from mach.idempotency import PARAMETER as IDEMPOTENCY_KEY
from mach.idempotency import idempotent
from mach.models import AccessLog, Role, User
from mach.openapi import LIST_PARAMETERS, Pages, page_of, state_filter
from mach.permissions import CHILD_READERS, MACH_WORKERS, roles
from mach.representations import ContactSerializer

from . import services
from .inputs import HandoverAcknowledgeSerializer, HandoverInputSerializer
from .models import EdtHandover, HandoverState
from .selectors import child_ids_of, handovers_visible_to

HANDOVER_EXTRAS = ("action_taken", "outstanding_actions", "handed_over_at")


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class EdtHandoverSerializer(serializers.ModelSerializer):
    contact = ContactSerializer(read_only=True)
    rag = serializers.CharField(source="contact.rag", read_only=True)
    handed_over_by = serializers.CharField(source="handed_over_by.username", read_only=True)
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.username", read_only=True, default=None, allow_null=True
    )
    overdue = serializers.SerializerMethodField()
    overseen_in_time = serializers.SerializerMethodField(
        help_text="G14: acknowledged by `oversight_due_at`; null while waiting."
    )

    class Meta:
        model = EdtHandover
        fields = [
            "id",
            "state",
            "contact",
            "rag",
            "action_taken",
            "outstanding_actions",
            "handed_over_at",
            "handed_over_by",
            "oversight_due_at",
            "overdue",
            "acknowledged_at",
            "acknowledged_by",
            "acknowledgement_note",
            "overseen_in_time",
        ]
        read_only_fields = fields

    def get_overdue(self, handover: EdtHandover) -> bool:
        return (
            handover.state == HandoverState.HANDED_OVER
            and timezone.now() > handover.oversight_due_at
        )

    def get_overseen_in_time(self, handover: EdtHandover) -> bool | None:
        return handover.overseen_in_time


def _shown(request: Request, handover_id: int, action: str = AccessLog.Action.VIEW) -> EdtHandover:
    handover = get_object_or_404(handovers_visible_to(_user(request)), pk=handover_id)
    log_child_access(
        user=_user(request), child_ids=child_ids_of(handover), via=request.path, action=action
    )
    return handover


def _replayed(request: Request, body: Any) -> Any:
    """A replayed create shows the children again, so it is in the access log again."""
    _shown(request, body["id"])
    return body


class HandoverPages(Pages):
    ordering = ("oversight_due_at", "id")


class EdtHandoverListApi(APIView):
    def get_permissions(self) -> list[Any]:
        allowed = (Role.EDT_WORKER,) if self.request.method == "POST" else CHILD_READERS
        return [roles(*allowed)()]

    @extend_schema(
        operation_id="edt_handovers_list",
        parameters=[
            OpenApiParameter("state", str, enum=HandoverState.values),
            *LIST_PARAMETERS,
        ],
        responses=page_of(EdtHandoverSerializer(many=True), "EdtHandoverPage"),
        description="Soonest oversight deadline first.",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        handovers = state_filter(request, handovers_visible_to(user), HandoverState.values)
        paginator = HandoverPages()
        page: list[EdtHandover] = paginator.paginate_queryset(handovers, request, view=self) or []
        log_child_access(
            user=user, child_ids=[c for h in page for c in child_ids_of(h)], via=request.path
        )
        return paginator.get_paginated_response(EdtHandoverSerializer(page, many=True).data)

    @extend_schema(
        operation_id="edt_handovers_create",
        request=HandoverInputSerializer,
        responses={201: EdtHandoverSerializer},
        description=(
            "The EDT records an out-of-hours contact (a contact's fields; its people are matched "
            "like any contact's) with the action taken and what is outstanding. Oversight is due "
            "at 10:00 (a local setting) on the next working day; police protection and emergency "
            "placement make the contact red."
        ),
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent(on_replay=_replayed)
    def post(self, request: Request) -> Response:
        payload = HandoverInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        extras = {name: data.pop(name) for name in HANDOVER_EXTRAS if name in data}
        handover = services.edt_handover_record(
            actor=_user(request), contact=data, via=request.path, **extras
        )
        return Response(EdtHandoverSerializer(handover).data, status=201)


class EdtHandoverDetailApi(APIView):
    permission_classes = [roles(*CHILD_READERS)]

    @extend_schema(operation_id="edt_handovers_retrieve", responses=EdtHandoverSerializer)
    def get(self, request: Request, handover_id: int) -> Response:
        return Response(EdtHandoverSerializer(_shown(request, handover_id)).data)


class EdtHandoverAcknowledgeApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="edt_handovers_acknowledge",
        request=HandoverAcknowledgeSerializer,
        responses=EdtHandoverSerializer,
        description=(
            "Records who acknowledged the handover and when; the contact goes on to screening. "
            "409 once acknowledged."
        ),
    )
    def post(self, request: Request, handover_id: int) -> Response:
        handover = _shown(request, handover_id, AccessLog.Action.CHANGE)
        payload = HandoverAcknowledgeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.edt_handover_acknowledge(
            actor=_user(request), handover=handover, note=payload.validated_data["note"]
        )
        return Response(EdtHandoverSerializer(_shown(request, handover_id)).data)
