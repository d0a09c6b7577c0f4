"""Domestic-abuse triage on the web (spec section 6, G9): the notifications inbox, a form to
record a notification, the notification page (history, Operation Encompass, the triage form),
the triage meetings and each meeting's page with the 12-month history beside every item.

Every form is carried out by the service the API calls, through the API's serializers, so a
page refuses what the API refuses. A partner agency sees only what its organisation sent, and
only its status."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from rest_framework import serializers

from mach.audit import log_child_access
from mach.models import AccessLog, AgencyType, Contact, Person, Role, User
from mach.permissions import CHILD_READERS, MACH_WORKERS
from mach.web.forms import Field, bind, place_bound_forms, run_form
from mach.web.pages import FormPage, form_page, page, signed_in_user
from mach.web.rows import url_by_id
from mach.workflows import choice_label

from . import services
from .api import (
    EncompassInputSerializer,
    MeetingInputSerializer,
    NotificationInputSerializer,
    notification_create_from_input,
)
from .models import (
    DashLevel,
    DomesticAbuseNotification,
    NotificationState,
    NotifiedPerson,
    NotifiedRole,
    TriageDecision,
    TriageMeeting,
)
from .selectors import (
    NamedPerson,
    PersonHistory,
    agenda,
    child_ids_of,
    histories,
    named_people,
    notifications_visible_to,
    with_details,
)

PAGE_SIZE = 25
READERS = (*CHILD_READERS, Role.PARTNER_AGENCY)
# The agencies of the triage meeting (spec section 6), each with a view on every notification.
MEETING_AGENCIES = (
    AgencyType.POLICE,
    AgencyType.CHILDRENS_SOCIAL_CARE,
    AgencyType.HEALTH,
    AgencyType.EDUCATION,
    AgencyType.DOMESTIC_ABUSE_SERVICE,
)
AGENCY_CHOICES = [(agency.value, agency.label) for agency in MEETING_AGENCIES]


def _log(request: HttpRequest, child_ids: list[int], action: str = AccessLog.Action.VIEW) -> None:
    log_child_access(
        user=signed_in_user(request), child_ids=child_ids, via=request.path, action=action
    )


def _is_partner(user: User) -> bool:
    return user.role == Role.PARTNER_AGENCY


@page(*READERS)
def notification_list(request: HttpRequest) -> HttpResponse:
    """Awaiting triage first, oldest first; then the triaged, newest first. `?mine=1`: those
    about children whose case is allocated to the user."""
    user = signed_in_user(request)
    notifications = notifications_visible_to(user).order_by("-state", "received_at", "id")
    mine = request.GET.get("mine") == "1" and not _is_partner(user)
    if mine:
        notifications = notifications.filter(allocated_worker=user)
    if not _is_partner(user):
        notifications = with_details(notifications)
    listing = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    if not _is_partner(user):
        _log(request, [child for n in listing for child in child_ids_of(n)])
    return render(
        request,
        "triage/da_notification_list.html",
        {
            "listing": listing,
            "is_partner": _is_partner(user),
            "is_worker": user.has_role(*MACH_WORKERS),
            "mine": mine,
        },
    )


class NotificationPageSerializer(NotificationInputSerializer):
    """The notification form's flat answers (`victim-first_name`, `children-0-school`, the
    incident's date and time apart) read as the API's body, so that its errors come back under
    the form's names."""

    def to_internal_value(self, data: Any) -> Any:
        body: dict[str, Any] = {}
        for key, value in data.items():
            parts = key.split("-")
            if key in ("incident_date", "incident_time") or value in ("", None):
                continue
            if len(parts) == 2:
                body.setdefault(parts[0], {})[parts[1]] = value
            elif len(parts) == 3:
                children = body.setdefault(parts[0], [{}])
                children[int(parts[1])][parts[2]] = value
            else:
                body[key] = value
        body.setdefault("children", [{}])
        if data.get("incident_date"):
            body["incident_at"] = f"{data['incident_date']}T{data.get('incident_time') or '00:00'}"
        return super().to_internal_value(body)


def _notification_questions() -> list[Field]:
    return [
        Field("police_reference", "Police reference", width="20"),
        Field("incident_date", "Date of the incident", kind="date", hint="For example, 27 3 2026"),
        Field(
            "incident_time",
            "Time of the incident",
            hint="24-hour clock, for example 21:30",
            width="5",
        ),
        Field(
            "dash_level",
            "DASH risk level",
            kind="select",
            choices=[("", "Choose a level"), *DashLevel.choices],
        ),
        Field(
            "dash_ticks",
            "DASH ticks (optional)",
            hint="Standard 0 to 9, medium 10 to 13, high 14 or more",
            width="3",
            input_mode="numeric",
        ),
        Field("victim-first_name", "Victim's first name", width="20"),
        Field("victim-last_name", "Victim's last name", width="20"),
        Field("perpetrator-first_name", "Alleged perpetrator's first name", width="20"),
        Field("perpetrator-last_name", "Alleged perpetrator's last name", width="20"),
        Field("children-0-first_name", "Child's first name", width="20"),
        Field("children-0-last_name", "Child's last name", width="20"),
        Field("children-0-date_of_birth", "Child's date of birth", kind="date"),
        Field("children-0-school", "Child's school (optional)", width="20"),
        Field("children-0-present", "The child was present", kind="checkbox"),
        Field(
            "children-0-childs_account",
            "What the child saw, heard or said (optional)",
            kind="textarea",
        ),
        Field("summary", "Summary of the incident", kind="textarea"),
    ]


@page(*MACH_WORKERS)
def notification_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    created: list[int] = []

    def act(data: dict[str, Any]) -> None:
        notification, _new = notification_create_from_input(actor=user, data=data, via=request.path)
        created.append(notification.pk)

    form = FormPage(
        title="Record a domestic-abuse notification",
        caption="Domestic abuse",
        questions=_notification_questions(),
        serializer=NotificationPageSerializer,
        submit="Record the notification",
        done="Notification recorded.",
        back_url=reverse("triage:da-notifications"),
    )
    response = form_page(request, form, act)
    if created:
        return redirect("triage:da-notification", created[0])
    return response


class TriagePageSerializer(serializers.Serializer):
    """The triage form: one view per meeting agency and one challenge, read as the API's body."""

    decision = serializers.ChoiceField(choices=TriageDecision.choices)
    early_help_rejected_reason = serializers.CharField(
        max_length=10_000, required=False, allow_blank=True, default=""
    )
    marac_referral = serializers.BooleanField(required=False, default=False)
    professional_judgement_level = serializers.ChoiceField(
        choices=DashLevel.choices, required=False, allow_blank=True, default=""
    )
    challenge_agency = serializers.ChoiceField(
        choices=AGENCY_CHOICES, required=False, allow_blank=True, default=""
    )
    challenge = serializers.CharField(
        max_length=10_000, required=False, allow_blank=True, default=""
    )
    resolution = serializers.CharField(
        max_length=10_000, required=False, allow_blank=True, default=""
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for agency in MEETING_AGENCIES:
            self.fields[f"view_{agency.value}"] = serializers.CharField(
                max_length=10_000, required=False, allow_blank=True, default=""
            )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [attrs["challenge_agency"], attrs["challenge"].strip(), attrs["resolution"].strip()]
        if any(given) and not all(given):
            missing = [
                name
                for name, value in zip(
                    ("challenge_agency", "challenge", "resolution"), given, strict=True
                )
                if not value
            ]
            message = "A challenge names its agency, what was challenged and how it was resolved."
            raise serializers.ValidationError({name: message for name in missing})
        return attrs


def _triage_questions() -> list[Field]:
    views = [
        Field(f"view_{agency.value}", f"{agency.label}: view", kind="textarea")
        for agency in MEETING_AGENCIES
    ]
    return [
        *views,
        Field(
            "challenge_agency",
            "Challenge raised by (optional)",
            kind="select",
            choices=[("", "No challenge"), *AGENCY_CHOICES],
        ),
        Field("challenge", "What was challenged", kind="textarea"),
        Field("resolution", "How the challenge was resolved", kind="textarea"),
        Field(
            "professional_judgement_level",
            "Risk level on professional judgement (optional)",
            kind="select",
            hint="May raise the DASH level, never lower it",
            choices=[("", "As the DASH level"), *DashLevel.choices],
        ),
        Field(
            "decision",
            "Decision",
            kind="radios",
            choices=list(TriageDecision.choices),
        ),
        Field(
            "early_help_rejected_reason",
            "Early help considered: why it was rejected",
            kind="textarea",
            hint="Required for information only (G9)",
        ),
        Field("marac_referral", "Refer to MARAC", kind="checkbox"),
    ]


def _triage(user: User, notification: DomesticAbuseNotification, data: dict[str, Any]) -> str:
    views = [
        {"agency": agency.value, "view": data[f"view_{agency.value}"]}
        for agency in MEETING_AGENCIES
        if data[f"view_{agency.value}"].strip()
    ]
    challenges = (
        [
            {
                "agency": data["challenge_agency"],
                "challenge": data["challenge"],
                "resolution": data["resolution"],
            }
        ]
        if data["challenge_agency"]
        else []
    )
    services.notification_triage(
        actor=user,
        notification=notification,
        agency_views=views,
        challenges=challenges,
        decision=data["decision"],
        early_help_rejected_reason=data["early_help_rejected_reason"],
        marac_referral=data["marac_referral"],
        professional_judgement_level=data["professional_judgement_level"],
    )
    return f"Notification {notification.police_reference} triaged."


def _encompass_questions(notification: DomesticAbuseNotification) -> list[Field]:
    pending = [n for n in notification.encompass.all() if n.told_at is None]
    return [
        Field(
            "child",
            "Child",
            kind="select",
            choices=[
                ("", "Choose a child"),
                *((str(n.child_id), n.child.full_name) for n in pending),
            ],
        ),
        Field("school", "School told", width="20"),
        Field("told_by", "Told by (name and role)", width="20"),
        Field("told_date", "Date told", kind="date"),
        Field("told_time", "Time told", hint="24-hour clock, for example 08:15", width="5"),
    ]


class EncompassPageSerializer(EncompassInputSerializer):
    def to_internal_value(self, data: Any) -> Any:
        body = {key: value for key, value in data.items() if key not in ("told_date", "told_time")}
        if data.get("told_date"):
            body["told_at"] = f"{data['told_date']}T{data.get('told_time') or '00:00'}"
        return super().to_internal_value(body)


def _forms(user: User, notification: DomesticAbuseNotification) -> dict[str, list[Field]]:
    if not user.has_role(*MACH_WORKERS):
        return {}
    forms = {}
    if notification.state == NotificationState.AWAITING_TRIAGE:
        forms["triage"] = _triage_questions()
    if any(n.told_at is None for n in notification.encompass.all()):
        forms["encompass"] = _encompass_questions(notification)
    return forms


def _visible(user: User, notification_id: int) -> DomesticAbuseNotification:
    return get_object_or_404(with_details(notifications_visible_to(user)), pk=notification_id)


def _items(
    notifications: list[DomesticAbuseNotification], people: Mapping[int, Sequence[NamedPerson]]
) -> list[dict[str, Any]]:
    """Each notification with its `people` (by its id) and their 12-month history (three
    queries in all). A person's row is flat, what its cells show: an agenda has a hundred rows
    or more, and each attribute the template looks up through the history costs more there
    than here."""
    found = histories(notifications, people)
    url_of = url_by_id("triage:da-notification")
    return [
        {
            "notification": notification,
            "url": url_of(notification.pk),
            "people": [
                _person_row(person, found[(notification.pk, person.person_id)])
                for person in people[notification.pk]
            ],
        }
        for notification in notifications
    ]


def _person_row(person: NamedPerson, history: PersonHistory) -> dict[str, Any]:
    return {
        "name": person.name,
        "role": choice_label(NotifiedPerson, "role", person.role),
        "present": person.role == NotifiedRole.CHILD and bool(person.present),
        "childs_account": person.childs_account,
        "notifications": len(history.notifications),
        "contacts": len(history.contacts),
        "referrals": len(history.referrals),
        "maracs": len(history.maracs),
        "lines": history.lines,
    }


@page(*READERS)
def notification_detail(request: HttpRequest, notification_id: int) -> HttpResponse:
    return _notification_page(request, notification_id)


def _notification_page(
    request: HttpRequest,
    notification_id: int,
    *,
    bound: dict[str, list[Field]] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    notification = _visible(user, notification_id)
    if _is_partner(user):
        return render(request, "triage/da_notification_status.html", {"notification": notification})
    forms = _forms(user, notification)
    stale = place_bound_forms(forms, bound)
    if stale:
        messages.info(request, " ".join(stale))
        return redirect("triage:da-notification", notification.pk)
    _log(request, child_ids_of(notification))
    summary = [
        (item.anchor, item.error) for fields in forms.values() for item in fields if item.error
    ]
    return render(
        request,
        "triage/da_notification_detail.html",
        {
            "item": _items(
                [notification],
                {notification.pk: [NamedPerson.of(link) for link in notification.people.all()]},
            )[0],
            "notification": notification,
            "forms": forms,
            "error_summary": summary,
        },
        status=status,
    )


def _change(
    request: HttpRequest,
    notification_id: int,
    form: str,
    questions: Callable[[DomesticAbuseNotification], list[Field]],
    serializer: type[serializers.Serializer],
    act: Callable[[User, DomesticAbuseNotification, dict[str, Any]], str],
) -> HttpResponse:
    user = signed_in_user(request)
    notification = _visible(user, notification_id)
    _log(request, child_ids_of(notification), AccessLog.Action.CHANGE)
    bound = bind(questions(notification), request.POST)

    def run(data: dict[str, Any]) -> None:
        messages.success(request, act(user, notification, data))

    if not run_form(bound, request.POST, serializer, run):
        return redirect("triage:da-notification", notification.pk)
    return _notification_page(request, notification.pk, bound={form: bound}, status=400)


@require_POST
@page(*MACH_WORKERS)
def notification_triage(request: HttpRequest, notification_id: int) -> HttpResponse:
    return _change(
        request,
        notification_id,
        "triage",
        lambda _notification: _triage_questions(),
        TriagePageSerializer,
        _triage,
    )


def _encompass(user: User, notification: DomesticAbuseNotification, data: dict[str, Any]) -> str:
    services.encompass_record(actor=user, notification=notification, **data)
    return "School told recorded."


@require_POST
@page(*MACH_WORKERS)
def notification_encompass(request: HttpRequest, notification_id: int) -> HttpResponse:
    return _change(
        request,
        notification_id,
        "encompass",
        _encompass_questions,
        EncompassPageSerializer,
        _encompass,
    )


def _meeting_questions() -> list[Field]:
    return [Field("date", "Date of the meeting", kind="date", hint="A working day")]


@page(*CHILD_READERS)
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    listing = Paginator(TriageMeeting.objects.order_by("-date"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    fields = _meeting_questions() if user.has_role(*MACH_WORKERS) else []
    summary: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST" and not fields:
        raise PermissionDenied("Only MACH workers open triage meetings.")
    if request.method == "POST":
        fields = bind(fields, request.POST)
        created: list[int] = []

        def act(data: dict[str, Any]) -> None:
            created.append(services.meeting_create(actor=user, date=data["date"]).pk)

        summary = run_form(fields, request.POST, MeetingInputSerializer, act)
        if not summary:
            messages.success(request, "Triage meeting opened.")
            return redirect("triage:da-meeting", created[0])
        status = 400
    return render(
        request,
        "triage/da_meeting_list.html",
        {"listing": listing, "fields": fields, "error_summary": summary},
        status=status,
    )


@page(*CHILD_READERS)
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The agenda with, beside each notification, the 12-month history of its victim, alleged
    perpetrator and children, each agency's view, the challenges and the decision; a fixed
    number of queries whatever the agenda's length."""
    user = signed_in_user(request)
    meeting = get_object_or_404(TriageMeeting.objects.prefetch_related("attendees"), pk=meeting_id)
    notifications = agenda(meeting)
    people = named_people(notifications)
    named = [person for each in people.values() for person in each]
    _log(request, [p.person_id for p in named if p.role == NotifiedRole.CHILD])
    return render(
        request,
        "triage/da_meeting_detail.html",
        {
            "meeting": meeting,
            "items": _items(notifications, people),
            "is_worker": user.has_role(*MACH_WORKERS),
            "undecided": sum(
                1 for n in notifications if n.state == NotificationState.AWAITING_TRIAGE
            ),
            "now": timezone.now(),
        },
    )


def contact_panel(request: HttpRequest, contact: Contact) -> dict[str, Any] | None:
    """The notification whose triage made this contact, and its decision."""
    notifications = list(DomesticAbuseNotification.objects.filter(contact=contact))
    if not notifications:
        return None
    return {"notifications": notifications}


def child_panel(request: HttpRequest, child: Person) -> dict[str, Any] | None:
    """The notifications naming the child, with their triage decisions."""
    notifications = list(
        DomesticAbuseNotification.objects.filter(
            people__person=child, people__role=NotifiedRole.CHILD
        ).order_by("-received_at")
    )
    if not notifications:
        return None
    return {"notifications": notifications}
