"""The front door's main path in a real browser, through the pages alone: a contact is
recorded, screened, overseen by a manager, becomes a referral with an assessment, and the
assessment is closed with a manager's authorisation."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from assessments.models import Assessment
from mach.models import Contact, Referral, Role, User
from mach.timescales import WorkingCalendar
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()


def _fill_date(group: Locator, day: int, month: int, year: int) -> None:
    for label, value in (("Day", day), ("Month", month), ("Year", year)):
        group.get_by_label(label).fill(str(value))


def _record_contact(page: Page) -> Contact:
    page.get_by_role("link", name="New contact").click()
    page.get_by_label("How the contact came in").select_option("phone")
    page.get_by_label("Who raised the concern").select_option("2A")
    page.get_by_label("Name", exact=True).fill("Ms Head")
    page.get_by_label("Email address").fill("head@example.org")
    child = page.get_by_role("group", name="Child 1")
    child.get_by_label("First name").fill("Amy")
    child.get_by_label("Last name").fill("Smith")
    _fill_date(child.get_by_role("group", name="Date of birth"), 2, 3, 2015)
    page.get_by_label("Concerns, in the referrer's words").fill("Amy has a bruise on her arm.")
    page.get_by_label("Parents informed and consent").check()
    page.get_by_role("button", name="Record contact", exact=True).last.click()
    contact = Contact.objects.get()
    expect(page.get_by_text(f"Contact {contact.reference} recorded.")).to_be_visible()
    return contact


def _screen(page: Page) -> None:
    page.get_by_role("button", name="Screen this contact").click()
    expect(page.get_by_role("heading", name="Screen the contact")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Chronology"))).to_contain_text("Contact")
    page.get_by_role("radio", name=re.compile(r"^4: ")).check()
    page.get_by_role("radio", name="Amber").check()
    page.get_by_label("The child's voice").fill("Amy said her dad grabbed her arm.")
    page.get_by_label("Analysis of the history").fill("First contact; no previous referrals.")
    page.get_by_role("group", name="Have the parents been consulted?").get_by_label("Yes").check()
    page.get_by_label("Analysis", exact=True).fill("A physical injury with a disclosure.")
    page.get_by_role("radio", name="Child and family assessment (s17)").check()
    page.get_by_label(re.compile("^Early help and lower options")).fill(
        "Early help would not assess the injury."
    )
    page.get_by_role("button", name="Send for oversight").click()
    expect(page.get_by_text("sent for oversight")).to_be_visible()


def _oversee(page: Page, contact: Contact) -> None:
    page.get_by_role("link", name="Oversight").click()
    page.get_by_role("link", name=contact.reference).click()
    expect(page.get_by_role("heading", name="Oversee the decision")).to_be_visible()
    page.get_by_label("Agree with the recommended outcome").check()
    page.get_by_label("Your rationale").fill("A full assessment is proportionate.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text(f"Oversight of {contact.reference} recorded.")).to_be_visible()


def _complete_assessment(page: Page) -> None:
    today = timezone.localdate()
    _fill_date(
        page.get_by_role("group", name="Date the child was seen"),
        today.day,
        today.month,
        today.year,
    )
    page.get_by_role("group", name="Was the child seen alone?").get_by_label("Yes").check()
    page.get_by_label("The child's voice").fill("Amy says she feels safe with her mum.")
    page.get_by_label("Family network involvement").fill("Grandmother visits daily.")
    page.get_by_label("Analysis", exact=True).fill("The injury was a one-off; support is in place.")
    page.get_by_label(re.compile("^18C: ")).check()
    page.get_by_role("button", name="Save the findings").click()
    expect(page.get_by_text("The findings were saved.")).to_be_visible()

    due = WorkingCalendar.current().working_day_after(today, 2)
    page.get_by_label("What needs to be done").fill("Check Amy's attendance with school.")
    page.get_by_label("Who will do it").fill("Ms Head, Linthorpe Primary")
    _fill_date(page.get_by_role("group", name="Due date"), due.day, due.month, due.year)
    page.get_by_role("button", name="Add the action").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("Action added: Check Amy's attendance with school.")

    page.get_by_label("Closure", exact=True).check()
    page.get_by_label(re.compile("^RC8")).check()
    page.get_by_role("button", name="Send for authorisation").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Closure is refused while actions are open.")

    page.get_by_role("button", name=re.compile("^Mark as done")).click()
    page.get_by_label("Closure", exact=True).check()
    page.get_by_label(re.compile("^RC8")).check()
    page.get_by_role("button", name="Send for authorisation").click()
    expect(page.get_by_text("sent to a manager for authorisation")).to_be_visible()


def test_a_contact_goes_from_intake_to_a_closed_assessment_through_the_pages(
    page: Page, person_with_role: Callable[..., User]
) -> None:
    person_with_role("sam.worker", Role.SOCIAL_WORKER)
    person_with_role("mo.manager", Role.MANAGER)
    person_with_role("max.manager", Role.MANAGER)

    sign_in(page, "sam.worker")
    contact = _record_contact(page)
    _screen(page)
    _sign_out(page)

    sign_in(page, "mo.manager")
    _oversee(page, contact)
    referral = Referral.objects.get()
    expect(page.get_by_text(re.compile("Referral of Amy Smith dated"))).to_be_visible()
    _sign_out(page)

    sign_in(page, "sam.worker")
    page.goto(f"/contacts/{contact.pk}/")
    page.get_by_role("link", name=re.compile("^Open the assessment")).click()
    expect(page.get_by_role("heading", name=re.compile("^Amy Smith"))).to_be_visible()
    _complete_assessment(page)
    _sign_out(page)

    sign_in(page, "max.manager")
    page.goto(f"/assessments/{referral.assessment.pk}/")
    page.get_by_label("Authorise the outcome: the assessment is complete").check()
    page.get_by_label("Your rationale").fill("Safe to close: support in place.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The assessment is complete.")).to_be_visible()

    assessment = Assessment.objects.select_related("authorised_by", "submitted_by").get()
    assert (assessment.state, assessment.closure_reason) == ("completed", "RC8")
    assert (assessment.submitted_by.username, assessment.authorised_by.username) == (
        "sam.worker",
        "max.manager",
    )
    assert Contact.objects.get().state == "decided"
