"""Stateless web and workers (issue 17): two web services, two workers and two beats on one
PostgreSQL and one Redis lose no contact, make none twice and send each alert once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from mach.models import Alert, Contact
from mach.services import user_create
from tests.conftest import contact_body, wait_for
from tests.faults.conftest import Services

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

# Overdue for its decision and for the escalation: two alerts for each contact.
RECEIVED = "2026-11-02T10:00:00Z"
CONTACTS = 30


def _body(number: int) -> dict[str, object]:
    body = contact_body(received_at=RECEIVED)
    child = {**body["children"][0], "first_name": f"Child{number}"}  # type: ignore[index]
    child.pop("nhs_number")
    return {**body, "children": [child]}


def test_two_webs_two_workers_and_two_beats_lose_nothing_and_alert_once(
    services: Services, alert_recipients: None
) -> None:
    _user, token = user_create(username="sam.worker", role="social_worker", team_slug="mach")
    services.start_redis()
    services.start_web(workers=1)
    services.start_web(workers=1)
    for name in ("worker-a", "worker-b"):
        services.start_worker(name)
    services.start_beat()
    services.start_beat()

    def post_and_retry(number: int) -> tuple[int, int, object, object]:
        """A partner's post to one web service and its retry, same key, to the other."""
        key = {"Idempotency-Key": f"scale-out-{number}"}
        first = services.api(
            "POST", "/api/v1/contacts/", token, _body(number), web=number % 2, extra_headers=key
        )
        retry = services.api(
            "POST", "/api/v1/contacts/", token, _body(number), web=1 - number % 2, extra_headers=key
        )
        return first[0], retry[0], first[1].get("id"), retry[1].get("id")

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(post_and_retry, range(CONTACTS)))

    assert [(first, retry) for first, retry, _, _ in answers] == [(201, 201)] * CONTACTS
    assert all(first_id == retry_id for _, _, first_id, retry_id in answers)
    assert Contact.objects.count() == CONTACTS
    assert {contact_id for _, _, contact_id, _ in answers} == set(
        Contact.objects.values_list("pk", flat=True)
    )
    wait_for(
        lambda: Alert.objects.filter(notified_at__isnull=False).count() == 2 * CONTACTS,
        120,
        "every alert sent",
    )
    assert Alert.objects.count() == 2 * CONTACTS
    emails = services.emails()
    assert sorted(emails.values()) == [1] * (2 * CONTACTS)
