"""What case audits register and read (spec section 12, G13): the learning-action clock, the
G13 measures, grades before and after moderation, the contact as an auditable record, and the
core's own open guardrail failures (overdue contact decisions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from . import workflows
from .models import (
    OPEN_STATES,
    AuditGrade,
    CaseAudit,
    Contact,
    GradeChange,
    LearningAction,
    Role,
    User,
)
from .web.rows import url_with_id


def audits_visible_to(user: User) -> QuerySet[CaseAudit]:
    """Auditors see every audit; managers those of their team's practitioners; a social
    worker those of their own work (to complete its learning actions)."""
    audits = CaseAudit.objects.select_related("child", "auditor", "practitioner", "moderator")
    if user.has_role(Role.AUDITOR):
        return audits
    own_team = Q(team_id=user.team_id) if user.team_id is not None else Q(pk__in=[])
    if user.has_role(Role.SERVICE_MANAGER):
        return audits.filter(own_team | Q(team__in=user.managed_teams.all()))
    if user.has_role(Role.MANAGER):
        return audits.filter(own_team)
    if user.has_role(Role.SOCIAL_WORKER):
        return audits.filter(practitioner=user)
    return audits.none()


def overdue_contact_decisions(child_ids: Sequence[int]) -> Mapping[int, list[str]]:
    """Contacts about the children still undecided past their 1-working-day deadline."""
    found: dict[int, list[str]] = {}
    rows = (
        Contact.objects.filter(
            state__in=OPEN_STATES,
            decision_due_at__lt=timezone.now(),
            contact_people__person_id__in=child_ids,
        )
        .values_list("contact_people__person_id", "pk", "decision_due_at")
        .order_by("decision_due_at")
    )
    for child_id, contact_id, due in rows:
        found.setdefault(child_id, []).append(
            f"decision on contact CON-{contact_id:07d} overdue since "
            f"{timezone.localtime(due):%d %b %Y %H:%M}"
        )
    return found


def learning_actions_due() -> QuerySet[LearningAction]:
    return LearningAction.objects.filter(
        Q(due_date__lt=timezone.localdate()) | Q(completed_on__isnull=False)
    )


def register() -> None:
    workflows.register_deadline_kind(
        workflows.DeadlineKind(
            key="audit_learning_action",
            model=LearningAction,
            label="Case audit learning action",
            describe=lambda action: (
                f"Learning action {action.pk} of case audit {action.audit_id} for "
                f"{action.owner} was due {action.due_date:%d %b %Y}"
            ),
            team_id=lambda action: action.audit.team_id,
            reads=("owner", "due_date", "audit__team"),
            due_field="due_date",
            done_field="completed_on",
            team_field="audit__team_id",
        )
    )
    workflows.register_alert_link(LearningAction, lambda action: audit_url_of(action.audit_id))
    workflows.register_alert_link(CaseAudit, lambda audit: audit_url_of(audit.pk))
    workflows.register_metric(
        workflows.Metric(
            key="g13_grades_changed",
            guardrail="G13",
            label="Moderated audits whose grades the moderator changed",
            population=lambda: CaseAudit.objects.filter(moderated_at__isnull=False),
            met=Q(Exists(GradeChange.objects.filter(audit=OuterRef("pk")))),
            date_field="moderated_at",
            team_field="team_id",
            record_url=lambda audit: audit_url_of(audit.pk),
            order=130,
            child_field="child_id",
        )
    )
    workflows.register_metric(
        workflows.Metric(
            key="g13_learning_closed",
            guardrail="G13",
            label="Audit learning actions completed by their due date",
            population=learning_actions_due,
            met=Q(completed_on__isnull=False, completed_on__lte=F("due_date")),
            date_field="due_date",
            team_field="audit__team_id",
            record_url=lambda action: audit_url_of(action.audit_id),
            order=131,
            child_field="audit__child_id",
        )
    )
    workflows.register_breakdown(
        workflows.Breakdown(
            key="g13_grades_on_moderation",
            guardrail="G13",
            label="Domain grades before (rows) and after (columns) moderation",
            population=lambda: AuditGrade.objects.filter(audit__moderated_at__isnull=False),
            row_field="grade",
            column_field="moderated_grade",
            date_field="audit__moderated_at",
            team_field="audit__team_id",
        )
    )
    workflows.register_auditable_record(
        workflows.AuditableRecord(
            kind="contact",
            label="Contact",
            model=Contact,
            child_lookup="contact_people__person_id",
            url=lambda contact: url_with_id("web:contact", contact.pk),
        )
    )
    workflows.register_guardrail_failures(
        "contact_decision_overdue",
        workflows.GuardrailFailures(label="Overdue clock", failures=overdue_contact_decisions),
    )


def audit_url_of(audit_id: int) -> str:
    return url_with_id("web:audit", audit_id)
