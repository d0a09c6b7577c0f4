"""Safety plans over REST (api.md, "Safety plans"). Every showing of a child's record is written
to the access log; `check` saves nothing and shows no record, so it logs nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mach.audit import log_child_access
from mach.idempotency import PARAMETER as IDEMPOTENCY_KEY
from mach.idempotency import idempotent
from mach.models import AccessLog, User
from mach.openapi import LIST_PARAMETERS, Pages, page_of, state_filter
from mach.permissions import CHILD_READERS, MACH_WORKERS, roles

from . import family, services
from .checks import run_checks
from .inputs import AgreeSerializer, PlanCreateSerializer, PlanPartsSerializer, parts_of
from .models import PlanState, SafetyPlan, SafetyPlanVersion
from .selectors import (
    agreed_version,
    child_ids_of,
    compare,
    plans_visible_to,
    versions_of,
)


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class CheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    passed = serializers.BooleanField()
    blocking = serializers.BooleanField()
    message = serializers.CharField()
    value = serializers.FloatField(help_text="What the check measured (a score, words, count).")
    part = serializers.CharField(help_text="The part of the plan the check concerns.")


class ChecksSerializer(serializers.Serializer):
    checks = CheckSerializer(many=True)
    quality_score = serializers.IntegerField(help_text="How many checks pass.")
    checks_total = serializers.IntegerField()


class NetworkMemberOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    relationship = serializers.CharField()
    role = serializers.CharField()
    contact = serializers.CharField()
    is_parent = serializers.BooleanField()


class ActionOutSerializer(serializers.Serializer):
    who = serializers.CharField()
    what = serializers.CharField()
    when = serializers.CharField()
    how_we_will_know = serializers.CharField()
    verified_by = serializers.CharField()


class VersionSerializer(serializers.ModelSerializer):
    worries = serializers.ListField(child=serializers.CharField())
    goals = serializers.ListField(child=serializers.CharField())
    network = NetworkMemberOutSerializer(many=True)
    actions = ActionOutSerializer(many=True)
    checks = CheckSerializer(many=True)

    class Meta:
        model = SafetyPlanVersion
        fields = [
            "number",
            "state",
            "worries",
            "goals",
            "network",
            "actions",
            "childs_words",
            "family_version",
            "checks",
            "quality_score",
            "checks_total",
            "saved_at",
            "agreed_with",
            "agreed_at",
        ]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    """The plan with its current (latest) version's parts and checks."""

    children = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="current.number")
    agreed_version = serializers.SerializerMethodField()
    worries = serializers.ListField(child=serializers.CharField(), source="current.worries")
    goals = serializers.ListField(child=serializers.CharField(), source="current.goals")
    network = NetworkMemberOutSerializer(many=True, source="current.network")
    actions = ActionOutSerializer(many=True, source="current.actions")
    childs_words = serializers.CharField(source="current.childs_words")
    family_version = serializers.CharField(source="current.family_version")
    checks = CheckSerializer(many=True, source="current.checks")
    quality_score = serializers.IntegerField(source="current.quality_score")
    checks_total = serializers.IntegerField(source="current.checks_total")
    agreed_with = serializers.SerializerMethodField()

    class Meta:
        model = SafetyPlan
        fields = [
            "id",
            "state",
            "children",
            "s47_enquiry",
            "conference",
            "version",
            "agreed_version",
            "worries",
            "goals",
            "network",
            "actions",
            "childs_words",
            "family_version",
            "checks",
            "quality_score",
            "checks_total",
            "agreed_with",
            "agreed_at",
            "review_due_date",
            "created_at",
        ]
        read_only_fields = fields

    def get_children(self, plan: SafetyPlan) -> list[int]:
        return child_ids_of(plan)

    def get_agreed_version(self, plan: SafetyPlan) -> int | None:
        """The version in force (agreed and not superseded), if any."""
        version = agreed_version(plan)
        return version.number if version else None

    def get_agreed_with(self, plan: SafetyPlan) -> str:
        """Who agreed the version in force."""
        version = agreed_version(plan)
        return version.agreed_with if version else ""


class ComparisonRowSerializer(serializers.Serializer):
    part = serializers.CharField()
    heading = serializers.CharField(help_text="The part in words.")
    changed = serializers.BooleanField()
    changes = serializers.ListField(child=serializers.CharField())


class ComparisonSerializer(serializers.Serializer):
    older = serializers.IntegerField(help_text="The older version's number.")
    newer = serializers.IntegerField(help_text="The newer version's number.")
    changes = ComparisonRowSerializer(many=True)


def _plan_shown(request: Request, plan_id: int, action: str = AccessLog.Action.VIEW) -> SafetyPlan:
    """The plan if the user may see it (404 otherwise), its children's showing logged."""
    plan = get_object_or_404(plans_visible_to(_user(request)), pk=plan_id)
    log_child_access(
        user=_user(request), child_ids=child_ids_of(plan), via=request.path, action=action
    )
    return plan


def _plan_response(request: Request, plan_id: int, status: int = 200) -> Response:
    return Response(PlanSerializer(_plan_shown(request, plan_id)).data, status=status)


def _plan_replayed(request: Request, body: Any) -> Any:
    """A replayed create shows the child's record again, so it is in the access log again."""
    _plan_shown(request, body["id"])
    return body


class PlanPages(Pages):
    ordering = ("-created_at", "-id")


class PlanListApi(APIView):
    def get_permissions(self) -> list[Any]:
        allowed = MACH_WORKERS if self.request.method == "POST" else CHILD_READERS
        return [roles(*allowed)()]

    @extend_schema(
        operation_id="safety_plans_list",
        parameters=[
            OpenApiParameter("state", str, enum=[PlanState.DRAFT, PlanState.AGREED]),
            OpenApiParameter("child", int, description="Only the plans about this child."),
            *LIST_PARAMETERS,
        ],
        responses=page_of(PlanSerializer(many=True), "SafetyPlanPage"),
        description="Newest first.",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        plans = plans_visible_to(user)
        plans = state_filter(request, plans, [PlanState.DRAFT.value, PlanState.AGREED.value])
        child = request.query_params.get("child")
        if child:
            if not child.isdigit() or len(child) > 18:
                raise serializers.ValidationError({"child": "A child's id (a number)."})
            plans = plans.filter(children=int(child))
        paginator = PlanPages()
        page: list[SafetyPlan] = paginator.paginate_queryset(plans, request, view=self) or []
        log_child_access(
            user=user, child_ids=[c for plan in page for c in child_ids_of(plan)], via=request.path
        )
        return paginator.get_paginated_response(PlanSerializer(page, many=True).data)

    @extend_schema(
        operation_id="safety_plans_create",
        request=PlanCreateSerializer,
        responses={201: PlanSerializer},
        description=(
            "A draft plan (version 1) for an s47 enquiry, a conference, or a child on an open "
            "case; its checks are run and stored with the version."
        ),
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent(on_replay=_plan_replayed)
    def post(self, request: Request) -> Response:
        payload = PlanCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        plan = services.plan_create(
            actor=_user(request),
            children=data["children"],
            s47_enquiry=data["s47_enquiry"],
            conference=data["conference"],
            parts=parts_of(data),
        )
        return _plan_response(request, plan.pk, 201)


class PlanCheckApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="safety_plans_check",
        request=PlanPartsSerializer,
        responses=ChecksSerializer,
        description="The checks of a plan's parts (the body of create or update); saves nothing.",
    )
    def post(self, request: Request) -> Response:
        payload = PlanPartsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        checks = [check.as_dict() for check in run_checks(payload.validated_data)]
        return Response(
            {
                "checks": checks,
                "quality_score": sum(1 for check in checks if check["passed"]),
                "checks_total": len(checks),
            }
        )


class PlanDetailApi(APIView):
    def get_permissions(self) -> list[Any]:
        allowed = MACH_WORKERS if self.request.method == "PUT" else CHILD_READERS
        return [roles(*allowed)()]

    @extend_schema(operation_id="safety_plans_retrieve", responses=PlanSerializer)
    def get(self, request: Request, plan_id: int) -> Response:
        return _plan_response(request, plan_id)

    @extend_schema(
        operation_id="safety_plans_update",
        request=PlanPartsSerializer,
        responses=PlanSerializer,
        description=(
            "Saves a new version. On an agreed plan it starts a new draft; the agreed version "
            "stays in force until the new one is agreed."
        ),
    )
    def put(self, request: Request, plan_id: int) -> Response:
        plan = _plan_shown(request, plan_id, AccessLog.Action.CHANGE)
        payload = PlanPartsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.plan_save(actor=_user(request), plan=plan, parts=parts_of(payload.validated_data))
        return _plan_response(request, plan_id)


class PlanAgreeApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="safety_plans_agree",
        request=AgreeSerializer,
        responses=PlanSerializer,
        description=(
            "Agrees the current draft version. 409 unless the plan is a draft, or while a "
            "blocking check fails (the message names them). `review_due_date`: 10 working days "
            "after agreement or the conference, whichever is first."
        ),
    )
    def post(self, request: Request, plan_id: int) -> Response:
        plan = _plan_shown(request, plan_id, AccessLog.Action.CHANGE)
        payload = AgreeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.plan_agree(actor=_user(request), plan=plan, **payload.validated_data)
        return _plan_response(request, plan_id)


class PlanVersionsApi(APIView):
    permission_classes = [roles(*CHILD_READERS)]

    @extend_schema(
        operation_id="safety_plans_versions",
        responses=VersionSerializer(many=True),
        description="Every version, oldest first, with the checks stored with it.",
    )
    def get(self, request: Request, plan_id: int) -> Response:
        plan = _plan_shown(request, plan_id)
        return Response(VersionSerializer(versions_of(plan), many=True).data)


def version_pair(
    plan: SafetyPlan, older: str | None, newer: str | None
) -> tuple[SafetyPlanVersion, SafetyPlanVersion]:
    """The two versions to compare (default: the last two); 400 naming a bad number."""
    versions = {version.number: version for version in versions_of(plan)}
    latest = max(versions)
    chosen = {}
    for name, given, default in (("from", older, latest - 1), ("to", newer, latest)):
        if given in (None, ""):
            number = max(default, 1)
        elif str(given).isdigit() and int(given) in versions:
            number = int(given)
        else:
            raise serializers.ValidationError({name: f"A version of this plan: 1 to {latest}."})
        chosen[name] = versions[number]
    first, second = sorted((chosen["from"], chosen["to"]), key=lambda v: v.number)
    return first, second


class PlanComparisonApi(APIView):
    permission_classes = [roles(*CHILD_READERS)]

    @extend_schema(
        operation_id="safety_plans_comparison",
        parameters=[
            OpenApiParameter(
                "from", int, description="A version number (default: the one before the latest)."
            ),
            OpenApiParameter("to", int, description="A version number (default: the latest)."),
        ],
        responses=ComparisonSerializer,
        description="What changed between two versions, part by part, in words.",
    )
    def get(self, request: Request, plan_id: int) -> Response:
        plan = _plan_shown(request, plan_id)
        older, newer = version_pair(
            plan, request.query_params.get("from"), request.query_params.get("to")
        )
        return Response(
            {"older": older.number, "newer": newer.number, "changes": compare(older, newer)}
        )


class FamilyVersionPdfApi(APIView):
    permission_classes = [roles(*CHILD_READERS)]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The PDF is no rendered body: whatever the client accepts, errors are answered in JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="safety_plans_family_version_pdf",
        parameters=[
            OpenApiParameter(
                "version",
                int,
                description="A version number (default: the agreed version in force, else the "
                "latest).",
            )
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The printable family version."
            )
        },
    )
    def get(self, request: Request, plan_id: int) -> HttpResponse:
        plan = _plan_shown(request, plan_id)
        version = family.version_for(plan, request.query_params.get("version"))
        return family.pdf_response(plan, version)
