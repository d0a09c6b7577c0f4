"""Every write of domestic-abuse triage (spec section 6): notifications, triage meetings, triage
decisions with their MARAC rule, and Operation Encompass. Each checks the role, changes the
record in one durable transaction, records an event and defers side effects to the commit."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mach import timescales
from mach.audit import record_event, record_receipt
from mach.models import (
    AgencyType,
    Channel,
    Contact,
    ParentalAwareness,
    Person,
    Role,
    Source,
    User,
)
from mach.permissions import MACH_WORKERS
from mach.services import (
    AlreadyDone,
    PersonInput,
    contact_create,
    intake_team_for,
    match_people,
    open_case_of,
    propose_matches,
    referrals_open,
    require_role,
)
from mach.services.common import enqueue_deadline_check
from mach.services.referrals import twelve_months_before

from .models import (
    DASH_RANK,
    AgencyView,
    DashLevel,
    DomesticAbuseNotification,
    EncompassNotice,
    MaracCriterion,
    MeetingAttendee,
    NotificationState,
    NotifiedPerson,
    NotifiedRole,
    TriageChallenge,
    TriageDecision,
    TriageMeeting,
    dash_level_of,
)

NOTIFIERS = (*MACH_WORKERS, Role.PARTNER_AGENCY)
# School age (spec section 6): from reception (the September after the fourth birthday) to 17.
RECEPTION_AGE = 4
ADULT_AGE = 18


@dataclass
class NotifiedChild:
    person: PersonInput
    present: bool | None = None
    childs_account: str = ""


def may_notify(user: User) -> bool:
    """MACH workers record notifications; of partner agencies, only the police send them."""
    if user.has_role(*MACH_WORKERS):
        return True
    return (
        user.has_role(Role.PARTNER_AGENCY)
        and user.team is not None
        and user.team.agency == AgencyType.POLICE
    )


def dash_errors(dash_level: str, dash_ticks: int | None) -> dict[str, str]:
    """Ticks and level agree when both are given: standard 0-9, medium 10-13, high 14+."""
    if dash_ticks is not None and dash_level_of(dash_ticks) != dash_level:
        return {
            "dash_ticks": f"{dash_ticks} ticks is a {dash_level_of(dash_ticks)} DASH level, "
            f"not {dash_level}."
        }
    return {}


def is_school_age(born: date | None, on: date) -> bool:
    """In reception or above, and under 18, on `on`."""
    if born is None:
        return False
    school_year_start = on.year if on.month >= 9 else on.year - 1
    started_reception = born <= date(school_year_start - RECEPTION_AGE, 8, 31)
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return started_reception and age < ADULT_AGE


def as_sent(data: PersonInput, **extra: Any) -> dict[str, Any]:
    """The person as the sender described them (JSON), with the dates as ISO strings."""
    sent = {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in dataclasses.asdict(data).items()
        if value not in ("", None, {})
    }
    return {**sent, **extra}


def _input_from_sent(sent: dict[str, Any]) -> PersonInput:
    names = {field.name for field in dataclasses.fields(PersonInput)}
    values = {key: value for key, value in sent.items() if key in names}
    for key in ("date_of_birth", "expected_date_of_birth"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    return PersonInput(**values)


def notification_create(
    *,
    actor: User,
    police_reference: str,
    incident_at: datetime,
    dash_level: str,
    victim: PersonInput,
    perpetrator: PersonInput,
    children: Sequence[NotifiedChild],
    summary: str,
    dash_ticks: int | None = None,
    received_at: datetime | None = None,
    via: str = "",
) -> tuple[DomesticAbuseNotification, bool]:
    """Record a notification, match its people as a contact's are, start its triage clock (one
    working day) and each school-age child's Operation Encompass clock; returns it and whether
    it is new. The same `police_reference` again creates nothing and returns the first, unless
    another organisation sent it (then `AlreadyDone`, and nothing about it is revealed).

    Raises PermissionDenied for a role (or a partner agency other than the police) that may not
    notify, ValidationError naming the field when the DASH ticks and level disagree, or when
    the victim and the alleged perpetrator are the same record."""
    if not may_notify(actor):
        raise PermissionDenied("Only the police and MACH workers send these notifications.")
    errors = dash_errors(dash_level, dash_ticks)
    if not children:
        errors["children"] = "Name at least one child."
    if errors:
        raise ValidationError(errors)
    existing = _existing(actor, police_reference)
    if existing is not None:
        return existing, False
    try:
        notification = _create(
            actor=actor,
            police_reference=police_reference,
            incident_at=incident_at,
            dash_level=dash_level,
            dash_ticks=dash_ticks,
            victim=victim,
            perpetrator=perpetrator,
            children=children,
            summary=summary,
            received_at=received_at or timezone.now(),
            via=via,
        )
    except IntegrityError:
        # Sent twice at once: the other request's notification is the one.
        existing = _existing(actor, police_reference)
        if existing is None:
            raise
        return existing, False
    return notification, True


def _existing(actor: User, police_reference: str) -> DomesticAbuseNotification | None:
    found = DomesticAbuseNotification.objects.filter(police_reference=police_reference).first()
    if found is None:
        return None
    if actor.role == Role.PARTNER_AGENCY and found.submitting_team_id != actor.team_id:
        raise AlreadyDone("A notification with this police reference was already received.")
    return found


def _create(
    *,
    actor: User,
    police_reference: str,
    incident_at: datetime,
    dash_level: str,
    dash_ticks: int | None,
    victim: PersonInput,
    perpetrator: PersonInput,
    children: Sequence[NotifiedChild],
    summary: str,
    received_at: datetime,
    via: str,
) -> DomesticAbuseNotification:
    # Not durable: an `Idempotency-Key` keeps its record in the request's transaction.
    with transaction.atomic():
        adults = [victim, perpetrator]
        matches = match_people(children=[child.person for child in children], adults=adults)
        by_input = {id(data): match for _role, data, match in matches}
        # Matching names one record once: a victim or perpetrator who is one of the children,
        # or the same person as the other, is a mistake in the notification.
        for field, data in (("victim", victim), ("perpetrator", perpetrator)):
            if id(data) not in by_input:
                raise ValidationError(
                    {field: "This is the same person as another named on the notification."}
                )
        propose_matches(match for _role, _data, match in matches)
        case = open_case_of(matches)
        due = timescales.add_working_days(received_at, 1)
        notification = DomesticAbuseNotification(
            police_reference=police_reference,
            incident_at=incident_at,
            received_at=received_at,
            dash_level=dash_level,
            dash_ticks=dash_ticks,
            summary=summary,
            triage_due_at=due,
            team=intake_team_for(actor),
            submitted_by=actor,
            submitting_team_id=actor.team_id if actor.role == Role.PARTNER_AGENCY else None,
        )
        if case is not None:
            notification.open_case_kind = case.kind
            notification.allocated_worker_id = case.worker_id
            if case.team_id is not None:
                notification.team_id = case.team_id
        notification.start_clock(due)
        notification.save()
        people = _link_people(notification, victim, perpetrator, children, by_input)
        notices = _encompass_notices(notification, people)
        record_receipt(
            actor=actor,
            subject=notification,
            action="da_notification_received",
            to_state=notification.state,
            data={
                "dash_level": dash_level,
                "people": len(people),
                "encompass": len(notices),
                **({"open_case": case.kind} if case is not None else {}),
            },
            child_ids=[link.person_id for link in people if link.role == NotifiedRole.CHILD],
            via=via or "da_notification_create",
        )
        now = timezone.now()
        for notice in notices:
            if notice.due_at <= now:
                transaction.on_commit(
                    partial(enqueue_deadline_check, "encompass", notice.pk), robust=True
                )
        if due <= now:
            transaction.on_commit(
                partial(enqueue_deadline_check, "da_triage", notification.pk), robust=True
            )
    return notification


def _link_people(
    notification: DomesticAbuseNotification,
    victim: PersonInput,
    perpetrator: PersonInput,
    children: Sequence[NotifiedChild],
    by_input: dict[int, Any],
) -> list[NotifiedPerson]:
    rows = [
        NotifiedPerson(
            notification=notification,
            person=by_input[id(child.person)].person,
            role=NotifiedRole.CHILD,
            matched_existing=by_input[id(child.person)].matched_existing,
            present=child.present,
            childs_account=child.childs_account,
            as_sent=as_sent(child.person),
            position=position,
        )
        for position, child in enumerate(children)
        if id(child.person) in by_input
    ]
    for role, data in ((NotifiedRole.VICTIM, victim), (NotifiedRole.PERPETRATOR, perpetrator)):
        rows.append(
            NotifiedPerson(
                notification=notification,
                person=by_input[id(data)].person,
                role=role,
                matched_existing=by_input[id(data)].matched_existing,
                as_sent=as_sent(data),
                position=len(rows),
            )
        )
    return NotifiedPerson.objects.bulk_create(rows)


def _encompass_notices(
    notification: DomesticAbuseNotification, people: Sequence[NotifiedPerson]
) -> list[EncompassNotice]:
    """One notice per child of school age on the day the school must be told."""
    due = timescales.next_school_day_start(notification.received_at)
    on = timezone.localtime(due).date()
    notices = []
    for link in people:
        child: Person = link.person
        if link.role != NotifiedRole.CHILD or not is_school_age(child.date_of_birth, on):
            continue
        notice = EncompassNotice(
            notification=notification,
            child=child,
            school=link.as_sent.get("school") or child.school,
            due_at=due,
        )
        notice.start_clock(due)
        notices.append(notice)
    return EncompassNotice.objects.bulk_create(notices)


def meeting_start(day: date) -> datetime:
    """When the day's triage meeting starts (`settings.DA_TRIAGE_MEETING_TIME`, local)."""
    at = time.fromisoformat(settings.DA_TRIAGE_MEETING_TIME)
    return timezone.make_aware(datetime.combine(day, at), timescales.LONDON)


def meeting_create(
    *, actor: User, date: date, attendees: Sequence[dict[str, str]] = ()
) -> TriageMeeting:
    """Hold the day's triage meeting (working days only): its agenda takes every notification
    awaiting triage received before it starts, including those rolled from an earlier meeting,
    and an earlier meeting left with nothing undecided closes. Raises ValidationError on `date`
    for a day that is not a working day, `AlreadyDone` when that day has its meeting."""
    require_role(actor, MACH_WORKERS)
    if not timescales.is_working_day(date):
        raise ValidationError({"date": "Triage meetings are held on working days."})
    starts_at = meeting_start(date)
    # Not durable: an `Idempotency-Key` keeps its record in the request's transaction.
    with transaction.atomic():
        try:
            with transaction.atomic():
                meeting = TriageMeeting.objects.create(
                    date=date, starts_at=starts_at, created_by=actor
                )
        except IntegrityError:
            raise AlreadyDone("That day already has its triage meeting.") from None
        MeetingAttendee.objects.bulk_create(
            MeetingAttendee(meeting=meeting, **attendee) for attendee in attendees
        )
        agenda = DomesticAbuseNotification.objects.filter(
            state=NotificationState.AWAITING_TRIAGE, received_at__lt=starts_at
        )
        rolled_from = set(
            agenda.exclude(meeting=None).values_list("meeting_id", flat=True).distinct()
        )
        taken = agenda.update(meeting=meeting)
        record_event(
            actor=actor,
            subject=meeting,
            action="da_meeting_opened",
            to_state=meeting.state,
            data={"agenda": taken, "rolled_from": sorted(rolled_from)},
        )
        for earlier in TriageMeeting.objects.filter(pk__in=rolled_from):
            _close_if_decided(actor, earlier)
    return meeting


def _close_if_decided(actor: User, meeting: TriageMeeting) -> None:
    if meeting.state != "open":
        return
    if meeting.notifications.filter(state=NotificationState.AWAITING_TRIAGE).exists():
        return
    meeting.close()
    meeting.closed_at = timezone.now()
    meeting.save(update_fields=["state", "closed_at"])
    record_event(actor=actor, subject=meeting, action="da_meeting_closed", to_state=meeting.state)


def effective_level(dash_level: str, judgement: str) -> str:
    """Professional judgement may raise the level, never lower it."""
    if judgement and DASH_RANK[judgement] > DASH_RANK[dash_level]:
        return judgement
    return dash_level


def victim_of(notification: DomesticAbuseNotification) -> int | None:
    return (
        NotifiedPerson.objects.filter(notification=notification, role=NotifiedRole.VICTIM)
        .values_list("person_id", flat=True)
        .first()
    )


def marac_criteria(notification: DomesticAbuseNotification, judgement: str = "") -> list[str]:
    """The MARAC criteria the notification meets (spec section 6), each a `MaracCriterion`.

    Escalation counts the victim's incidents (this one included) from the same day a year
    before this incident up to it; repeat looks for a MARAC referral of the victim made from
    that day up to this incident's day. Both windows include their first day."""
    met = []
    if notification.dash_level == DashLevel.HIGH:
        met.append(MaracCriterion.HIGH_RISK.value)
    elif effective_level(notification.dash_level, judgement) == DashLevel.HIGH:
        met.append(MaracCriterion.PROFESSIONAL_JUDGEMENT.value)
    victim = victim_of(notification)
    if victim is None:
        return met
    incident_day = timezone.localtime(notification.incident_at).date()
    since = twelve_months_before(incident_day)
    window_start = timezone.make_aware(datetime.combine(since, time()), timescales.LONDON)
    of_victim = DomesticAbuseNotification.objects.filter(
        people__person_id=victim, people__role=NotifiedRole.VICTIM
    )
    incidents = (
        of_victim.filter(incident_at__gte=window_start, incident_at__lte=notification.incident_at)
        .distinct()
        .count()
    )
    if incidents >= 3:
        met.append(MaracCriterion.ESCALATION.value)
    repeat = (
        of_victim.exclude(pk=notification.pk)
        .filter(
            marac_referral=True,
            marac_referred_on__gte=since,
            marac_referred_on__lte=incident_day,
        )
        .exists()
    )
    if repeat:
        met.append(MaracCriterion.REPEAT.value)
    return met


def triage_errors(
    *,
    decision: str,
    early_help_rejected_reason: str,
    marac_referral: bool,
    dash_level: str,
    professional_judgement_level: str,
) -> dict[str, str]:
    """The rules of a triage decision that need no other record."""
    errors = {}
    if decision == TriageDecision.INFORMATION_ONLY and not early_help_rejected_reason.strip():
        errors["early_help_rejected_reason"] = (
            "Information only needs early help considered: say why it was rejected (G9)."
        )
    if decision == TriageDecision.MARAC and not marac_referral:
        errors["marac_referral"] = "A MARAC decision is a MARAC referral."
    if (
        professional_judgement_level
        and DASH_RANK[professional_judgement_level] < DASH_RANK[dash_level]
    ):
        errors["professional_judgement_level"] = (
            f"Professional judgement may raise the DASH level ({dash_level}), never lower it."
        )
    return errors


def notification_triage(
    *,
    actor: User,
    notification: DomesticAbuseNotification,
    decision: str,
    agency_views: Sequence[dict[str, str]] = (),
    challenges: Sequence[dict[str, str]] = (),
    early_help_rejected_reason: str = "",
    marac_referral: bool = False,
    professional_judgement_level: str = "",
) -> DomesticAbuseNotification:
    """Record the triage of a notification: each agency's view, each challenge and how it was
    resolved, and the decision. `refer_to_mach` records a contact through the contact service;
    `strategy_discussion` records one and opens the discussion through the hand-off registry.

    Raises ValidationError naming the field: information only without early help rejected with
    a reason (G9); a MARAC criterion met without `marac_referral` (the criteria named);
    professional judgement below the DASH level. `AlreadyDone` (409) once triaged."""
    require_role(actor, MACH_WORKERS)
    errors = triage_errors(
        decision=decision,
        early_help_rejected_reason=early_help_rejected_reason,
        marac_referral=marac_referral,
        dash_level=notification.dash_level,
        professional_judgement_level=professional_judgement_level,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        locked = DomesticAbuseNotification.objects.select_for_update().get(pk=notification.pk)
        if locked.state != NotificationState.AWAITING_TRIAGE:
            raise AlreadyDone("This notification is already triaged.")
        criteria = marac_criteria(locked, professional_judgement_level)
        if criteria and not marac_referral:
            names = ", ".join(MaracCriterion(criterion).label for criterion in criteria)
            raise ValidationError(
                {"marac_referral": f"A MARAC referral is required: {names}.", "criteria": criteria}
            )
        AgencyView.objects.bulk_create(
            AgencyView(notification=locked, **view) for view in agency_views
        )
        TriageChallenge.objects.bulk_create(
            TriageChallenge(notification=locked, **challenge) for challenge in challenges
        )
        from_state = locked.state
        locked.triage()
        now = timezone.now()
        locked.decision = decision
        locked.early_help_rejected_reason = early_help_rejected_reason
        locked.professional_judgement_level = professional_judgement_level
        locked.marac_referral = marac_referral
        locked.marac_criteria = criteria
        locked.agencies_with_views = len({view["agency"] for view in agency_views})
        locked.marac_referred_on = timezone.localdate(now) if marac_referral else None
        locked.triaged_by = actor
        locked.triaged_at = now
        if decision in (TriageDecision.REFER_TO_MACH, TriageDecision.STRATEGY_DISCUSSION):
            locked.contact = _contact_from(actor, locked, decision)
        locked.save()
        record_event(
            actor=actor,
            subject=locked,
            action="da_notification_triaged",
            from_state=from_state,
            to_state=locked.state,
            data={
                "decision": decision,
                "marac_referral": marac_referral,
                "marac_criteria": criteria,
                "agency_views": len(agency_views),
                "challenges": len(challenges),
            },
        )
        if locked.meeting_id is not None:
            _close_if_decided(actor, TriageMeeting.objects.get(pk=locked.meeting_id))
    return locked


def _contact_from(actor: User, notification: DomesticAbuseNotification, decision: str) -> Contact:
    """The contact a triage decision makes, with the notification's people matched again as
    they were sent (so they link to the same records)."""
    people = list(notification.people.all())
    children = [_input_from_sent(p.as_sent) for p in people if p.role == NotifiedRole.CHILD]
    adults = [
        dataclasses.replace(
            _input_from_sent(p.as_sent),
            relationship="alleged perpetrator" if p.role == NotifiedRole.PERPETRATOR else "",
        )
        for p in people
        if p.role != NotifiedRole.CHILD
    ]
    contact = contact_create(
        actor=actor,
        channel=Channel.API,
        source=Source.POLICE,
        referrer={
            "name": "Domestic-abuse triage meeting",
            "organisation": "Police notification " + notification.police_reference,
        },
        children=children,
        adults=adults,
        concerns=notification.summary,
        parental_awareness=ParentalAwareness.NOT_INFORMED,
        parental_awareness_reason=(
            "A police domestic-abuse notification, decided at the triage meeting."
        ),
        received_at=notification.received_at,
        via="da_notification_triage",
    )
    if decision == TriageDecision.STRATEGY_DISCUSSION:
        referrals_open(actor=actor, contact=contact, outcome="strategy_discussion")
    return contact


def encompass_record(
    *,
    actor: User,
    notification: DomesticAbuseNotification,
    child: int,
    told_at: datetime,
    told_by: str,
    school: str,
) -> EncompassNotice:
    """Record that a child's school was told (Operation Encompass): when, by whom, which school.
    Raises ValidationError on `child` for a child with no notice on this notification,
    `AlreadyDone` when the school was already recorded as told."""
    require_role(actor, MACH_WORKERS)
    with transaction.atomic(durable=True):
        notice = (
            EncompassNotice.objects.select_for_update()
            .filter(notification=notification, child_id=child)
            .first()
        )
        if notice is None:
            raise ValidationError(
                {"child": "This child has no Operation Encompass notice on this notification."}
            )
        if notice.told_at is not None:
            raise AlreadyDone("This school was already told.")
        notice.told_at = told_at
        notice.told_by = told_by
        notice.told_school = school
        notice.recorded_by = actor
        notice.stop_clock()
        notice.save()
        record_event(
            actor=actor,
            subject=notice,
            action="encompass_told",
            data={"late": told_at > notice.due_at, "school": school},
        )
    return notice
