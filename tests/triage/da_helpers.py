"""Shared bodies and fixtures of the domestic-abuse triage tests (imported by each
`test_da_*.py`, so that the triage tests' conftest stays the EDT work's to add)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import count
from typing import Any

import pytest
from django.utils import timezone

from mach.models import AgencyType, Role, Team, User
from tests.conftest import Api

_references = count(1)


def notification_body(**overrides: Any) -> dict[str, Any]:
    """api.md's body: a medium-risk incident last night with one school-age child present."""
    body: dict[str, Any] = {
        "police_reference": f"CP/{next(_references):06d}/26",
        "incident_at": (timezone.now() - timedelta(hours=10)).isoformat(),
        "dash_level": "medium",
        "dash_ticks": 11,
        "victim": {
            "first_name": "Jo",
            "last_name": "Smith",
            "date_of_birth": "1990-05-01",
            "relationship": "mother",
            "address": {"line1": "1 High Street", "town": "Middlesbrough", "postcode": "TS1 2AB"},
        },
        "perpetrator": {
            "first_name": "Lee",
            "last_name": "Brown",
            "date_of_birth": "1988-01-10",
            "relationship": "mother's partner",
        },
        "children": [
            {
                "first_name": "Amy",
                "last_name": "Smith",
                "date_of_birth": "2015-03-02",
                "school": "Linthorpe Primary",
                "present": True,
                "childs_account": "Amy hid upstairs and heard shouting.",
                "address": {
                    "line1": "1 High Street",
                    "town": "Middlesbrough",
                    "postcode": "TS1 2AB",
                },
            }
        ],
        "summary": "Neighbours called police to shouting; the mother had a cut lip.",
    }
    body.update(overrides)
    return body


def at(moment: datetime) -> str:
    return moment.isoformat()


@pytest.fixture
def police_partner(make_user: Callable[..., User]) -> User:
    user = make_user(Role.PARTNER_AGENCY, team="cleveland-police")
    Team.objects.filter(slug="cleveland-police").update(agency=AgencyType.POLICE)
    user.refresh_from_db()
    return user


@pytest.fixture
def notify(social_worker: User, api_as: Api) -> Callable[..., dict[str, Any]]:
    """Post a notification as a social worker; returns the 201 body."""

    def post(**overrides: Any) -> dict[str, Any]:
        response = api_as(social_worker).post(
            "/api/v1/da-notifications/", notification_body(**overrides), format="json"
        )
        assert response.status_code == 201, response.content
        return dict(response.json())

    return post


def triage_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "agency_views": [
            {"agency": "police", "view": "Third call-out this year."},
            {"agency": "health", "view": "Mother seen at A&E in May."},
        ],
        "challenges": [
            {
                "agency": "domestic_abuse_service",
                "challenge": "Information only understates the risk.",
                "resolution": "Agreed: early help offer instead.",
            }
        ],
        "decision": "early_help",
        "early_help_rejected_reason": "",
        "marac_referral": False,
    }
    body.update(overrides)
    return body
