"""Template filters of the domestic-abuse pages."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from django import template
from django.utils import dateformat
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from triage.domestic_abuse.selectors import HistoryLine

register = template.Library()

# A meeting's agenda has a hundred history rows and more. They are written here, not by the
# template (a dozen nodes a row was most of the page's time), and escaped with the standard
# library's `html.escape`, which Django's `escape` wraps: the same text, without its check of
# every argument for a lazy string (a thousand and more a page).
_escape = html.escape


@register.filter
def history_lines(lines: Sequence[HistoryLine]) -> str:
    """`1 Mar 2026: summary` for each line, one to a line of the cell, or "None"."""
    if not lines:
        return "None"
    language = get_language()
    return SafeString(
        "<br>".join(f"{_day(line.at, language)}: {_escape(line.summary)}" for line in lines)
    )


@register.filter
def history_rows(people: Sequence[Mapping[str, Any]]) -> str:
    """The history table's row of each person (web._person_row())."""
    return SafeString("\n  ".join(_history_row(person) for person in people))


_NUMBER = '\n    <td class="govuk-table__cell govuk-table__cell--numeric">{:d}</td>'
_ROW = (
    '<tr class="govuk-table__row">\n    <th scope="row" class="govuk-table__header">'
    '{} <span class="govuk-body-s">({}{})</span>{}</th>'
    + _NUMBER * 4
    + '\n    <td class="govuk-table__cell">{}</td>\n  </tr>'
)


def _history_row(person: Mapping[str, Any]) -> str:
    account = person["childs_account"]
    return _ROW.format(
        _escape(person["name"]),
        _escape(str(person["role"]).lower()),
        ", present" if person["present"] else "",
        f'<br><span class="govuk-body-s">{_escape(account)}</span>' if account else "",
        person["notifications"],
        person["contacts"],
        person["referrals"],
        person["maracs"],
        history_lines(person["lines"]),
    )


@lru_cache(maxsize=1024)
def _day(day: date, language: str) -> str:
    """`1 Mar 2026` in the language (of which the month's name is a function, hence the key),
    escaped: Django's formatting costs as much as the rest of a line, and a history's days
    recur."""
    return _escape(dateformat.format(day, "j M Y"))
