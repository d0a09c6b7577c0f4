from __future__ import annotations

from django.apps import AppConfig


class HomelessConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments.homeless"
    label = "homeless"
    verbose_name = "16 and 17 year olds presenting as homeless"

    def ready(self) -> None:
        from .registrations import register

        register()
