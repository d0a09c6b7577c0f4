"""Values a list page's rows show, built in Python. A page of 25 rows whose template looks each
value up through its models (attribute look-ups, filters, method calls, a date formatted per
cell) spends most of its time there; the template then only places what a row holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import dateformat, timezone

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
        at=dateformat.format(timezone.localtime(due), DUE_FORMAT),
        left=describe_time_left(due, now),
        past=due < now,
    )


def url_by_id(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for every row of a page at the cost of one reverse: the URL
    of a sentinel id, split around it (a reverse is tens of microseconds, a page has dozens).
    Only for a URL whose one argument is an `<int:...>`; call it once per request, since the
    URL's prefix belongs to the request."""
    sentinel = "9876543210"
    head, tail = reverse(name, args=[int(sentinel)]).split(sentinel)
    return lambda pk: f"{head}{pk}{tail}"


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
