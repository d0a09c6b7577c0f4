"""`Idempotency-Key` on POST /api/v1/contacts/: replays create nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from rest_framework.test import APIClient

from mach.models import Contact, Person, User
from tests.conftest import contact_body

URL = "/api/v1/contacts/"


@pytest.mark.django_db
def test_replay_returns_the_original_response_and_creates_nothing(
    police: User, api_as: Callable[[User], APIClient]
) -> None:
    client = api_as(police)
    first = client.post(URL, contact_body(), format="json", HTTP_IDEMPOTENCY_KEY="ref-1")

    replay = client.post(URL, contact_body(), format="json", HTTP_IDEMPOTENCY_KEY="ref-1")

    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Contact.objects.count() == 1


@pytest.mark.django_db
def test_same_key_with_a_different_body_is_refused(
    police: User, api_as: Callable[[User], APIClient]
) -> None:
    client = api_as(police)
    client.post(URL, contact_body(), format="json", HTTP_IDEMPOTENCY_KEY="ref-1")

    clash = client.post(
        URL, contact_body(concerns="Other words."), format="json", HTTP_IDEMPOTENCY_KEY="ref-1"
    )

    assert clash.status_code == 409
    assert "Idempotency-Key" in clash.json()["detail"]
    assert Contact.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_request_does_not_use_up_its_key(
    police: User, api_as: Callable[[User], APIClient]
) -> None:
    client = api_as(police)
    bad = client.post(URL, contact_body(source="99"), format="json", HTTP_IDEMPOTENCY_KEY="ref-2")

    good = client.post(URL, contact_body(), format="json", HTTP_IDEMPOTENCY_KEY="ref-2")

    assert (bad.status_code, good.status_code) == (400, 201)


@pytest.mark.django_db
def test_keys_belong_to_their_user(
    police: User, social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    api_as(police).post(URL, contact_body(), format="json", HTTP_IDEMPOTENCY_KEY="shared")

    other = api_as(social_worker).post(
        URL, contact_body(), format="json", HTTP_IDEMPOTENCY_KEY="shared"
    )

    assert other.status_code == 201
    assert Contact.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_create_one_contact(
    police: User, api_as: Callable[[User], APIClient]
) -> None:
    statuses: list[int] = []
    bodies: list[dict] = []
    barrier = threading.Barrier(4)

    def send() -> None:
        try:
            client = api_as(police)
            barrier.wait()
            response = client.post(URL, contact_body(), format="json", HTTP_IDEMPOTENCY_KEY="race")
            statuses.append(response.status_code)
            bodies.append(response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [201] * 4
    assert len({body["id"] for body in bodies}) == 1
    assert Contact.objects.count() == 1
    assert Person.objects.filter(kind="child").count() == 1
