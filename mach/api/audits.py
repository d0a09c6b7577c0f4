"""Case audits over REST (api.md, "Case audits"): record, submit, moderate, learning actions,
close. An audit is about a child's record: every showing of one is in the access log."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..audit import log_child_access
from ..case_audits import audits_visible_to
from ..idempotency import PARAMETER as IDEMPOTENCY_KEY
from ..idempotency import idempotent
from ..inputs import (
    AuditInputSerializer,
    CloseInputSerializer,
    LearningActionInputSerializer,
    ModerationInputSerializer,
    audit_create_from_input,
)
from ..models import (
    AccessLog,
    AuditDomain,
    AuditGrade,
    AuditState,
    CaseAudit,
    GradeChange,
    LearningAction,
    Role,
    User,
)
from ..openapi import LIST_PARAMETERS, Pages, page_of, state_filter
from ..permissions import MACH_WORKERS, MANAGERS, roles
from ..services import audits as services

AUDITORS = (Role.AUDITOR,)
AUDIT_READERS = (Role.AUDITOR, *MANAGERS)


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class GradeOutSerializer(serializers.ModelSerializer):
    domain_name = serializers.CharField(source="domain.name")

    class Meta:
        model = AuditGrade
        fields = [
            "domain",
            "domain_name",
            "grade",
            "rationale",
            "moderated_grade",
            "moderated_rationale",
        ]
        read_only_fields = fields


class GradeChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradeChange
        fields = ["field", "before", "after", "reason", "moderator", "at"]
        read_only_fields = fields


class LearningActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = LearningAction
        fields = ["id", "description", "owner", "due_date", "completed_on"]
        read_only_fields = fields


class SubjectOutSerializer(serializers.Serializer):
    child = serializers.IntegerField()
    kind = serializers.CharField(help_text="blank: the child's whole record")
    id = serializers.IntegerField(allow_null=True)


class AuditSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()
    grades = GradeOutSerializer(many=True)
    grade_changes = GradeChangeSerializer(many=True)
    learning_actions = LearningActionSerializer(many=True)
    failures = serializers.ListField(
        child=serializers.CharField(),
        source="failures_at_submission",
        help_text="the open guardrail failures known when it was submitted",
    )

    class Meta:
        model = CaseAudit
        fields = [
            "id",
            "state",
            "subject",
            "auditor",
            "practitioner",
            "collaborative",
            "practitioner_participation",
            "family_feedback_sought",
            "family_feedback",
            "grades",
            "overall_grade",
            "submitted_at",
            "moderation_reason",
            "sample_share",
            "sample_draw",
            "failures",
            "moderator",
            "moderated_at",
            "moderated_overall_grade",
            "grade_changes",
            "learning_actions",
            "carried_into_plan",
            "closed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SubjectOutSerializer)
    def get_subject(self, audit: CaseAudit) -> dict[str, Any]:
        return {"child": audit.child_id, "kind": audit.subject_kind, "id": audit.subject_id}


def _shown(request: Request, audit_id: int, action: str = AccessLog.Action.VIEW) -> CaseAudit:
    audit = get_object_or_404(audits_visible_to(_user(request)), pk=audit_id)
    log_child_access(
        user=_user(request), child_ids=[audit.child_id], via=request.path, action=action
    )
    return audit


def _loaded(audit_id: int) -> CaseAudit:
    return CaseAudit.objects.prefetch_related(
        "grades__domain", "grade_changes", "learning_actions"
    ).get(pk=audit_id)


def _response(request: Request, audit_id: int, status: int = 200) -> Response:
    _shown(request, audit_id)
    return Response(AuditSerializer(_loaded(audit_id)).data, status=status)


def _replayed(request: Request, body: Any) -> Any:
    _shown(request, body["id"])
    return body


class AuditPages(Pages):
    ordering = ("-created_at", "-id")


class AuditListApi(APIView):
    def get_permissions(self) -> list[Any]:
        allowed = AUDITORS if self.request.method == "POST" else AUDIT_READERS
        return [roles(*allowed)()]

    @extend_schema(
        operation_id="audits_list",
        parameters=[
            OpenApiParameter("state", str, enum=AuditState.values),
            *LIST_PARAMETERS,
        ],
        responses=page_of(AuditSerializer(many=True), "CaseAuditPage"),
        description="Newest first; a manager sees the audits of their team's practitioners.",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        audits = audits_visible_to(user).prefetch_related(
            "grades__domain", "grade_changes", "learning_actions"
        )
        audits = state_filter(request, audits, AuditState.values)
        paginator = AuditPages()
        page: list[CaseAudit] = paginator.paginate_queryset(audits, request, view=self) or []
        log_child_access(user=user, child_ids=[a.child_id for a in page], via=request.path)
        return paginator.get_paginated_response(AuditSerializer(page, many=True).data)

    @extend_schema(
        operation_id="audits_create",
        request=AuditInputSerializer,
        responses={201: AuditSerializer},
        parameters=[IDEMPOTENCY_KEY],
        description=(
            "An auditor records an audit (a draft) of a child's record, optionally one record "
            "in it: a grade with its rationale for every active domain, the practitioner's "
            "participation (how, when collaborative) and the family's feedback (what they "
            "said, or why it was not sought)."
        ),
    )
    @idempotent(on_replay=_replayed)
    def post(self, request: Request) -> Response:
        payload = AuditInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        audit = audit_create_from_input(actor=_user(request), data=dict(payload.validated_data))
        return _response(request, audit.pk, 201)


class AuditDetailApi(APIView):
    permission_classes = [roles(*AUDIT_READERS)]

    @extend_schema(operation_id="audits_retrieve", responses=AuditSerializer)
    def get(self, request: Request, audit_id: int) -> Response:
        return _response(request, audit_id)


def _write(
    request: Request,
    audit_id: int,
    serializer_class: type[serializers.Serializer] | None,
    service: Any,
    status: int = 200,
) -> Response:
    audit = _shown(request, audit_id, AccessLog.Action.CHANGE)
    data: dict[str, Any] = {}
    if serializer_class is not None:
        payload = serializer_class(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
    service(actor=_user(request), audit=audit, **data)
    return _response(request, audit_id, status)


class AuditSubmitApi(APIView):
    permission_classes = [roles(*AUDITORS)]

    @extend_schema(
        operation_id="audits_submit",
        request=None,
        responses=AuditSerializer,
        description=(
            "The author submits (`draft` → `submitted`). It goes on to `moderation` when graded "
            "good or better (overall or in any domain) on a record with open guardrail "
            "failures (`moderation_reason` `failures`, listed in `failures`), or when its "
            "random draw falls below the moderation share (`sampled`; `sample_share` and "
            "`sample_draw` recorded). 403 for anyone but the author; 409 when not a draft."
        ),
    )
    def post(self, request: Request, audit_id: int) -> Response:
        return _write(request, audit_id, None, services.audit_submit)


class AuditModerationApi(APIView):
    permission_classes = [roles(*AUDITORS)]

    @extend_schema(
        operation_id="audits_moderation",
        request=ModerationInputSerializer,
        responses=AuditSerializer,
        description=(
            "A second auditor (403 for the author) confirms or changes the grades; each change "
            "is recorded in `grade_changes` with the `reason` (400 without one). 409 unless "
            "awaiting moderation."
        ),
    )
    def post(self, request: Request, audit_id: int) -> Response:
        return _write(request, audit_id, ModerationInputSerializer, services.audit_moderate)


class AuditLearningActionsApi(APIView):
    permission_classes = [roles(*AUDITORS)]

    @extend_schema(
        operation_id="audits_learning_actions_create",
        request=LearningActionInputSerializer,
        responses={201: AuditSerializer},
        description=(
            "A learning action with its owner and due date (400 when past); an overdue one "
            "raises an alert. 409 on a draft or closed audit."
        ),
    )
    def post(self, request: Request, audit_id: int) -> Response:
        return _write(
            request,
            audit_id,
            LearningActionInputSerializer,
            services.learning_action_add,
            201,
        )


class LearningActionCompleteApi(APIView):
    permission_classes = [roles(*AUDITORS, *MACH_WORKERS)]

    @extend_schema(
        operation_id="audits_learning_actions_complete",
        request=None,
        responses=LearningActionSerializer,
        description="Marks a learning action done (409 when it already is).",
    )
    def post(self, request: Request, audit_id: int, action_id: int) -> Response:
        user = _user(request)
        action = get_object_or_404(
            LearningAction.objects.select_related("audit").filter(
                audit__in=audits_visible_to(user)
            ),
            pk=action_id,
            audit_id=audit_id,
        )
        log_child_access(
            user=user,
            child_ids=[action.audit.child_id],
            via=request.path,
            action=AccessLog.Action.CHANGE,
        )
        done = services.learning_action_complete(actor=user, action=action)
        return Response(LearningActionSerializer(done).data)


class AuditCloseApi(APIView):
    permission_classes = [roles(*AUDITORS)]

    @extend_schema(
        operation_id="audits_close",
        request=CloseInputSerializer,
        responses=AuditSerializer,
        description=(
            "Closes a submitted or moderated audit when every learning action is done, or "
            "those open are carried into the plan named in `carried_into_plan`; 409 otherwise."
        ),
    )
    def post(self, request: Request, audit_id: int) -> Response:
        return _write(request, audit_id, CloseInputSerializer, services.audit_close)


class AuditDomainSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditDomain
        fields = ["id", "name", "description"]
        read_only_fields = fields


class AuditDomainListApi(APIView):
    permission_classes = [roles(*AUDIT_READERS)]

    @extend_schema(
        operation_id="audit_domains_list",
        responses=AuditDomainSerializer(many=True),
        description="The active domains an audit grades (reference data, edited in admin).",
    )
    def get(self, request: Request) -> Response:
        return Response(
            AuditDomainSerializer(AuditDomain.objects.filter(active=True), many=True).data
        )
