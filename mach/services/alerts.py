"""Acting on alerts raised by the timeliness engine."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .. import selectors
from ..audit import record_event
from ..models import Alert, User
from ..permissions import MANAGERS
from .common import AlreadyDone, require_role


def alert_acknowledge(*, actor: User, alert: Alert, note: str = "") -> Alert:
    """A manager of the alert's team acknowledges it, or for an escalation a service manager
    of that team; acknowledging twice is refused (409)."""
    require_role(actor, MANAGERS)
    if not selectors.alerts_for_team_of(actor).filter(pk=alert.pk).exists():
        raise PermissionDenied("This alert is for another team or another level of management.")
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
