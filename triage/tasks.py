"""Celery tasks of the triage workflow: thin, carrying only ids."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .models import ReferrerFeedback
from .services import feedback_send


@shared_task(acks_late=True)
def send_referrer_feedback(feedback_id: int) -> bool:
    return feedback_send(feedback_id)


@shared_task(acks_late=True)
def send_pending_feedback() -> int:
    """Catch up on feedback whose on-commit message was lost (e.g. Redis was down)."""
    pending = ReferrerFeedback.objects.filter(
        sent_at__isnull=True, created_at__lte=timezone.now()
    ).exclude(recipient="")
    return sum(feedback_send(pk) for pk in pending.values_list("pk", flat=True)[:200])
