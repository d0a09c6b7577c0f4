"""The returns read in a fixed number of queries, whatever the number of children."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mach.models import User
from mach.returns.annex_a import annex_a, annex_a_xlsx
from mach.returns.census import census_of, census_xml
from mach.returns.quality import problems_of

from . import dataset

pytestmark = pytest.mark.django_db


def queries_of_returns() -> tuple[int, int]:
    with CaptureQueriesContext(connection) as census:
        found = census_of(dataset.YEAR)
        census_xml(found)
        problems_of(found)
    with CaptureQueriesContext(connection) as annex:
        annex_a_xlsx(annex_a(date(2026, 4, 1), date(2027, 3, 31)))
    return len(census), len(annex)


def test_the_returns_take_the_same_queries_for_seven_children_or_twenty_one(
    social_worker: User,
) -> None:
    dataset.build(social_worker)
    few = queries_of_returns()
    dataset.build(social_worker)
    dataset.build(social_worker)
    many = queries_of_returns()
    assert many == few
    # Referrals (with children and contacts), then one query per registered source (two for
    # the s47 enquiries: the enquiries and who was at each conference).
    assert few[0] <= 4
