"""Workers killed mid-delivery, and several workers and beats at once: no alert missing, no
alert emailed twice except the ones in flight at a kill."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from mach.models import Alert
from tests.conftest import wait_for
from tests.factories import ContactFactory
from tests.faults.conftest import Services

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

RECEIVED = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _overdue_contacts(count: int) -> None:
    """Contacts whose decision is overdue and whose escalation is due too: two alerts each."""
    for _ in range(count):
        ContactFactory(received_at=RECEIVED)


def _subjects() -> set[str]:
    headings = {1: "Alert", 2: "Escalated alert"}
    return {
        f"[MACH] {headings[level]}: {message}"
        for level, message in Alert.objects.values_list("level", "message")
    }


def _all_sent(count: int) -> Callable[[], bool]:
    return lambda: Alert.objects.filter(notified_at__isnull=False).count() == count


def test_a_worker_killed_mid_delivery_leaves_no_alert_unsent_and_no_batch_sent_twice(
    services: Services, alert_recipients: None
) -> None:
    _overdue_contacts(150)
    services.env["FAULTS_EMAIL_DELAY"] = "0.03"
    services.start_redis()
    worker = services.start_worker()
    services.start_beat()

    wait_for(lambda: sum(services.emails().values()) >= 60, 90, "the first 60 emails")
    services.kill(worker)
    sent_at_kill = sum(services.emails().values())
    services.start_worker("worker-restarted")
    wait_for(_all_sent(300), 120, "every alert sent after the restart")

    assert Alert.objects.count() == 300
    emails = services.emails()
    assert set(emails) == _subjects()
    assert sent_at_kill < 300, "the kill came after the delivery ended"
    # Concurrency 2: at most two alerts were between "sent" and "recorded" at the kill.
    duplicates = sum(count - 1 for count in emails.values())
    assert duplicates <= 2, emails.most_common(5)


def test_two_workers_and_two_beats_send_each_alert_once(
    services: Services, alert_recipients: None
) -> None:
    _overdue_contacts(60)
    services.start_redis()
    for name in ("worker-a", "worker-b"):
        services.start_worker(name)
    services.start_beat()
    services.start_beat()

    wait_for(_all_sent(120), 90, "every alert sent")

    assert Alert.objects.count() == 120
    emails = services.emails()
    assert set(emails) == _subjects()
    assert sorted(emails.values()) == [1] * 120
