"""Every role on every EDT handover endpoint and page: the EDT records, the MACH's workers and
managers acknowledge, the readers read; a partner agency is refused everything."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mach.models import Role, User
from tests.conftest import Api, assert_api_roles, contact_body
from tests.web.conftest import (
    SignedIn,
    assert_page_roles,
    assert_sent_to_sign_in,
)
from triage.edt.models import EdtHandover

pytestmark = pytest.mark.django_db

ALL_ROLES = [role.value for role in Role]
MANAGERS = {"manager", "service_manager"}
WORKERS = {"social_worker", *MANAGERS}
READERS = {*WORKERS, "edt_worker", "auditor"}
EDT = {"edt_worker"}

API: list[tuple[str, str, set[str]]] = [
    ("post", "/api/v1/edt-handovers/", EDT),
    ("get", "/api/v1/edt-handovers/", READERS),
    ("get", "/api/v1/edt-handovers/{handover}/", READERS),
    ("post", "/api/v1/edt-handovers/{handover}/acknowledge/", WORKERS),
]
PAGES: list[tuple[str, str, set[str]]] = [
    ("get", "/edt-handovers/", READERS),
    ("get", "/edt-handovers/new/", EDT),
    ("post", "/edt-handovers/new/", EDT),
    ("post", "/edt-handovers/{handover}/acknowledge/", WORKERS),
]


@pytest.fixture
def records(make_user: Callable[..., User], api_as: Api) -> dict[str, int]:
    edt = make_user(Role.EDT_WORKER, team="edt")
    body = {**contact_body(), "action_taken": "visit", "outstanding_actions": "Visit."}
    response = api_as(edt).post("/api/v1/edt-handovers/", body, format="json")
    assert response.status_code == 201, response.content
    return {"handover": response.json()["id"]}


@pytest.mark.parametrize(("method", "path", "allowed"), API, ids=[f"{m} {p}" for m, p, _ in API])
def test_each_role_is_allowed_or_refused_by_the_api(
    method: str,
    path: str,
    allowed: set[str],
    records: dict[str, int],
    make_user: Callable[..., User],
    api_as: Api,
) -> None:
    url = path.format(**records)
    assert_api_roles(method, url, allowed, make_user, api_as)
    assert EdtHandover.objects.get().state == "handed_over" or "acknowledge" in path


@pytest.mark.parametrize(
    ("method", "path", "allowed"), PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES]
)
def test_each_role_may_use_exactly_its_edt_pages(
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


def test_a_partner_agency_learns_nothing_of_handovers(
    records: dict[str, int], police: User, api_as: Api, signed_in: SignedIn
) -> None:
    api = api_as(police)
    listing = api.get("/api/v1/edt-handovers/")
    detail = api.get(f"/api/v1/edt-handovers/{records['handover']}/")
    page = signed_in(police).get("/edt-handovers/")

    for response in (listing, detail, page):
        assert response.status_code == 403
        assert b"CON-" not in response.content


def test_the_acknowledge_form_accepts_only_post(
    records: dict[str, int], social_worker: User, signed_in: SignedIn
) -> None:
    response = signed_in(social_worker).get(f"/edt-handovers/{records['handover']}/acknowledge/")
    assert response.status_code == 405
