"""Extra closure days and school holidays an administrator records (spec sections 2 and 6)."""

from __future__ import annotations

from django.db import models


class ClosureDay(models.Model):
    """A day the front door is closed beyond weekends and England bank holidays."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y}: {self.reason}"


class SchoolHoliday(models.Model):
    """A school holiday period (first and last day inclusive): no school day for Operation
    Encompass (spec section 6). The front door's working days do not change."""

    name = models.CharField(max_length=200)
    first_day = models.DateField()
    last_day = models.DateField()

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="school_holiday_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.first_day:%d %b %Y} to {self.last_day:%d %b %Y}"
