"""POST /api/v1/contacts/: the queries one intake costs, and a 201 body built without reading
the contact back that is exactly what reading it back shows."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from mach import selectors
from mach.api.contacts import ContactSerializer
from mach.models import Contact, User
from tests.conftest import contact_body

pytestmark = pytest.mark.django_db
URL = "/api/v1/contacts/"
Api = Callable[[User], APIClient]
# Named by name and relationship only, so that no query looks for the mother's record.
MOTHER = {"first_name": "Jo", "last_name": "Smith", "relationship": "mother"}


def _queries_of(client: APIClient, body: dict[str, Any]) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    return [query["sql"] for query in queries]


def test_the_writes_after_matching_are_two_statements(partner_client: APIClient) -> None:
    child = {"first_name": "Amy", "last_name": "Smith", "date_of_birth": "2015-03-02"}
    queries = _queries_of(partner_client, contact_body(children=[child], adults=[MOTHER]))

    contact, after = [sql.replace('"', "") for sql in queries if sql.startswith("WITH")]
    # The new child, with a birth date to compare, has its weak matches looked for.
    assert "INSERT INTO mach_contact (" in contact
    assert "INSERT INTO mach_matchproposal" in contact
    for table in ("mach_contactperson", "mach_relationship", "mach_event", "mach_accesslog"):
        assert f"INSERT INTO {table}" in after, table


@pytest.fixture
def partner_client(police: User, api_as: Api) -> APIClient:
    """A partner's client after one intake, as in a running server: content types are cached."""
    client = api_as(police)
    warm_up = {"first_name": "Warm", "last_name": "Up"}
    client.post(URL, contact_body(children=[warm_up], adults=[MOTHER]), format="json")
    return client


def test_contact_about_a_new_child_costs_nine_queries(partner_client: APIClient) -> None:
    child = {"first_name": "Amy", "last_name": "Smith", "date_of_birth": "2015-03-02"}
    child["address"] = {"postcode": "TS1 2AB"}

    queries = _queries_of(partner_client, contact_body(children=[child], adults=[MOTHER]))

    # token; transaction start; the exact matches of both; the records of both; closure days;
    # intake team; the contact and the child's weak matches (the mother, with no birth date or
    # postcode, has none to look for) in one statement; links, relationships, event and access
    # log in another; transaction end
    assert len(queries) == 9, queries


def test_people_named_on_a_contact_cost_the_same_queries_however_many(
    partner_client: APIClient,
) -> None:
    children = [
        {"first_name": name, "last_name": "Khan", "date_of_birth": f"201{n}-01-0{n + 1}"}
        for n, name in enumerate(["Ali", "Sara", "Zain", "Noor"])
    ]
    adults = [MOTHER, {"first_name": "Sam", "last_name": "Khan", "relationship": "father"}]

    queries = _queries_of(partner_client, contact_body(children=children, adults=adults))

    assert len(queries) == 9, queries


def test_contact_about_a_child_known_by_nhs_number_costs_nine_queries(
    partner_client: APIClient,
) -> None:
    _queries_of(partner_client, contact_body(adults=[MOTHER]))

    queries = _queries_of(partner_client, contact_body(adults=[MOTHER]))

    # the child is found by the one matching query: no record, no weak matches
    assert len(queries) == 9, queries


def test_created_body_is_what_reading_the_contact_back_shows(
    social_worker: User, api_as: Api
) -> None:
    sibling = {"first_name": "Ben", "last_name": "Smith", "date_of_birth": "2018-07-09"}
    father = {"first_name": "Sam", "last_name": "Smith", "relationship": "father"}
    body = contact_body(
        children=[*contact_body()["children"], sibling],
        adults=[*contact_body()["adults"], father],
    )

    created = api_as(social_worker).post(URL, body, format="json").json()

    read = selectors.with_people(Contact.objects.filter(pk=created["id"])).get()
    assert created == json.loads(JSONRenderer().render(ContactSerializer(read).data))
