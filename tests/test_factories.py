"""Every factory builds a row the database accepts."""

from __future__ import annotations

import pytest
from factory.django import DjangoModelFactory

from tests import factories

pytestmark = pytest.mark.django_db

FACTORIES = sorted(
    (
        value
        for value in vars(factories).values()
        if isinstance(value, type)
        and issubclass(value, DjangoModelFactory)
        and value is not DjangoModelFactory
    ),
    key=lambda factory: factory.__name__,
)


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda factory: factory.__name__)
def test_the_factory_makes_a_row(factory: type[DjangoModelFactory]) -> None:
    row = factory.create()

    assert type(row)._default_manager.filter(pk=row.pk).exists()
