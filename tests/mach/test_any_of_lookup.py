"""`__any_of`: the rows `__in` finds, the values bound as one array, on a column and a relation."""

from __future__ import annotations

import pytest

from mach.models import ContactPerson, Person
from tests.factories import ChildFactory, ContactPersonFactory

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds_by_relation_and_by_key() -> None:
    links = ContactPersonFactory.create_batch(3)
    wanted = [links[0].person_id, links[2].person_id]

    by_relation = ContactPerson.objects.filter(person_id__any_of=wanted)
    by_key = Person.objects.filter(pk__any_of=set(wanted))

    assert sorted(by_relation.values_list("pk", flat=True)) == sorted(
        ContactPerson.objects.filter(person_id__in=wanted).values_list("pk", flat=True)
    )
    assert sorted(by_key.values_list("pk", flat=True)) == sorted(wanted)


def test_any_of_nothing_finds_nothing() -> None:
    ChildFactory()

    assert not Person.objects.filter(pk__any_of=[]).exists()
