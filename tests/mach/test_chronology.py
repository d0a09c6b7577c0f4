"""GET /api/v1/children/{id}/chronology/: the child, siblings and household adults."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from mach.models import Contact, User
from tests.conftest import Api, contact_body
from triage.models import Screening
from triage.thresholds import level_name

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

    entries = _agreed_and_read(contact, manager, api_as)

    assert {entry["kind"] for entry in entries} == {
        "contact",
        "screening",
        "oversight",
        "referral",
        "assessment",
    }


def test_screenings_and_oversight_are_listed_and_every_entry_dated_when_it_happened(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    contact = screened_contact({"received_at": "2026-10-22T09:30:00+00:00"})
    today = timezone.localdate().isoformat()

    entries = _agreed_and_read(contact, manager, api_as)

    dated = {entry["kind"]: entry["at"][:10] for entry in entries}
    assert dated == {
        "contact": "2026-10-22",
        "referral": "2026-10-22",
        "assessment": "2026-10-22",
        "screening": today,
        "oversight": today,
    }
    summaries = {entry["kind"]: entry["summary"] for entry in entries}
    assert summaries["screening"].startswith(f"Screening of {contact['reference']}: level 4")
    assert summaries["oversight"] == (
        f"Oversight of {contact['reference']}: agreed: Child and family assessment (s17)"
    )
    assert [entry["kind"] for entry in entries][:2] == ["oversight", "screening"]


def test_the_same_adult_is_one_person_of_the_household_however_many_contacts_name_them(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    mother = {"first_name": "Jo", "last_name": "Smith", "relationship": "mother"}
    contacts = [
        new_contact(received_at=f"2026-0{month}-01T10:00:00+00:00", adults=[mother])
        for month in (3, 6, 9)
    ]

    child = api_as(social_worker).get(f"/api/v1/children/{contacts[0]['children'][0]['id']}/")

    adults = {contact["adults"][0]["id"] for contact in contacts}
    assert len(adults) == 1
    assert [
        (person["first_name"], person["kind"]) for person in child.json()["related_people"]
    ] == [("Jo", "parent")]


def test_summaries_name_each_record_as_its_own_display_does(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    contact = screened_contact({"received_at": "2026-10-22T09:30:00+00:00"})
    entries = _agreed_and_read(contact, manager, api_as)
    record = Contact.objects.get(pk=contact["id"])
    screening = Screening.objects.get(contact=record)

    summaries = {entry["kind"]: entry["summary"] for entry in entries}
    assert summaries["contact"] == f"Contact {record.reference} from {record.get_source_display()}"
    assert summaries["referral"] == "Referral dated 22 Oct 2026: assessment"
    assert summaries["screening"] == (
        f"Screening of {record.reference}: level 4 ({level_name(4)}), "
        f"{screening.get_rag_display()}, recommended {screening.get_recommended_outcome_display()}"
    )
    states = {entry["kind"]: entry["state"] for entry in entries}
    assert (states["contact"], states["screening"], states["referral"]) == (
        record.state,
        screening.state,
        "",
    )


def _agreed_and_read(contact: dict[str, Any], manager: User, api_as: Api) -> list[dict[str, Any]]:
    """The manager agrees the contact's screening, then reads its first child's chronology."""
    api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "Assessment needed."},
        format="json",
    )
    return list(
        api_as(manager).get(f"/api/v1/children/{contact['children'][0]['id']}/chronology/").json()
    )
