"""Redis killed and restarted under load: no contact lost, no process exits, alerts catch up."""

from __future__ import annotations

import re
import time

import pytest
from django.db.models import Count, Q

from mach.models import Alert, Contact
from mach.services import user_create
from tests.conftest import contact_body, wait_for
from tests.faults.conftest import Services

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

# Overdue when recorded (due the next working day), and escalated a working day later: each
# contact ends with two alerts.
RECEIVED = "2026-11-02T10:00:00+00:00"
OUTAGE_SECONDS = 8


def test_redis_killed_and_restarted_under_load(services: Services, alert_recipients: None) -> None:
    _worker, token = user_create(username="sam.worker", role="social_worker", team_slug="mach")
    services.start_redis()
    web = services.start_web()
    worker = services.start_worker()
    beat = services.start_beat()
    posted: list[tuple[int, float]] = []

    def post(count: int, for_seconds: float = 0) -> None:
        """Post `count` contacts, and more until `for_seconds` have passed (at most 200)."""
        until = time.monotonic() + for_seconds
        for number in range(200):
            if number >= count and time.monotonic() >= until:
                break
            status, _body, _headers, seconds = services.api(
                "POST", "/api/v1/contacts/", token, contact_body(received_at=RECEIVED)
            )
            posted.append((status, seconds))
            time.sleep(0.1)

    post(10)
    services.kill_redis()
    post(10, for_seconds=OUTAGE_SECONDS)
    during_outage = posted[10:]
    services.start_redis()
    post(10)
    total = len(posted)

    assert [status for status, _seconds in posted] == [201] * total
    # A web process pays one failed connection attempt now and then; none waits on the broker.
    assert max(seconds for _status, seconds in during_outage) < 1, during_outage
    assert Contact.objects.count() == total
    # A liveness bound, not a speed target: about 20 s on a quiet machine, several times that
    # when the machine is busy with other tests.
    wait_for(
        lambda: Alert.objects.filter(notified_at__isnull=False).count() == 2 * total,
        seconds=240,
        what="every contact alerted and escalated, every alert emailed",
        state=lambda: Alert.objects.aggregate(
            overdue=Count("pk", filter=Q(level=1)),
            escalated=Count("pk", filter=Q(level=2)),
            emailed=Count("pk", filter=Q(notified_at__isnull=False)),
        ),
    )
    assert Alert.objects.filter(level=1).count() == Alert.objects.filter(level=2).count() == total
    emails = services.emails()
    assert sorted(emails.values()) == [1] * (2 * total)
    assert set(emails) == {f"[MACH] Alert: {message}" for message in _messages(1)} | {
        f"[MACH] Escalated alert: {message}" for message in _messages(2)
    }
    assert (web.poll(), worker.poll(), beat.poll()) == (None, None, None)
    worker_log = services.log("worker")
    # The worker saw the outage (idle, it logs the lost connection; busy, the failed reconnect)
    # and connected again after it, without exiting.
    outage = re.search(r"Connection to broker lost|Cannot connect to redis", worker_log)
    assert outage is not None, worker_log[-2000:]
    assert "Connected to redis" in worker_log[outage.end() :]
    assert "Unrecoverable error" not in worker_log


def _messages(level: int) -> list[str]:
    return list(Alert.objects.filter(level=level).values_list("message", flat=True))
