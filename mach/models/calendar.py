"""Extra closure days an administrator records (spec section 2)."""

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
