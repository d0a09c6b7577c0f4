"""The Celery application. Tasks carry only row ids; the database is the source of truth."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mach.settings")

app = Celery("mach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _add_registered_periodic_tasks(sender: Celery, **kwargs: object) -> None:
    """Beat runs the core's schedule from the settings plus what each app registered (by the
    time the app is finalised, Django has loaded every app)."""
    from .workflows import beat_schedule

    sender.conf.beat_schedule = {**sender.conf.beat_schedule, **beat_schedule()}
