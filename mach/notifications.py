"""Telling managers about alerts, by email through Django's email backend."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Alert, AlertLevel, Role, User

logger = logging.getLogger(__name__)

DELIVERY_BATCH_SIZE = 100


def alert_recipients(alert: Alert) -> list[str]:
    managers = User.objects.filter(is_active=True, role=Role.MANAGER).exclude(email="")
    if alert.team_id is not None:
        managers = managers.filter(team_id=alert.team_id)
    return list(managers.values_list("email", flat=True))


def deliver_pending_alerts() -> int:
    """Email every alert not yet sent; each is claimed under a row lock so it goes out once.

    A failure to send rolls the claim back, so the next sweep tries again.
    """
    delivered = 0
    with transaction.atomic():
        pending = list(
            Alert.objects.filter(notified_at__isnull=True)
            .select_for_update(skip_locked=True)
            .order_by("created_at")[:DELIVERY_BATCH_SIZE]
        )
        for alert in pending:
            recipients = alert_recipients(alert)
            if recipients:
                heading = "Escalated alert" if alert.level == AlertLevel.ESCALATED else "Alert"
                send_mail(
                    subject=f"[MACH] {heading}: {alert.message}"[:200],
                    message=(
                        f"{alert.message}.\n"
                        f"Due: {timezone.localtime(alert.due_at):%a %d %b %Y %H:%M}\n"
                        "Open the MACH front-door service to act on it."
                    ),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=recipients,
                )
            alert.notified_at = timezone.now()
            delivered += 1
        Alert.objects.bulk_update(pending, ["notified_at"])
    return delivered
