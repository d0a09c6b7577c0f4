"""The main flows of issue 3 in a real browser: sign in, record a contact with two children
through the form, find it on the worklist, open it; a bad form; a partner refused."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from mach.models import Contact, Role, User
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _fill_child(page: Page, number: int, first: str, born: tuple[str, str, str]) -> None:
    child = page.get_by_role("group", name=f"Child {number}")
    child.get_by_label("First name").fill(first)
    child.get_by_label("Last name").fill("Smith")
    date = child.get_by_role("group", name="Date of birth")
    for label, value in zip(("Day", "Month", "Year"), born, strict=True):
        date.get_by_label(label).fill(value)
    child.get_by_label("Postcode").fill("TS1 2AB")


def test_a_worker_records_a_contact_with_two_children_and_finds_it_on_the_worklist(
    page: Page, person_with_role: Callable[..., User]
) -> None:
    person_with_role("sam.worker", Role.SOCIAL_WORKER)
    sign_in(page, "sam.worker")
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible()

    page.get_by_role("button", name="Record a new contact").click()
    page.get_by_label("How the contact came in").select_option("phone")
    page.get_by_label("Who raised the concern").select_option("2A")
    page.get_by_label("Name", exact=True).fill("Ms Head")
    page.get_by_label("Organisation").fill("Linthorpe Primary")
    _fill_child(page, 1, "Amy", ("2", "3", "2015"))
    page.get_by_role("button", name="Add another child").click()
    expect(page.get_by_role("group", name="Child 1").get_by_label("First name")).to_have_value(
        "Amy"
    )
    _fill_child(page, 2, "Ben", ("9", "7", "2018"))
    adult = page.get_by_role("group", name="Adult 1")
    adult.get_by_label("First name").fill("Jo")
    adult.get_by_label("Last name").fill("Smith")
    adult.get_by_label("Relationship to the children").fill("mother")
    page.get_by_label("Concerns, in the referrer's words").fill("Amy arrived hungry.")
    page.get_by_label("Parents informed and consent").check()
    page.get_by_role("button", name="Record contact", exact=True).last.click()

    contact = Contact.objects.get()
    expect(page.get_by_text(f"Contact {contact.reference} recorded.")).to_be_visible()
    expect(page.get_by_role("heading", name="Children")).to_be_visible()
    expect(page.get_by_role("link", name="Amy Smith")).to_be_visible()
    expect(page.get_by_role("link", name="Ben Smith")).to_be_visible()

    page.get_by_role("link", name="Worklist").click()
    first_row = page.get_by_role("row").nth(1)
    expect(first_row.get_by_role("rowheader")).to_have_text(contact.reference)
    expect(first_row).to_contain_text("Amy Smith, Ben Smith")
    expect(first_row).to_contain_text(re.compile(r"\d+ (days?|h \d+ m|m) left"))

    first_row.get_by_role("link", name=contact.reference).click()
    timeline = page.get_by_role("table", name="Who did what, when and why")
    expect(timeline).to_contain_text("Contact received")
    expect(timeline).to_contain_text("sam.worker")


def test_a_bad_form_shows_the_error_summary_and_keeps_what_was_typed(
    page: Page, person_with_role: Callable[..., User]
) -> None:
    person_with_role("sam.worker", Role.SOCIAL_WORKER)
    sign_in(page, "sam.worker")
    page.goto("/contacts/new/")
    page.get_by_label("Organisation").fill("Linthorpe Primary")
    child = page.get_by_role("group", name="Child 1")
    child.get_by_label("First name").fill("Amy")
    child.get_by_label("NHS number (if known)").fill("1234567890")

    page.get_by_role("button", name="Record contact", exact=True).last.click()

    # GOV.UK Frontend moves focus to the summary so screen readers announce it first.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Enter the referrer's name")).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile("valid NHS number"))).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: Record a new contact"))
    expect(page.get_by_label("Organisation")).to_have_value("Linthorpe Primary")
    expect(child.get_by_label("First name")).to_have_value("Amy")

    summary.get_by_role("link", name="Enter the referrer's name").click()
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    assert not Contact.objects.exists()


def test_a_partner_agency_user_cannot_open_the_worklist(
    page: Page, person_with_role: Callable[..., User]
) -> None:
    person_with_role("cleveland.police", Role.PARTNER_AGENCY, team="cleveland-police")
    sign_in(page, "cleveland.police")
    expect(page.get_by_role("heading", name="Your organisation's contacts")).to_be_visible()
    expect(page.get_by_role("link", name="Worklist")).to_have_count(0)

    response = page.goto("/worklist/")

    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="You cannot open this page")).to_be_visible()


def test_the_service_can_be_used_with_the_keyboard_alone(
    page: Page, person_with_role: Callable[..., User]
) -> None:
    person_with_role("sam.worker", Role.SOCIAL_WORKER)
    page.goto("/sign-in/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("sam.worker")
    page.keyboard.press("Tab")
    page.keyboard.type("a long pass phrase for the browser")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Worklist")).to_be_visible()

    page.get_by_role("link", name="New contact").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Record a new contact")).to_be_visible()
    page.get_by_role("button", name="Add another child").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("group", name="Child 2")).to_be_visible()
    page.get_by_role("group", name="Child 2").get_by_label("First name").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
