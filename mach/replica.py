"""Reports and the dashboard read from a PostgreSQL replica when one is named.

`DATABASE_REPLICA_URL` adds the `replica` connection; code that only reads for a report runs
inside `reading_from_replica()` (or under the `reads_from_replica` decorator), and the router
sends its reads there. Writes always go to the primary, so a report's access-log rows are
written where every other row is. Without a replica, everything uses the primary.

A replica lags the primary by a moment: only reports and the dashboard, which summarise the
past, read from it; nothing a practitioner has just written is read back through it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db import connections

REPLICA = "replica"

_reporting: ContextVar[bool] = ContextVar("reading_from_replica", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def replica_configured() -> bool:
    return REPLICA in connections.settings


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Within the block, reads go to the replica when one is configured."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    """A report's view (or function) whose reads all go to the replica."""

    @wraps(view)
    def reading(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_from_replica():
            return view(*args, **kwargs)

    return reading


class ReplicaRouter:
    """Reads inside `reading_from_replica()` go to the replica; everything else, and every
    write and migration, to the primary."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reporting.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: objects read from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == "default"
