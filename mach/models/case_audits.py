"""Case audits (spec section 12, G13): an auditor grades a child's record with the
practitioner, a second auditor moderates a sample and every flattering audit of a record with
open guardrail failures, and learning actions are tracked to completion."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from .timeliness import Timed, alert_due_index


class Grade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


GOOD_OR_BETTER = frozenset({Grade.OUTSTANDING, Grade.GOOD})


class AuditState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    MODERATION = "moderation", "Awaiting moderation"
    MODERATED = "moderated", "Moderated"
    CLOSED = "closed", "Closed"


class ModerationReason(models.TextChoices):
    NONE = "", "Not moderated"
    SAMPLED = "sampled", "Chosen at random for the moderation sample"
    FAILURES = "failures", "Graded good or better on a record with open guardrail failures"


class AuditDomain(models.Model):
    """A domain an authority grades its audits on (reference data, edited in admin)."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class CaseAudit(models.Model):
    child = models.ForeignKey("mach.Person", on_delete=models.PROTECT, related_name="+")
    # Optionally one record in the child's case: a key of `workflows.auditable_records` and
    # the record's id.
    subject_kind = models.CharField(max_length=32, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    auditor = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "mach.Team", on_delete=models.PROTECT, related_name="+", help_text="the practitioner's"
    )
    collaborative = models.BooleanField(help_text="the practitioner took part in the audit")
    practitioner_participation = models.TextField(
        blank=True, help_text="how the practitioner took part, or why they did not"
    )
    family_feedback_sought = models.BooleanField()
    family_feedback = models.TextField(
        blank=True, help_text="what the child and family said, or why it was not sought"
    )
    overall_grade = models.CharField(max_length=24, choices=Grade.choices)
    state = FSMField(
        max_length=16, choices=AuditState.choices, default=AuditState.DRAFT, protected=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # How the audit came to moderation (or not): the sample's share and this audit's random
    # draw (sampled when the draw is below the share), and the failures known at submission.
    moderation_reason = models.CharField(
        max_length=16, choices=ModerationReason.choices, blank=True
    )
    sample_share = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    sample_draw = models.FloatField(null=True, blank=True)
    failures_at_submission = models.JSONField(default=list, blank=True)
    moderator = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_overall_grade = models.CharField(max_length=24, choices=Grade.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    carried_into_plan = models.CharField(
        max_length=300, blank=True, help_text="the named plan that carries open learning actions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="case_audit_state_idx"),
            models.Index(fields=["submitted_at"], name="case_audit_submitted_idx"),
            models.Index(fields=["child"], name="case_audit_child_idx"),
        ]

    def __str__(self) -> str:
        return f"Case audit {self.pk}"

    @property
    def final_overall_grade(self) -> str:
        return self.moderated_overall_grade or self.overall_grade

    @transition(field=state, source=AuditState.DRAFT, target=AuditState.SUBMITTED)
    def submit(self) -> None:
        """The auditor finishes the audit."""

    @transition(field=state, source=AuditState.SUBMITTED, target=AuditState.MODERATION)
    def send_to_moderation(self) -> None:
        """Sampled, or graded good or better with open guardrail failures."""

    @transition(field=state, source=AuditState.MODERATION, target=AuditState.MODERATED)
    def moderate(self) -> None:
        """A second auditor confirmed or changed the grades."""

    @transition(
        field=state, source=(AuditState.SUBMITTED, AuditState.MODERATED), target=AuditState.CLOSED
    )
    def close(self) -> None:
        """Every learning action done, or carried into a named plan."""


class AuditGrade(models.Model):
    """The auditor's grade of one domain with its rationale, and the moderator's if changed."""

    audit = models.ForeignKey(CaseAudit, on_delete=models.PROTECT, related_name="grades")
    domain = models.ForeignKey(AuditDomain, on_delete=models.PROTECT, related_name="+")
    grade = models.CharField(max_length=24, choices=Grade.choices)
    rationale = models.TextField()
    moderated_grade = models.CharField(max_length=24, choices=Grade.choices, blank=True)
    moderated_rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["domain__order", "domain__name"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "domain"], name="audit_grade_once_per_domain")
        ]

    def __str__(self) -> str:
        return f"{self.domain_id}: {self.grade}"


class GradeChange(models.Model):
    """One grade the moderator changed: which (`overall` or a domain's name), from, to, why."""

    audit = models.ForeignKey(CaseAudit, on_delete=models.PROTECT, related_name="grade_changes")
    field = models.CharField(max_length=200)
    before = models.CharField(max_length=24, choices=Grade.choices)
    after = models.CharField(max_length=24, choices=Grade.choices)
    reason = models.TextField()
    moderator = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.before} to {self.after}"


class LearningAction(Timed):
    """A learning action from an audit: owner and due date, its clock the due date."""

    audit = models.ForeignKey(CaseAudit, on_delete=models.PROTECT, related_name="learning_actions")
    description = models.TextField()
    owner = models.CharField(max_length=200)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            alert_due_index("learning_action_alert_idx"),
            models.Index(
                fields=["audit"], condition=Q(completed_on__isnull=True), name="learning_open_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Learning action {self.pk}"
