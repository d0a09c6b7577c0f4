"""The pages fit a 390-px-wide phone: no sideways scrolling of the page itself; wide tables
scroll inside their own container."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from playwright.sync_api import Page

from mach.models import Contact, Role, User
from mach.services import PersonInput, contact_create
from tests.browser.conftest import sign_in
from triage import services

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def records(person_with_role: Callable[..., User]) -> dict[str, int]:
    worker = person_with_role("sam.worker", Role.SOCIAL_WORKER)
    police = person_with_role("cleveland.police", Role.PARTNER_AGENCY, team="cleveland-police")
    children = [
        PersonInput(
            first_name=first,
            last_name="Featherstonehaugh-Smith",
            date_of_birth=date(2015, 3, 2),
            address={"line1": "1 High Street", "postcode": "TS1 2AB"},
        )
        for first in ("Amy", "Benjamin", "Charlotte")
    ]

    def contact(received: str) -> Contact:
        return contact_create(
            actor=worker,
            received_at=datetime.fromisoformat(received),
            channel="phone",
            source="6",
            referrer={"name": "PC A Jones", "organisation": "Cleveland Police"},
            children=children,
            adults=[PersonInput(first_name="Jo", last_name="Smith", relationship="mother")],
            concerns="Police called to a domestic incident.",
            parental_awareness="not_informed",
            parental_awareness_reason="Police investigation.",
        )

    contact("2026-11-02T10:00:00+00:00")
    received = contact("2026-11-03T10:00:00+00:00")
    services.parent_consultation_record(actor=worker, contact=received, summary="Agreed.")
    assert police.team is not None
    services.partner_request_send(
        actor=worker,
        contact=received,
        agency="police",
        question="Any history of domestic abuse at the address?",
        organisation=police.team,
    )
    return {"contact": received.pk, "child": received.contact_people.first().person_id}


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
