"""Reports can read from a replica (mach/replica.py). The `replica` fixture names one on the same
server, as `DATABASE_REPLICA_URL` would, with a connection of its own."""

from __future__ import annotations

from django.db import connections
from django.test.utils import CaptureQueriesContext

from mach.models import Contact
from mach.replica import reading_from_replica, reads_from_replica
from tests.factories import ContactFactory


def test_reads_inside_a_report_go_to_the_replica(replica: str) -> None:
    ContactFactory.create_batch(2)

    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
        reading_from_replica(),
    ):
        count = Contact.objects.count()

    assert count == 2
    assert len(on_replica) == 1
    assert len(on_primary) == 0


def test_reads_outside_a_report_stay_on_the_primary(replica: str) -> None:
    with CaptureQueriesContext(connections[replica]) as on_replica:
        Contact.objects.count()

    assert len(on_replica) == 0


def test_writes_inside_a_report_go_to_the_primary(replica: str) -> None:
    @reads_from_replica
    def report() -> Contact:
        return ContactFactory()

    with CaptureQueriesContext(connections[replica]) as on_replica:
        contact = report()

    assert on_replica.captured_queries == []
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_without_a_replica_reports_read_the_primary(db: None) -> None:
    ContactFactory()

    with reading_from_replica():
        assert Contact.objects.count() == 1


def test_the_dashboard_and_the_returns_read_only_from_the_replica(replica: str) -> None:
    from mach import metrics
    from mach.returns.annex_a import annex_a
    from mach.returns.census import census_of

    ContactFactory()
    period = metrics.parse_period({"from": "2026-10-01", "to": "2026-12-31"})

    with (
        CaptureQueriesContext(connections[replica]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        metrics.report(period)
        census_of(2027)
        annex_a(period.start, period.end)

    assert len(on_replica) > 0
    assert on_primary.captured_queries == []
