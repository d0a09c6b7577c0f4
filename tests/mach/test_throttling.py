"""API rates per token, per partner token and per source address, and Redis down failing open."""

from __future__ import annotations

import logging
import socket
import time
from typing import Any

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from mach.api import throttling
from mach.models import Contact, User
from tests.conftest import Api, contact_body

pytestmark = pytest.mark.django_db
CONTACTS = "/api/v1/contacts/"


def _rates(settings: Any, **rates: str) -> None:
    settings.API_THROTTLE_RATES = {
        "address": "1000/minute",
        "user": "1000/minute",
        "partner_agency": "1000/minute",
        **rates,
    }


def test_a_token_over_its_rate_gets_429_with_retry_after(
    settings: Any, social_worker: User, api_as: Api
) -> None:
    _rates(settings, user="2/minute")
    client = api_as(social_worker)

    statuses = [client.get(CONTACTS).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    response = client.get(CONTACTS)
    assert response["Content-Type"] == "application/json"
    assert 0 < int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"]


def test_each_token_has_its_own_count(
    settings: Any, social_worker: User, manager: User, api_as: Api
) -> None:
    _rates(settings, user="1/minute")

    assert api_as(social_worker).get(CONTACTS).status_code == 200
    assert api_as(manager).get(CONTACTS).status_code == 200
    assert api_as(social_worker).get(CONTACTS).status_code == 429


def test_partner_tokens_have_their_own_rate(
    settings: Any, police: User, social_worker: User, api_as: Api
) -> None:
    _rates(settings, user="5/minute", partner_agency="1/minute")

    first = api_as(police).post(CONTACTS, contact_body(), format="json")
    second = api_as(police).post(CONTACTS, contact_body(), format="json")

    assert (first.status_code, second.status_code) == (201, 429)
    assert Contact.objects.count() == 1
    assert [api_as(social_worker).get(CONTACTS).status_code for _ in range(2)] == [200, 200]


def test_a_source_address_over_its_rate_gets_429_whoever_asks(
    settings: Any, social_worker: User, manager: User, api_as: Api
) -> None:
    _rates(settings, address="2/minute")

    assert api_as(social_worker).get(CONTACTS).status_code == 200
    assert APIClient().get(CONTACTS).status_code == 401
    refused = api_as(manager).get(CONTACTS)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"]
    assert APIClient().get(CONTACTS).status_code == 429
    other_address = api_as(manager).get(CONTACTS, REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 200


def test_contacts_are_accepted_unthrottled_while_redis_is_down(
    settings: Any,
    police: User,
    api_as: Api,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(throttling, "_redis_down_until", 0.0)
    _rates(settings, address="1/minute", partner_agency="1/minute")
    # Nothing listens on port 1: the connection is refused, as when Redis is down.
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {**settings.CACHES["throttle"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    client = api_as(police)

    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="mach.api.throttling"):
        statuses = [
            client.post(CONTACTS, contact_body(), format="json").status_code for _ in range(3)
        ]

    assert statuses == [201, 201, 201]
    assert time.monotonic() - started < 3
    assert "Throttle counts unavailable" in caplog.text
    assert len(caplog.records) == 1  # then Redis is left alone for a while


def test_a_redis_that_never_answers_costs_one_short_timeout(
    settings: Any, social_worker: User, api_as: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttling, "_redis_down_until", 0.0)
    # The kernel accepts connections to a listening socket that nobody reads: a hung Redis.
    with socket.create_server(("127.0.0.1", 0)) as hung:
        port = hung.getsockname()[1]
        settings.CACHES = {
            **settings.CACHES,
            "throttle": {**settings.CACHES["throttle"], "LOCATION": f"redis://127.0.0.1:{port}/0"},
        }

        started = time.monotonic()
        statuses = [api_as(social_worker).get(CONTACTS).status_code for _ in range(5)]
        elapsed = time.monotonic() - started

    assert statuses == [200] * 5
    assert elapsed < 2


def test_requests_share_one_redis_client(
    settings: Any, social_worker: User, api_as: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _rates(settings)
    client = api_as(social_worker)
    assert client.get(CONTACTS).status_code == 200
    built: list[object] = []
    original = redis.Redis.__init__

    def counted(self: redis.Redis, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counted)

    assert [client.get(CONTACTS).status_code for _ in range(3)] == [200, 200, 200]
    assert built == []


def test_the_window_slides_refusals_are_not_counted_and_one_round_trip_each(
    settings: Any, social_worker: User, api_as: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _rates(settings, user="2/minute")
    clock = [1_000_000.0]
    monkeypatch.setattr(SimpleRateThrottle, "timer", lambda self: clock[0])
    client = api_as(social_worker)
    assert client.get(CONTACTS).status_code == 200  # the script is loaded into Redis by now
    commands: list[str] = []
    original = redis.Redis.execute_command

    def counted(self: redis.Redis, *args: Any, **options: Any) -> Any:
        commands.append(str(args[0]))
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)

    clock[0] += 40
    assert client.get(CONTACTS).status_code == 200
    clock[0] += 10
    refused = client.get(CONTACTS)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "10"  # the first request leaves the window at +60
    clock[0] += 11
    # The first has left the window, and the refusal at +50 was not counted: one is left.
    assert client.get(CONTACTS).status_code == 200
    clock[0] += 1
    assert client.get(CONTACTS).status_code == 429  # +40 and +61
    # Each request asks Redis once, for its address and its token together.
    assert commands == ["EVALSHA"] * 4


def test_a_token_counts_the_requests_its_role_may_not_make(
    settings: Any, police: User, api_as: Api
) -> None:
    _rates(settings, partner_agency="2/minute")
    client = api_as(police)

    statuses = [client.get("/api/v1/audits/").status_code for _ in range(2)]

    assert statuses == [403, 403]
    assert client.post(CONTACTS, contact_body(), format="json").status_code == 429
    assert Contact.objects.count() == 0


def test_a_token_over_its_rate_is_refused_before_its_request_is_read(
    settings: Any, social_worker: User, api_as: Api
) -> None:
    _rates(settings, user="1/minute")
    client = api_as(social_worker)
    assert client.get(CONTACTS).status_code == 200

    refused = client.post(CONTACTS, {"not": "a contact"}, format="json")

    assert refused.status_code == 429
    assert "throttled" in refused.json()["detail"]


def test_refused_tokens_count_against_the_address_only(
    settings: Any, social_worker: User, api_as: Api
) -> None:
    _rates(settings, address="3/minute", user="1/minute")
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    guesser = APIClient()
    guesser.credentials(HTTP_AUTHORIZATION="Bearer " + str(social_worker.auth_token.key))

    invalid = stranger.get(CONTACTS)
    wrong_scheme = guesser.get(CONTACTS)

    assert (invalid.status_code, invalid.json()) == (401, {"detail": "Invalid token."})
    assert wrong_scheme.status_code == 401
    assert "Authorization: Token" in wrong_scheme.json()["detail"]
    # Neither counted against the user whose key was sent under another scheme.
    assert api_as(social_worker).get(CONTACTS).status_code == 200
    assert api_as(social_worker).get(CONTACTS).status_code == 429  # the address's fourth


def test_a_signed_in_session_is_counted_per_user_too(settings: Any, social_worker: User) -> None:
    _rates(settings, user="1/minute")
    browser = APIClient()
    browser.force_login(social_worker)

    assert [browser.get(CONTACTS).status_code for _ in range(2)] == [200, 429]


def test_a_token_is_read_once_per_request(settings: Any, social_worker: User, api_as: Api) -> None:
    _rates(settings)
    client = api_as(social_worker)
    client.get(CONTACTS)

    with CaptureQueriesContext(connection) as queries:
        assert client.get(CONTACTS).status_code == 200

    token_reads = [q for q in queries if "authtoken_token" in q["sql"]]
    assert len(token_reads) == 1
