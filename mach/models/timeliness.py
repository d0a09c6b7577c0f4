"""Alerts for missed timescales, and the columns the sweep reads (spec section 2, last part).

A record with a clock carries `next_alert_at`: when the sweep must next look at it (its due
moment, then the escalation moment), or null once the clock is stopped. `alert_level` counts the
alerts raised so far. The sweep claims rows through a partial index on `next_alert_at`.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q


def alert_due_index(name: str) -> models.Index:
    """The partial index each timed model declares in its Meta (names are at most 30 chars)."""
    return models.Index(
        fields=["next_alert_at"], condition=Q(next_alert_at__isnull=False), name=name
    )


class Timed(models.Model):
    next_alert_at = models.DateTimeField(null=True, blank=True, editable=False)
    alert_level = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    def start_clock(self, due_at: datetime) -> None:
        self.next_alert_at = due_at
        self.alert_level = 0

    def stop_clock(self) -> None:
        self.next_alert_at = None


class AlertLevel(models.IntegerChoices):
    OVERDUE = 1, "Overdue: responsible manager"
    ESCALATED = 2, "Escalated: service manager"


class Alert(models.Model):
    """One alert per (item, kind, level), whatever the number of workers, beats or retries."""

    kind = models.CharField(max_length=64)
    level = models.PositiveSmallIntegerField(choices=AlertLevel.choices)
    # No index of its own: `alert_once_per_level` leads with it, and a sweep writes every alert
    # into each index (issue 17).
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, db_index=False)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    team = models.ForeignKey("mach.Team", null=True, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    # Delivery is claimed before the email is sent and recorded after (mach.notifications), so
    # a worker killed mid-send leaves at most this one alert to be sent again.
    delivery_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    delivery_attempts = models.PositiveIntegerField(default=0, editable=False)
    last_delivery_error = models.CharField(max_length=300, blank=True, editable=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "level"], name="alert_once_per_level"
            ),
        ]
        indexes = [
            models.Index(
                fields=["team", "-created_at"],
                condition=Q(acknowledged_at__isnull=True),
                name="alert_open_idx",
            ),
            # The open alerts, newest first, for any team and none (issue 17: at a million
            # contacts the list read and sorted every open alert; bench/results/explain-indexes.md).
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(acknowledged_at__isnull=True),
                name="alert_open_recent_idx",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(notified_at__isnull=True),
                name="alert_unsent_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.message
