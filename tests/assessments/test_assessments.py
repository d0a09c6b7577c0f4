"""Child and family assessments (s17): 45 working days, the child's voice, the network (G10)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from assessments.models import Assessment
from mach.deadlines import sweep
from mach.models import Alert, User
from tests.conftest import Api

pytestmark = pytest.mark.django_db
FINDINGS = {
    "child_seen_on": "2026-11-20",
    "child_seen_alone": True,
    "childs_voice": "Amy said she feels safe with her nan.",
    "family_network_involvement": "Maternal grandmother and aunt spoken to; both offer support.",
    "analysis": "Risk reduced since father left; mother engaging.",
    "factors": ["3B", "16A"],
}


@pytest.fixture
def assessment(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> dict[str, Any]:
    contact = screened_contact({"received_at": "2026-11-02T10:00:00+00:00"})
    api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "Assessment needed."},
        format="json",
    )
    return dict(api_as(manager).get("/api/v1/assessments/").json()["results"][0])


def _url(assessment: dict[str, Any], suffix: str = "") -> str:
    return f"/api/v1/assessments/{assessment['id']}/{suffix}"


def test_assessment_opens_due_45_working_days_after_the_referral_date(
    assessment: dict[str, Any],
) -> None:
    # From Monday 2 Nov 2026 (day 0): 20 working days to 30 Nov, 38 to Thursday 24 Dec; then
    # Christmas Day (Fri 25), Boxing Day observed (Mon 28) and New Year's Day (Fri 1 Jan) are
    # skipped: 41 on Thursday 31 Dec, 45 on Thursday 7 January 2027.
    assert (assessment["referral_date"], assessment["due_on"]) == ("2026-11-02", "2027-01-07")
    assert assessment["state"] == "open"


def test_submission_without_the_findings_is_refused_naming_each(
    assessment: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    response = api_as(social_worker).post(
        _url(assessment, "submit/"), {"outcome": "cin_plan"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) >= {
        "child_seen_on",
        "child_seen_alone",
        "childs_voice",
        "family_network_involvement",
        "analysis",
        "factors",
    }


def test_factor_21_must_stand_alone(
    assessment: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    response = api_as(social_worker).patch(
        _url(assessment), {"factors": ["21", "16A"]}, format="json"
    )

    assert response.status_code == 400
    assert "factors" in response.json()


def test_unknown_factor_is_refused(
    assessment: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    response = api_as(social_worker).patch(_url(assessment), {"factors": ["99Z"]}, format="json")

    assert response.status_code == 400


def test_closure_is_refused_while_actions_are_open(
    assessment: dict[str, Any],
    social_worker: User,
    manager: User,
    second_manager: User,
    api_as: Api,
) -> None:
    worker = api_as(social_worker)
    worker.patch(_url(assessment), FINDINGS, format="json")
    with_action = worker.post(
        _url(assessment, "actions/"),
        {
            "description": "School to refer to counselling",
            "owner": "Head teacher",
            "due_on": "2026-12-01",
        },
        format="json",
    ).json()
    closure = {"outcome": "closure", "closure_reason": "RC9"}

    refused = worker.post(_url(assessment, "submit/"), closure, format="json")
    worker.post(f"/api/v1/assessment-actions/{with_action['actions'][0]['id']}/complete/")
    submitted = worker.post(_url(assessment, "submit/"), closure, format="json")

    assert refused.status_code == 409
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "awaiting_authorisation"


def test_stepping_down_to_early_help_is_a_closure_refused_while_actions_are_open(
    assessment: dict[str, Any], social_worker: User, second_manager: User, api_as: Api
) -> None:
    worker = api_as(social_worker)
    worker.patch(_url(assessment), FINDINGS, format="json")
    action = {"description": "Nursery place", "owner": "Family hub", "due_on": "2026-12-01"}
    with_action = worker.post(_url(assessment, "actions/"), action, format="json").json()
    step_down = {"outcome": "early_help"}

    refused = worker.post(_url(assessment, "submit/"), step_down, format="json")
    worker.post(f"/api/v1/assessment-actions/{with_action['actions'][0]['id']}/complete/")
    submitted = worker.post(_url(assessment, "submit/"), step_down, format="json")
    authorised = api_as(second_manager).post(
        _url(assessment, "authorise/"),
        {"authorise": True, "rationale": "Family hub takes it on."},
        format="json",
    )

    assert refused.status_code == 409
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["closure_reason"] == "RC9"
    assert authorised.json()["state"] == "completed"
    assert Assessment.objects.get(pk=assessment["id"]).closure_reason == "RC9"


def test_closure_needs_rc8_or_rc9(
    assessment: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    worker = api_as(social_worker)
    worker.patch(_url(assessment), FINDINGS, format="json")

    response = worker.post(_url(assessment, "submit/"), {"outcome": "closure"}, format="json")

    assert response.status_code == 400
    assert "closure_reason" in response.json()


def test_a_manager_other_than_the_submitter_authorises_completion(
    assessment: dict[str, Any],
    social_worker: User,
    manager: User,
    api_as: Api,
) -> None:
    worker = api_as(social_worker)
    worker.patch(_url(assessment), FINDINGS, format="json")
    worker.post(_url(assessment, "submit/"), {"outcome": "cin_plan"}, format="json")

    by_worker = worker.post(
        _url(assessment, "authorise/"), {"authorise": True, "rationale": "x"}, format="json"
    )
    by_manager = api_as(manager).post(
        _url(assessment, "authorise/"),
        {"authorise": True, "rationale": "Plan is clear."},
        format="json",
    )

    assert by_worker.status_code == 403
    assert by_manager.status_code == 200
    body = by_manager.json()
    assert (body["state"], body["authorised_by"]) == ("completed", manager.username)
    assert Assessment.objects.get(pk=assessment["id"]).next_alert_at is None


def test_an_authorised_s47_outcome_opens_a_strategy_discussion_for_the_child(
    assessment: dict[str, Any], social_worker: User, manager: User, api_as: Api
) -> None:
    worker = api_as(social_worker)
    worker.patch(_url(assessment), FINDINGS, format="json")
    worker.post(_url(assessment, "submit/"), {"outcome": "strategy_discussion"}, format="json")
    before = api_as(manager).get("/api/v1/strategy-discussions/").json()["results"]

    authorised = api_as(manager).post(
        _url(assessment, "authorise/"),
        {"authorise": True, "rationale": "Disclosure during the assessment."},
        format="json",
    )
    after = api_as(manager).get("/api/v1/strategy-discussions/").json()["results"]

    assert authorised.status_code == 200, authorised.content
    assert before == []
    assert [(d["state"], d["children"]) for d in after] == [("requested", [assessment["child"]])]


def test_a_manager_cannot_authorise_their_own_submission(
    assessment: dict[str, Any], manager: User, api_as: Api
) -> None:
    client = api_as(manager)
    client.patch(_url(assessment), FINDINGS, format="json")
    client.post(_url(assessment, "submit/"), {"outcome": "cin_plan"}, format="json")

    response = client.post(
        _url(assessment, "authorise/"), {"authorise": True, "rationale": "Mine."}, format="json"
    )

    assert response.status_code == 403


def test_completed_assessment_cannot_be_changed(
    assessment: dict[str, Any], social_worker: User, manager: User, api_as: Api
) -> None:
    worker = api_as(social_worker)
    worker.patch(_url(assessment), FINDINGS, format="json")
    worker.post(_url(assessment, "submit/"), {"outcome": "cin_plan"}, format="json")
    api_as(manager).post(
        _url(assessment, "authorise/"), {"authorise": True, "rationale": "OK"}, format="json"
    )

    response = worker.patch(_url(assessment), {"analysis": "Rewritten."}, format="json")

    assert response.status_code == 409


def test_overdue_assessment_raises_an_alert(assessment: dict[str, Any]) -> None:
    sweep(now=datetime(2027, 1, 7, 16, 59, tzinfo=UTC))
    assert not Alert.objects.filter(kind="assessment").exists()
    sweep(now=datetime(2027, 1, 7, 17, 0, tzinfo=UTC))

    alert = Alert.objects.get(kind="assessment")
    assert alert.object_id == assessment["id"]
    assert "07 Jan 2027" in alert.message


def test_late_submission_needs_the_reason(
    assessment: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    Assessment.objects.filter(pk=assessment["id"]).update(due_on=date(2026, 11, 3))
    worker = api_as(social_worker)
    worker.patch(_url(assessment), FINDINGS, format="json")

    response = worker.post(_url(assessment, "submit/"), {"outcome": "cin_plan"}, format="json")

    assert response.status_code == 400
    assert "exceeded_reason" in response.json()
