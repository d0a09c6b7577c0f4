"""A safety plan written in a real browser: the editor's live checks turn from failed to passed
while the worker types, the plan is agreed, and the family version downloads as a PDF whose
text reads back. axe-core finds no violations on the editor or the plan's page, and both fit a
phone."""

from __future__ import annotations

import io
from collections.abc import Callable

import pypdf
import pytest
from playwright.sync_api import Page, expect

from mach.models import Role, User
from safety_plans.demo import FAMILY_VERSION
from strategy_meetings import services as strategy_services
from tests.browser.conftest import accessibility_violations, sign_in
from tests.factories import ChildFactory

pytestmark = pytest.mark.browser


def test_a_worker_writes_a_plan_watches_its_checks_pass_agrees_it_and_prints_it(
    page: Page, person_with_role: Callable[..., User]
) -> None:
    person_with_role("sam.worker", Role.SOCIAL_WORKER)
    manager = person_with_role("mo.manager", Role.MANAGER)
    amy = ChildFactory(first_name="Amy", last_name="Smith")
    # A strategy discussion asked for on Amy's case: her case is open, so a plan may stand alone.
    strategy_services.discussion_request(
        actor=manager,
        children=[amy],
        rag="amber",
        reasonable_cause="Amy said her dad hit her.",
        lower_options_rejected="Early help cannot keep Amy safe from an adult at home.",
    )

    sign_in(page, "sam.worker")
    page.goto(f"/children/{amy.pk}/")
    page.get_by_role("link", name="Start a safety plan").click()
    expect(page.get_by_role("heading", name="Write a safety plan for Amy Smith")).to_be_visible()
    assert accessibility_violations(page) == []

    page.get_by_label("What we are worried will happen").fill("Amy could get hurt at home.")
    page.get_by_label("Safety goals").fill("Amy feels safe at home every day.")
    person_1 = page.get_by_role("group", name="Person 1")
    person_1.get_by_label("Name").fill("Jo Smith")
    person_1.get_by_label("Relationship to the child").fill("Mum")
    person_1.get_by_label("A parent").check()
    person_2 = page.get_by_role("group", name="Person 2")
    person_2.get_by_label("Name").fill("Pat Smith")
    person_2.get_by_label("Relationship to the child").fill("Gran")
    person_2.get_by_label("What they will do").fill("Visits every day after school")
    action = page.get_by_role("group", name="Action 1")
    action.get_by_label("Who", exact=True).fill("Gran")
    action.get_by_label("Will do what").fill("visit every day after school")
    action.get_by_label("Who checks it happened").fill("Social worker")
    page.get_by_label("The child's own words").fill("I like it when Gran is there.")

    length = page.locator('[data-check="length"]')
    family_version = page.get_by_label("The family version")
    family_version.fill("Gran will visit Amy every day.")
    expect(length).to_contain_text("Failed")
    expect(length).to_contain_text("Too short (6 words")
    family_version.fill(FAMILY_VERSION)
    expect(length).to_contain_text("Passed")
    expect(page.get_by_role("status")).to_contain_text("7 of 7 checks pass.")

    page.get_by_role("button", name="Save this version").click()
    expect(page.get_by_text("The plan was saved as version 1.")).to_be_visible()
    assert accessibility_violations(page) == []
    page.get_by_label("Who in the family and network agreed the plan").fill("Jo and Pat Smith")
    page.get_by_role("button", name="Agree version 1").click()
    expect(page.get_by_text("The plan was agreed.")).to_be_visible()
    assert accessibility_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the family version (PDF)").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        reader = pypdf.PdfReader(io.BytesIO(pdf.read()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Our safety plan for Amy" in text
    assert "Pat Smith" in text
    assert "When we will look at the plan again" in text

    # The plan's page and its editor fit a 390-px phone without sideways scrolling.
    plan_url = page.url
    page.set_viewport_size({"width": 390, "height": 844})
    for path in (plan_url, plan_url + "edit/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
