"""Partner information requests and the parents-first guardrail (G1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from mach.deadlines import sweep
from mach.models import Alert, Role, User
from mach.timescales import WorkingCalendar
from tests.conftest import Api
from triage.models import PartnerRequest

pytestmark = pytest.mark.django_db
QUESTION = {"agency": "police", "question": "Any incidents at this address?"}


def _ask(api_as: Api, user: User, contact_id: int, **body: Any) -> Any:
    return api_as(user).post(
        f"/api/v1/contacts/{contact_id}/partner-requests/", {**QUESTION, **body}, format="json"
    )


def _consult(api_as: Api, user: User, contact_id: int) -> None:
    response = api_as(user).post(
        f"/api/v1/contacts/{contact_id}/parent-consultations/",
        {
            "consulted_with": "Jo Smith (mother)",
            "method": "phone",
            "summary": "Mother agrees to checks with police and school.",
        },
        format="json",
    )
    assert response.status_code == 201


def test_partners_cannot_be_asked_before_the_parents_are_consulted(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = new_contact()

    response = _ask(api_as, social_worker, contact["id"])

    assert response.status_code == 409
    assert "parents" in response.json()["detail"]
    assert not PartnerRequest.objects.exists()


def test_request_after_consultation_is_due_in_one_working_day(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = new_contact()
    _consult(api_as, social_worker, contact["id"])

    response = _ask(api_as, social_worker, contact["id"])

    assert response.status_code == 201, response.content
    body = response.json()
    sent = datetime.fromisoformat(body["sent_at"])
    assert datetime.fromisoformat(body["due_at"]) == WorkingCalendar.current().add_working_days(
        sent, 1
    )


def test_request_on_a_red_contact_is_due_in_four_working_hours(
    screened_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = screened_contact(rag="red")
    _consult(api_as, social_worker, contact["id"])

    body = _ask(api_as, social_worker, contact["id"]).json()

    sent = datetime.fromisoformat(body["sent_at"])
    assert datetime.fromisoformat(body["due_at"]) == WorkingCalendar.current().add_working_hours(
        sent, 4
    )


def test_a_contact_with_an_immediate_safety_concern_is_red_from_intake(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = new_contact(immediate_safety_concern=True)
    _consult(api_as, social_worker, contact["id"])

    body = _ask(api_as, social_worker, contact["id"]).json()

    assert contact["rag"] == "red"
    sent = datetime.fromisoformat(body["sent_at"])
    assert datetime.fromisoformat(body["due_at"]) == WorkingCalendar.current().add_working_hours(
        sent, 4
    )


def test_authorised_exception_allows_requests_before_consultation(
    new_contact: Callable[..., dict[str, Any]],
    social_worker: User,
    manager: User,
    api_as: Api,
) -> None:
    contact = new_contact()
    exception = (
        api_as(social_worker)
        .post(
            f"/api/v1/contacts/{contact['id']}/consultation-exceptions/",
            {"ground": "police_investigation", "details": "Police ask that father is not alerted."},
            format="json",
        )
        .json()
    )

    decided = api_as(manager).post(
        f"/api/v1/consultation-exceptions/{exception['id']}/decision/",
        {"authorise": True, "rationale": "Agreed with DS Brown."},
        format="json",
    )

    assert decided.status_code == 200
    assert decided.json()["state"] == "authorised"
    assert _ask(api_as, social_worker, contact["id"]).status_code == 201


def test_refused_exception_keeps_partners_closed(
    new_contact: Callable[..., dict[str, Any]],
    social_worker: User,
    manager: User,
    api_as: Api,
) -> None:
    contact = new_contact()
    exception = (
        api_as(social_worker)
        .post(
            f"/api/v1/contacts/{contact['id']}/consultation-exceptions/",
            {"ground": "significant_harm", "details": "Father is violent."},
            format="json",
        )
        .json()
    )
    api_as(manager).post(
        f"/api/v1/consultation-exceptions/{exception['id']}/decision/",
        {"authorise": False, "rationale": "Mother can be seen safely at school."},
        format="json",
    )

    assert _ask(api_as, social_worker, contact["id"]).status_code == 409


def test_unreachable_parents_need_the_attempts_recorded(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = new_contact()

    response = api_as(social_worker).post(
        f"/api/v1/contacts/{contact['id']}/consultation-exceptions/",
        {"ground": "unreachable", "details": "No answer."},
        format="json",
    )

    assert response.status_code == 400
    assert "attempts" in response.json()


def test_a_manager_cannot_authorise_their_own_exception(
    new_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    contact = new_contact()
    client = api_as(manager)
    exception = client.post(
        f"/api/v1/contacts/{contact['id']}/consultation-exceptions/",
        {"ground": "significant_harm", "details": "Father is violent."},
        format="json",
    ).json()

    response = client.post(
        f"/api/v1/consultation-exceptions/{exception['id']}/decision/",
        {"authorise": True, "rationale": "Mine."},
        format="json",
    )

    assert response.status_code == 403


def test_the_asked_organisation_answers_through_the_api(
    new_contact: Callable[..., dict[str, Any]],
    social_worker: User,
    make_user: Callable[..., User],
    api_as: Api,
) -> None:
    police = make_user(Role.PARTNER_AGENCY, team="cleveland-police")
    school = make_user(Role.PARTNER_AGENCY, team="linthorpe-primary")
    contact = new_contact()
    _consult(api_as, social_worker, contact["id"])
    asked = _ask(api_as, social_worker, contact["id"], organisation="cleveland-police").json()
    url = f"/api/v1/partner-requests/{asked['id']}/response/"

    inbox = api_as(police).get("/api/v1/partner-requests/", {"state": "sent"}).json()
    other = api_as(school).post(url, {"response": "Nothing."}, format="json")
    answer = api_as(police).post(url, {"response": "Two call-outs in October."}, format="json")
    again = api_as(police).post(url, {"response": "Again."}, format="json")

    assert [item["id"] for item in inbox] == [asked["id"]]
    assert other.status_code == 404
    assert answer.status_code == 200
    assert answer.json()["state"] == "answered"
    assert again.status_code == 409
    assert api_as(school).get("/api/v1/partner-requests/").json() == []


def test_unanswered_request_raises_an_alert_when_overdue(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = new_contact()
    _consult(api_as, social_worker, contact["id"])
    asked = _ask(api_as, social_worker, contact["id"]).json()
    due = datetime.fromisoformat(asked["due_at"])

    sweep(now=due)

    alert = Alert.objects.get(kind="partner_request")
    assert alert.object_id == asked["id"]
    assert "Police" in alert.message


def test_a_consultation_records_who_when_how_and_what_they_said(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = new_contact()
    url = f"/api/v1/contacts/{contact['id']}/parent-consultations/"

    refused = api_as(social_worker).post(url, {"summary": "Mother agrees."}, format="json")
    recorded = api_as(social_worker).post(
        url,
        {
            "consulted_with": "Jo Smith (mother)",
            "method": "in_person",
            "consulted_at": "2026-11-30T09:15:00Z",
            "summary": "Mother agrees.",
        },
        format="json",
    )

    assert refused.status_code == 400
    assert {"consulted_with", "method"} <= set(refused.json())
    body = recorded.json()
    assert (body["consulted_with"], body["method"], body["summary"]) == (
        "Jo Smith (mother)",
        "in_person",
        "Mother agrees.",
    )
    assert datetime.fromisoformat(body["consulted_at"]) == datetime.fromisoformat(
        "2026-11-30T09:15:00+00:00"
    )


def test_attempts_to_reach_the_parents_are_recorded_and_back_an_unreachable_exception(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = new_contact()
    client = api_as(social_worker)
    base = f"/api/v1/contacts/{contact['id']}/"
    unreachable = {"ground": "unreachable", "details": "Mother not answering; father abroad."}

    without = client.post(base + "consultation-exceptions/", unreachable, format="json")
    for method, outcome in (("phone", "No answer, voicemail left."), ("letter", "Returned.")):
        attempt = client.post(
            base + "consultation-attempts/",
            {"method": method, "outcome": outcome, "attempted_at": "2026-11-30T09:00:00Z"},
            format="json",
        )
        assert attempt.status_code == 201, attempt.content
    listed = client.get(base + "consultation-attempts/").json()
    requested = client.post(base + "consultation-exceptions/", unreachable, format="json")

    assert without.status_code == 400
    assert "attempts" in without.json()
    assert [(item["method"], item["outcome"]) for item in listed] == [
        ("phone", "No answer, voicemail left."),
        ("letter", "Returned."),
    ]
    assert requested.status_code == 201, requested.content
