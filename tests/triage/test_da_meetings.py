"""The daily triage meeting: working days only, its agenda, closing when all are decided,
undecided notifications rolling to the next meeting, and the alert after one working day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from mach import timescales
from mach.deadlines import sweep
from mach.models import Alert, User
from tests.conftest import Api
from tests.triage.da_helpers import notify, triage_body
from triage.models import DomesticAbuseNotification, TriageMeeting

pytestmark = pytest.mark.django_db
__all__ = ["notify"]

MEETINGS = "/api/v1/da-triage-meetings/"


def next_working_day(after: date, count: int = 1) -> date:
    return timescales.working_day_after(after, count)


def hold(api: Any, day: date, **extra: Any) -> Any:
    return api.post(MEETINGS, {"date": day.isoformat(), **extra}, format="json")


def test_a_meeting_takes_every_notification_awaiting_triage_received_before_it(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    first, second = notify(), notify()
    decided = notify()
    api = api_as(social_worker)
    # The victim's third incident this year: escalation needs a MARAC referral.
    body = triage_body(decision="marac", marac_referral=True)
    triaged = api.post(f"/api/v1/da-notifications/{decided['id']}/triage/", body, format="json")
    assert triaged.status_code == 200, triaged.content

    response = hold(
        api,
        next_working_day(timezone.localdate()),
        attendees=[{"agency": "police", "name": "DS Patel", "role": "Detective sergeant"}],
    )

    assert response.status_code == 201, response.content
    assert sorted(response.json()["agenda"]) == sorted([first["id"], second["id"]])
    assert response.json()["attendees"][0]["agency"] == "police"


def test_a_notification_received_after_the_meeting_starts_waits_for_the_next(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    notify()
    today = timezone.localdate()
    earlier_day = today - timedelta(days=7)
    while not timescales.is_working_day(earlier_day):
        earlier_day -= timedelta(days=1)

    response = hold(api_as(social_worker), earlier_day)

    assert response.status_code == 201
    assert response.json()["agenda"] == []


def test_a_meeting_is_held_on_working_days_only(social_worker: User, api_as: Api) -> None:
    saturday = date(2026, 12, 5)
    boxing_day_substitute = date(2026, 12, 28)

    for day in (saturday, boxing_day_substitute):
        response = hold(api_as(social_worker), day)
        assert response.status_code == 400
        assert "date" in response.json()
    assert hold(api_as(social_worker), date(2026, 12, 29)).status_code == 201


def test_one_meeting_a_day(social_worker: User, api_as: Api) -> None:
    day = next_working_day(timezone.localdate())
    hold(api_as(social_worker), day)

    assert hold(api_as(social_worker), day).status_code == 409


def test_the_meeting_closes_when_every_notification_is_decided(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    first, second = notify(), notify()
    api = api_as(social_worker)
    meeting = hold(api, next_working_day(timezone.localdate())).json()

    api.post(f"/api/v1/da-notifications/{first['id']}/triage/", triage_body(), format="json")
    assert TriageMeeting.objects.get(pk=meeting["id"]).state == "open"
    api.post(f"/api/v1/da-notifications/{second['id']}/triage/", triage_body(), format="json")

    assert api.get(f"{MEETINGS}{meeting['id']}/").json()["state"] == "closed"


def test_undecided_notifications_roll_to_the_next_meeting(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    first, second = notify(), notify()
    api = api_as(social_worker)
    day = next_working_day(timezone.localdate())
    earlier = hold(api, day).json()
    api.post(f"/api/v1/da-notifications/{first['id']}/triage/", triage_body(), format="json")

    later = hold(api, next_working_day(day)).json()

    assert later["agenda"] == [second["id"]]
    assert api.get(f"{MEETINGS}{earlier['id']}/").json()["state"] == "closed"


def test_an_alert_when_a_notification_waited_more_than_one_working_day(
    notify: Callable[..., dict[str, Any]],
) -> None:
    notification = notify()
    due = DomesticAbuseNotification.objects.get(pk=notification["id"]).triage_due_at
    received = datetime.fromisoformat(notification["received_at"])
    assert due == timescales.add_working_days(received, 1)
    kind = ContentType.objects.get_for_model(DomesticAbuseNotification)

    sweep(now=due - timedelta(minutes=1))
    assert not Alert.objects.filter(content_type=kind, kind="da_triage").exists()
    sweep(now=due + timedelta(minutes=1))

    assert Alert.objects.filter(
        content_type=kind, object_id=notification["id"], kind="da_triage"
    ).exists()


def test_no_alert_once_triaged(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    notification = notify()
    api_as(social_worker).post(
        f"/api/v1/da-notifications/{notification['id']}/triage/", triage_body(), format="json"
    )
    due = DomesticAbuseNotification.objects.get(pk=notification["id"]).triage_due_at

    sweep(now=due + timedelta(days=3))

    assert not Alert.objects.filter(kind="da_triage").exists()
