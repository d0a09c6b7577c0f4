"""Parental consultation, consultation exceptions and partner information requests (G1)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mach.audit import read_contact_and_log_access
from mach.models import AccessLog, Role, Team
from mach.permissions import CHILD_READERS, MACH_WORKERS, MANAGERS, roles

from .. import selectors, services
from ..models import (
    Agency,
    ConsultationAttempt,
    ConsultationException,
    ConsultationMethod,
    ExceptionGround,
    ParentConsultation,
    PartnerRequest,
    PartnerRequestState,
)
from .screening import RationaleSerializer, _user


class ParentConsultationInputSerializer(serializers.Serializer):
    consulted_with = serializers.CharField(
        max_length=200, allow_blank=True, help_text="who was spoken to, e.g. 'Jo Smith (mother)'"
    )
    method = serializers.ChoiceField(
        choices=ConsultationMethod.choices, help_text="how they were spoken to"
    )
    consulted_at = serializers.DateTimeField(required=False, help_text="when; default now")
    summary = serializers.CharField(
        max_length=10_000, allow_blank=True, help_text="what the parents said"
    )


class ParentConsultationSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username")

    class Meta:
        model = ParentConsultation
        fields = [
            "id",
            "contact",
            "consulted_with",
            "method",
            "consulted_at",
            "recorded_by",
            "summary",
        ]
        read_only_fields = fields


class ConsultationAttemptInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ConsultationMethod.choices)
    attempted_at = serializers.DateTimeField(required=False, help_text="when; default now")
    outcome = serializers.CharField(
        max_length=10_000, allow_blank=True, help_text="what came of it"
    )


class ConsultationAttemptSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.username")

    class Meta:
        model = ConsultationAttempt
        fields = ["id", "contact", "attempted_at", "method", "outcome", "recorded_by"]
        read_only_fields = fields


class ConsultationAttemptsApi(APIView):
    def get_permissions(self) -> list[Any]:
        allowed = MACH_WORKERS if self.request.method == "POST" else CHILD_READERS
        return [roles(*allowed)()]

    @extend_schema(
        operation_id="contacts_consultation_attempts_list",
        responses=ConsultationAttemptSerializer(many=True),
    )
    def get(self, request: Request, contact_id: int) -> Response:
        contact = read_contact_and_log_access(request, contact_id)
        attempts = selectors.attempts_of(contact)
        return Response(ConsultationAttemptSerializer(attempts, many=True).data)

    @extend_schema(
        operation_id="contacts_consultation_attempts_create",
        request=ConsultationAttemptInputSerializer,
        responses={201: ConsultationAttemptSerializer},
        description="Record an attempt to reach the parents (G1), whether or not an exception "
        "follows; an exception on the ground that they could not be reached needs one.",
    )
    def post(self, request: Request, contact_id: int) -> Response:
        payload = ConsultationAttemptInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contact = read_contact_and_log_access(request, contact_id, action=AccessLog.Action.CHANGE)
        attempt = services.consultation_attempt_record(
            actor=_user(request), contact=contact, **payload.validated_data
        )
        return Response(ConsultationAttemptSerializer(attempt).data, status=201)


class ParentConsultationApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="contacts_parent_consultation_create",
        request=ParentConsultationInputSerializer,
        responses={201: ParentConsultationSerializer},
    )
    def post(self, request: Request, contact_id: int) -> Response:
        payload = ParentConsultationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contact = read_contact_and_log_access(request, contact_id, action=AccessLog.Action.CHANGE)
        consultation = services.parent_consultation_record(
            actor=_user(request), contact=contact, **payload.validated_data
        )
        return Response(ParentConsultationSerializer(consultation).data, status=201)


class ExceptionInputSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=ExceptionGround.choices)
    details = serializers.CharField(max_length=10_000, allow_blank=True)
    attempts = serializers.CharField(
        max_length=10_000, required=False, allow_blank=True, default=""
    )


class ExceptionSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username")
    decided_by = serializers.CharField(source="decided_by.username", default=None)

    class Meta:
        model = ConsultationException
        fields = [
            "id",
            "contact",
            "ground",
            "details",
            "attempts",
            "state",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "rationale",
        ]
        read_only_fields = fields


class ConsultationExceptionApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="contacts_consultation_exception_create",
        request=ExceptionInputSerializer,
        responses={201: ExceptionSerializer},
        description="Ask a manager to allow partner checks before the parents are consulted.",
    )
    def post(self, request: Request, contact_id: int) -> Response:
        payload = ExceptionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contact = read_contact_and_log_access(request, contact_id, action=AccessLog.Action.CHANGE)
        exception = services.consultation_exception_request(
            actor=_user(request), contact=contact, **payload.validated_data
        )
        return Response(ExceptionSerializer(exception).data, status=201)


class ExceptionDecisionSerializer(RationaleSerializer):
    authorise = serializers.BooleanField()


class ConsultationExceptionDecisionApi(APIView):
    permission_classes = [roles(*MANAGERS)]

    @extend_schema(
        operation_id="consultation_exceptions_decide",
        request=ExceptionDecisionSerializer,
        responses=ExceptionSerializer,
        description="Authorise or refuse; a manager cannot decide an exception they requested.",
    )
    def post(self, request: Request, exception_id: int) -> Response:
        payload = ExceptionDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = _user(request)
        exception = get_object_or_404(selectors.consultation_exceptions_for(user), pk=exception_id)
        read_contact_and_log_access(request, exception.contact_id, action=AccessLog.Action.CHANGE)
        exception = services.consultation_exception_decide(
            actor=user,
            exception=exception,
            authorise=payload.validated_data["authorise"],
            rationale=payload.validated_data["rationale"],
        )
        return Response(ExceptionSerializer(exception).data)


class PartnerRequestInputSerializer(serializers.Serializer):
    agency = serializers.ChoiceField(choices=Agency.choices)
    question = serializers.CharField(max_length=10_000, allow_blank=True)
    organisation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Team.objects.all(), required=False, allow_null=True
    )


class PartnerRequestSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.slug", default=None)
    sent_by = serializers.CharField(source="sent_by.username")
    responded_by = serializers.CharField(source="responded_by.username", default=None)
    contact_reference = serializers.CharField(source="contact.reference")

    class Meta:
        model = PartnerRequest
        fields = [
            "id",
            "contact",
            "contact_reference",
            "agency",
            "organisation",
            "question",
            "state",
            "sent_by",
            "sent_at",
            "due_at",
            "response",
            "responded_by",
            "responded_at",
        ]
        read_only_fields = fields


def _requests() -> QuerySet[PartnerRequest]:
    return PartnerRequest.objects.select_related(
        "organisation", "sent_by", "responded_by", "contact"
    )


class ContactPartnerRequestsApi(APIView):
    """Ask partner agencies about a contact (refused until G1 is met), or list what was asked."""

    def get_permissions(self) -> list[Any]:
        allowed = MACH_WORKERS if self.request.method == "POST" else CHILD_READERS
        return [roles(*allowed)()]

    @extend_schema(
        operation_id="contacts_partner_requests_list",
        responses=PartnerRequestSerializer(many=True),
    )
    def get(self, request: Request, contact_id: int) -> Response:
        contact = read_contact_and_log_access(request, contact_id)
        return Response(
            PartnerRequestSerializer(_requests().filter(contact=contact), many=True).data
        )

    @extend_schema(
        operation_id="contacts_partner_requests_create",
        request=PartnerRequestInputSerializer,
        responses={201: PartnerRequestSerializer},
        description=(
            "Due in 1 working day, or 4 working hours when the contact is RAG red. Refused with "
            "409 until the parents are consulted or a manager authorises an exception (G1)."
        ),
    )
    def post(self, request: Request, contact_id: int) -> Response:
        payload = PartnerRequestInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contact = read_contact_and_log_access(request, contact_id, action=AccessLog.Action.CHANGE)
        partner_request = services.partner_request_send(
            actor=_user(request), contact=contact, **payload.validated_data
        )
        return Response(PartnerRequestSerializer(partner_request).data, status=201)


class PartnerRequestListApi(APIView):
    """A partner agency's inbox: the requests sent to its organisation."""

    permission_classes = [roles(Role.PARTNER_AGENCY, *MACH_WORKERS)]

    @extend_schema(
        operation_id="partner_requests_list",
        parameters=[OpenApiParameter("state", str, enum=PartnerRequestState.values)],
        responses=PartnerRequestSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        requests = _requests().order_by("due_at", "id")
        if user.role == Role.PARTNER_AGENCY:
            requests = requests.filter(organisation_id=user.team_id)
        state = request.query_params.get("state")
        if state:
            if state not in PartnerRequestState.values:
                raise serializers.ValidationError(
                    {"state": f"Choose one of {PartnerRequestState.values}."}
                )
            requests = requests.filter(state=state)
        return Response(PartnerRequestSerializer(requests[:200], many=True).data)


class ResponseSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=20_000, allow_blank=True)


class PartnerRequestResponseApi(APIView):
    permission_classes = [roles(Role.PARTNER_AGENCY, *MACH_WORKERS)]

    @extend_schema(
        operation_id="partner_requests_respond",
        request=ResponseSerializer,
        responses=PartnerRequestSerializer,
        description="The asked organisation's users, or a MACH worker, record the response.",
    )
    def post(self, request: Request, request_id: int) -> Response:
        payload = ResponseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = _user(request)
        requests = _requests()
        if user.role == Role.PARTNER_AGENCY:
            requests = requests.filter(organisation_id=user.team_id)
        partner_request = get_object_or_404(requests, pk=request_id)
        partner_request = services.partner_request_answer(
            actor=user, request=partner_request, response=payload.validated_data["response"]
        )
        return Response(PartnerRequestSerializer(partner_request).data)
