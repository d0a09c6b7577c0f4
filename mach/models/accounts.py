"""Teams, users and their roles (api.md, "Users, roles and tokens")."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import connections, models, router, transaction

from ..rows import columns, instance, prepared_cursor


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    MANAGER = "manager", "Manager"
    SERVICE_MANAGER = "service_manager", "Service manager"
    EDT_WORKER = "edt_worker", "Emergency Duty Team worker"
    PARTNER_AGENCY = "partner_agency", "Partner agency"
    AUDITOR = "auditor", "Auditor"
    ADMIN = "admin", "Administrator"


class AgencyType(models.TextChoices):
    """A partner organisation's agency type (api.md, "Agencies")."""

    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    DOMESTIC_ABUSE_SERVICE = "domestic_abuse_service", "Domestic abuse service"
    EARLY_HELP = "early_help", "Early help"
    OTHER = "other", "Other"


# The intake team's id by (database, slug), kept once a transaction that read or created it
# has committed (so never one a rollback took back), forgotten whenever a team is saved or
# deleted in this process, and after `migrate` and `flush` (`intake_team_after_migrate`).
_intake_team_ids: dict[tuple[str, str], int] = {}


class TeamQuerySet(models.QuerySet["Team"]):
    def intake(self, using: str | None = None) -> Team:
        """The team that receives contacts from outside the MACH (created if it is not there),
        on database `using` (the primary by default).

        Every partner's contact asks for it, so after the first it costs no statement: the
        team's id and slug are kept in this process, its other fields left to be read when
        asked for. The admin may neither delete the intake team nor change its slug
        (`TeamAdmin`), which is how another process could make a kept id wrong."""
        # From the primary, as `get_or_create` reads: a contact about to be written refers to it.
        using = using or router.db_for_write(Team)
        slug = settings.INTAKE_TEAM_SLUG
        kept = _intake_team_ids.get((using, slug))
        if kept is not None:
            return Team.from_db(using, ["id", "slug"], [kept, slug])
        team = self._read_or_create_intake(using, slug)
        transaction.on_commit(
            partial(_intake_team_ids.__setitem__, (using, slug), team.pk), using=using
        )
        return team

    def _read_or_create_intake(self, using: str, slug: str) -> Team:
        with prepared_cursor(using) as cursor:
            cursor.execute(
                f'SELECT {columns(Team)} FROM "{Team._meta.db_table}" WHERE "slug" = %s', [slug]
            )
            row = cursor.fetchone()
        if row is not None:
            return instance(Team, using, row)
        team, _ = self.using(using).get_or_create(slug=slug, defaults={"name": slug.upper()})
        return team


def forget_intake_team(**kwargs: Any) -> None:
    """A receiver of `post_save` and `post_delete` of teams."""
    _intake_team_ids.clear()


def intake_team_after_migrate(using: str, **kwargs: Any) -> None:
    """`post_migrate` (after every `migrate` and `flush`): no id kept from before, and the
    intake team made now if it is not there, so that it is never made by a transaction that
    may roll back."""
    forget_intake_team()
    if Team._meta.db_table in connections[using].introspection.table_names():
        Team.objects.intake(using)


class Team(models.Model):
    """A MACH team, the EDT, or a partner agency's organisation (for partner users)."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    # A partner organisation's agency type; blank for the council's own teams.
    agency = models.CharField(max_length=32, choices=AgencyType.choices, blank=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    # A service manager sits above the managers of several teams: escalated alerts of those
    # teams go to them. Many-to-many, because one service manager covers more than one team.
    managed_teams = models.ManyToManyField(
        Team,
        blank=True,
        related_name="service_managers",
        help_text="the teams whose escalated alerts a service manager receives",
    )

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles
