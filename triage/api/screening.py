"""Screening, threshold authorisation, oversight and pattern reviews over REST (api.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mach import selectors as core_selectors
from mach.audit import read_contact_and_log_access
from mach.inputs import OnePassSerializer
from mach.models import AccessLog, Contact, Rag, User
from mach.permissions import CHILD_READERS, MACH_WORKERS, MANAGERS, roles
from mach.representations import ContactDetailSerializer

from .. import selectors, services
from ..models import OversightDecision, PatternFlag, Screening
from ..thresholds import STATUTORY, Outcome


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class ScreeningInputSerializer(OnePassSerializer):
    threshold_level = serializers.IntegerField(min_value=1, max_value=4)
    rag = serializers.ChoiceField(choices=Rag.choices)
    childs_voice = serializers.CharField(
        max_length=20_000, allow_blank=True, help_text="Required (not blank): G2."
    )
    history_analysis = serializers.CharField(
        max_length=20_000, allow_blank=True, help_text="Required (not blank): G3."
    )
    parents_consulted = serializers.BooleanField()
    parents_not_consulted_reason = serializers.CharField(
        max_length=5_000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required (not blank) when `parents_consulted` is false: why not (G1).",
    )
    analysis = serializers.CharField(max_length=20_000)
    recommended_outcome = serializers.ChoiceField(choices=Outcome.choices)
    alternatives_considered = serializers.CharField(
        max_length=10_000,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "Required (not blank) when `recommended_outcome` is statutory ("
            + ", ".join(f"`{outcome.value}`" for outcome in sorted(STATUTORY))
            + "): the lower options considered and why they were rejected (G4)."
        ),
    )

    def rule_errors(self, values: Mapping[str, Any]) -> dict[str, str]:
        return services.screening_guardrail_errors(values)


class ScreeningSerializer(serializers.ModelSerializer):
    contact_state = serializers.CharField(source="contact.state")
    screened_by = serializers.CharField(source="screened_by.username")
    overseen_by = serializers.CharField(source="overseen_by.username", default=None)
    threshold_authorised_by = serializers.CharField(
        source="threshold_authorised_by.username", default=None
    )
    pattern_flags = serializers.SerializerMethodField()

    class Meta:
        model = Screening
        fields = [
            "id",
            "contact",
            "contact_state",
            "state",
            "threshold_level",
            "rag",
            "childs_voice",
            "history_analysis",
            "parents_consulted",
            "parents_not_consulted_reason",
            "analysis",
            "recommended_outcome",
            "alternatives_considered",
            "screened_by",
            "submitted_at",
            "oversight_due_at",
            "needs_threshold_authorisation",
            "threshold_authorised_by",
            "threshold_authorised_at",
            "threshold_authorisation_rationale",
            "threshold_authorised_outcome",
            "oversight_decision",
            "oversight_outcome",
            "oversight_rationale",
            "oversight_alternatives_considered",
            "overseen_by",
            "overseen_at",
            "pattern_flags",
        ]
        read_only_fields = fields

    def get_pattern_flags(self, screening: Screening) -> list[int]:
        return list(
            PatternFlag.objects.filter(contact_id=screening.contact_id).values_list("pk", flat=True)
        )


class ScreeningApi(APIView):
    """Submit a screening of a contact (moves it to awaiting_oversight), or list its screenings."""

    def get_permissions(self) -> list[Any]:
        allowed = MACH_WORKERS if self.request.method == "POST" else CHILD_READERS
        return [roles(*allowed)()]

    @extend_schema(
        operation_id="contacts_screenings_list", responses=ScreeningSerializer(many=True)
    )
    def get(self, request: Request, contact_id: int) -> Response:
        contact = read_contact_and_log_access(request, contact_id)
        screenings = Screening.objects.filter(contact=contact).select_related(
            "contact", "screened_by", "overseen_by", "threshold_authorised_by"
        )
        return Response(ScreeningSerializer(screenings, many=True).data)

    @extend_schema(
        operation_id="contacts_screening_create",
        request=ScreeningInputSerializer,
        responses={201: ScreeningSerializer},
        description=(
            "Refused with 400 without the child's voice, the history analysis, why the parents "
            "were not consulted, or (for statutory outcomes) the alternatives considered; with "
            "409 unless the contact is `received`, and while the EDT handover it came in "
            "with is not yet acknowledged."
        ),
    )
    def post(self, request: Request, contact_id: int) -> Response:
        payload = ScreeningInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contact = read_contact_and_log_access(request, contact_id, action=AccessLog.Action.CHANGE)
        screening = services.screening_submit(
            actor=_user(request), contact=contact, **payload.validated_data
        )
        return Response(ScreeningSerializer(screening).data, status=201)


class RationaleSerializer(serializers.Serializer):
    rationale = serializers.CharField(max_length=10_000, allow_blank=True)


class ThresholdAuthorisationSerializer(RationaleSerializer):
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        required=False,
        allow_blank=True,
        help_text="the outcome authorised at the screening's level; the recommended one if empty",
    )


class ThresholdAuthorisationApi(APIView):
    permission_classes = [roles(*MANAGERS)]

    @extend_schema(
        operation_id="contacts_threshold_authorisation",
        request=ThresholdAuthorisationSerializer,
        responses=ScreeningSerializer,
        description=(
            "A manager authorises the screening's level with an outcome outside the threshold "
            "table (G4). It covers that outcome only: deciding another needs a new one."
        ),
    )
    def post(self, request: Request, contact_id: int) -> Response:
        payload = ThresholdAuthorisationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contact = read_contact_and_log_access(request, contact_id, action=AccessLog.Action.CHANGE)
        screening = services.threshold_authorise(
            actor=_user(request),
            contact=contact,
            rationale=payload.validated_data["rationale"],
            outcome=payload.validated_data.get("outcome", ""),
        )
        return Response(ScreeningSerializer(screening).data)


class OversightInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=OversightDecision.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True)
    rationale = serializers.CharField(max_length=10_000, allow_blank=True)
    alternatives_considered = serializers.CharField(
        max_length=10_000,
        required=False,
        allow_blank=True,
        help_text="required for a change to assessment, strategy_discussion or "
        "immediate_protection: the lower options considered and why they were rejected",
    )


class OversightApi(APIView):
    permission_classes = [roles(*MANAGERS)]

    @extend_schema(
        operation_id="contacts_oversight",
        request=OversightInputSerializer,
        responses=ContactDetailSerializer,
        description=(
            "agree (outcome = the recommendation) or change (a different outcome) decide the "
            "contact; return sends it back to `received`. Refused with 403 for the manager who "
            "screened it, and with 409 when the contact is not awaiting oversight, when the "
            "threshold needs authorisation first, or while a pattern flag is unreviewed."
        ),
    )
    def post(self, request: Request, contact_id: int) -> Response:
        payload = OversightInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contact = read_contact_and_log_access(request, contact_id, action=AccessLog.Action.CHANGE)
        services.oversight_decide(
            actor=_user(request),
            contact=contact,
            decision=payload.validated_data["decision"],
            outcome=payload.validated_data.get("outcome", ""),
            rationale=payload.validated_data["rationale"],
            alternatives_considered=payload.validated_data.get("alternatives_considered", ""),
        )
        # Shown as decided; the reading was logged above, once for this request.
        decided = core_selectors.with_people(Contact.objects.all()).get(pk=contact.pk)
        return Response(ContactDetailSerializer(decided).data)


class PatternFlagSerializer(serializers.ModelSerializer):
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None)

    class Meta:
        model = PatternFlag
        fields = [
            "id",
            "child",
            "contact",
            "contacts_in_12_months",
            "raised_at",
            "reviewed_by",
            "reviewed_at",
            "conclusion",
        ]
        read_only_fields = fields


class PatternFlagPagination(CursorPagination):
    ordering = ("-raised_at", "-id")
    page_size = 50


class PatternFlagListApi(APIView):
    permission_classes = [roles(*MANAGERS)]

    @extend_schema(
        operation_id="pattern_flags_list",
        parameters=[OpenApiParameter("reviewed", bool), OpenApiParameter("cursor", str)],
        responses=PatternFlagSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        flags = selectors.pattern_flags_for(_user(request))
        reviewed = request.query_params.get("reviewed")
        if reviewed is not None:
            flags = flags.filter(reviewed_at__isnull=reviewed.lower() not in {"true", "1"})
        paginator = PatternFlagPagination()
        page: list[PatternFlag] = paginator.paginate_queryset(flags, request, view=self) or []
        return paginator.get_paginated_response(PatternFlagSerializer(page, many=True).data)


class ConclusionSerializer(serializers.Serializer):
    conclusion = serializers.CharField(max_length=10_000, allow_blank=True)


class PatternFlagReviewApi(APIView):
    permission_classes = [roles(*MANAGERS)]

    @extend_schema(
        operation_id="pattern_flags_review",
        request=ConclusionSerializer,
        responses=PatternFlagSerializer,
    )
    def post(self, request: Request, flag_id: int) -> Response:
        payload = ConclusionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        user = _user(request)
        flag = get_object_or_404(selectors.pattern_flags_for(user), pk=flag_id)
        flag = services.pattern_flag_review(
            actor=user, flag=flag, conclusion=payload.validated_data["conclusion"]
        )
        return Response(PatternFlagSerializer(flag).data)
