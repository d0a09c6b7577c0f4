"""A child with a strategy discussion or an s47 enquiry under way has an open case (spec section
4): a new contact about them is information on it, not a new referral."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from assessments.models import Assessment
from mach.models import Referral, User
from tests.conftest import Api

pytestmark = pytest.mark.django_db


def _second_contact_decided(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> tuple[dict[str, Any], dict[str, Any]]:
    contact = screened_contact(recommended_outcome="assessment")
    response = api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "Assessment needed."},
        format="json",
    )
    assert response.status_code == 200, response.content
    return contact, dict(response.json())


def test_a_contact_during_a_strategy_discussion_is_information_on_it(
    discussion: dict[str, Any],
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    api_as: Api,
) -> None:
    referrals = Referral.objects.count()

    contact, decided = _second_contact_decided(screened_contact, manager, api_as)

    assert contact["open_case"]["kind"] == "strategy_discussion"
    assert contact["open_case"]["record_id"] == discussion["id"]
    assert (decided["referral"], decided["referrals"]) == (None, [])
    assert Referral.objects.count() == referrals
    assert not Assessment.objects.exists()


def test_a_contact_during_an_s47_enquiry_is_information_on_it(
    enquiry: dict[str, Any],
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    api_as: Api,
) -> None:
    referrals = Referral.objects.count()

    contact, decided = _second_contact_decided(screened_contact, manager, api_as)

    assert contact["open_case"]["kind"] == "s47_enquiry"
    assert contact["open_case"]["record_id"] == enquiry["id"]
    assert decided["referrals"] == []
    assert Referral.objects.count() == referrals
    assert not Assessment.objects.exists()
