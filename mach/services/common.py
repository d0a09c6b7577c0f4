"""What every service shares: the permission check, the conflict error, publishing tasks,
completing a workflow's action."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any, TypeVar, cast

from celery import Task
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ..audit import record_event
from ..models import Timed, User
from ..permissions import MACH_WORKERS

logger = logging.getLogger(__name__)


class AlreadyDone(Exception):
    """A change that the record's current state no longer allows (HTTP 409)."""


def require_role(actor: User, allowed: Sequence[str]) -> None:
    if not actor.has_role(*allowed):
        raise PermissionDenied("Your role does not allow this.")


class _Broker:
    """When publishing last failed; a process skips publishing for a while after a failure."""

    down_until = 0.0


def publish(task: Task[Any, Any], *args: Any) -> bool:
    """Send `task` to a worker now if the broker answers; returns whether it was sent.

    Every task is a shortcut: the database holds the state and the beat's sweep does the same
    work within a minute. So a broker that is down costs a request one short failed try, and the
    process then skips publishing for `BROKER_SKIP_AFTER_FAILURE` seconds rather than paying
    that try on every request. Use inside `transaction.on_commit`.
    """
    if time.monotonic() < _Broker.down_until:
        return False
    try:
        task.apply_async(args=args, retry=False)
    except Exception as error:  # kombu and redis-py raise several unrelated connection errors
        _Broker.down_until = time.monotonic() + settings.BROKER_SKIP_AFTER_FAILURE
        logger.warning("Broker unavailable, %s not sent (the sweep catches up): %s", task, error)
        return False
    return True


def enqueue_deadline_check(kind_key: str, item_id: int) -> None:
    """Ask a worker to look at one timed row now; use inside `transaction.on_commit`."""
    from ..tasks import check_deadline

    publish(check_deadline, kind_key, item_id)


ActionT = TypeVar("ActionT", bound=Timed)


def action_complete(
    *, actor: User, action: ActionT, event: str, allowed: Sequence[str] = MACH_WORKERS
) -> ActionT:
    """A MACH worker (or one of `allowed`) marks a workflow's action (a `Timed` row with
    `completed_on` and `completed_by`) complete and stops its clock, recording `event`.
    Completing it twice is refused (`AlreadyDone`, 409); so is any other role
    (`PermissionDenied`)."""
    require_role(actor, allowed)
    with transaction.atomic(durable=True):
        locked: Any = type(action)._default_manager.select_for_update().get(pk=action.pk)
        if locked.completed_on is not None:
            raise AlreadyDone("This action is already complete.")
        locked.completed_on = timezone.localdate()
        locked.completed_by = actor
        locked.stop_clock()
        locked.save(update_fields=["completed_on", "completed_by", "next_alert_at"])
        record_event(actor=actor, subject=locked, action=event)
    return cast(ActionT, locked)
