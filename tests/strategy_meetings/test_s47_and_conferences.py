"""Section 47 enquiries (G8) and initial child protection conferences (spec 7)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from mach.models import Event, User
from strategy_meetings.models import Conference, S47Enquiry, StrategyDiscussion
from strategy_meetings.selectors import strategy_entries
from tests.conftest import Api
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

FINDINGS = {
    "child_seen_on": "2026-11-30",
    "seen_alone": True,
    "childs_voice": "Amy said she hides in her room when dad comes home.",
    "enquiries": [
        {"agency": "police", "summary": "PNC checks on father.", "made_on": "2026-11-30"}
    ],
}


def _url(enquiry: dict[str, Any], suffix: str = "") -> str:
    return f"/api/v1/s47-enquiries/{enquiry['id']}/{suffix}"


def test_an_s47_decision_opens_one_enquiry_per_child_from_the_discussion_date(
    held: dict[str, Any], enquiry: dict[str, Any]
) -> None:
    assert enquiry["state"] == "open"
    assert enquiry["child"] == held["children"][0]
    assert enquiry["joint_with_police"] is True
    assert enquiry["started_on"] == held["held_at"][:10]


def test_completion_is_refused_without_the_child_seen_voice_and_an_enquiry(
    enquiry: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    api = api_as(social_worker)
    complete = {"outcome": "substantiated", "next_step": "conference"}

    bare = api.post(_url(enquiry, "complete/"), complete, format="json")
    api.patch(_url(enquiry), {k: v for k, v in FINDINGS.items() if k != "enquiries"}, format="json")
    without_enquiry = api.post(_url(enquiry, "complete/"), complete, format="json")
    api.patch(_url(enquiry), {"enquiries": FINDINGS["enquiries"]}, format="json")
    done = api.post(_url(enquiry, "complete/"), complete, format="json")

    assert (bare.status_code, without_enquiry.status_code) == (409, 409)
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "completed"


def test_substantiated_leads_to_a_conference_due_15_working_days_after_the_discussion(
    enquiry: dict[str, Any], social_worker: User, api_as: Api, no_safety_plans: None
) -> None:
    # The discussion held on Friday 18 December 2026 (day 0): 21-24 Dec are days 1-4,
    # Christmas Day and Boxing Day (observed Monday 28th) are skipped, 29-31 Dec are 5-7, New
    # Year's Day is skipped, 4-8 Jan are 8-12: day 15 is Wednesday 13 January 2027.
    StrategyDiscussion.objects.update(held_at=datetime(2026, 12, 18, 11, 0, tzinfo=UTC))
    api = api_as(social_worker)
    api.patch(_url(enquiry), FINDINGS, format="json")

    done = api.post(
        _url(enquiry, "complete/"),
        {"outcome": "substantiated", "next_step": "conference"},
        format="json",
    )

    conference = api.get(f"/api/v1/conferences/{done.json()['conference']}/").json()
    assert conference["due_date"] == "2027-01-13"
    assert conference["children"] == [enquiry["child"]]
    assert conference["safety_plan"] == "not handled here"
    step = Event.objects.get(action="next_step_not_handled", data__step="safety_plan")
    assert step.data["child"] == enquiry["child"]
    chronology = api.get(f"/api/v1/children/{enquiry['child']}/chronology/").json()
    kinds = {entry["kind"] for entry in chronology}
    assert {"strategy_discussion", "s47_enquiry", "conference"} <= kinds


def test_a_child_in_no_discussion_costs_the_chronology_one_query(
    enquiry: dict[str, Any], django_assert_num_queries: Any
) -> None:
    outsider = ChildFactory()

    with django_assert_num_queries(1):
        assert strategy_entries([outsider.pk]) == []
    with django_assert_num_queries(3):  # discussions, enquiries, conferences (none yet)
        assert len(strategy_entries([enquiry["child"]])) == 2


def test_not_substantiated_records_conference_not_required(
    enquiry: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    api = api_as(social_worker)
    api.patch(_url(enquiry), FINDINGS, format="json")

    wrong = api.post(
        _url(enquiry, "complete/"),
        {"outcome": "not_substantiated", "next_step": "conference"},
        format="json",
    )
    done = api.post(
        _url(enquiry, "complete/"),
        {"outcome": "not_substantiated", "next_step": "cin_plan"},
        format="json",
    )

    assert wrong.status_code == 400 and "next_step" in wrong.json()
    assert done.json()["conference_required"] is False
    assert not Conference.objects.exists()
    chronology = api.get(f"/api/v1/children/{enquiry['child']}/chronology/").json()
    assert "conference not required" in str(chronology)


@pytest.fixture
def conference(enquiry: dict[str, Any], social_worker: User, api_as: Api) -> dict[str, Any]:
    api = api_as(social_worker)
    api.patch(_url(enquiry), FINDINGS, format="json")
    done = api.post(
        _url(enquiry, "complete/"),
        {"outcome": "substantiated", "next_step": "conference"},
        format="json",
    )
    return dict(api.get(f"/api/v1/conferences/{done.json()['conference']}/").json())


def test_a_date_after_the_due_date_needs_the_reason(
    conference: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    url = f"/api/v1/conferences/{conference['id']}/"
    late = date.fromisoformat(conference["due_date"]).replace(year=2099).isoformat()

    refused = api_as(social_worker).patch(url, {"scheduled_for": late}, format="json")
    accepted = api_as(social_worker).patch(
        url, {"scheduled_for": late, "late_reason": "Chair unavailable."}, format="json"
    )

    assert refused.status_code == 400 and "late_reason" in refused.json()
    assert accepted.json()["scheduled_after_due_date"] is True


def test_held_with_a_plan_needs_its_category(
    conference: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    url = f"/api/v1/conferences/{conference['id']}/"
    today = date.today().isoformat()

    refused = api_as(social_worker).patch(
        url, {"held_on": today, "outcome": "cp_plan"}, format="json"
    )
    held = api_as(social_worker).patch(
        url, {"held_on": today, "outcome": "cp_plan", "category": "neglect"}, format="json"
    )
    again = api_as(social_worker).patch(url, {"outcome": "no_plan"}, format="json")

    assert refused.status_code == 400 and "category" in refused.json()
    assert held.json()["state"] == "held"
    assert again.status_code == 409


def test_the_decision_and_enquiry_write_events(enquiry: dict[str, Any]) -> None:
    from mach.audit import events_for

    actions = [e.action for e in events_for(S47Enquiry.objects.get())]
    assert actions == ["s47_enquiry_opened"]


def test_a_second_decision_is_refused(
    held: dict[str, Any], enquiry: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    response = api_as(social_worker).post(
        f"/api/v1/strategy-discussions/{held['id']}/decision/",
        {
            "decisions": [
                {"child": enquiry["child"], "decision": "no_s47_nfa", "share_with_family": "x"}
            ]
        },
        format="json",
    )

    assert response.status_code == 409
    assert S47Enquiry.objects.count() == 1
