"""GET /api/v1/children/{id}/chronology/: the child, siblings and household adults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mach.models import User
from tests.conftest import Api, contact_body

pytestmark = pytest.mark.django_db
AMY = contact_body()["children"][0]
BEN = {
    "first_name": "Ben",
    "last_name": "Smith",
    "date_of_birth": "2018-07-09",
    "address": {"postcode": "TS1 2AB"},
}


def test_chronology_includes_siblings_contacts_newest_first(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    first = new_contact(received_at="2026-01-05T10:00:00+00:00", children=[AMY, BEN])
    about_ben = new_contact(received_at="2026-06-01T10:00:00+00:00", children=[BEN], adults=[])

    entries = (
        api_as(social_worker)
        .get(f"/api/v1/children/{first['children'][0]['id']}/chronology/")
        .json()
    )

    assert [(entry["kind"], entry["record_id"]) for entry in entries] == [
        ("contact", about_ben["id"]),
        ("contact", first["id"]),
    ]


def test_unrelated_childrens_contacts_are_not_shown(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    mine = new_contact()
    new_contact(
        children=[{"first_name": "Zoe", "last_name": "Jones", "date_of_birth": "2014-01-01"}],
        adults=[],
    )

    entries = (
        api_as(social_worker)
        .get(f"/api/v1/children/{mine['children'][0]['id']}/chronology/")
        .json()
    )

    assert [entry["record_id"] for entry in entries] == [mine["id"]]


def test_referrals_appear_in_the_chronology(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    contact = screened_contact()
    api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "Assessment needed."},
        format="json",
    )

    entries = (
        api_as(manager).get(f"/api/v1/children/{contact['children'][0]['id']}/chronology/").json()
    )

    assert {entry["kind"] for entry in entries} == {"contact", "referral", "assessment"}
