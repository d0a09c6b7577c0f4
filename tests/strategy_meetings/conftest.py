from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mach.models import Role, User
from tests.conftest import Api

MINIMUM = [
    {"agency": "childrens_social_care", "name": "Sam Worker", "role": "Social worker"},
    {"agency": "police", "name": "DS Patel", "role": "Detective sergeant"},
    {"agency": "health", "name": "Dr Khan", "role": "Named nurse"},
]
INFORMATION = [
    {"agency": "police", "summary": "Two call-outs for domestic abuse in March."},
    {"agency": "health", "summary": "Missed immunisations; bruising seen at A&E."},
]
ANALYSIS = "Escalating violence with the children present; bruising unexplained: likely harm."


def held_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "held_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "attendees": MINIMUM,
        "information": INFORMATION,
        "analysis": ANALYSIS,
    }
    body.update(overrides)
    return body


@pytest.fixture
def discussion(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> dict[str, Any]:
    """A discussion opened by oversight agreeing with a red `strategy_discussion` screening."""
    contact = screened_contact(rag="red", recommended_outcome="strategy_discussion")
    response = api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "Reasonable cause to suspect significant harm."},
        format="json",
    )
    assert response.status_code == 200, response.content
    return dict(api_as(manager).get("/api/v1/strategy-discussions/").json()["results"][0])


@pytest.fixture
def held(discussion: dict[str, Any], social_worker: User, api_as: Api) -> dict[str, Any]:
    response = api_as(social_worker).post(
        f"/api/v1/strategy-discussions/{discussion['id']}/held/", held_body(), format="json"
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


def decide(api: Any, held: dict[str, Any], decision: str) -> dict[str, Any]:
    response = api.post(
        f"/api/v1/strategy-discussions/{held['id']}/decision/",
        {
            "decisions": [
                {"child": child, "decision": decision, "share_with_family": "Told today."}
                for child in held["children"]
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


@pytest.fixture
def enquiry(held: dict[str, Any], social_worker: User, api_as: Api) -> dict[str, Any]:
    decide(api_as(social_worker), held, "s47_joint")
    return dict(api_as(social_worker).get("/api/v1/s47-enquiries/").json()["results"][0])


@pytest.fixture
def police_partner(make_user: Callable[..., User]) -> User:
    return make_user(Role.PARTNER_AGENCY, team="cleveland-police")
