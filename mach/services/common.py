"""What every service shares: the permission check and the conflict error."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied

from ..models import User


class AlreadyDone(Exception):
    """A change that the record's current state no longer allows (HTTP 409)."""


def require_role(actor: User, allowed: Sequence[str]) -> None:
    if not actor.has_role(*allowed):
        raise PermissionDenied("Your role does not allow this.")


def enqueue_deadline_check(kind_key: str, item_id: int) -> None:
    """Ask a worker to look at one timed row now; use inside `transaction.on_commit`."""
    from ..tasks import check_deadline

    check_deadline.delay(kind_key, item_id)
