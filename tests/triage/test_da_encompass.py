"""Operation Encompass: one notice per child of school age, due at the school-day start on the
next school day (weekends, bank holidays and recorded school holidays skipped), recorded when,
by whom and to which school, with an alert when overdue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from mach.deadlines import sweep
from mach.models import Alert, SchoolHoliday, User
from mach.timescales import LONDON
from tests.conftest import Api
from tests.triage.da_helpers import notification_body, notify

pytestmark = pytest.mark.django_db
__all__ = ["notify"]


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


def due_for(notify: Callable[..., dict[str, Any]], received: datetime) -> datetime:
    body = notify(received_at=received.isoformat(), incident_at=received.isoformat())
    return datetime.fromisoformat(body["encompass"][0]["due_at"])


def test_due_before_school_starts_the_next_school_day(
    notify: Callable[..., dict[str, Any]],
) -> None:
    # Tuesday 24 November 2026, 19:00 -> Wednesday 08:30.
    assert due_for(notify, local(2026, 11, 24, 19, 0)) == local(2026, 11, 25, 8, 30)


def test_a_notification_before_school_starts_is_due_that_morning(
    notify: Callable[..., dict[str, Any]],
) -> None:
    assert due_for(notify, local(2026, 11, 24, 7, 0)) == local(2026, 11, 24, 8, 30)
    assert due_for(notify, local(2026, 11, 24, 8, 30)) == local(2026, 11, 25, 8, 30)


def test_across_a_weekend(notify: Callable[..., dict[str, Any]]) -> None:
    # Friday 27 November 2026 -> Monday 30 November.
    assert due_for(notify, local(2026, 11, 27, 20, 0)) == local(2026, 11, 30, 8, 30)


def test_across_a_bank_holiday(notify: Callable[..., dict[str, Any]]) -> None:
    # Friday 28 August 2026; Monday 31 August is the summer bank holiday.
    assert due_for(notify, local(2026, 8, 28, 18, 0)) == local(2026, 9, 1, 8, 30)


def test_across_a_school_holiday(notify: Callable[..., dict[str, Any]]) -> None:
    SchoolHoliday.objects.create(
        name="Autumn half term", first_day=date(2026, 10, 26), last_day=date(2026, 10, 30)
    )
    # Friday 23 October 2026 -> Monday 2 November, after the half term.
    assert due_for(notify, local(2026, 10, 23, 17, 0)) == local(2026, 11, 2, 8, 30)


def test_the_school_day_start_is_a_setting(
    notify: Callable[..., dict[str, Any]], settings: Any
) -> None:
    settings.SCHOOL_DAY_START = "08:45"

    assert due_for(notify, local(2026, 11, 24, 19, 0)) == local(2026, 11, 25, 8, 45)


@pytest.mark.parametrize(
    ("born", "school_age"),
    [
        ("2022-08-31", True),  # in reception in November 2026
        ("2022-09-01", False),  # starts reception next September
        ("2009-06-01", True),  # 17
    ],
)
def test_a_notice_for_each_child_of_school_age_only(
    born: str, school_age: bool, notify: Callable[..., dict[str, Any]]
) -> None:
    child = notification_body()["children"][0] | {"date_of_birth": born}
    received = local(2026, 11, 24, 19, 0).isoformat()

    body = notify(children=[child], received_at=received, incident_at=received)

    assert len(body["encompass"]) == (1 if school_age else 0)


def test_recording_the_school_told_stops_the_clock(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    notification = notify()
    child = notification["children"][0]["child"]
    url = f"/api/v1/da-notifications/{notification['id']}/encompass/"
    told = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    body = {"child": child, "told_at": told, "told_by": "Sam Worker", "school": "Linthorpe"}

    response = api_as(social_worker).post(url, body, format="json")

    assert response.status_code == 200, response.content
    notice = response.json()["encompass"][0]
    assert notice["told_by"] == "Sam Worker"
    assert notice["told_school"] == "Linthorpe"
    assert api_as(social_worker).post(url, body, format="json").status_code == 409
    sweep(now=datetime.now(UTC) + timedelta(days=10))
    assert not Alert.objects.filter(kind="encompass").exists()


def test_a_child_without_a_notice_is_refused(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    notification = notify()
    url = f"/api/v1/da-notifications/{notification['id']}/encompass/"
    body = {
        "child": notification["victim"],
        "told_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "told_by": "Sam Worker",
        "school": "Linthorpe",
    }

    response = api_as(social_worker).post(url, body, format="json")

    assert response.status_code == 400
    assert "child" in response.json()


def test_an_overdue_school_notice_raises_an_alert(
    notify: Callable[..., dict[str, Any]],
) -> None:
    notification = notify()
    due = datetime.fromisoformat(notification["encompass"][0]["due_at"])

    sweep(now=due - timedelta(minutes=1))
    assert not Alert.objects.filter(kind="encompass").exists()
    sweep(now=due + timedelta(minutes=1))

    assert Alert.objects.filter(kind="encompass").count() == 1
