"""Rows written and read on the hot path (intake, authentication) by plain statements built
once per process.

The ORM's `save()`, `bulk_create()` and querysets build their SQL anew on every call: for a
small statement that costs more CPU than the database spends running it.

- `insert` writes model instances as `bulk_create` does (each field's `pre_save` and database
  value, so defaults and `auto_now_add` behave the same), from a statement kept for each model,
  row count and option. No signals are sent: use it only for models that have no receivers, as
  the core's intake models have none.
- `columns` and `instance` read rows back: a plain SELECT names a model's `columns(Model)`,
  and `instance(Model, using, row)` makes the model instance from them, as a queryset would.
- `read_times_in_c` makes every connection read `timestamptz` values with psycopg's compiled
  loader rather than Django's loader written in Python, which cost ten times as much: a list
  page reads hundreds of times.
- `together()` sends the writes of a block as one statement when it ends: one round trip
  for the writes at the end of an intake rather than one each.
- `plan_once` makes PostgreSQL plan each prepared statement once and keep the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from typing import Any, TypeVar, cast

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorWrapper

M = TypeVar("M", bound=models.Model)


def insert(objects: Sequence[M], *, skip_conflicts_on: str = "") -> list[M]:
    """Write `objects` (all of one model) in one INSERT and set each one's id; the objects
    written, in order.

    With `skip_conflicts_on`, the name of the one unique field a new row can clash on, a row
    whose value another row already holds is not written (`ON CONFLICT DO NOTHING`, after
    waiting for a transaction writing the same value to end) and is left without an id; rows
    whose value is blank never clash. The objects' values of that field must differ.

    Inside `together()` the INSERT waits to be sent with the block's other writes, and the
    objects get their ids when the block ends; `skip_conflicts_on`, which needs the answer at
    once, is refused there (RuntimeError)."""
    if not objects:
        return []
    model = type(objects[0])
    using = router.db_for_write(model)
    meta = model._meta
    returning = [_column(model, meta.pk.name if meta.pk is not None else "id")]
    if skip_conflicts_on:
        returning.append(_column(model, skip_conflicts_on))
    statement = _insert(objects, using, bool(skip_conflicts_on), tuple(returning))
    waiting = _waiting(using)
    if waiting is not None:
        if skip_conflicts_on:
            raise RuntimeError("An insert skipping conflicts reads its answer: not in together().")
        waiting.append(_Write(*statement, then=partial(_written, list(objects), using)))
        return list(objects)
    with prepared_cursor(using) as prepared:
        prepared.execute(*statement)
        rows = prepared.fetchall()
    if skip_conflicts_on:
        written_values = {value for _, value in rows}
        written = [
            instance
            for instance in objects
            if getattr(instance, skip_conflicts_on) in written_values
            or not getattr(instance, skip_conflicts_on)
        ]
    else:
        written = list(objects)
    _written(written, using, rows)
    return written


def _written(objects: Sequence[models.Model], using: str, rows: Sequence[Sequence[Any]]) -> None:
    # The rows come back in the order they were written.
    for instance, row in zip(objects, rows, strict=True):
        instance.pk = row[0]
        instance._state.adding = False
        instance._state.db = using


def insert_skipping_conflicts(objects: Sequence[models.Model]) -> None:
    """Write `objects` in one INSERT, leaving out any row that clashes with one already there
    (`bulk_create(ignore_conflicts=True)`); their ids are not read back."""
    if not objects:
        return
    using = router.db_for_write(type(objects[0]))
    write(using, *_insert(objects, using, True, ()))


def write(using: str, sql: str, values: Sequence[Any]) -> None:
    """Run `sql`, a write whose answer is not read (its placeholders `%s`), as a prepared
    statement on database `using`; inside `together()`, with the block's other writes."""
    waiting = _waiting(using)
    if waiting is not None:
        waiting.append(_Write(sql, list(values)))
        return
    with prepared_cursor(using) as prepared:
        prepared.execute(sql, values)


@dataclass(frozen=True)
class _Write:
    sql: str
    values: list[Any]
    # Given the rows the statement returned, when it returns any.
    then: Callable[[Sequence[Sequence[Any]]], None] | None = None


_together: ContextVar[tuple[str, list[_Write]] | None] = ContextVar("together", default=None)


def _waiting(using: str) -> list[_Write] | None:
    """The writes waiting for the end of the `together()` block on `using`, if one is open."""
    block = _together.get()
    if block is None or block[0] != using:
        return None
    return block[1]


@contextmanager
def together(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """The writes of `insert`, `insert_skipping_conflicts` and `write` on database `using` in
    the block are sent to PostgreSQL as one statement when it ends, each in a WITH of its own:
    one round trip for all of them rather than one each. Call it inside a transaction.

    For writes whose rows nothing in the block reads: a statement in the block runs before
    them, and one statement does not see what its own WITHs write. An object `insert` writes
    gets its id at the end of the block. Foreign keys are checked at the end of the statement,
    so the writes may refer to one another's rows only through ids known before the block.
    When the block raises, nothing waiting is written. A block inside another is part of it."""
    if (outer := _together.get()) is not None:
        assert outer[0] == using, "together() inside a block on another database"
        yield
        return
    waiting: list[_Write] = []
    token = _together.set((using, waiting))
    try:
        yield
    finally:
        _together.reset(token)
    if waiting:
        _write_together(using, waiting)


def _write_together(using: str, writes: Sequence[_Write]) -> None:
    named = ", ".join(f"w{index} AS ({each.sql})" for index, each in enumerate(writes))
    answering = [index for index, each in enumerate(writes) if each.then is not None]
    # Each answer tagged with its write's index; in the order written, as RETURNING gives them.
    answers = " UNION ALL ".join(f"SELECT {index}, * FROM w{index}" for index in answering)
    sql = f"WITH {named} {answers or 'SELECT NULL WHERE false'}"
    values = [value for each in writes for value in each.values]
    with prepared_cursor(using) as prepared:
        prepared.execute(sql, values)
        rows = prepared.fetchall() if answering else []
    for index in answering:
        then = writes[index].then
        assert then is not None
        then([row[1:] for row in rows if row[0] == index])


@lru_cache(maxsize=64)
def columns(model: type[models.Model], alias: str = "") -> str:
    """A SELECT list of every column of `model`, qualified by the table `alias` if given, in
    the order `instance` reads them."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(f'{prefix}"{field.column}"' for field in model._meta.concrete_fields)


def instance(model: type[M], using: str, row: Sequence[Any], start: int = 0) -> M:
    """The `model` instance read from database `using` whose `columns(model)` are the values
    of `row` from index `start` on."""
    names = _attnames(model)
    return model.from_db(using, names, row[start : start + len(names)])


@lru_cache(maxsize=64)
def _attnames(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def prepared_cursor(using: str) -> CursorWrapper:
    """A cursor on database `using` whose statements PostgreSQL parses and plans once per
    connection and keeps (a prepared statement), their values bound on the server. Django's
    cursors put the values into the statement's text, which PostgreSQL parses and plans anew
    every time. Use it for a statement whose text is built once; it is Django's own wrapper,
    so the statements are counted and logged and their errors are Django's."""
    connection = connections[using]
    if not settings.DATABASE_PREPARED_STATEMENTS:
        return connection.cursor()
    # As Django's `connection.cursor()`: the kept connection checked once per request (a
    # database restart leaves it dead), connected, then wrapped.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw: Any = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


# Django's class (its `callproc`), on psycopg's cursor, which Django's type stubs leave out.
class _PreparingCursor(ServerBindingCursor, psycopg.Cursor[Any]):
    def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
        return super().execute(query, params, **{**options, "prepare": True})

    def _maybe_prepare_gen(self, pgq: Any, **options: Any) -> Any:
        # psycopg records the statement a cursor ran (read by Django's query log) only when it
        # is not prepared.
        self._query = pgq
        return super()._maybe_prepare_gen(pgq, **options)


def _insert(
    objects: Sequence[models.Model], using: str, skip_conflicts: bool, returning: tuple[str, ...]
) -> tuple[str, list[Any]]:
    """The INSERT of `objects` and its values, each field's as `bulk_create` prepares it."""
    model = type(objects[0])
    connection = connections[using]
    fields = _fields(model)
    values = [
        field.get_db_prep_save(field.pre_save(instance, True), connection)
        for instance in objects
        for field in fields
    ]
    return _statement(model, len(objects), skip_conflicts, returning), values


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column is not None
    return field.column


@lru_cache(maxsize=64)
def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


@lru_cache(maxsize=256)
def _statement(
    model: type[models.Model], rows: int, skip_conflicts: bool, returning: tuple[str, ...]
) -> str:
    named = ", ".join(f'"{field.column}"' for field in _fields(model))
    row = "(" + ", ".join(["%s"] * len(_fields(model))) + ")"
    sql = f'INSERT INTO "{model._meta.db_table}" ({named}) VALUES {", ".join([row] * rows)}'
    if skip_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(f'"{column}"' for column in returning)
    return sql


def plan_once(connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created`: a statement of `prepared_cursor` is planned on its first run and
    that plan is kept for every run after (`plan_cache_mode = force_generic_plan`).

    By default PostgreSQL plans a prepared statement anew for its values on its first five
    runs, and for ever after if the plan for any values looks costlier than those: it did so
    for intake's matching, the proposals and the household, whose values are arrays of
    unknown length. Planning the matching alone cost 0.4 ms of the database's CPU on every
    intake, four times what running it cost. These statements find rows by equality through
    indexes, so their plans do not depend on the values (`bench/explain_plans.py` shows both
    plans). Django's own cursors put the values into the text, so no plan of theirs is ever
    kept: only `prepared_cursor`'s statements are affected."""
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        return
    # Not `options` on connecting, which PgBouncer refuses unless told to ignore it.
    with connection.connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_generic_plan")


def read_times_in_c(connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created`: the new connection reads `timestamptz` with `_UtcTimesLoader`.

    Django registers a loader of its own: psycopg's loader written in Python (psycopg uses its
    compiled one only for its own classes), with the time zone then replaced by Django's. With
    USE_TZ that is UTC, and Django sets the session's time zone to UTC on connecting, so
    psycopg's own loader reads the same aware datetimes, in `datetime.UTC`. Any other time
    zone is left to Django."""
    if connection.vendor != "postgresql" or connection.timezone is not UTC:
        return
    if connection.connection.info.parameter_status("TimeZone") == "UTC":
        connection.connection.adapters.register_loader("timestamptz", _UtcTimesLoader)


class _UtcTimesLoader(psycopg.adapt.Loader):
    """psycopg's own `timestamptz` loader (compiled, with psycopg[binary]) behind the attribute
    that Django reads from the connection's loader before each cursor, `timezone`: equal to
    Django's, so that Django registers nothing more on the cursor."""

    timezone = UTC

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        self._psycopgs = _PSYCOPGS_TIMES_LOADER(oid, context)

    def load(self, data: Any) -> datetime:
        loaded: datetime = self._psycopgs.load(data)
        return loaded


# psycopg's loader as psycopg registers it for itself (it always has one for timestamptz): the
# compiled class where there is one.
_PSYCOPGS_TIMES_LOADER = cast(
    "type[psycopg.abc.Loader]",
    psycopg.adapters.get_loader(psycopg.adapters.types["timestamptz"].oid, psycopg.pq.Format.TEXT),
)
