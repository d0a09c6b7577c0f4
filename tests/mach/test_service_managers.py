"""The service manager (spec section 2, api.md): above the teams' managers, the escalations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.test import Client

from mach.deadlines import sweep
from mach.models import Alert, Role, Team, User
from mach.notifications import deliver_pending_alerts
from mach.services import user_create
from tests.conftest import Api
from tests.factories import ContactFactory
from tests.web.conftest import page_text

pytestmark = pytest.mark.django_db
DUE = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
OVERDUE = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
ESCALATED = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


def _escalated(team_slug: str) -> Alert:
    """An overdue contact of the team, swept once (its alert) and again a working day later."""
    team, _ = Team.objects.get_or_create(slug=team_slug, defaults={"name": team_slug})
    contact = ContactFactory(team=team, decision_due_at=DUE, next_alert_at=DUE)
    for moment in (OVERDUE, ESCALATED):
        sweep(now=moment, kind_key="contact_decision", only_ids=[contact.pk])
    return Alert.objects.get(object_id=contact.pk, level=2)


def _service_manager(username: str, *teams: str) -> User:
    user, _token = user_create(
        username=username,
        role=Role.SERVICE_MANAGER,
        team_slug="mach",
        email=f"{username}@example.org",
        manages=teams,
    )
    return user


def test_the_escalation_is_emailed_to_the_service_managers_not_the_same_managers(
    make_user: Callable[..., User], mailoutbox: list[EmailMessage]
) -> None:
    manager = make_user(Role.MANAGER, team="mach")
    head_of_service = _service_manager("head.of.service", "mach")
    _service_manager("other.service", "mach-east")
    _escalated("mach")

    deliver_pending_alerts()

    sent = {
        message.subject.split(":")[0].removeprefix("[MACH] "): message.to for message in mailoutbox
    }
    assert sent == {"Alert": [manager.email], "Escalated alert": [head_of_service.email]}


def test_service_managers_see_and_acknowledge_the_escalations_across_their_teams(
    make_user: Callable[..., User], api_as: Api
) -> None:
    mine = [_escalated("mach"), _escalated("mach-east")]
    _escalated("mach-west")
    head_of_service = _service_manager("head.of.service", "mach", "mach-east")
    team_manager = make_user(Role.MANAGER, team="mach")

    listed = api_as(head_of_service).get("/api/v1/alerts/").json()["results"]
    acknowledged = api_as(head_of_service).post(f"/api/v1/alerts/{mine[1].pk}/acknowledge/")
    managers_list = api_as(team_manager).get("/api/v1/alerts/").json()["results"]

    assert sorted(item["id"] for item in listed) == sorted(alert.pk for alert in mine)
    assert acknowledged.status_code == 200, acknowledged.content
    assert {item["level"] for item in managers_list} == {1}


def test_the_alerts_page_shows_a_service_manager_the_escalations(
    make_user: Callable[..., User],
) -> None:
    escalation = _escalated("mach-east")
    head_of_service = _service_manager("head.of.service", "mach-east")
    client = Client()
    client.force_login(head_of_service)

    html = page_text(client.get("/alerts/"))

    assert "Escalations across the teams you manage" in html
    assert escalation.message in html
    assert f'href="/contacts/{escalation.object_id}/"' in html


def test_adduser_makes_a_service_manager_of_the_teams_named() -> None:
    out = StringIO()

    call_command(
        "adduser",
        "head.of.service",
        "--role",
        "service_manager",
        "--team",
        "mach",
        "--manages",
        "mach",
        "--manages",
        "mach-east",
        stdout=out,
    )

    user = User.objects.get(username="head.of.service")
    assert user.role == "service_manager"
    assert sorted(user.managed_teams.values_list("slug", flat=True)) == ["mach", "mach-east"]
    assert out.getvalue().strip().splitlines()[-1] == user.auth_token.key
