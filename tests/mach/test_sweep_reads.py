"""The sweep loads only the fields a deadline kind says it reads (`DeadlineKind.reads`): a field
read but not named would be fetched by a query of its own for every row alerted."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from pytest_django import DjangoAssertNumQueries

from mach.deadlines import registered_kinds, sweep
from mach.models import Alert
from tests import factories
from tests.workflow_app.apps import open_plan

pytestmark = pytest.mark.django_db

LATER = datetime(2036, 1, 7, 12, 0, tzinfo=UTC)


def _rows_for_every_kind() -> None:
    """The demo's records, and the kinds' rows it leaves out, each with its clock running."""
    call_command("seed_demo", stdout=StringIO())
    for _ in range(2):
        action = factories.AssessmentActionFactory.create()
        action.start_clock(LATER)
        action.save()
    open_plan(actor=None, referral=factories.ReferralFactory.create())
    first = factories.ReferralFactory.create()
    again = factories.ReferralFactory.create(child=first.child, previous_referral=first)
    again.start_clock(LATER)
    again.save()


def test_every_kind_raises_its_alerts_in_seven_queries_however_many_rows_are_due(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    _rows_for_every_kind()
    Alert.objects.all().delete()
    kinds = list(registered_kinds())
    ContentType.objects.get_for_models(*(kind.model for kind in kinds))  # cached from here on
    for kind in kinds:
        due = kind.model._default_manager.filter(next_alert_at__isnull=False)
        due.update(alert_level=0)
        expected = {row.pk: kind.describe(row)[:300] for row in due}
        assert expected, f"no row of {kind.key} to sweep"

        # The probe, the calendar, then the batch: savepoint, claim, advance, alerts, release.
        with django_assert_num_queries(7) as captured:
            claimed = sweep(now=LATER, kind_key=kind.key)

        assert claimed == len(expected)
        (claim,) = [query["sql"] for query in captured if "SKIP LOCKED" in query["sql"]]
        relations = {path.rpartition("__")[0] for path in kind.reads if "__" in path}
        assert claim.count(" JOIN ") == len(relations), "joins a relation the kind never reads"
        assert dict(Alert.objects.filter(kind=kind.key).values_list("object_id", "message")) == (
            expected
        )
