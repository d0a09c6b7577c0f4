"""No API response may be kept by a browser or a proxy: most carry a child's data."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from mach.models import User
from tests.conftest import Api

pytestmark = pytest.mark.django_db


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


API_ROUTES = sorted(
    {route for route in _routes(get_resolver().url_patterns) if route.startswith("api/")}
)


def test_every_api_endpoint_is_checked() -> None:
    assert "api/v1/contacts/<int:contact_id>/" in API_ROUTES
    assert "api/v1/children/<int:child_id>/chronology/" in API_ROUTES
    assert "api/v1/contacts/<int:contact_id>/partner-requests/" in API_ROUTES


@pytest.mark.parametrize("route", API_ROUTES)
def test_every_api_response_is_marked_no_store(
    route: str,
    new_contact: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
) -> None:
    contact = new_contact()
    ids = {"contact_id": contact["id"], "child_id": contact["children"][0]["id"]}
    path = "/" + re.sub(r"<int:(\w+)>", lambda match: str(ids.get(match[1], 1)), route)

    response = api_as(social_worker).get(path)

    assert "no-store" in response["Cache-Control"], (path, response.status_code)


def test_a_contact_with_its_children_is_not_kept(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = new_contact()

    response = api_as(social_worker).get(f"/api/v1/contacts/{contact['id']}/")

    assert response.status_code == 200
    assert response.json()["children"][0]["first_name"] == "Amy"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
