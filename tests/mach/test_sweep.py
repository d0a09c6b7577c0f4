"""The timeliness sweep: one alert per (item, kind, level), escalation after a working day."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection
from pytest_django import DjangoAssertNumQueries

from mach.deadlines import sweep
from mach.models import Alert, Contact, User
from mach.services import PersonInput, contact_create

MONDAY_10 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
DUE = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
ESCALATION = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)


def _contact(actor: User, received_at: datetime = MONDAY_10) -> Contact:
    return contact_create(
        actor=actor,
        received_at=received_at,
        channel="phone",
        source="6",
        referrer={"name": "PC A Jones"},
        children=[PersonInput(first_name="Amy", last_name="Smith")],
        adults=[],
        concerns="Concerns.",
        parental_awareness="informed_and_consents",
    )


@pytest.mark.django_db
def test_nothing_is_raised_before_the_deadline(social_worker: User) -> None:
    _contact(social_worker)

    assert sweep(now=DUE.replace(hour=9, minute=59)) == 0
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_sweep_with_nothing_due_asks_the_database_once(
    social_worker: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _contact(social_worker)

    with django_assert_num_queries(1):
        assert sweep(now=DUE.replace(hour=9, minute=59)) == 0


@pytest.mark.django_db
def test_overdue_contact_raises_one_alert_for_its_team(social_worker: User) -> None:
    contact = _contact(social_worker)

    sweep(now=DUE)

    alert = Alert.objects.get()
    assert (alert.kind, alert.level, alert.object_id) == ("contact_decision", 1, contact.pk)
    assert alert.team == contact.team
    assert alert.due_at == DUE
    assert contact.reference in alert.message


@pytest.mark.django_db
def test_a_second_sweep_adds_nothing(social_worker: User) -> None:
    _contact(social_worker)
    sweep(now=DUE)

    assert sweep(now=DUE.replace(minute=30)) == 0
    assert Alert.objects.count() == 1


@pytest.mark.django_db
def test_escalation_follows_after_a_further_working_day(social_worker: User) -> None:
    _contact(social_worker)
    sweep(now=DUE)

    sweep(now=ESCALATION.replace(hour=9, minute=59))
    assert Alert.objects.count() == 1
    sweep(now=ESCALATION)
    sweep(now=ESCALATION.replace(hour=15))

    assert sorted(Alert.objects.values_list("level", flat=True)) == [1, 2]
    escalated = Alert.objects.get(level=2)
    assert escalated.due_at == ESCALATION
    assert escalated.message.startswith("ESCALATED")


@pytest.mark.django_db
def test_escalation_skips_the_weekend(social_worker: User) -> None:
    thursday = datetime(2026, 11, 5, 14, 0, tzinfo=UTC)  # due Friday 14:00, escalates Monday
    _contact(social_worker, received_at=thursday)
    sweep(now=datetime(2026, 11, 6, 14, 0, tzinfo=UTC))

    sweep(now=datetime(2026, 11, 8, 23, 0, tzinfo=UTC))
    assert Alert.objects.count() == 1
    sweep(now=datetime(2026, 11, 9, 14, 0, tzinfo=UTC))
    assert Alert.objects.count() == 2


@pytest.mark.django_db
def test_stopped_clock_raises_nothing(social_worker: User) -> None:
    contact = _contact(social_worker)
    contact.send_for_oversight()
    contact.decide("nfa")
    contact.save()

    assert sweep(now=ESCALATION) == 0
    assert not Alert.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_claim_each_item_once(social_worker: User) -> None:
    for minute in range(20):
        _contact(social_worker, received_at=MONDAY_10.replace(minute=minute))
    barrier = threading.Barrier(4)
    claimed: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            claimed.append(sweep(now=ESCALATION.replace(hour=9)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(claimed) == 20
    assert Alert.objects.filter(level=1).count() == 20
    assert Alert.objects.filter(level=2).count() == 0
