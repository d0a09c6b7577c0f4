"""Fixtures shared by every test: users of each role, API and web clients, valid bodies."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote
from uuid import uuid4

import dj_database_url
import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from mach.models import Role, Team, User
from mach.services import user_create


@pytest.fixture(autouse=True)
def _fresh_throttle_counts(settings: Any) -> None:
    """Each test counts API requests from zero under its own key prefix, so the whole suite,
    all from 127.0.0.1, never reaches a rate, and a test of the limits starts clean."""
    throttle = {**settings.CACHES["throttle"], "KEY_PREFIX": f"throttle-test-{uuid4().hex}"}
    settings.CACHES = {**settings.CACHES, "throttle": throttle}


@pytest.fixture
def intake_team(db: None) -> Team:
    return Team.objects.intake()


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: str = Role.SOCIAL_WORKER, team: str | None = None, **extra: Any) -> User:
        """A user of `role`; a partner agency's team is its organisation, others are MACH's."""
        if team is None:
            team = "cleveland-police" if role == Role.PARTNER_AGENCY else "mach"
        username = extra.pop("username", f"{role}-{next(counter)}")
        user, _token = user_create(
            username=username, role=role, team_slug=team, email=f"{username}@example.org"
        )
        return user

    return make


@pytest.fixture
def api_as(db: None) -> Callable[[User], APIClient]:
    def client_for(user: User) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {user.auth_token.key}")
        return client

    return client_for


@pytest.fixture
def social_worker(make_user: Callable[..., User]) -> User:
    return make_user(Role.SOCIAL_WORKER)


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.MANAGER)


@pytest.fixture
def police(make_user: Callable[..., User]) -> User:
    return make_user(Role.PARTNER_AGENCY, team="cleveland-police")


@pytest.fixture
def auditor(make_user: Callable[..., User]) -> User:
    return make_user(Role.AUDITOR, team="")


Api = Callable[[User], APIClient]
SignedIn = Callable[[User], Client]


def assert_api_roles(
    method: str,
    url: str,
    allowed: set[str],
    user_for: Callable[[str], User],
    api_as: Api,
) -> None:
    """Every role against one endpoint with an empty body: a role it admits gets past the door
    (the empty body or the record's state may still be refused: 400, 409), any other 403, or
    404 where the record is out of its sight; no credentials, 401 or 403."""
    for role in Role.values:
        response = getattr(api_as(user_for(role)), method)(url, {}, format="json")
        if role in allowed:
            assert response.status_code in {200, 201, 400, 409}, (role, response.content)
        else:
            assert response.status_code in {403, 404}, (role, response.content)
    assert getattr(APIClient(), method)(url, {}, format="json").status_code in {401, 403}


@pytest.fixture
def signed_in(db: None) -> SignedIn:
    """A web client signed in as the user (a session, as the browser has)."""

    def client_for(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return client_for


RUN_STARTED_AT = (timezone.now() - timedelta(minutes=1)).isoformat()


def contact_body(**overrides: Any) -> dict[str, Any]:
    """The example body of api.md, received when the test run started (its example date is
    ahead of today and contacts from the future are refused), the same in every call so a
    replay is the same body; keyword arguments replace its keys."""
    body: dict[str, Any] = {
        "received_at": RUN_STARTED_AT,
        "channel": "phone",
        "source": "6",
        "referrer": {
            "name": "PC A Jones",
            "organisation": "Cleveland Police",
            "role": "Officer",
            "phone": "01642 000000",
            "email": "a.jones@example.org",
        },
        "children": [
            {
                "first_name": "Amy",
                "last_name": "Smith",
                "date_of_birth": "2015-03-02",
                "nhs_number": "9434765919",
                "gender": "female",
                "address": {
                    "line1": "1 High Street",
                    "town": "Middlesbrough",
                    "postcode": "TS1 2AB",
                },
            }
        ],
        "adults": [
            {
                "first_name": "Jo",
                "last_name": "Smith",
                "relationship": "mother",
                "date_of_birth": "1990-05-01",
            }
        ],
        "concerns": "Free text in the referrer's words.",
        "parental_awareness": "informed_and_consents",
        "parental_awareness_reason": "",
    }
    body.update(overrides)
    return body


def screening_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "threshold_level": 4,
        "rag": "amber",
        "childs_voice": "Amy told her teacher she is scared when her dad shouts.",
        "history_analysis": "Third contact in 12 months; previous two were police notifications.",
        "parents_consulted": True,
        "parents_not_consulted_reason": "",
        "analysis": "Escalating domestic abuse with the children present.",
        "recommended_outcome": "assessment",
        "alternatives_considered": "Early help was offered in May and declined.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def second_manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.MANAGER)


@pytest.fixture
def new_contact(social_worker: User, api_as: Api) -> Callable[..., dict[str, Any]]:
    def create(**overrides: Any) -> dict[str, Any]:
        response = api_as(social_worker).post(
            "/api/v1/contacts/", contact_body(**overrides), format="json"
        )
        assert response.status_code == 201, response.content
        return dict(response.json())

    return create


@pytest.fixture
def screened_contact(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> Callable[..., dict[str, Any]]:
    def screen(contact_overrides: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
        contact = new_contact(**(contact_overrides or {}))
        response = api_as(social_worker).post(
            f"/api/v1/contacts/{contact['id']}/screening/",
            screening_body(**overrides),
            format="json",
        )
        assert response.status_code == 201, response.content
        return contact

    return screen


def app_login() -> tuple[str, str]:
    """The user and password the service connects as (`DATABASE_APP_URL`'s, as the launcher
    gives it, else the role named by `DATABASE_APP_ROLE`, trusted by the server)."""
    if os.environ.get("DATABASE_APP_URL"):
        app = dj_database_url.parse(os.environ["DATABASE_APP_URL"])
        return str(app["USER"]), str(app["PASSWORD"] or "")
    return settings.DATABASE_APP_ROLE, ""


def database_url() -> str:
    """The test database as a URL for the real processes (worker, gunicorn) a test starts:
    they connect as the service's own role, as in production, not as the owner."""
    current = connection.settings_dict
    user, password = (quote(part, safe="") for part in app_login())
    host, port = current["HOST"] or "", current["PORT"] or ""
    if host.startswith("/"):
        return f"postgresql://{user}:{password}@{quote(host, safe='')}/{current['NAME']}"
    return f"postgresql://{user}:{password}@{host}:{port}/{current['NAME']}"


@pytest.fixture
def replica(transactional_db: None) -> Iterator[str]:
    """A read replica pointing at the test database, as `DATABASE_REPLICA_URL` names one: a
    connection of its own, as the service's role, seeing only committed rows (hence a
    transactional test). Yields its alias."""
    configured = connections.configure_settings(
        {
            "default": connections.settings["default"],
            "replica": dj_database_url.parse(database_url(), conn_max_age=None),
        }
    )
    connections.settings["replica"] = configured["replica"]
    # Connected now, and kept (no maximum age): Django's test case refuses a *new* connection
    # to an alias it did not set up, and this one is added after it.
    connections["replica"].connect()
    try:
        yield "replica"
    finally:
        connections["replica"].close()
        del connections.settings["replica"]
        del connections["replica"]


@pytest.fixture
def celery_worker() -> Iterator[None]:
    """A real Celery worker, in this process, consuming from the real Redis."""
    from celery.contrib.testing.worker import start_worker

    from mach.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        yield


def wait_for(
    condition: Callable[[], bool],
    seconds: float,
    what: str,
    state: Callable[[], object] | None = None,
) -> None:
    """Poll `condition` until it holds; fail after `seconds`, saying what `state` returns then."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            found = f"; found {state()}" if state is not None else ""
            raise AssertionError(f"{what}: not within {seconds} s{found}")
        time.sleep(0.2)
