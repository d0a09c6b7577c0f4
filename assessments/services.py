"""Every write of a child and family assessment (spec 11): opened by the hand-off from a
statutory decision, recorded, with actions, submitted and authorised by another manager."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mach import timescales, workflows
from mach.audit import record_event
from mach.models import PrimaryNeed, Referral, User
from mach.permissions import MACH_WORKERS, MANAGERS
from mach.services import AlreadyDone, action_complete, require_role
from mach.services.referrals import NEXT_STEP_NOT_HANDLED

from .models import (
    Assessment,
    AssessmentAction,
    AssessmentFactor,
    AssessmentOutcome,
    AssessmentState,
    ClosureReason,
    may_authorise,
)

ASSESSMENT_WORKING_DAYS = 45
NO_FACTORS = AssessmentFactor.NO_FACTORS.value
# The outcomes that close the case (spec 11): a step down to early help is closure RC9 (G10).
CLOSING = (AssessmentOutcome.CLOSURE, AssessmentOutcome.EARLY_HELP)


def assessment_open(*, actor: User, referral: Referral) -> Assessment:
    calendar = timescales.WorkingCalendar.current()
    due_on = calendar.working_day_after(referral.referral_date, ASSESSMENT_WORKING_DAYS)
    assessment = Assessment(
        referral=referral,
        child_id=referral.child_id,
        team_id=referral.team_id,
        started_on=referral.referral_date,
        due_on=due_on,
    )
    assessment.start_clock(calendar.close_of(due_on))
    assessment.save()
    record_event(actor=actor, subject=assessment, action="assessment_opened", to_state="open")
    return assessment


ASSESSMENT_RECORD_FIELDS = (
    "child_seen_on",
    "child_seen_alone",
    "childs_voice",
    "family_network_involvement",
    "analysis",
    "factors",
)


def _locked_assessment(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().get(pk=assessment.pk)


def assessment_record(*, actor: User, assessment: Assessment, **fields: Any) -> Assessment:
    """Record what the assessment found so far; only while it is open (else AlreadyDone)."""
    require_role(actor, MACH_WORKERS)
    unknown = set(fields) - set(ASSESSMENT_RECORD_FIELDS)
    if unknown:
        raise ValueError(f"Not assessment fields: {sorted(unknown)}")
    if "factors" in fields:
        _check_factors(fields["factors"])
    with transaction.atomic(durable=True):
        assessment = _locked_assessment(assessment)
        if assessment.state != AssessmentState.OPEN:
            raise AlreadyDone("Only an open assessment can be changed.")
        for name, value in fields.items():
            setattr(assessment, name, value)
        assessment.save(update_fields=list(fields))
        record_event(
            actor=actor,
            subject=assessment,
            action="assessment_recorded",
            data={"fields": sorted(fields)},
        )
    return assessment


def _check_factors(factors: list[str]) -> None:
    if NO_FACTORS in factors and len(factors) > 1:
        raise ValidationError({"factors": "Factor 21 (no factors identified) must stand alone."})


def assessment_action_add(
    *, actor: User, assessment: Assessment, description: str, owner: str, due_on: date
) -> AssessmentAction:
    require_role(actor, MACH_WORKERS)
    calendar = timescales.WorkingCalendar.current()
    if not calendar.is_working_day(due_on):
        raise ValidationError({"due_on": "Choose a working day."})
    with transaction.atomic(durable=True):
        assessment = _locked_assessment(assessment)
        if assessment.state == AssessmentState.COMPLETED:
            raise AlreadyDone("The assessment is completed.")
        action = AssessmentAction(
            assessment=assessment, description=description, owner=owner, due_on=due_on
        )
        action.start_clock(calendar.close_of(due_on))
        action.save()
        record_event(actor=actor, subject=action, action="assessment_action_added")
    return action


def assessment_action_complete(*, actor: User, action: AssessmentAction) -> AssessmentAction:
    return action_complete(actor=actor, action=action, event="assessment_action_completed")


def assessment_submit(
    *,
    actor: User,
    assessment: Assessment,
    outcome: str,
    closure_reason: str = "",
    exceeded_reason: str = "",
    primary_need: str = "",
) -> Assessment:
    """Send the outcome to a manager. Refused (400) without the child seen, the child's voice,
    the family network, the analysis and valid factors; closure needs RC8 or RC9, a step down
    to early help is closure RC9, and both are refused (409) while any action is open; an
    assessment past 45 working days needs the reason."""
    require_role(actor, MACH_WORKERS)
    with transaction.atomic(durable=True):
        assessment = _locked_assessment(assessment)
        if assessment.state != AssessmentState.OPEN:
            raise AlreadyDone("Only an open assessment can be submitted.")
        errors: dict[str, str] = {}
        for name, message in (
            ("child_seen_on", "Record when the child was seen."),
            ("childs_voice", "Record the child's voice."),
            ("family_network_involvement", "Record who in the family network was involved."),
            ("analysis", "Record the analysis."),
            ("factors", "Record the assessment factors (21 if none)."),
        ):
            if getattr(assessment, name) in (None, "", []):
                errors[name] = message
        if assessment.child_seen_alone is None:
            errors["child_seen_alone"] = "Record whether the child was seen alone."
        if outcome not in AssessmentOutcome.values:
            errors["outcome"] = "Choose an outcome."
        if primary_need and primary_need not in PrimaryNeed.values:
            errors["primary_need"] = "Choose a primary need code N0 to N9."
        if outcome == AssessmentOutcome.EARLY_HELP:
            # Stepping down ends the statutory episode: a closure whose reason is early help.
            closure_reason = ClosureReason.RC9
        if outcome == AssessmentOutcome.CLOSURE and closure_reason not in ClosureReason.values:
            errors["closure_reason"] = "Closure needs reason RC8 or RC9."
        if timezone.localdate() > assessment.due_on and not exceeded_reason.strip():
            errors["exceeded_reason"] = "Say why the assessment took over 45 working days."
        if errors:
            raise ValidationError(errors)
        if outcome in CLOSING and assessment.has_open_actions():
            raise AlreadyDone("Closure is refused while actions are open.")
        assessment.outcome = outcome
        assessment.closure_reason = closure_reason if outcome in CLOSING else ""
        assessment.exceeded_reason = exceeded_reason
        assessment.submitted_by = actor
        assessment.submitted_at = timezone.now()
        assessment.submit()
        assessment.save()
        if primary_need:
            Referral.objects.filter(pk=assessment.referral_id).update(primary_need=primary_need)
        record_event(
            actor=actor,
            subject=assessment,
            action="assessment_submitted",
            from_state=AssessmentState.OPEN,
            to_state=assessment.state,
            data={
                "outcome": outcome,
                "closure_reason": assessment.closure_reason,
                "primary_need": primary_need,
            },
        )
    return assessment


def assessment_authorise(
    *, actor: User, assessment: Assessment, authorise: bool, rationale: str
) -> Assessment:
    """A manager other than the one who submitted it authorises the outcome or returns it."""
    require_role(actor, MANAGERS)
    if not rationale.strip():
        raise ValidationError({"rationale": "Give the rationale for the decision."})
    with transaction.atomic(durable=True):
        assessment = _locked_assessment(assessment)
        if assessment.state != AssessmentState.AWAITING_AUTHORISATION:
            raise AlreadyDone("The assessment is not awaiting authorisation.")
        if not may_authorise(assessment, actor):
            raise PermissionDenied("A manager cannot authorise an assessment they submitted.")
        if authorise and assessment.outcome in CLOSING and assessment.has_open_actions():
            raise AlreadyDone("Closure is refused while actions are open.")
        before = assessment.state
        if authorise:
            assessment.authorise()
            assessment.authorised_by = actor
            assessment.authorised_at = timezone.now()
        else:
            assessment.return_to_worker()
        assessment.save()
        record_event(
            actor=actor,
            subject=assessment,
            action="assessment_authorised" if authorise else "assessment_returned",
            from_state=before,
            to_state=assessment.state,
            reason=rationale,
        )
        if authorise and assessment.outcome == AssessmentOutcome.STRATEGY_DISCUSSION:
            _open_strategy_discussion(actor, assessment)
    return assessment


def _open_strategy_discussion(actor: User, assessment: Assessment) -> None:
    """Spec 11: an s47 outcome needs a strategy discussion (spec 7). Whichever app holds them
    opens it through the registry, in this transaction; none here is recorded, never dropped."""
    step = AssessmentOutcome.STRATEGY_DISCUSSION.value
    if not workflows.open_next_step(actor=actor, referral=assessment.referral, step=step):
        record_event(
            actor=actor,
            subject=assessment,
            action=NEXT_STEP_NOT_HANDLED,
            reason="The next step (strategy discussion) is not handled here.",
            data={"step": step},
        )
