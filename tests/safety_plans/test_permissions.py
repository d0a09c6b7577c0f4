"""Every role on every safety plan endpoint and page: the roles that may get past the door (the
record's state or the empty body may still answer), every other role refused, anonymous
requests refused, and a partner agency told nothing about a plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from mach.models import AccessLog, Role, User
from tests.conftest import Api, SignedIn, assert_api_roles
from tests.web.conftest import assert_page_access, assert_sent_to_sign_in

pytestmark = pytest.mark.django_db

ALL_ROLES = [role.value for role in Role]
READERS = {"social_worker", "manager", "service_manager", "edt_worker", "auditor"}
WORKERS = {"social_worker", "manager", "service_manager"}

ENDPOINTS: list[tuple[str, str, set[str]]] = [
    ("get", "/api/v1/safety-plans/", READERS),
    ("post", "/api/v1/safety-plans/", WORKERS),
    ("post", "/api/v1/safety-plans/check/", WORKERS),
    ("get", "/api/v1/safety-plans/{id}/", READERS),
    ("put", "/api/v1/safety-plans/{id}/", WORKERS),
    ("post", "/api/v1/safety-plans/{id}/agree/", WORKERS),
    ("get", "/api/v1/safety-plans/{id}/versions/", READERS),
    ("get", "/api/v1/safety-plans/{id}/comparison/", READERS),
    ("get", "/api/v1/safety-plans/{id}/family-version.pdf", READERS),
]
PAGES: list[tuple[str, str, set[str]]] = [
    ("get", "/safety-plans/", READERS),
    ("get", "/safety-plans/new/?child={child}", WORKERS),
    ("post", "/safety-plans/new/?child={child}", WORKERS),
    ("get", "/safety-plans/{id}/", READERS),
    ("get", "/safety-plans/{id}/edit/", WORKERS),
    ("post", "/safety-plans/{id}/edit/", WORKERS),
    ("post", "/safety-plans/{id}/agree/", WORKERS),
    ("get", "/safety-plans/{id}/compare/", READERS),
    ("get", "/safety-plans/{id}/family-version/", READERS),
    ("get", "/safety-plans/{id}/family-version.pdf", READERS),
]


def _ids(plan: dict[str, Any]) -> dict[str, Any]:
    return {"id": plan["id"], "child": plan["children"][0]}


@pytest.mark.parametrize(
    ("method", "path", "allowed"), ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS]
)
def test_each_role_is_allowed_or_refused_by_the_api(
    method: str,
    path: str,
    allowed: set[str],
    plan: dict[str, Any],
    make_user: Callable[..., User],
    api_as: Api,
) -> None:
    url = path.format(**_ids(plan))
    assert_api_roles(method, url, allowed, make_user, api_as)


@pytest.mark.parametrize(("method", "path", "allowed"), PAGES, ids=[p for _, p, _ in PAGES])
def test_each_role_may_use_exactly_its_safety_plan_pages(
    method: str,
    path: str,
    allowed: set[str],
    plan: dict[str, Any],
    make_user: Callable[..., User],
    signed_in: SignedIn,
) -> None:
    url = path.format(**_ids(plan))
    for role in ALL_ROLES:
        response = getattr(signed_in(make_user(role)), method)(url, {})

        assert_page_access(response, allowed=role in allowed)
    assert_sent_to_sign_in(getattr(Client(), method)(url))


@pytest.mark.parametrize("path", ["/safety-plans/{id}/agree/"])
def test_the_agree_form_accepts_only_post(
    path: str, plan: dict[str, Any], manager: User, signed_in: SignedIn
) -> None:
    assert signed_in(manager).get(path.format(**_ids(plan))).status_code == 405


def test_a_partner_agency_learns_nothing_about_a_plan(
    plan: dict[str, Any], police: User, api_as: Api, signed_in: SignedIn
) -> None:
    api = api_as(police)
    responses = [
        api.get(f"/api/v1/safety-plans/{plan['id']}/"),
        api.get(f"/api/v1/safety-plans/{plan['id'] + 1000}/"),
        api.get("/api/v1/safety-plans/"),
        signed_in(police).get(f"/safety-plans/{plan['id']}/"),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert all(b"Jo Smith" not in r.content for r in responses)
    assert not AccessLog.objects.filter(user=police).exists()
