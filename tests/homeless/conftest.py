from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mach.models import User
from tests.conftest import Api

URL = "/api/v1/homeless-presentations/"
# Friday 20 November 2026, noon in London: a fixed presentation moment.
PRESENTED_AT = "2026-11-20T12:00:00+00:00"


def presentation_body(date_of_birth: str = "2009-05-01", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "young_person": {
            "first_name": "Jade",
            "last_name": "Patel",
            "date_of_birth": date_of_birth,
            "address": {"line1": "4 Park Road", "town": "Middlesbrough", "postcode": "TS5 6AB"},
        },
        "presented_at": PRESENTED_AT,
        "presented_to": "childrens_services",
    }
    body.update(overrides)
    return body


STEP_BODIES: dict[str, dict[str, Any]] = {
    "account": {
        "account": "Mum told me to leave after we argued.",
        "wishes_and_feelings": "I want to stay near my college.",
    },
    "rights-and-advocacy": {
        "rights_explained_on": "2026-11-20",
        "advocacy_offered_on": "2026-11-20",
        "advocacy_taken_up": True,
    },
    "accommodation": {"type": "supported_lodgings", "under_s20": True},
    "joint-assessment": {
        "housing_officer": "Pat Lewis",
        "completed_on": "2026-11-25",
        "summary": "Cannot return home safely now.",
    },
    "decision": {"outcome": "s20_accommodated", "reason": "Needs care and support."},
}
ORDER = list(STEP_BODIES)
JADE = {
    "first_name": "Jade",
    "last_name": "Patel",
    "date_of_birth": "2009-05-01",
    "address": {"line1": "4 Park Road", "town": "Middlesbrough", "postcode": "TS5 6AB"},
}


@pytest.fixture
def present(social_worker: User, api_as: Api) -> Callable[..., dict[str, Any]]:
    def post(**overrides: Any) -> dict[str, Any]:
        response = api_as(social_worker).post(URL, presentation_body(**overrides), format="json")
        assert response.status_code == 201, response.content
        return dict(response.json())

    return post


@pytest.fixture
def walk(social_worker: User, api_as: Api) -> Callable[..., dict[str, Any]]:
    """Take a presentation through the steps up to and including `until`."""

    def take(presentation: dict[str, Any], until: str) -> dict[str, Any]:
        body = presentation
        for step in ORDER[: ORDER.index(until) + 1]:
            response = api_as(social_worker).post(
                f"{URL}{presentation['id']}/{step}/", STEP_BODIES[step], format="json"
            )
            assert response.status_code == 200, (step, response.content)
            body = dict(response.json())
        return body

    return take
