"""Dates on list pages, shown as the `date` filter shows them without its cost."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import dateformat, timezone, translation

from mach.web.rows import date_text

# Each format the Python-built rows use, and others the templates use.
FORMATS = ["j M Y, H:i", "D j M, H:i", "j M Y", "j F Y", "l j F Y, H:i", "D j M Y", "j F Y H:i"]


def moments() -> list[datetime]:
    """Every hour of 2026 and the first days of 2027 (both clock changes, every weekday and
    month, midnight and single-digit days), in UTC."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [start + timedelta(hours=hour, minutes=hour % 60) for hour in range(0, 9000, 7)]


@pytest.mark.parametrize("format", FORMATS)
def test_a_time_is_shown_as_the_date_filter_shows_it_in_local_time(format: str) -> None:
    for moment in moments():
        assert date_text(moment, format) == dateformat.format(timezone.localtime(moment), format)


def test_british_summer_time_is_shown_as_the_clock_on_the_wall() -> None:
    assert date_text(datetime(2026, 7, 1, 13, 5, tzinfo=UTC), "D j M, H:i") == "Wed 1 Jul, 14:05"
    assert date_text(datetime(2026, 12, 1, 13, 5, tzinfo=UTC), "D j M, H:i") == "Tue 1 Dec, 13:05"


def test_a_date_is_shown_as_the_date_filter_shows_it() -> None:
    day = date(2026, 3, 9)

    assert date_text(day, "j M Y") == "9 Mar 2026" == dateformat.format(day, "j M Y")


def test_the_names_are_in_the_active_language() -> None:
    moment = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    with translation.override("cy"):
        welsh = date_text(moment, "l j F Y")
        assert welsh == dateformat.format(timezone.localtime(moment), "l j F Y")
    assert welsh != date_text(moment, "l j F Y") == "Monday 9 March 2026"


@pytest.mark.parametrize("format", ["r", "jS F Y", "j M Y \\a\\t H:i", "N j, Y"])
def test_any_other_format_is_left_to_django(format: str) -> None:
    moment = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)

    assert date_text(moment, format) == dateformat.format(timezone.localtime(moment), format)
