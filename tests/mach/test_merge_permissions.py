"""Every role on every match-proposal and merge endpoint: only the roles named may use them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from mach.models import MatchProposal, Person, Role, User
from mach.services import match_proposal_confirm
from tests.conftest import contact_body

pytestmark = pytest.mark.django_db

ALL_ROLES = [role.value for role in Role]
WORKERS = {"social_worker", "manager", "service_manager"}
READERS = {"social_worker", "manager", "service_manager", "edt_worker", "auditor"}
REASON = {"reason": "The school confirmed both names belong to one child."}

# (method, path template, roles allowed); {proposal} and {merge} are filled in below.
MATRIX: list[tuple[str, str, set[str]]] = [
    ("get", "/api/v1/match-proposals/", WORKERS),
    ("post", "/api/v1/match-proposals/{proposal}/confirm/", WORKERS),
    ("post", "/api/v1/match-proposals/{proposal}/reject/", WORKERS),
    ("get", "/api/v1/person-merges/{merge}/", READERS),
    ("post", "/api/v1/person-merges/{merge}/undo/", {"manager", "service_manager"}),
]
MATRIX_IDS = [f"{method} {path}" for method, path, _ in MATRIX]
POSTS = [(path, allowed) for method, path, allowed in MATRIX if method == "post"]


def _proposal_between(client: APIClient, first_name: str, respelt: str, born: str) -> MatchProposal:
    child = {"first_name": first_name, "last_name": "Jones", "date_of_birth": born}
    for name in (first_name, respelt):
        body = contact_body(children=[{**child, "first_name": name}], adults=[])
        assert client.post("/api/v1/contacts/", body, format="json").status_code == 201
    return MatchProposal.objects.get(person=Person.objects.get(first_name=respelt))


@pytest.fixture
def records(make_user: Callable[..., User], api_as: Callable[[User], APIClient]) -> dict[str, int]:
    """An open proposal, and a merge made from another one."""
    worker = make_user(Role.SOCIAL_WORKER)
    client = api_as(worker)
    open_proposal = _proposal_between(client, "Amy", "Aimee", "2016-04-05")
    merged = _proposal_between(client, "Ben", "Benn", "2017-06-07")
    merge = match_proposal_confirm(actor=worker, proposal=merged, reason="Same child.")
    return {"proposal": open_proposal.pk, "merge": merge.pk}


def _user(role: str, make_user: Callable[..., User]) -> User:
    return make_user(role)


@pytest.fixture
def client_for(
    make_user: Callable[..., User], api_as: Callable[[User], APIClient]
) -> Callable[[str], APIClient]:
    return lambda role: api_as(_user(role, make_user))


def _send(client: APIClient, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, body, format="json")


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(("method", "path", "allowed"), MATRIX, ids=MATRIX_IDS)
def test_each_role_is_allowed_or_refused(
    role: str,
    method: str,
    path: str,
    allowed: set[str],
    records: dict[str, int],
    client_for: Callable[[str], APIClient],
) -> None:
    response = _send(client_for(role), method, path.format(**records), REASON)

    # A refused role gets 403, or 404 where the record's existence would leak.
    expected = {200} if role in allowed else {403, 404}
    assert response.status_code in expected, (role, response.content)


@pytest.mark.parametrize(("path", "allowed"), POSTS, ids=[path for path, _ in POSTS])
def test_allowed_roles_sending_no_reason_are_told_it_is_missing(
    path: str,
    allowed: set[str],
    records: dict[str, int],
    client_for: Callable[[str], APIClient],
) -> None:
    for role in sorted(allowed):
        response = _send(client_for(role), "post", path.format(**records), {})

        assert response.status_code == 400, (role, response.content)
        assert "reason" in response.json()


@pytest.mark.parametrize(("method", "path", "allowed"), MATRIX, ids=MATRIX_IDS)
def test_anonymous_requests_are_refused(
    method: str, path: str, allowed: set[str], records: dict[str, int]
) -> None:
    response = _send(APIClient(), method, path.format(**records), REASON)

    assert response.status_code in {401, 403}


@pytest.mark.parametrize("role", sorted(set(ALL_ROLES) - WORKERS))
def test_other_roles_cannot_merge_through_the_service(
    role: str, records: dict[str, int], make_user: Callable[..., User]
) -> None:
    with pytest.raises(PermissionDenied):
        match_proposal_confirm(
            actor=_user(role, make_user),
            proposal=MatchProposal.objects.get(pk=records["proposal"]),
            reason="Same child.",
        )
