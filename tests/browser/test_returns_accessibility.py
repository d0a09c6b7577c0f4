"""axe-core finds no violations on the statutory returns' pages, and they fit a 390-px phone:
the returns page, its data-quality list with records to fix, the census forms on a child and
an episode, and a census form refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from mach.models import Person, Referral, Role, User
from tests.browser.conftest import accessibility_violations, sign_in
from tests.returns import dataset

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def records(person_with_role: Callable[..., User]) -> dict[str, Any]:
    worker = person_with_role("sam.worker", Role.SOCIAL_WORKER)
    person_with_role("mo.manager", Role.MANAGER)
    data = dataset.build(worker)
    Person.objects.filter(pk=data.children["c"].pk).update(disabilities=[])
    Referral.objects.filter(pk=data.referrals["b"].pk).update(primary_need="")
    return {"child": data.children["c"].pk, "referral": data.referrals["c"].pk}


PAGES: list[tuple[str, str, str]] = [
    ("returns", "mo.manager", "/returns/"),
    ("data quality", "mo.manager", "/returns/data-quality/?year=2027"),
    ("census details", "sam.worker", "/children/{child}/census/"),
    ("census details refused", "sam.worker", "/children/{child}/census/?refused"),
    ("primary need", "sam.worker", "/referrals/{referral}/primary-need/"),
    ("close an episode", "sam.worker", "/referrals/{referral}/close/"),
    ("child page with episodes", "sam.worker", "/children/{child}/"),
]


@pytest.mark.parametrize(("username", "path"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_the_returns_pages_are_accessible_and_fit_a_phone(
    page: Page, records: dict[str, Any], username: str, path: str
) -> None:
    sign_in(page, username)
    page.goto(path.format(**records).removesuffix("?refused"))
    if path.endswith("?refused"):
        page.get_by_label("Unique pupil number (UPN)").fill("A801200005001")
        page.get_by_role("button", name="Save the census details").click()
        expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert accessibility_violations(page) == []
    page.set_viewport_size(PHONE)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
