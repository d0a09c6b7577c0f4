"""Strategy discussions, s47 enquiries and conferences over REST (api.md, "Strategy
discussions"). Every showing of a child's record is written to the access log."""

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
from mach.permissions import CHILD_READERS, MACH_WORKERS, MANAGERS, roles

from . import services
from .inputs import (
    AgencyInformationInputSerializer,
    ConferenceRecordSerializer,
    DecisionSerializer,
    DiscussionRequestSerializer,
    HeldSerializer,
    InviteSerializer,
    S47CompleteSerializer,
    S47RecordSerializer,
    StrategyActionInputSerializer,
)
from .models import (
    AgencyInformation,
    Attendee,
    Conference,
    ConferenceState,
    DiscussionChild,
    DiscussionState,
    EnquiryMade,
    EnquiryState,
    Invitee,
    S47Enquiry,
    StrategyAction,
    StrategyDiscussion,
    has_minimum_attendance,
)
from .selectors import (
    child_ids_of,
    conferences_visible_to,
    discussions_visible_to,
    enquiries_visible_to,
)

DISCUSSION_READERS = (*CHILD_READERS, Role.PARTNER_AGENCY)


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


class DiscussionChildSerializer(serializers.ModelSerializer):
    class Meta:
        model = DiscussionChild
        fields = ["child", "referral", "decision", "share_with_family"]
        read_only_fields = fields


class InviteeOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invitee
        fields = ["id", "agency", "name", "role", "organisation", "email", "invited_at"]
        read_only_fields = fields


class AttendeeOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendee
        fields = ["agency", "name", "role"]
        read_only_fields = fields


class DiscussionAttendeeOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attendee
        fields = ["agency", "name", "role", "can_decide_for_agency"]
        read_only_fields = fields


class InformationOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgencyInformation
        fields = ["id", "agency", "summary", "recorded_at"]
        read_only_fields = fields


class StrategyActionSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = StrategyAction
        fields = [
            "id",
            "description",
            "owner",
            "agency",
            "child",
            "due_date",
            "overdue",
            "completed_on",
        ]
        read_only_fields = fields

    def get_overdue(self, action: StrategyAction) -> bool:
        return action.completed_on is None and timezone.localdate() > action.due_date


class DiscussionSerializer(serializers.ModelSerializer):
    children = serializers.SerializerMethodField()
    decisions = DiscussionChildSerializer(many=True, source="discussion_children")
    invitees = InviteeOutSerializer(many=True)
    attendees = DiscussionAttendeeOutSerializer(many=True)
    information = InformationOutSerializer(many=True)
    actions = StrategyActionSerializer(many=True)
    minimum_attendance_met = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = StrategyDiscussion
        fields = [
            "id",
            "state",
            "contact",
            "children",
            "rag",
            "reasonable_cause",
            "lower_options_rejected",
            "due_at",
            "overdue",
            "scheduled_for",
            "place",
            "held_at",
            "invitees",
            "attendees",
            "minimum_attendance_met",
            "proceeded_without_minimum_reason",
            "information",
            "analysis",
            "decisions",
            "actions",
        ]
        read_only_fields = fields

    def get_children(self, discussion: StrategyDiscussion) -> list[int]:
        return child_ids_of(discussion)

    def get_minimum_attendance_met(self, discussion: StrategyDiscussion) -> bool:
        return has_minimum_attendance(discussion)

    def get_overdue(self, discussion: StrategyDiscussion) -> bool:
        return discussion.state == DiscussionState.REQUESTED and timezone.now() > discussion.due_at


class EnquiryMadeOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnquiryMade
        fields = ["agency", "summary", "made_on"]
        read_only_fields = fields


class S47EnquirySerializer(serializers.ModelSerializer):
    enquiries = EnquiryMadeOutSerializer(many=True)
    conference = serializers.SerializerMethodField()
    conference_required = serializers.SerializerMethodField()

    class Meta:
        model = S47Enquiry
        fields = [
            "id",
            "state",
            "discussion",
            "child",
            "joint_with_police",
            "started_on",
            "lead_practitioner",
            "child_seen_on",
            "seen_alone",
            "childs_voice",
            "enquiries",
            "outcome",
            "next_step",
            "conference_required",
            "conference",
            "completed_at",
        ]
        read_only_fields = fields

    def get_conference_required(self, enquiry: S47Enquiry) -> bool | None:
        return enquiry.conference_required if enquiry.outcome else None

    def get_conference(self, enquiry: S47Enquiry) -> int | None:
        if not enquiry.conference_required:
            return None
        conference = Conference.objects.filter(discussion_id=enquiry.discussion_id).first()
        return conference.pk if conference else None


class ConferenceSerializer(serializers.ModelSerializer):
    children = serializers.SerializerMethodField()
    scheduled_after_due_date = serializers.BooleanField(source="is_late")
    safety_plan = serializers.SerializerMethodField()
    attendees = AttendeeOutSerializer(many=True)

    class Meta:
        model = Conference
        fields = [
            "id",
            "state",
            "discussion",
            "children",
            "due_date",
            "scheduled_for",
            "scheduled_after_due_date",
            "late_reason",
            "held_on",
            "attendees",
            "outcome",
            "category",
            "safety_plan",
        ]
        read_only_fields = fields

    def get_children(self, conference: Conference) -> list[int]:
        return [child.pk for child in conference.children.all()]

    def get_safety_plan(self, conference: Conference) -> str:
        """Interim safety arrangements are the `safety_plan` step's; until an app registers
        it, it is not handled here."""
        from mach import workflows

        return "handled" if workflows.handles("safety_plan") else "not handled here"


def _discussion_shown(
    request: Request, discussion_id: int, action: str = AccessLog.Action.VIEW
) -> StrategyDiscussion:
    """The discussion if the user may see it (else 404, before any input is read, so a partner
    not invited learns nothing), its children's showing logged."""
    discussion = get_object_or_404(discussions_visible_to(_user(request)), pk=discussion_id)
    log_child_access(
        user=_user(request), child_ids=child_ids_of(discussion), via=request.path, action=action
    )
    return discussion


def _discussion_response(request: Request, discussion_id: int, status: int = 200) -> Response:
    return Response(
        DiscussionSerializer(_discussion_shown(request, discussion_id)).data, status=status
    )


def _discussion_replayed(request: Request, body: Any) -> Any:
    """A replayed create shows the child's record again, so it is in the access log again."""
    _discussion_shown(request, body["id"])
    return body


def _discussion_write(
    request: Request,
    discussion_id: int,
    serializer_class: type[serializers.Serializer],
    service: Any,
    status: int = 200,
) -> Response:
    """One change to a discussion the user may see (404 first): the body checked by
    `serializer_class`, carried out by `service`, the discussion shown again."""
    discussion = _discussion_shown(request, discussion_id, AccessLog.Action.CHANGE)
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    service(actor=_user(request), discussion=discussion, **payload.validated_data)
    return _discussion_response(request, discussion_id, status)


class DiscussionPages(Pages):
    ordering = ("due_at", "id")


class EnquiryPages(Pages):
    ordering = ("started_on", "id")


class ConferencePages(Pages):
    ordering = ("due_date", "id")


class DiscussionListApi(APIView):
    def get_permissions(self) -> list[Any]:
        allowed = MANAGERS if self.request.method == "POST" else DISCUSSION_READERS
        return [roles(*allowed)()]

    @extend_schema(
        operation_id="strategy_discussions_list",
        parameters=[
            OpenApiParameter("state", str, enum=DiscussionState.values),
            *LIST_PARAMETERS,
        ],
        responses=page_of(DiscussionSerializer(many=True), "StrategyDiscussionPage"),
        description="Soonest due first; a partner agency sees the discussions it is invited to.",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        discussions = state_filter(request, discussions_visible_to(user), DiscussionState.values)
        paginator = DiscussionPages()
        page: list[StrategyDiscussion] = (
            paginator.paginate_queryset(discussions, request, view=self) or []
        )
        log_child_access(
            user=user,
            child_ids=[child for d in page for child in child_ids_of(d)],
            via=request.path,
        )
        return paginator.get_paginated_response(DiscussionSerializer(page, many=True).data)

    @extend_schema(
        operation_id="strategy_discussions_create",
        request=DiscussionRequestSerializer,
        responses={201: DiscussionSerializer},
        description=(
            "A manager asks for a discussion on an open case: the reasonable cause to suspect "
            "significant harm and why lower-level help will not do (G7)."
        ),
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent(on_replay=_discussion_replayed)
    def post(self, request: Request) -> Response:
        payload = DiscussionRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        discussion = services.discussion_request(actor=_user(request), **payload.validated_data)
        return _discussion_response(request, discussion.pk, 201)


class DiscussionDetailApi(APIView):
    permission_classes = [roles(*DISCUSSION_READERS)]

    @extend_schema(operation_id="strategy_discussions_retrieve", responses=DiscussionSerializer)
    def get(self, request: Request, discussion_id: int) -> Response:
        return _discussion_response(request, discussion_id)


class DiscussionInvitationsApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="strategy_discussions_invite",
        request=InviteSerializer,
        responses={201: DiscussionSerializer},
        description="Sets the time and place and emails each invitee a calendar invitation.",
    )
    def post(self, request: Request, discussion_id: int) -> Response:
        return _discussion_write(
            request, discussion_id, InviteSerializer, services.discussion_invite, 201
        )


class DiscussionHeldApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="strategy_discussions_held",
        request=HeldSerializer,
        responses=DiscussionSerializer,
        description=(
            "409 without a children's social care, a police and a health attendee who can "
            "decide for their agency (`can_decide_for_agency`) unless a "
            "manager gives `proceeded_without_minimum_reason` (403 from anyone else)."
        ),
    )
    def post(self, request: Request, discussion_id: int) -> Response:
        return _discussion_write(request, discussion_id, HeldSerializer, services.discussion_hold)


class DiscussionInformationApi(APIView):
    permission_classes = [roles(*MACH_WORKERS, Role.PARTNER_AGENCY)]

    @extend_schema(
        operation_id="strategy_discussions_information_create",
        request=AgencyInformationInputSerializer,
        responses={201: DiscussionSerializer},
        description="An invited partner agency records its agency's information.",
    )
    def post(self, request: Request, discussion_id: int) -> Response:
        return _discussion_write(
            request,
            discussion_id,
            AgencyInformationInputSerializer,
            services.discussion_information_add,
            201,
        )


class DiscussionDecisionApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="strategy_discussions_decision",
        request=DecisionSerializer,
        responses=DiscussionSerializer,
        description="One decision per child; s47 decisions open the child's enquiry.",
    )
    def post(self, request: Request, discussion_id: int) -> Response:
        return _discussion_write(
            request, discussion_id, DecisionSerializer, services.discussion_decide
        )


class DiscussionActionsApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="strategy_discussions_actions_create",
        request=StrategyActionInputSerializer,
        responses={201: DiscussionSerializer},
        description="400 naming each of owner, agency, child and due date that is missing.",
    )
    def post(self, request: Request, discussion_id: int) -> Response:
        return _discussion_write(
            request, discussion_id, StrategyActionInputSerializer, services.strategy_action_add, 201
        )


class ActionCompleteApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="strategy_actions_complete", request=None, responses=DiscussionSerializer
    )
    def post(self, request: Request, action_id: int) -> Response:
        action = get_object_or_404(StrategyAction, pk=action_id)
        _discussion_shown(request, action.discussion_id, AccessLog.Action.CHANGE)
        services.strategy_action_complete(actor=_user(request), action=action)
        return _discussion_response(request, action.discussion_id)


def _enquiry_shown(
    request: Request, enquiry_id: int, action: str = AccessLog.Action.VIEW
) -> S47Enquiry:
    enquiry = get_object_or_404(enquiries_visible_to(_user(request)), pk=enquiry_id)
    log_child_access(
        user=_user(request), child_ids=[enquiry.child_id], via=request.path, action=action
    )
    return enquiry


class EnquiryListApi(APIView):
    permission_classes = [roles(*CHILD_READERS)]

    @extend_schema(
        operation_id="s47_enquiries_list",
        parameters=[OpenApiParameter("state", str, enum=EnquiryState.values), *LIST_PARAMETERS],
        responses=page_of(S47EnquirySerializer(many=True), "S47EnquiryPage"),
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        enquiries = state_filter(request, enquiries_visible_to(user), EnquiryState.values)
        paginator = EnquiryPages()
        page: list[S47Enquiry] = paginator.paginate_queryset(enquiries, request, view=self) or []
        log_child_access(user=user, child_ids=[e.child_id for e in page], via=request.path)
        return paginator.get_paginated_response(S47EnquirySerializer(page, many=True).data)


class EnquiryDetailApi(APIView):
    def get_permissions(self) -> list[Any]:
        allowed = MACH_WORKERS if self.request.method == "PATCH" else CHILD_READERS
        return [roles(*allowed)()]

    @extend_schema(operation_id="s47_enquiries_retrieve", responses=S47EnquirySerializer)
    def get(self, request: Request, enquiry_id: int) -> Response:
        return Response(S47EnquirySerializer(_enquiry_shown(request, enquiry_id)).data)

    @extend_schema(
        operation_id="s47_enquiries_record",
        request=S47RecordSerializer,
        responses=S47EnquirySerializer,
        description="`enquiries`, when given, replaces the enquiries made. 409 once completed.",
    )
    def patch(self, request: Request, enquiry_id: int) -> Response:
        payload = S47RecordSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        enquiry = _enquiry_shown(request, enquiry_id, AccessLog.Action.CHANGE)
        services.s47_record(actor=_user(request), enquiry=enquiry, **payload.validated_data)
        return Response(S47EnquirySerializer(_enquiry_shown(request, enquiry_id)).data)


class EnquiryCompleteApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="s47_enquiries_complete",
        request=S47CompleteSerializer,
        responses=S47EnquirySerializer,
        description=(
            "409 without the child seen, the child's voice and at least one enquiry (G8). "
            "Substantiated: `next_step` conference; not substantiated: cin_plan, early_help "
            "or nfa (conference not required)."
        ),
    )
    def post(self, request: Request, enquiry_id: int) -> Response:
        payload = S47CompleteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        enquiry = _enquiry_shown(request, enquiry_id, AccessLog.Action.CHANGE)
        services.s47_complete(actor=_user(request), enquiry=enquiry, **payload.validated_data)
        return Response(S47EnquirySerializer(_enquiry_shown(request, enquiry_id)).data)


def _conference_shown(
    request: Request, conference_id: int, action: str = AccessLog.Action.VIEW
) -> Conference:
    conference = get_object_or_404(conferences_visible_to(_user(request)), pk=conference_id)
    log_child_access(
        user=_user(request),
        child_ids=[child.pk for child in conference.children.all()],
        via=request.path,
        action=action,
    )
    return conference


class ConferenceListApi(APIView):
    permission_classes = [roles(*CHILD_READERS)]

    @extend_schema(
        operation_id="conferences_list",
        parameters=[
            OpenApiParameter("state", str, enum=ConferenceState.values),
            *LIST_PARAMETERS,
        ],
        responses=page_of(ConferenceSerializer(many=True), "ConferencePage"),
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        conferences = state_filter(request, conferences_visible_to(user), ConferenceState.values)
        paginator = ConferencePages()
        page: list[Conference] = paginator.paginate_queryset(conferences, request, view=self) or []
        log_child_access(
            user=user,
            child_ids=[child.pk for c in page for child in c.children.all()],
            via=request.path,
        )
        return paginator.get_paginated_response(ConferenceSerializer(page, many=True).data)


class ConferenceDetailApi(APIView):
    def get_permissions(self) -> list[Any]:
        allowed = MACH_WORKERS if self.request.method == "PATCH" else CHILD_READERS
        return [roles(*allowed)()]

    @extend_schema(operation_id="conferences_retrieve", responses=ConferenceSerializer)
    def get(self, request: Request, conference_id: int) -> Response:
        return Response(ConferenceSerializer(_conference_shown(request, conference_id)).data)

    @extend_schema(
        operation_id="conferences_record",
        request=ConferenceRecordSerializer,
        responses=ConferenceSerializer,
        description=(
            "A `scheduled_for` after `due_date` needs `late_reason` (400); `held_on` needs the "
            "outcome; `cp_plan` needs its category. 409 once held."
        ),
    )
    def patch(self, request: Request, conference_id: int) -> Response:
        payload = ConferenceRecordSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        conference = _conference_shown(request, conference_id, AccessLog.Action.CHANGE)
        services.conference_record(
            actor=_user(request), conference=conference, **payload.validated_data
        )
        return Response(ConferenceSerializer(_conference_shown(request, conference_id)).data)
