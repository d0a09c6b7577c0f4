"""The referrer feedback's status over REST, and recording feedback given another way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from mach.models import User
from triage.models import ReferrerFeedback

pytestmark = pytest.mark.django_db
Api = Callable[[User], APIClient]


@pytest.fixture
def decided(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> dict[str, Any]:
    contact = screened_contact()
    api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "Agreed."},
        format="json",
    )
    return contact


def test_there_is_no_feedback_before_the_decision(
    screened_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = screened_contact()

    response = api_as(social_worker).get(f"/api/v1/contacts/{contact['id']}/referrer-feedback/")

    assert response.status_code == 404


def test_the_feedback_shows_when_it_is_due_and_to_whom(
    decided: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    body = api_as(social_worker).get(f"/api/v1/contacts/{decided['id']}/referrer-feedback/").json()

    assert body["recipient"] == "a.jones@example.org"
    assert body["due_at"] == ReferrerFeedback.objects.get().due_at.isoformat().replace(
        "+00:00", "Z"
    )
    assert "Child and family assessment (s17)" in body["message"]


def test_feedback_given_by_phone_is_recorded_once(
    decided: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    path = f"/api/v1/contacts/{decided['id']}/referrer-feedback/given/"
    api = api_as(social_worker)

    first = api.post(path, {"how": "By phone to PC Jones."}, format="json")
    second = api.post(path, {"how": "Again."}, format="json")

    assert first.status_code == 200
    assert first.json()["sent_by"] == social_worker.username
    assert second.status_code == 409


def test_how_the_feedback_was_given_is_required(
    decided: dict[str, Any], social_worker: User, api_as: Api
) -> None:

    response = api_as(social_worker).post(
        f"/api/v1/contacts/{decided['id']}/referrer-feedback/given/", {"how": ""}, format="json"
    )

    assert response.status_code == 400
    assert "how" in response.json()
