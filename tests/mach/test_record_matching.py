"""Record matching on intake (spec section 3): which record an intake links to or proposes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from rest_framework.test import APIClient

from mach.models import Contact, MatchProposal, Person, User
from tests.conftest import contact_body
from tests.factories import ChildFactory

URL = "/api/v1/contacts/"
Api = Callable[[User], APIClient]
AMY = contact_body()["children"][0]


@pytest.mark.django_db
def test_nhs_number_match_wins_over_a_name_birth_date_and_postcode_match(
    social_worker: User, api_as: Api
) -> None:
    ChildFactory(first_name="Amy", last_name="Smith", date_of_birth=date(2015, 3, 2))
    by_nhs_number = ChildFactory(
        first_name="Amelia", last_name="Smyth", nhs_number=AMY["nhs_number"], postcode=""
    )

    body = api_as(social_worker).post(URL, contact_body(), format="json").json()

    assert body["children"][0] == {**body["children"][0], "matched_existing": True}
    assert body["children"][0]["id"] == by_nhs_number.pk


@pytest.mark.django_db
def test_weak_matches_proposed_are_the_oldest_records(social_worker: User, api_as: Api) -> None:
    same = {"last_name": "Smith", "date_of_birth": date(2015, 3, 2), "postcode": ""}
    records = [ChildFactory(**same) for _ in range(7)]
    child = {"first_name": "Zara", "last_name": "Smith", "date_of_birth": "2015-03-02"}

    body = api_as(social_worker).post(URL, contact_body(children=[child]), format="json").json()

    proposed = MatchProposal.objects.filter(person_id=body["children"][0]["id"])
    assert sorted(proposed.values_list("candidate_id", flat=True)) == [
        record.pk for record in records[:5]
    ]


@pytest.mark.django_db(transaction=True)
def test_contacts_naming_one_new_nhs_number_at_once_share_one_record(
    social_worker: User, api_as: Api
) -> None:
    statuses: list[int] = []
    children: list[dict] = []
    barrier = threading.Barrier(4)

    def send(n: int) -> None:
        try:
            client = api_as(social_worker)
            barrier.wait()
            response = client.post(URL, contact_body(concerns=f"Report {n}."), format="json")
            statuses.append(response.status_code)
            children.append(response.json()["children"][0])
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [201] * 4
    assert Person.objects.filter(nhs_number=AMY["nhs_number"]).count() == 1
    assert len({child["id"] for child in children}) == 1
    assert sorted(child["matched_existing"] for child in children) == [False, True, True, True]


@pytest.mark.django_db
def test_a_contact_without_an_nhs_number_links_to_the_record_that_has_one(
    police: User, social_worker: User, api_as: Api
) -> None:
    known = ChildFactory(
        first_name="Amy",
        last_name="Smith",
        date_of_birth=date(2015, 3, 2),
        postcode="TS1 2AB",
        nhs_number=AMY["nhs_number"],
    )
    without_number = {key: value for key, value in AMY.items() if key != "nhs_number"}

    sent = api_as(police).post(URL, contact_body(children=[without_number]), format="json")

    link = Contact.objects.get(pk=sent.json()["id"]).contact_people.get(role="child")
    assert (link.person_id, link.matched_existing) == (known.pk, True)
    body = api_as(social_worker).get(f"{URL}{sent.json()['id']}/").json()
    assert body["children"][0] == {**body["children"][0], "id": known.pk, "matched_existing": True}


@pytest.mark.django_db
def test_different_nhs_numbers_on_both_sides_prevent_the_name_match(
    social_worker: User, api_as: Api
) -> None:
    ChildFactory(
        first_name="Amy",
        last_name="Smith",
        date_of_birth=date(2015, 3, 2),
        postcode="TS1 2AB",
        nhs_number="4010232137",
    )

    body = api_as(social_worker).post(URL, contact_body(), format="json").json()

    assert body["children"][0]["matched_existing"] is False
