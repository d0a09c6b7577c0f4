"""The census items are recorded where they are known, each checked against the DfE's code
list: a bad code is a 400 naming the field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from mach.models import AccessLog, Event, Person, Referral, Role, User
from tests.conftest import Api
from tests.factories import ChildFactory

from .dataset import referral, upn

pytestmark = pytest.mark.django_db


@pytest.fixture
def child() -> Person:
    return ChildFactory()


def url(child: Person) -> str:
    return f"/api/v1/children/{child.pk}/census-details/"


def test_a_worker_records_a_childs_census_details(
    child: Person, social_worker: User, api_as: Api
) -> None:
    body = {"upn": upn(42).lower(), "ethnicity": "MWAS", "disabilities": ["HEAR", "VIS"]}
    response = api_as(social_worker).post(url(child), body, format="json")
    assert response.status_code == 200, response.content
    child.refresh_from_db()
    assert (child.upn, child.ethnicity, child.disabilities) == (upn(42), "MWAS", ["HEAR", "VIS"])
    assert response.json()["disabilities"] == ["HEAR", "VIS"]
    assert Event.objects.filter(action="census_details_recorded", actor=social_worker).exists()
    assert AccessLog.objects.filter(
        user=social_worker, child=child, action=AccessLog.Action.CHANGE
    ).exists()
    # The reason the UPN is unknown replaces the UPN.
    response = api_as(social_worker).post(url(child), {"upn_unknown_reason": "UN4"}, format="json")
    assert response.status_code == 200
    child.refresh_from_db()
    assert (child.upn, child.upn_unknown_reason) == ("", "UN4")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"upn": "A80600000001"}, "upn"),  # 12 characters
        ({"upn": "Z806000000420"}, "upn"),  # wrong check letter
        ({"upn_unknown_reason": "UN8"}, "upn_unknown_reason"),
        ({"upn": "__valid__", "upn_unknown_reason": "UN2"}, "upn_unknown_reason"),
        ({"ethnicity": "WHIT"}, "ethnicity"),
        ({"disabilities": ["DEAF"]}, "disabilities"),
        ({"disabilities": ["NONE", "AUT"]}, "disabilities"),
        ({"disabilities": ["AUT", "AUT"]}, "disabilities"),
    ],
)
def test_a_bad_code_is_400_naming_the_field(
    child: Person, social_worker: User, api_as: Api, body: dict[str, Any], field: str
) -> None:
    body = {key: upn(42) if value == "__valid__" else value for key, value in body.items()}
    response = api_as(social_worker).post(url(child), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    child.refresh_from_db()
    assert (child.upn, child.upn_unknown_reason, child.ethnicity) == ("", "", "")


def test_close_an_episode_with_its_reason_and_primary_need(
    child: Person, social_worker: User, api_as: Api
) -> None:
    ref = referral(child, date(2026, 5, 4))
    path = f"/api/v1/referrals/{ref.pk}/close/"
    body = {"closed_on": "2026-06-01", "reason": "RC7", "primary_need": "N4"}
    response = api_as(social_worker).post(path, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["closure_reason"] == "RC7"
    ref.refresh_from_db()
    assert (ref.closed_on, ref.closure_reason, ref.primary_need) == (date(2026, 6, 1), "RC7", "N4")
    assert api_as(social_worker).post(path, body, format="json").status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"closed_on": "2026-06-01", "reason": "RC10"}, "reason"),
        ({"closed_on": "2026-06-01", "reason": "RC7", "primary_need": "N10"}, "primary_need"),
        ({"closed_on": "2026-05-03", "reason": "RC7"}, "closed_on"),
        ({"closed_on": "2999-01-01", "reason": "RC7"}, "closed_on"),
        ({"reason": "RC7"}, "closed_on"),
    ],
)
def test_a_bad_closure_is_400_naming_the_field(
    child: Person, social_worker: User, api_as: Api, body: dict[str, Any], field: str
) -> None:
    ref = referral(child, date(2026, 5, 4))
    response = api_as(social_worker).post(f"/api/v1/referrals/{ref.pk}/close/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Referral.objects.get(pk=ref.pk).closed_on is None


@pytest.mark.parametrize("role", [Role.EDT_WORKER, Role.AUDITOR, Role.PARTNER_AGENCY])
def test_only_mach_workers_record_census_items(
    child: Person, make_user: Callable[..., User], api_as: Api, role: str
) -> None:
    user = make_user(role)
    ref = referral(child, date(2026, 5, 4))
    assert api_as(user).post(url(child), {"ethnicity": "WBRI"}, format="json").status_code == 403
    close = {"closed_on": "2026-06-01", "reason": "RC7"}
    response = api_as(user).post(f"/api/v1/referrals/{ref.pk}/close/", close, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.MANAGER, Role.SERVICE_MANAGER])
def test_mach_workers_may_record_census_items(
    child: Person, make_user: Callable[..., User], api_as: Api, role: str
) -> None:
    user = make_user(role)
    assert api_as(user).post(url(child), {"ethnicity": "WBRI"}, format="json").status_code == 200


FINDINGS = {
    "child_seen_on": "2026-11-20",
    "child_seen_alone": True,
    "childs_voice": "Amy said she feels safe with her nan.",
    "family_network_involvement": "Maternal grandmother spoken to.",
    "analysis": "Risk reduced since father left.",
    "factors": ["3B"],
}


@pytest.mark.parametrize(("code", "status"), [("N4", 200), ("N11", 400)])
def test_the_primary_need_is_recorded_with_the_assessment_outcome(
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    social_worker: User,
    api_as: Api,
    code: str,
    status: int,
) -> None:
    contact = screened_contact({"received_at": "2026-11-02T10:00:00+00:00"})
    api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "Assessment needed."},
        format="json",
    )
    assessment = api_as(manager).get("/api/v1/assessments/").json()["results"][0]
    url = f"/api/v1/assessments/{assessment['id']}/"
    assert api_as(social_worker).patch(url, FINDINGS, format="json").status_code == 200
    response = api_as(social_worker).post(
        url + "submit/",
        {"outcome": "cin_plan", "primary_need": code, "exceeded_reason": "Late."},
        format="json",
    )
    assert response.status_code == status, response.content
    referral = Referral.objects.get(contact_id=contact["id"])
    if status == 200:
        assert referral.primary_need == code
    else:
        assert "primary_need" in response.json()
        assert referral.primary_need == ""
