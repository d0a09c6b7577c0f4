"""Referrals (CIN episodes) and re-referrals (spec 5.4): every workflow opens them and the CIN
census counts them."""

from __future__ import annotations

from django.db import models

from .census import ClosureReason, PrimaryNeed
from .timeliness import Timed, alert_due_index


class Referral(Timed):
    """One child's referral, made when a contact's decision is statutory.

    Its clock is the re-referral alert: set to fire at once when the referral is a re-referral,
    so the timeliness engine raises it exactly once even if the queue loses the message.
    """

    contact = models.ForeignKey("mach.Contact", on_delete=models.PROTECT, related_name="referrals")
    child = models.ForeignKey("mach.Person", on_delete=models.PROTECT, related_name="referrals")
    team = models.ForeignKey("mach.Team", on_delete=models.PROTECT, related_name="+")
    referral_date = models.DateField()
    outcome = models.CharField(max_length=32)
    is_rereferral = models.BooleanField(default=False)
    previous_referral = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The CIN census items of the episode (spec section 13), each checked against the DfE's
    # code list where it is entered.
    primary_need = models.CharField(max_length=2, blank=True, choices=PrimaryNeed.choices)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=4, blank=True, choices=ClosureReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-referral_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "child"], name="referral_once_per_child"),
        ]
        indexes = [
            alert_due_index("referral_alert_due_idx"),
            models.Index(fields=["child", "referral_date"], name="referral_child_date_idx"),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} of {self.child_id} on {self.referral_date}"
