"""Keeping the management-information summary fresh (`mach.models.DailyFigure`).

Every `FIGURES_REFRESH_SECONDS` the beat asks a worker to recount yesterday and today, and then
the days of the last `FIGURES_SUMMARY_DAYS` whose figures are missing or older than
`FIGURES_MAX_AGE_HOURS` (at most `FIGURES_DAYS_PER_RUN` of them, the most recent first), so
that no summarised day is more than about a day behind the records it counts. A day is
recounted and replaced as a whole in one transaction; two workers never recount at once (an
advisory lock), and a lost or duplicated run changes nothing but the time of the next.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import metrics
from .models import DailyFigure, SummarisedDay

# pg_try_advisory_xact_lock's key for "recounting the summary" (any fixed 64-bit number).
REFRESH_LOCK = 0x4D414348_46494753


def refresh(first: date, last: date, *, now: datetime | None = None) -> bool:
    """Recount the days `first`..`last` (local dates) from the records and replace their
    summary rows. Returns False, having changed nothing, while another refresh is running."""
    now = now or timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [REFRESH_LOCK])
            (locked,) = cursor.fetchone()
        if not locked:
            return False
        figures = metrics.live_figures(metrics.Period(first, last), now)
        DailyFigure.objects.filter(day__gte=first, day__lte=last).delete()
        DailyFigure.objects.bulk_create(
            (
                DailyFigure(
                    source=figure.source,
                    key=figure.key,
                    day=figure.day,
                    team_id=figure.team_id,
                    row=figure.row,
                    column=figure.column,
                    count=figure.count,
                    met=figure.met,
                    lateness=list(figure.lateness),
                )
                for figure in figures
            ),
            batch_size=2000,
        )
        SummarisedDay.objects.bulk_create(
            [SummarisedDay(day=day, refreshed_at=now) for day in metrics.days_in(first, last)],
            update_conflicts=True,
            unique_fields=["day"],
            update_fields=["refreshed_at"],
        )
    return True


def stale_days(now: datetime) -> list[date]:
    """Days before yesterday within the summary's reach whose figures are missing or older
    than the allowed age, the most recent missing ones first, then the oldest refreshed."""
    today = timezone.localdate(now)
    reach = metrics.days_in(
        today - timedelta(days=settings.FIGURES_SUMMARY_DAYS), today - timedelta(days=2)
    )
    refreshed = (
        dict(SummarisedDay.objects.filter(day__gte=reach[0]).values_list("day", "refreshed_at"))
        if reach
        else {}
    )
    oldest_allowed = now - timedelta(hours=settings.FIGURES_MAX_AGE_HOURS)
    missing = [day for day in reversed(reach) if day not in refreshed]
    old = sorted(
        (day for day in reach if day in refreshed and refreshed[day] < oldest_allowed),
        key=lambda day: refreshed[day],
    )
    return [*missing, *old]


def refresh_due(*, now: datetime | None = None) -> int:
    """One beat's work: yesterday and today, then a batch of stale days, each run of
    consecutive days in one pass. Returns the number of days recounted."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    done = 0
    if refresh(today - timedelta(days=1), today, now=now):
        done += 2
    batch = sorted(stale_days(now)[: settings.FIGURES_DAYS_PER_RUN])
    for first, last in metrics.runs_of(batch):
        if refresh(first, last, now=now):
            done += (last - first).days + 1
    return done
