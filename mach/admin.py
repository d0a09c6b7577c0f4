"""Admin: reference data and users for administrators; records are read-only here, never
deleted, and the access log cannot be changed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from .models import (
    AccessLog,
    Alert,
    ClosureDay,
    Contact,
    ContactPerson,
    Event,
    MatchProposal,
    Person,
    PersonMerge,
    Referral,
    Relationship,
    Team,
    User,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Safeguarding records are changed through the service, with its rules and audit trail."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class MachUserAdmin(UserAdmin):
    list_display = ("username", "role", "team", "is_active", "last_login")
    list_filter = ("role", "team", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Front door", {"fields": ("role", "team")}))  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ("date", "reason")
    date_hierarchy = "date"


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    fields = ("person", "role", "matched_existing", "relationship")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("reference", "state", "received_at", "decision_due_at", "team", "rag")
    list_filter = ("state", "rag", "team", "channel")
    date_hierarchy = "received_at"
    inlines = [ContactPersonInline]
    list_select_related = ("team",)


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("last_name", "first_name", "kind", "date_of_birth", "postcode", "merged_into")
    list_filter = ("kind", ("merged_into", admin.EmptyFieldListFilter))
    list_select_related = ("merged_into",)
    search_fields = ("normalised_last_name", "nhs_number")


@admin.register(Relationship)
class RelationshipAdmin(ReadOnlyAdmin):
    list_display = ("person", "kind", "description", "child")
    list_select_related = ("person", "child")


@admin.register(MatchProposal)
class MatchProposalAdmin(ReadOnlyAdmin):
    list_display = ("person", "candidate", "reason", "status")
    list_filter = ("status",)
    list_select_related = ("person", "candidate")


@admin.register(PersonMerge)
class PersonMergeAdmin(ReadOnlyAdmin):
    list_display = ("duplicate", "kept", "merged_by", "merged_at", "undone_by", "undone_at")
    list_filter = (("undone_at", admin.EmptyFieldListFilter),)
    list_select_related = ("duplicate", "kept", "merged_by", "undone_by")
    date_hierarchy = "merged_at"


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("message", "kind", "level", "team", "created_at", "acknowledged_at")
    list_filter = ("kind", "level", "team")
    list_select_related = ("team",)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("at", "action", "actor", "content_type", "object_id", "from_state", "to_state")
    list_filter = ("action", "content_type")
    list_select_related = ("actor", "content_type")


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ("child", "referral_date", "outcome", "is_rereferral", "team")
    list_filter = ("is_rereferral", "outcome", "team")
    list_select_related = ("child", "team")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "child", "action", "via")
    list_filter = ("action",)
    list_select_related = ("user", "child")
