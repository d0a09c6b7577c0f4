"""What the calendar keeps between deadlines: bank holidays (fixed by law, built once per
process) but never closure days, which an administrator may record at any moment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import holidays
import pytest
from rest_framework.test import APIClient

from mach.models import ClosureDay, User
from mach.timescales import WorkingCalendar
from tests.conftest import contact_body

URL = "/api/v1/contacts/"
Api = Callable[[User], APIClient]
# Received Wednesday 24 Dec 2025 16:05: due Monday 29 Dec, the next working day after
# Christmas, Boxing Day and the weekend.
RECEIVED_AT = "2025-12-24T16:05:00+00:00"
DUE_WITHOUT_CLOSURE = datetime(2025, 12, 29, 16, 5, tzinfo=UTC)
DUE_AFTER_CLOSURE = datetime(2025, 12, 30, 16, 5, tzinfo=UTC)
HOURS = {weekday: (time(8, 30), time(17, 0)) for weekday in range(5)}


def _due_of_next_intake(client: APIClient) -> datetime:
    response = client.post(URL, contact_body(received_at=RECEIVED_AT), format="json")
    assert response.status_code == 201, response.content
    return datetime.fromisoformat(response.json()["decision_due_at"])


@pytest.mark.django_db
def test_closure_day_recorded_is_used_by_the_very_next_intake(police: User, api_as: Api) -> None:
    client = api_as(police)
    assert _due_of_next_intake(client) == DUE_WITHOUT_CLOSURE

    ClosureDay.objects.create(date=date(2025, 12, 29), reason="Council closure")

    assert _due_of_next_intake(client) == DUE_AFTER_CLOSURE


@pytest.mark.django_db
def test_closure_day_removed_is_no_longer_skipped_by_the_next_intake(
    police: User, api_as: Api
) -> None:
    closure = ClosureDay.objects.create(date=date(2025, 12, 29), reason="Council closure")
    client = api_as(police)
    assert _due_of_next_intake(client) == DUE_AFTER_CLOSURE

    closure.delete()

    assert _due_of_next_intake(client) == DUE_WITHOUT_CLOSURE


def test_kept_bank_holidays_agree_with_the_holidays_package_every_day() -> None:
    calendar = WorkingCalendar(hours=HOURS)
    published = holidays.country_holidays("GB", subdiv="ENG")
    day = date(2020, 1, 1)

    while day < date(2033, 1, 1):
        assert calendar.is_working_day(day) == (day.weekday() < 5 and day not in published), day
        day += timedelta(days=1)
