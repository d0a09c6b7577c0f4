"""Teams, users and their roles (api.md, "Users, roles and tokens")."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models, router

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


class TeamQuerySet(models.QuerySet["Team"]):
    def intake(self) -> Team:
        """The team that receives contacts from outside the MACH (created on first use).

        Every partner's contact asks for it, so it is read by a plain statement: the ORM would
        build its query anew each time."""
        # From the primary, as `get_or_create` reads: a contact about to be written refers to it.
        using = router.db_for_write(Team)
        with prepared_cursor(using) as cursor:
            cursor.execute(
                f'SELECT {columns(Team)} FROM "{Team._meta.db_table}" WHERE "slug" = %s',
                [settings.INTAKE_TEAM_SLUG],
            )
            row = cursor.fetchone()
        if row is not None:
            return instance(Team, using, row)
        team, _ = self.get_or_create(
            slug=settings.INTAKE_TEAM_SLUG, defaults={"name": settings.INTAKE_TEAM_SLUG.upper()}
        )
        return team


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
