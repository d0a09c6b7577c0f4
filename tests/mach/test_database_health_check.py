"""mach/database: a kept connection is checked before each request's first statement by asking
its socket, not by a statement; a connection the server ended is still found unusable, and the
request after it is answered on a new connection."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from django.db import close_old_connections, connections, transaction

from mach.database.base import DatabaseWrapper

connection = connections["default"]

pytestmark = pytest.mark.django_db(transaction=True)
MARKER = "SELECT 'the last statement this connection sent'"


@pytest.fixture
def observer() -> Iterator[psycopg.Connection]:
    """A connection of its own to the test database, to watch the service's connection from.
    The service's connection is closed after the test, as the server may have ended it."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as watching:
        yield watching
    connection.close()


def _last_statement_of(observer: psycopg.Connection, pid: int) -> str:
    row = observer.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    assert row is not None
    return str(row[0])


def _kept_connection_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute(MARKER)
    return int(connection.connection.info.backend_pid)


def test_the_service_connects_through_this_backend() -> None:
    assert isinstance(connection, DatabaseWrapper)
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_an_idle_kept_connection_is_usable_without_a_statement(
    observer: psycopg.Connection,
) -> None:
    pid = _kept_connection_pid()

    assert connection.is_usable()
    assert _last_statement_of(observer, pid) == MARKER


def test_a_connection_in_a_transaction_is_checked_by_a_statement(
    observer: psycopg.Connection,
) -> None:
    pid = _kept_connection_pid()

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(MARKER)
        assert connection.is_usable()
        assert _last_statement_of(observer, pid) == "SELECT 1"


def test_a_connection_the_server_ended_is_unusable(observer: psycopg.Connection) -> None:
    pid = _kept_connection_pid()

    observer.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])

    assert not connection.is_usable()


def test_the_request_after_the_server_ended_its_connection_runs_on_a_new_one(
    observer: psycopg.Connection,
) -> None:
    pid = _kept_connection_pid()
    observer.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    # The end of the session reaches this end of the connection a moment after the server's.
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)

    close_old_connections()  # as Django does when the next request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (new_pid,) = cursor.fetchone()

    assert new_pid != pid
