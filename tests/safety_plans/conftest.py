from __future__ import annotations

import copy
from typing import Any

import pytest

from mach.models import User
from safety_plans.demo import FAMILY_VERSION
from tests.conftest import Api
from tests.strategy_meetings.conftest import discussion, enquiry, held, records  # noqa: F401

# A plan that passes every check (values measured in tests/safety_plans/test_checks.py).
GOOD: dict[str, Any] = {
    "worries": ["Amy could get hurt when the adults at home shout and fight."],
    "goals": ["Amy feels safe at home every day."],
    "network": [
        {
            "name": "Jo Smith",
            "relationship": "Mum",
            "role": "Takes Amy to school",
            "contact": "07700 900001",
            "is_parent": True,
        },
        {
            "name": "Pat Smith",
            "relationship": "Gran",
            "role": "Visits every day after school",
            "contact": "07700 900002",
            "is_parent": False,
        },
    ],
    "actions": [
        {
            "who": "Gran",
            "what": "visit every day after school",
            "when": "From Monday",
            "how_we_will_know": "Gran texts the social worker each evening",
            "verified_by": "Social worker",
        }
    ],
    "childs_words": "I like it when Gran is there.",
    "family_version": FAMILY_VERSION,
}


def good(**overrides: Any) -> dict[str, Any]:
    body = copy.deepcopy(GOOD)
    body.update(overrides)
    return body


@pytest.fixture
def plan(enquiry: dict[str, Any], social_worker: User, api_as: Api) -> dict[str, Any]:  # noqa: F811
    """A draft plan on the child's open s47 enquiry that fails only the length check."""
    response = api_as(social_worker).post(
        "/api/v1/safety-plans/",
        {
            "children": [enquiry["child"]],
            "s47_enquiry": enquiry["id"],
            **good(family_version="Gran will visit Amy every day. Amy feels safe with Gran."),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return dict(response.json())
