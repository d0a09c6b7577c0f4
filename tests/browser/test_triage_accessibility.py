"""axe-core finds no violations on the triage workflow's pages, in the states users meet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from playwright.sync_api import Page

from mach.models import Contact, Role, User
from mach.services import PersonInput, contact_create
from tests.browser.conftest import accessibility_violations, sign_in
from triage import services
from triage.models import ConsultationException, PatternFlag

pytestmark = pytest.mark.browser

SCREENING = {
    "threshold_level": 2,
    "rag": "red",
    "childs_voice": "Amy said she hides upstairs.",
    "history_analysis": "Third police call-out this year.",
    "parents_consulted": False,
    "parents_not_consulted_reason": "Police investigation.",
    "analysis": "Escalating domestic abuse.",
    "recommended_outcome": "strategy_discussion",
    "alternatives_considered": "Early help declined twice.",
}


@pytest.fixture
def triage_records(person_with_role: Callable[..., User]) -> dict[str, int]:
    worker = person_with_role("sam.worker", Role.SOCIAL_WORKER)
    manager = person_with_role("mo.manager", Role.MANAGER)
    police = person_with_role("cleveland.police", Role.PARTNER_AGENCY, team="cleveland-police")
    amy = PersonInput(
        first_name="Amy",
        last_name="Smith",
        date_of_birth=date(2015, 3, 2),
        address={"postcode": "TS1 2AB"},
    )

    def contact(received: str) -> Contact:
        return contact_create(
            actor=worker,
            received_at=datetime.fromisoformat(received),
            channel="phone",
            source="6",
            referrer={"name": "PC A Jones", "organisation": "Cleveland Police"},
            children=[amy],
            adults=[PersonInput(first_name="Jo", last_name="Smith", relationship="mother")],
            concerns="Police called to a domestic incident.",
            parental_awareness="not_informed",
            parental_awareness_reason="Police investigation.",
        )

    contact("2026-05-01T10:00:00+00:00")
    decided = contact("2026-09-01T10:00:00+00:00")
    services.screening_submit(actor=worker, contact=decided, **{**SCREENING, "threshold_level": 4})
    services.oversight_decide(actor=manager, contact=decided, decision="agree", rationale="Yes.")
    screened = contact("2026-11-02T10:00:00+00:00")
    services.screening_submit(actor=worker, contact=screened, **SCREENING)
    received = contact("2026-11-03T10:00:00+00:00")
    services.consultation_attempt_record(
        actor=worker, contact=received, method="phone", outcome="No answer."
    )
    services.consultation_exception_request(
        actor=worker, contact=received, ground="unreachable", details="No answer.", attempts="3"
    )
    services.parent_consultation_record(
        consulted_with="Jo Smith (mother)",
        method="phone",
        actor=worker,
        contact=received,
        summary="Agreed.",
    )
    assert police.team is not None
    request = services.partner_request_send(
        actor=worker,
        contact=received,
        agency="police",
        question="Any history?",
        organisation=police.team,
    )
    return {
        "decided": decided.pk,
        "screened": screened.pk,
        "received": received.pk,
        "flag": PatternFlag.objects.get().pk,
        "exception": ConsultationException.objects.get().pk,
        "request": request.pk,
    }


# (id, who, path, submit the form empty first)
PAGES: list[tuple[str, str, str, bool]] = [
    ("screening", "sam.worker", "/contacts/{received}/screening/", False),
    ("screening with errors", "sam.worker", "/contacts/{received}/screening/", True),
    ("contact with partner requests", "sam.worker", "/contacts/{received}/", False),
    ("decided contact with referral", "sam.worker", "/contacts/{decided}/", False),
    ("oversight queue", "mo.manager", "/oversight/", False),
    ("oversight with warnings", "mo.manager", "/contacts/{screened}/oversight/", False),
    ("oversight with errors", "mo.manager", "/contacts/{screened}/oversight/", True),
    (
        "threshold authorisation",
        "mo.manager",
        "/contacts/{screened}/threshold-authorisation/",
        False,
    ),
    ("pattern review", "mo.manager", "/pattern-flags/{flag}/review/", False),
    (
        "parents consulted with errors",
        "sam.worker",
        "/contacts/{received}/parents-consulted/",
        True,
    ),
    (
        "parents not reached with errors",
        "sam.worker",
        "/contacts/{received}/parents-not-reached/",
        True,
    ),
    ("exception request", "sam.worker", "/contacts/{received}/consultation-exception/", False),
    ("exception decision", "mo.manager", "/consultation-exceptions/{exception}/decision/", False),
    ("partner request", "sam.worker", "/contacts/{received}/partner-requests/new/", False),
    ("information requests", "cleveland.police", "/information-requests/", False),
    ("partner response", "cleveland.police", "/partner-requests/{request}/response/", False),
]


@pytest.mark.parametrize(
    ("username", "path", "submit_empty"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES]
)
def test_the_triage_page_has_no_accessibility_violations(
    page: Page, triage_records: dict[str, int], username: str, path: str, submit_empty: bool
) -> None:
    sign_in(page, username)
    page.goto(path.format(**triage_records))
    if submit_empty:
        page.locator("main form[method=post] button[type=submit]").last.click()
        page.locator(".govuk-error-summary").wait_for()
    page.wait_for_load_state("networkidle")

    assert accessibility_violations(page) == []
