"""Referrals and re-referrals (spec 5.4), and the hand-off to the decided next step."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.db import transaction
from django.utils import timezone

from .. import workflows
from ..audit import record_event
from ..models import Contact, Kind, Referral, User
from .common import enqueue_deadline_check
from .contacts import route_to_open_case

NEXT_STEP_NOT_HANDLED = "next_step_not_handled"
INFORMATION_ON_OPEN_CASE = "information_on_open_case"


def twelve_months_before(day: date) -> date:
    """The same day a year earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def previous_referral(child_id: int, referral_date: date) -> Referral | None:
    """The latest referral of the child in the 12 months before `referral_date` (national
    definition of a re-referral): on or after the same day a year earlier, before the date."""
    return (
        Referral.objects.filter(
            child_id=child_id,
            referral_date__gte=twelve_months_before(referral_date),
            referral_date__lt=referral_date,
        )
        .order_by("-referral_date", "-id")
        .first()
    )


def referrals_open(*, actor: User, contact: Contact, outcome: str) -> list[Referral]:
    """Make each child of a statutorily decided contact a referral and hand it to the app that
    opens the decided next step (`outcome`); call inside the decision's transaction.

    A re-referral raises one alert to the team's managers through the timeliness engine (at
    once through Celery, or at the next sweep if the queue is down). A next step that no app
    here opens is recorded on the contact as not handled here, never dropped.

    A child whose case is open (`workflows.open_cases`) gets no referral: the contact is
    information on that case, not a new referral, not a re-referral, and opens no second
    assessment (spec section 4). It is recorded on the contact, which is marked as on the case
    if a case opened after it arrived. A child the contact already referred is not referred
    again."""
    referral_date = timezone.localtime(contact.received_at).date()
    referrals = []
    # A child this contact already referred (a domestic-abuse triage decision refers at once,
    # before the contact is screened and overseen) keeps that one referral.
    already = set(Referral.objects.filter(contact=contact).values_list("child_id", flat=True))
    links = [
        link
        for link in contact.contact_people.filter(role=Kind.CHILD).order_by("position", "id")
        if link.person_id not in already
    ]
    cases = workflows.open_cases([link.person_id for link in links])
    if cases:
        _record_information_on_open_cases(actor, contact, cases)
    for link in links:
        if link.person_id in cases:
            continue
        previous = previous_referral(link.person_id, referral_date)
        referral = Referral(
            contact=contact,
            child_id=link.person_id,
            team_id=contact.team_id,
            referral_date=referral_date,
            outcome=outcome,
            is_rereferral=previous is not None,
            previous_referral=previous,
        )
        if previous is not None:
            referral.start_clock(timezone.now())
        referral.save()
        record_event(
            actor=actor,
            subject=referral,
            action="referral_opened",
            data={"rereferral": referral.is_rereferral, "outcome": outcome},
        )
        if previous is not None:
            transaction.on_commit(
                partial(enqueue_deadline_check, "rereferral", referral.pk), robust=True
            )
        referrals.append(referral)
    handled = [
        workflows.open_next_step(actor=actor, referral=referral, step=outcome)
        for referral in referrals
    ]
    if referrals and not all(handled):
        record_event(
            actor=actor,
            subject=contact,
            action=NEXT_STEP_NOT_HANDLED,
            reason=f"The next step ({outcome.replace('_', ' ')}) is not handled here.",
            data={"step": outcome, "referrals": [referral.pk for referral in referrals]},
        )
    return referrals


def _record_information_on_open_cases(
    actor: User, contact: Contact, cases: dict[int, workflows.OpenCase]
) -> None:
    if not contact.on_open_case:
        route_to_open_case(contact, next(iter(cases.values())))
        contact.save(
            update_fields=["open_case_kind", "open_case_record_id", "allocated_worker", "team"]
        )
    record_event(
        actor=actor,
        subject=contact,
        action=INFORMATION_ON_OPEN_CASE,
        reason="Information on an open case: no new referral for "
        + ", ".join(
            f"child {child_id} ({case.kind} {case.record.pk})" for child_id, case in cases.items()
        )
        + ".",
        data={
            "cases": {
                str(child_id): [case.kind, case.record.pk] for child_id, case in cases.items()
            }
        },
    )
