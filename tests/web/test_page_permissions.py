"""Every role on every page: deny by default; pages are never cached and allow no inline
script."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from django.test import Client
from rest_framework.test import APIClient

from mach.deadlines import sweep
from mach.models import Alert, MatchProposal, Person, Role, User
from tests.conftest import contact_body
from tests.mach.test_audit_api import draft_audit
from tests.web.conftest import SignedIn, assert_page_access, assert_sent_to_sign_in

pytestmark = pytest.mark.django_db

ALL_ROLES = [role.value for role in Role]
READERS = {"social_worker", "manager", "service_manager", "edt_worker", "auditor"}
WORKERS = {"social_worker", "manager", "service_manager"}

PAGES: list[tuple[str, str, set[str]]] = [
    ("get", "/worklist/", READERS),
    (
        "get",
        "/contacts/new/",
        {"social_worker", "manager", "service_manager", "edt_worker", "partner_agency"},
    ),
    ("get", "/contacts/{contact}/", READERS),
    ("get", "/children/{child}/", READERS),
    ("get", "/submissions/", {"partner_agency"}),
    ("get", "/alerts/", {"manager", "service_manager"}),
    # The overdue alert is its team's managers' to act on; the escalation, the service manager's.
    ("post", "/alerts/{alert}/acknowledge/", {"manager"}),
    ("post", "/alerts/{escalation}/acknowledge/", {"service_manager"}),
    ("post", "/match-proposals/{proposal}/", WORKERS),
    ("get", "/dashboard/", {"manager", "service_manager", "auditor"}),
    ("get", "/audits/", {"manager", "service_manager", "auditor"}),
    # The audited practitioner's team's managers, and auditors.
    ("get", "/audits/{audit}/", {"manager", "service_manager", "auditor"}),
    ("get", "/audits/new/", {"auditor"}),
    # Moderating on the audit page: auditors only (this draft is not awaiting it: a message).
    ("post", "/audits/{audit}/", {"auditor"}),
    ("get", "/audits/{audit}/learning-actions/new/", {"auditor"}),
    ("get", "/audits/{audit}/close/", {"auditor"}),
]


@pytest.fixture
def records(make_user: Callable[..., User], api_as: Callable[[User], APIClient]) -> dict[str, int]:
    api = api_as(make_user(Role.SOCIAL_WORKER))
    first = api.post("/api/v1/contacts/", contact_body(), format="json").json()
    child = {"first_name": "Amy", "last_name": "Smyth", "date_of_birth": "2015-03-02"}
    second = api.post(
        "/api/v1/contacts/", contact_body(children=[child], adults=[]), format="json"
    ).json()
    sweep(now=datetime.fromisoformat("2027-01-05T12:00:00+00:00"))
    sweep(now=datetime.fromisoformat("2027-01-07T12:00:00+00:00"))
    return {
        "contact": first["id"],
        "child": first["children"][0]["id"],
        "alert": Alert.objects.filter(object_id=first["id"]).get(level=1).pk,
        "escalation": Alert.objects.filter(object_id=first["id"]).get(level=2).pk,
        "proposal": MatchProposal.objects.get().pk,
        "proposal_contact": second["id"],
        "audit": draft_audit(
            make_user(Role.AUDITOR, team=""),
            Person.objects.get(pk=first["children"][0]["id"]),
            make_user(Role.SOCIAL_WORKER),
        ).pk,
    }


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(("method", "path", "allowed"), PAGES, ids=[p for _, p, _ in PAGES])
def test_each_role_may_open_exactly_its_pages(
    role: str,
    method: str,
    path: str,
    allowed: set[str],
    records: dict[str, int],
    make_user: Callable[..., User],
    signed_in: SignedIn,
) -> None:
    user = make_user(role)

    # A decision without its reason: allowed roles get the form back with the error (400).
    body = {"contact": records["proposal_contact"], "decision": "reject"}
    response = getattr(signed_in(user), method)(path.format(**records), body)

    assert_page_access(response, allowed=role in allowed)


@pytest.mark.parametrize(("method", "path", "allowed"), PAGES, ids=[p for _, p, _ in PAGES])
def test_anonymous_visitors_are_sent_to_sign_in(
    method: str, path: str, allowed: set[str], records: dict[str, int]
) -> None:
    response = getattr(Client(), method)(path.format(**records))

    assert_sent_to_sign_in(response)


def test_pages_are_never_cached_and_allow_no_inline_script(
    make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    response = signed_in(make_user(Role.SOCIAL_WORKER)).get("/worklist/")

    assert "no-store" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
