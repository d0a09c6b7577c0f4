"""The strategy discussion, s47 and conference pages refuse what the API refuses, and the
contact and child pages show the discussions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mach.models import User
from strategy_meetings.models import AgencyInformation, Conference, StrategyDiscussion
from tests.conftest import Api
from tests.web.conftest import SignedIn, page_text

pytestmark = pytest.mark.django_db


def _held_form(**overrides: str) -> dict[str, str]:
    day = timezone.localdate() - timedelta(days=1)
    form = {
        "held_on-day": str(day.day),
        "held_on-month": str(day.month),
        "held_on-year": str(day.year),
        "held_time": "10:00",
        "childrens_social_care_name": "Sam Worker",
        "childrens_social_care_role": "Social worker",
        "childrens_social_care_can_decide": "yes",
        "police_name": "DS Patel",
        "police_role": "Detective sergeant",
        "police_can_decide": "yes",
        "police_information": "Two call-outs since March.",
        "health_name": "Dr Khan",
        "health_role": "Named nurse",
        "health_can_decide": "yes",
        "analysis": "The violence is escalating with the child present: likely harm.",
    }
    form.update(overrides)
    return form


def test_held_without_health_is_refused_on_the_page_naming_health(
    discussion: dict[str, Any], social_worker: User, signed_in: SignedIn
) -> None:
    url = f"/strategy-discussions/{discussion['id']}/held/"

    refused = signed_in(social_worker).post(url, _held_form(health_name="", health_role=""))
    held = signed_in(social_worker).post(url, _held_form())

    assert refused.status_code == 400
    assert "Minimum attendance not met (missing: health)" in page_text(refused)
    assert held.status_code == 302
    assert StrategyDiscussion.objects.get().state == "held"


def test_on_the_page_a_police_attendee_who_cannot_decide_leaves_police_missing(
    discussion: dict[str, Any], social_worker: User, signed_in: SignedIn
) -> None:
    url = f"/strategy-discussions/{discussion['id']}/held/"
    form = _held_form()
    del form["police_can_decide"]  # the box left unticked

    refused = signed_in(social_worker).post(url, form)

    assert refused.status_code == 400
    assert "Minimum attendance not met (missing: police)" in page_text(refused)
    assert StrategyDiscussion.objects.get().state == "requested"


def test_an_invited_police_user_records_its_information_on_the_page(
    records: dict[str, int], police_partner: User, signed_in: SignedIn
) -> None:
    client = signed_in(police_partner)
    url = f"/strategy-discussions/{records['discussion']}/"

    shown = client.get(url)
    recorded = client.post(url + "information/", {"summary": "Father arrested last night."})

    assert shown.status_code == 200
    assert recorded.status_code == 302
    assert AgencyInformation.objects.filter(summary__startswith="Father arrested").get().agency == (
        "police"
    )


def test_the_contact_and_child_pages_show_the_discussion(
    discussion: dict[str, Any], social_worker: User, signed_in: SignedIn
) -> None:
    contact = page_text(signed_in(social_worker).get(f"/contacts/{discussion['contact']}/"))
    child = page_text(signed_in(social_worker).get(f"/children/{discussion['children'][0]}/"))

    assert f"Strategy discussion {discussion['id']}" in contact
    assert f"Strategy discussion {discussion['id']}" in child


def test_completing_the_s47_without_the_child_seen_is_refused_on_the_page(
    enquiry: dict[str, Any], social_worker: User, signed_in: SignedIn
) -> None:
    response = signed_in(social_worker).post(
        f"/s47-enquiries/{enquiry['id']}/complete/",
        {"outcome": "substantiated", "next_step": "conference"},
    )

    assert response.status_code == 400
    assert "Record the date the child was seen" in page_text(response)


def test_the_conference_page_warns_of_a_late_date_and_the_safety_plan_not_handled_here(
    records: dict[str, int], social_worker: User, signed_in: SignedIn, no_safety_plans: None
) -> None:
    conference = Conference.objects.get(pk=records["conference"])
    late = conference.due_date + timedelta(days=7)
    url = f"/conferences/{conference.pk}/"
    form = {
        "scheduled_for-day": str(late.day),
        "scheduled_for-month": str(late.month),
        "scheduled_for-year": str(late.year),
    }

    refused = signed_in(social_worker).post(url + "record/", form)
    saved = signed_in(social_worker).post(url + "record/", {**form, "late_reason": "Chair ill."})
    shown = page_text(signed_in(social_worker).get(url))

    assert refused.status_code == 400
    assert "after the due date" in page_text(refused)
    assert saved.status_code == 302
    assert "after the due date. Why: Chair ill." in shown
    assert "Not handled here" in shown


def test_the_conference_page_shows_who_attended(
    records: dict[str, int], social_worker: User, api_as: Api, signed_in: SignedIn
) -> None:
    conference = Conference.objects.get(pk=records["conference"])
    attendees = [{"agency": "health", "name": "Dr Khan", "role": "Named nurse"}]
    recorded = api_as(social_worker).patch(
        f"/api/v1/conferences/{conference.pk}/", {"attendees": attendees}, format="json"
    )

    shown = page_text(signed_in(social_worker).get(f"/conferences/{conference.pk}/"))

    assert recorded.status_code == 200, recorded.content
    assert "Dr Khan, Named nurse (Health)" in shown


def test_the_printable_record_shows_information_by_agency_and_the_decisions(
    records: dict[str, int], social_worker: User, signed_in: SignedIn
) -> None:
    shown = page_text(
        signed_in(social_worker).get(f"/strategy-discussions/{records['discussion']}/print/")
    )

    assert "Two call-outs for domestic abuse in March." in shown
    assert "Section 47 enquiry: joint with police" in shown
