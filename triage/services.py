"""Every write of the triage workflow: screening, oversight, parental consultation, partner
requests, pattern reviews and feedback. Each checks permission, locks what it changes, runs in
one transaction, writes an event, and defers side effects until commit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mach import timescales
from mach.audit import record_event
from mach.models import Contact, Kind, Rag, Role, State, Team, User
from mach.permissions import MACH_WORKERS, MANAGERS
from mach.services import AlreadyDone, publish, referrals_open, require_role

from . import selectors
from .edt import selectors as edt_selectors
from .models import (
    ConsultationAttempt,
    ConsultationException,
    ConsultationMethod,
    ExceptionGround,
    ExceptionState,
    OversightDecision,
    ParentConsultation,
    PartnerRequest,
    PartnerRequestState,
    PatternFlag,
    ReferrerFeedback,
    Screening,
    ScreeningState,
    may_decide_exception,
    may_oversee,
)
from .thresholds import (
    STATUTORY,
    Outcome,
    is_consistent,
    level_name,
    oversight_working_days,
    red_response_hours,
)

PATTERN_THRESHOLD = 3
# A worker that claimed a feedback and died: another may send it after this long.
FEEDBACK_CLAIM_TIMEOUT = timedelta(minutes=10)


class GuardrailRefused(AlreadyDone):
    """A guardrail of spec section 1 refuses the change until something else is done (409)."""


def _locked_contact(contact: Contact) -> Contact:
    return Contact.objects.select_for_update().get(pk=contact.pk)


def screening_guardrail_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """The screening's guardrails (G1, G2, G3, G4) by field, judged on whichever of the
    screening's values are given: the input serializer reports them beside its own field
    errors, `screening_submit` enforces them."""
    errors: dict[str, str] = {}
    if "childs_voice" in values and not values["childs_voice"].strip():
        errors["childs_voice"] = (
            "Record the child's words, or their lived experience and why words are not available."
        )
    if "history_analysis" in values and not values["history_analysis"].strip():
        errors["history_analysis"] = "Analyse the history of the child, siblings and household."
    if values.get("parents_consulted") is False and not (
        values.get("parents_not_consulted_reason", "").strip()
    ):
        errors["parents_not_consulted_reason"] = "Say why the parents were not consulted."
    if values.get("recommended_outcome") in STATUTORY and not (
        values.get("alternatives_considered", "").strip()
    ):
        errors["alternatives_considered"] = (
            "Record why early help and lower options were considered and rejected."
        )
    return errors


def screening_submit(
    *,
    actor: User,
    contact: Contact,
    threshold_level: int,
    rag: str,
    childs_voice: str,
    history_analysis: str,
    parents_consulted: bool,
    analysis: str,
    recommended_outcome: str,
    parents_not_consulted_reason: str = "",
    alternatives_considered: str = "",
) -> Screening:
    """Submit a screening: the contact moves to `awaiting_oversight` and oversight is due by
    the end of the working period. Refused with 400 when a guardrail field is missing (child's
    voice, history analysis, why parents were not consulted, alternatives to a statutory
    outcome) and with 409 unless the contact is `received`."""
    require_role(actor, MACH_WORKERS)
    if errors := screening_guardrail_errors(
        {
            "childs_voice": childs_voice,
            "history_analysis": history_analysis,
            "parents_consulted": parents_consulted,
            "parents_not_consulted_reason": parents_not_consulted_reason,
            "recommended_outcome": recommended_outcome,
            "alternatives_considered": alternatives_considered,
        }
    ):
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        contact = _locked_contact(contact)
        if contact.state != State.RECEIVED:
            raise AlreadyDone(
                f"The contact is {contact.get_state_display().lower()}, not received."
            )
        if edt_selectors.awaiting_oversight(contact.pk):
            raise AlreadyDone("Acknowledge the EDT handover first: then screen the contact.")
        now = timezone.now()
        due = timescales.add_working_days(now, oversight_working_days())
        screening = Screening(
            contact=contact,
            team_id=contact.team_id,
            threshold_level=threshold_level,
            rag=rag,
            childs_voice=childs_voice,
            history_analysis=history_analysis,
            parents_consulted=parents_consulted,
            parents_not_consulted_reason=parents_not_consulted_reason,
            analysis=analysis,
            recommended_outcome=recommended_outcome,
            alternatives_considered=alternatives_considered,
            screened_by=actor,
            submitted_at=now,
            oversight_due_at=due,
            needs_threshold_authorisation=not is_consistent(threshold_level, recommended_outcome),
        )
        screening.start_clock(due)
        screening.save()
        contact.send_for_oversight()
        contact.rag = rag
        contact.save(update_fields=["state", "rag"])
        flags = raise_pattern_flags(contact)
        record_event(
            actor=actor,
            subject=contact,
            action="screening_submitted",
            from_state=State.RECEIVED,
            to_state=contact.state,
            data={
                "screening": screening.pk,
                "threshold_level": threshold_level,
                "recommended_outcome": recommended_outcome,
                "pattern_flags": [flag.pk for flag in flags],
            },
        )
    return screening


def raise_pattern_flags(contact: Contact) -> list[PatternFlag]:
    """Flag each child of the contact with 3 or more contacts in the 12 months to it (G3)."""
    flags = []
    child_ids = contact.contact_people.filter(role=Kind.CHILD).values_list("person_id", flat=True)
    for child_id in child_ids:
        count = selectors.contacts_in_twelve_months(child_id, contact.received_at)
        if count >= PATTERN_THRESHOLD:
            flag, _ = PatternFlag.objects.get_or_create(
                child_id=child_id, contact=contact, defaults={"contacts_in_12_months": count}
            )
            flags.append(flag)
    return flags


def pattern_flag_review(*, actor: User, flag: PatternFlag, conclusion: str) -> PatternFlag:
    require_role(actor, MANAGERS)
    if not conclusion.strip():
        raise ValidationError({"conclusion": "Record what the review concluded."})
    with transaction.atomic(durable=True):
        flag = PatternFlag.objects.select_for_update().get(pk=flag.pk)
        if flag.reviewed_at is not None:
            raise AlreadyDone("This pattern flag was already reviewed.")
        flag.reviewed_by = actor
        flag.reviewed_at = timezone.now()
        flag.conclusion = conclusion
        flag.save(update_fields=["reviewed_by", "reviewed_at", "conclusion"])
        record_event(actor=actor, subject=flag, action="pattern_reviewed", reason=conclusion)
    return flag


def threshold_authorise(
    *, actor: User, contact: Contact, rationale: str, outcome: str = ""
) -> Screening:
    """A manager authorises the screening's level with `outcome` (by default the recommended
    one) outside the table of spec 5.1 (G4). The authorisation covers that pair only: to decide
    another outcome outside the table, a manager authorises again, naming it."""
    require_role(actor, MANAGERS)
    errors: dict[str, str] = {}
    if not rationale.strip():
        errors["rationale"] = "Give the rationale for the authorisation."
    if outcome and outcome not in Outcome.values:
        errors["outcome"] = "Choose the outcome the authorisation covers."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        contact = _locked_contact(contact)
        screening = selectors.current_screening(contact)
        if screening is None or screening.state != ScreeningState.SUBMITTED:
            raise AlreadyDone("There is no screening awaiting oversight.")
        if not may_oversee(screening, actor):
            raise PermissionDenied("The manager who screened cannot authorise their own screening.")
        outcome = outcome or screening.recommended_outcome
        if screening.threshold_authorised and screening.threshold_authorised_outcome == outcome:
            raise AlreadyDone("The threshold was already authorised for this outcome.")
        screening.threshold_authorised_by = actor
        screening.threshold_authorised_at = timezone.now()
        screening.threshold_authorisation_rationale = rationale
        screening.threshold_authorised_outcome = outcome
        screening.save(
            update_fields=[
                "threshold_authorised_by",
                "threshold_authorised_at",
                "threshold_authorisation_rationale",
                "threshold_authorised_outcome",
            ]
        )
        record_event(
            actor=actor,
            subject=contact,
            action="threshold_authorised",
            reason=rationale,
            data={"level": screening.threshold_level, "outcome": outcome},
        )
    return screening


def oversight_decide(
    *,
    actor: User,
    contact: Contact,
    decision: str,
    rationale: str,
    outcome: str = "",
    alternatives_considered: str = "",
) -> Screening:
    """A manager other than the screener agrees, changes or returns the screening (G5).

    Agree and change decide the contact, stop its clock, open referrals for statutory outcomes
    and start the 1-working-day feedback to the referrer, sent on commit. Refused (409) while
    the contact is not awaiting oversight, while a level-outcome pair outside the threshold
    table lacks an authorisation naming that outcome (G4), or while a pattern flag on its
    children is unreviewed (G3). A change to a statutory outcome records the lower options
    considered and why they were rejected, as a worker's recommendation must (400 without).
    """
    require_role(actor, MANAGERS)
    errors: dict[str, str] = {}
    if not rationale.strip():
        errors["rationale"] = "Give the rationale for the oversight decision."
    if decision not in OversightDecision.values:
        errors["decision"] = "Choose agree, change or return."
    if decision == OversightDecision.CHANGE and outcome not in Outcome.values:
        errors["outcome"] = "Choose the outcome the decision changes to."

    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        contact = _locked_contact(contact)
        if contact.state != State.AWAITING_OVERSIGHT:
            raise AlreadyDone(f"The contact is {contact.get_state_display().lower()}.")
        screening = selectors.current_screening(contact)
        assert screening is not None and screening.state == ScreeningState.SUBMITTED
        if not may_oversee(screening, actor):
            raise PermissionDenied("Oversight by the person who screened the contact is refused.")
        now = timezone.now()
        screening.oversight_decision = decision
        screening.oversight_rationale = rationale
        screening.overseen_by = actor
        screening.overseen_at = now
        if decision == OversightDecision.RETURN:
            screening.return_to_worker()
            screening.save()
            contact.return_to_worker()
            contact.save(update_fields=["state"])
            record_event(
                actor=actor,
                subject=contact,
                action="oversight_returned",
                from_state=State.AWAITING_OVERSIGHT,
                to_state=contact.state,
                reason=rationale,
            )
            return screening
        final = screening.recommended_outcome if decision == OversightDecision.AGREE else outcome
        if decision == OversightDecision.AGREE and outcome and outcome != final:
            raise ValidationError(
                {"outcome": "To decide a different outcome, choose 'change', not 'agree'."}
            )
        if decision == OversightDecision.CHANGE and outcome == screening.recommended_outcome:
            raise ValidationError({"outcome": "A change needs an outcome other than recommended."})
        if (
            decision == OversightDecision.CHANGE
            and final in STATUTORY
            and not alternatives_considered.strip()
        ):
            raise ValidationError(
                {
                    "alternatives_considered": (
                        "Record why early help and lower options were considered and rejected."
                    )
                }
            )
        _check_decision_guardrails(contact, screening, final)
        if decision == OversightDecision.AGREE:
            screening.agree()
        else:
            screening.change()
        screening.oversight_outcome = final
        if decision == OversightDecision.CHANGE:
            screening.oversight_alternatives_considered = alternatives_considered
        screening.save()
        contact.decide(final)
        contact.decided_at = now
        contact.save(update_fields=["state", "outcome", "decided_at", "next_alert_at"])
        record_event(
            actor=actor,
            subject=contact,
            action="oversight_agreed"
            if decision == OversightDecision.AGREE
            else "oversight_changed",
            from_state=State.AWAITING_OVERSIGHT,
            to_state=contact.state,
            reason=rationale,
            data={"outcome": final, "recommended": screening.recommended_outcome},
        )
        if final in STATUTORY:
            referrals_open(actor=actor, contact=contact, outcome=final)
        _feedback_start(contact, final, now)
    return screening


def _check_decision_guardrails(contact: Contact, screening: Screening, outcome: str) -> None:
    authorised = (
        screening.threshold_authorised and screening.threshold_authorised_outcome == outcome
    )
    if not is_consistent(screening.threshold_level, outcome) and not authorised:
        level = level_name(screening.threshold_level)
        raise GuardrailRefused(
            f"Level {screening.threshold_level} ({level}) with outcome '{outcome}' is outside "
            "the threshold table: a manager must authorise that outcome with a rationale first."
        )
    if PatternFlag.objects.filter(contact=contact, reviewed_at__isnull=True).exists():
        raise GuardrailRefused(
            "A pattern flag on this contact's children needs a manager's review."
        )


def _feedback_start(contact: Contact, outcome: str, decided_at: datetime) -> ReferrerFeedback:
    due = timescales.add_working_days(decided_at, 1)
    feedback = ReferrerFeedback(
        contact=contact,
        due_at=due,
        message=(
            f"Thank you for contact {contact.reference} received "
            f"{timezone.localtime(contact.received_at):%d %B %Y}. After screening, the MACH "
            f"decided: {Outcome(outcome).label}."
        ),
        recipient=contact.referrer_email,
    )
    feedback.start_clock(due)
    feedback.save()
    transaction.on_commit(lambda: _enqueue_feedback(feedback.pk), robust=True)
    return feedback


def _enqueue_feedback(feedback_id: int) -> None:
    from .tasks import send_referrer_feedback

    publish(send_referrer_feedback, feedback_id)


def feedback_send(feedback_id: int) -> bool:
    """Send the feedback through the configured channel; False when it needs a worker (no
    address for the channel), was already sent, or another worker is sending it.

    The row is claimed in one UPDATE and no lock is held while the channel talks to the outside
    world; the delivery is then recorded in its own transaction. A send that fails releases the
    claim for the next try; a claim older than `FEEDBACK_CLAIM_TIMEOUT` (a worker that died)
    can be taken again."""
    from .feedback import channel

    claimed_at = timezone.now()
    claimed = (
        ReferrerFeedback.objects.filter(pk=feedback_id, sent_at__isnull=True)
        .exclude(recipient="")
        .filter(
            Q(sending_since__isnull=True) | Q(sending_since__lt=claimed_at - FEEDBACK_CLAIM_TIMEOUT)
        )
        .update(sending_since=claimed_at)
    )
    if not claimed:
        return False
    feedback = ReferrerFeedback.objects.select_related("contact").get(pk=feedback_id)
    carrier = channel()
    try:
        carrier.send(feedback)
    except Exception:
        ReferrerFeedback.objects.filter(pk=feedback_id, sending_since=claimed_at).update(
            sending_since=None
        )
        raise
    with transaction.atomic(durable=True):
        feedback = ReferrerFeedback.objects.select_for_update().get(pk=feedback_id)
        feedback.sent_at = timezone.now()
        feedback.channel = carrier.name
        feedback.sending_since = None
        feedback.stop_clock()
        feedback.save(update_fields=["sent_at", "channel", "sending_since", "next_alert_at"])
        record_event(
            actor=None, subject=feedback, action="feedback_sent", data={"to": feedback.recipient}
        )
    return True


def feedback_record_given(*, actor: User, feedback: ReferrerFeedback, how: str) -> ReferrerFeedback:
    """A worker records feedback given another way (phone, letter) when no email was possible."""
    require_role(actor, MACH_WORKERS)
    if not how.strip():
        raise ValidationError({"how": "Say how the feedback was given."})
    with transaction.atomic(durable=True):
        feedback = ReferrerFeedback.objects.select_for_update().get(pk=feedback.pk)
        if feedback.sent_at is not None:
            raise AlreadyDone("The feedback was already given.")
        feedback.sent_at = timezone.now()
        feedback.sent_by = actor
        feedback.channel = how[:32]
        feedback.stop_clock()
        feedback.save(update_fields=["sent_at", "sent_by", "channel", "next_alert_at"])
        record_event(actor=actor, subject=feedback, action="feedback_given", reason=how)
    return feedback


def parent_consultation_record(
    *,
    actor: User,
    contact: Contact,
    consulted_with: str,
    method: str,
    summary: str,
    consulted_at: datetime | None = None,
) -> ParentConsultation:
    """Record a consultation with the parents (G1): who, how, when (default now), what they
    said. This record, not a screening's answer, is what lets partners be asked."""
    require_role(actor, MACH_WORKERS)
    errors = _when_and_how_errors(method, consulted_at, "consulted_at")
    if not consulted_with.strip():
        errors["consulted_with"] = "Say who was spoken to."
    if not summary.strip():
        errors["summary"] = "Record what the parents said."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        contact = _locked_contact(contact)
        consultation = ParentConsultation.objects.create(
            contact=contact,
            consulted_with=consulted_with,
            method=method,
            consulted_at=consulted_at or timezone.now(),
            recorded_by=actor,
            summary=summary,
        )
        record_event(
            actor=actor,
            subject=contact,
            action="parents_consulted",
            reason=summary,
            data={"with": consulted_with, "method": method},
        )
    return consultation


def _when_and_how_errors(method: str, at: datetime | None, field: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if method not in ConsultationMethod.values:
        errors["method"] = "Choose how the parents were contacted."
    if at is not None and at > timezone.now():
        errors[field] = "This cannot be in the future."
    return errors


def consultation_attempt_record(
    *,
    actor: User,
    contact: Contact,
    method: str,
    outcome: str,
    attempted_at: datetime | None = None,
) -> ConsultationAttempt:
    """Record an attempt to reach the parents (G1): when (default now), how, what came of it."""
    require_role(actor, MACH_WORKERS)
    errors = _when_and_how_errors(method, attempted_at, "attempted_at")
    if not outcome.strip():
        errors["outcome"] = "Record what came of the attempt."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        contact = _locked_contact(contact)
        attempt = ConsultationAttempt.objects.create(
            contact=contact,
            attempted_at=attempted_at or timezone.now(),
            method=method,
            outcome=outcome,
            recorded_by=actor,
        )
        record_event(
            actor=actor,
            subject=contact,
            action="parents_not_reached",
            reason=outcome,
            data={"method": method},
        )
    return attempt


def consultation_exception_request(
    *, actor: User, contact: Contact, ground: str, details: str, attempts: str = ""
) -> ConsultationException:
    require_role(actor, MACH_WORKERS)
    errors: dict[str, str] = {}
    if ground not in ExceptionGround.values:
        errors["ground"] = "Choose one of the grounds for an exception."
    if not details.strip():
        errors["details"] = "Explain why the parents should not be consulted first."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        contact = _locked_contact(contact)
        if (
            ground == ExceptionGround.UNREACHABLE
            and not ConsultationAttempt.objects.filter(contact=contact).exists()
        ):
            raise ValidationError(
                {"attempts": "Record each attempt to reach the parents (when, how, outcome) first."}
            )
        exception = ConsultationException.objects.create(
            contact=contact, ground=ground, details=details, attempts=attempts, requested_by=actor
        )
        record_event(
            actor=actor, subject=contact, action="consultation_exception_requested", reason=details
        )
    return exception


def consultation_exception_decide(
    *, actor: User, exception: ConsultationException, authorise: bool, rationale: str
) -> ConsultationException:
    require_role(actor, MANAGERS)
    if not rationale.strip():
        raise ValidationError({"rationale": "Give the rationale for the decision."})
    with transaction.atomic(durable=True):
        exception = ConsultationException.objects.select_for_update().get(pk=exception.pk)
        if not may_decide_exception(exception, actor):
            raise PermissionDenied("A manager cannot authorise an exception they requested.")
        if authorise:
            exception.authorise()
        else:
            exception.refuse()
        exception.decided_by = actor
        exception.decided_at = timezone.now()
        exception.rationale = rationale
        exception.save()
        record_event(
            actor=actor,
            subject=exception,
            action=f"consultation_exception_{exception.state}",
            from_state=ExceptionState.REQUESTED,
            to_state=exception.state,
            reason=rationale,
        )
    return exception


def may_ask_partners(contact: Contact) -> bool:
    """G1: parents consulted, or an exception authorised by a manager."""
    return (
        ParentConsultation.objects.filter(contact=contact).exists()
        or ConsultationException.objects.filter(
            contact=contact, state=ExceptionState.AUTHORISED
        ).exists()
    )


def partner_request_send(
    *,
    actor: User,
    contact: Contact,
    agency: str,
    question: str,
    organisation: Team | None = None,
) -> PartnerRequest:
    """Ask a partner agency for information: due in 1 working day, or in
    `PARTNER_RED_RESPONSE_HOURS` working hours (4 by default) when the contact's RAG is red.
    Refused (409) until the parents are consulted or an exception is authorised (G1), and once
    the contact is decided."""
    require_role(actor, MACH_WORKERS)
    if not question.strip():
        raise ValidationError({"question": "Write the question for the agency."})
    with transaction.atomic(durable=True):
        contact = _locked_contact(contact)
        if contact.state == State.DECIDED:
            raise AlreadyDone("The contact is already decided.")
        if not may_ask_partners(contact):
            raise GuardrailRefused(
                "Partners cannot be asked until the parents are consulted, or a manager "
                "authorises an exception."
            )
        now = timezone.now()
        calendar = timescales.WorkingCalendar.current()
        due = (
            calendar.add_working_hours(now, red_response_hours())
            if contact.rag == Rag.RED
            else calendar.add_working_days(now, 1)
        )
        request = PartnerRequest(
            contact=contact,
            agency=agency,
            organisation=organisation,
            question=question,
            sent_by=actor,
            sent_at=now,
            due_at=due,
        )
        request.start_clock(due)
        request.save()
        record_event(
            actor=actor, subject=contact, action="partner_request_sent", data={"agency": agency}
        )
    return request


def partner_request_answer(
    *, actor: User, request: PartnerRequest, response: str
) -> PartnerRequest:
    """Record the agency's answer: by a MACH worker, or by a user of the asked organisation."""
    if actor.has_role(Role.PARTNER_AGENCY):
        if request.organisation_id is None or request.organisation_id != actor.team_id:
            raise PermissionDenied("This request was sent to another organisation.")
    else:
        require_role(actor, MACH_WORKERS)
    if not response.strip():
        raise ValidationError({"response": "Write the agency's response."})
    with transaction.atomic(durable=True):
        request = PartnerRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != PartnerRequestState.SENT:
            raise AlreadyDone("This request was already answered.")
        request.answer()
        request.response = response
        request.responded_by = actor
        request.responded_at = timezone.now()
        request.save()
        record_event(
            actor=actor,
            subject=request,
            action="partner_request_answered",
            from_state=PartnerRequestState.SENT,
            to_state=request.state,
        )
    return request
