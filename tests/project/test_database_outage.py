"""PostgreSQL unreachable: the API answers 503 in JSON, pages a plain 503 page, never a 500.

The database is made unreachable for real: the connection is closed and pointed at a loopback
port where nothing listens, so every query fails as it does when the server is down.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client, override_settings
from rest_framework.test import APIClient

from mach.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def database_unreachable() -> Iterator[None]:
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@pytest.fixture
def database_down() -> Iterator[None]:
    with database_unreachable():
        yield


def test_the_api_answers_503_in_json_with_retry_after(
    social_worker: User, api_as: Callable[[User], APIClient], database_down: None
) -> None:
    client = api_as(social_worker)

    response = client.get("/api/v1/contacts/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("The service is unavailable")
    assert int(response["Retry-After"]) > 0


def test_an_api_write_answers_503_too(
    social_worker: User, api_as: Callable[[User], APIClient], database_down: None
) -> None:
    response = api_as(social_worker).post("/api/v1/contacts/", {}, format="json")

    assert response.status_code == 503
    assert "detail" in response.json()


def test_pages_answer_a_plain_service_unavailable_page(
    social_worker: User, signed_in: Callable[[User], Client]
) -> None:
    # Signed in first: loading the session and the user is the middleware's first query.
    client = signed_in(social_worker)
    # As a real server does: the error becomes the response rather than reaching the test.
    client.raise_request_exception = False
    with database_unreachable():
        response = client.get("/worklist/")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "Sorry, the service is unavailable" in page
    assert "Sign out" not in page


def test_the_sign_in_page_answers_503_when_the_form_is_sent(database_down: None) -> None:
    response = Client(raise_request_exception=False).post(
        "/sign-in/", {"username": "sam", "password": "x"}
    )

    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()


@override_settings(DEBUG=True)
def test_pages_answer_503_with_debug_on_too_as_under_make_run(database_down: None) -> None:
    client = Client(raise_request_exception=False)

    response = client.post("/sign-in/", {"username": "sam", "password": "x"})

    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()
