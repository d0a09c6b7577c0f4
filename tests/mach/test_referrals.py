"""Referrals and re-referrals: the national definition, tested at its boundary both ways."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from assessments.models import Assessment
from mach.deadlines import sweep
from mach.models import Alert, Referral, User
from tests.conftest import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def referred(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> Callable[[str], dict[str, Any]]:
    def refer(received_at: str) -> dict[str, Any]:
        contact = screened_contact({"received_at": received_at})
        response = api_as(manager).post(
            f"/api/v1/contacts/{contact['id']}/oversight/",
            {"decision": "agree", "rationale": "Assessment needed."},
            format="json",
        )
        assert response.status_code == 200, response.content
        # The episode ends: a contact while its assessment were open would be information on
        # that case, not a referral (tests/assessments/test_open_cases.py).
        Assessment.objects.filter(referral__contact_id=contact["id"]).update(state="completed")
        return dict(response.json())

    return refer


def test_referral_twelve_months_to_the_day_after_another_is_a_rereferral(
    referred: Callable[[str], dict[str, Any]],
) -> None:
    referred("2025-11-03T10:00:00+00:00")

    second = referred("2026-11-03T10:00:00+00:00")

    assert second["referral"]["is_rereferral"] is True
    assert second["referral"]["previous_referral_date"] == "2025-11-03"


def test_referral_twelve_months_and_a_day_after_another_is_not(
    referred: Callable[[str], dict[str, Any]],
) -> None:
    referred("2025-11-02T10:00:00+00:00")

    second = referred("2026-11-03T10:00:00+00:00")

    assert second["referral"]["is_rereferral"] is False
    assert second["referral"]["previous_referral_date"] is None


def test_referral_date_is_the_local_date_the_contact_was_received(
    referred: Callable[[str], dict[str, Any]],
) -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    body = referred("2026-06-30T23:30:00+00:00")

    assert body["referral"]["referral_date"] == "2026-07-01"


def test_rereferral_raises_one_alert_with_the_previous_episode(
    referred: Callable[[str], dict[str, Any]],
) -> None:
    referred("2026-05-01T10:00:00+00:00")
    second = referred("2026-11-03T10:00:00+00:00")

    sweep(now=datetime.now(UTC))
    sweep(now=datetime(2027, 6, 1, tzinfo=UTC))

    alert = Alert.objects.get(kind="rereferral")
    assert alert.object_id == second["referral"]["id"]
    assert "01 May 2026" in alert.message
    assert alert.level == 1


def test_first_referral_raises_no_rereferral_alert(
    referred: Callable[[str], dict[str, Any]],
) -> None:
    referred("2026-11-03T10:00:00+00:00")

    sweep(now=datetime.now(UTC))

    assert not Alert.objects.filter(kind="rereferral").exists()
    assert Referral.objects.get().next_alert_at is None


def test_a_contact_already_referred_for_a_child_is_not_referred_again(
    referred: Callable[[str], dict[str, Any]], manager: User
) -> None:
    """A domestic-abuse triage decision refers a contact's children at once; the contact is
    screened and overseen later, and by then the child's case may have closed."""
    from django.db import transaction

    from mach.models import Contact
    from mach.services import referrals_open

    decided = referred("2026-11-02T10:00:00Z")
    contact = Contact.objects.get(pk=decided["id"])

    with transaction.atomic():
        again = referrals_open(actor=manager, contact=contact, outcome="assessment")

    assert again == []
    assert Referral.objects.filter(contact=contact).count() == 1
