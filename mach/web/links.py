"""Where a page links to for a record named by an alert: the links the core and each workflow
app register through `mach.workflows`, so the alerts page names no workflow itself."""

from __future__ import annotations

from django.db import models

from .. import workflows


def url_for(record: models.Model | None) -> str:
    if record is None:
        return ""
    make = workflows.alert_links.get(type(record))
    return make(record) if make is not None else ""
