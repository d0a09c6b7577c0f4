"""Child and family assessments (s17) over REST: record, actions, submit, authorise (G10)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mach import selectors as core_selectors
from mach.audit import log_child_access
from mach.models import AccessLog, User
from mach.openapi import page_of
from mach.permissions import CHILD_READERS, MACH_WORKERS, MANAGERS, roles

from . import services
from .inputs import (
    ActionInputSerializer,
    AssessmentRecordSerializer,
    AuthoriseSerializer,
    SubmitSerializer,
)
from .models import Assessment, AssessmentAction, AssessmentState
from .selectors import assessments_visible_to


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class AssessmentActionSerializer(serializers.ModelSerializer):
    completed_by = serializers.CharField(source="completed_by.username", default=None)

    class Meta:
        model = AssessmentAction
        fields = ["id", "description", "owner", "due_on", "completed_on", "completed_by"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    referral_date = serializers.DateField(source="referral.referral_date")
    contact = serializers.IntegerField(source="referral.contact_id")
    overdue = serializers.SerializerMethodField()
    actions = AssessmentActionSerializer(many=True)
    submitted_by = serializers.CharField(source="submitted_by.username", default=None)
    authorised_by = serializers.CharField(source="authorised_by.username", default=None)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "child",
            "contact",
            "referral",
            "referral_date",
            "state",
            "started_on",
            "due_on",
            "overdue",
            "child_seen_on",
            "child_seen_alone",
            "childs_voice",
            "family_network_involvement",
            "analysis",
            "factors",
            "outcome",
            "closure_reason",
            "exceeded_reason",
            "actions",
            "submitted_by",
            "submitted_at",
            "authorised_by",
            "authorised_at",
        ]
        read_only_fields = fields

    def get_overdue(self, assessment: Assessment) -> bool:
        return assessment.is_overdue


class AssessmentDetailSerializer(AssessmentSerializer):
    information_contacts = serializers.SerializerMethodField(
        help_text="contacts received about the child while this assessment was open: "
        "information on the open case, not new referrals (ids, oldest first)"
    )

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "information_contacts"]
        read_only_fields = fields

    def get_information_contacts(self, assessment: Assessment) -> list[int]:
        return list(
            core_selectors.contacts_on_open_case("assessment", assessment.pk).values_list(
                "id", flat=True
            )
        )


def _shown(request: Request, assessment_id: int, action: str = AccessLog.Action.VIEW) -> Assessment:
    assessment = get_object_or_404(assessments_visible_to(_user(request)), pk=assessment_id)
    log_child_access(
        user=_user(request), child_ids=[assessment.child_id], via=request.path, action=action
    )
    return assessment


def _shown_again(request: Request, assessment: Assessment) -> Response:
    return Response(AssessmentSerializer(_shown(request, assessment.pk)).data)


class AssessmentPagination(CursorPagination):
    ordering = ("due_on", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class AssessmentListApi(APIView):
    permission_classes = [roles(*CHILD_READERS)]

    @extend_schema(
        operation_id="assessments_list",
        parameters=[
            OpenApiParameter("state", str, enum=AssessmentState.values),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int),
        ],
        responses=page_of(AssessmentSerializer(many=True), "AssessmentPage"),
        description="Soonest due first.",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        assessments = assessments_visible_to(user)
        state = request.query_params.get("state")
        if state:
            if state not in AssessmentState.values:
                raise serializers.ValidationError(
                    {"state": f"Choose one of {AssessmentState.values}."}
                )
            assessments = assessments.filter(state=state)
        if request.query_params.get("overdue", "").lower() in {"true", "1"}:
            assessments = assessments.exclude(state=AssessmentState.COMPLETED).filter(
                due_on__lt=timezone.localdate()
            )
        paginator = AssessmentPagination()
        page: list[Assessment] = paginator.paginate_queryset(assessments, request, view=self) or []
        log_child_access(user=user, child_ids=[a.child_id for a in page], via=request.path)
        return paginator.get_paginated_response(AssessmentSerializer(page, many=True).data)


class AssessmentDetailApi(APIView):
    def get_permissions(self) -> list[Any]:
        allowed = MACH_WORKERS if self.request.method == "PATCH" else CHILD_READERS
        return [roles(*allowed)()]

    @extend_schema(operation_id="assessments_retrieve", responses=AssessmentDetailSerializer)
    def get(self, request: Request, assessment_id: int) -> Response:
        return Response(AssessmentDetailSerializer(_shown(request, assessment_id)).data)

    @extend_schema(
        operation_id="assessments_record",
        request=AssessmentRecordSerializer,
        responses=AssessmentSerializer,
        description="Record findings while the assessment is open (409 otherwise).",
    )
    def patch(self, request: Request, assessment_id: int) -> Response:
        payload = AssessmentRecordSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        assessment = _shown(request, assessment_id, AccessLog.Action.CHANGE)
        services.assessment_record(
            actor=_user(request), assessment=assessment, **payload.validated_data
        )
        return _shown_again(request, assessment)


class AssessmentActionsApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="assessments_actions_create",
        request=ActionInputSerializer,
        responses={201: AssessmentSerializer},
    )
    def post(self, request: Request, assessment_id: int) -> Response:
        payload = ActionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        assessment = _shown(request, assessment_id, AccessLog.Action.CHANGE)
        services.assessment_action_add(
            actor=_user(request), assessment=assessment, **payload.validated_data
        )
        response = _shown_again(request, assessment)
        response.status_code = 201
        return response


class ActionCompleteApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="assessment_actions_complete", request=None, responses=AssessmentSerializer
    )
    def post(self, request: Request, action_id: int) -> Response:
        action = get_object_or_404(AssessmentAction, pk=action_id)
        assessment = _shown(request, action.assessment_id, AccessLog.Action.CHANGE)
        services.assessment_action_complete(actor=_user(request), action=action)
        return _shown_again(request, assessment)


class AssessmentSubmitApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="assessments_submit",
        request=SubmitSerializer,
        responses=AssessmentSerializer,
        description=(
            "Sends the outcome for a manager's authorisation. 400 without the child seen, the "
            "child's voice, network involvement, analysis and factors (21 alone); closure needs "
            "RC8 or RC9 and gets 409 while any action is open."
        ),
    )
    def post(self, request: Request, assessment_id: int) -> Response:
        payload = SubmitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        assessment = _shown(request, assessment_id, AccessLog.Action.CHANGE)
        services.assessment_submit(
            actor=_user(request), assessment=assessment, **payload.validated_data
        )
        return _shown_again(request, assessment)


class AssessmentAuthoriseApi(APIView):
    permission_classes = [roles(*MANAGERS)]

    @extend_schema(
        operation_id="assessments_authorise",
        request=AuthoriseSerializer,
        responses=AssessmentSerializer,
        description="A manager (not the submitter) completes the assessment or returns it.",
    )
    def post(self, request: Request, assessment_id: int) -> Response:
        payload = AuthoriseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        assessment = _shown(request, assessment_id, AccessLog.Action.CHANGE)
        services.assessment_authorise(
            actor=_user(request), assessment=assessment, **payload.validated_data
        )
        return _shown_again(request, assessment)
