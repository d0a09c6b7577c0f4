"""Feedback of the decision to the referrer (1 working day): its status, and recording
feedback given another way when it could not be emailed."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mach.audit import read_contact_and_log_access
from mach.models import AccessLog
from mach.permissions import CHILD_READERS, MACH_WORKERS, roles

from .. import services
from ..models import ReferrerFeedback
from .screening import _user


class ReferrerFeedbackSerializer(serializers.ModelSerializer):
    sent_by = serializers.CharField(source="sent_by.username", default=None)

    class Meta:
        model = ReferrerFeedback
        fields = [
            "id",
            "contact",
            "due_at",
            "message",
            "recipient",
            "channel",
            "sent_at",
            "sent_by",
        ]
        read_only_fields = fields


class FeedbackGivenSerializer(serializers.Serializer):
    how = serializers.CharField(max_length=2_000, allow_blank=True)


def _feedback_of(request: Request, contact_id: int, action: str) -> ReferrerFeedback:
    contact = read_contact_and_log_access(request, contact_id, action=action)
    return get_object_or_404(ReferrerFeedback.objects.select_related("sent_by"), contact=contact)


class ReferrerFeedbackApi(APIView):
    permission_classes = [roles(*CHILD_READERS)]

    @extend_schema(
        operation_id="contacts_referrer_feedback_retrieve",
        responses=ReferrerFeedbackSerializer,
        description="404 until the contact is decided.",
    )
    def get(self, request: Request, contact_id: int) -> Response:
        feedback = _feedback_of(request, contact_id, AccessLog.Action.VIEW)
        return Response(ReferrerFeedbackSerializer(feedback).data)


class ReferrerFeedbackGivenApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="contacts_referrer_feedback_given",
        request=FeedbackGivenSerializer,
        responses=ReferrerFeedbackSerializer,
        description=(
            "Record feedback given another way (phone, letter) when it could not be emailed; "
            "stops its clock. 409 when it was already given."
        ),
    )
    def post(self, request: Request, contact_id: int) -> Response:
        payload = FeedbackGivenSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        feedback = _feedback_of(request, contact_id, AccessLog.Action.CHANGE)
        feedback = services.feedback_record_given(
            actor=_user(request), feedback=feedback, how=payload.validated_data["how"]
        )
        return Response(ReferrerFeedbackSerializer(feedback).data)
