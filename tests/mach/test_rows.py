"""mach/rows.py: the hot path's plain statements, prepared on the server, and the rows they read
back made model instances as a queryset makes them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date
from typing import Any

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mach import rows
from mach.models import (
    ContactPerson,
    Disability,
    Gender,
    Kind,
    Person,
    Relationship,
    RelationshipKind,
    Team,
)
from tests.factories import AdultFactory, ChildFactory, ContactFactory

pytestmark = pytest.mark.django_db
STATEMENT = "SELECT count(*) FROM mach_person WHERE last_name = %s"


@pytest.fixture(autouse=True)
def _prepared_before() -> None:
    """What earlier tests left prepared on this kept connection (the intake team's statement,
    run by `migrate` and `flush`) is not this test's."""
    global _EARLIER
    _EARLIER = set(_plans(since=set()))


_EARLIER: set[str] = set()


def _prepared_statements() -> dict[str, int]:
    """The statements this test prepared on this connection, with how many times each ran."""
    return {statement: sum(runs) for statement, runs in _plans().items()}


def test_a_statement_is_prepared_once_and_run_again_by_its_name() -> None:
    Person.objects.create(kind=Kind.CHILD, first_name="Ana", last_name="Kowalska")
    answers = []
    for name in ("Kowalska", "Nowak", "Kowalska"):
        with rows.prepared_cursor(connection.alias) as cursor:
            cursor.execute(STATEMENT, [name])
            answers.append(cursor.fetchone()[0])

    assert answers == [1, 0, 1]
    assert _prepared_statements() == {"SELECT count(*) FROM mach_person WHERE last_name = $1": 3}


def _plans(since: set[str] | None = None) -> dict[str, tuple[int, int]]:
    """The statements this test prepared on this connection (all of them, `since` nothing),
    with how many runs used the kept (generic) plan and how many were planned for their values
    (custom)."""
    earlier = _EARLIER if since is None else since
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE NOT from_sql"
        )
        return {
            statement: (generic, custom)
            for statement, generic, custom in cursor.fetchall()
            if statement not in earlier
        }


def test_a_prepared_statement_is_planned_once_whatever_its_values() -> None:
    """`plan_once`: without it PostgreSQL plans each of the first five runs for its values."""
    statement = "SELECT count(*) FROM mach_person WHERE last_name = ANY(%s)"
    for names in (["Kowalska"], ["Nowak", "Smith"], [], ["Kowalska"] * 40, ["Ng"], ["Ng"]):
        with rows.prepared_cursor(connection.alias) as cursor:
            cursor.execute(statement, [names])
            assert cursor.fetchone() == (0,)

    assert _plans() == {statement.replace("%s", "$1"): (6, 0)}


def test_with_prepared_statements_off_the_plans_are_postgresqls_choice(settings: Any) -> None:
    settings.DATABASE_PREPARED_STATEMENTS = False
    with connection.cursor() as cursor:
        cursor.execute("RESET plan_cache_mode")
        rows.plan_once(connection)
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("auto",)
    settings.DATABASE_PREPARED_STATEMENTS = True
    rows.plan_once(connection)
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_generic_plan",)


def test_with_prepared_statements_off_the_cursor_is_djangos_own(settings: Any) -> None:
    settings.DATABASE_PREPARED_STATEMENTS = False
    with rows.prepared_cursor(connection.alias) as cursor:
        cursor.execute(STATEMENT, ["Kowalska"])
        assert cursor.fetchone() == (0,)
    assert _prepared_statements() == {}


def test_its_statements_are_in_the_query_log_with_their_placeholders() -> None:
    with (
        CaptureQueriesContext(connection) as queries,
        rows.prepared_cursor(connection.alias) as cursor,
    ):
        for _ in range(2):
            cursor.execute(STATEMENT, ["Kowalska"])
    # The statement as PostgreSQL received it, with its placeholders.
    assert [query["sql"] for query in queries] == [STATEMENT.replace("%s", "$1")] * 2


def test_a_refused_write_raises_djangos_error_and_the_transaction_goes_on() -> None:
    team = Team.objects.create(slug="north", name="North")
    clash = Team(slug="north", name="Again")
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert([clash])
    # The statement stays usable on the connection after the rollback.
    (written,) = rows.insert([Team(slug="south", name="South")])
    assert set(Team.objects.values_list("slug", flat=True)) >= {team.slug, written.slug}


def test_values_are_bound_as_the_orm_binds_them() -> None:
    """Choices, a list of choices, moments and dates reach PostgreSQL as the ORM writes them."""
    person = Person(
        kind=Kind.CHILD,
        first_name="Ana",
        last_name="Kowalska",
        gender=Gender.FEMALE,
        date_of_birth=date(2019, 3, 4),
        disabilities=[Disability.HEAR, Disability.VIS],
    )
    (written,) = rows.insert([person])
    stored = Person.objects.get(pk=written.pk)
    assert (stored.kind, stored.gender, stored.date_of_birth, stored.disabilities) == (
        "child",
        "female",
        date(2019, 3, 4),
        ["HEAR", "VIS"],
    )
    assert stored.created_at == person.created_at


def test_a_row_read_back_is_the_instance_a_queryset_makes() -> None:
    team = Team.objects.create(slug="east", name="East")
    with rows.prepared_cursor(connection.alias) as cursor:
        cursor.execute(
            f"SELECT 'ignored', {rows.columns(Team, 't')} FROM mach_team t WHERE t.id = %s",
            [team.pk],
        )
        read = rows.instance(Team, connection.alias, cursor.fetchone(), start=1)
    expected = Team.objects.get(pk=team.pk)
    assert [getattr(read, f.attname) for f in Team._meta.concrete_fields] == [
        getattr(expected, f.attname) for f in Team._meta.concrete_fields
    ]
    assert (read._state.adding, read._state.db) == (False, connection.alias)


def _people(targets: dict[str, Any]) -> list[Person]:
    return [
        Person(
            kind=Kind.CHILD,
            first_name="Ana",
            last_name="Nowak",
            gender=Gender.FEMALE,
            date_of_birth=date(2019, 3, 4),
            disabilities=[Disability.VIS],
        ),
        Person(kind="adult", first_name="Jo", last_name="Nowak", merged_into=targets["child"]),
    ]


def _links(targets: dict[str, Any]) -> list[ContactPerson]:
    contact = targets["contact"]
    return [
        ContactPerson(
            contact=contact, person=targets["child"], role="child", matched_existing=True
        ),
        ContactPerson(
            contact=contact,
            person=targets["adult"],
            role=Kind.ADULT,
            position=3,
            relationship="mum",
        ),
    ]


def _relationships(targets: dict[str, Any]) -> list[Relationship]:
    return [
        Relationship(person=targets["adult"], child=targets["child"], kind=RelationshipKind.PARENT)
    ]


def _stored(objects: list[Any], targets: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows written for `objects`, read back, with the targets' ids as their names."""
    names = {(type(target), target.pk): name for name, target in targets.items()}
    model = type(objects[0])
    stored = []
    for row in model.objects.filter(pk__in=[o.pk for o in objects]).order_by("pk").values():
        for field in model._meta.concrete_fields:
            if field.is_relation and row[field.attname] is not None:
                row[field.attname] = names[(field.related_model, row[field.attname])]
        stored.append({name: value for name, value in row.items() if name != "id"})
    return stored


@pytest.mark.parametrize("build", [_people, _links, _relationships])
def test_insert_writes_what_bulk_create_writes(
    build: Callable[[dict[str, Any]], list[Any]],
) -> None:
    """Text, choices held as enums or as text, booleans, small integers, foreign keys, dates,
    lists, and moments set on save: the same row either way."""

    def targets() -> dict[str, Any]:
        return {"contact": ContactFactory(), "child": ChildFactory(), "adult": AdultFactory()}

    first, second = targets(), targets()
    inserted = rows.insert(build(first))
    created = type(inserted[0]).objects.bulk_create(build(second))
    by_insert, by_bulk_create = _stored(inserted, first), _stored(created, second)
    for row in by_insert + by_bulk_create:
        assert row.pop("created_at", timezone.now()) <= timezone.now()
    assert by_insert == by_bulk_create


TIMES = [
    "2026-12-02 09:15:00+00",
    "2026-03-29 00:59:59.999999+00",  # the last microsecond of GMT before BST
    "2026-10-25 01:30:00+01",  # the hour that happens twice, in BST
    "2026-10-25 01:30:00+00",  # and in GMT
    "2000-02-29 23:00:00-05",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]


def _read(sql: str, register_djangos: bool) -> list[Any]:
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        if register_djangos:
            register_tzloader(connection.timezone, cursor)
        cursor.execute(sql)
        return [value for row in cursor.fetchall() for value in row]


def test_times_are_read_by_psycopgs_loader_as_djangos_read_them() -> None:
    """`read_times_in_c`: the connection's `timestamptz` loader is psycopg's own; it reads the
    same aware datetimes, in UTC, as Django's loader (written in Python) does."""
    sql = "SELECT " + ", ".join(f"'{time}'::timestamptz" for time in TIMES)
    sql += ", NULL::timestamptz, ARRAY['2026-12-02 09:15+00'::timestamptz]"

    ours, djangos = _read(sql, register_djangos=False), _read(sql, register_djangos=True)

    loader = connection.connection.adapters.get_loader(
        connection.connection.adapters.types["timestamptz"].oid, psycopg.pq.Format.TEXT
    )
    assert loader is rows._UtcTimesLoader
    assert ours == djangos
    assert [value.tzinfo for value in ours[: len(TIMES)]] == [UTC] * len(TIMES)
    assert ours[2] != ours[3] and ours[-2] is None
    assert ours[-1] == djangos[-1] and ours[-1][0].tzinfo is UTC


def test_a_time_out_of_pythons_range_is_refused_as_django_refused_it() -> None:
    from django.db import DataError

    with pytest.raises(DataError), connection.cursor() as cursor:
        cursor.execute("SELECT 'infinity'::timestamptz")
        cursor.fetchall()
