"""Reads of domestic-abuse triage, scoped to what the user may see, and the 12-month history
beside each item of a meeting's agenda (G9), in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone

from mach import timescales, workflows
from mach.models import Contact, ContactPerson, Person, Referral, Role, User
from mach.services.referrals import twelve_months_before

from .models import (
    DashLevel,
    DomesticAbuseNotification,
    EncompassNotice,
    NotificationState,
    NotifiedPerson,
    NotifiedRole,
    TriageDecision,
    TriageMeeting,
)


def notifications_visible_to(user: User) -> QuerySet[DomesticAbuseNotification]:
    """A partner agency sees only what its own organisation sent; MACH readers see all."""
    notifications = DomesticAbuseNotification.objects.all()
    if user.role == Role.PARTNER_AGENCY:
        return notifications.filter(submitting_team_id=user.team_id, submitting_team__isnull=False)
    return notifications


def with_details(
    notifications: QuerySet[DomesticAbuseNotification],
) -> QuerySet[DomesticAbuseNotification]:
    return notifications.select_related("meeting").prefetch_related(
        Prefetch("people", queryset=NotifiedPerson.objects.select_related("person")),
        "agency_views",
        "challenges",
        Prefetch("encompass", queryset=EncompassNotice.objects.select_related("child")),
    )


def agenda(meeting: TriageMeeting) -> list[DomesticAbuseNotification]:
    """A meeting's notifications in the order received, with what the agenda shows beside each
    besides its people (read apart, by `named_people`): the agencies' views and challenges, of
    the triaged ones only, since only theirs are shown. Django's prefetch costs more per
    notification than its query does: an agenda read before the meeting, all awaiting triage,
    is spared both queries."""
    notifications = list(
        DomesticAbuseNotification.objects.filter(meeting=meeting).order_by("received_at", "id")
    )
    prefetch_related_objects(
        [n for n in notifications if n.state == NotificationState.TRIAGED],
        "agency_views",
        "challenges",
    )
    return notifications


@dataclass(frozen=True, slots=True)
class NamedPerson:
    """A person named on a notification as an agenda item shows them: their name on their
    record (not the sender's words), their role and, for a child, presence and account."""

    person_id: int
    role: str
    present: bool | None
    childs_account: str
    name: str

    @classmethod
    def of(cls, link: NotifiedPerson) -> NamedPerson:
        """From a link loaded `with_details` (its person selected with it: no query)."""
        return cls(
            person_id=link.person_id,
            role=link.role,
            present=link.present,
            childs_account=link.childs_account,
            name=link.person.full_name,
        )


def named_people(
    notifications: Sequence[DomesticAbuseNotification],
) -> dict[int, list[NamedPerson]]:
    """By notification id, its people in their order, in one query of values rather than a
    link and a person model each: an agenda names a hundred people and more."""
    people: dict[int, list[NamedPerson]] = {n.pk: [] for n in notifications}
    rows = NotifiedPerson.objects.filter(notification__in=list(people)).values_list(
        "notification_id",
        "person_id",
        "role",
        "present",
        "childs_account",
        "person__first_name",
        "person__last_name",
    )
    for notification_id, person_id, role, present, account, first_name, last_name in rows:
        people[notification_id].append(
            NamedPerson(
                person_id=person_id,
                role=role,
                present=present,
                childs_account=account,
                name=Person.name_of(first_name, last_name),
            )
        )
    return people


def meetings_visible_to(user: User) -> QuerySet[TriageMeeting]:
    return TriageMeeting.objects.all()


def child_ids_of(notification: DomesticAbuseNotification) -> list[int]:
    """The children of a notification loaded `with_details` (no query)."""
    return [p.person_id for p in notification.people.all() if p.role == NotifiedRole.CHILD]


def person_ids_of(notification: DomesticAbuseNotification) -> list[int]:
    return [p.person_id for p in notification.people.all()]


@dataclass(frozen=True)
class HistoryLine:
    at: date
    kind: str
    summary: str


@dataclass
class PersonHistory:
    """One person's last 12 months: earlier notifications, contacts, referrals, MARACs."""

    notifications: list[HistoryLine] = field(default_factory=list)
    contacts: list[HistoryLine] = field(default_factory=list)
    referrals: list[HistoryLine] = field(default_factory=list)
    maracs: list[HistoryLine] = field(default_factory=list)

    @property
    def lines(self) -> list[HistoryLine]:
        every = self.notifications + self.contacts + self.referrals + self.maracs
        return sorted(every, key=lambda line: line.at, reverse=True)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()), timescales.LONDON)


@dataclass(frozen=True, slots=True)
class _Window:
    """What of a person's history an agenda item shows: from `start` (the day a year before its
    incident) until the notification was received (`until`, on the day `last_day`)."""

    notification_id: int
    start: date
    until: datetime
    last_day: date


@dataclass(frozen=True, slots=True)
class _Earlier:
    """A notification naming the person, read once for every agenda item that names them."""

    notification_id: int
    day: date
    received_at: datetime
    line: HistoryLine
    marac: HistoryLine | None


def histories(
    notifications: Sequence[DomesticAbuseNotification],
    people: Mapping[int, Sequence[NamedPerson]],
) -> dict[tuple[int, int], PersonHistory]:
    """By (notification id, person id): the history of each of a notification's `people` (by
    its id, as `named_people` reads them) from the same day a year before its incident until it
    was received, the notification itself left out. Three queries for the whole agenda,
    whatever its length. The earlier notifications, contacts and referrals are read as values,
    not models: only the columns a line shows."""
    if not notifications:
        return {}
    zone = timezone.get_current_timezone()
    windows = {
        n.pk: _Window(
            notification_id=n.pk,
            start=twelve_months_before(timezone.localtime(n.incident_at, zone).date()),
            until=n.received_at,
            last_day=timezone.localtime(n.received_at, zone).date(),
        )
        for n in notifications
    }
    since = min(window.start for window in windows.values())
    person_ids = {p.person_id for n in notifications for p in people[n.pk]}
    earlier = _earlier_notifications(person_ids, since)
    contacts = _contacts(person_ids, since)
    referrals: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for child_id, referral_date, outcome in Referral.objects.filter(
        child_id__any_of=person_ids, referral_date__gte=since
    ).values_list("child_id", "referral_date", "outcome"):
        referrals[child_id].append((referral_date, outcome))
    found: dict[tuple[int, int], PersonHistory] = {}
    for notification in notifications:
        window = windows[notification.pk]
        for person in people[notification.pk]:
            found[(notification.pk, person.person_id)] = _history(
                window,
                earlier[person.person_id],
                contacts[person.person_id],
                referrals[person.person_id],
            )
    return found


def _earlier_notifications(person_ids: set[int], since: date) -> dict[int, list[_Earlier]]:
    """By person id, the notifications naming them with an incident on or after `since`."""
    roles = dict(NotifiedRole.choices)
    levels = dict(DashLevel.choices)
    decisions = dict(TriageDecision.choices)
    zone = timezone.get_current_timezone()
    earlier: dict[int, list[_Earlier]] = defaultdict(list)
    rows = NotifiedPerson.objects.filter(
        person_id__any_of=person_ids, notification__incident_at__gte=_start_of(since)
    ).values_list(
        "person_id",
        "role",
        "notification_id",
        "notification__incident_at",
        "notification__received_at",
        "notification__police_reference",
        "notification__dash_level",
        "notification__decision",
        "notification__marac_referral",
        "notification__marac_referred_on",
    )
    for (
        person_id,
        role,
        pk,
        incident_at,
        received_at,
        reference,
        level,
        decision,
        marac,
        on,
    ) in rows:
        day = timezone.localtime(incident_at, zone).date()
        summary = (
            f"{reference}: {levels.get(level, level)} DASH, as {roles.get(role, role).lower()}"
            + (f"; {decisions.get(decision, decision).lower()}" if decision else "")
        )
        earlier[person_id].append(
            _Earlier(
                notification_id=pk,
                day=day,
                received_at=received_at,
                line=HistoryLine(day, "notification", summary),
                marac=HistoryLine(on, "marac", f"MARAC ({reference})") if marac and on else None,
            )
        )
    return earlier


@dataclass(frozen=True, slots=True)
class _Contact:
    """A contact naming the person, read once for every agenda item that names them."""

    day: date
    received_at: datetime
    line: HistoryLine


def _contacts(person_ids: set[int], since: date) -> dict[int, list[_Contact]]:
    """By person id, the contacts naming them received on or after `since`: read as values, not
    as a link and a contact model each (an agenda's people have a hundred and more), and each
    one's day and line made once, however many agenda items name the person."""
    zone = timezone.get_current_timezone()
    contacts: dict[int, list[_Contact]] = defaultdict(list)
    rows = ContactPerson.objects.filter(
        person_id__any_of=person_ids, contact__received_at__gte=_start_of(since)
    ).values_list("person_id", "contact_id", "contact__received_at", "contact__state")
    for person_id, contact_id, received_at, state in rows:
        day = timezone.localtime(received_at, zone).date()
        summary = f"Contact {Contact.reference_of(contact_id)} ({state})"
        contacts[person_id].append(
            _Contact(day=day, received_at=received_at, line=HistoryLine(day, "contact", summary))
        )
    return contacts


def _history(
    window: _Window,
    earlier: list[_Earlier],
    contacts: list[_Contact],
    referrals: list[tuple[date, str]],
) -> PersonHistory:
    history = PersonHistory()
    start, until = window.start, window.until
    for other in earlier:
        if other.notification_id == window.notification_id or other.day < start:
            continue
        if other.received_at > until:
            continue
        history.notifications.append(other.line)
        if other.marac is not None and other.marac.at >= start:
            history.maracs.append(other.marac)
    for contact in contacts:
        if start <= contact.day and contact.received_at <= until:
            history.contacts.append(contact.line)
    for referral_date, outcome in referrals:
        if start <= referral_date <= window.last_day:
            history.referrals.append(
                HistoryLine(referral_date, "referral", f"Referral: {outcome.replace('_', ' ')}")
            )
    return history


def chronology_entries(person_ids: Sequence[int]) -> list[workflows.Entry]:
    """A child's chronology: each notification naming them and its triage decision (one
    query, of the shown columns)."""
    links = NotifiedPerson.objects.filter(person_id__in=person_ids).values_list(
        "notification_id",
        "person_id",
        "notification__received_at",
        "notification__police_reference",
        "notification__dash_level",
        "notification__decision",
        "notification__marac_referral",
        "notification__state",
    )
    grouped: dict[int, workflows.Entry] = {}
    for pk, person_id, received_at, reference, level, decision, marac, state in links:
        existing = grouped.get(pk)
        if existing is not None:
            grouped[pk] = replace(existing, person_ids=(*existing.person_ids, person_id))
            continue
        label = workflows.choice_label(DomesticAbuseNotification, "decision", decision)
        decided = (
            f"; triage: {label.lower()}" + (" and MARAC referral" if marac else "")
            if decision
            else ""
        )
        dash = workflows.choice_label(DomesticAbuseNotification, "dash_level", level)
        grouped[pk] = workflows.Entry(
            at=received_at,
            kind="domestic_abuse_notification",
            summary=f"Domestic-abuse notification {reference} ({dash} DASH){decided}",
            record_id=pk,
            person_ids=(person_id,),
            state=state,
        )
    return list(grouped.values())


def notifications_for_contact(contact_id: int) -> Iterable[DomesticAbuseNotification]:
    return DomesticAbuseNotification.objects.filter(contact_id=contact_id)


def guardrail_failures(child_ids: Sequence[int]) -> dict[int, list[str]]:
    """What is wrong on each child's record here, by child id (two queries): a notification
    naming them still awaiting triage past its working day, a school not told in time."""
    now = timezone.now()
    found: dict[int, list[str]] = defaultdict(list)
    waiting = NotifiedPerson.objects.filter(
        person_id__in=child_ids,
        role=NotifiedRole.CHILD,
        notification__state="awaiting_triage",
        notification__triage_due_at__lt=now,
    ).select_related("notification")
    for link in waiting:
        found[link.person_id].append(
            f"Domestic-abuse notification {link.notification.police_reference} not triaged "
            "within a working day (G9)"
        )
    late = EncompassNotice.objects.filter(
        child_id__in=child_ids, told_at__isnull=True, due_at__lt=now
    ).select_related("notification")
    for notice in late:
        found[notice.child_id].append(
            f"School not told of notification {notice.notification.police_reference} "
            "(Operation Encompass)"
        )
    return dict(found)
