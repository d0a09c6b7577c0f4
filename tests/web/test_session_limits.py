"""Web sessions end after 30 minutes without activity, 10 hours after signing in, and at once
when the user is deactivated."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.test import Client

from mach.models import Role, User
from mach.web.session import SEEN_AT, SIGNED_IN_AT
from tests.web.conftest import SignedIn

pytestmark = pytest.mark.django_db


def _age_session(client: Client, *, signed_in: float, seen: float) -> None:
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT] = now - signed_in
    session[SEEN_AT] = now - seen
    session.save()


@pytest.fixture
def worker(make_user: Callable[..., User]) -> User:
    return make_user(Role.SOCIAL_WORKER)


def test_thirty_minutes_without_activity_ends_the_session(
    worker: User, signed_in: SignedIn
) -> None:
    client = signed_in(worker)
    _age_session(client, signed_in=31 * 60, seen=30 * 60 + 1)

    response = client.get("/worklist/")

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=%2Fworklist%2F&ended=idle")
    assert client.get("/worklist/").status_code == 302


def test_activity_within_thirty_minutes_keeps_the_session(
    worker: User, signed_in: SignedIn
) -> None:
    client = signed_in(worker)
    _age_session(client, signed_in=9 * 60 * 60, seen=29 * 60)

    assert client.get("/worklist/").status_code == 200
    assert time.time() - client.session[SEEN_AT] < 5


def test_ten_hours_after_signing_in_the_session_ends_however_active(
    worker: User, signed_in: SignedIn
) -> None:
    client = signed_in(worker)
    _age_session(client, signed_in=10 * 60 * 60 + 1, seen=10)

    response = client.get("/worklist/")

    assert response["Location"].startswith("/sign-in/?next=%2Fworklist%2F&ended=absolute")


def test_the_sign_in_page_says_why_the_session_ended() -> None:
    response = Client().get("/sign-in/?ended=idle")

    assert b"You were signed out because you did nothing for a while." in response.content


def test_a_deactivated_users_session_ends_at_once(worker: User, signed_in: SignedIn) -> None:
    client = signed_in(worker)
    assert client.get("/worklist/").status_code == 200

    worker.is_active = False
    worker.save()

    assert client.get("/worklist/").status_code == 302
    assert client.get("/api/v1/contacts/").status_code == 401


def test_an_expired_session_on_the_api_is_refused_not_redirected(
    worker: User, signed_in: SignedIn
) -> None:
    client = signed_in(worker)
    _age_session(client, signed_in=60 * 60, seen=31 * 60)

    assert client.get("/api/v1/contacts/").status_code == 401
