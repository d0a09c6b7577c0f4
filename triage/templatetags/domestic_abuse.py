"""Template filters of the domestic-abuse pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from django import template
from django.utils import dateformat
from django.utils.html import format_html_join
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


@lru_cache(maxsize=1024)
def _day(day: date, language: str) -> str:
    """`1 Mar 2026` in the language (of which the month's name is a function, hence the key):
    Django's formatting costs as much as the rest of a line, and a history's days recur."""
    return dateformat.format(day, "j M Y")
