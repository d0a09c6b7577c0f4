"""GET /api/v1/contacts/: filters, stable cursor pagination and a constant number of queries."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from mach.models import AccessLog, User
from tests.factories import (
    AdultFactory,
    ChildFactory,
    ContactFactory,
    ContactPersonFactory,
    ReferralFactory,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/contacts/"


def _contacts(count: int, **fields: object) -> list[int]:
    ids = []
    for _ in range(count):
        link = ContactPersonFactory(contact=ContactFactory(**fields))
        ContactPersonFactory(contact=link.contact)
        ids.append(link.contact.pk)
    return ids


def test_filters_by_state_and_rag(social_worker: User, api_as: Callable[[User], APIClient]) -> None:
    red = _contacts(2, rag="red")
    _contacts(1, rag="green")
    client = api_as(social_worker)

    listed = client.get(URL, {"rag": "red", "state": "received"}).json()["results"]

    assert sorted(item["id"] for item in listed) == sorted(red)


def test_overdue_lists_only_open_contacts_past_their_deadline(
    social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    past = timezone.now() - timedelta(days=3)
    overdue = _contacts(2, received_at=past, decision_due_at=past + timedelta(days=1))
    _contacts(1)
    _contacts(1, received_at=past, decision_due_at=past + timedelta(days=1), state="decided")

    listed = api_as(social_worker).get(URL, {"overdue": "true"}).json()["results"]

    assert sorted(item["id"] for item in listed) == sorted(overdue)
    assert all(item["overdue"] for item in listed)


def test_bad_filter_value_is_a_400_naming_it(
    social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    response = api_as(social_worker).get(URL, {"rag": "purple"})

    assert response.status_code == 400
    assert "rag" in response.json()


def test_pages_are_newest_first_and_cover_every_contact_once(
    social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    same_moment = timezone.now() - timedelta(hours=1)
    ids = _contacts(7, received_at=same_moment) + _contacts(5)
    client = api_as(social_worker)

    seen: list[int] = []
    page = client.get(URL, {"page_size": 3}).json()
    while True:
        seen += [item["id"] for item in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()

    assert sorted(seen) == sorted(ids)
    assert len(seen) == len(set(seen))
    newest = seen[:5]
    assert sorted(newest) == sorted(ids[7:])


@pytest.mark.parametrize("page_size", [1, 10, 50])
def test_query_count_does_not_grow_with_page_size(
    page_size: int, social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    _contacts(50)
    client = api_as(social_worker)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"page_size": page_size})

    assert len(response.json()["results"]) == page_size
    # token, contacts page, their people, their referrals, one access-log insert
    assert len(queries) == 5, [query["sql"] for query in queries]


def test_listing_logs_each_child_shown(
    social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    _contacts(3)

    api_as(social_worker).get(URL)

    assert AccessLog.objects.filter(user=social_worker, via=URL).count() == 6


def test_a_listed_contact_is_shown_as_its_own_read_shows_it(
    social_worker: User, api_as: Callable[[User], APIClient]
) -> None:
    past = timezone.now() - timedelta(days=3)
    busy = ContactFactory(
        received_at=past,
        decision_due_at=past + timedelta(days=1),
        rag="red",
        immediate_safety_concern=True,
        referrer_organisation="Police",
        referrer_email="pc@example.org",
        open_case_kind="assessment",
        open_case_record_id=7,
        allocated_worker=social_worker,
    )
    ContactPersonFactory(contact=busy, person=ChildFactory(date_of_birth=None), position=2)
    ContactPersonFactory(
        contact=busy,
        person=ChildFactory(nhs_number="9434765919"),
        matched_existing=True,
        relationship="son",
        position=1,
    )
    ContactPersonFactory(contact=busy, person=AdultFactory(), role="adult", relationship="mother")
    for link, earlier in zip(busy.contact_people.filter(role="child"), [3, 5], strict=True):
        previous = ReferralFactory(child=link.person, referral_date=date(2025, earlier, 1))
        ReferralFactory(contact=busy, child=link.person, previous_referral=previous)
    ReferralFactory(contact=ContactFactory(state="decided", outcome="nfa"))
    ContactFactory()
    client = api_as(social_worker)

    listed = client.get(URL, {"page_size": 10}).json()["results"]

    assert len(listed) == 5
    for shown in listed:
        read = client.get(f"{URL}{shown['id']}/").json()
        del read["events"]
        assert shown == read
        assert json.dumps(shown) == json.dumps(read)  # the same keys in the same order too
    assert listed[-1]["referral"]["previous_referral_date"] == "2025-05-01"
