"""The metrics engine (spec section 13, first part): every registered guardrail measure by ISO
week and team, the timeliness of every registered clock, the registered breakdowns (outcome by
threshold level) and the conversion funnel.

Each measure is one SQL aggregate over the registered population, filtered to the period and
grouped by week and team: records are never loaded into Python, so the number of queries is
fixed by what is registered, not by how many records there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import models
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from . import workflows
from .models import DailyFigure, FigureSource, SummarisedDay, Team
from .replica import reads_from_replica
from .timescales import LONDON

MAX_PERIOD_DAYS = 400


class PeriodError(ValueError):
    """A bad period parameter: `field` names it (the API answers 400 naming it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Period:
    """From and to (both included, local dates) and optionally one team."""

    start: date
    end: date
    team: Team | None = None

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=LONDON)

    @property
    def ends_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=LONDON)

    def query(self) -> str:
        team = f"&team={self.team.slug}" if self.team else ""
        return f"from={self.start.isoformat()}&to={self.end.isoformat()}{team}"


def parse_period(params: Mapping[str, str]) -> Period:
    """`from`, `to` (YYYY-MM-DD, both required, at most 400 days apart) and `team` (a slug)."""
    days: dict[str, date] = {}
    for name in ("from", "to"):
        raw = (params.get(name) or "").strip()
        if not raw:
            raise PeriodError(name, "Give a date as YYYY-MM-DD.")
        try:
            days[name] = date.fromisoformat(raw)
        except ValueError:
            raise PeriodError(name, "Give a date as YYYY-MM-DD.") from None
    if days["to"] < days["from"]:
        raise PeriodError("to", "Must not be before `from`.")
    if (days["to"] - days["from"]).days > MAX_PERIOD_DAYS:
        raise PeriodError("to", f"The period may be at most {MAX_PERIOD_DAYS} days.")
    team = None
    slug = (params.get("team") or "").strip()
    if slug:
        team = Team.objects.filter(slug=slug).first()
        if team is None:
            raise PeriodError("team", "No team has this slug.")
    return Period(days["from"], days["to"], team)


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def field_at(model: type[models.Model], path: str) -> models.Field[Any, Any]:
    """The model field a lookup path (`contact__received_at`, `team_id`) ends at."""
    found: Any = None
    for part in path.split("__"):
        found = model._meta.get_field(part)
        if found.is_relation and found.related_model is not None:
            model = found.related_model
    return found


def _is_moment(model: type[models.Model], path: str) -> bool:
    return isinstance(field_at(model, path), models.DateTimeField)


def in_period(
    records: models.QuerySet[Any], date_field: str, period: Period
) -> models.QuerySet[Any]:
    """`records` whose `date_field` (a date or a moment, read in London time) falls in the
    period: a plain range on the column, so that an index on it serves."""
    if _is_moment(records.model, date_field):
        bounds: dict[str, Any] = {
            f"{date_field}__gte": period.starts_at,
            f"{date_field}__lt": period.ends_before,
        }
    else:
        bounds = {f"{date_field}__gte": period.start, f"{date_field}__lte": period.end}
    return records.filter(**bounds)


def of_team(records: models.QuerySet[Any], team_field: str, period: Period) -> models.QuerySet[Any]:
    return records.filter(**{team_field: period.team.pk}) if period.team else records


class EpochOf(models.Func):
    """The seconds in an interval."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = models.FloatField()


@dataclass(frozen=True)
class Figure:
    """One registered figure for one day and team (see `mach.models.DailyFigure`): what the
    report is rolled up from, whether counted live or read from the summary."""

    source: str
    key: str
    day: date
    team_id: int | None
    count: int
    met: int = 0
    lateness: tuple[float, ...] = ()
    row: str = ""
    column: str = ""


@dataclass
class Cell:
    week: str
    week_start: date
    team: str
    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        return round(self.numerator / self.denominator, 4) if self.denominator else None


@dataclass
class MetricResult:
    metric: workflows.Metric
    cells: list[Cell] = field(default_factory=list)

    @property
    def numerator(self) -> int:
        return sum(cell.numerator for cell in self.cells)

    @property
    def denominator(self) -> int:
        return sum(cell.denominator for cell in self.cells)

    @property
    def rate(self) -> float | None:
        return round(self.numerator / self.denominator, 4) if self.denominator else None


@dataclass
class TimelinessCell:
    week: str
    week_start: date
    team: str
    due: int
    met: int
    median_lateness: float | None
    p90_lateness: float | None

    @property
    def share_met(self) -> float | None:
        return round(self.met / self.due, 4) if self.due else None


@dataclass
class TimelinessResult:
    kind: workflows.DeadlineKind
    unit: str
    cells: list[TimelinessCell] = field(default_factory=list)


@dataclass
class BreakdownResult:
    breakdown: workflows.Breakdown
    rows: list[str]
    columns: list[str]
    counts: dict[tuple[str, str], int]


@dataclass
class FunnelResult:
    stage: workflows.FunnelStage
    count: int


@dataclass
class Report:
    period: Period
    metrics: list[MetricResult]
    timeliness: list[TimelinessResult]
    breakdowns: list[BreakdownResult]
    funnel: list[FunnelResult]
    # The oldest refresh of the summarised days read (None: every day was counted live).
    as_at: datetime | None = None


def day_of(model: type[models.Model], date_field: str) -> Any:
    """The local (London) date of a moment, or the date itself."""
    if _is_moment(model, date_field):
        return TruncDate(date_field, tzinfo=LONDON)
    return F(date_field)


def _by_day_and_team(
    records: models.QuerySet[Any], date_field: str, team_field: str
) -> models.QuerySet[Any]:
    return (
        records.annotate(_day=day_of(records.model, date_field), _team=F(team_field))
        .values("_day", "_team")
        .order_by()
    )


def _metric_figures(group: Sequence[workflows.Metric], period: Period) -> list[Figure]:
    """Measures over the same population, day and team, in one aggregate: one count of the
    population and one filtered count per measure."""
    first = group[0]
    records = of_team(
        in_period(first.population(), first.date_field, period), first.team_field, period
    )
    counts = {f"n{index}": Count("pk", filter=metric.met) for index, metric in enumerate(group)}
    rows = _by_day_and_team(records, first.date_field, first.team_field).annotate(
        _count=Count("pk"), **counts
    )
    return [
        Figure(
            FigureSource.METRIC, metric.key, row["_day"], row["_team"], row["_count"], row[f"n{i}"]
        )
        for row in rows
        for i, metric in enumerate(group)
    ]


def metric_rows(metric: workflows.Metric, period: Period) -> list[dict[str, Any]]:
    """One measure's numerator and denominator by day and team, counted live."""
    return [
        {
            "day": figure.day,
            "team": figure.team_id,
            "numerator": figure.met,
            "denominator": figure.count,
        }
        for figure in _metric_figures([metric], period)
    ]


def _population_key(metric: workflows.Metric) -> tuple[Any, ...]:
    """Measures whose populations are the same SQL, placed by the same day and team, share
    a key (and so one query)."""
    population = metric.population()
    try:
        sql = str(population.query)
    except Exception:  # a population that cannot be printed (EmptyResultSet) shares nothing
        sql = metric.key
    return (population.model, sql, metric.date_field, metric.team_field)


def _all_metric_figures(period: Period) -> list[Figure]:
    """Every registered measure's figures, one aggregate per distinct population."""
    groups: dict[tuple[Any, ...], list[workflows.Metric]] = {}
    for metric in registered_metrics():
        groups.setdefault(_population_key(metric), []).append(metric)
    return [figure for group in groups.values() for figure in _metric_figures(group, period)]


def metric_records(
    metric: workflows.Metric, period: Period, *, met: bool | None = None
) -> models.QuerySet[Any]:
    """The records behind a number: the population in the period and team, optionally only
    those that meet (or fail) the measure."""
    records = of_team(
        in_period(metric.population(), metric.date_field, period), metric.team_field, period
    )
    if met is True:
        records = records.filter(metric.met)
    elif met is False:
        records = records.exclude(metric.met)
    return records.order_by("pk")


def _clock_figures(kind: workflows.DeadlineKind, period: Period, now: datetime) -> list[Figure]:
    """Clocks due in the period that have run out (or were met), by day and team: how many,
    how many met, and the lateness of each late one (hours for a moment, days for a date), in
    one SQL aggregate. An open clock past due is late by `now`."""
    model = kind.model
    moment = _is_moment(model, kind.due_field)
    done_is_moment = _is_moment(model, kind.done_field)
    today = timezone.localdate(now)
    done: Any = F(kind.done_field)
    if not moment and done_is_moment:
        done = TruncDate(kind.done_field, tzinfo=LONDON)
    records = of_team(
        in_period(model._default_manager.all(), kind.due_field, period), kind.team_field, period
    ).annotate(_done=done)
    if moment:
        ran_out = Q(**{f"{kind.due_field}__lte": now})
        late_by: Any = models.ExpressionWrapper(
            Coalesce("_done", Value(now)) - F(kind.due_field), output_field=models.DurationField()
        )
        seconds_per_unit = 3600.0
    else:
        ran_out = Q(**{f"{kind.due_field}__lt": today})
        late_by = models.ExpressionWrapper(
            Coalesce("_done", Value(today)) - F(kind.due_field),
            output_field=models.DurationField(),
        )
        seconds_per_unit = 86400.0
    met = Q(_done__isnull=False, _done__lte=F(kind.due_field))
    lateness = EpochOf(late_by) / Value(seconds_per_unit)
    rows = _by_day_and_team(
        records.filter(ran_out | Q(_done__isnull=False)), kind.due_field, kind.team_field
    ).annotate(
        _count=Count("pk"),
        _met=Count("pk", filter=met),
        _late=ArrayAgg(lateness, filter=~met),
    )
    return [
        Figure(
            FigureSource.CLOCK,
            kind.key,
            row["_day"],
            row["_team"],
            row["_count"],
            row["_met"],
            tuple(float(value) for value in row["_late"] or ()),
        )
        for row in rows
    ]


def timed_kinds() -> list[workflows.DeadlineKind]:
    return [kind for kind in workflows.deadline_kinds.values() if kind.due_field]


def _breakdown_figures(breakdown: workflows.Breakdown, period: Period) -> list[Figure]:
    records = of_team(
        in_period(breakdown.population(), breakdown.date_field, period),
        breakdown.team_field,
        period,
    )
    rows = (
        _by_day_and_team(records, breakdown.date_field, breakdown.team_field)
        .annotate(_row=F(breakdown.row_field), _column=F(breakdown.column_field))
        .values("_day", "_team", "_row", "_column")
        .annotate(_count=Count("pk"))
    )
    return [
        Figure(
            FigureSource.BREAKDOWN,
            breakdown.key,
            row["_day"],
            row["_team"],
            row["_count"],
            row=str(row["_row"]),
            column=str(row["_column"] or ""),
        )
        for row in rows
    ]


def _funnel_figures(stage: workflows.FunnelStage, period: Period) -> list[Figure]:
    records = of_team(
        in_period(stage.population(), stage.date_field, period), stage.team_field, period
    )
    rows = _by_day_and_team(records, stage.date_field, stage.team_field).annotate(
        _count=Count("pk")
    )
    return [
        Figure(FigureSource.FUNNEL, stage.key, row["_day"], row["_team"], row["_count"])
        for row in rows
    ]


def live_figures(period: Period, now: datetime) -> list[Figure]:
    """Every registered figure of the period, counted from the records: one query per distinct
    population of the measures, one per clock, breakdown and funnel stage."""
    return [
        *_all_metric_figures(period),
        *(figure for kind in timed_kinds() for figure in _clock_figures(kind, period, now)),
        *(
            figure
            for breakdown in workflows.breakdowns.values()
            for figure in _breakdown_figures(breakdown, period)
        ),
        *(
            figure
            for stage in workflows.funnel_stages.values()
            for figure in _funnel_figures(stage, period)
        ),
    ]


def stored_figures(period: Period, days: Sequence[date]) -> list[Figure]:
    """The summary's figures for `days` (in the period's team, if any), in one query."""
    rows = DailyFigure.objects.filter(day__in=days)
    if period.team:
        rows = rows.filter(team=period.team)
    return [
        Figure(source, key, day, team_id, count, met, tuple(lateness), row, column)
        for source, key, day, team_id, count, met, lateness, row, column in rows.values_list(
            "source", "key", "day", "team_id", "count", "met", "lateness", "row", "column"
        )
    ]


def days_in(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def runs_of(days: Sequence[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days: [(first, last), ...]."""
    runs: list[tuple[date, date]] = []
    for day in days:
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def figures_of(period: Period, now: datetime) -> tuple[list[Figure], datetime | None]:
    """The period's figures: summarised days from the summary, the others counted live (one
    live pass per run of days the summary lacks). Also the oldest refresh read."""
    summarised = dict(
        SummarisedDay.objects.filter(day__gte=period.start, day__lte=period.end).values_list(
            "day", "refreshed_at"
        )
    )
    found = stored_figures(period, sorted(summarised)) if summarised else []
    missing = [day for day in days_in(period.start, period.end) if day not in summarised]
    for first, last in runs_of(missing):
        found.extend(live_figures(Period(first, last, period.team), now))
    return found, min(summarised.values(), default=None)


def registered_metrics() -> list[workflows.Metric]:
    return sorted(workflows.metrics.values(), key=lambda metric: (metric.order, metric.key))


def percentile(ordered: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's `percentile_cont`: linear interpolation between the nearest ranks of the
    sorted values (None for none)."""
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


WeekTeam = tuple[date, "int | None"]


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _cell_order(item: tuple[WeekTeam, Any]) -> tuple[date, bool, int]:
    (week, team), _ = item
    return (week, team is None, team or 0)


class _Rollup:
    """Figures summed by (source, key) and then by week and team (or breakdown cell)."""

    def __init__(self, figures: Iterable[Figure]) -> None:
        self.cells: dict[tuple[str, str], dict[WeekTeam, list[Any]]] = {}
        self.totals: dict[tuple[str, str], dict[tuple[str, str], int]] = {}
        for figure in figures:
            if figure.source in (FigureSource.BREAKDOWN, FigureSource.FUNNEL):
                total = self.totals.setdefault((figure.source, figure.key), {})
                place = (figure.row, figure.column)
                total[place] = total.get(place, 0) + figure.count
                continue
            cells = self.cells.setdefault((figure.source, figure.key), {})
            cell = cells.setdefault((_week_start(figure.day), figure.team_id), [0, 0, []])
            cell[0] += figure.count
            cell[1] += figure.met
            cell[2].extend(figure.lateness)

    def of(self, source: str, key: str) -> list[tuple[WeekTeam, list[Any]]]:
        """The cells of one figure in week and team order, each's lateness sorted."""
        cells = self.cells.get((source, key), {})
        for _, _, lateness in cells.values():
            lateness.sort()
        return sorted(cells.items(), key=_cell_order)

    def team_ids(self) -> set[int]:
        return {team for cells in self.cells.values() for (_, team) in cells if team is not None}


@reads_from_replica
def report(period: Period, *, now: datetime | None = None) -> Report:
    """Everything the dashboard and the metrics API show, in a fixed number of queries: the
    summarised days and their figures, the live figures of any run of days not yet
    summarised, and the teams' slugs."""
    now = now or timezone.now()
    figures, as_at = figures_of(period, now)
    rollup = _Rollup(figures)
    slugs = dict(Team.objects.filter(pk__in=rollup.team_ids()).values_list("pk", "slug"))

    def slug(team: int | None) -> str:
        return slugs.get(team, "") if team is not None else ""

    metric_results = [
        MetricResult(
            metric,
            [
                Cell(week_of(week), week, slug(team), met, count)
                for (week, team), (count, met, _) in rollup.of(FigureSource.METRIC, metric.key)
            ],
        )
        for metric in registered_metrics()
    ]
    timeliness = [
        TimelinessResult(
            kind,
            "hours" if _is_moment(kind.model, kind.due_field) else "days",
            [
                TimelinessCell(
                    week_of(week),
                    week,
                    slug(team),
                    count,
                    met,
                    _rounded(percentile(late, 0.5)),
                    _rounded(percentile(late, 0.9)),
                )
                for (week, team), (count, met, late) in rollup.of(FigureSource.CLOCK, kind.key)
            ],
        )
        for kind in timed_kinds()
    ]
    breakdowns = []
    for breakdown in workflows.breakdowns.values():
        counts = rollup.totals.get((FigureSource.BREAKDOWN, breakdown.key), {})
        breakdowns.append(
            BreakdownResult(
                breakdown,
                rows=sorted({row for row, _ in counts}),
                columns=sorted({column for _, column in counts}),
                counts=dict(sorted(counts.items())),
            )
        )
    stages = sorted(workflows.funnel_stages.values(), key=lambda stage: stage.order)
    funnel = [
        FunnelResult(
            stage, rollup.totals.get((FigureSource.FUNNEL, stage.key), {}).get(("", ""), 0)
        )
        for stage in stages
    ]
    return Report(period, metric_results, timeliness, breakdowns, funnel, as_at)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def weeks_in(period: Period) -> list[str]:
    """Every ISO week the period touches, in order (for the columns of a trend)."""
    weeks: list[str] = []
    day = period.start - timedelta(days=period.start.weekday())
    while day <= period.end:
        weeks.append(week_of(day))
        day += timedelta(days=7)
    return weeks


def as_rows(cells: Iterable[Cell]) -> list[dict[str, Any]]:
    return [
        {
            "week": cell.week,
            "week_start": cell.week_start,
            "team": cell.team,
            "numerator": cell.numerator,
            "denominator": cell.denominator,
            "rate": cell.rate,
        }
        for cell in cells
    ]


def register_core_measures() -> None:
    """The core's own: the re-referral rate (G6) and the funnel's first two stages."""
    from django.urls import reverse

    from .models import Contact, Referral

    workflows.register_metric(
        workflows.Metric(
            key="g6_rereferral",
            guardrail="G6",
            label="Re-referrals within 12 months of a previous referral (national definition)",
            population=lambda: Referral.objects.all(),
            met=Q(is_rereferral=True),
            date_field="referral_date",
            team_field="team_id",
            record_url=lambda referral: reverse("web:contact", args=[referral.contact_id]),
            order=60,
            child_field="child_id",
        )
    )
    workflows.register_funnel_stage(
        workflows.FunnelStage(
            key="contact",
            label="Contacts received",
            population=lambda: Contact.objects.all(),
            date_field="received_at",
            team_field="team_id",
            order=10,
        )
    )
    workflows.register_funnel_stage(
        workflows.FunnelStage(
            key="referral",
            label="Referrals (one per child)",
            population=lambda: Referral.objects.all(),
            date_field="referral_date",
            team_field="team_id",
            order=20,
        )
    )
