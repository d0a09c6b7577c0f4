"""A made-up workflow: a support plan opened by a hand-off, reviewed within 10 working days."""

from __future__ import annotations

from django.db import models

from mach.models import Timed


class SupportPlan(Timed):
    referral = models.OneToOneField(
        "mach.Referral", on_delete=models.PROTECT, related_name="support_plan"
    )
    child = models.ForeignKey("mach.Person", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("mach.Team", on_delete=models.PROTECT, related_name="+")
    review_due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Support plan {self.pk}"
