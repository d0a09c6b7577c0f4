"""Celery tasks: thin, idempotent, carrying only ids; the database holds the state."""

from __future__ import annotations

import logging
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from . import deadlines, figures, notifications

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=False)
def sweep_deadlines(now: str | None = None) -> int:
    """Raise the alerts due at `now` (ISO 8601; default: the current time) and deliver them."""
    moment = datetime.fromisoformat(now) if now else timezone.now()
    claimed = deadlines.sweep(now=moment)
    notifications.deliver_pending_alerts()
    return claimed


@shared_task(acks_late=True)
def check_deadline(kind_key: str, item_id: int) -> int:
    """Look at one row now rather than at the next beat (a lost message changes nothing)."""
    return deadlines.sweep(now=timezone.now(), kind_key=kind_key, only_ids=[item_id])


@shared_task(acks_late=True)
def deliver_alerts() -> int:
    return notifications.deliver_pending_alerts()


@shared_task(acks_late=True)
def refresh_figures() -> int:
    """Recount the management-information summary's recent and stale days."""
    return figures.refresh_due(now=timezone.now())
