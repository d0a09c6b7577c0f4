"""The schema tells a new user what the API will ask of them: a summary for every operation,
and when a field that looks optional is required."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.test import Client

pytestmark = pytest.mark.django_db
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def document() -> dict[str, Any]:
    return dict(yaml.safe_load(Client().get("/api/schema/").content))


def test_every_operation_has_a_summary(document: dict[str, Any]) -> None:
    missing = [
        (method, path)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS and not operation.get("summary", "").strip()
    ]

    assert not missing


def test_the_core_operations_have_summaries_in_words(document: dict[str, Any]) -> None:
    assert document["paths"]["/api/v1/contacts/"]["post"]["summary"] == "Submit a contact"


def _request_properties(document: dict[str, Any], path: str) -> dict[str, Any]:
    body = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    name = body["schema"]["$ref"].rsplit("/", 1)[-1]
    return dict(document["components"]["schemas"][name]["properties"])


@pytest.mark.parametrize(
    ("path", "field", "condition"),
    [
        ("/api/v1/contacts/", "parental_awareness_reason", "`informed_and_consents`"),
        (
            "/api/v1/contacts/{contact_id}/screening/",
            "parents_not_consulted_reason",
            "`parents_consulted` is false",
        ),
        (
            "/api/v1/contacts/{contact_id}/screening/",
            "alternatives_considered",
            "`recommended_outcome` is statutory",
        ),
    ],
)
def test_a_conditionally_required_field_says_when_it_is_required(
    document: dict[str, Any], path: str, field: str, condition: str
) -> None:
    description = _request_properties(document, path)[field]["description"]

    assert description.startswith("Required")
    assert condition in description
