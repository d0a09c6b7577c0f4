"""Every role on every triage page: deny by default."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from mach.models import Contact, Role, User
from tests.conftest import SignedIn, contact_body, screening_body
from tests.web.conftest import assert_page_access, assert_sent_to_sign_in
from triage import services
from triage.models import ConsultationException, PatternFlag

pytestmark = pytest.mark.django_db

ALL_ROLES = [role.value for role in Role]
WORKERS = {"social_worker", "manager", "service_manager"}
MANAGERS = {"manager", "service_manager"}

PAGES: list[tuple[str, set[str]]] = [
    ("/contacts/{received}/screening/", WORKERS),
    ("/oversight/", MANAGERS),
    ("/contacts/{screened}/oversight/", MANAGERS),
    ("/contacts/{screened}/threshold-authorisation/", MANAGERS),
    ("/pattern-flags/{flag}/review/", MANAGERS),
    ("/contacts/{received}/parents-consulted/", WORKERS),
    ("/contacts/{received}/parents-not-reached/", WORKERS),
    ("/contacts/{received}/consultation-exception/", WORKERS),
    ("/consultation-exceptions/{exception}/decision/", MANAGERS),
    ("/contacts/{received}/partner-requests/new/", WORKERS),
    ("/partner-requests/{request}/response/", WORKERS | {"partner_agency"}),
    ("/information-requests/", {"partner_agency"}),
    ("/contacts/{decided}/referrer-feedback/given/", WORKERS),
]


@pytest.fixture
def records(make_user: Callable[..., User], api_as: Callable[[User], APIClient]) -> dict[str, int]:
    worker = make_user(Role.SOCIAL_WORKER)
    manager = make_user(Role.MANAGER, username="deciding-manager")
    police = make_user(Role.PARTNER_AGENCY)
    api = api_as(worker)

    def contact(**overrides: object) -> int:
        return int(
            api.post("/api/v1/contacts/", contact_body(**overrides), format="json").json()["id"]
        )

    received = contact(children=[{"first_name": "Cal", "last_name": "Jones"}], adults=[])
    for when in ("2026-05-01T10:00:00+00:00", "2026-09-01T10:00:00+00:00"):
        contact(received_at=when)
    screened = contact()
    api.post(f"/api/v1/contacts/{screened}/screening/", screening_body(), format="json")
    decided = contact(children=[{"first_name": "Dee", "last_name": "Jones"}], adults=[])
    api.post(f"/api/v1/contacts/{decided}/screening/", screening_body(), format="json")
    api_as(manager).post(
        f"/api/v1/contacts/{decided}/oversight/",
        {"decision": "agree", "rationale": "Agreed."},
        format="json",
    )
    record = Contact.objects.get(pk=received)
    services.consultation_exception_request(
        actor=worker, contact=record, ground="police_investigation", details="Police ask."
    )
    services.parent_consultation_record(
        consulted_with="Jo Smith (mother)",
        method="phone",
        actor=worker,
        contact=record,
        summary="Agreed.",
    )
    assert police.team is not None
    request = services.partner_request_send(
        actor=worker, contact=record, agency="police", question="?", organisation=police.team
    )
    return {
        "received": received,
        "screened": screened,
        "decided": decided,
        "flag": PatternFlag.objects.get().pk,
        "exception": ConsultationException.objects.get().pk,
        "request": request.pk,
    }


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(("path", "allowed"), PAGES, ids=[path for path, _ in PAGES])
def test_each_role_may_open_exactly_its_triage_pages(
    role: str,
    path: str,
    allowed: set[str],
    records: dict[str, int],
    make_user: Callable[..., User],
    signed_in: SignedIn,
) -> None:
    response = signed_in(make_user(role)).get(path.format(**records))

    assert_page_access(response, allowed=role in allowed, admitted=frozenset({200, 302}))


@pytest.mark.parametrize(("path", "allowed"), PAGES, ids=[path for path, _ in PAGES])
def test_anonymous_visitors_are_sent_to_sign_in_from_triage_pages(
    path: str, allowed: set[str], records: dict[str, int]
) -> None:
    response = Client().get(path.format(**records))

    assert_sent_to_sign_in(response)
