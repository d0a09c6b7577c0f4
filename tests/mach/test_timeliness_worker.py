"""The timeliness engine end to end: a real Celery worker consuming from real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from mach.deadlines import sweep
from mach.models import Alert, Contact, User
from mach.tasks import sweep_deadlines
from tests.conftest import contact_body, database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Received Monday 2 Nov 2026 10:00: due Tuesday 10:00, escalated Wednesday 10:00.
RECEIVED = "2026-11-02T10:00:00+00:00"
DUE = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
ESCALATION = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)
BASE_DIR = Path(__file__).resolve().parents[2]


def _wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not get there in time")
        time.sleep(0.1)


def test_overdue_contact_gets_exactly_one_alert_then_one_escalation(
    celery_worker: None, social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    response = api_as(social_worker).post(
        "/api/v1/contacts/", contact_body(received_at=RECEIVED), format="json"
    )
    assert response.status_code == 201

    # Already overdue when recorded: the worker alerts at once, without waiting for the beat.
    _wait_for(lambda: Alert.objects.filter(level=1).exists())
    assert sweep_deadlines.delay(now=DUE.replace(hour=11).isoformat()).get(timeout=20) == 0
    assert Alert.objects.count() == 1

    assert sweep_deadlines.delay(now=ESCALATION.isoformat()).get(timeout=20) == 1
    assert sweep_deadlines.delay(now=ESCALATION.isoformat()).get(timeout=20) == 0
    assert sorted(Alert.objects.values_list("level", flat=True)) == [1, 2]


def test_alerts_are_emailed_to_the_teams_managers(
    celery_worker: None,
    make_user: Callable[..., User],
    social_worker: User,
    api_as: Callable[[User], APIClient],
    mailoutbox: list,
) -> None:
    make_user("manager", username="duty.manager")
    api_as(social_worker).post(
        "/api/v1/contacts/", contact_body(received_at=RECEIVED), format="json"
    )

    _wait_for(lambda: Alert.objects.filter(notified_at__isnull=False).exists())

    assert [message.to for message in mailoutbox] == [["duty.manager@example.org"]]
    assert "overdue" in mailoutbox[0].subject


def _run_with_redis_down(script: str) -> subprocess.CompletedProcess[str]:
    """Run a Django shell script in a process whose broker is a port where nothing listens."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "DEBUG": "1",
        "ALLOWED_HOSTS": "testserver",
    }
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_contacts_are_accepted_while_redis_is_down_and_the_sweep_catches_up(
    social_worker: User,
) -> None:
    script = (
        "from rest_framework.test import APIClient\n"
        "from mach.models import User\n"
        "from tests.conftest import contact_body\n"
        "client = APIClient()\n"
        f"client.force_authenticate(User.objects.get(pk={social_worker.pk}))\n"
        f"response = client.post('/api/v1/contacts/', contact_body(received_at='{RECEIVED}'),"
        " format='json')\n"
        "print(response.status_code)\n"
    )
    result = _run_with_redis_down(script)

    assert result.stdout.strip().splitlines()[-1] == "201", result.stderr
    assert Contact.objects.count() == 1
    assert not Alert.objects.exists()
    sweep(now=DUE)
    assert Alert.objects.filter(level=1).count() == 1


def test_with_redis_down_one_request_tries_the_broker_and_the_next_ones_skip_it(
    social_worker: User,
) -> None:
    script = (
        "import time\n"
        "from rest_framework.test import APIClient\n"
        "from mach.models import User\n"
        "from tests.conftest import contact_body\n"
        "client = APIClient()\n"
        f"client.force_authenticate(User.objects.get(pk={social_worker.pk}))\n"
        "for _ in range(4):\n"
        "    start = time.monotonic()\n"
        f"    response = client.post('/api/v1/contacts/', contact_body(received_at='{RECEIVED}'),"
        " format='json')\n"
        "    print(response.status_code, round(time.monotonic() - start, 3))\n"
    )
    result = _run_with_redis_down(script)

    answers = [line.split() for line in result.stdout.strip().splitlines()[-4:]]
    assert [status for status, _seconds in answers] == ["201"] * 4, result.stderr
    assert result.stderr.count("Broker unavailable") == 1, result.stderr
    # Kombu used to retry for 2 s on every request; a skipped publish costs nothing.
    assert all(float(seconds) < 1 for _status, seconds in answers[1:]), answers
    assert Contact.objects.count() == 4
