"""Admin: assessments are read-only here, like every safeguarding record of the core."""

from __future__ import annotations

from django.contrib import admin

from mach.admin import ReadOnlyAdmin

from .models import Assessment, AssessmentAction


class AssessmentActionInline(admin.TabularInline):
    model = AssessmentAction
    fields = ("description", "owner", "due_on", "completed_on")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("child", "state", "started_on", "due_on", "outcome", "team")
    list_filter = ("state", "outcome", "team")
    list_select_related = ("child", "team")
    inlines = [AssessmentActionInline]
