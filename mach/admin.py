"""Admin: reference data and users, as api.md gives the `admin` role, and nothing about a child.

No person, contact or record about a child is registered here or in any app's admin (the
workflow apps register none): the admin writes no access log, so it must show no child's data.
Those records are read through the API and pages, which log every showing. The access log is
here, naming each child by record id only: who looked, when and through what, never the child."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from .models import AccessLog, AuditDomain, ClosureDay, SchoolHoliday, Team, User


@admin.register(User)
class MachUserAdmin(UserAdmin):
    list_display = ("username", "role", "team", "is_active", "last_login")
    list_filter = ("role", "team", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Front door", {"fields": ("role", "team")}))  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """The intake team (INTAKE_TEAM_SLUG), which receives partners' contacts, keeps its slug
    and is never deleted: each web process keeps its id (`TeamQuerySet.intake`)."""

    list_display = ("name", "slug", "agency")
    prepopulated_fields = {"slug": ("name",)}

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("slug",) if _is_intake_team(obj) else ()

    def get_prepopulated_fields(self, request: HttpRequest, obj: Any = None) -> dict[str, Any]:
        return {} if _is_intake_team(obj) else dict(self.prepopulated_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _is_intake_team(obj) and super().has_delete_permission(request, obj)


def _is_intake_team(team: Team | None) -> bool:
    return team is not None and team.slug == settings.INTAKE_TEAM_SLUG


@admin.register(AuditDomain)
class AuditDomainAdmin(admin.ModelAdmin):
    """The domains case audits grade (reference data): retire one by unticking `active`, so
    that audits already graded on it keep it."""

    list_display = ("name", "order", "active")
    list_editable = ("order", "active")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ("date", "reason")
    date_hierarchy = "date"


@admin.register(SchoolHoliday)
class SchoolHolidayAdmin(admin.ModelAdmin):
    list_display = ("name", "first_day", "last_day")
    date_hierarchy = "first_day"


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only, and the child only as a record id: the row's own string names the child."""

    list_display = ("at", "user", "child_record", "action", "via")
    list_filter = ("action",)
    list_select_related = ("user",)
    fields = ("at", "user", "child_record", "action", "via", "reason")
    readonly_fields = fields

    @admin.display(description="child record")
    def child_record(self, row: AccessLog) -> int:
        return row.child_id

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
