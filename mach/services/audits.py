"""Every write of a case audit (spec section 12, G13): record, submit (and the moderation
choice), moderate, learning actions, close. Each checks the role, runs in one durable
transaction with its event row, and leaves side effects to after the commit."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .. import workflows
from ..audit import record_event
from ..models import (
    GOOD_OR_BETTER,
    AuditDomain,
    AuditGrade,
    AuditState,
    CaseAudit,
    GradeChange,
    LearningAction,
    ModerationReason,
    Person,
    Role,
    User,
)
from ..models.people import Kind
from ..permissions import MACH_WORKERS
from ..timescales import LONDON
from .common import AlreadyDone, action_complete, enqueue_deadline_check, require_role

DEFAULT_MODERATION_SHARE = 0.2
AUDITORS = (Role.AUDITOR,)


def moderation_share() -> Decimal:
    """The local share of audits moderated at random (setting `AUDIT_MODERATION_SHARE`)."""
    share = Decimal(str(getattr(settings, "AUDIT_MODERATION_SHARE", DEFAULT_MODERATION_SHARE)))
    return min(max(share, Decimal(0)), Decimal(1)).quantize(Decimal("0.001"))


def open_failures(child_id: int) -> list[str]:
    """What every registered source knows is wrong on the child's record, in plain words."""
    found: list[str] = []
    for _key, source in workflows.guardrail_failures.items():
        found.extend(
            f"{source.label}: {text}" for text in source.failures([child_id]).get(child_id, [])
        )
    return found


def _subject(child: Person, kind: str, record_id: int | None) -> tuple[str, int | None]:
    """Checks an optional subject against the registry: a known kind, a record of the child."""
    if not kind and record_id is None:
        return "", None
    record = workflows.auditable_records.get(kind)
    if record is None:
        names = sorted(key for key, _ in workflows.auditable_records.items())
        raise ValidationError({"subject": f"Name one of {names} with its id, or only the child."})
    if not record.model._default_manager.filter(
        pk=record_id, **{record.child_lookup: child.pk}
    ).exists():
        raise ValidationError({"subject": f"No {record.label.lower()} {record_id} of this child."})
    return kind, record_id


def _grades(grades: Sequence[dict[str, Any]], field: str = "grades") -> list[dict[str, Any]]:
    """One grade with a rationale for every active domain (by id), none twice, none unknown;
    the domains put in place of their ids."""
    domains = {domain.pk: domain for domain in AuditDomain.objects.filter(active=True)}
    seen: set[int] = set()
    for position, item in enumerate(grades):
        if item["domain"] not in domains:
            raise ValidationError({field: f"Grade {position + 1}: not an active domain."})
        if item["domain"] in seen:
            raise ValidationError({field: f"Grade {position + 1}: its domain is graded twice."})
        if not str(item.get("rationale", "")).strip():
            raise ValidationError({field: f"Grade {position + 1}: give the rationale."})
        seen.add(item["domain"])
    missing = [domain.name for pk, domain in domains.items() if pk not in seen]
    if missing:
        raise ValidationError({field: f"Grade every domain; missing: {', '.join(missing)}."})
    return [{**item, "domain": domains[item["domain"]]} for item in grades]


def audit_create(
    *,
    actor: User,
    child: Person,
    practitioner: User,
    collaborative: bool,
    family_feedback_sought: bool,
    grades: Sequence[dict[str, Any]],
    overall_grade: str,
    subject_kind: str = "",
    subject_id: int | None = None,
    practitioner_participation: str = "",
    family_feedback: str = "",
) -> CaseAudit:
    """An auditor records an audit of a child's record (a draft until submitted)."""
    require_role(actor, AUDITORS)
    if child.kind != Kind.CHILD:
        raise ValidationError({"subject": "Audit a child's record."})
    if not practitioner.has_role(*MACH_WORKERS) or practitioner.team_id is None:
        raise ValidationError({"practitioner": "The practitioner is a MACH worker of a team."})
    if collaborative and not practitioner_participation.strip():
        raise ValidationError({"practitioner_participation": "Say how the practitioner took part."})
    if not family_feedback.strip():
        raise ValidationError(
            {
                "family_feedback": (
                    "Record what the child and family said, or why feedback was not sought."
                )
            }
        )
    kind, record_id = _subject(child, subject_kind, subject_id)
    checked = _grades(grades)
    with transaction.atomic(durable=True):
        audit = CaseAudit.objects.create(
            child=child,
            subject_kind=kind,
            subject_id=record_id,
            auditor=actor,
            practitioner=practitioner,
            team_id=practitioner.team_id,
            collaborative=collaborative,
            practitioner_participation=practitioner_participation,
            family_feedback_sought=family_feedback_sought,
            family_feedback=family_feedback,
            overall_grade=overall_grade,
        )
        AuditGrade.objects.bulk_create(
            AuditGrade(
                audit=audit,
                domain=item["domain"],
                grade=item["grade"],
                rationale=item["rationale"],
            )
            for item in checked
        )
        record_event(
            actor=actor, subject=audit, action="case_audit_recorded", to_state=AuditState.DRAFT
        )
    return audit


def _locked(audit: CaseAudit) -> CaseAudit:
    return CaseAudit.objects.select_for_update().get(pk=audit.pk)


def audit_submit(*, actor: User, audit: CaseAudit, draw: float | None = None) -> CaseAudit:
    """The auditor submits: an audit graded good or better (overall or in any domain) on a
    record with open guardrail failures goes to moderation with the failures listed; any other
    goes when its random draw falls below the moderation share. Both are recorded."""
    require_role(actor, AUDITORS)
    if audit.auditor_id != actor.pk:
        raise PermissionDenied("Only the audit's author submits it.")
    failures = open_failures(audit.child_id)
    share = moderation_share()
    draw = random.random() if draw is None else draw
    with transaction.atomic(durable=True):
        audit = _locked(audit)
        if audit.state != AuditState.DRAFT:
            raise AlreadyDone("This audit is already submitted.")
        flattering = (
            audit.overall_grade in GOOD_OR_BETTER
            or audit.grades.filter(grade__in=GOOD_OR_BETTER).exists()
        )
        audit.submit()
        audit.submitted_at = timezone.now()
        audit.failures_at_submission = failures
        audit.sample_share = share
        audit.sample_draw = draw
        if flattering and failures:
            audit.moderation_reason = ModerationReason.FAILURES
        elif draw < share:
            audit.moderation_reason = ModerationReason.SAMPLED
        record_event(
            actor=actor,
            subject=audit,
            action="case_audit_submitted",
            from_state=AuditState.DRAFT,
            to_state=AuditState.SUBMITTED,
            data={"share": str(share), "draw": draw, "failures": failures},
        )
        if audit.moderation_reason:
            audit.send_to_moderation()
            record_event(
                actor=actor,
                subject=audit,
                action="case_audit_to_moderation",
                from_state=AuditState.SUBMITTED,
                to_state=AuditState.MODERATION,
                reason=ModerationReason(audit.moderation_reason).label,
            )
        audit.save()
    return audit


def audit_moderate(
    *,
    actor: User,
    audit: CaseAudit,
    grades: Sequence[dict[str, Any]],
    reason: str,
    overall_grade: str = "",
) -> CaseAudit:
    """A second auditor (never the author) confirms or changes the grades; each change is
    recorded field by field with the moderator's reason."""
    require_role(actor, AUDITORS)
    if audit.auditor_id == actor.pk:
        raise PermissionDenied("A different auditor moderates an audit.")
    checked = _grades(grades)
    with transaction.atomic(durable=True):
        audit = _locked(audit)
        if audit.state != AuditState.MODERATION:
            raise AlreadyDone("This audit is not awaiting moderation.")
        overall_grade = overall_grade or audit.overall_grade
        originals = {grade.domain_id: grade for grade in audit.grades.select_related("domain")}
        changes: list[GradeChange] = []
        for item in checked:
            original = originals.get(item["domain"].pk)
            if original is None:
                continue
            if item["grade"] != original.grade:
                if not reason.strip():
                    raise ValidationError({"reason": "Say why the grades changed."})
                changes.append(
                    GradeChange(
                        audit=audit,
                        field=original.domain.name,
                        before=original.grade,
                        after=item["grade"],
                        reason=reason,
                        moderator=actor,
                    )
                )
            original.moderated_grade = item["grade"]
            original.moderated_rationale = item["rationale"]
        if overall_grade != audit.overall_grade:
            if not reason.strip():
                raise ValidationError({"reason": "Say why the grades changed."})
            changes.append(
                GradeChange(
                    audit=audit,
                    field="overall",
                    before=audit.overall_grade,
                    after=overall_grade,
                    reason=reason,
                    moderator=actor,
                )
            )
        AuditGrade.objects.bulk_update(
            list(originals.values()), ["moderated_grade", "moderated_rationale"]
        )
        GradeChange.objects.bulk_create(changes)
        audit.moderate()
        audit.moderator = actor
        audit.moderated_at = timezone.now()
        audit.moderated_overall_grade = overall_grade
        audit.save()
        record_event(
            actor=actor,
            subject=audit,
            action="case_audit_moderated",
            from_state=AuditState.MODERATION,
            to_state=AuditState.MODERATED,
            reason=reason,
            data={"changed": [change.field for change in changes]},
        )
    return audit


def learning_action_add(
    *, actor: User, audit: CaseAudit, description: str, owner: str, due_date: date
) -> LearningAction:
    """A learning action with its owner and due date; its clock raises an alert when overdue."""
    require_role(actor, AUDITORS)
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date is in the past."})
    with transaction.atomic(durable=True):
        audit = _locked(audit)
        if audit.state in (AuditState.DRAFT, AuditState.CLOSED):
            raise AlreadyDone("Add learning actions to a submitted audit that is not closed.")
        action = LearningAction(
            audit=audit, description=description, owner=owner, due_date=due_date
        )
        action.start_clock(datetime.combine(due_date + timedelta(days=1), time.min, tzinfo=LONDON))
        action.save()
        record_event(actor=actor, subject=audit, action="learning_action_added", reason=description)
        transaction.on_commit(
            lambda: enqueue_deadline_check("audit_learning_action", action.pk), robust=True
        )
    return action


def learning_action_complete(*, actor: User, action: LearningAction) -> LearningAction:
    """The auditor or a MACH worker marks a learning action done (its clock stops)."""
    return action_complete(
        actor=actor,
        action=action,
        event="learning_action_completed",
        allowed=(*AUDITORS, *MACH_WORKERS),
    )


def audit_close(*, actor: User, audit: CaseAudit, carried_into_plan: str = "") -> CaseAudit:
    """Closes when every learning action is done, or the open ones are carried into a named
    plan; an audit awaiting moderation cannot close."""
    require_role(actor, AUDITORS)
    with transaction.atomic(durable=True):
        audit = _locked(audit)
        if audit.state not in (AuditState.SUBMITTED, AuditState.MODERATED):
            raise AlreadyDone("Only a submitted or moderated audit closes.")
        open_actions = audit.learning_actions.filter(completed_on__isnull=True).count()
        if open_actions and not carried_into_plan.strip():
            raise AlreadyDone(
                f"{open_actions} learning action(s) are open: complete them, or name the plan "
                "that carries them (`carried_into_plan`)."
            )
        from_state = audit.state
        audit.close()
        audit.closed_at = timezone.now()
        audit.carried_into_plan = carried_into_plan.strip() if open_actions else ""
        audit.save()
        record_event(
            actor=actor,
            subject=audit,
            action="case_audit_closed",
            from_state=from_state,
            to_state=AuditState.CLOSED,
            reason=audit.carried_into_plan,
        )
    return audit
