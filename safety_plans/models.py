"""Safety plans (spec section 9, G11): written with the family and network, checked live,
agreed, reviewed and given to the family in words they can read.

A plan is a series of versions: every save of a draft is a new version, and editing an agreed
plan starts a new draft, while the agreed version stays in force until the new one is agreed
(then the older is superseded). Each version keeps its parts, its family version, its checks
and its quality score (how many checks pass), as they were when it was saved.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from mach.models import Timed
from mach.models.timeliness import alert_due_index


class PlanState(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"
    SUPERSEDED = "superseded", "Superseded"


class SafetyPlan(Timed):
    """Its clock is the review: due 10 working days after agreement or at the conference,
    whichever comes first (`review_due_date`)."""

    team = models.ForeignKey("mach.Team", on_delete=models.PROTECT, related_name="+")
    children = models.ManyToManyField("mach.Person", related_name="safety_plans")
    s47_enquiry = models.ForeignKey(
        "strategy_meetings.S47Enquiry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="safety_plans",
    )
    conference = models.ForeignKey(
        "strategy_meetings.Conference",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="safety_plans",
    )
    # The referral whose `safety_plan` hand-off opened it (none for a plan begun by hand).
    referral = models.OneToOneField(
        "mach.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="safety_plan",
    )
    state = FSMField(
        max_length=16, choices=PlanState.choices, default=PlanState.DRAFT, protected=True
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    review_due_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [alert_due_index("safety_plan_alert_due_idx")]

    def __str__(self) -> str:
        return f"Safety plan {self.pk}"

    @property
    def current(self) -> SafetyPlanVersion:
        """The latest version (read from the prefetched versions when there are some)."""
        versions = sorted(self.versions.all(), key=lambda version: version.number)
        return versions[-1] if versions else SafetyPlanVersion(plan=self, number=0)

    @transition(field=state, source=PlanState.DRAFT, target=PlanState.AGREED)
    def agree(self) -> None:
        """The service sets the agreement's date, the review date and the clock."""

    @transition(field=state, source=PlanState.AGREED, target=PlanState.DRAFT)
    def revise(self) -> None:
        """A new draft; the agreed version stays in force (and its review clock running)."""


class SafetyPlanVersion(models.Model):
    """One saved version: the plan's parts as the API takes them, and what the checks found."""

    plan = models.ForeignKey(SafetyPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    state = FSMField(
        max_length=16, choices=PlanState.choices, default=PlanState.DRAFT, protected=True
    )
    worries = models.JSONField(default=list)
    goals = models.JSONField(default=list)
    network = models.JSONField(default=list)
    actions = models.JSONField(default=list)
    childs_words = models.TextField(blank=True)
    family_version = models.TextField(blank=True)
    checks = models.JSONField(default=list)
    quality_score = models.PositiveSmallIntegerField(default=0)
    checks_total = models.PositiveSmallIntegerField(default=0)
    all_checks_passed = models.BooleanField(default=False)
    saved_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)
    agreed_with = models.TextField(blank=True)
    agreed_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="safety_plan_version_once"),
        ]
        indexes = [
            models.Index(
                fields=["agreed_at"],
                condition=Q(agreed_at__isnull=False),
                name="safety_plan_agreed_idx",
            )
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of safety plan {self.plan_id}"

    PARTS = ("worries", "goals", "network", "actions", "childs_words", "family_version")

    def parts(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.PARTS}

    @transition(field=state, source=PlanState.DRAFT, target=PlanState.AGREED)
    def agree(self) -> None:
        """The service records who agreed and when."""

    @transition(
        field=state, source=[PlanState.DRAFT, PlanState.AGREED], target=PlanState.SUPERSEDED
    )
    def supersede(self) -> None:
        """A newer draft was saved, or a newer version agreed."""
