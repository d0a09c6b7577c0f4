"""POST /api/v1/contacts/{id}/screening/: guardrails G1 to G4 at submission."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from mach.models import Contact, User
from mach.timescales import WorkingCalendar
from tests.conftest import Api, screening_body
from triage.models import ParentConsultation, PatternFlag, Screening

pytestmark = pytest.mark.django_db


def _screen(api_as: Api, user: User, contact_id: int, **overrides: Any) -> Any:
    return api_as(user).post(
        f"/api/v1/contacts/{contact_id}/screening/", screening_body(**overrides), format="json"
    )


def test_screening_moves_the_contact_to_awaiting_oversight_due_the_same_working_day(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = new_contact()

    response = _screen(api_as, social_worker, contact["id"], rag="red")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["contact_state"] == "awaiting_oversight"
    submitted = datetime.fromisoformat(body["submitted_at"])
    expected = WorkingCalendar.current().add_working_days(submitted, 0)
    assert datetime.fromisoformat(body["oversight_due_at"]) == expected
    stored = Contact.objects.get(pk=contact["id"])
    assert (stored.state, stored.rag) == ("awaiting_oversight", "red")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"childs_voice": "  "}, "childs_voice"),
        ({"history_analysis": ""}, "history_analysis"),
        (
            {"parents_consulted": False, "parents_not_consulted_reason": ""},
            "parents_not_consulted_reason",
        ),
        (
            {"recommended_outcome": "strategy_discussion", "alternatives_considered": ""},
            "alternatives_considered",
        ),
        (
            {"recommended_outcome": "immediate_protection", "alternatives_considered": ""},
            "alternatives_considered",
        ),
        ({"threshold_level": 5}, "threshold_level"),
        ({"threshold_level": "high"}, "threshold_level"),
        ({"rag": "blue"}, "rag"),
        ({"recommended_outcome": "prison"}, "recommended_outcome"),
        ({"analysis": ""}, "analysis"),
    ],
)
def test_incomplete_screening_is_refused_naming_the_field(
    overrides: dict[str, Any],
    field: str,
    new_contact: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
) -> None:
    contact = new_contact()

    response = _screen(api_as, social_worker, contact["id"], **overrides)

    assert response.status_code == 400
    assert field in response.json()
    assert not Screening.objects.exists()
    assert Contact.objects.get(pk=contact["id"]).state == "received"


def test_lower_outcomes_need_no_alternatives(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = new_contact()

    response = _screen(
        api_as,
        social_worker,
        contact["id"],
        threshold_level=2,
        recommended_outcome="early_help",
        alternatives_considered="",
    )

    assert response.status_code == 201


def test_a_contact_awaiting_oversight_cannot_be_screened_again(
    screened_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = screened_contact()

    response = _screen(api_as, social_worker, contact["id"])

    assert response.status_code == 409
    assert Screening.objects.count() == 1


def test_roles_other_than_workers_cannot_screen(
    new_contact: Callable[..., dict[str, Any]], make_user: Callable[..., User], api_as: Api
) -> None:
    contact = new_contact()
    for role in ("edt_worker", "partner_agency", "auditor", "admin"):
        assert _screen(api_as, make_user(role), contact["id"]).status_code in {403, 404}


def test_ticking_parents_consulted_at_screening_is_no_consultation(
    screened_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = screened_contact(parents_consulted=True)

    asked = api_as(social_worker).post(
        f"/api/v1/contacts/{contact['id']}/partner-requests/",
        {"agency": "police", "question": "Any call-outs?"},
        format="json",
    )

    assert not ParentConsultation.objects.filter(contact_id=contact["id"]).exists()
    assert asked.status_code == 409


def test_third_contact_in_twelve_months_raises_a_pattern_flag(
    new_contact: Callable[..., dict[str, Any]],
    screened_contact: Callable[..., dict[str, Any]],
) -> None:
    new_contact(received_at="2026-03-01T10:00:00+00:00")
    new_contact(received_at="2026-09-01T10:00:00+00:00")

    contact = screened_contact({"received_at": "2026-11-02T10:00:00+00:00"})

    flag = PatternFlag.objects.get(contact_id=contact["id"])
    assert flag.contacts_in_12_months == 3
    assert flag.child_id == contact["children"][0]["id"]


def test_contacts_older_than_twelve_months_do_not_count(
    new_contact: Callable[..., dict[str, Any]],
    screened_contact: Callable[..., dict[str, Any]],
) -> None:
    new_contact(received_at="2025-11-01T10:00:00+00:00")
    new_contact(received_at="2026-09-01T10:00:00+00:00")

    screened_contact({"received_at": "2026-11-02T10:00:00+00:00"})

    assert not PatternFlag.objects.exists()
