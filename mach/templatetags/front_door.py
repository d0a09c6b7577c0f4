"""Template filters of the web UI: deadlines in words, and domain codes as GOV.UK tags."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def _span(delta: timedelta) -> str:
    if delta >= DAY:
        days = delta // DAY
        return f"{days} day{'s' if days != 1 else ''}"
    hours, minutes = delta // HOUR, (delta % HOUR) // MINUTE
    if hours:
        return f"{hours} h {minutes} m"
    return f"{max(minutes, 1)} m"


def describe_time_left(due: datetime, now: datetime) -> str:
    """'2 h 10 m left', '3 days left', 'overdue by 1 day', 'overdue by 25 m' (wall-clock time;
    the deadline itself was computed in working days when the clock started)."""
    if due > now:
        return f"{_span(due - now)} left"
    return f"overdue by {_span(now - due)}"


@register.filter
def time_left(due: datetime | None) -> str:
    if due is None:
        return ""
    return describe_time_left(due, timezone.now())


def describe_days_left(due: date, today: date) -> str:
    """'due today', '3 days left', 'overdue by 2 days': calendar days to a date deadline (the
    date itself was computed in working days when the clock started; it is due all that day)."""
    if due == today:
        return "due today"
    if due > today:
        return f"{_span(due - today)} left"
    return f"overdue by {_span(today - due)}"


@register.filter
def days_left(due: date | None) -> str:
    if due is None:
        return ""
    return describe_days_left(due, timezone.localdate())


@register.filter
def is_past(moment: datetime | None) -> bool:
    return moment is not None and moment < timezone.now()


RAG_TAGS = {"red": "govuk-tag--red", "amber": "govuk-tag--orange", "green": "govuk-tag--green"}
STATE_TAGS = {
    "received": "govuk-tag--blue",
    "awaiting_oversight": "govuk-tag--yellow",
    "decided": "govuk-tag--grey",
    # Assessments (spec 11).
    "open": "govuk-tag--blue",
    "awaiting_authorisation": "govuk-tag--yellow",
    "completed": "govuk-tag--green",
}


@register.filter
def rag_tag(rag: str) -> str:
    return RAG_TAGS.get(rag, "govuk-tag--grey")


@register.filter
def state_tag(state: str) -> str:
    return STATE_TAGS.get(state, "govuk-tag--grey")


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def words(code: str) -> str:
    """'contact_received' -> 'Contact received'."""
    return code.replace("_", " ").capitalize()


@register.filter
def percent(share: float | None) -> str:
    """A share from 0 to 1 as a whole percentage; a dash when nothing was counted."""
    return "\u2013" if share is None else f"{share:.0%}"
