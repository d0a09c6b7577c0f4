"""Homeless presentations over REST (api.md, "16 and 17 year olds presenting as homeless").
Every showing of a young person's record is written to the access log; partner agencies are
refused (403)."""

from __future__ import annotations

from collections.abc import Callable
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
from mach.models import AccessLog, Person, User
from mach.openapi import LIST_PARAMETERS, Pages, page_of, state_filter
from mach.permissions import CHILD_READERS, MACH_WORKERS, roles

from . import services
from .inputs import (
    HomelessAccommodationSerializer,
    HomelessAccountSerializer,
    HomelessDecisionSerializer,
    HomelessJointAssessmentSerializer,
    HomelessRightsAndAdvocacySerializer,
    PresentationInputSerializer,
    YoungPersonSerializer,
)
from .models import HomelessPresentation, PresentationState
from .selectors import presentations_visible_to


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class YoungPersonOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "first_name", "last_name", "date_of_birth"]
        read_only_fields = fields


class PresentationSerializer(serializers.ModelSerializer):
    young_person = YoungPersonOutSerializer(read_only=True)
    age_on_presentation = serializers.SerializerMethodField()
    looked_after = serializers.BooleanField(source="is_looked_after", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = HomelessPresentation
        fields = [
            "id",
            "state",
            "young_person",
            "age_on_presentation",
            "presented_at",
            "presented_to",
            "assessment_due_date",
            "overdue",
            "account",
            "wishes_and_feelings",
            "account_recorded_at",
            "rights_explained_on",
            "advocacy_offered_on",
            "advocacy_taken_up",
            "accommodation_type",
            "accommodation_address",
            "accommodated_under_s20",
            "accommodated_at",
            "looked_after",
            "housing_officer",
            "joint_assessment_completed_on",
            "joint_assessment_summary",
            "outcome",
            "informed_choice",
            "decision_reason",
            "decided_at",
        ]
        read_only_fields = fields

    def get_age_on_presentation(self, presentation: HomelessPresentation) -> int | None:
        born = presentation.young_person.date_of_birth
        return services.age_on(born, presentation.presented_on) if born else None

    def get_overdue(self, presentation: HomelessPresentation) -> bool:
        return (
            presentation.joint_assessment_completed_on is None
            and timezone.localdate() > presentation.assessment_due_date
        )


def _shown(
    request: Request, presentation_id: int, action: str = AccessLog.Action.VIEW
) -> HomelessPresentation:
    presentation = get_object_or_404(presentations_visible_to(_user(request)), pk=presentation_id)
    log_child_access(
        user=_user(request),
        child_ids=[presentation.young_person_id],
        via=request.path,
        action=action,
    )
    return presentation


def _response(request: Request, presentation_id: int, status: int = 200) -> Response:
    return Response(PresentationSerializer(_shown(request, presentation_id)).data, status=status)


def _replayed(request: Request, body: Any) -> Any:
    _shown(request, body["id"])
    return body


class PresentationPages(Pages):
    ordering = ("assessment_due_date", "id")


class PresentationListApi(APIView):
    def get_permissions(self) -> list[Any]:
        allowed = MACH_WORKERS if self.request.method == "POST" else CHILD_READERS
        return [roles(*allowed)()]

    @extend_schema(
        operation_id="homeless_presentations_list",
        parameters=[
            OpenApiParameter("state", str, enum=PresentationState.values),
            *LIST_PARAMETERS,
        ],
        responses=page_of(PresentationSerializer(many=True), "HomelessPresentationPage"),
        description="Soonest assessment due first.",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        presentations = state_filter(
            request, presentations_visible_to(user), PresentationState.values
        )
        paginator = PresentationPages()
        page: list[HomelessPresentation] = (
            paginator.paginate_queryset(presentations, request, view=self) or []
        )
        log_child_access(user=user, child_ids=[p.young_person_id for p in page], via=request.path)
        return paginator.get_paginated_response(PresentationSerializer(page, many=True).data)

    @extend_schema(
        operation_id="homeless_presentations_create",
        request=PresentationInputSerializer,
        responses={201: PresentationSerializer},
        description=(
            "Opens the pathway for a young person aged 16 or 17 on the presentation date "
            "(400 naming `young_person` otherwise), matched to their record like a child on a "
            "contact. `assessment_due_date`: 10 working days after the presentation date."
        ),
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent(on_replay=_replayed)
    def post(self, request: Request) -> Response:
        payload = PresentationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        presentation = services.presentation_create(
            actor=_user(request),
            young_person=YoungPersonSerializer().to_input(data["young_person"]),
            presented_to=data["presented_to"],
            presented_at=data.get("presented_at"),
            via=request.path,
        )
        return _response(request, presentation.pk, 201)


class PresentationDetailApi(APIView):
    permission_classes = [roles(*CHILD_READERS)]

    @extend_schema(operation_id="homeless_presentations_retrieve", responses=PresentationSerializer)
    def get(self, request: Request, presentation_id: int) -> Response:
        return _response(request, presentation_id)


def _step(
    operation_id: str,
    serializer_class: type[serializers.Serializer],
    service: Callable[..., object],
    description: str,
) -> type[APIView]:
    """One step of the pathway: the body checked, the service run, the presentation shown."""

    class StepApi(APIView):
        permission_classes = [roles(*MACH_WORKERS)]

        @extend_schema(
            operation_id=operation_id,
            request=serializer_class,
            responses=PresentationSerializer,
            description=description,
        )
        def post(self, request: Request, presentation_id: int) -> Response:
            presentation = _shown(request, presentation_id, AccessLog.Action.CHANGE)
            payload = serializer_class(data=request.data)
            payload.is_valid(raise_exception=True)
            service(actor=_user(request), presentation=presentation, **payload.validated_data)
            return _response(request, presentation_id)

    StepApi.__name__ = StepApi.__qualname__ = "".join(
        part.title() for part in operation_id.split("_")
    )
    return StepApi


ORDER = " Before the young person's own account is recorded: 409."
AccountApi = _step(
    "homeless_presentations_account",
    HomelessAccountSerializer,
    services.account_record,
    "The young person's own account, wishes and feelings: the first step (409 once recorded).",
)
RightsAndAdvocacyApi = _step(
    "homeless_presentations_rights_and_advocacy",
    HomelessRightsAndAdvocacySerializer,
    services.rights_and_advocacy_record,
    "Rights and entitlements explained and independent advocacy offered (when; taken up or "
    "not). May be updated until the decision." + ORDER,
)
AccommodationApi = _step(
    "homeless_presentations_accommodation",
    HomelessAccommodationSerializer,
    services.accommodation_record,
    "Suitable accommodation tonight: `bed_and_breakfast` is refused (400). 409 before rights "
    "are explained and advocacy offered." + ORDER,
)
JointAssessmentApi = _step(
    "homeless_presentations_joint_assessment",
    HomelessJointAssessmentSerializer,
    services.joint_assessment_record,
    "The joint assessment with a named housing officer, after accommodation." + ORDER,
)
DecisionApi = _step(
    "homeless_presentations_decision",
    HomelessDecisionSerializer,
    services.decision_record,
    "After the joint assessment. `housing_route` needs `informed_choice` in the young "
    "person's words (400)." + ORDER,
)
