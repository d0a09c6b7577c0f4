"""Every role on every homeless pathway endpoint and page: the MACH's workers and managers
record each step, the readers read; a partner agency is refused everything."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mach.models import Role, User
from tests.conftest import Api, assert_api_roles
from tests.web.conftest import (
    SignedIn,
    assert_page_roles,
    assert_sent_to_sign_in,
)

from .conftest import URL, presentation_body

pytestmark = pytest.mark.django_db

ALL_ROLES = [role.value for role in Role]
WORKERS = {"social_worker", "manager", "service_manager"}
READERS = {*WORKERS, "edt_worker", "auditor"}
STEPS = ["account", "rights-and-advocacy", "accommodation", "joint-assessment", "decision"]

API: list[tuple[str, str, set[str]]] = [
    ("post", URL, WORKERS),
    ("get", URL, READERS),
    ("get", URL + "{presentation}/", READERS),
    *[("post", URL + "{presentation}/" + step + "/", WORKERS) for step in STEPS],
]
PAGES: list[tuple[str, str, set[str]]] = [
    ("get", "/homeless-presentations/", READERS),
    ("get", "/homeless-presentations/leaflet/", READERS),
    ("get", "/homeless-presentations/new/", WORKERS),
    ("post", "/homeless-presentations/new/", WORKERS),
    ("get", "/homeless-presentations/{presentation}/", READERS),
    *[("get", "/homeless-presentations/{presentation}/" + step + "/", WORKERS) for step in STEPS],
    *[("post", "/homeless-presentations/{presentation}/" + step + "/", WORKERS) for step in STEPS],
]


@pytest.fixture
def records(social_worker: User, api_as: Api) -> dict[str, int]:
    response = api_as(social_worker).post(URL, presentation_body(), format="json")
    assert response.status_code == 201, response.content
    return {"presentation": response.json()["id"]}


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


@pytest.mark.parametrize(
    ("method", "path", "allowed"), PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES]
)
def test_each_role_may_use_exactly_its_homeless_pages(
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


def test_a_partner_agency_learns_nothing_of_presentations(
    records: dict[str, int], police: User, api_as: Api, signed_in: SignedIn
) -> None:
    housing = police
    for response in (
        api_as(housing).get(URL),
        api_as(housing).get(f"{URL}{records['presentation']}/"),
        signed_in(housing).get(f"/homeless-presentations/{records['presentation']}/"),
    ):
        assert response.status_code == 403
        assert b"Jade" not in response.content
