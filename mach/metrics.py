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

from django.db import models
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from . import workflows
from .models import Team
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


def week_start(model: type[models.Model], date_field: str) -> TruncWeek:
    """The Monday of the ISO week, in London time for a moment."""
    tzinfo = LONDON if _is_moment(model, date_field) else None
    return TruncWeek(date_field, output_field=models.DateField(), tzinfo=tzinfo)


class PercentileCont(models.Aggregate):
    """PostgreSQL's `percentile_cont(fraction) WITHIN GROUP (ORDER BY value)`."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = models.FloatField()
    allow_distinct = False

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


class EpochOf(models.Func):
    """The seconds in an interval."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)"
    output_field = models.FloatField()


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


class _Teams:
    """Team slugs by id, read once for the whole report."""

    def __init__(self) -> None:
        self.wanted: set[int] = set()
        self.slugs: dict[int, str] = {}

    def load(self) -> None:
        if self.wanted:
            self.slugs = dict(Team.objects.filter(pk__in=self.wanted).values_list("pk", "slug"))

    def slug(self, team_id: int | None) -> str:
        return self.slugs.get(team_id, "") if team_id is not None else ""


def metric_rows(metric: workflows.Metric, period: Period) -> list[dict[str, Any]]:
    """One SQL aggregate: numerator and denominator by week start and team id."""
    return _shared_rows([metric], period)[metric.key]


def _shared_rows(
    group: Sequence[workflows.Metric], period: Period
) -> dict[str, list[dict[str, Any]]]:
    """Measures over the same population, week and team, in one aggregate: one count of the
    population and one filtered count per measure."""
    first = group[0]
    records = of_team(
        in_period(first.population(), first.date_field, period), first.team_field, period
    )
    counts = {f"n{index}": Count("pk", filter=metric.met) for index, metric in enumerate(group)}
    rows = list(
        records.annotate(
            _week=week_start(records.model, first.date_field), _team=F(first.team_field)
        )
        .values("_week", "_team")
        .annotate(denominator=Count("pk"), **counts)
        .order_by("_week", "_team")
    )
    return {
        metric.key: [
            {
                "_week": row["_week"],
                "_team": row["_team"],
                "denominator": row["denominator"],
                "numerator": row[f"n{index}"],
            }
            for row in rows
        ]
        for index, metric in enumerate(group)
    }


def _population_key(metric: workflows.Metric) -> tuple[Any, ...]:
    """Measures whose populations are the same SQL, placed by the same week and team, share
    a key (and so one query)."""
    population = metric.population()
    try:
        sql = str(population.query)
    except Exception:  # a population that cannot be printed (EmptyResultSet) shares nothing
        sql = metric.key
    return (population.model, sql, metric.date_field, metric.team_field)


def all_metric_rows(period: Period) -> list[tuple[workflows.Metric, list[dict[str, Any]]]]:
    """Every registered measure's rows, one aggregate per distinct population."""
    groups: dict[tuple[Any, ...], list[workflows.Metric]] = {}
    for metric in registered_metrics():
        groups.setdefault(_population_key(metric), []).append(metric)
    found: dict[str, list[dict[str, Any]]] = {}
    for group in groups.values():
        found.update(_shared_rows(group, period))
    return [(metric, found[metric.key]) for metric in registered_metrics()]


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


def timeliness_rows(kind: workflows.DeadlineKind, period: Period, now: datetime) -> list[Any]:
    """Clocks due in the period that have run out (or were met): how many, how many met, and
    the median and 90th-percentile lateness of the late ones (hours for a moment, days for a
    date), in one SQL aggregate. An open clock past due is late by now."""
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
    return list(
        records.filter(ran_out | Q(_done__isnull=False))
        .annotate(_week=week_start(model, kind.due_field), _team=F(kind.team_field))
        .values("_week", "_team")
        .annotate(
            due=Count("pk"),
            met=Count("pk", filter=met),
            median=PercentileCont(lateness, 0.5, filter=~met),
            p90=PercentileCont(lateness, 0.9, filter=~met),
        )
        .order_by("_week", "_team")
    )


def timed_kinds() -> list[workflows.DeadlineKind]:
    return [kind for kind in workflows.deadline_kinds.values() if kind.due_field]


def _breakdown(breakdown: workflows.Breakdown, period: Period) -> BreakdownResult:
    records = of_team(
        in_period(breakdown.population(), breakdown.date_field, period),
        breakdown.team_field,
        period,
    )
    counted = (
        records.annotate(_row=F(breakdown.row_field), _column=F(breakdown.column_field))
        .values("_row", "_column")
        .annotate(count=Count("pk"))
        .order_by("_row", "_column")
    )
    counts = {(str(row["_row"]), str(row["_column"] or "")): row["count"] for row in counted}
    return BreakdownResult(
        breakdown,
        rows=sorted({row for row, _ in counts}),
        columns=sorted({column for _, column in counts}),
        counts=counts,
    )


def _funnel(period: Period) -> list[FunnelResult]:
    stages = sorted(workflows.funnel_stages.values(), key=lambda stage: stage.order)
    return [
        FunnelResult(
            stage,
            of_team(
                in_period(stage.population(), stage.date_field, period), stage.team_field, period
            ).count(),
        )
        for stage in stages
    ]


def registered_metrics() -> list[workflows.Metric]:
    return sorted(workflows.metrics.values(), key=lambda metric: (metric.order, metric.key))


@reads_from_replica
def report(period: Period, *, now: datetime | None = None) -> Report:
    """Everything the dashboard and the metrics API show, in a fixed number of queries: one
    per distinct population of the registered measures, one per clock, breakdown and funnel
    stage, and one for the teams' slugs."""
    now = now or timezone.now()
    teams = _Teams()
    raw_metrics = all_metric_rows(period)
    raw_timeliness = [(kind, timeliness_rows(kind, period, now)) for kind in timed_kinds()]
    for _, rows in (*raw_metrics, *raw_timeliness):
        teams.wanted.update(row["_team"] for row in rows if row["_team"] is not None)
    teams.load()
    metrics = [
        MetricResult(
            metric,
            [
                Cell(
                    week_of(row["_week"]),
                    row["_week"],
                    teams.slug(row["_team"]),
                    row["numerator"],
                    row["denominator"],
                )
                for row in rows
            ],
        )
        for metric, rows in raw_metrics
    ]
    timeliness = [
        TimelinessResult(
            kind,
            "hours" if _is_moment(kind.model, kind.due_field) else "days",
            [
                TimelinessCell(
                    week_of(row["_week"]),
                    row["_week"],
                    teams.slug(row["_team"]),
                    row["due"],
                    row["met"],
                    _rounded(row["median"]),
                    _rounded(row["p90"]),
                )
                for row in rows
            ],
        )
        for kind, rows in raw_timeliness
    ]
    return Report(
        period,
        metrics,
        timeliness,
        [_breakdown(breakdown, period) for breakdown in workflows.breakdowns.values()],
        _funnel(period),
    )


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
