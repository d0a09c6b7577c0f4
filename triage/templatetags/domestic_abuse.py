"""Template filters of the domestic-abuse pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from django import template
from django.utils import dateformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from triage.domestic_abuse.selectors import HistoryLine

register = template.Library()


@register.filter
def history_lines(lines: Sequence[HistoryLine]) -> str:
    """`1 Mar 2026: summary` for each line, one to a line of the cell, or "None". A meeting's
    agenda shows hundreds of lines: one call per person, not a template loop per line, which
    was half the page's rendering."""
    if not lines:
        return "None"
    language = get_language()
    return format_html_join(
        SafeString("<br>"), "{}: {}", ((_day(line.at, language), line.summary) for line in lines)
    )


@register.filter
def history_rows(people: Sequence[Mapping[str, Any]]) -> str:
    """The history table's row of each person (web._person_row()): a meeting's agenda has a
    hundred rows or more, and a row written by the template was a dozen nodes rendered, most
    of the page's time."""
    return format_html_join("\n  ", "{}", ((_history_row(person),) for person in people))


_NUMBER = '\n    <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'
_ROW = (
    '<tr class="govuk-table__row">\n    <th scope="row" class="govuk-table__header">'
    '{} <span class="govuk-body-s">({}{})</span>{}</th>'
    + _NUMBER * 4
    + '\n    <td class="govuk-table__cell">{}</td>\n  </tr>'
)


def _history_row(person: Mapping[str, Any]) -> str:
    account = person["childs_account"]
    return format_html(
        _ROW,
        person["name"],
        str(person["role"]).lower(),
        ", present" if person["present"] else "",
        format_html('<br><span class="govuk-body-s">{}</span>', account) if account else "",
        person["notifications"],
        person["contacts"],
        person["referrals"],
        person["maracs"],
        history_lines(person["lines"]),
    )


@lru_cache(maxsize=1024)
def _day(day: date, language: str) -> str:
    """`1 Mar 2026` in the language (of which the month's name is a function, hence the key):
    Django's formatting costs as much as the rest of a line, and a history's days recur."""
    return dateformat.format(day, "j M Y")
