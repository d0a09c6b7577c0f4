from __future__ import annotations

from django.apps import AppConfig


class StrategyMeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "strategy_meetings"
