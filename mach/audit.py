"""Writing the audit trail: events for changes, access-log rows for every view of a child."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AccessLog, Event, User


def record_event(
    *,
    actor: User | None,
    subject: models.Model,
    action: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Write one event row; call it inside the transaction that makes the change."""
    return Event.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )


def log_child_access(
    *, user: User, child_ids: Iterable[int], via: str, action: str = AccessLog.Action.VIEW
) -> None:
    """One append-only row per child shown, in a single INSERT."""
    rows = [
        AccessLog(user=user, child_id=child_id, action=action, via=via[:200])
        for child_id in dict.fromkeys(child_ids)
    ]
    if rows:
        AccessLog.objects.bulk_create(rows)


def events_for(subject: models.Model) -> models.QuerySet[Event]:
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).select_related("actor")
