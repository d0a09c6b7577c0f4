"""mach/rows.py: the hot path's plain statements, prepared on the server, and the rows they read
back made model instances as a queryset makes them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from mach import rows
from mach.models import Disability, Gender, Kind, Person, Team

pytestmark = pytest.mark.django_db
STATEMENT = "SELECT count(*) FROM mach_person WHERE last_name = %s"


def _prepared_statements() -> dict[str, int]:
    """The statements prepared on this connection, with how many times each has run."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE NOT from_sql"
        )
        return dict(cursor.fetchall())


def test_a_statement_is_prepared_once_and_run_again_by_its_name() -> None:
    Person.objects.create(kind=Kind.CHILD, first_name="Ana", last_name="Kowalska")
    answers = []
    for name in ("Kowalska", "Nowak", "Kowalska"):
        with rows.prepared_cursor(connection.alias) as cursor:
            cursor.execute(STATEMENT, [name])
            answers.append(cursor.fetchone()[0])

    assert answers == [1, 0, 1]
    assert _prepared_statements() == {"SELECT count(*) FROM mach_person WHERE last_name = $1": 3}


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
