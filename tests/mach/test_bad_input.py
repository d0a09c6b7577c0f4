"""Bad input is a 400 (or 414) naming what is wrong, in JSON, never a 500."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from mach.api.input import MAX_JSON_DEPTH, json_depth_exceeds
from mach.control_characters import CONTROL_CHARACTER_MESSAGE as MESSAGE
from mach.models import Contact, Role, User
from tests.conftest import Api, SignedIn, contact_body
from tests.web.conftest import contact_form, summary_links

pytestmark = pytest.mark.django_db
CONTACTS = "/api/v1/contacts/"


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_nested_far_too_deep_is_400_not_a_recursion_error(
    social_worker: User, api_as: Api
) -> None:
    body = json.dumps(contact_body())[:-1] + ', "extra": ' + _nested(100_000) + "}"

    response = api_as(social_worker).post(CONTACTS, body, content_type="application/json")

    assert response.status_code == 400
    assert "nested deeper than 32" in response.json()["detail"]
    assert not Contact.objects.exists()


def test_nesting_is_counted_outside_strings_only() -> None:
    assert json_depth_exceeds(_nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)
    assert not json_depth_exceeds(_nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)
    assert not json_depth_exceeds(json.dumps({"concerns": "[[[[" * 40 + '\\"'}), 2)


def _with(body: dict[str, Any], path: tuple[str | int, ...], value: str) -> dict[str, Any]:
    where: Any = body
    for step in path[:-1]:
        where = where[step]
    where[path[-1]] = value
    return body


# Every kind of text the contact intake takes: top-level, nested, in a list, a choice.
CONTACT_FIELDS = [
    (("referrer", "organisation"), {"referrer": {"organisation": ["CONTROL"]}}),
    (("children", 0, "first_name"), {"children": {"0": {"first_name": ["CONTROL"]}}}),
    (("adults", 0, "relationship"), {"adults": {"0": {"relationship": ["CONTROL"]}}}),
    (("concerns",), {"concerns": ["CONTROL"]}),
    (("source",), {"source": ["CONTROL"]}),
]


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x1b", "\x0b"])
@pytest.mark.parametrize(("path", "expected"), CONTACT_FIELDS)
def test_a_control_character_in_a_contact_is_400_naming_the_field(
    police: User, api_as: Api, character: str, path: tuple[str | int, ...], expected: Any
) -> None:
    body = _with(contact_body(), path, f"Cleveland{character}Police")

    response = api_as(police).post(CONTACTS, body, format="json")

    assert response.status_code == 400, response.content
    assert response.json() == json.loads(json.dumps(expected).replace("CONTROL", MESSAGE))
    assert not Contact.objects.exists()


def test_tabs_and_new_lines_are_text(police: User, api_as: Api) -> None:
    response = api_as(police).post(
        CONTACTS, contact_body(concerns="Line one.\r\n\tLine two."), format="json"
    )

    assert response.status_code == 201, response.content


@pytest.fixture
def consulted_contact(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> dict[str, Any]:
    contact = new_contact()
    response = api_as(social_worker).post(
        f"/api/v1/contacts/{contact['id']}/parent-consultations/",
        {
            "consulted_with": "Jo Smith (mother)",
            "method": "phone",
            "summary": "Mother agrees to checks.",
        },
        format="json",
    )
    assert response.status_code == 201
    return contact


@pytest.mark.parametrize(
    ("endpoint", "body", "field"),
    [
        (
            "partner-requests/",
            {"agency": "police", "question": "Q", "organisation": "x"},
            "organisation",
        ),
        ("partner-requests/", {"agency": "police", "question": "Q"}, "question"),
        (
            "parent-consultations/",
            {"consulted_with": "Jo Smith (mother)", "method": "phone", "summary": "S"},
            "summary",
        ),
        ("consultation-exceptions/", {"ground": "police_investigation", "details": "D"}, "details"),
        ("screening/", {"childs_voice": "V"}, "childs_voice"),
    ],
)
@pytest.mark.parametrize("character", ["\x00", "\x07"])
def test_a_control_character_in_triage_input_is_400_naming_the_field(
    consulted_contact: dict[str, Any],
    social_worker: User,
    api_as: Api,
    endpoint: str,
    body: dict[str, Any],
    field: str,
    character: str,
) -> None:
    body = {**body, field: f"Cleveland{character}"}

    response = api_as(social_worker).post(
        f"/api/v1/contacts/{consulted_contact['id']}/{endpoint}", body, format="json"
    )

    assert response.status_code == 400, response.content
    assert response.json() == {field: [MESSAGE]}


@pytest.mark.parametrize("parameter", ["team", "state", "cursor", "rag", "overdue", "x\x00"])
def test_a_control_character_in_the_query_string_is_400_naming_it(
    social_worker: User, api_as: Api, parameter: str
) -> None:
    response = api_as(social_worker).get(CONTACTS, {parameter: "a\x00b"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {parameter: [MESSAGE]}


def test_an_over_long_cursor_is_a_json_400(social_worker: User, api_as: Api) -> None:
    response = api_as(social_worker).get(CONTACTS, {"cursor": "cD0" + "A" * 1000})

    assert response.status_code == 400
    assert response.json() == {"cursor": ["This cursor is not one the API gave."]}


def test_an_over_long_address_is_a_json_414(social_worker: User, api_as: Api) -> None:
    response = api_as(social_worker).get(CONTACTS, {"team": "t" * 5000})

    assert response.status_code == 414
    assert response["Content-Type"] == "application/json"
    assert "longer than" in response.json()["detail"]


def test_a_control_character_on_the_new_contact_form_is_shown_on_its_field(
    make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    client: Client = signed_in(make_user(Role.SOCIAL_WORKER))

    response = client.post(
        "/contacts/new/", contact_form(**{"referrer-organisation": "Linthorpe\x01Primary"})
    )

    assert response.status_code == 400
    assert summary_links(response.content.decode()) == [("referrer-organisation", MESSAGE)]
    assert not Contact.objects.exists()


def test_a_control_character_on_a_triage_form_is_shown_on_its_field(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, signed_in: SignedIn
) -> None:
    contact = new_contact()

    response = signed_in(social_worker).post(
        f"/contacts/{contact['id']}/parents-consulted/",
        {"consulted_with": "Jo Smith", "method": "phone", "summary": "Mother\x0cagrees."},
    )

    assert response.status_code == 400
    assert summary_links(response.content.decode()) == [("summary", MESSAGE)]
