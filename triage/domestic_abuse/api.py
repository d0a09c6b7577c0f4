"""Domestic-abuse notifications, triage meetings, triage decisions and Operation Encompass over
REST (api.md, "Domestic-abuse notifications and triage"). A partner agency sees only the
notifications its organisation sent, and only their status; every showing of a child's record
to anyone else is written to the access log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from mach.audit import log_child_access
from mach.idempotency import PARAMETER as IDEMPOTENCY_KEY
from mach.idempotency import idempotent
from mach.inputs import (
    EARLIEST_RECEIVED_AT,
    MAX_CLOCK_SKEW,
    MAX_CONCERNS_LENGTH,
    AdultInputSerializer,
    ChildInputSerializer,
    OnePassSerializer,
)
from mach.models import AccessLog, AgencyType, Role, User
from mach.openapi import LIST_PARAMETERS, Pages, page_of, state_filter
from mach.permissions import CHILD_READERS, MACH_WORKERS, roles

from . import services
from .models import (
    DashLevel,
    DomesticAbuseNotification,
    EncompassNotice,
    MeetingAttendee,
    NotificationState,
    NotifiedPerson,
    NotifiedRole,
    TriageDecision,
    TriageMeeting,
)
from .selectors import (
    child_ids_of,
    meetings_visible_to,
    notifications_visible_to,
    with_details,
)

NOTIFICATION_READERS = (*CHILD_READERS, Role.PARTNER_AGENCY)
NOTIFICATION_SENDERS = (*MACH_WORKERS, Role.PARTNER_AGENCY)
MAX_CHILDREN = 30
MAX_ITEMS = 20
MAX_TEXT = 10_000


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


def _not_in_future(value: datetime, what: str) -> datetime:
    if value > timezone.now() + MAX_CLOCK_SKEW:
        raise serializers.ValidationError(f"{what} cannot be in the future.")
    if value < EARLIEST_RECEIVED_AT:
        raise serializers.ValidationError(f"{what} cannot be before 2000.")
    return value


class NotifiedChildInputSerializer(ChildInputSerializer):
    present = serializers.BooleanField(required=False, allow_null=True, default=None)
    childs_account = serializers.CharField(
        max_length=MAX_TEXT,
        required=False,
        allow_blank=True,
        default="",
        help_text="what the child saw, heard or said",
    )


class NotificationInputSerializer(OnePassSerializer):
    police_reference = serializers.CharField(max_length=64)
    incident_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(required=False, help_text="default: now")
    dash_level = serializers.ChoiceField(choices=DashLevel.choices)
    dash_ticks = serializers.IntegerField(
        min_value=0,
        max_value=27,
        required=False,
        allow_null=True,
        default=None,
        help_text="must agree with `dash_level`: standard 0-9, medium 10-13, high 14+",
    )
    victim = AdultInputSerializer()
    perpetrator = AdultInputSerializer()
    # ListSerializer takes max_length (DRF 3.14+); the stubs do not know it yet.
    children = NotifiedChildInputSerializer(many=True, allow_empty=False, max_length=MAX_CHILDREN)  # type: ignore[call-arg]
    summary = serializers.CharField(max_length=MAX_CONCERNS_LENGTH)

    def validate_incident_at(self, value: datetime) -> datetime:
        return _not_in_future(value, "An incident")

    def validate_received_at(self, value: datetime) -> datetime:
        return _not_in_future(value, "A notification")

    def rule_errors(self, values: Any) -> dict[str, str]:
        if "dash_level" not in values:
            return {}
        return services.dash_errors(values["dash_level"], values.get("dash_ticks"))


def notification_create_from_input(
    *, actor: User, data: dict[str, Any], via: str
) -> tuple[DomesticAbuseNotification, bool]:
    """The one path of the API and the page: `NotificationInputSerializer`'s data recorded."""
    children = [
        services.NotifiedChild(
            person=ChildInputSerializer().to_input(
                {k: v for k, v in child.items() if k not in ("present", "childs_account")}
            ),
            present=child["present"],
            childs_account=child["childs_account"],
        )
        for child in data["children"]
    ]
    return services.notification_create(
        actor=actor,
        police_reference=data["police_reference"],
        incident_at=data["incident_at"],
        received_at=data.get("received_at"),
        dash_level=data["dash_level"],
        dash_ticks=data.get("dash_ticks"),
        victim=AdultInputSerializer().to_input(data["victim"]),
        perpetrator=AdultInputSerializer().to_input(data["perpetrator"]),
        children=children,
        summary=data["summary"],
        via=via,
    )


class AgencyViewSerializer(serializers.Serializer):
    agency = serializers.ChoiceField(choices=AgencyType.choices)
    view = serializers.CharField(max_length=MAX_TEXT)


class ChallengeSerializer(serializers.Serializer):
    agency = serializers.ChoiceField(choices=AgencyType.choices)
    challenge = serializers.CharField(max_length=MAX_TEXT)
    resolution = serializers.CharField(max_length=MAX_TEXT)


class TriageInputSerializer(serializers.Serializer):
    agency_views = AgencyViewSerializer(many=True, required=False, max_length=MAX_ITEMS)  # type: ignore[call-arg]
    challenges = ChallengeSerializer(many=True, required=False, max_length=MAX_ITEMS)  # type: ignore[call-arg]
    decision = serializers.ChoiceField(choices=TriageDecision.choices)
    early_help_rejected_reason = serializers.CharField(
        max_length=MAX_TEXT,
        required=False,
        allow_blank=True,
        default="",
        help_text="required for `information_only`: early help considered and why rejected (G9)",
    )
    marac_referral = serializers.BooleanField(required=False, default=False)
    professional_judgement_level = serializers.ChoiceField(
        choices=DashLevel.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="the level on professional judgement: may raise the DASH level, never lower",
    )


class EncompassInputSerializer(serializers.Serializer):
    child = serializers.IntegerField(min_value=1)
    told_at = serializers.DateTimeField()
    told_by = serializers.CharField(max_length=200)
    school = serializers.CharField(max_length=200)

    def validate_told_at(self, value: datetime) -> datetime:
        return _not_in_future(value, "A school")


class MeetingAttendeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingAttendee
        fields = ["agency", "name", "role"]
        extra_kwargs = {"role": {"required": False}}


class MeetingInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    attendees = MeetingAttendeeSerializer(many=True, required=False, max_length=MAX_ITEMS)  # type: ignore[call-arg]


class NotifiedChildSerializer(serializers.ModelSerializer):
    child = serializers.IntegerField(source="person_id")

    class Meta:
        model = NotifiedPerson
        fields = ["child", "matched_existing", "present", "childs_account"]
        read_only_fields = fields


class EncompassSerializer(serializers.ModelSerializer):
    class Meta:
        model = EncompassNotice
        fields = ["child", "school", "due_at", "told_at", "told_by", "told_school"]
        read_only_fields = fields


class SentPersonSerializer(serializers.Serializer):
    """A person as the sender sent them (names, date of birth): never a record id."""

    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    date_of_birth = serializers.DateField(read_only=True, required=False)


class PartnerEncompassSerializer(serializers.ModelSerializer):
    child = serializers.SerializerMethodField()

    class Meta:
        model = EncompassNotice
        fields = ["child", "school", "due_at"]
        read_only_fields = fields

    @extend_schema_field(SentPersonSerializer)
    def get_child(self, notice: EncompassNotice) -> dict[str, Any]:
        sent = self.context["sent"].get(notice.child_id, {})
        return {
            key: sent[key] for key in ("first_name", "last_name", "date_of_birth") if key in sent
        }


class AgencyViewOutSerializer(serializers.Serializer):
    agency = serializers.CharField(read_only=True)
    view = serializers.CharField(read_only=True)


class ChallengeOutSerializer(serializers.Serializer):
    agency = serializers.CharField(read_only=True)
    challenge = serializers.CharField(read_only=True)
    resolution = serializers.CharField(read_only=True)


class NotificationSerializer(serializers.ModelSerializer):
    victim = serializers.SerializerMethodField()
    perpetrator = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()
    encompass = EncompassSerializer(many=True)
    agency_views = AgencyViewOutSerializer(many=True)
    challenges = ChallengeOutSerializer(many=True)
    marac_criteria = serializers.ListField(child=serializers.CharField(), read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = DomesticAbuseNotification
        fields = [
            "id",
            "state",
            "police_reference",
            "incident_at",
            "received_at",
            "dash_level",
            "dash_ticks",
            "summary",
            "victim",
            "perpetrator",
            "children",
            "encompass",
            "triage_due_at",
            "overdue",
            "meeting",
            "open_case_kind",
            "allocated_worker",
            "agency_views",
            "challenges",
            "decision",
            "early_help_rejected_reason",
            "professional_judgement_level",
            "marac_referral",
            "marac_criteria",
            "contact",
            "triaged_at",
        ]
        read_only_fields = fields

    def _of_role(self, notification: DomesticAbuseNotification, role: str) -> int | None:
        return next((p.person_id for p in notification.people.all() if p.role == role), None)

    def get_victim(self, notification: DomesticAbuseNotification) -> int | None:
        return self._of_role(notification, NotifiedRole.VICTIM)

    def get_perpetrator(self, notification: DomesticAbuseNotification) -> int | None:
        return self._of_role(notification, NotifiedRole.PERPETRATOR)

    @extend_schema_field(NotifiedChildSerializer(many=True))
    def get_children(self, notification: DomesticAbuseNotification) -> list[dict[str, Any]]:
        children = [p for p in notification.people.all() if p.role == NotifiedRole.CHILD]
        return list(NotifiedChildSerializer(children, many=True).data)

    def get_overdue(self, notification: DomesticAbuseNotification) -> bool:
        return (
            notification.state == NotificationState.AWAITING_TRIAGE
            and timezone.now() > notification.triage_due_at
        )


class PartnerNotificationSerializer(serializers.ModelSerializer):
    """What the sending organisation sees: the status of what it sent, and the children's
    schools to tell as it sent them. Nothing about existing records."""

    encompass = serializers.SerializerMethodField()

    class Meta:
        model = DomesticAbuseNotification
        fields = ["id", "state", "police_reference", "received_at", "triage_due_at", "encompass"]
        read_only_fields = fields

    @extend_schema_field(PartnerEncompassSerializer(many=True))
    def get_encompass(self, notification: DomesticAbuseNotification) -> list[dict[str, Any]]:
        sent = {p.person_id: p.as_sent for p in notification.people.all()}
        notices = notification.encompass.all()
        return list(PartnerEncompassSerializer(notices, many=True, context={"sent": sent}).data)


class MeetingSerializer(serializers.ModelSerializer):
    attendees = MeetingAttendeeSerializer(many=True, read_only=True)
    agenda = serializers.SerializerMethodField()
    undecided = serializers.SerializerMethodField()

    class Meta:
        model = TriageMeeting
        fields = ["id", "state", "date", "starts_at", "attendees", "agenda", "undecided"]
        read_only_fields = fields

    def get_agenda(self, meeting: TriageMeeting) -> list[int]:
        return [n.pk for n in meeting.notifications.all()]

    def get_undecided(self, meeting: TriageMeeting) -> int:
        return sum(
            1 for n in meeting.notifications.all() if n.state == NotificationState.AWAITING_TRIAGE
        )


def _either(name: str, many: bool = False) -> PolymorphicProxySerializer:
    """A worker's notification, or a partner's status of its own."""
    return PolymorphicProxySerializer(
        component_name=name,
        serializers=[NotificationSerializer, PartnerNotificationSerializer],
        resource_type_field_name=None,
        many=many,
    )


class NotificationPages(Pages):
    ordering = ("-received_at", "-id")


class MeetingPages(Pages):
    ordering = ("-date", "-id")


def _shown(
    request: Request, notification_id: int, action: str = AccessLog.Action.VIEW
) -> DomesticAbuseNotification:
    """The notification if the user may see it (else 404 before any input is read), with the
    showing of its children logged (a partner is shown its status only, no child's record)."""
    user = _user(request)
    notification = get_object_or_404(
        with_details(notifications_visible_to(user)), pk=notification_id
    )
    if user.role != Role.PARTNER_AGENCY:
        log_child_access(
            user=user, child_ids=child_ids_of(notification), via=request.path, action=action
        )
    return notification


def _body(request: Request, notification: DomesticAbuseNotification) -> dict[str, Any]:
    if _user(request).role == Role.PARTNER_AGENCY:
        return dict(PartnerNotificationSerializer(notification).data)
    return dict(NotificationSerializer(notification).data)


def _replayed(request: Request, body: Any) -> Any:
    """A replayed create shows the children again, so it is in the access log again."""
    _shown(request, body["id"])
    return body


def _change(
    request: Request,
    notification_id: int,
    serializer_class: type[serializers.Serializer],
    service: Any,
) -> Response:
    """One change to a notification the user may see (404 before the body is read): the body
    checked by `serializer_class`, carried out by `service`, the notification shown again."""
    notification = _shown(request, notification_id, AccessLog.Action.CHANGE)
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    service(actor=_user(request), notification=notification, **payload.validated_data)
    return Response(_body(request, _shown(request, notification_id)))


class NotificationListApi(APIView):
    def get_permissions(self) -> list[Any]:
        allowed = NOTIFICATION_SENDERS if self.request.method == "POST" else NOTIFICATION_READERS
        return [roles(*allowed)()]

    @extend_schema(
        operation_id="da_notifications_list",
        parameters=[
            OpenApiParameter("state", str, enum=NotificationState.values),
            *LIST_PARAMETERS,
        ],
        responses=page_of(
            _either("DomesticAbuseNotificationOrStatus", many=True),
            "DomesticAbuseNotificationPage",
        ),
        description=(
            "Newest first. A partner agency sees only what its organisation sent, each as "
            "`PartnerNotification` (its status only)."
        ),
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        notifications = state_filter(
            request, with_details(notifications_visible_to(user)), NotificationState.values
        )
        paginator = NotificationPages()
        page: list[DomesticAbuseNotification] = (
            paginator.paginate_queryset(notifications, request, view=self) or []
        )
        if user.role == Role.PARTNER_AGENCY:
            data = PartnerNotificationSerializer(page, many=True).data
        else:
            log_child_access(
                user=user, child_ids=[c for n in page for c in child_ids_of(n)], via=request.path
            )
            data = NotificationSerializer(page, many=True).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="da_notifications_create",
        request=NotificationInputSerializer,
        responses={
            201: _either("DomesticAbuseNotificationCreated"),
            200: _either("DomesticAbuseNotificationCreated"),
        },
        description=(
            "The police (a partner agency of agency `police`) or a MACH worker records a "
            "notification: 201. The same `police_reference` again creates nothing and answers "
            "200 with the notification. A partner is answered as `PartnerNotification`: the "
            "`encompass` children as it sent them, never a record id. 400 when the DASH ticks "
            "and level disagree; 403 for a partner agency that is not the police."
        ),
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent(on_replay=_replayed)
    def post(self, request: Request) -> Response:
        payload = NotificationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        notification, created = notification_create_from_input(
            actor=_user(request), data=payload.validated_data, via=request.path
        )
        shown = _shown(request, notification.pk, AccessLog.Action.CREATE if created else "view")
        return Response(_body(request, shown), status=201 if created else 200)


class NotificationDetailApi(APIView):
    permission_classes = [roles(*NOTIFICATION_READERS)]

    @extend_schema(
        operation_id="da_notifications_retrieve",
        responses=_either("DomesticAbuseNotificationOrStatus"),
        description="A partner agency gets the status of what its organisation sent, else 404.",
    )
    def get(self, request: Request, notification_id: int) -> Response:
        return Response(_body(request, _shown(request, notification_id)))


class NotificationTriageApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="da_notifications_triage",
        request=TriageInputSerializer,
        responses=NotificationSerializer,
        description=(
            "Each agency's view, each challenge and its resolution, and the decision: state "
            "`triaged`. 400 for information only without `early_help_rejected_reason`, and "
            "when a MARAC criterion is met (high risk, professional judgement, escalation, "
            "repeat) and `marac_referral` is false: `marac_referral` names the criteria and "
            "`criteria` lists them. 409 once triaged."
        ),
    )
    def post(self, request: Request, notification_id: int) -> Response:
        return _change(
            request, notification_id, TriageInputSerializer, services.notification_triage
        )


class NotificationEncompassApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="da_notifications_encompass",
        request=EncompassInputSerializer,
        responses=NotificationSerializer,
        description=(
            "Operation Encompass: when, by whom and which school was told about a child. 400 "
            "for a child without a notice on this notification; 409 when already recorded."
        ),
    )
    def post(self, request: Request, notification_id: int) -> Response:
        return _change(
            request, notification_id, EncompassInputSerializer, services.encompass_record
        )


def _meetings() -> QuerySet[TriageMeeting]:
    return TriageMeeting.objects.prefetch_related("attendees", "notifications")


class MeetingListApi(APIView):
    def get_permissions(self) -> list[Any]:
        allowed = MACH_WORKERS if self.request.method == "POST" else CHILD_READERS
        return [roles(*allowed)()]

    @extend_schema(
        operation_id="da_triage_meetings_list",
        parameters=[OpenApiParameter("state", str, enum=["open", "closed"]), *LIST_PARAMETERS],
        responses=page_of(MeetingSerializer(many=True), "TriageMeetingPage"),
        description="Newest first; `agenda` lists the notifications' ids.",
    )
    def get(self, request: Request) -> Response:
        meetings = state_filter(request, _meetings(), ["open", "closed"])
        paginator = MeetingPages()
        page = paginator.paginate_queryset(meetings, request, view=self) or []
        return paginator.get_paginated_response(MeetingSerializer(page, many=True).data)

    @extend_schema(
        operation_id="da_triage_meetings_create",
        request=MeetingInputSerializer,
        responses={201: MeetingSerializer},
        description=(
            "The day's meeting (a working day, else 400 on `date`) takes every notification "
            "awaiting triage received before it starts, including those undecided at an earlier "
            "meeting. 409 when the day already has its meeting."
        ),
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent()
    def post(self, request: Request) -> Response:
        payload = MeetingInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        meeting = services.meeting_create(actor=_user(request), **payload.validated_data)
        return Response(MeetingSerializer(_meetings().get(pk=meeting.pk)).data, status=201)


class MeetingDetailApi(APIView):
    permission_classes = [roles(*CHILD_READERS)]

    @extend_schema(operation_id="da_triage_meetings_retrieve", responses=MeetingSerializer)
    def get(self, request: Request, meeting_id: int) -> Response:
        meeting = get_object_or_404(
            _meetings().filter(pk__in=meetings_visible_to(_user(request))), pk=meeting_id
        )
        return Response(MeetingSerializer(meeting).data)
