"""Bad contact bodies get a 400 naming the field, and nothing is half-saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from rest_framework.test import APIClient

from mach.models import Contact, Person, User
from tests.conftest import contact_body

pytestmark = pytest.mark.django_db
URL = "/api/v1/contacts/"
TOMORROW = (date.today() + timedelta(days=1)).isoformat()


def _child(**changes: Any) -> list[dict[str, Any]]:
    return [{**contact_body()["children"][0], **changes}]


BAD_BODIES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("no children", contact_body(children=[]), ["children"]),
    (
        "children missing",
        {k: v for k, v in contact_body().items() if k != "children"},
        ["children"],
    ),
    ("unknown source code", contact_body(source="11"), ["source"]),
    ("unknown channel", contact_body(channel="pigeon"), ["channel"]),
    (
        "bad NHS number",
        contact_body(children=_child(nhs_number="9434765918")),
        ["children", "0", "nhs_number"],
    ),
    (
        "NHS number too short",
        contact_body(children=_child(nhs_number="943476591")),
        ["children", "0", "nhs_number"],
    ),
    (
        "future date of birth",
        contact_body(children=_child(date_of_birth=TOMORROW)),
        ["children", "0", "date_of_birth"],
    ),
    (
        "an adult as a child",
        contact_body(children=_child(date_of_birth="1990-01-01")),
        ["children", "0", "date_of_birth"],
    ),
    (
        "not a date",
        contact_body(children=_child(date_of_birth="yesterday")),
        ["children", "0", "date_of_birth"],
    ),
    ("children not a list", contact_body(children="Amy"), ["children"]),
    ("child not an object", contact_body(children=["Amy"]), ["children"]),
    (
        "missing first name",
        contact_body(children=_child(first_name="")),
        ["children", "0", "first_name"],
    ),
    ("concerns not text", contact_body(concerns={"a": 1}), ["concerns"]),
    ("concerns too long", contact_body(concerns="x" * 20_001), ["concerns"]),
    (
        "name too long",
        contact_body(children=_child(last_name="x" * 101)),
        ["children", "0", "last_name"],
    ),
    (
        "no reason without consent",
        contact_body(parental_awareness="not_informed"),
        ["parental_awareness_reason"],
    ),
    ("unknown awareness", contact_body(parental_awareness="maybe"), ["parental_awareness"]),
    ("referrer without name", contact_body(referrer={"organisation": "X"}), ["referrer", "name"]),
    (
        "bad referrer email",
        contact_body(referrer={"name": "A", "email": "nope"}),
        ["referrer", "email"],
    ),
    (
        "received in the future",
        contact_body(received_at="2999-01-01T00:00:00+00:00"),
        ["received_at"],
    ),
    ("received_at not a time", contact_body(received_at="soon"), ["received_at"]),
    ("NUL byte in text", contact_body(concerns="a\x00b"), ["concerns"]),
    (
        "wrong type for safety flag",
        contact_body(immediate_safety_concern="perhaps"),
        ["immediate_safety_concern"],
    ),
    ("too many children", contact_body(children=_child() * 31), ["children"]),
]


def _dig(errors: Any, path: list[str]) -> Any:
    for step in path:
        errors = errors[int(step)] if isinstance(errors, list) else errors[step]
    return errors


@pytest.mark.parametrize(("case", "body", "field_path"), BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
def test_bad_contact_is_refused_naming_the_field(
    case: str,
    body: dict[str, Any],
    field_path: list[str],
    police: User,
    api_as: Callable[[User], APIClient],
) -> None:
    response = api_as(police).post(URL, body, format="json")

    assert response.status_code == 400, (case, response.content)
    assert _dig(response.json(), field_path)
    assert Contact.objects.count() == 0
    assert Person.objects.count() == 0


def test_malformed_json_is_a_400(police: User, api_as: Callable[[User], APIClient]) -> None:
    response = api_as(police).post(URL, '{"children": [', content_type="application/json")

    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_body_that_is_not_an_object_is_a_400(
    police: User, api_as: Callable[[User], APIClient]
) -> None:
    response = api_as(police).post(URL, "[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["non_field_errors"]


def test_oversized_body_is_a_413(police: User, api_as: Callable[[User], APIClient]) -> None:
    response = api_as(police).post(URL, contact_body(concerns="x" * 2_000_000), format="json")

    assert response.status_code == 413
    assert Contact.objects.count() == 0


def test_reason_is_not_needed_when_parents_consent(
    police: User, api_as: Callable[[User], APIClient]
) -> None:
    body = contact_body(parental_awareness="informed_and_consents", parental_awareness_reason="")

    assert api_as(police).post(URL, body, format="json").status_code == 201


def test_unborn_child_with_expected_date_is_accepted(
    police: User, api_as: Callable[[User], APIClient]
) -> None:
    unborn = {"first_name": "Unborn", "last_name": "Smith", "expected_date_of_birth": TOMORROW}

    response = api_as(police).post(URL, contact_body(children=[unborn]), format="json")

    assert response.status_code == 201, response.content
