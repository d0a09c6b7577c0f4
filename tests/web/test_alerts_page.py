"""The alerts page: a manager's team's open alerts, and acknowledging them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from rest_framework.test import APIClient

from mach.deadlines import sweep
from mach.models import Alert, Role, User
from tests.conftest import contact_body
from tests.web.conftest import SignedIn, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_alert(make_user: Callable[..., User], api_as: Callable[[User], APIClient]) -> Alert:
    worker = make_user(Role.SOCIAL_WORKER)
    api_as(worker).post("/api/v1/contacts/", contact_body(), format="json")
    sweep(now=datetime.fromisoformat("2026-12-29T17:00:00+00:00"))
    return Alert.objects.get()


def test_a_manager_sees_the_open_alert_linked_to_its_contact(
    manager: User, signed_in: SignedIn, overdue_alert: Alert
) -> None:
    html = page_text(signed_in(manager).get("/alerts/"))

    assert overdue_alert.message in html
    assert f'href="/contacts/{overdue_alert.object_id}/"' in html
    assert "1 open alert" in html


def test_acknowledging_removes_the_alert_from_the_list(
    manager: User, signed_in: SignedIn, overdue_alert: Alert
) -> None:
    client = signed_in(manager)

    response = client.post(f"/alerts/{overdue_alert.pk}/acknowledge/", follow=True)

    assert "Alert acknowledged" in page_text(response)
    assert "Your team has no open alerts." in page_text(response)
    overdue_alert.refresh_from_db()
    assert overdue_alert.acknowledged_by == manager


def test_acknowledging_twice_says_so_and_changes_nothing(
    manager: User, second_manager: User, signed_in: SignedIn, overdue_alert: Alert
) -> None:
    signed_in(manager).post(f"/alerts/{overdue_alert.pk}/acknowledge/")

    response = signed_in(second_manager).post(
        f"/alerts/{overdue_alert.pk}/acknowledge/", follow=True
    )

    assert "already acknowledged" in page_text(response)
    overdue_alert.refresh_from_db()
    assert overdue_alert.acknowledged_by == manager
