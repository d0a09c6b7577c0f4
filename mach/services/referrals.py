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

NEXT_STEP_NOT_HANDLED = "next_step_not_handled"


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
    here opens is recorded on the contact as not handled here, never dropped."""
    referral_date = timezone.localtime(contact.received_at).date()
    referrals = []
    for link in contact.contact_people.filter(role=Kind.CHILD).order_by("position", "id"):
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
