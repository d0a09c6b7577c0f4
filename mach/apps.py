from __future__ import annotations

from django.apps import AppConfig


class MachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mach"
    verbose_name = "MACH front door"

    def ready(self) -> None:
        from . import chronology, deadlines, workflows
        from .web import registrations, session  # noqa: F401 (session connects its signal)

        deadlines.register_core_kinds()
        chronology.register_core_sources()
        registrations.register_core_pages()
        for name, choices in (("ContactStateEnum", "mach.models.contacts.State"),):
            workflows.register_enum_name(name, choices)
