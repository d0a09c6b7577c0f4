"""A partner agency invited to a discussion reads that discussion only, and records its
agency's information; every read is in the access log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mach.models import AccessLog, Role, User
from tests.conftest import Api

pytestmark = pytest.mark.django_db


def invite(api: Any, discussion: dict[str, Any], team: str) -> None:
    response = api.post(
        f"/api/v1/strategy-discussions/{discussion['id']}/invitations/",
        {
            "scheduled_for": (timezone.now() + timedelta(hours=2)).isoformat(),
            "place": "Teams",
            "invitees": [
                {
                    "agency": "police",
                    "name": "DS Patel",
                    "role": "Detective sergeant",
                    "organisation": "Cleveland Police",
                    "email": "ds.patel@example.org",
                    "organisation_team": team,
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def test_an_invited_partner_reads_and_records_its_agencys_information(
    discussion: dict[str, Any], social_worker: User, police_partner: User, api_as: Api
) -> None:
    invite(api_as(social_worker), discussion, "cleveland-police")
    url = f"/api/v1/strategy-discussions/{discussion['id']}/"

    read = api_as(police_partner).get(url)
    listed = api_as(police_partner).get("/api/v1/strategy-discussions/")
    recorded = api_as(police_partner).post(
        url + "information/", {"summary": "Father on bail for assault."}, format="json"
    )

    assert read.status_code == 200
    assert [d["id"] for d in listed.json()["results"]] == [discussion["id"]]
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["information"][-1]["agency"] == "police"
    logged = set(AccessLog.objects.filter(user=police_partner).values_list("via", "child_id"))
    child = discussion["children"][0]
    assert logged == {
        (url, child),
        ("/api/v1/strategy-discussions/", child),
        (url + "information/", child),
    }


def test_a_partner_not_invited_gets_404(
    discussion: dict[str, Any],
    social_worker: User,
    police_partner: User,
    make_user: Callable[..., User],
    api_as: Api,
) -> None:
    invite(api_as(social_worker), discussion, "cleveland-police")
    health = make_user(Role.PARTNER_AGENCY, team="tees-health")
    url = f"/api/v1/strategy-discussions/{discussion['id']}/"

    assert api_as(health).get(url).status_code == 404
    assert (
        api_as(health).post(url + "information/", {"summary": "x"}, format="json").status_code
        == 404
    )
    assert api_as(health).get("/api/v1/strategy-discussions/").json()["results"] == []


def test_a_partner_reads_no_enquiry_or_conference(police_partner: User, api_as: Api) -> None:
    assert api_as(police_partner).get("/api/v1/s47-enquiries/").status_code == 403
    assert api_as(police_partner).get("/api/v1/conferences/").status_code == 403
