"""The child protection path in a real browser, through the pages alone: a contact screened
as needing a strategy discussion, overseen, the discussion invited, a police user recording its
information, held with the minimum attendance, a joint s47 enquiry substantiated, and the
conference held with a plan. axe-core finds no violations on the pages on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mach.models import Role, User
from strategy_meetings.models import Conference, StrategyDiscussion
from tests.browser.conftest import accessibility_violations, sign_in
from tests.browser.test_main_path import _fill_date, _oversee, _record_contact, _sign_out

pytestmark = pytest.mark.browser


def _screen_for_strategy_discussion(page: Page) -> None:
    page.get_by_role("button", name="Screen this contact").click()
    page.get_by_role("radio", name=re.compile(r"^4: ")).check()
    page.get_by_role("radio", name="Red").check()
    page.get_by_label("The child's voice").fill("Amy said her dad hit her with a belt.")
    page.get_by_label("Analysis of the history").fill("First contact; no previous referrals.")
    page.get_by_role("group", name="Have the parents been consulted?").get_by_label("Yes").check()
    page.get_by_label("Analysis", exact=True).fill("A disclosure of physical abuse by a parent.")
    page.get_by_role("radio", name="Strategy discussion (s47)").check()
    page.get_by_label(re.compile("^Early help and lower options")).fill(
        "An assessment alone would leave Amy at home with the alleged abuser."
    )
    page.get_by_role("button", name="Send for oversight").click()
    expect(page.get_by_text("sent for oversight")).to_be_visible()


def _no_violations(page: Page) -> None:
    assert accessibility_violations(page) == []


def test_a_contact_goes_from_screening_to_a_child_protection_plan_through_the_pages(
    page: Page, person_with_role: Callable[..., User]
) -> None:
    person_with_role("sam.worker", Role.SOCIAL_WORKER)
    person_with_role("mo.manager", Role.MANAGER)
    person_with_role("pc.jones", Role.PARTNER_AGENCY, team="cleveland-police")

    sign_in(page, "sam.worker")
    contact = _record_contact(page)
    _screen_for_strategy_discussion(page)
    _sign_out(page)
    sign_in(page, "mo.manager")
    _oversee(page, contact)
    _sign_out(page)

    discussion = StrategyDiscussion.objects.get()
    sign_in(page, "sam.worker")
    page.get_by_role("link", name="Strategy discussions").click()
    _no_violations(page)
    page.get_by_role("link", name=f"Strategy discussion {discussion.pk}").click()
    expect(page.get_by_role("heading", name=re.compile("^Strategy discussion"))).to_be_visible()
    _no_violations(page)
    soon = timezone.localtime() + timedelta(hours=2)
    _fill_date(
        page.get_by_role("group", name="Date of the discussion"), soon.day, soon.month, soon.year
    )
    page.get_by_label("Time").first.fill(f"{soon:%H:%M}")
    page.get_by_label("Where").fill("MACH meeting room 2")
    page.get_by_label("Their agency").select_option("police")
    page.get_by_label("Name of the person invited").fill("DS Patel")
    page.get_by_label("Their role", exact=True).fill("Detective sergeant")
    page.get_by_label("Their organisation").fill("Cleveland Police")
    page.get_by_label("Their email address").fill("ds.patel@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("DS Patel was invited")).to_be_visible()
    # The police organisation takes part: its users may read this discussion.
    discussion.invitees.update(organisation_team=User.objects.get(username="pc.jones").team)
    _sign_out(page)

    sign_in(page, "pc.jones")
    page.goto(f"/strategy-discussions/{discussion.pk}/")
    _no_violations(page)
    page.get_by_label("Your agency's information").fill("Father arrested for assault in May.")
    page.get_by_role("button", name="Record the information").click()
    expect(page.get_by_text("Your agency's information was recorded.")).to_be_visible()
    _sign_out(page)

    sign_in(page, "sam.worker")
    page.goto(f"/strategy-discussions/{discussion.pk}/")
    earlier = timezone.localtime() - timedelta(minutes=30)
    _fill_date(
        page.get_by_role("group", name="Date held"), earlier.day, earlier.month, earlier.year
    )
    page.get_by_label("Time").last.fill(f"{earlier:%H:%M}")
    page.get_by_label("Children's social care: who attended").fill("Sam Worker")
    page.get_by_label("Children's social care: their role").fill("Social worker")
    page.get_by_label("Children's social care: senior enough to decide for the agency").check()
    page.get_by_label("Police: who attended").fill("DS Patel")
    page.get_by_label("Police: their role").fill("Detective sergeant")
    page.get_by_label("Police: senior enough to decide for the agency").check()
    page.get_by_label("Analysis", exact=True).fill(
        "A disclosure backed by police history: likely harm."
    )
    page.get_by_role("button", name="Record as held").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("missing: health")
    page.get_by_label("Health: who attended").fill("Dr Khan")
    page.get_by_label("Health: their role").fill("Named nurse")
    page.get_by_role("button", name="Record as held").click()
    # Someone sent only to listen does not make it quorate.
    expect(page.locator(".govuk-error-summary")).to_contain_text("missing: health")
    page.get_by_label("Health: senior enough to decide for the agency").check()
    page.get_by_role("button", name="Record as held").click()
    expect(page.get_by_text("The discussion is recorded as held.")).to_be_visible()

    page.get_by_role("radio", name="Section 47 enquiry: joint with police").check()
    page.get_by_label(re.compile("^What is shared with Amy Smith's family")).fill(
        "Not yet: police are investigating."
    )
    page.get_by_role("button", name="Record the decisions").click()
    expect(page.get_by_text("The decisions were recorded.")).to_be_visible()
    page.get_by_role("link", name="Amy Smith").click()
    _no_violations(page)

    today = timezone.localdate()
    _fill_date(
        page.get_by_role("group", name="Date the child was seen"),
        today.day,
        today.month,
        today.year,
    )
    page.get_by_role("group", name="Was the child seen alone?").get_by_label("Yes").check()
    page.get_by_label("The child's voice").fill("Amy said she wants her dad to stop hitting.")
    page.get_by_label("Add an enquiry made: agency").select_option("health")
    page.get_by_label("What was asked and learned").fill("GP: two earlier injuries.")
    _fill_date(page.get_by_role("group", name="When"), today.day, today.month, today.year)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The enquiry was saved.")).to_be_visible()
    page.get_by_role("radio", name="Concerns substantiated").check()
    page.get_by_role("radio", name="Initial child protection conference").check()
    page.get_by_role("button", name="Complete the enquiry").click()
    expect(page.get_by_text("The enquiry is complete.")).to_be_visible()

    conference = Conference.objects.get()
    page.get_by_role("link", name="Initial child protection conference").click()
    expect(
        page.get_by_text(f"Due {conference.due_date:%A} {conference.due_date.day}")
    ).to_be_visible()
    _no_violations(page)
    _fill_date(page.get_by_role("group", name="Date held"), today.day, today.month, today.year)
    page.get_by_role("radio", name="Child protection plan").check()
    page.get_by_role("radio", name="Physical abuse").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The conference was saved.")).to_be_visible()

    held = Conference.objects.values_list("state", "outcome", "category").get()
    assert held == ("held", "cp_plan", "physical")
