"""Hand-offs: a decision names its next step, and the app that owns the step opens it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from assessments.models import Assessment
from mach.models import Referral, User
from tests.conftest import Api, SignedIn
from tests.web.conftest import page_text

pytestmark = pytest.mark.django_db


def _decide(api_as: Api, manager: User, contact: dict[str, Any]) -> None:
    response = api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "Proportionate to the risk."},
        format="json",
    )
    assert response.status_code == 200, response.content


def test_a_next_step_no_app_handles_is_recorded_on_the_contact_not_dropped(
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    api_as: Api,
    signed_in: SignedIn,
) -> None:
    # Strategy discussions are opened by strategy_meetings now; immediate protection by no app.
    contact = screened_contact(recommended_outcome="immediate_protection")

    _decide(api_as, manager, contact)

    assert Referral.objects.filter(contact_id=contact["id"]).count() == 1
    events = api_as(manager).get(f"/api/v1/contacts/{contact['id']}/").json()["events"]
    not_handled = [event for event in events if event["action"] == "next_step_not_handled"]
    assert len(not_handled) == 1
    assert "immediate protection" in not_handled[0]["reason"]
    page = page_text(signed_in(manager).get(f"/contacts/{contact['id']}/"))
    assert "Not handled here" in page


def test_a_next_step_an_app_handles_is_opened_and_not_flagged(
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    api_as: Api,
    signed_in: SignedIn,
) -> None:
    contact = screened_contact(recommended_outcome="assessment")

    _decide(api_as, manager, contact)

    assert Assessment.objects.filter(referral__contact_id=contact["id"]).count() == 1
    events = api_as(manager).get(f"/api/v1/contacts/{contact['id']}/").json()["events"]
    assert "next_step_not_handled" not in {event["action"] for event in events}
    page = page_text(signed_in(manager).get(f"/contacts/{contact['id']}/"))
    assert "Not handled here" not in page
