"""The published OpenAPI schema describes what the API really answers."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.test import Client

from mach.models import User
from tests.conftest import Api

pytestmark = pytest.mark.django_db
PAGED = [
    "/api/v1/contacts/",
    "/api/v1/alerts/",
    "/api/v1/access-log/",
    "/api/v1/assessments/",
    "/api/v1/match-proposals/",
]


@pytest.fixture
def document() -> dict[str, Any]:
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    return dict(yaml.safe_load(response.content))


def _component(document: dict[str, Any], ref: str) -> dict[str, Any]:
    return dict(document["components"]["schemas"][ref.rsplit("/", 1)[-1]])


@pytest.mark.parametrize("path", PAGED)
def test_a_paginated_list_is_described_as_a_page(document: dict[str, Any], path: str) -> None:
    ok = document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    page = _component(document, ok["schema"]["$ref"])

    assert set(page["properties"]) == {"next", "previous", "results"}
    assert page["properties"]["results"]["type"] == "array"
    assert "null" in page["properties"]["next"]["type"]


def test_every_operation_documents_the_errors_it_can_answer(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "414", "429", "503"} <= codes, (method, path)
            if method in {"post", "patch"}:
                assert {"409", "415"} <= codes, (method, path)
            assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_a_choice_not_yet_made_is_documented_as_blank(document: dict[str, Any]) -> None:
    rag = _component(document, "#/components/schemas/Contact")["properties"]["rag"]

    refs = {option["$ref"].rsplit("/", 1)[-1] for option in rag["anyOf"]}
    assert refs == {"RagEnum", "BlankEnum"}
    assert _component(document, "BlankEnum")["enum"] == [""]


def test_an_unknown_api_address_is_a_json_404(social_worker: User, api_as: Api) -> None:
    response = api_as(social_worker).get("/api/v1/contacts/-1/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_is_still_the_service_page(signed_in: Any, social_worker: User) -> None:
    response = signed_in(social_worker).get("/no-such-page/")

    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("MatchProposal", "decided_by"),
        ("Assessment", "submitted_by"),
        ("Assessment", "authorised_by"),
        ("PartnerRequest", "responded_by"),
    ],
)
def test_who_decided_is_null_until_someone_does(
    document: dict[str, Any], component: str, field: str
) -> None:
    described = _component(document, component)["properties"][field]

    assert "null" in described["type"]
