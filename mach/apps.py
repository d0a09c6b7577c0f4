from __future__ import annotations

from django.apps import AppConfig


class MachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mach"
    verbose_name = "MACH front door"

    def ready(self) -> None:
        from . import chronology, deadlines, selectors, services, workflows
        from .web import registrations, session  # noqa: F401 (session connects its signal)

        deadlines.register_core_kinds()
        chronology.register_core_sources()
        registrations.register_core_pages()
        workflows.register_opener(
            "assessment",
            workflows.NextStepOpener(
                open=services.assessment_open, opened=selectors.assessments_of_referrals
            ),
        )
        for name, choices in (
            ("ContactStateEnum", "mach.models.contacts.State"),
            ("AssessmentStateEnum", "mach.models.referrals.AssessmentState"),
            ("AssessmentOutcomeEnum", "mach.models.referrals.AssessmentOutcome"),
        ):
            workflows.register_enum_name(name, choices)
