"""Every role on every domestic-abuse endpoint and page: the roles api.md names get past the
door, every other role is refused, and a partner agency learns nothing about notifications its
organisation did not send."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from mach.models import Role, User
from tests.conftest import Api, assert_api_roles
from tests.triage.da_helpers import notification_body, police_partner
from tests.web.conftest import (
    SignedIn,
    assert_page_roles,
    assert_sent_to_sign_in,
)
from tests.web.test_page_permissions import READERS, WORKERS

pytestmark = pytest.mark.django_db
__all__ = ["police_partner"]
PARTNER = {"partner_agency"}

API: list[tuple[str, str, set[str]]] = [
    ("get", "/api/v1/da-notifications/", READERS | PARTNER),
    ("post", "/api/v1/da-notifications/", WORKERS | PARTNER),
    ("get", "/api/v1/da-notifications/{notification}/", READERS | PARTNER),
    ("post", "/api/v1/da-notifications/{notification}/triage/", WORKERS),
    ("post", "/api/v1/da-notifications/{notification}/encompass/", WORKERS),
    ("get", "/api/v1/da-triage-meetings/", READERS),
    ("post", "/api/v1/da-triage-meetings/", WORKERS),
    ("get", "/api/v1/da-triage-meetings/{meeting}/", READERS),
]
PAGES: list[tuple[str, str, set[str]]] = [
    ("get", "/domestic-abuse/", READERS | PARTNER),
    ("get", "/domestic-abuse/new/", WORKERS),
    ("post", "/domestic-abuse/new/", WORKERS),
    ("get", "/domestic-abuse/{notification}/", READERS | PARTNER),
    ("post", "/domestic-abuse/{notification}/triage/", WORKERS),
    ("post", "/domestic-abuse/{notification}/encompass/", WORKERS),
    ("get", "/domestic-abuse/meetings/", READERS),
    ("post", "/domestic-abuse/meetings/", WORKERS),
    ("get", "/domestic-abuse/meetings/{meeting}/", READERS),
]


@pytest.fixture
def records(police_partner: User, social_worker: User, api_as: Api) -> dict[str, int]:
    """A notification the police partner sent, on an open meeting."""
    sent = api_as(police_partner).post(
        "/api/v1/da-notifications/", notification_body(), format="json"
    )
    assert sent.status_code == 201, sent.content
    meeting = api_as(social_worker).post(
        "/api/v1/da-triage-meetings/", {"date": "2026-12-29"}, format="json"
    )
    return {"notification": sent.json()["id"], "meeting": meeting.json()["id"]}


@pytest.mark.parametrize(("method", "path", "allowed"), API, ids=[f"{m} {p}" for m, p, _ in API])
def test_each_role_is_allowed_or_refused_on_the_api(
    method: str,
    path: str,
    allowed: set[str],
    records: dict[str, int],
    make_user: Callable[..., User],
    api_as: Api,
) -> None:
    url = path.format(**records)
    assert_api_roles(method, url, allowed, make_user, api_as)


@pytest.mark.parametrize(
    ("method", "path"), [(m, p) for m, p, allowed in API if allowed & PARTNER and "{" in p]
)
def test_another_organisation_is_told_nothing_exists(
    method: str, path: str, records: dict[str, int], make_user: Callable[..., User], api_as: Api
) -> None:
    school = make_user(Role.PARTNER_AGENCY, team="linthorpe-primary")

    response = getattr(api_as(school), method)(path.format(**records), {}, format="json")

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "allowed"), PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES]
)
def test_each_role_may_use_exactly_its_pages(
    method: str,
    path: str,
    allowed: set[str],
    records: dict[str, int],
    make_user: Callable[..., User],
    signed_in: SignedIn,
) -> None:
    assert_page_roles(method, path.format(**records), allowed, make_user, signed_in)


@pytest.mark.parametrize(
    ("method", "path", "allowed"), PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES]
)
def test_anonymous_visitors_are_sent_to_sign_in(
    method: str, path: str, allowed: set[str], records: dict[str, int]
) -> None:
    assert_sent_to_sign_in(getattr(Client(), method)(path.format(**records)))


def test_another_organisation_is_not_shown_the_notification_page(
    records: dict[str, int], make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    school = make_user(Role.PARTNER_AGENCY, team="linthorpe-primary")

    response = signed_in(school).get(f"/domestic-abuse/{records['notification']}/")

    assert response.status_code == 404


def test_the_partner_page_shows_status_only(
    records: dict[str, int], police_partner: User, signed_in: SignedIn
) -> None:
    response = signed_in(police_partner).get(f"/domestic-abuse/{records['notification']}/")

    assert response.status_code == 200
    page: Any = response.content.decode()
    assert "Awaiting triage" in page
    assert "Amy" not in page
