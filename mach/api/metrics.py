"""`/api/v1/metrics/`: every guardrail measure by ISO week and team, the timeliness of every
clock, the outcome-by-level matrix and the conversion funnel (api.md, "Reports")."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import metrics
from ..models import Role
from ..permissions import MANAGERS, roles

METRIC_READERS = (*MANAGERS, Role.AUDITOR)


class CellSerializer(serializers.Serializer):
    week = serializers.CharField(help_text="ISO week, e.g. 2026-W49")
    week_start = serializers.DateField(help_text="its Monday")
    team = serializers.CharField(help_text="the team's slug")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class MetricSerializer(serializers.Serializer):
    key = serializers.CharField()
    guardrail = serializers.CharField(help_text="the row of the guardrail table, G1 … G14")
    label = serializers.CharField()  # type: ignore[assignment]
    numerator = serializers.IntegerField(help_text="over the whole period")
    denominator = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)
    weeks = CellSerializer(many=True)


class TimelinessCellSerializer(serializers.Serializer):
    week = serializers.CharField()
    week_start = serializers.DateField()
    team = serializers.CharField()
    due = serializers.IntegerField(help_text="clocks due in the week that ran out or were met")
    met = serializers.IntegerField()
    share_met = serializers.FloatField(allow_null=True)
    median_lateness = serializers.FloatField(allow_null=True, help_text="of the late ones")
    p90_lateness = serializers.FloatField(allow_null=True)


class TimelinessSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.ChoiceField(choices=["hours", "days"])
    weeks = TimelinessCellSerializer(many=True)


class BreakdownCellSerializer(serializers.Serializer):
    row = serializers.CharField()
    column = serializers.CharField()
    count = serializers.IntegerField()


class BreakdownSerializer(serializers.Serializer):
    key = serializers.CharField()
    guardrail = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    cells = BreakdownCellSerializer(many=True)


class FunnelStageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()


class MetricsReportSerializer(serializers.Serializer):
    period_from = serializers.DateField()
    to = serializers.DateField()
    team = serializers.CharField(allow_null=True)
    as_at = serializers.DateTimeField(
        allow_null=True,
        help_text=(
            "the oldest refresh of the summarised days read: figures for those days are as "
            "they stood then (yesterday and today are recounted every minute, earlier days "
            "daily); null when every day was counted live from the records"
        ),
    )
    metrics = MetricSerializer(many=True)
    timeliness = TimelinessSerializer(many=True)
    breakdowns = BreakdownSerializer(many=True)
    funnel = FunnelStageSerializer(many=True)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        fields["from"] = fields.pop("period_from")  # a Python keyword, so renamed here
        return fields


def report_data(report: metrics.Report) -> dict[str, Any]:
    """The report as the API and the CSV downloads give it."""
    period = report.period
    return {
        "from": period.start,
        "to": period.end,
        "team": period.team.slug if period.team else None,
        "as_at": report.as_at,
        "metrics": [
            {
                "key": result.metric.key,
                "guardrail": result.metric.guardrail,
                "label": result.metric.label,
                "numerator": result.numerator,
                "denominator": result.denominator,
                "rate": result.rate,
                "weeks": metrics.as_rows(result.cells),
            }
            for result in report.metrics
        ],
        "timeliness": [
            {
                "kind": result.kind.key,
                "label": result.kind.label,
                "unit": result.unit,
                "weeks": [
                    {
                        "week": cell.week,
                        "week_start": cell.week_start,
                        "team": cell.team,
                        "due": cell.due,
                        "met": cell.met,
                        "share_met": cell.share_met,
                        "median_lateness": cell.median_lateness,
                        "p90_lateness": cell.p90_lateness,
                    }
                    for cell in result.cells
                ],
            }
            for result in report.timeliness
        ],
        "breakdowns": [
            {
                "key": result.breakdown.key,
                "guardrail": result.breakdown.guardrail,
                "label": result.breakdown.label,
                "cells": [
                    {"row": row, "column": column, "count": count}
                    for (row, column), count in result.counts.items()
                ],
            }
            for result in report.breakdowns
        ],
        "funnel": [
            {"stage": result.stage.key, "label": result.stage.label, "count": result.count}
            for result in report.funnel
        ],
    }


class MetricsApi(APIView):
    permission_classes = [roles(*METRIC_READERS)]

    @extend_schema(
        operation_id="metrics_retrieve",
        parameters=[
            OpenApiParameter("from", str, required=True, description="YYYY-MM-DD, included"),
            OpenApiParameter("to", str, required=True, description="YYYY-MM-DD, included"),
            OpenApiParameter("team", str, description="a team's slug; all teams without it"),
        ],
        responses=MetricsReportSerializer,
        description=(
            "Each registered guardrail measure (`g1_…` … `g14_…`) by ISO week and team with "
            "numerator and denominator; the timeliness of every clock (share met, median and "
            "90th-percentile lateness of the late ones, in hours for a moment and days for a "
            "date); the outcome-by-threshold-level matrix; the conversion funnel. Counts only: "
            "no child is named, so nothing is written to the access log. At most 400 days."
        ),
    )
    def get(self, request: Request) -> Response:
        try:
            period = metrics.parse_period(request.query_params)
        except metrics.PeriodError as error:
            raise serializers.ValidationError({error.field: [error.message]}) from None
        return Response(report_data(metrics.report(period)))
