"""Deciding match proposals, merging duplicate records and undoing a merge (spec section 3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from mach.models import (
    AccessLog,
    Contact,
    ContactPerson,
    Event,
    MatchProposal,
    Person,
    Referral,
    Relationship,
    RelationshipKind,
    User,
)
from mach.services import AlreadyDone, person_merge
from tests.conftest import Api, contact_body, screening_body

pytestmark = pytest.mark.django_db

CONTACTS = "/api/v1/contacts/"
AMY = {
    "first_name": "Amy",
    "last_name": "Smith",
    "date_of_birth": "2015-03-02",
    "address": {"postcode": "TS1 2AB"},
}
AIMEE = {**AMY, "first_name": "Aimee", "address": {"postcode": "TS5 6QQ"}}
MOTHER = {
    "first_name": "Jo",
    "last_name": "Smith",
    "relationship": "mother",
    "date_of_birth": "1990-05-01",
    "nhs_number": "4010232137",
}
FATHER = {
    "first_name": "Sam",
    "last_name": "Smith",
    "relationship": "father",
    "date_of_birth": "1988-01-01",
}
REASON = {"reason": "Same child: the school confirmed the spelling and the move."}


@dataclass
class Records:
    """Amy's record (kept) and the Aimee record made for her later (the duplicate)."""

    kept: int
    duplicate: int
    first_contact: int
    second_contact: int
    proposal: int

    @property
    def both(self) -> list[int]:
        return sorted([self.kept, self.duplicate])


def post_contact(
    client: APIClient, *children: dict[str, Any], adults: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    response = client.post(
        CONTACTS, contact_body(children=list(children), adults=adults or []), format="json"
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


def child_ids(contact: dict[str, Any]) -> list[int]:
    return [child["id"] for child in contact["children"]]


def child_link(contact_id: int) -> ContactPerson:
    return ContactPerson.objects.get(contact_id=contact_id, role="child")


def make_records(
    client: APIClient, kept: dict[str, Any] = AMY, duplicate: dict[str, Any] = AIMEE
) -> Records:
    first = post_contact(client, kept, adults=[MOTHER])
    second = post_contact(client, duplicate, adults=[MOTHER, FATHER])
    duplicate_id = child_ids(second)[0]
    return Records(
        kept=child_ids(first)[0],
        duplicate=duplicate_id,
        first_contact=first["id"],
        second_contact=second["id"],
        proposal=MatchProposal.objects.get(person_id=duplicate_id).pk,
    )


@pytest.fixture
def worker(social_worker: User, api_as: Api) -> APIClient:
    return api_as(social_worker)


@pytest.fixture
def records(worker: APIClient) -> Records:
    return make_records(worker)


def confirm(client: APIClient, proposal: int) -> Any:
    return client.post(f"/api/v1/match-proposals/{proposal}/confirm/", REASON, format="json")


def undo(client: APIClient, merge: int) -> Any:
    return client.post(f"/api/v1/person-merges/{merge}/undo/", REASON, format="json")


def another_child(client: APIClient, first_name: str) -> Person:
    """A child's record no intake would match to Amy's."""
    contact = post_contact(client, {**AMY, "first_name": first_name, "last_name": "Jones"})
    return Person.objects.get(pk=child_ids(contact)[0])


def merge_kept_into(actor: User, records: Records, other: Person) -> None:
    kept = Person.objects.get(pk=records.kept)
    person_merge(actor=actor, duplicate=kept, kept=other, reason="Amy took her stepfather's name.")


def merged(client: APIClient, records: Records) -> int:
    response = confirm(client, records.proposal)
    assert response.status_code == 200, response.content
    return int(response.json()["id"])


def test_confirming_merges_the_newer_record_into_the_existing_one(
    worker: APIClient, records: Records
) -> None:
    response = confirm(worker, records.proposal)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["duplicate"]["id"], body["kept"]["id"]) == (records.duplicate, records.kept)
    assert Person.objects.get(pk=records.duplicate).merged_into_id == records.kept
    assert MatchProposal.objects.get(pk=records.proposal).status == "confirmed"


def test_merge_moves_the_contact_link_to_the_kept_record(
    worker: APIClient, records: Records
) -> None:
    merged(worker, records)

    link = child_link(records.second_contact)
    assert link.person_id == records.kept


def test_merge_moves_relationships_to_the_kept_record(worker: APIClient, records: Records) -> None:
    father = Person.objects.get(first_name="Sam").pk

    merged(worker, records)

    assert Relationship.objects.filter(person_id=father, child_id=records.kept).exists()
    assert not Relationship.objects.filter(child_id=records.duplicate, person_id=father).exists()


def test_merge_moves_a_referral_to_the_kept_record(
    worker: APIClient, records: Records, manager: User, api_as: Api
) -> None:
    contact = records.second_contact
    screened = worker.post(f"{CONTACTS}{contact}/screening/", screening_body(), format="json")
    assert screened.status_code == 201, screened.content
    decided = api_as(manager).post(
        f"{CONTACTS}{contact}/oversight/",
        {"decision": "agree", "rationale": "Assessment needed."},
        format="json",
    )
    assert decided.status_code == 200, decided.content

    merged(worker, records)

    assert Referral.objects.get(contact_id=contact).child_id == records.kept


def test_merge_moves_the_duplicates_nhs_number_to_the_kept_record(worker: APIClient) -> None:
    records = make_records(worker, duplicate={**AIMEE, "nhs_number": "9434765919"})

    merged(worker, records)

    assert Person.objects.get(pk=records.kept).nhs_number == "9434765919"
    assert Person.objects.get(pk=records.duplicate).nhs_number == ""


def test_relationship_already_on_the_kept_record_stays_on_the_duplicate(
    worker: APIClient, records: Records
) -> None:
    mother = Person.objects.get(nhs_number=MOTHER["nhs_number"]).pk

    merged(worker, records)

    links = Relationship.objects.filter(person_id=mother, kind=RelationshipKind.PARENT)
    assert sorted(links.values_list("child_id", flat=True)) == records.both


def test_contact_naming_both_records_keeps_both_links(worker: APIClient, records: Records) -> None:
    both = post_contact(worker, AMY, AIMEE)
    assert child_ids(both) == [records.kept, records.duplicate]

    response = confirm(worker, records.proposal)

    assert response.status_code == 200, response.content
    links = ContactPerson.objects.filter(contact_id=both["id"])
    assert sorted(links.values_list("person_id", flat=True)) == sorted(child_ids(both))


def test_link_between_the_two_records_stays_on_the_duplicate(
    worker: APIClient, records: Records
) -> None:
    post_contact(worker, AMY, AIMEE)

    merged(worker, records)

    link = Relationship.objects.get(kind=RelationshipKind.HOUSEHOLD_MEMBER)
    assert (link.person_id, link.child_id) == (records.kept, records.duplicate)


def test_rejecting_leaves_both_records_as_they_were(worker: APIClient, records: Records) -> None:
    response = worker.post(
        f"/api/v1/match-proposals/{records.proposal}/reject/",
        {"reason": "Different children: Aimee is Amy's cousin."},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "rejected"
    assert Person.objects.get(pk=records.duplicate).merged_into_id is None
    link = child_link(records.second_contact)
    assert link.person_id == records.duplicate


def test_a_decided_proposal_cannot_be_decided_again(worker: APIClient, records: Records) -> None:
    merged(worker, records)

    response = worker.post(
        f"/api/v1/match-proposals/{records.proposal}/reject/", REASON, format="json"
    )

    assert response.status_code == 409


def test_confirming_without_a_reason_names_the_reason(worker: APIClient, records: Records) -> None:
    response = worker.post(
        f"/api/v1/match-proposals/{records.proposal}/confirm/", {"reason": " "}, format="json"
    )

    assert response.status_code == 400
    assert "reason" in response.json()
    assert Person.objects.get(pk=records.duplicate).merged_into_id is None


def test_merging_a_child_into_an_adult_is_refused(worker: APIClient) -> None:
    child = post_contact(worker, AMY)
    adult = {**AMY, "date_of_birth": "1980-01-01", "relationship": "aunt"}
    contact = post_contact(worker, {**AMY, "first_name": "Ben"}, adults=[adult])
    proposal = MatchProposal.objects.get(
        person_id=contact["adults"][0]["id"], candidate_id=child_ids(child)[0]
    )

    response = confirm(worker, proposal.pk)

    assert response.status_code == 400
    assert "kind" in response.json()


def test_records_with_different_nhs_numbers_are_not_merged(worker: APIClient) -> None:
    records = make_records(
        worker,
        kept={**AMY, "nhs_number": "9434765919"},
        duplicate={**AIMEE, "nhs_number": "9876543210"},
    )

    response = confirm(worker, records.proposal)

    assert response.status_code == 400
    assert "nhs_number" in response.json()
    assert MatchProposal.objects.get(pk=records.proposal).status == "proposed"


def test_merged_away_record_cannot_be_merged_again(
    worker: APIClient, records: Records, social_worker: User
) -> None:
    merged(worker, records)
    other = another_child(worker, "Ella")

    with pytest.raises(AlreadyDone):
        person_merge(
            actor=social_worker,
            duplicate=Person.objects.get(pk=records.duplicate),
            kept=other,
            reason="Same child.",
        )


def test_record_cannot_be_merged_into_itself(records: Records, social_worker: User) -> None:
    amy = Person.objects.get(pk=records.kept)

    with pytest.raises(ValidationError) as refused:
        person_merge(actor=social_worker, duplicate=amy, kept=amy, reason="Same child.")

    assert "kept" in refused.value.message_dict


def test_contact_with_the_duplicates_nhs_number_links_to_the_kept_record(
    worker: APIClient,
) -> None:
    records = make_records(worker, duplicate={**AIMEE, "nhs_number": "9434765919"})
    merged(worker, records)

    later = post_contact(worker, {**AIMEE, "nhs_number": "9434765919"})

    assert later["children"][0]["id"] == records.kept
    assert later["children"][0]["matched_existing"] is True


def test_contact_matching_the_duplicate_by_name_links_to_the_kept_record(
    worker: APIClient, records: Records
) -> None:
    merged(worker, records)

    later = post_contact(worker, AIMEE)

    assert later["children"][0]["id"] == records.kept


def test_intake_follows_a_chain_of_merges_to_its_end(
    worker: APIClient, records: Records, social_worker: User
) -> None:
    merged(worker, records)
    last = another_child(worker, "Amelia")
    merge_kept_into(social_worker, records, last)

    later = post_contact(worker, {**AIMEE, "first_name": "Aimée"})

    assert later["children"][0]["id"] == last.pk


def test_no_proposal_names_a_merged_away_record(worker: APIClient, records: Records) -> None:
    merged(worker, records)

    later = post_contact(worker, {**AMY, "first_name": "Amelia", "address": {}})

    candidates = MatchProposal.objects.filter(person_id=later["children"][0]["id"])
    assert list(candidates.values_list("candidate_id", flat=True)) == [records.kept]


def test_merge_leaves_the_access_log_as_it_was(worker: APIClient, records: Records) -> None:
    before = list(AccessLog.objects.order_by("id").values_list("id", "child_id", "action", "via"))

    merged(worker, records)

    after = AccessLog.objects.order_by("id").values_list("id", "child_id", "action", "via")
    assert list(after)[: len(before)] == before


def test_merge_logs_a_change_to_both_children(
    worker: APIClient, records: Records, social_worker: User
) -> None:
    merged(worker, records)

    changes = AccessLog.objects.filter(action="change", user=social_worker)
    assert sorted(changes.values_list("child_id", flat=True)) == records.both


def test_merge_writes_an_event_on_each_record_and_the_proposal(
    worker: APIClient, records: Records
) -> None:
    merged(worker, records)

    events = {
        (event.object_id, event.action) for event in Event.objects.filter(reason=REASON["reason"])
    }
    assert events == {
        (records.duplicate, "person_merged_away"),
        (records.kept, "person_merge_kept"),
        (records.proposal, "match_proposal_confirmed"),
    }


def test_undo_moves_back_the_rows_the_merge_moved(
    worker: APIClient, records: Records, manager: User, api_as: Api
) -> None:
    father = Person.objects.get(first_name="Sam").pk
    merge = merged(worker, records)

    response = undo(api_as(manager), merge)

    assert response.status_code == 200, response.content
    assert child_link(records.second_contact).person_id == (records.duplicate)
    assert Relationship.objects.filter(person_id=father, child_id=records.duplicate).exists()
    assert Person.objects.get(pk=records.duplicate).merged_into_id is None


def test_undo_leaves_rows_added_to_the_kept_record_after_the_merge(
    worker: APIClient, records: Records, manager: User, api_as: Api
) -> None:
    merge = merged(worker, records)
    later = post_contact(worker, AMY)

    undo(api_as(manager), merge)

    assert ContactPerson.objects.get(contact_id=later["id"]).person_id == records.kept


def test_undo_gives_the_nhs_number_back_to_the_duplicate(
    worker: APIClient, manager: User, api_as: Api
) -> None:
    records = make_records(worker, duplicate={**AIMEE, "nhs_number": "9434765919"})
    merge = merged(worker, records)

    undo(api_as(manager), merge)

    assert Person.objects.get(pk=records.duplicate).nhs_number == "9434765919"
    assert Person.objects.get(pk=records.kept).nhs_number == ""


def test_undo_rejects_the_proposal_the_merge_confirmed(
    worker: APIClient, records: Records, manager: User, api_as: Api
) -> None:
    merge = merged(worker, records)

    undo(api_as(manager), merge)

    proposal = MatchProposal.objects.get(pk=records.proposal)
    assert (proposal.status, proposal.decided_by) == ("rejected", manager)


def test_undoing_a_merge_twice_is_a_conflict(
    worker: APIClient, records: Records, manager: User, api_as: Api
) -> None:
    merge = merged(worker, records)
    undo(api_as(manager), merge)

    response = undo(api_as(manager), merge)

    assert response.status_code == 409


def test_undo_waits_for_a_later_merge_of_the_kept_record_to_be_undone(
    worker: APIClient, records: Records, manager: User, api_as: Api
) -> None:
    merge = merged(worker, records)
    merge_kept_into(manager, records, another_child(worker, "Ella"))

    response = undo(api_as(manager), merge)

    assert response.status_code == 409
    assert Person.objects.get(pk=records.duplicate).merged_into_id == records.kept


def test_undo_writes_an_event_on_each_record(
    worker: APIClient, records: Records, manager: User, api_as: Api
) -> None:
    merge = merged(worker, records)

    api_as(manager).post(
        f"/api/v1/person-merges/{merge}/undo/", {"reason": "Different children."}, format="json"
    )

    events = Event.objects.filter(action="person_merge_undone", reason="Different children.")
    assert sorted(events.values_list("object_id", flat=True)) == records.both


def test_merge_record_lists_the_rows_it_moved(
    worker: APIClient, records: Records, auditor: User, api_as: Api
) -> None:
    merge = merged(worker, records)

    body = api_as(auditor).get(f"/api/v1/person-merges/{merge}/").json()

    link = child_link(records.second_contact).pk
    assert {"model": "mach.contactperson", "field": "person", "ids": [link]} in body["moved_rows"]
    assert body["undone"] is False


def test_child_shows_the_record_it_was_merged_into(worker: APIClient, records: Records) -> None:
    merged(worker, records)

    duplicate = worker.get(f"/api/v1/children/{records.duplicate}/").json()
    kept = worker.get(f"/api/v1/children/{records.kept}/").json()

    assert (duplicate["merged_into"], kept["merged_into"]) == (records.kept, None)


def test_proposal_list_shows_both_records_and_the_reason(
    worker: APIClient, records: Records
) -> None:
    response = worker.get("/api/v1/match-proposals/", {"state": "proposed", "person": records.kept})

    assert response.status_code == 200, response.content
    [row] = response.json()["results"]
    assert row["id"] == records.proposal
    assert (row["person"]["first_name"], row["candidate"]["first_name"]) == ("Aimee", "Amy")
    assert row["candidate"] == {
        **row["candidate"],
        "date_of_birth": "2015-03-02",
        "postcode": "TS1 2AB",
    }
    assert "same date of birth" in row["reason"]


def test_a_proposal_shows_what_tells_the_two_records_apart(worker: APIClient) -> None:
    records = make_records(worker, kept={**AMY, "nhs_number": "9434765919"})

    response = worker.get("/api/v1/match-proposals/", {"person": records.kept})

    [row] = response.json()["results"]
    kept = row["candidate"]
    assert kept["id"] == records.kept
    assert kept["nhs_number"] == "*** *** *919"
    assert kept["address"] == {"line1": "", "line2": "", "town": "", "postcode": "TS1 2AB"}
    received = Contact.objects.get(pk=records.first_contact).received_at
    assert kept["last_contact_at"].endswith("Z")
    assert datetime.fromisoformat(kept["last_contact_at"]) == received
    assert row["person"]["last_contact_at"] is not None


def test_proposal_list_logs_each_child_shown(
    worker: APIClient, records: Records, social_worker: User
) -> None:
    worker.get("/api/v1/match-proposals/", {"person": records.kept})

    shown = AccessLog.objects.filter(via="/api/v1/match-proposals/", user=social_worker)
    assert sorted(shown.values_list("child_id", flat=True)) == records.both


def test_proposal_list_leaves_out_proposals_naming_a_merged_away_record(
    worker: APIClient, records: Records
) -> None:
    cousin = post_contact(worker, {**AMY, "first_name": "Amelia", "address": {}})
    cousin_id = child_ids(cousin)[0]
    merged(worker, records)

    listed = worker.get("/api/v1/match-proposals/", {"state": "proposed", "person": cousin_id})

    assert [row["candidate"]["id"] for row in listed.json()["results"]] == [records.kept]


def test_proposal_list_queries_do_not_grow_with_the_page(worker: APIClient) -> None:
    post_contact(worker, AMY)
    for name in ("Aimee", "Amie", "Ami", "Aimie"):
        post_contact(worker, {**AIMEE, "first_name": name})

    def queries(page_size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = worker.get("/api/v1/match-proposals/", {"page_size": page_size})
        assert len(response.json()["results"]) == page_size
        return len(captured)

    assert queries(1) == queries(4)
