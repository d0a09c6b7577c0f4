"""Where a page links to for a record named by an alert: a registry keyed by model, which the
core and each workflow app fill in, so the alerts page names no workflow itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

_links: dict[type[models.Model], Callable[[Any], str]] = {}


def register(model: type[models.Model], url_for: Callable[[Any], str]) -> None:
    """`url_for(record)` must not query the database: it runs for every row of a list."""
    _links[model] = url_for


def url_for(record: models.Model | None) -> str:
    if record is None:
        return ""
    make = _links.get(type(record))
    return make(record) if make is not None else ""
