"""The management-information summary (spec section 13): every registered measure, clock,
breakdown and funnel stage counted per day and team, so that a dashboard over a quarter reads a
few thousand summary rows instead of aggregating every contact of the period.

A day is summarised as a whole (`SummarisedDay` says when), and its rows are replaced as a whole
by `mach.figures.refresh`; a day with no `SummarisedDay` row is counted live from the records.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models


class FigureSource(models.TextChoices):
    METRIC = "metric", "Guardrail measure"
    CLOCK = "clock", "Timeliness of a clock"
    BREAKDOWN = "breakdown", "Breakdown"
    FUNNEL = "funnel", "Funnel stage"


class DailyFigure(models.Model):
    """One registered figure for one day and team.

    For a measure, `count` is the population and `met` those meeting it; for a clock, `count`
    the clocks due that day that ran out or were met and `met` those met, with `lateness` the
    lateness of each late one (hours or days, as at the refresh); for a breakdown, `count`
    records in the cell (`row`, `column`); for a funnel stage, `count` records reaching it.
    """

    source = models.CharField(max_length=12, choices=FigureSource.choices)
    key = models.CharField(max_length=80)
    day = models.DateField()
    team = models.ForeignKey(
        "mach.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    row = models.CharField(max_length=80, blank=True, default="")
    column = models.CharField(max_length=80, blank=True, default="")
    count = models.PositiveIntegerField()
    met = models.PositiveIntegerField(default=0)
    lateness = ArrayField(models.FloatField(), default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["day", "team"], name="daily_figure_day_team_idx")]

    def __str__(self) -> str:
        return f"{self.source} {self.key} {self.day}"


class SummarisedDay(models.Model):
    """A day whose figures are in `DailyFigure`, as they stood at `refreshed_at`."""

    day = models.DateField(primary_key=True)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} at {self.refreshed_at:%Y-%m-%d %H:%M}"
