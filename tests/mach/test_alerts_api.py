"""GET /api/v1/alerts/ and acknowledging an alert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from mach.deadlines import sweep
from mach.models import Alert, Event, Role, Team, User
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
SWEPT_AT = datetime(2026, 12, 20, 12, 0, tzinfo=UTC)


def _overdue_alerts(count: int, team_slug: str = "mach") -> list[Alert]:
    team, _ = Team.objects.get_or_create(slug=team_slug, defaults={"name": team_slug})
    contacts = [
        ContactFactory(team=team, decision_due_at=due, next_alert_at=due)
        for due in (datetime(2026, 12, 1 + day, 10, 0, tzinfo=UTC) for day in range(count))
    ]
    sweep(now=SWEPT_AT, kind_key="contact_decision", only_ids=[c.pk for c in contacts])
    return list(Alert.objects.filter(team=team))


def test_managers_see_their_teams_open_alerts_newest_first(
    manager: User, api_as: Callable[[User], APIClient]
) -> None:
    mine = _overdue_alerts(3)
    _overdue_alerts(2, team_slug="mach-east")

    listed = api_as(manager).get("/api/v1/alerts/").json()["results"]

    assert sorted(item["id"] for item in listed) == sorted(alert.pk for alert in mine)
    assert [item["id"] for item in listed] == sorted((item["id"] for item in listed), reverse=True)
    assert listed[0]["item_type"] == "contact"


def test_acknowledging_closes_the_alert_and_records_who(
    manager: User, api_as: Callable[[User], APIClient]
) -> None:
    (alert,) = _overdue_alerts(1)
    client = api_as(manager)

    response = client.post(
        f"/api/v1/alerts/{alert.pk}/acknowledge/", {"note": "On it"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["acknowledged_by"] == manager.username
    assert client.get("/api/v1/alerts/").json()["results"] == []
    event = Event.objects.get(action="alert_acknowledged")
    assert (event.actor, event.reason) == (manager, "On it")


def test_acknowledging_twice_is_a_conflict(
    manager: User, api_as: Callable[[User], APIClient]
) -> None:
    (alert,) = _overdue_alerts(1)
    client = api_as(manager)
    client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {}, format="json")

    again = client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {}, format="json")

    assert again.status_code == 409


def test_another_teams_alert_is_not_found(
    make_user: Callable[..., User], api_as: Callable[[User], APIClient]
) -> None:
    (alert,) = _overdue_alerts(1)
    east_manager = make_user(Role.MANAGER, team="mach-east")

    response = api_as(east_manager).post(
        f"/api/v1/alerts/{alert.pk}/acknowledge/", {}, format="json"
    )

    assert response.status_code == 404
