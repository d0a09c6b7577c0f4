"""The live dashboard (spec section 13): every guardrail measure by ISO week and team, each
number linking to the records behind it, the timeliness of every clock, the outcome-by-level
matrix and the funnel; charts drawn as SVG on the server, each beside its table, and a CSV of
every table."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from .. import metrics, workflows
from ..audit import log_child_access
from ..models import Role
from ..permissions import MANAGERS
from . import charts
from .pages import page, signed_in_user

METRIC_READERS = (*MANAGERS, Role.AUDITOR)
DEFAULT_DAYS = 91


def _period(request: HttpRequest) -> tuple[metrics.Period | None, dict[str, str], dict[str, str]]:
    """The period asked for (the last quarter when nothing is), the form's values and errors."""
    today = timezone.localdate()
    values = {
        "from": request.GET.get("from", (today - timedelta(days=DEFAULT_DAYS)).isoformat()),
        "to": request.GET.get("to", today.isoformat()),
        "team": request.GET.get("team", ""),
    }
    try:
        return metrics.parse_period(values), values, {}
    except metrics.PeriodError as error:
        return None, values, {error.field: error.message}


def _records_url(base: str, period: metrics.Period, week: str, team: str, met: bool | None) -> str:
    """The records behind one number; `base` is the metric's records page (reversed once)."""
    query = {"from": period.start.isoformat(), "to": period.end.isoformat(), "week": week}
    if team:
        query["team"] = team
    if met is not None:
        query["met"] = "1" if met else "0"
    return base + "?" + urlencode(query)


def _week_totals(result: metrics.MetricResult, weeks: Sequence[str]) -> list[dict[str, Any]]:
    totals = {week: [0, 0] for week in weeks}
    for cell in result.cells:
        totals.setdefault(cell.week, [0, 0])
        totals[cell.week][0] += cell.numerator
        totals[cell.week][1] += cell.denominator
    return [
        {
            "week": week,
            "numerator": numerator,
            "denominator": denominator,
            "rate": numerator / denominator if denominator else None,
        }
        for week, (numerator, denominator) in totals.items()
    ]


def _metric_view(
    result: metrics.MetricResult, period: metrics.Period, weeks: Sequence[str]
) -> dict[str, Any]:
    base = reverse("web:metric-records", args=[result.metric.key])
    totals = _week_totals(result, weeks)
    chart = charts.trend([(total["week"], total["rate"]) for total in totals])
    return {
        "metric": result.metric,
        "numerator": result.numerator,
        "denominator": result.denominator,
        "rate": result.rate,
        "rows": [
            {
                "cell": cell,
                "met_url": _records_url(base, period, cell.week, cell.team, True),
                "all_url": _records_url(base, period, cell.week, cell.team, None),
            }
            for cell in result.cells
        ],
        "chart": chart,
        "marks": charts.trend_marks(chart),
        "totals": totals,
    }


def _breakdown_view(result: metrics.BreakdownResult) -> dict[str, Any]:
    return {
        "breakdown": result.breakdown,
        "rows": [
            {
                "label": row,
                "counts": [result.counts.get((row, column), 0) for column in result.columns],
            }
            for row in result.rows
        ],
        "columns": result.columns,
        "grid": charts.matrix(result.rows, result.columns, result.counts),
    }


@page(*METRIC_READERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    period, values, errors = _period(request)
    context: dict[str, Any] = {"values": values, "errors": errors, "teams": _teams()}
    if period is not None:
        report = metrics.report(period)
        weeks = metrics.weeks_in(period)
        context.update(
            period=period,
            query=period.query(),
            as_at=report.as_at,
            metrics=[_metric_view(result, period, weeks) for result in report.metrics],
            timeliness=report.timeliness,
            breakdowns=[_breakdown_view(result) for result in report.breakdowns],
            funnel=report.funnel,
            funnel_chart=charts.horizontal(
                [(result.stage.label, result.count) for result in report.funnel]
            ),
        )
    return render(request, "mach/dashboard.html", context, status=400 if errors else 200)


def _teams() -> list[Any]:
    from ..models import Team

    return list(Team.objects.exclude(members__role=Role.PARTNER_AGENCY).order_by("name"))


def _csv(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return response


@page(*METRIC_READERS)
def dashboard_csv(request: HttpRequest, table: str) -> HttpResponse:
    """Any table of the dashboard as CSV: `metrics`, `timeliness`, `funnel`, or a breakdown's
    key. Counts only: no child is named."""
    period, _, errors = _period(request)
    if period is None:
        return HttpResponse(f"Bad parameter: {errors}", status=400, content_type="text/plain")
    report = metrics.report(period)
    stem = f"{table}-{period.start}-{period.end}"
    if table == "metrics":
        return _csv(
            stem,
            ["metric", "guardrail", "week", "team", "numerator", "denominator", "rate"],
            (
                [
                    r.metric.key,
                    r.metric.guardrail,
                    c.week,
                    c.team,
                    c.numerator,
                    c.denominator,
                    c.rate,
                ]
                for r in report.metrics
                for c in r.cells
            ),
        )
    if table == "timeliness":
        return _csv(
            stem,
            [
                "clock",
                "unit",
                "week",
                "team",
                "due",
                "met",
                "share_met",
                "median_lateness",
                "p90_lateness",
            ],
            (
                [
                    r.kind.key,
                    r.unit,
                    c.week,
                    c.team,
                    c.due,
                    c.met,
                    c.share_met,
                    c.median_lateness,
                    c.p90_lateness,
                ]
                for r in report.timeliness
                for c in r.cells
            ),
        )
    if table == "funnel":
        return _csv(
            stem,
            ["stage", "label", "count"],
            ([r.stage.key, r.stage.label, r.count] for r in report.funnel),
        )
    for result in report.breakdowns:
        if result.breakdown.key == table:
            return _csv(
                stem,
                ["row", "column", "count"],
                ([row, column, count] for (row, column), count in sorted(result.counts.items())),
            )
    raise Http404("No such table.")


def _week_bounds(week: str, period: metrics.Period) -> tuple[date, date]:
    try:
        year, number = week.split("-W")
        monday = date.fromisocalendar(int(year), int(number), 1)
    except ValueError:
        raise Http404("No such week.") from None
    return max(monday, period.start), min(monday + timedelta(days=6), period.end)


@page(*METRIC_READERS)
def metric_records(request: HttpRequest, key: str) -> HttpResponse:
    """The records behind one number of the dashboard (a metric's week and team, met or all),
    each linking to its own page; the children shown are written to the access log."""
    metric = workflows.metrics.get(key)
    if metric is None:
        raise Http404("No such metric.")
    period, _, errors = _period(request)
    if period is None:
        return HttpResponse(f"Bad parameter: {errors}", status=400, content_type="text/plain")
    week = request.GET.get("week", "")
    if week:
        start, end = _week_bounds(week, period)
        period = metrics.Period(start, end, period.team)
    met = {"1": True, "0": False}.get(request.GET.get("met", ""))
    records = metrics.metric_records(metric, period, met=met)
    listing = Paginator(records, 50).get_page(request.GET.get("page"))
    shown = [record.pk for record in listing]
    if metric.child_field and shown:
        child_ids = (
            records.model._default_manager.filter(pk__in=shown)
            .exclude(**{f"{metric.child_field}__isnull": True})
            .values_list(metric.child_field, flat=True)
        )
        log_child_access(user=signed_in_user(request), child_ids=list(child_ids), via=request.path)
    rows = [
        {
            "label": f"{records.model._meta.verbose_name.capitalize()} {record.pk}",
            "url": metric.record_url(record),
        }
        for record in listing
    ]
    return render(
        request,
        "mach/metric_records.html",
        {
            "metric": metric,
            "listing": listing,
            "rows": rows,
            "period": period,
            "week": week,
            "met": met,
            "back": reverse("web:dashboard") + "?" + period.query(),
            "filter_query": urlencode(
                [(name, value) for name, value in request.GET.items() if name != "page"]
            ),
        },
    )
