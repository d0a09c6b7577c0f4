"""Every write of a homeless presentation (spec section 10, G12): a permission check, the
transition in one durable transaction with its event row. The order is the law's: the young
person's own account first (anything else first: 409), rights and advocacy before
accommodation, the joint assessment before the decision."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mach import timescales
from mach.audit import log_child_access, record_event
from mach.models import AccessLog, Kind, User
from mach.permissions import MACH_WORKERS
from mach.services import (
    AlreadyDone,
    PersonInput,
    intake_team_for,
    person_match_or_create,
    require_role,
)
from mach.services.common import enqueue_deadline_check

from .models import (
    ASSESSMENT_WORKING_DAYS,
    BED_AND_BREAKFAST,
    MAX_AGE,
    MIN_AGE,
    HomelessPresentation,
    Outcome,
    PresentationState,
    rights_and_advocacy_recorded,
)

DEADLINE_KIND = "homeless_assessment"
ACCOUNT_FIRST = "Record the young person's own account, wishes and feelings first."
BED_AND_BREAKFAST_REFUSED = (
    "Bed and breakfast is never suitable for a 16 or 17 year old: choose other accommodation."
)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_error(born: date | None, presented_on: date) -> str:
    """Why this young person cannot start the pathway, or "" when they are 16 or 17."""
    if born is None:
        return "Enter the young person's date of birth: the pathway is for 16 and 17 year olds."
    age = age_on(born, presented_on)
    if MIN_AGE <= age <= MAX_AGE:
        return ""
    if age < MIN_AGE:
        return (
            f"The young person was {age} on {presented_on:%d %B %Y}: this pathway is for 16 and "
            "17 year olds. Record a contact about a younger child instead."
        )
    return (
        f"The young person was {age} on {presented_on:%d %B %Y}: this pathway is for 16 and "
        "17 year olds. An adult is helped by housing."
    )


def presentation_create(
    *,
    actor: User,
    young_person: PersonInput,
    presented_to: str,
    presented_at: datetime | None = None,
    via: str = "",
) -> HomelessPresentation:
    """Open the pathway for a young person aged 16 or 17 on the day they present (400
    otherwise), matched to their record like a child on a contact, with the assessment due 10
    working days after the presentation date. Not durable: the API keeps its
    Idempotency-Key in the same transaction."""
    require_role(actor, MACH_WORKERS)
    now = timezone.now()
    presented_at = presented_at or now
    if presented_at > now + timedelta(minutes=5):
        raise ValidationError({"presented_at": "A presentation cannot be in the future."})
    presented_on = timezone.localtime(presented_at).date()
    error = age_error(young_person.date_of_birth, presented_on)
    if error:
        raise ValidationError({"young_person": error})
    due_date = timescales.working_day_after(presented_on, ASSESSMENT_WORKING_DAYS)
    with transaction.atomic():
        match = person_match_or_create(kind=Kind.CHILD, data=young_person)
        presentation = HomelessPresentation(
            young_person=match.person,
            team=intake_team_for(actor),
            presented_at=presented_at,
            presented_on=presented_on,
            presented_to=presented_to,
            assessment_due_date=due_date,
            recorded_by=actor,
        )
        due_at = timescales.close_of(due_date)
        presentation.start_clock(due_at)
        presentation.save()
        record_event(
            actor=actor,
            subject=presentation,
            action="homeless_presented",
            to_state=presentation.state,
            data={"presented_to": presented_to, "matched_existing": match.matched_existing},
        )
        log_child_access(
            user=actor,
            child_ids=[match.person.pk],
            via=via or "presentation_create",
            action=AccessLog.Action.CREATE,
        )
        if due_at <= now:
            transaction.on_commit(
                lambda: enqueue_deadline_check(DEADLINE_KIND, presentation.pk), robust=True
            )
    return presentation


def _locked(presentation: HomelessPresentation) -> HomelessPresentation:
    return HomelessPresentation.objects.select_for_update().get(pk=presentation.pk)


def _in_order(presentation: HomelessPresentation, *allowed: str) -> None:
    """409 unless the presentation is in one of `allowed`: first of all, the account."""
    if presentation.state in allowed:
        return
    if presentation.state == PresentationState.PRESENTED:
        raise AlreadyDone(ACCOUNT_FIRST)
    raise AlreadyDone(f"Not while the presentation is {presentation.get_state_display().lower()}.")


def _not_before_presentation(
    presentation: HomelessPresentation, **days: date | None
) -> dict[str, str]:
    today = timezone.localdate()
    errors = {}
    for name, day in days.items():
        if day is None:
            continue
        if day < presentation.presented_on:
            errors[name] = "This date cannot be before the young person presented."
        elif day > today:
            errors[name] = "This date cannot be in the future."
    return errors


def account_record(
    *, actor: User, presentation: HomelessPresentation, account: str, wishes_and_feelings: str
) -> HomelessPresentation:
    """The young person's own account, wishes and feelings: the first step, before any other."""
    require_role(actor, MACH_WORKERS)
    errors = {}
    if not account.strip():
        errors["account"] = "Record the young person's account in their own words."
    if not wishes_and_feelings.strip():
        errors["wishes_and_feelings"] = "Record the young person's wishes and feelings."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        locked = _locked(presentation)
        if locked.state != PresentationState.PRESENTED:
            raise AlreadyDone("The young person's account is already recorded.")
        locked.account = account
        locked.wishes_and_feelings = wishes_and_feelings
        locked.account_recorded_at = timezone.now()
        locked.record_account()
        locked.save()
        record_event(
            actor=actor,
            subject=locked,
            action="homeless_account_recorded",
            from_state=PresentationState.PRESENTED,
            to_state=locked.state,
        )
    return locked


def rights_and_advocacy_record(
    *,
    actor: User,
    presentation: HomelessPresentation,
    rights_explained_on: date,
    advocacy_offered_on: date,
    advocacy_taken_up: bool,
) -> HomelessPresentation:
    """Rights and entitlements explained (s20 and care-leaver entitlements against housing-law
    help) and independent advocacy offered: when, and whether taken up. After the account; may
    be updated until the decision (advocacy taken up later)."""
    require_role(actor, MACH_WORKERS)
    with transaction.atomic(durable=True):
        locked = _locked(presentation)
        _in_order(
            locked,
            PresentationState.ACCOUNT_RECORDED,
            PresentationState.ACCOMMODATED,
            PresentationState.ASSESSED,
        )
        errors = _not_before_presentation(
            locked, rights_explained_on=rights_explained_on, advocacy_offered_on=advocacy_offered_on
        )
        if errors:
            raise ValidationError(errors)
        locked.rights_explained_on = rights_explained_on
        locked.advocacy_offered_on = advocacy_offered_on
        locked.advocacy_taken_up = advocacy_taken_up
        locked.save()
        record_event(
            actor=actor,
            subject=locked,
            action="homeless_rights_and_advocacy",
            data={
                "rights_explained_on": rights_explained_on.isoformat(),
                "advocacy_offered_on": advocacy_offered_on.isoformat(),
                "advocacy_taken_up": advocacy_taken_up,
            },
        )
    return locked


def accommodation_record(
    *,
    actor: User,
    presentation: HomelessPresentation,
    type: str,
    address: str = "",
    under_s20: bool = False,
) -> HomelessPresentation:
    """Suitable accommodation tonight; bed and breakfast is refused (400). After rights are
    explained and advocacy offered (409 before)."""
    require_role(actor, MACH_WORKERS)
    if type == BED_AND_BREAKFAST:
        raise ValidationError({"type": BED_AND_BREAKFAST_REFUSED})
    with transaction.atomic(durable=True):
        locked = _locked(presentation)
        _in_order(locked, PresentationState.ACCOUNT_RECORDED)
        if not rights_and_advocacy_recorded(locked):
            raise AlreadyDone(
                "Explain the young person's rights and offer independent advocacy first."
            )
        locked.accommodation_type = type
        locked.accommodation_address = address
        locked.accommodated_under_s20 = under_s20
        locked.accommodated_at = timezone.now()
        locked.accommodate()
        locked.save()
        record_event(
            actor=actor,
            subject=locked,
            action="homeless_accommodated",
            from_state=PresentationState.ACCOUNT_RECORDED,
            to_state=locked.state,
            data={"type": type, "under_s20": under_s20},
        )
    return locked


def joint_assessment_record(
    *,
    actor: User,
    presentation: HomelessPresentation,
    housing_officer: str,
    completed_on: date,
    summary: str,
) -> HomelessPresentation:
    """The joint assessment with a named housing officer; stops the assessment clock."""
    require_role(actor, MACH_WORKERS)
    errors = {}
    if not housing_officer.strip():
        errors["housing_officer"] = "Name the housing officer who assessed jointly."
    if not summary.strip():
        errors["summary"] = "Summarise the joint assessment."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        locked = _locked(presentation)
        _in_order(locked, PresentationState.ACCOMMODATED)
        errors = _not_before_presentation(locked, completed_on=completed_on)
        if errors:
            raise ValidationError(errors)
        locked.housing_officer = housing_officer
        locked.joint_assessment_completed_on = completed_on
        locked.joint_assessment_summary = summary
        locked.assess()
        locked.save()
        record_event(
            actor=actor,
            subject=locked,
            action="homeless_joint_assessment",
            from_state=PresentationState.ACCOMMODATED,
            to_state=locked.state,
            data={
                "housing_officer": housing_officer,
                "completed_on": completed_on.isoformat(),
                "in_time": completed_on <= locked.assessment_due_date,
            },
        )
    return locked


def decision_record(
    *,
    actor: User,
    presentation: HomelessPresentation,
    outcome: str,
    informed_choice: str = "",
    reason: str = "",
) -> HomelessPresentation:
    """The decision; the housing route only on the young person's fully informed choice,
    recorded in their words (400 without)."""
    require_role(actor, MACH_WORKERS)
    if outcome == Outcome.HOUSING_ROUTE and not informed_choice.strip():
        raise ValidationError(
            {
                "informed_choice": (
                    "The housing route needs the young person's fully informed choice, "
                    "recorded in their own words."
                )
            }
        )
    with transaction.atomic(durable=True):
        locked = _locked(presentation)
        _in_order(locked, PresentationState.ASSESSED)
        locked.outcome = outcome
        locked.informed_choice = informed_choice
        locked.decision_reason = reason
        locked.decided_at = timezone.now()
        locked.decide()
        locked.save()
        record_event(
            actor=actor,
            subject=locked,
            action="homeless_decided",
            from_state=PresentationState.ASSESSED,
            to_state=locked.state,
            reason=reason,
            data={"outcome": outcome},
        )
    return locked
