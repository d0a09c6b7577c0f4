"""Alerts name records, never children: they are listed and emailed without an access-log
entry, so a child's name must not travel in them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from rest_framework.test import APIClient

from assessments.models import Assessment
from mach.deadlines import sweep
from mach.models import Alert, User
from tests.conftest import contact_body

pytestmark = pytest.mark.django_db


def test_no_alert_message_names_a_child(
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    api_as: Callable[[User], APIClient],
) -> None:
    for received in ("2026-03-02T10:00:00+00:00", "2026-11-02T10:00:00+00:00"):
        contact = screened_contact({"received_at": received})
        api_as(manager).post(
            f"/api/v1/contacts/{contact['id']}/oversight/",
            {"decision": "agree", "rationale": "Assessment needed."},
            format="json",
        )
        # Each episode ends before the next contact, which is then a re-referral, not
        # information on an open case.
        Assessment.objects.filter(referral__contact_id=contact["id"]).update(state="completed")

    sweep(now=datetime.fromisoformat("2027-06-01T12:00:00+00:00"))

    messages = list(Alert.objects.values_list("kind", "message"))
    assert {kind for kind, _ in messages} >= {"rereferral", "assessment"}
    child = contact_body()["children"][0]
    assert not [message for _, message in messages if child["first_name"] in message]
    assert any(
        message.startswith(f"Re-referral on contact {contact['reference']}")
        for _, message in messages
    )
