"""mach/rows.py `together()`: a block's writes sent to PostgreSQL as one statement at its end."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from mach import rows
from mach.models import ClosureDay, ContactPerson, Kind, Person, Relationship, RelationshipKind
from tests.factories import AdultFactory, ChildFactory, ContactFactory

pytestmark = pytest.mark.django_db
CLOSE = "INSERT INTO mach_closureday (date, reason) VALUES (%s, %s)"
CLOSURE = date(2026, 12, 24)


def _people(*names: str) -> list[Person]:
    return [Person(kind=Kind.CHILD, first_name=name, last_name="Nowak") for name in names]


def test_the_writes_of_a_block_are_one_statement_and_its_objects_get_their_ids() -> None:
    contact, mother = ContactFactory(), AdultFactory()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries, rows.together():
        children = rows.insert(_people("Ana", "Jan"))
        links = rows.insert([ContactPerson(contact=contact, person=mother, role=Kind.ADULT)])
        rows.write(connection.alias, CLOSE, [CLOSURE, "Council closure"])
        assert [child.pk for child in children] == [None, None]

    assert len(queries) == 1
    assert queries[0]["sql"].startswith("WITH")
    assert [Person.objects.get(pk=child.pk).first_name for child in children] == ["Ana", "Jan"]
    assert ContactPerson.objects.get(pk=links[0].pk).person == mother
    assert not children[0]._state.adding
    assert ClosureDay.objects.get().date == CLOSURE


def test_a_block_that_raises_writes_nothing() -> None:
    with pytest.raises(ValueError), transaction.atomic(), rows.together():
        rows.insert(_people("Ana"))
        raise ValueError("the caller gave up")

    assert not Person.objects.filter(first_name="Ana").exists()


def test_a_block_inside_another_is_part_of_it() -> None:
    with transaction.atomic(), CaptureQueriesContext(connection) as queries, rows.together():
        rows.insert(_people("Ana"))
        with rows.together():
            inner = rows.insert(_people("Jan"))
        assert inner[0].pk is None

    assert len(queries) == 1
    assert Person.objects.get(pk=inner[0].pk).first_name == "Jan"


def test_writes_that_answer_nothing_are_one_statement_too() -> None:
    child, adult = ChildFactory(), AdultFactory()
    Relationship.objects.create(person=adult, child=child, kind=RelationshipKind.PARENT)
    again = Relationship(person=adult, child=child, kind=RelationshipKind.PARENT)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries, rows.together():
        rows.insert_skipping_conflicts([again])
        rows.write(connection.alias, CLOSE, [CLOSURE, "Council closure"])

    assert len(queries) == 1
    assert Relationship.objects.filter(person=adult, child=child).count() == 1
    assert ClosureDay.objects.get().date == CLOSURE


def test_an_insert_that_reads_its_conflicts_is_refused_in_a_block() -> None:
    with pytest.raises(RuntimeError), transaction.atomic(), rows.together():
        rows.insert(_people("Ana"), skip_conflicts_on="nhs_number")


def test_a_refused_write_in_a_block_raises_djangos_error_at_its_end() -> None:
    unsaved = ContactFactory.build()
    with pytest.raises(IntegrityError), transaction.atomic(), rows.together():
        rows.insert(_people("Ana"))
        rows.insert([ContactPerson(contact=unsaved, person=AdultFactory(), role=Kind.ADULT)])

    assert not Person.objects.filter(first_name="Ana").exists()
