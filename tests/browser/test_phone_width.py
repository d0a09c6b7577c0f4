"""The pages fit a 390-px-wide phone: no sideways scrolling of the page itself; wide tables
scroll inside their own container."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from mach.inputs import ContactInputSerializer, contact_create_from_input
from mach.models import Contact, Role, User
from tests.browser.conftest import sign_in
from tests.conftest import contact_body
from triage import services

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def records(person_with_role: Callable[..., User]) -> dict[str, int]:
    worker = person_with_role("sam.worker", Role.SOCIAL_WORKER)
    police = person_with_role("cleveland.police", Role.PARTNER_AGENCY, team="cleveland-police")
    # Long names in several children: what makes a worklist row wide.
    children = [
        {
            "first_name": first,
            "last_name": "Featherstonehaugh",
            "date_of_birth": "2015-03-02",
            "address": {"line1": "1 High Street", "postcode": "TS1 2AB"},
        }
        for first in ("Amy", "Benjamin", "Charlotte")
    ]

    def contact(received: str) -> Contact:
        body = ContactInputSerializer(data=contact_body(received_at=received, children=children))
        body.is_valid(raise_exception=True)
        return contact_create_from_input(actor=worker, data=body.validated_data, via="test")

    contact("2026-11-02T10:00:00+00:00")
    received = contact("2026-11-03T10:00:00+00:00")
    services.parent_consultation_record(
        actor=worker,
        contact=received,
        consulted_with="Jo Smith (mother)",
        method="phone",
        summary="Agreed.",
    )
    assert police.team is not None
    services.partner_request_send(
        actor=worker,
        contact=received,
        agency="police",
        question="Any history of domestic abuse at the address?",
        organisation=police.team,
    )
    return {
        "contact": received.pk,
        "child": received.contact_people.order_by("position")[0].person_id,
    }


PAGES = [
    ("worklist", "sam.worker", "/worklist/"),
    ("contact page with its timeline and requests", "sam.worker", "/contacts/{contact}/"),
    ("child page with its chronology", "sam.worker", "/children/{child}/"),
    ("information requests", "cleveland.police", "/information-requests/"),
]


@pytest.mark.parametrize(("username", "path"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_the_page_fits_a_phone_without_sideways_scrolling(
    page: Page, records: dict[str, int], username: str, path: str
) -> None:
    sign_in(page, username)  # at desktop width, where "Sign out" is not behind the menu
    page.set_viewport_size(PHONE)

    page.goto(path.format(**records))
    page.wait_for_load_state("networkidle")

    assert page.locator("table").count() > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
