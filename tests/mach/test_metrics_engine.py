"""The metrics engine on a small data set whose numbers are worked out by hand here: the
re-referral rate (G6) by week and team, the timeliness of the contact-decision clock, the
funnel, the period's parameters and the fixed number of queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mach import metrics
from mach.models import Team
from mach.timescales import LONDON
from tests.factories import ContactFactory, ReferralFactory, TeamFactory

pytestmark = pytest.mark.django_db

# November 2026: London is on GMT, so hours are plain. 2 Nov is the Monday of ISO week 45.
NOW = datetime(2026, 11, 6, 10, 0, tzinfo=LONDON)


def at(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=LONDON)


def period(team: Team | None = None) -> metrics.Period:
    return metrics.Period(date(2026, 11, 2), date(2026, 11, 29), team)


@pytest.fixture
def teams() -> tuple[Team, Team]:
    return TeamFactory(slug="north"), TeamFactory(slug="south")


def referral(team: Team, day: date, rereferral: bool) -> Any:
    contact = ContactFactory(
        team=team, received_at=datetime(day.year, day.month, day.day, 9, tzinfo=LONDON)
    )
    return ReferralFactory(contact=contact, team=team, referral_date=day, is_rereferral=rereferral)


def g6(report: metrics.Report) -> metrics.MetricResult:
    return next(result for result in report.metrics if result.metric.key == "g6_rereferral")


def test_rereferral_rate_by_week_and_team(teams: tuple[Team, Team]) -> None:
    north, south = teams
    # North, week 45: three referrals, one a re-referral.
    referral(north, date(2026, 11, 2), True)
    referral(north, date(2026, 11, 4), False)
    referral(north, date(2026, 11, 8), False)  # Sunday: still week 45
    # South, week 46: two referrals, both re-referrals.
    referral(south, date(2026, 11, 9), True)
    referral(south, date(2026, 11, 13), True)
    # Outside the period (a re-referral on 1 Nov, week 44; one on 30 Nov, week 49).
    referral(north, date(2026, 11, 1), True)
    referral(south, date(2026, 11, 30), True)

    result = g6(metrics.report(period(), now=NOW))
    cells = {(cell.week, cell.team): (cell.numerator, cell.denominator) for cell in result.cells}
    assert cells == {("2026-W45", "north"): (1, 3), ("2026-W46", "south"): (2, 2)}
    assert (result.numerator, result.denominator) == (3, 5)
    assert result.rate == round(3 / 5, 4)

    only_south = g6(metrics.report(period(south), now=NOW))
    assert [(c.week, c.team, c.numerator, c.denominator) for c in only_south.cells] == [
        ("2026-W46", "south", 2, 2)
    ]


def test_contact_decision_timeliness(teams: tuple[Team, Team]) -> None:
    north, _ = teams

    def contact(due: datetime, decided: datetime | None) -> None:
        ContactFactory(
            team=north, received_at=due - timedelta(days=1), decision_due_at=due, decided_at=decided
        )

    contact(at(3, 10), at(3, 9))  # met, an hour early
    contact(at(3, 10), at(3, 16))  # 6 hours late
    contact(at(4, 10), at(5, 10))  # 24 hours late
    contact(at(4, 10), None)  # open: 48 hours late at NOW (6 Nov 10:00)
    contact(at(20, 10), None)  # due after NOW: not yet run out, not counted
    contact(at(10, 10, month=12), at(10, 9, month=12))  # due outside the period

    report = metrics.report(period(), now=NOW)
    decisions = next(r for r in report.timeliness if r.kind.key == "contact_decision")
    assert decisions.unit == "hours"
    [cell] = decisions.cells
    late = sorted([6.0, 24.0, 48.0])
    # percentile_cont interpolates: the 0.9 point lies 1.8 positions along the sorted list.
    p90 = late[1] + 0.8 * (late[2] - late[1])
    assert (cell.week, cell.team, cell.due, cell.met) == ("2026-W45", "north", 4, 1)
    assert cell.share_met == 0.25
    assert cell.median_lateness == 24.0
    assert cell.p90_lateness == round(p90, 2)


def test_funnel_counts_contacts_and_referrals(teams: tuple[Team, Team]) -> None:
    north, south = teams
    referral(north, date(2026, 11, 2), False)
    referral(south, date(2026, 11, 3), False)
    ContactFactory(team=north, received_at=at(5, 12))  # a contact with no referral
    ContactFactory(team=north, received_at=at(1, 12))  # before the period
    funnel = {result.stage.key: result.count for result in metrics.report(period(), now=NOW).funnel}
    assert funnel["contact"] == 3
    assert funnel["referral"] == 2
    north_only = metrics.report(period(north), now=NOW).funnel
    assert {result.stage.key: result.count for result in north_only}["contact"] == 2


def test_report_queries_do_not_grow_with_data(teams: tuple[Team, Team]) -> None:
    north, south = teams
    referral(north, date(2026, 11, 2), True)
    with CaptureQueriesContext(connection) as few:
        metrics.report(period(), now=NOW)
    for day in range(2, 28):
        referral(north if day % 2 else south, date(2026, 11, day), day % 3 == 0)
        ContactFactory(team=south, received_at=at(day, 11), decision_due_at=at(day, 12))
    with CaptureQueriesContext(connection) as many:
        metrics.report(period(), now=NOW)
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"to": "2026-11-29"}, "from"),
        ({"from": "2026-11-02"}, "to"),
        ({"from": "2 Nov", "to": "2026-11-29"}, "from"),
        ({"from": "2026-11-02", "to": "2026-02-30"}, "to"),
        ({"from": "2026-11-02", "to": "2026-11-01"}, "to"),
        ({"from": "2025-01-01", "to": "2026-11-01"}, "to"),
        ({"from": "2026-11-02", "to": "2026-11-29", "team": "nowhere"}, "team"),
    ],
)
def test_bad_period_names_the_parameter(params: dict[str, str], field: str) -> None:
    with pytest.raises(metrics.PeriodError) as raised:
        metrics.parse_period(params)
    assert raised.value.field == field


def test_weeks_in_a_period() -> None:
    assert metrics.weeks_in(period()) == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]


def test_a_date_clock_is_late_by_days(teams: tuple[Team, Team]) -> None:
    """Assessments are due on a date and authorised at a moment: lateness in whole days."""
    from assessments.models import AssessmentState
    from tests.factories import AssessmentFactory

    north, _ = teams

    def assessment(due: date, authorised: datetime | None) -> None:
        AssessmentFactory(
            team=north,
            started_on=due - timedelta(days=63),
            due_on=due,
            authorised_at=authorised,
            state=AssessmentState.COMPLETED if authorised else AssessmentState.OPEN,
        )

    assessment(date(2026, 11, 4), at(4, 16))  # met on the day
    assessment(date(2026, 11, 3), at(5, 9))  # 2 days late
    assessment(date(2026, 11, 2), None)  # open: 4 days late on 6 Nov
    assessment(date(2026, 11, 6), None)  # due today: not yet run out

    report = metrics.report(period(), now=NOW)
    clock = next(r for r in report.timeliness if r.kind.key == "assessment")
    assert clock.unit == "days"
    [cell] = clock.cells
    assert (cell.due, cell.met) == (3, 1)
    assert cell.median_lateness == 3.0  # the middle of 2 and 4
    assert cell.p90_lateness == round(2 + 0.9 * (4 - 2), 2)
