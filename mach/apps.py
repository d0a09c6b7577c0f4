from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db import connections, models
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_migrate, post_save
from rest_framework.serializers import ModelSerializer

from . import rows
from .dbroles import grant_app_privileges


class MachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mach"
    verbose_name = "MACH front door"

    def ready(self) -> None:
        from . import case_audits, chronology, deadlines, metrics, workflows
        from .lookups import AnyOf
        from .models import Team
        from .models.accounts import forget_intake_team, intake_team_after_migrate
        from .representations import UtcDateTimeField
        from .web import registrations, session  # noqa: F401 (session connects its signal)

        # Every model's times in every API response in one offset, UTC (api.md: ISO 8601).
        ModelSerializer.serializer_field_mapping[models.DateTimeField] = UtcDateTimeField
        # A relation's lookups are its own, not its field's: registered on both.
        models.Field.register_lookup(AnyOf)
        models.ForeignObject.register_lookup(AnyOf)
        deadlines.register_core_kinds()
        chronology.register_core_sources()
        registrations.register_core_pages()
        metrics.register_core_measures()
        case_audits.register()
        for name, choices in (
            ("ContactStateEnum", "mach.models.contacts.State"),
            ("AuditGradeEnum", "mach.models.case_audits.Grade"),
            ("CaseAuditStateEnum", "mach.models.case_audits.AuditState"),
            ("ModerationReasonEnum", "mach.models.case_audits.ModerationReason"),
            # The CIN census's code lists (DfE), recorded on children and episodes.
            ("CinClosureReasonEnum", "mach.models.census.ClosureReason"),
            ("PrimaryNeedEnum", "mach.models.census.PrimaryNeed"),
            ("EthnicityEnum", "mach.models.census.Ethnicity"),
            ("DisabilityEnum", "mach.models.census.Disability"),
            ("UpnUnknownReasonEnum", "mach.models.census.UpnUnknown"),
        ):
            workflows.register_enum_name(name, choices)
        # Sent once per app after every migrate (and flush): the core's covers every table.
        post_migrate.connect(_grant_app_privileges, sender=self)
        post_migrate.connect(intake_team_after_migrate, sender=self)
        post_save.connect(forget_intake_team, sender=Team)
        post_delete.connect(forget_intake_team, sender=Team)
        connection_created.connect(rows.read_times_in_c)
        connection_created.connect(rows.plan_once)


def _grant_app_privileges(using: str, **kwargs: Any) -> None:
    grant_app_privileges(connections[using], settings.DATABASE_APP_ROLE)
