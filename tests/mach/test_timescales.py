"""The working-day calendar (spec section 2): the moment rule, the date rule and their edges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from mach.models import ClosureDay
from mach.timescales import WorkingCalendar

LONDON = ZoneInfo("Europe/London")
HOURS = {
    0: (time(8, 30), time(17, 0)),
    1: (time(8, 30), time(17, 0)),
    2: (time(8, 30), time(17, 0)),
    3: (time(8, 30), time(17, 0)),
    4: (time(8, 30), time(16, 30)),
}
CHRISTMAS_EVE_AFTERNOON = datetime(2026, 12, 24, 16, 5, tzinfo=LONDON)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar(hours=HOURS)


def test_contact_received_christmas_eve_afternoon_is_due_the_next_working_day_same_time(
    calendar: WorkingCalendar,
) -> None:
    due = calendar.add_working_days(CHRISTMAS_EVE_AFTERNOON, 1)

    assert due == datetime(2026, 12, 29, 16, 5, tzinfo=UTC)


def test_contact_received_on_boxing_day_counts_from_the_next_opening(
    calendar: WorkingCalendar,
) -> None:
    due = calendar.add_working_days(datetime(2026, 12, 26, 10, 0, tzinfo=LONDON), 1)

    assert due == datetime(2026, 12, 30, 8, 30, tzinfo=UTC)


def test_deadlines_are_returned_in_utc(calendar: WorkingCalendar) -> None:
    due = calendar.add_working_days(datetime(2027, 6, 8, 11, 0, tzinfo=LONDON), 1)

    assert due.tzinfo is UTC
    assert due == datetime(2027, 6, 9, 10, 0, tzinfo=UTC)


def test_a_utc_moment_is_judged_against_london_hours(calendar: WorkingCalendar) -> None:
    # 07:45 UTC is 08:45 BST: inside hours, so it is not moved to the 08:30 opening.
    due = calendar.add_working_days(datetime(2026, 6, 1, 7, 45, tzinfo=UTC), 1)

    assert due == datetime(2026, 6, 2, 7, 45, tzinfo=UTC)


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2026, 12, 25), id="christmas-day-2026"),
        pytest.param(date(2026, 12, 26), id="boxing-day-2026-saturday"),
        pytest.param(date(2026, 12, 28), id="boxing-day-2026-observed-monday"),
        pytest.param(date(2027, 1, 1), id="new-years-day-2027"),
        pytest.param(date(2027, 3, 26), id="good-friday-2027"),
        pytest.param(date(2027, 3, 29), id="easter-monday-2027"),
        pytest.param(date(2027, 5, 3), id="early-may-2027"),
        pytest.param(date(2027, 5, 31), id="spring-bank-holiday-2027"),
        pytest.param(date(2027, 12, 27), id="christmas-day-2027-observed-monday"),
        pytest.param(date(2027, 12, 28), id="boxing-day-2027-observed-tuesday"),
    ],
)
def test_england_bank_holidays_are_not_working_days(calendar: WorkingCalendar, day: date) -> None:
    assert not calendar.is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2026, 12, 24), id="christmas-eve-2026"),
        pytest.param(date(2026, 12, 29), id="after-boxing-day-observed-2026"),
        pytest.param(date(2027, 3, 25), id="maundy-thursday-2027"),
        pytest.param(date(2027, 3, 30), id="after-easter-monday-2027"),
        pytest.param(date(2027, 5, 4), id="after-early-may-2027"),
        pytest.param(date(2027, 6, 1), id="after-spring-bank-holiday-2027"),
    ],
)
def test_weekdays_next_to_bank_holidays_are_working_days(
    calendar: WorkingCalendar, day: date
) -> None:
    assert calendar.is_working_day(day)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        pytest.param(
            datetime(2026, 12, 31, 11, 0, tzinfo=LONDON),
            datetime(2027, 1, 4, 11, 0, tzinfo=UTC),
            id="new-years-eve-skips-new-years-day",
        ),
        pytest.param(
            datetime(2027, 4, 30, 14, 0, tzinfo=LONDON),
            datetime(2027, 5, 4, 13, 0, tzinfo=UTC),
            id="friday-before-early-may",
        ),
        pytest.param(
            datetime(2027, 5, 28, 9, 0, tzinfo=LONDON),
            datetime(2027, 6, 1, 8, 0, tzinfo=UTC),
            id="friday-before-spring-bank-holiday",
        ),
    ],
)
def test_contact_decision_skips_bank_holidays(
    calendar: WorkingCalendar, received: datetime, due: datetime
) -> None:
    assert calendar.add_working_days(received, 1) == due


def test_contact_received_before_easter_keeps_its_clock_time_across_the_spring_change(
    calendar: WorkingCalendar,
) -> None:
    # Good Friday, the clock change (Sunday 28 March) and Easter Monday all fall in between.
    due = calendar.add_working_days(datetime(2027, 3, 25, 12, 0, tzinfo=LONDON), 1)

    assert due.astimezone(LONDON).replace(tzinfo=None) == datetime(2027, 3, 30, 12, 0)
    assert due == datetime(2027, 3, 30, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("received", "due_london", "due_utc"),
    [
        pytest.param(
            datetime(2026, 3, 27, 12, 0, tzinfo=LONDON),
            datetime(2026, 3, 30, 12, 0),
            datetime(2026, 3, 30, 11, 0, tzinfo=UTC),
            id="spring-forward-2026",
        ),
        pytest.param(
            datetime(2026, 10, 23, 10, 0, tzinfo=LONDON),
            datetime(2026, 10, 26, 10, 0),
            datetime(2026, 10, 26, 10, 0, tzinfo=UTC),
            id="autumn-back-2026",
        ),
        pytest.param(
            datetime(2027, 10, 29, 15, 0, tzinfo=LONDON),
            datetime(2027, 11, 1, 15, 0),
            datetime(2027, 11, 1, 15, 0, tzinfo=UTC),
            id="autumn-back-2027",
        ),
    ],
)
def test_deadline_across_a_clock_change_keeps_the_local_clock_time(
    calendar: WorkingCalendar, received: datetime, due_london: datetime, due_utc: datetime
) -> None:
    due = calendar.add_working_days(received, 1)

    assert due.astimezone(LONDON).replace(tzinfo=None) == due_london
    assert due == due_utc


@pytest.mark.parametrize(
    ("received", "due"),
    [
        pytest.param(
            datetime(2026, 12, 7, 8, 30, tzinfo=LONDON),
            datetime(2026, 12, 8, 8, 30, tzinfo=UTC),
            id="exactly-at-opening-counts-from-itself",
        ),
        pytest.param(
            datetime(2026, 12, 7, 16, 59, tzinfo=LONDON),
            datetime(2026, 12, 8, 16, 59, tzinfo=UTC),
            id="a-minute-before-closing-counts-from-itself",
        ),
        pytest.param(
            datetime(2026, 12, 7, 17, 0, tzinfo=LONDON),
            datetime(2026, 12, 9, 8, 30, tzinfo=UTC),
            id="exactly-at-closing-counts-from-the-next-opening",
        ),
        pytest.param(
            datetime(2026, 12, 11, 16, 30, tzinfo=LONDON),
            datetime(2026, 12, 15, 8, 30, tzinfo=UTC),
            id="exactly-at-friday-closing-counts-from-monday-opening",
        ),
        pytest.param(
            datetime(2026, 12, 7, 7, 15, tzinfo=LONDON),
            datetime(2026, 12, 8, 8, 30, tzinfo=UTC),
            id="before-opening-counts-from-that-days-opening",
        ),
    ],
)
def test_contact_decision_due_counts_from_the_working_period_start(
    calendar: WorkingCalendar, received: datetime, due: datetime
) -> None:
    assert calendar.add_working_days(received, 1) == due


def test_friday_after_the_early_close_counts_from_monday_opening(
    calendar: WorkingCalendar,
) -> None:
    # 16:45 would still be inside Monday-to-Thursday hours; Friday closes at 16:30.
    start = calendar.working_period_start(datetime(2026, 12, 11, 16, 45, tzinfo=LONDON))

    assert start == datetime(2026, 12, 14, 8, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        pytest.param(
            datetime(2026, 12, 8, 11, 0, tzinfo=LONDON),
            datetime(2026, 12, 8, 17, 0, tzinfo=UTC),
            id="tuesday-closes-at-17",
        ),
        pytest.param(
            datetime(2026, 12, 11, 10, 0, tzinfo=LONDON),
            datetime(2026, 12, 11, 16, 30, tzinfo=UTC),
            id="friday-closes-at-1630",
        ),
        pytest.param(
            datetime(2026, 12, 12, 10, 0, tzinfo=LONDON),
            datetime(2026, 12, 14, 17, 0, tzinfo=UTC),
            id="saturday-is-due-at-the-close-of-monday",
        ),
        pytest.param(
            datetime(2026, 12, 8, 17, 30, tzinfo=LONDON),
            datetime(2026, 12, 9, 17, 0, tzinfo=UTC),
            id="after-closing-is-due-at-the-close-of-the-next-working-day",
        ),
        pytest.param(
            datetime(2027, 6, 8, 11, 0, tzinfo=LONDON),
            datetime(2027, 6, 8, 16, 0, tzinfo=UTC),
            id="summer-tuesday-closes-at-17-bst",
        ),
    ],
)
def test_oversight_within_zero_working_days_is_due_at_the_close_of_the_working_period(
    calendar: WorkingCalendar, submitted: datetime, due: datetime
) -> None:
    assert calendar.add_working_days(submitted, 0) == due


def test_the_date_itself_is_day_zero_of_the_date_rule(calendar: WorkingCalendar) -> None:
    assert calendar.working_day_after(date(2026, 12, 1), 0) == date(2026, 12, 1)


def test_one_working_day_after_christmas_eve_is_the_tuesday_after_boxing_day_observed(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.working_day_after(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_assessment_45_working_days_from_1_december_spans_christmas(
    calendar: WorkingCalendar,
) -> None:
    # Counted by hand: December 2, 3, 4 (3); 7-11 (8); 14-18 (13); 21-24 (17), skipping
    # Christmas Day and Boxing Day observed on the 28th; 29, 30, 31 (20); New Year's Day is
    # skipped; January 4-8 (25); 11-15 (30); 18-22 (35); 25-29 (40); February 1-5 (45).
    assert calendar.working_day_after(date(2026, 12, 1), 45) == date(2027, 2, 5)


@pytest.mark.parametrize(
    ("strategy_discussion", "conference_due"),
    [
        pytest.param(date(2026, 12, 7), date(2026, 12, 30), id="monday-before-christmas"),
        pytest.param(date(2026, 12, 12), date(2027, 1, 6), id="saturday-start"),
        pytest.param(date(2027, 3, 19), date(2027, 4, 13), id="friday-before-easter"),
    ],
)
def test_conference_15_working_days_later_never_lands_on_a_weekend(
    calendar: WorkingCalendar, strategy_discussion: date, conference_due: date
) -> None:
    due = calendar.working_day_after(strategy_discussion, 15)

    assert due == conference_due
    assert due.weekday() < 5


@pytest.mark.parametrize(
    ("presentation", "due"),
    [
        pytest.param(date(2026, 12, 4), date(2026, 12, 18), id="ordinary-fortnight"),
        pytest.param(date(2026, 12, 18), date(2027, 1, 6), id="across-christmas"),
    ],
)
def test_ten_working_days_from_a_friday(
    calendar: WorkingCalendar, presentation: date, due: date
) -> None:
    assert calendar.working_day_after(presentation, 10) == due


def test_recorded_closure_day_is_skipped_by_the_moment_rule() -> None:
    calendar = WorkingCalendar(hours=HOURS, closures={date(2026, 12, 29)})

    due = calendar.add_working_days(CHRISTMAS_EVE_AFTERNOON, 1)

    assert due == datetime(2026, 12, 30, 16, 5, tzinfo=UTC)


def test_recorded_closure_day_is_skipped_by_the_date_rule() -> None:
    calendar = WorkingCalendar(hours=HOURS, closures={date(2026, 12, 29)})

    assert calendar.working_day_after(date(2026, 12, 24), 1) == date(2026, 12, 30)


@pytest.mark.django_db
def test_current_calendar_skips_a_closure_day_recorded_by_an_administrator() -> None:
    ClosureDay.objects.create(date=date(2026, 12, 29), reason="Council closure")

    due = WorkingCalendar.current().add_working_days(CHRISTMAS_EVE_AFTERNOON, 1)

    assert due == datetime(2026, 12, 30, 16, 5, tzinfo=UTC)


def test_deadline_computed_before_a_closure_was_recorded_is_unchanged_afterwards() -> None:
    closures: set[date] = set()
    before = WorkingCalendar(hours=HOURS, closures=closures)
    stored_due = before.add_working_days(CHRISTMAS_EVE_AFTERNOON, 1)

    closures.add(date(2026, 12, 29))
    after = WorkingCalendar(hours=HOURS, closures=closures)

    assert stored_due == datetime(2026, 12, 29, 16, 5, tzinfo=UTC)
    # The calendar the stored deadline came from copied its closures, so it still agrees.
    assert before.add_working_days(CHRISTMAS_EVE_AFTERNOON, 1) == stored_due
    # Without this the test could not tell a closure that moves nothing from one that is ignored.
    assert after.add_working_days(CHRISTMAS_EVE_AFTERNOON, 1) == datetime(
        2026, 12, 30, 16, 5, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("handover", "oversight_due"),
    [
        pytest.param(
            datetime(2026, 12, 4, 22, 0, tzinfo=LONDON),
            datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
            id="friday-night-is-due-monday",
        ),
        pytest.param(
            datetime(2026, 12, 24, 20, 0, tzinfo=LONDON),
            datetime(2026, 12, 29, 10, 0, tzinfo=UTC),
            id="christmas-eve-night-is-due-after-boxing-day-observed",
        ),
        pytest.param(
            datetime(2026, 12, 7, 7, 0, tzinfo=LONDON),
            datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
            id="early-monday-is-due-that-morning",
        ),
        pytest.param(
            datetime(2026, 12, 7, 10, 0, tzinfo=LONDON),
            datetime(2026, 12, 8, 10, 0, tzinfo=UTC),
            id="exactly-10-is-due-the-next-day",
        ),
        pytest.param(
            datetime(2026, 10, 24, 23, 0, tzinfo=LONDON),
            datetime(2026, 10, 26, 10, 0, tzinfo=UTC),
            id="saturday-bst-is-due-monday-gmt",
        ),
    ],
)
def test_edt_handover_oversight_is_due_at_the_next_10_oclock_on_a_working_day(
    calendar: WorkingCalendar, handover: datetime, oversight_due: datetime
) -> None:
    assert calendar.next_working_day_at(handover, time(10, 0)) == oversight_due


@pytest.mark.parametrize(
    ("sent", "response_due"),
    [
        pytest.param(
            datetime(2026, 12, 10, 15, 0, tzinfo=LONDON),
            datetime(2026, 12, 11, 10, 30, tzinfo=UTC),
            id="thursday-carries-into-friday",
        ),
        pytest.param(
            # 15:00 to Friday's 16:30 close is 1.5 hours; the other 2.5 run from Monday 08:30.
            datetime(2026, 12, 11, 15, 0, tzinfo=LONDON),
            datetime(2026, 12, 14, 11, 0, tzinfo=UTC),
            id="friday-carries-into-monday",
        ),
        pytest.param(
            datetime(2026, 12, 12, 10, 0, tzinfo=LONDON),
            datetime(2026, 12, 14, 12, 30, tzinfo=UTC),
            id="saturday-counts-from-monday-opening",
        ),
        pytest.param(
            datetime(2026, 12, 10, 13, 0, tzinfo=LONDON),
            datetime(2026, 12, 10, 17, 0, tzinfo=UTC),
            id="ending-exactly-at-the-close",
        ),
        pytest.param(
            datetime(2027, 3, 25, 15, 0, tzinfo=LONDON),
            datetime(2027, 3, 30, 9, 30, tzinfo=UTC),
            id="across-easter-and-the-spring-change",
        ),
    ],
)
def test_red_partner_request_is_due_after_four_working_hours(
    calendar: WorkingCalendar, sent: datetime, response_due: datetime
) -> None:
    assert calendar.add_working_hours(sent, 4) == response_due


@pytest.mark.parametrize(
    ("day", "close"),
    [
        pytest.param(date(2026, 12, 10), datetime(2026, 12, 10, 17, 0, tzinfo=UTC), id="thu"),
        pytest.param(date(2026, 12, 11), datetime(2026, 12, 11, 16, 30, tzinfo=UTC), id="fri"),
        pytest.param(date(2027, 6, 11), datetime(2027, 6, 11, 15, 30, tzinfo=UTC), id="fri-bst"),
    ],
)
def test_close_of_a_working_day_is_its_closing_time(
    calendar: WorkingCalendar, day: date, close: datetime
) -> None:
    assert calendar.close_of(day) == close


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2026, 12, 12), id="saturday"),
        pytest.param(date(2026, 12, 25), id="bank-holiday"),
    ],
)
def test_close_of_a_non_working_day_is_refused(calendar: WorkingCalendar, day: date) -> None:
    with pytest.raises(ValueError, match="not a working day"):
        calendar.close_of(day)


def test_close_of_a_recorded_closure_day_is_refused() -> None:
    calendar = WorkingCalendar(hours=HOURS, closures={date(2026, 12, 29)})

    with pytest.raises(ValueError, match="not a working day"):
        calendar.close_of(date(2026, 12, 29))


@pytest.mark.parametrize(
    "compute",
    [
        pytest.param(lambda c, m: c.add_working_days(m, 1), id="add_working_days"),
        pytest.param(lambda c, m: c.next_working_day_at(m, time(10, 0)), id="next_working_day_at"),
        pytest.param(lambda c, m: c.add_working_hours(m, 4), id="add_working_hours"),
        pytest.param(lambda c, m: c.working_period_start(m), id="working_period_start"),
    ],
)
def test_naive_moments_are_refused(
    calendar: WorkingCalendar, compute: Callable[[WorkingCalendar, datetime], object]
) -> None:
    with pytest.raises(ValueError, match="aware"):
        compute(calendar, datetime(2026, 12, 8, 11, 0))


@pytest.mark.parametrize(
    "compute",
    [
        pytest.param(
            lambda c: c.add_working_days(CHRISTMAS_EVE_AFTERNOON, -1), id="add_working_days"
        ),
        pytest.param(lambda c: c.working_day_after(date(2026, 12, 1), -1), id="working_day_after"),
        pytest.param(
            lambda c: c.add_working_hours(CHRISTMAS_EVE_AFTERNOON, -1), id="add_working_hours"
        ),
    ],
)
def test_negative_counts_are_refused(
    calendar: WorkingCalendar, compute: Callable[[WorkingCalendar], object]
) -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        compute(calendar)


@pytest.mark.parametrize(
    "hours",
    [
        pytest.param({0: (time(8, 30), time(8, 30))}, id="opening-equals-closing"),
        pytest.param({0: (time(17, 0), time(8, 30))}, id="opening-after-closing"),
        pytest.param({7: (time(8, 30), time(17, 0))}, id="no-such-weekday"),
        pytest.param({}, id="never-open"),
    ],
)
def test_invalid_front_door_hours_are_refused(hours: dict[int, tuple[time, time]]) -> None:
    with pytest.raises(ValueError, match="Front-door hours"):
        WorkingCalendar(hours=hours)
