"""Acting on alerts raised by the timeliness engine."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ..audit import record_event
from ..models import Alert, Role, User
from .common import AlreadyDone, require_role


def alert_acknowledge(*, actor: User, alert: Alert, note: str = "") -> Alert:
    """A manager of the alert's team acknowledges it; acknowledging twice is refused (409)."""
    require_role(actor, (Role.MANAGER,))
    if alert.team_id is not None and alert.team_id != actor.team_id:
        raise PermissionDenied("This alert belongs to another team.")
    with transaction.atomic(durable=True):
        now = timezone.now()
        updated = Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=actor
        )
        if not updated:
            raise AlreadyDone("This alert was already acknowledged.")
        alert.refresh_from_db()
        record_event(actor=actor, subject=alert, action="alert_acknowledged", reason=note)
    return alert
