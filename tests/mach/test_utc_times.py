"""Times in responses are shown in UTC whichever zone is active, exactly as DRF shows them in
UTC, without switching the active zone for each one."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework import serializers

from mach.representations import UtcDateTimeField

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 7, 1, 10, 0, tzinfo=LONDON),
        datetime(2026, 1, 5, 10, 0, 0, 123456, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON),
    ],
)
@pytest.mark.parametrize("field_format", [None, "%d %b %Y %H:%M"])
def test_a_time_is_shown_as_drf_shows_it_in_utc(value: datetime, field_format: str | None) -> None:
    options = {} if field_format is None else {"format": field_format}
    with timezone.override(UTC):
        expected = serializers.DateTimeField(**options).to_representation(value)

    with timezone.override(LONDON):
        shown = UtcDateTimeField(**options).to_representation(value)

    assert shown == expected
