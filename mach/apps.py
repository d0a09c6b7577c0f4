from __future__ import annotations

from django.apps import AppConfig


class MachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mach"
    verbose_name = "MACH front door"

    def ready(self) -> None:
        from . import deadlines

        deadlines.register_core_kinds()
