from __future__ import annotations

from django.apps import AppConfig


class MachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mach"
    verbose_name = "MACH front door"

    def ready(self) -> None:
        from . import deadlines
        from .web import registrations, session  # noqa: F401 (session connects its signal)

        deadlines.register_core_kinds()
        registrations.register_core_pages()
