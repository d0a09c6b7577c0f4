"""Telling managers about alerts, by email through Django's email backend.

Each alert is claimed before its email is sent (a compare-and-swap on "not sent, not claimed or
claimed too long ago"), the email goes out outside any transaction, and only then is the alert
marked sent. Two workers never send the same alert; a worker killed between sending and marking
leaves that one alert to be claimed again once its claim is stale, so the worst case is one
duplicate per alert in flight at the kill, never a batch. A failed send records the attempt and
releases the claim for the next run.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .models import Alert, AlertLevel, Role, User

logger = logging.getLogger(__name__)


def alert_recipients(alert: Alert) -> list[str]:
    """The team's managers for an overdue item; for its escalation, the service managers who
    manage the team (spec section 2), never the same managers again."""
    users = User.objects.filter(is_active=True).exclude(email="")
    if alert.level == AlertLevel.ESCALATED:
        users = users.filter(role=Role.SERVICE_MANAGER)
        if alert.team_id is not None:
            users = users.filter(managed_teams=alert.team_id)
    else:
        users = users.filter(role=Role.MANAGER)
        if alert.team_id is not None:
            users = users.filter(team_id=alert.team_id)
    return list(users.values_list("email", flat=True).distinct())


def deliver_pending_alerts(*, time_budget: float | None = None) -> int:
    """Email alerts not yet sent, batch after batch, until none is left or `time_budget` seconds
    (default `ALERT_DELIVERY_TIME_BUDGET`) are spent; returns how many were sent.

    Safe to run in several workers at once. Alerts that fail are tried again on the next run,
    not in this one, so a broken mail server cannot keep a run busy until its budget ends.
    """
    budget = settings.ALERT_DELIVERY_TIME_BUDGET if time_budget is None else time_budget
    stop_at = time.monotonic() + budget
    tried: set[int] = set()
    delivered = 0
    while time.monotonic() < stop_at:
        batch = list(
            _claimable(timezone.now())
            .exclude(pk__in=tried)
            .order_by("created_at", "pk")[: settings.ALERT_DELIVERY_BATCH_SIZE]
        )
        if not batch:
            break
        recipients_by_team: dict[tuple[int | None, int], list[str]] = {}
        with get_connection() as connection:
            for alert in batch:
                if time.monotonic() >= stop_at:
                    return delivered
                tried.add(alert.pk)
                audience = (alert.team_id, alert.level)
                if audience not in recipients_by_team:
                    recipients_by_team[audience] = alert_recipients(alert)
                delivered += _deliver(alert, recipients_by_team[audience], connection)
    return delivered


def _claimable(now: datetime) -> QuerySet[Alert]:
    stale = now - timedelta(seconds=settings.ALERT_DELIVERY_CLAIM_TIMEOUT)
    return Alert.objects.filter(notified_at__isnull=True).filter(
        Q(delivery_claimed_at__isnull=True) | Q(delivery_claimed_at__lt=stale)
    )


def _deliver(alert: Alert, recipients: list[str], connection: BaseEmailBackend) -> int:
    claimed_at = timezone.now()
    claimed = (
        _claimable(claimed_at)
        .filter(pk=alert.pk)
        .update(delivery_claimed_at=claimed_at, delivery_attempts=F("delivery_attempts") + 1)
    )
    if not claimed:
        return 0  # another worker has it, or sent it since the batch was read
    try:
        if recipients:
            subject, message = _email(alert)
            send_mail(
                subject,
                message,
                settings.DEFAULT_FROM_EMAIL,
                recipients,
                connection=connection,
            )
    except Exception as error:  # any backend failure: SMTP, socket, refused recipients
        logger.warning("Alert %s not sent: %s", alert.pk, error)
        Alert.objects.filter(pk=alert.pk, delivery_claimed_at=claimed_at).update(
            delivery_claimed_at=None, last_delivery_error=f"{error}"[:300]
        )
        return 0
    Alert.objects.filter(pk=alert.pk).update(notified_at=timezone.now(), last_delivery_error="")
    return 1


def _email(alert: Alert) -> tuple[str, str]:
    """The subject and body of an alert's email."""
    heading = "Escalated alert" if alert.level == AlertLevel.ESCALATED else "Alert"
    return (
        f"[MACH] {heading}: {alert.message}"[:200],
        (
            f"{alert.message}.\n"
            f"Due: {timezone.localtime(alert.due_at):%a %d %b %Y %H:%M}\n"
            "Open the MACH front-door service to act on it."
        ),
    )
