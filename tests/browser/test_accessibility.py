"""axe-core finds no violations on any page of the web UI, in each state a user meets it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from mach.deadlines import sweep
from mach.models import Contact, MatchProposal, Role, User
from mach.services import PersonInput, contact_create, match_proposal_confirm
from tests.browser.conftest import accessibility_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def front_door(person_with_role: Callable[..., User]) -> dict[str, int]:
    """A worker, a manager and a partner; two contacts with a proposed match; an alert."""
    worker = person_with_role("sam.worker", Role.SOCIAL_WORKER)
    person_with_role("mo.manager", Role.MANAGER)
    person_with_role("cleveland.police", Role.PARTNER_AGENCY, team="cleveland-police")
    amy = PersonInput(
        first_name="Amy",
        last_name="Smith",
        date_of_birth=datetime(2015, 3, 2).date(),
        address={"postcode": "TS1 2AB"},
    )
    jo = PersonInput(first_name="Jo", last_name="Smith", relationship="mother")
    contacts: list[Contact] = []
    for first_name in ("Amy", "Amie", "Aimee"):
        child = PersonInput(**{**amy.__dict__, "first_name": first_name})
        contacts.append(
            contact_create(
                actor=worker,
                received_at=datetime.fromisoformat("2026-12-24T16:05:00+00:00"),
                channel="phone",
                source="6",
                referrer={"name": "PC A Jones", "organisation": "Cleveland Police"},
                children=[child],
                adults=[jo],
                concerns="Police called to a domestic incident.",
                parental_awareness="not_informed",
                parental_awareness_reason="Police investigation.",
            )
        )
    sweep(now=datetime.fromisoformat("2027-01-05T12:00:00+00:00"))
    aimee = contacts[2].contact_people.get(role="child").person_id
    merge = match_proposal_confirm(
        actor=worker,
        proposal=MatchProposal.objects.get(person_id=aimee, candidate__first_name="Amy"),
        reason="Same school and GP.",
    )
    return {
        "contact": contacts[1].pk,
        "child": contacts[0].contact_people.get(role="child").person_id,
        "merge": merge.pk,
    }


PAGES: list[tuple[str, str, str]] = [
    ("sign in", "", "/sign-in/"),
    ("sign in refused", "", "/sign-in/?bad"),
    ("worklist", "sam.worker", "/worklist/"),
    ("worklist with a filter error", "sam.worker", "/worklist/?rag=purple"),
    ("new contact", "sam.worker", "/contacts/new/"),
    ("new contact with errors", "sam.worker", "/contacts/new/?submit"),
    ("contact with a proposed match", "sam.worker", "/contacts/{contact}/"),
    ("child and chronology", "sam.worker", "/children/{child}/"),
    ("child with a merge, as a manager", "mo.manager", "/children/{child}/"),
    ("undo a merge", "mo.manager", "/person-merges/{merge}/undo/"),
    ("alerts", "mo.manager", "/alerts/"),
    ("partner's submissions", "cleveland.police", "/submissions/"),
    ("not allowed", "cleveland.police", "/worklist/"),
    ("not found", "sam.worker", "/contacts/999999/"),
]


@pytest.mark.parametrize(("username", "path"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_the_page_has_no_accessibility_violations(
    page: Page, front_door: dict[str, int], username: str, path: str
) -> None:
    if username:
        sign_in(page, username)
    page.goto(path.format(**front_door).replace("?bad", "").replace("?submit", ""))
    if path.endswith("?bad"):
        page.get_by_label("Username").fill("nobody")
        page.get_by_role("button", name="Sign in").click()
    if path.endswith("?submit"):
        page.get_by_role("button", name="Record contact", exact=True).last.click()
    page.wait_for_load_state("networkidle")

    assert accessibility_violations(page) == []


def test_the_lock_out_page_has_no_accessibility_violations(
    page: Page, person_with_role: Callable[..., User]
) -> None:
    person_with_role("sam.worker", Role.SOCIAL_WORKER)
    page.goto("/sign-in/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Username").fill("sam.worker")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Your account is locked")).to_be_visible()
    assert accessibility_violations(page) == []


def test_the_check_reports_a_real_violation(page: Page) -> None:
    page.goto("/sign-in/")
    page.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML("
        "'beforeend', '<img src=\"/static/govuk/assets/images/favicon.svg\">')"
    )

    assert [violation["id"] for violation in accessibility_violations(page)] == ["image-alt"]
