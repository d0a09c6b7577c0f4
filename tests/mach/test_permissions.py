"""Every role on every endpoint: deny by default, allow exactly the roles api.md names."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from mach.models import Role, User
from tests.conftest import contact_body

pytestmark = pytest.mark.django_db

ALL_ROLES = [role.value for role in Role]
READERS = {"social_worker", "manager", "service_manager", "edt_worker", "auditor"}

# (method, path template, roles allowed); {contact}, {child} and {alert} are filled in below.
MATRIX: list[tuple[str, str, set[str]]] = [
    (
        "post",
        "/api/v1/contacts/",
        {"social_worker", "manager", "service_manager", "edt_worker", "partner_agency"},
    ),
    ("get", "/api/v1/contacts/", READERS | {"partner_agency"}),
    ("get", "/api/v1/contacts/{contact}/", READERS),
    ("get", "/api/v1/children/{child}/", READERS),
    ("get", "/api/v1/children/{child}/chronology/", READERS),
    ("get", "/api/v1/alerts/", {"manager", "service_manager"}),
    # The overdue alert is its team's managers' to act on; the escalation, the service manager's.
    ("post", "/api/v1/alerts/{alert}/acknowledge/", {"manager"}),
    ("post", "/api/v1/alerts/{escalation}/acknowledge/", {"service_manager"}),
    ("get", "/api/v1/access-log/?child={child}", {"auditor", "admin"}),
]


@pytest.fixture
def records(make_user: Callable[..., User], api_as: Callable[[User], APIClient]) -> dict[str, int]:
    from mach.deadlines import sweep
    from mach.models import Alert

    worker = make_user(Role.SOCIAL_WORKER)
    created = api_as(worker).post("/api/v1/contacts/", contact_body(), format="json").json()
    sweep(now=__import__("datetime").datetime.fromisoformat("2027-01-05T12:00:00+00:00"))
    sweep(now=__import__("datetime").datetime.fromisoformat("2027-01-07T12:00:00+00:00"))
    return {
        "contact": created["id"],
        "child": created["children"][0]["id"],
        "alert": Alert.objects.get(level=1).pk,
        "escalation": Alert.objects.get(level=2).pk,
    }


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(
    ("method", "path", "allowed"), MATRIX, ids=[f"{m} {p}" for m, p, _ in MATRIX]
)
def test_each_role_is_allowed_or_refused(
    role: str,
    method: str,
    path: str,
    allowed: set[str],
    records: dict[str, int],
    make_user: Callable[..., User],
    api_as: Callable[[User], APIClient],
) -> None:
    user = make_user(role)
    url = path.format(**records)
    body = contact_body() if "contacts" in path else {}

    response = getattr(api_as(user), method)(url, body, format="json")

    if role in allowed:
        assert response.status_code in {200, 201}, response.content
    else:
        # A partner reading someone else's record gets 404: its existence is not revealed.
        assert response.status_code in {403, 404}, response.content


@pytest.mark.parametrize(
    ("method", "path", "allowed"), MATRIX, ids=[f"{m} {p}" for m, p, _ in MATRIX]
)
def test_anonymous_requests_are_refused(
    method: str, path: str, allowed: set[str], records: dict[str, int]
) -> None:
    response = getattr(APIClient(), method)(path.format(**records), {}, format="json")

    assert response.status_code in {401, 403}


# Workflow endpoints: the roles not listed are refused whatever the record's state.
WORKFLOW: list[tuple[str, str, set[str]]] = [
    (
        "post",
        "/api/v1/contacts/{contact}/screening/",
        {"social_worker", "manager", "service_manager"},
    ),
    ("get", "/api/v1/contacts/{contact}/screening/", READERS),
    ("post", "/api/v1/contacts/{contact}/oversight/", {"manager", "service_manager"}),
    ("post", "/api/v1/contacts/{contact}/threshold-authorisation/", {"manager", "service_manager"}),
    (
        "post",
        "/api/v1/contacts/{contact}/parent-consultations/",
        {"social_worker", "manager", "service_manager"},
    ),
    ("get", "/api/v1/contacts/{contact}/consultation-attempts/", READERS),
    (
        "post",
        "/api/v1/contacts/{contact}/consultation-attempts/",
        {"social_worker", "manager", "service_manager"},
    ),
    (
        "post",
        "/api/v1/contacts/{contact}/consultation-exceptions/",
        {"social_worker", "manager", "service_manager"},
    ),
    ("post", "/api/v1/consultation-exceptions/1/decision/", {"manager", "service_manager"}),
    ("get", "/api/v1/contacts/{contact}/partner-requests/", READERS),
    (
        "post",
        "/api/v1/contacts/{contact}/partner-requests/",
        {"social_worker", "manager", "service_manager"},
    ),
    (
        "get",
        "/api/v1/partner-requests/",
        {"social_worker", "manager", "service_manager", "partner_agency"},
    ),
    (
        "post",
        "/api/v1/partner-requests/1/response/",
        {"social_worker", "manager", "service_manager", "partner_agency"},
    ),
    ("get", "/api/v1/contacts/{contact}/referrer-feedback/", READERS),
    (
        "post",
        "/api/v1/contacts/{contact}/referrer-feedback/given/",
        {"social_worker", "manager", "service_manager"},
    ),
    ("get", "/api/v1/pattern-flags/", {"manager", "service_manager"}),
    ("post", "/api/v1/pattern-flags/1/review/", {"manager", "service_manager"}),
    ("get", "/api/v1/assessments/", READERS),
    ("get", "/api/v1/assessments/1/", READERS),
    ("patch", "/api/v1/assessments/1/", {"social_worker", "manager", "service_manager"}),
    ("post", "/api/v1/assessments/1/actions/", {"social_worker", "manager", "service_manager"}),
    ("post", "/api/v1/assessments/1/submit/", {"social_worker", "manager", "service_manager"}),
    ("post", "/api/v1/assessments/1/authorise/", {"manager", "service_manager"}),
    (
        "post",
        "/api/v1/assessment-actions/1/complete/",
        {"social_worker", "manager", "service_manager"},
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "allowed"), WORKFLOW, ids=[f"{m} {p}" for m, p, _ in WORKFLOW]
)
def test_workflow_endpoints_refuse_every_other_role(
    method: str,
    path: str,
    allowed: set[str],
    records: dict[str, int],
    make_user: Callable[..., User],
    api_as: Callable[[User], APIClient],
) -> None:
    url = path.format(**records)
    for role in sorted(set(ALL_ROLES) - allowed):
        user = make_user(role)

        response = getattr(api_as(user), method)(url, {}, format="json")

        assert response.status_code in {403, 404}, (role, response.content)
    assert getattr(APIClient(), method)(url, {}, format="json").status_code in {401, 403}


def test_deactivated_user_token_is_refused(
    social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    client = api_as(social_worker)
    social_worker.is_active = False
    social_worker.save()

    assert client.get("/api/v1/contacts/").status_code in {401, 403}


def test_partner_cannot_read_another_organisations_contact(
    make_user: Callable[..., User], api_as: Callable[[User], APIClient]
) -> None:
    police = make_user(Role.PARTNER_AGENCY, team="cleveland-police")
    school = make_user(Role.PARTNER_AGENCY, team="linthorpe-primary")
    created = api_as(police).post("/api/v1/contacts/", contact_body(), format="json").json()

    assert api_as(school).get(f"/api/v1/contacts/{created['id']}/").status_code == 404
    assert api_as(school).get("/api/v1/contacts/").json()["results"] == []


def test_partner_sees_only_the_status_of_its_own_contacts(
    police: User, api_as: Callable[[User], APIClient]
) -> None:
    client = api_as(police)
    created = client.post("/api/v1/contacts/", contact_body(), format="json").json()

    detail = client.get(f"/api/v1/contacts/{created['id']}/").json()
    listed = client.get("/api/v1/contacts/").json()["results"]

    expected = {"id", "reference", "state", "received_at", "decision_due_at"}
    assert set(detail) == expected
    assert [set(item) for item in listed] == [expected]
