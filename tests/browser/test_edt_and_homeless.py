"""In a real browser: the EDT records a handover on a phone-sized screen and the MACH
acknowledges it the next morning; a homeless presentation is walked to a decision. axe-core
finds no violations on any of their pages, and none scrolls sideways on a phone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessments.homeless.models import HomelessPresentation
from mach.models import Role, User
from tests.browser.conftest import accessibility_violations, sign_in
from triage.edt.models import EdtHandover

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def check(page: Page) -> None:
    """No accessibility violations, and no sideways scrolling at the current width."""
    page.wait_for_load_state("networkidle")
    assert accessibility_violations(page) == [], page.url
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def fill_date(page: Page, name: str, day: str) -> None:
    year, month, dom = day.split("-")
    page.locator(f"#{name}-day").fill(dom)
    page.locator(f"#{name}-month").fill(month)
    page.locator(f"#{name}-year").fill(year)


def test_an_edt_handover_recorded_on_a_phone_is_acknowledged_next_morning(
    page: Page, person_with_role: Callable[..., User]
) -> None:
    person_with_role("eddie.edt", Role.EDT_WORKER, team="edt")
    person_with_role("sam.worker", Role.SOCIAL_WORKER)
    sign_in(page, "eddie.edt")
    page.set_viewport_size(PHONE)

    page.goto("/edt-handovers/new/")
    check(page)
    page.locator("#action_taken-2").check()  # police protection
    page.locator("#outstanding_actions").fill("Strategy discussion first thing.")
    page.locator("#channel").select_option("edt")
    page.locator("#source").select_option("6")
    page.locator("#referrer-name").fill("PC B Ahmed")
    page.locator("#children-0-first_name").fill("Kai")
    page.locator("#children-0-last_name").fill("Brown")
    fill_date(page, "children-0-date_of_birth", "2019-06-14")
    page.locator("#concerns").fill("Kai was found alone at 01:00 and taken into police protection.")
    page.locator("#parental_awareness-0").check()
    page.get_by_role("button", name="Hand over to the MACH").last.click()

    expect(page.get_by_text("Handed over as contact")).to_be_visible()
    expect(page.get_by_role("heading", name="Emergency Duty Team handover")).to_be_visible()
    check(page)
    handover = EdtHandover.objects.get()
    assert handover.action_taken == "police_protection"

    # The next morning, a MACH worker opens the night's handovers and acknowledges it.
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    sign_in(page, "sam.worker")
    page.set_viewport_size(PHONE)
    page.goto("/edt-handovers/")
    expect(page.get_by_text("Waiting for oversight (1)")).to_be_visible()
    check(page)
    page.get_by_role("button", name="Acknowledge").click()

    expect(page.get_by_text("it goes on to screening")).to_be_visible()
    expect(page.get_by_text("Acknowledged in the last day (1)")).to_be_visible()
    check(page)
    assert EdtHandover.objects.get().state == "acknowledged"


def test_a_homeless_presentation_is_walked_to_a_decision(
    page: Page, person_with_role: Callable[..., User]
) -> None:
    person_with_role("sam.worker", Role.SOCIAL_WORKER)
    today = timezone.localdate().isoformat()
    born = (timezone.localdate() - timedelta(days=17 * 365)).isoformat()
    sign_in(page, "sam.worker")

    page.goto("/homeless-presentations/")
    check(page)
    page.goto("/homeless-presentations/leaflet/")
    check(page)
    page.goto("/homeless-presentations/new/")
    check(page)
    page.locator("#first_name").fill("Jade")
    page.locator("#last_name").fill("Patel")
    fill_date(page, "date_of_birth", born)
    page.locator("#presented_to-0").check()
    page.get_by_role("button", name="Record the presentation").click()
    expect(page.get_by_role("heading", name="Jade Patel")).to_be_visible()
    check(page)

    def step(link: str, fill: Callable[[], None], button: str) -> None:
        page.get_by_role("button", name=link).first.click()
        check(page)
        fill()
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("heading", name="Jade Patel")).to_be_visible()

    def account() -> None:
        page.locator("#account").fill("Mum told me to leave after we argued.")
        page.locator("#wishes_and_feelings").fill("Somewhere safe near college.")

    def rights() -> None:
        fill_date(page, "rights_explained_on", today)
        fill_date(page, "advocacy_offered_on", today)
        page.locator("#advocacy_taken_up-0").check()

    def accommodation() -> None:
        page.locator("#type-0").check()
        page.locator("#under_s20").check()

    def joint() -> None:
        page.locator("#housing_officer").fill("Pat Lewis")
        fill_date(page, "completed_on", today)
        page.locator("#summary").fill("Cannot return home safely now.")

    def decision() -> None:
        page.locator("#outcome-0").check()
        page.locator("#reason").fill("Needs care and support.")

    step("The young person's own account", account, "Record their account")
    step("Rights explained and advocacy offered", rights, "Record rights and advocacy")
    step("Suitable accommodation tonight", accommodation, "Record accommodation")
    step("Joint assessment with housing", joint, "Record the joint assessment")
    step("Decision", decision, "Record the decision")

    expect(page.get_by_text("Looked after (section 20)")).to_be_visible()
    check(page)
    presentation = HomelessPresentation.objects.get()
    assert presentation.state == "decided"
    page.goto(f"/children/{presentation.young_person_id}/")
    expect(page.get_by_text("Accommodated under section 20.")).to_be_visible()
    check(page)
