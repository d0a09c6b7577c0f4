"""axe-core finds no violations on the assessment pages, in each state a worker or a manager
meets them: the list, an open assessment with an action, its findings refused, and an outcome
awaiting the manager's authorisation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Assessment
from assessments.services import assessment_action_add, assessment_record, assessment_submit
from mach.models import Contact, Role, User
from mach.services import PersonInput, contact_create
from tests.assessments.test_assessment_pages import FINDINGS
from tests.browser.conftest import accessibility_violations, sign_in
from triage.services import oversight_decide, screening_submit

pytestmark = pytest.mark.browser


def _assessed(worker: User, manager: User, child: PersonInput) -> Assessment:
    """A contact about the child, screened by the worker and agreed by the manager as needing
    an assessment: its assessment."""
    contact: Contact = contact_create(
        actor=worker,
        received_at=datetime.fromisoformat("2026-11-02T10:00:00+00:00"),
        channel="phone",
        source="6",
        referrer={"name": "PC A Jones", "organisation": "Cleveland Police"},
        children=[child],
        adults=[],
        concerns="Police called to a domestic incident.",
        parental_awareness="informed_and_consents",
        parental_awareness_reason="",
    )
    screening_submit(
        actor=worker,
        contact=contact,
        threshold_level=4,
        rag="amber",
        childs_voice="The child told her teacher she is scared when her dad shouts.",
        history_analysis="First contact; no earlier history.",
        parents_consulted=True,
        analysis="Domestic abuse with the child present.",
        recommended_outcome="assessment",
        alternatives_considered="Early help would not address the risk.",
    )
    oversight_decide(actor=manager, contact=contact, decision="agree", rationale="Assess.")
    return Assessment.objects.get(referral__contact=contact)


@pytest.fixture
def assessments(person_with_role: Callable[..., User]) -> dict[str, int]:
    """An open assessment with an action; another a worker sent for authorisation."""
    worker = person_with_role("sam.worker", Role.SOCIAL_WORKER)
    manager = person_with_role("mo.manager", Role.MANAGER)
    opened = _assessed(
        worker,
        manager,
        PersonInput(first_name="Amy", last_name="Smith", date_of_birth=date(2015, 3, 2)),
    )
    awaiting = _assessed(
        worker,
        manager,
        PersonInput(first_name="Ben", last_name="Jones", date_of_birth=date(2018, 7, 9)),
    )
    assessment_action_add(
        actor=worker,
        assessment=opened,
        description="School to refer Amy to counselling",
        owner="Ms Head, Linthorpe Primary",
        due_on=date(2026, 12, 1),
    )
    assessment_record(actor=worker, assessment=awaiting, **FINDINGS)
    assessment_submit(actor=worker, assessment=awaiting, outcome="cin_plan")
    return {"open": opened.pk, "awaiting": awaiting.pk}


PAGES: list[tuple[str, str, str]] = [
    ("assessments", "sam.worker", "/assessments/"),
    ("open assessment", "sam.worker", "/assessments/{open}/"),
    ("findings refused", "sam.worker", "/assessments/{open}/?refused"),
    ("awaiting authorisation", "mo.manager", "/assessments/{awaiting}/"),
]


def _refuse_the_findings(page: Page) -> None:
    """Post findings with a date that is not real and factor 21 beside another."""
    seen = page.get_by_role("group", name="Date the child was seen")
    for label, value in zip(("Day", "Month", "Year"), ("31", "11", "2026"), strict=True):
        seen.get_by_label(label).fill(value)
    page.get_by_label("21: No factors identified").check()
    page.get_by_label("16A: Neglect").check()
    page.get_by_role("button", name="Save the findings").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()


@pytest.mark.parametrize(("username", "path"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_the_assessment_page_has_no_accessibility_violations(
    page: Page, assessments: dict[str, int], username: str, path: str
) -> None:
    sign_in(page, username)
    page.goto(path.format(**assessments).removesuffix("?refused"))
    if path.endswith("?refused"):
        _refuse_the_findings(page)
    page.wait_for_load_state("networkidle")

    assert accessibility_violations(page) == []
