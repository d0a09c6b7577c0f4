"""Working days and deadlines: the one module that computes every timescale (spec section 2).

Computation happens in Europe/London local time; results are returned in UTC. A working day is
a weekday with front-door hours that is neither an England bank holiday (including substitute
days) nor a closure day an administrator recorded. Front-door hours come from
`settings.FRONT_DOOR_HOURS`.

Boundaries: a moment exactly at opening time is inside hours; a moment exactly at closing time
is outside them and counts from the next opening, because no work can start at the close.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
# More consecutive closed days than this means the calendar is misconfigured, not a long holiday.
MAX_CLOSED_RUN = 60


@lru_cache(maxsize=256)
def bank_holidays(country: str, subdivision: str, year: int) -> frozenset[date]:
    """The bank holidays (substitute days included) of one year, built once per process.

    A year's holidays are fixed by law long before the year starts, so nothing invalidates this;
    building them costs more than the rest of a deadline computation. The `holidays` package
    never places a holiday of one year in another, so a day is looked up under its own year.
    Raises what `holidays.country_holidays` raises for an unknown country or subdivision.
    """
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


@lru_cache(maxsize=8)
def _hours(configured: tuple[tuple[int, tuple[str, ...]], ...]) -> dict[int, tuple[time, time]]:
    """`FRONT_DOOR_HOURS` as times, parsed once for each value the setting has had."""
    return {
        weekday: (time.fromisoformat(opening), time.fromisoformat(closing))
        for weekday, (opening, closing) in configured
    }


class WorkingCalendar:
    """Immutable: hours, bank holidays and closure days are fixed at construction."""

    def __init__(
        self,
        *,
        hours: Mapping[int, tuple[time, time]],
        closures: Collection[date] = (),
        country: str = "GB",
        subdivision: str = "ENG",
    ) -> None:
        if not hours:
            raise ValueError("Front-door hours must open on at least one weekday.")
        for weekday, (opening, closing) in hours.items():
            if not 0 <= weekday <= 6 or opening >= closing:
                raise ValueError(f"Front-door hours for weekday {weekday} are not a valid period.")
        self.hours = dict(hours)
        self.closures = frozenset(closures)
        self.country = country
        self.subdivision = subdivision

    @classmethod
    def current(cls) -> WorkingCalendar:
        """The calendar in force: hours from settings and the recorded closure days (one query).

        Closure days are read afresh every time, so a day an administrator records applies to
        the very next deadline computed in any process. A cache would need a shared version
        read on every call, which costs what reading the small table costs.
        """
        from django.conf import settings
        from django.db import router

        from .models import ClosureDay
        from .rows import prepared_cursor

        configured = settings.FRONT_DOOR_HOURS.items()
        # Every intake and transition computes a deadline: the read is a plain statement, not
        # one the ORM builds anew each time.
        with prepared_cursor(router.db_for_read(ClosureDay)) as cursor:
            cursor.execute(f'SELECT "date" FROM "{ClosureDay._meta.db_table}"')
            closures = {day for (day,) in cursor.fetchall()}
        return cls(
            hours=_hours(tuple((day, tuple(period)) for day, period in configured)),
            closures=closures,
            country=settings.BANK_HOLIDAY_COUNTRY,
            subdivision=settings.BANK_HOLIDAY_SUBDIVISION,
        )

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() in self.hours
            and day not in self.closures
            and day not in bank_holidays(self.country, self.subdivision, day.year)
        )

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        for offset in range(1, MAX_CLOSED_RUN + 1):
            candidate = day + timedelta(days=offset)
            if self.is_working_day(candidate):
                return candidate
        raise ValueError(f"No working day within {MAX_CLOSED_RUN} days after {day}.")

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("Deadlines are computed from aware datetimes only.")
        return moment.astimezone(LONDON)

    def _at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=LONDON)

    def is_within_hours(self, moment: datetime) -> bool:
        local = self._local(moment)
        if not self.is_working_day(local.date()):
            return False
        opening, closing = self.hours[local.weekday()]
        return opening <= local.time() < closing

    def working_period_start(self, moment: datetime) -> datetime:
        """`moment` itself when inside hours, otherwise the next opening (local time)."""
        local = self._local(moment)
        if self.is_within_hours(local):
            return local
        day = local.date()
        if self.is_working_day(day) and local.time() < self.hours[day.weekday()][0]:
            return self._at(day, self.hours[day.weekday()][0])
        following = self.next_working_day(day)
        return self._at(following, self.hours[following.weekday()][0])

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """ "Within `days` working days of a moment" (decisions).

        A moment outside hours counts from the next opening; the deadline is the same local
        clock time `days` working days later. With `days == 0` it is the close of the working
        period the (adjusted) moment falls in.
        """
        if days < 0:
            raise ValueError("A number of working days cannot be negative.")
        start = self.working_period_start(moment)
        day = start.date()
        if days == 0:
            return self._at(day, self.hours[day.weekday()][1]).astimezone(UTC)
        for _ in range(days):
            day = self.next_working_day(day)
        return self._at(day, start.time()).astimezone(UTC)

    def close_of(self, day: date) -> datetime:
        """The closing moment of `day` (a working day), when a deadline set as a date passes."""
        if not self.is_working_day(day):
            raise ValueError(f"{day} is not a working day.")
        return self._at(day, self.hours[day.weekday()][1]).astimezone(UTC)

    def working_day_after(self, day: date, days: int) -> date:
        """ "Within `days` working days of a date" (assessments, conferences): the date is day 0."""
        if days < 0:
            raise ValueError("A number of working days cannot be negative.")
        for _ in range(days):
            day = self.next_working_day(day)
        return day

    def next_working_day_at(self, moment: datetime, at: time) -> datetime:
        """The earliest `at` o'clock on a working day strictly after `moment` (EDT handover)."""
        local = self._local(moment)
        day = local.date()
        if not (self.is_working_day(day) and self._at(day, at) > local):
            day = self.next_working_day(day)
        return self._at(day, at).astimezone(UTC)

    def add_working_hours(self, moment: datetime, hours: float) -> datetime:
        """`hours` of front-door open time after `moment` (a start outside hours counts from
        the next opening)."""
        if hours < 0:
            raise ValueError("A number of working hours cannot be negative.")
        remaining = timedelta(hours=hours)
        current = self.working_period_start(moment)
        while True:
            closing = self._at(current.date(), self.hours[current.weekday()][1])
            available = closing - current
            if remaining <= available:
                return (current + remaining).astimezone(UTC)
            remaining -= available
            following = self.next_working_day(current.date())
            current = self._at(following, self.hours[following.weekday()][0])


def add_working_days(moment: datetime, days: int) -> datetime:
    return WorkingCalendar.current().add_working_days(moment, days)


def working_day_after(day: date, days: int) -> date:
    return WorkingCalendar.current().working_day_after(day, days)


def next_working_day_at(moment: datetime, at: time) -> datetime:
    return WorkingCalendar.current().next_working_day_at(moment, at)


def add_working_hours(moment: datetime, hours: float) -> datetime:
    return WorkingCalendar.current().add_working_hours(moment, hours)


def close_of(day: date) -> datetime:
    return WorkingCalendar.current().close_of(day)


def is_working_day(day: date) -> bool:
    return WorkingCalendar.current().is_working_day(day)


def is_school_day(day: date, holidays: Collection[tuple[date, date]]) -> bool:
    """A weekday that is no England bank holiday and in no school holiday (first and last day
    inclusive): the days Operation Encompass counts (spec section 6)."""
    from django.conf import settings

    return (
        day.weekday() < 5
        and day
        not in bank_holidays(
            settings.BANK_HOLIDAY_COUNTRY, settings.BANK_HOLIDAY_SUBDIVISION, day.year
        )
        and not any(first <= day <= last for first, last in holidays)
    )


def next_school_day_start(moment: datetime) -> datetime:
    """The earliest school-day start (`settings.SCHOOL_DAY_START`, local time) after `moment`:
    when a school must have been told of a domestic-abuse incident (Operation Encompass). Reads
    the recorded school holidays (one query)."""
    from django.conf import settings

    from .models import SchoolHoliday

    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Deadlines are computed from aware datetimes only.")
    start = time.fromisoformat(settings.SCHOOL_DAY_START)
    local = moment.astimezone(LONDON)
    holidays = list(
        SchoolHoliday.objects.filter(last_day__gte=local.date()).values_list(
            "first_day", "last_day"
        )
    )
    day = local.date()
    for _ in range(MAX_CLOSED_RUN * 3):
        at = datetime.combine(day, start, tzinfo=LONDON)
        if at > local and is_school_day(day, holidays):
            return at.astimezone(UTC)
        day += timedelta(days=1)
    raise ValueError(f"No school day within {MAX_CLOSED_RUN * 3} days after {local.date()}.")
