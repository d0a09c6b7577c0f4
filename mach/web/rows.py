"""Values a list page's rows show, built in Python. A page of 25 rows whose template looks each
value up through its models (attribute look-ups, filters, method calls, a date formatted per
cell) spends most of its time there; the template then only places what a row holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, timezone
from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR

from ..models import Contact
from ..templatetags.front_door import describe_time_left

# As the lists have always shown a deadline: "Tue 1 Dec, 14:30".
DUE_FORMAT = "D j M, H:i"


@dataclass(frozen=True, slots=True)
class Deadline:
    at: str
    left: str
    past: bool


def deadline(due: datetime, now: datetime) -> Deadline:
    """The deadline in local time, the time left ('2 h 10 m left', 'overdue by 1 day') and
    whether it has passed: what the `date`, `time_left` and `is_past` filters show."""
    return Deadline(
        at=date_text(due, DUE_FORMAT),
        left=describe_time_left(due, now),
        past=due < now,
    )


def date_text(moment: date | datetime, format: str) -> str:
    """What `{{ moment|date:format }}` shows (an aware datetime in local time), at a tenth of
    the cost of Django's `dateformat` for a format made only of the parts the pages use (day,
    weekday and month names, year, hour, minute) and punctuation: a page shows a hundred.
    Names are Django's, in the active language. Any other format is Django's to show."""
    if isinstance(moment, datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    parts = _date_parts(format)
    if parts is None:
        return dateformat.format(moment, format)
    return "".join(part if isinstance(part, str) else part(moment) for part in parts)


# As `dateformat.DateFormat` shows each part.
_DATE_PARTS: dict[str, Callable[[Any], str]] = {
    "j": lambda moment: str(moment.day),
    "D": lambda moment: str(WEEKDAYS_ABBR[moment.weekday()]),
    "l": lambda moment: str(WEEKDAYS[moment.weekday()]),
    "M": lambda moment: str(MONTHS_3[moment.month]).title(),
    "F": lambda moment: str(MONTHS[moment.month]),
    "Y": lambda moment: f"{moment.year:04d}",
    "H": lambda moment: f"{moment.hour:02d}",
    "i": lambda moment: f"{moment.minute:02d}",
}


@lru_cache(maxsize=64)
def _date_parts(format: str) -> tuple[str | Callable[[Any], str], ...] | None:
    """`format` as literal text and the parts that show the moment; None when it holds a
    letter or backslash (another of Django's parts, or an escape) that `_DATE_PARTS` lacks."""
    if any((char.isalpha() or char == "\\") and char not in _DATE_PARTS for char in format):
        return None
    return tuple(_DATE_PARTS.get(char, char) for char in format)


def url_by_id(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for every row of a page (`url_with_id`, looked up once). Only
    for a URL whose one argument is an `<int:...>`; call it once per request, since the URL's
    prefix belongs to the request."""
    head, tail = _around_id(name)
    return lambda pk: f"{head}{pk}{tail}"


def url_with_id(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a URL whose one argument is an `<int:...>`, from a split
    kept for the URL's name, prefix and URLconf: a list that links each row to its record
    (the alerts page, through each workflow's registered link) pays for one reverse per kind
    of record, not one per row."""
    head, tail = _around_id(name)
    return f"{head}{pk}{tail}"


def _around_id(name: str) -> tuple[str, str]:
    return _url_around_id(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=256)
def _url_around_id(name: str, prefix: str, urlconf: Any) -> tuple[str, str]:
    """The URL named, split around the id: the URL of a sentinel id (a reverse costs tens of
    microseconds, and a page has dozens of rows)."""
    sentinel = "9876543210"
    head, tail = reverse(name, args=[int(sentinel)], urlconf=urlconf).split(sentinel)
    return head, tail


def contact_cells(contact: Contact, url: str, now: datetime) -> dict[str, Any]:
    """What every list of contacts shows of one: its link and reference, its children's names
    (the `contact_people` prefetched: no query) and its decision deadline."""
    return {
        "url": url,
        "reference": contact.reference,
        "children": ", ".join(link.person.full_name for link in contact.contact_people.all()),
        "decision_due": deadline(contact.decision_due_at, now),
        "decision_overdue": contact.is_overdue(now),
    }
