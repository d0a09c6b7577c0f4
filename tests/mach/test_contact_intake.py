"""POST /api/v1/contacts/: what a partner or worker gets back, and what is recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from mach.models import (
    AccessLog,
    Contact,
    Event,
    MatchProposal,
    Person,
    Relationship,
    RelationshipKind,
    User,
)
from tests.conftest import contact_body

pytestmark = pytest.mark.django_db
URL = "/api/v1/contacts/"


def test_contact_is_received_with_its_decision_deadline(
    social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    body = contact_body(received_at="2025-12-24T16:05:00+00:00")
    response = api_as(social_worker).post(URL, body, format="json")

    assert response.status_code == 201, response.data
    body = response.json()
    assert body["state"] == "received"
    assert body["reference"] == f"CON-{body['id']:07d}"
    assert datetime.fromisoformat(body["received_at"]) == datetime(2025, 12, 24, 16, 5, tzinfo=UTC)
    # Wednesday 24 Dec 16:05 + 1 working day, over Christmas, Boxing Day and the weekend.
    assert datetime.fromisoformat(body["decision_due_at"]) == datetime(
        2025, 12, 29, 16, 5, tzinfo=UTC
    )
    assert [child["matched_existing"] for child in body["children"]] == [False]
    assert body["children"][0]["id"] == Person.objects.get(nhs_number="9434765919").pk


def test_received_at_defaults_to_now(
    social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    body = contact_body()
    del body["received_at"]
    before = datetime.now(UTC)

    response = api_as(social_worker).post(URL, body, format="json")

    assert response.status_code == 201
    assert before <= datetime.fromisoformat(response.json()["received_at"]) <= datetime.now(UTC)


def test_same_nhs_number_links_to_the_existing_child(
    social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    client = api_as(social_worker)
    first = client.post(URL, contact_body(), format="json").json()

    second = client.post(URL, contact_body(), format="json").json()

    assert second["children"][0]["matched_existing"] is True
    assert second["children"][0]["id"] == first["children"][0]["id"]
    assert Person.objects.filter(kind="child").count() == 1


def test_same_names_birth_date_and_postcode_link_without_nhs_number(
    social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    client = api_as(social_worker)
    child = {
        "first_name": "Amy",
        "last_name": "Smith",
        "date_of_birth": "2015-03-02",
        "address": {"postcode": "TS1 2AB"},
    }
    first = client.post(URL, contact_body(children=[child]), format="json").json()
    respelt = {**child, "first_name": " AMY ", "address": {"postcode": "ts12ab"}}

    second = client.post(URL, contact_body(children=[respelt]), format="json").json()

    assert second["children"][0] == {**second["children"][0], "matched_existing": True}
    assert second["children"][0]["id"] == first["children"][0]["id"]


def test_weaker_match_is_proposed_not_merged(
    social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    client = api_as(social_worker)
    child = {"first_name": "Amy", "last_name": "Smith", "date_of_birth": "2015-03-02"}
    first = client.post(URL, contact_body(children=[child]), format="json").json()
    similar = {**child, "first_name": "Aimee", "address": {"postcode": "TS5 6QQ"}}

    second = client.post(URL, contact_body(children=[similar]), format="json").json()

    new_id = second["children"][0]["id"]
    assert second["children"][0]["matched_existing"] is False
    assert new_id != first["children"][0]["id"]
    proposal = MatchProposal.objects.get(person_id=new_id)
    assert proposal.candidate_id == first["children"][0]["id"]
    assert proposal.status == "proposed"
    assert "same date of birth" in proposal.reason


def test_different_nhs_number_is_never_linked_by_name(
    social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    client = api_as(social_worker)
    client.post(URL, contact_body(), format="json")
    twin = {**contact_body()["children"][0], "nhs_number": "4010232137"}

    response = client.post(URL, contact_body(children=[twin]), format="json").json()

    assert response["children"][0]["matched_existing"] is False


def test_adults_are_linked_to_each_child_as_the_referrer_described(
    social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    sibling = {"first_name": "Ben", "last_name": "Smith", "date_of_birth": "2018-07-09"}
    body = contact_body(children=[*contact_body()["children"], sibling])

    response = api_as(social_worker).post(URL, body, format="json").json()

    amy, ben = (child["id"] for child in response["children"])
    mother = response["adults"][0]["id"]
    kinds = set(Relationship.objects.values_list("person_id", "child_id", "kind"))
    assert (mother, amy, RelationshipKind.PARENT) in kinds
    assert (mother, ben, RelationshipKind.PARENT) in kinds
    assert (amy, ben, RelationshipKind.HOUSEHOLD_MEMBER) in kinds


def test_intake_records_an_event_and_the_access_log(
    police: User, api_as: Callable[[User], APIClient]
) -> None:
    response = api_as(police).post(URL, contact_body(), format="json").json()

    contact = Contact.objects.get(pk=response["id"])
    event = Event.objects.get(object_id=contact.pk, action="contact_received")
    assert (event.actor, event.to_state) == (police, "received")
    log = AccessLog.objects.get(child__nhs_number=contact_body()["children"][0]["nhs_number"])
    assert (log.user, log.action, log.via) == (police, "create", URL)


def test_partner_contact_is_attributed_to_its_organisation(
    police: User, api_as: Callable[[User], APIClient]
) -> None:
    response = api_as(police).post(URL, contact_body(), format="json").json()

    contact = Contact.objects.get(pk=response["id"])
    assert contact.submitting_team == police.team
    assert contact.team.slug == "mach"
    assert contact.next_alert_at == contact.decision_due_at
