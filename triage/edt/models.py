"""An EDT handover: the contact the EDT recorded out of hours, the action taken, what is still
outstanding, and its oversight clock (10:00 on the next working day, a local setting)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from mach.models import Timed
from mach.models.timeliness import alert_due_index


class HandoverAction(models.TextChoices):
    ADVICE = "advice", "Advice"
    VISIT = "visit", "Visit"
    POLICE_PROTECTION = "police_protection", "Police protection"
    EMERGENCY_PLACEMENT = "emergency_placement", "Emergency placement"


# A child taken into police protection or placed in an emergency is red from the start.
RED_ACTIONS = (HandoverAction.POLICE_PROTECTION, HandoverAction.EMERGENCY_PLACEMENT)


class HandoverState(models.TextChoices):
    HANDED_OVER = "handed_over", "Handed over"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


class EdtHandover(Timed):
    """Its clock is `oversight_due_at`; acknowledging it stops the clock."""

    contact = models.OneToOneField(
        "mach.Contact", on_delete=models.PROTECT, related_name="edt_handover"
    )
    action_taken = models.CharField(max_length=32, choices=HandoverAction.choices)
    outstanding_actions = models.TextField(blank=True)
    state = FSMField(
        max_length=16,
        choices=HandoverState.choices,
        default=HandoverState.HANDED_OVER,
        protected=True,
    )
    handed_over_at = models.DateTimeField()
    handed_over_by = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    oversight_due_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledgement_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["oversight_due_at", "id"]
        indexes = [
            alert_due_index("edt_alert_due_idx"),
            models.Index(fields=["state", "oversight_due_at"], name="edt_state_due_idx"),
        ]

    def __str__(self) -> str:
        return f"EDT handover {self.pk}"

    @property
    def is_red(self) -> bool:
        return self.action_taken in RED_ACTIONS

    @property
    def overseen_in_time(self) -> bool | None:
        """G14: acknowledged by its deadline (None while waiting)."""
        if self.acknowledged_at is None:
            return None
        return self.acknowledged_at <= self.oversight_due_at

    @transition(field=state, source=HandoverState.HANDED_OVER, target=HandoverState.ACKNOWLEDGED)
    def acknowledge(self) -> None:
        self.stop_clock()


# Overseen in time (G14), as the metric counts it in SQL.
OVERSEEN_IN_TIME = Q(
    acknowledged_at__isnull=False, acknowledged_at__lte=models.F("oversight_due_at")
)
