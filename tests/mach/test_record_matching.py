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


def _people_of(body: dict) -> list[tuple[int, bool]]:
    return [(person["id"], person["matched_existing"]) for person in body["children"]]


@pytest.mark.django_db
def test_a_child_named_twice_on_one_contact_is_one_new_record(
    social_worker: User, api_as: Api
) -> None:
    twice = contact_body(children=[AMY, {**AMY, "first_name": "Amy-Jo"}])

    body = api_as(social_worker).post(URL, twice, format="json").json()

    assert len(body["children"]) == 1
    assert Person.objects.filter(nhs_number=AMY["nhs_number"]).count() == 1
    assert body["children"][0]["matched_existing"] is False


@pytest.mark.django_db
def test_a_child_named_twice_without_an_nhs_number_is_one_new_record(
    social_worker: User, api_as: Api
) -> None:
    without_number = {key: value for key, value in AMY.items() if key != "nhs_number"}
    twice = contact_body(children=[without_number, dict(without_number)])

    body = api_as(social_worker).post(URL, twice, format="json").json()

    assert len(body["children"]) == 1
    assert Person.objects.filter(first_name="Amy", last_name="Smith").count() == 1
    assert not MatchProposal.objects.exists()


@pytest.mark.django_db
def test_new_twins_on_one_contact_the_second_is_proposed_as_the_first(
    social_worker: User, api_as: Api
) -> None:
    twin = {"last_name": "Khan", "date_of_birth": "2019-06-01", "address": {"postcode": "TS3 9ZZ"}}
    twins = contact_body(children=[{**twin, "first_name": "Ali"}, {**twin, "first_name": "Sara"}])

    body = api_as(social_worker).post(URL, twins, format="json").json()

    (ali, _), (sara, _) = _people_of(body)
    assert list(MatchProposal.objects.values_list("person_id", "candidate_id", "reason")) == [
        (sara, ali, "same date of birth, same last name, same postcode")
    ]


@pytest.mark.django_db
def test_proposals_say_what_matched_and_leave_out_merged_records(
    social_worker: User, api_as: Api
) -> None:
    same_birth = ChildFactory(
        first_name="Zara", last_name="Other", date_of_birth=date(2015, 3, 2), postcode=""
    )
    same_place = ChildFactory(
        first_name="Zara", last_name="Smith", date_of_birth=date(2014, 1, 1), postcode="TS1 2AB"
    )
    kept = ChildFactory(first_name="Zed", last_name="Smith", date_of_birth=date(2015, 3, 2))
    ChildFactory(
        first_name="Zoe", last_name="Smith", date_of_birth=date(2015, 3, 2), merged_into=kept
    )
    child = {
        "first_name": "Zara",
        "last_name": "Smith",
        "date_of_birth": "2015-03-02",
        "address": {"postcode": "ts12ab"},
    }

    body = api_as(social_worker).post(URL, contact_body(children=[child]), format="json").json()

    proposed = MatchProposal.objects.filter(person_id=body["children"][0]["id"])
    assert sorted(proposed.values_list("candidate_id", "reason")) == [
        (same_birth.pk, "same date of birth, same first name"),
        (same_place.pk, "same first name, same last name, same postcode"),
        (kept.pk, "same date of birth, same last name, same postcode"),
    ]


@pytest.mark.django_db
def test_an_exact_match_on_a_merged_record_links_to_the_record_it_was_merged_into(
    social_worker: User, api_as: Api
) -> None:
    kept = ChildFactory(first_name="Amy", last_name="Smith", nhs_number=AMY["nhs_number"])
    ChildFactory(first_name="Amy", last_name="Smyth", postcode="TS9 9ZZ", merged_into=kept)
    by_details = {
        "first_name": "Amy",
        "last_name": "Smyth",
        "date_of_birth": "2015-03-02",
        "address": {"postcode": "TS9 9ZZ"},
    }

    body = api_as(social_worker).post(URL, contact_body(children=[by_details]), format="json")

    assert _people_of(body.json()) == [(kept.pk, True)]


@pytest.mark.django_db
def test_two_records_with_the_same_details_are_ambiguous_so_a_new_one_is_made(
    social_worker: User, api_as: Api
) -> None:
    one, other = (ChildFactory(first_name="Amy", last_name="Smith") for _ in range(2))
    without_number = {key: value for key, value in AMY.items() if key != "nhs_number"}

    body = api_as(social_worker).post(URL, contact_body(children=[without_number]), format="json")

    [(new, matched)] = _people_of(body.json())
    assert (matched, new in (one.pk, other.pk)) == (False, False)
    proposed = MatchProposal.objects.values_list("candidate_id", flat=True)
    assert sorted(proposed) == [one.pk, other.pk]


@pytest.mark.django_db
def test_the_mother_named_again_by_name_alone_is_the_household_adult(
    social_worker: User, api_as: Api
) -> None:
    client = api_as(social_worker)
    first = client.post(URL, contact_body(), format="json").json()
    mother = {"first_name": "Jo", "last_name": "SMITH", "relationship": "Mum"}

    second = client.post(URL, contact_body(adults=[mother]), format="json").json()

    assert [(a["id"], a["matched_existing"]) for a in second["adults"]] == [
        (first["adults"][0]["id"], True)
    ]
    assert Person.objects.filter(kind="adult").count() == 1
