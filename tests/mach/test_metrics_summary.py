"""The management-information summary: figures recounted per day and team, read back as the
same report the records give, in a fixed number of queries, refreshed by the beat."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mach import figures, metrics
from mach.api.metrics import report_data
from mach.models import DailyFigure, SummarisedDay, Team
from mach.settings import CELERY_BEAT_SCHEDULE
from mach.tasks import refresh_figures
from mach.timescales import LONDON
from tests.conftest import wait_for
from tests.factories import ContactFactory, ReferralFactory, ScreeningFactory, TeamFactory

pytestmark = pytest.mark.django_db

# Monday 2 Nov to Sunday 29 Nov 2026 (London on GMT); "now" is Friday 20 Nov.
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)
PERIOD = metrics.Period(date(2026, 11, 2), date(2026, 11, 29))


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=LONDON)


@pytest.fixture
def teams() -> tuple[Team, Team]:
    return TeamFactory(slug="north"), TeamFactory(slug="south")


def some_of_everything(north: Team, south: Team) -> None:
    """Contacts with met, late and open clocks, referrals and screenings on several days,
    weeks and teams, some at the edges of a London day."""
    for day in range(2, 24):
        team = north if day % 2 else south
        due = at(day, 12)
        decided = None if day % 5 == 0 else due + timedelta(hours=(day % 4) * 7 - 3)
        contact = ContactFactory(
            team=team,
            received_at=due - timedelta(days=1),
            decision_due_at=due,
            decided_at=decided,
            outcome="assessment" if day % 3 else "nfa",
        )
        ReferralFactory(
            contact=contact, team=team, referral_date=due.date(), is_rereferral=day % 3 == 0
        )
        ScreeningFactory(
            contact=contact,
            submitted_at=at(day, 23) + timedelta(minutes=30),  # 23:30: still that London day
            threshold_level=1 + day % 4,
            childs_voice="" if day % 4 == 0 else "She said she is scared.",
        )


def as_data(report: metrics.Report) -> dict[str, Any]:
    """What the API gives, less the moment the figures were refreshed."""
    data = report_data(report)
    del data["as_at"]
    return data


def test_a_summarised_report_is_the_report_the_records_give(teams: tuple[Team, Team]) -> None:
    some_of_everything(*teams)
    live = metrics.report(PERIOD, now=NOW)
    assert live.as_at is None
    by_team = [metrics.Period(PERIOD.start, PERIOD.end, team) for team in teams]
    live_by_team = [as_data(metrics.report(period, now=NOW)) for period in by_team]

    assert figures.refresh(PERIOD.start, PERIOD.end, now=NOW)
    summarised = metrics.report(PERIOD, now=NOW)

    assert summarised.as_at == NOW
    assert as_data(summarised) == as_data(live)
    decisions = next(r for r in summarised.timeliness if r.kind.key == "contact_decision")
    assert any(cell.median_lateness for cell in decisions.cells)  # late clocks were counted
    for period, live_team in zip(by_team, live_by_team, strict=True):
        assert live_team["metrics"] != as_data(live)["metrics"]
        assert as_data(metrics.report(period, now=NOW)) == live_team


def test_days_not_yet_summarised_are_counted_live(teams: tuple[Team, Team]) -> None:
    some_of_everything(*teams)
    live = as_data(metrics.report(PERIOD, now=NOW))
    # Part of week 46 and the days either side of it summarised; the rest live.
    assert figures.refresh(date(2026, 11, 5), date(2026, 11, 11), now=NOW)
    assert figures.refresh(date(2026, 11, 14), date(2026, 11, 14), now=NOW)

    assert as_data(metrics.report(PERIOD, now=NOW)) == live


def test_a_summarised_day_stays_as_at_its_refresh_until_recounted(
    teams: tuple[Team, Team],
) -> None:
    north, _ = teams
    ReferralFactory(team=north, referral_date=date(2026, 11, 3), is_rereferral=True)
    assert figures.refresh(PERIOD.start, PERIOD.end, now=NOW)
    ReferralFactory(team=north, referral_date=date(2026, 11, 3), is_rereferral=False)

    def g6() -> tuple[int, int]:
        result = next(
            r for r in metrics.report(PERIOD, now=NOW).metrics if r.metric.key == "g6_rereferral"
        )
        return result.numerator, result.denominator

    assert g6() == (1, 1)
    later = NOW + timedelta(minutes=1)
    assert figures.refresh(date(2026, 11, 3), date(2026, 11, 3), now=later)
    assert g6() == (1, 2)
    assert DailyFigure.objects.filter(key="g6_rereferral").count() == 1
    assert metrics.report(PERIOD, now=NOW).as_at == NOW  # the other days' refresh


def test_a_summarised_report_costs_the_same_queries_for_more_data(
    teams: tuple[Team, Team],
) -> None:
    north, south = teams
    ReferralFactory(team=north, referral_date=date(2026, 11, 3))
    assert figures.refresh(PERIOD.start, PERIOD.end, now=NOW)
    with CaptureQueriesContext(connection) as few:
        metrics.report(PERIOD, now=NOW)
    some_of_everything(north, south)
    assert figures.refresh(PERIOD.start, PERIOD.end, now=NOW)
    with CaptureQueriesContext(connection) as many:
        metrics.report(PERIOD, now=NOW)
    # The summarised days, their figures, the teams' slugs.
    assert len(few.captured_queries) == len(many.captured_queries) == 3


def test_a_refresh_running_elsewhere_is_left_alone(teams: tuple[Team, Team]) -> None:
    ReferralFactory(team=teams[0], referral_date=date(2026, 11, 3))
    settings_dict = connection.settings_dict
    with psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        autocommit=False,
    ) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s)", [figures.REFRESH_LOCK])
        assert figures.refresh(PERIOD.start, PERIOD.end, now=NOW) is False
        assert not SummarisedDay.objects.exists()
        assert not DailyFigure.objects.exists()
    assert figures.refresh(PERIOD.start, PERIOD.end, now=NOW) is True


def test_each_run_recounts_recent_days_then_the_most_stale(settings: Any) -> None:
    settings.FIGURES_SUMMARY_DAYS = 10
    settings.FIGURES_DAYS_PER_RUN = 4
    settings.FIGURES_MAX_AGE_HOURS = 24
    today = NOW.date()

    def refreshed() -> dict[date, datetime]:
        return dict(SummarisedDay.objects.values_list("day", "refreshed_at"))

    # First run: yesterday and today, then the four most recent days never counted.
    assert figures.refresh_due(now=NOW) == 6
    assert sorted(refreshed()) == [today - timedelta(days=n) for n in range(5, -1, -1)]
    # Then the rest of the reach (10 days back), four at most per run.
    assert figures.refresh_due(now=NOW + timedelta(minutes=1)) == 6
    assert figures.refresh_due(now=NOW + timedelta(minutes=2)) == 3
    assert min(refreshed()) == today - timedelta(days=10)
    # A day later every earlier day is stale again: the oldest refreshed go first.
    later = NOW + timedelta(hours=24, minutes=1)
    assert figures.refresh_due(now=later) == 6
    fresh = {day for day, moment in refreshed().items() if moment == later}
    assert fresh == {today + timedelta(days=1), today} | {
        today - timedelta(days=n) for n in (2, 3, 4, 5)
    }


def test_the_beat_asks_for_a_refresh_every_minute() -> None:
    entry = CELERY_BEAT_SCHEDULE["refresh-figures"]
    assert entry["task"] == refresh_figures.name
    assert entry["schedule"] == 60.0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_refreshes_the_summary(
    settings: Any, teams: tuple[Team, Team], celery_worker: None
) -> None:
    settings.FIGURES_SUMMARY_DAYS = 3
    ReferralFactory(team=teams[0], referral_date=date.today())

    refresh_figures.delay()

    # Results are not kept (fire and forget): the rows the worker committed say it ran.
    wait_for(lambda: SummarisedDay.objects.count() == 4, 30, "four days summarised")
    assert DailyFigure.objects.filter(key="g6_rereferral").exists()


def test_the_dashboard_and_the_api_say_how_fresh_the_figures_are(
    teams: tuple[Team, Team], manager: Any, signed_in: Any, api_as: Any
) -> None:
    ReferralFactory(team=teams[0], referral_date=date(2026, 11, 3))
    query = "from=2026-11-02&to=2026-11-08"
    assert api_as(manager).get(f"/api/v1/metrics/?{query}").json()["as_at"] is None
    assert (
        "Counted from the records just now"
        in signed_in(manager).get(f"/dashboard/?{query}").content.decode()
    )

    assert figures.refresh(date(2026, 11, 2), date(2026, 11, 8), now=NOW)
    assert (
        api_as(manager).get(f"/api/v1/metrics/?{query}").json()["as_at"] == "2026-11-20T10:00:00Z"
    )
    page = signed_in(manager).get(f"/dashboard/?{query}").content.decode()
    assert "Figures as they stood at 20 November 2026 10:00 or later" in page
