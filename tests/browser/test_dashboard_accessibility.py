"""axe-core finds no violations on the dashboard (charts, tables, links), the records behind
one of its numbers, the dashboard refusing a bad date, and a case audit's page; the dashboard
fits a phone's width."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from playwright.sync_api import Page, expect

from mach.models import Role, User
from mach.timescales import LONDON
from tests.browser.conftest import accessibility_violations, sign_in
from tests.factories import (
    ContactFactory,
    ContactPersonFactory,
    ReferralFactory,
    ScreeningFactory,
    TeamFactory,
)

pytestmark = pytest.mark.browser

PERIOD = "from=2026-11-02&to=2026-11-29"


@pytest.fixture
def figures(person_with_role: Callable[..., User]) -> None:
    person_with_role("ann.auditor", Role.AUDITOR, team="")
    north = TeamFactory(slug="north", name="North")
    for day, rereferral in ((3, True), (4, False), (11, True), (19, False)):
        contact = ContactFactory(
            team=north, received_at=datetime(2026, 11, day, 9, tzinfo=LONDON), outcome="assessment"
        )
        child = ContactPersonFactory(contact=contact).person
        ReferralFactory(
            contact=contact,
            child=child,
            team=north,
            referral_date=date(2026, 11, day),
            is_rereferral=rereferral,
        )
        ScreeningFactory(
            contact=contact,
            state="agreed",
            threshold_level=4 if rereferral else 3,
            submitted_at=datetime(2026, 11, day, 10, tzinfo=LONDON),
        )


def test_the_dashboard_has_no_accessibility_violations(page: Page, figures: None) -> None:
    sign_in(page, "ann.auditor")
    page.goto(f"/dashboard/?{PERIOD}")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_role("img", name="Conversion funnel (numbers in the table)")).to_be_visible()
    assert accessibility_violations(page) == []

    page.get_by_role("link", name="1 met, 2026-W45 north").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("G")
    assert accessibility_violations(page) == []


def test_a_bad_date_is_shown_accessibly(page: Page, figures: None) -> None:
    sign_in(page, "ann.auditor")
    page.goto("/dashboard/")
    page.get_by_label("From (YYYY-MM-DD)").fill("31 November")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert accessibility_violations(page) == []


def test_the_dashboard_fits_a_phone(page: Page, figures: None) -> None:
    sign_in(page, "ann.auditor")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/dashboard/?{PERIOD}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_a_case_audit_page_has_no_accessibility_violations(
    page: Page, figures: None, person_with_role: Callable[..., User]
) -> None:
    from mach.models import Person
    from tests.mach.test_audit_api import draft_audit

    child = Person.objects.filter(kind="child").first()
    assert child is not None
    audit = draft_audit(
        User.objects.get(username="ann.auditor"),
        child,
        person_with_role("sam.worker", Role.SOCIAL_WORKER),
    )
    sign_in(page, "ann.auditor")
    page.goto(f"/audits/{audit.pk}/")
    expect(page.get_by_role("heading", name="The audited record")).to_be_visible()
    assert accessibility_violations(page) == []


def test_starting_and_moderating_an_audit_have_no_accessibility_violations(
    page: Page, figures: None, person_with_role: Callable[..., User]
) -> None:
    from mach.models import CaseAudit, Person
    from mach.services import audits
    from tests.mach.test_audit_api import draft_audit

    child = Person.objects.filter(kind="child").first()
    assert child is not None
    sign_in(page, "ann.auditor")
    page.goto(f"/children/{child.pk}/")
    page.get_by_role("link", name="Audit this record").click()
    expect(page.get_by_role("heading", name="Start a case audit", level=1)).to_be_visible()
    assert accessibility_violations(page) == []
    page.get_by_role("button", name="Record the audit").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert accessibility_violations(page) == []

    author = person_with_role("ola.auditor", Role.AUDITOR, team="")
    audit = draft_audit(author, child, person_with_role("sam.worker", Role.SOCIAL_WORKER))
    audits.audit_submit(actor=author, audit=audit, draw=0.0)
    assert CaseAudit.objects.get(pk=audit.pk).state == "moderation"
    page.goto(f"/audits/{audit.pk}/")
    expect(page.get_by_role("heading", name="Moderate the audit")).to_be_visible()
    assert accessibility_violations(page) == []
