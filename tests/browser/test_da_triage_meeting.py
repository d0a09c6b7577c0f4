"""A domestic-abuse triage meeting in a real browser, through the pages alone: a worker records
a notification beside the one the police sent, opens the next day's meeting, reads the history
beside each item and records each agency's view, a challenge and the decisions (the high-risk
one a MARAC referral, refused first without it). The meeting closes; axe-core finds no
violations on the way, and the meeting page fits a phone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mach import timescales
from mach.models import AgencyType, Role, Team, User
from mach.services import PersonInput
from tests.browser.conftest import accessibility_violations, sign_in
from tests.browser.test_main_path import _fill_date
from tests.browser.test_phone_width import PHONE
from triage.domestic_abuse.services import NotifiedChild, notification_create
from triage.models import DomesticAbuseNotification, TriageMeeting

pytestmark = pytest.mark.browser


def _no_violations(page: Page) -> None:
    assert accessibility_violations(page) == []


def _police_notification(police: User) -> None:
    notification_create(
        actor=police,
        police_reference="CP/BROWSER/1",
        incident_at=timezone.now() - timedelta(hours=6),
        dash_level="high",
        dash_ticks=15,
        victim=PersonInput(first_name="Kim", last_name="Taylor", date_of_birth=date(1993, 2, 2)),
        perpetrator=PersonInput(first_name="Dan", last_name="Taylor"),
        children=[
            NotifiedChild(
                PersonInput(
                    first_name="Mia",
                    last_name="Taylor",
                    date_of_birth=date(2012, 9, 14),
                    school="Acklam Grange",
                ),
                True,
                "Mia called 999.",
            )
        ],
        summary="Threats with a knife.",
    )


def _record_notification(page: Page) -> None:
    page.get_by_role("link", name="Record a notification").click()
    _no_violations(page)
    page.get_by_label("Police reference").fill("CP/BROWSER/2")
    today = timezone.localdate()
    _fill_date(
        page.get_by_role("group", name="Date of the incident"), today.day, today.month, today.year
    )
    page.get_by_label("Time of the incident").fill("00:01")
    page.get_by_label("DASH risk level").select_option("standard")
    page.get_by_label("DASH ticks (optional)").fill("4")
    page.get_by_label("Victim's first name").fill("Jo")
    page.get_by_label("Victim's last name").fill("Smith")
    page.get_by_label("Alleged perpetrator's first name").fill("Lee")
    page.get_by_label("Alleged perpetrator's last name").fill("Brown")
    page.get_by_label("Child's first name").fill("Amy")
    page.get_by_label("Child's last name").fill("Smith")
    _fill_date(page.get_by_role("group", name="Child's date of birth"), 2, 3, 2015)
    page.get_by_label("Summary of the incident").fill("Shouting heard by neighbours.")
    page.get_by_role("button", name="Record the notification").click()
    expect(page.get_by_role("heading", name="CP/BROWSER/2")).to_be_visible()


def _decide(page: Page, reference: str, decision: str, *, marac: bool = False) -> None:
    page.get_by_role("link", name=reference).first.click()
    page.get_by_label("Police: view").fill("Second call-out to the address this year.")
    page.get_by_label("Health: view").fill("Known to the health visitor.")
    page.get_by_label("Challenge raised by (optional)").select_option("domestic_abuse_service")
    page.get_by_label("What was challenged").fill("The risk to the children is understated.")
    page.get_by_label("How the challenge was resolved").fill("Agreed; decision raised.")
    if marac:
        # High risk: early help alone is refused, naming the criterion.
        page.get_by_role("radio", name="Early help offer").check()
        page.get_by_role("button", name="Record the triage decision").click()
        expect(page.get_by_text("A MARAC referral is required: High risk").first).to_be_visible()
        _no_violations(page)
        page.get_by_label("Refer to MARAC").check()
    page.get_by_role("radio", name=decision).check()
    page.get_by_role("button", name="Record the triage decision").click()
    expect(page.get_by_text(f"Notification {reference} triaged.")).to_be_visible()


def test_a_triage_meeting_runs_from_notifications_to_decisions(
    page: Page, person_with_role: Callable[..., User]
) -> None:
    person_with_role("sam.worker", Role.SOCIAL_WORKER)
    police = person_with_role("pc.jones", Role.PARTNER_AGENCY, team="cleveland-police")
    Team.objects.filter(slug="cleveland-police").update(agency=AgencyType.POLICE)
    police.refresh_from_db()
    _police_notification(police)

    sign_in(page, "sam.worker")
    page.get_by_role("link", name="Domestic abuse").click()
    _no_violations(page)
    _record_notification(page)
    _no_violations(page)

    page.goto("/domestic-abuse/meetings/")
    _no_violations(page)
    day = timescales.WorkingCalendar.current().next_working_day(timezone.localdate())
    _fill_date(page.get_by_role("group", name="Date of the meeting"), day.day, day.month, day.year)
    page.get_by_role("button", name="Open the meeting").click()
    expect(page.get_by_text("2 notifications on the agenda; 2 undecided.")).to_be_visible()
    expect(page.get_by_role("heading", name="CP/BROWSER/1")).to_be_visible()
    _no_violations(page)
    meeting_url = page.url

    _decide(page, "CP/BROWSER/2", "Early help offer")
    page.goto(meeting_url)
    _decide(page, "CP/BROWSER/1", "MARAC referral", marac=True)
    page.goto(meeting_url)

    expect(page.get_by_text("2 notifications on the agenda; 0 undecided.")).to_be_visible()
    _no_violations(page)
    assert TriageMeeting.objects.get().state == "closed"
    assert DomesticAbuseNotification.objects.get(police_reference="CP/BROWSER/1").marac_referral
    # The meeting page fits a phone: its history tables scroll inside their own container.
    page.set_viewport_size(PHONE)
    page.goto(meeting_url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
