"""Who did what and why (events), who saw which child (access log), and request replays."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Event(models.Model):
    """A transition or change of a record: who, when, from and to state, why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=64)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="event_subject_idx")
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor or 'system'} at {self.at:%Y-%m-%d %H:%M}"


class AppendOnly(Exception):
    """Raised on any attempt to change or delete an access-log row."""


class AccessLog(models.Model):
    """Append-only: a database trigger refuses UPDATE and DELETE as well as the model."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"

    user = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("mach.Person", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    via = models.CharField(max_length=200, help_text="the endpoint or page")
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["child", "-at"], name="access_log_child_idx")]

    def __str__(self) -> str:
        # The child by record id: a name here would show wherever the row is named (the admin).
        return f"{self.user} {self.action} child {self.child_id} via {self.via}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly("Access-log rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("Access-log rows cannot be deleted.")


class IdempotencyRecord(models.Model):
    """The response to a create request sent with an `Idempotency-Key`, to replay it."""

    user = models.ForeignKey("mach.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.key}"
