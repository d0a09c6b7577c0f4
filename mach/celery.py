"""The Celery application. Tasks carry only row ids; the database is the source of truth."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mach.settings")

app = Celery("mach")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
