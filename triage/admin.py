"""Read-only admin views of the triage records: they change only through the services."""

from __future__ import annotations

from django.contrib import admin

from mach.admin import ReadOnlyAdmin

from .models import (
    ConsultationException,
    ParentConsultation,
    PartnerRequest,
    PatternFlag,
    ReferrerFeedback,
    Screening,
)


@admin.register(Screening)
class ScreeningAdmin(ReadOnlyAdmin):
    list_display = (
        "contact",
        "state",
        "threshold_level",
        "rag",
        "recommended_outcome",
        "oversight_outcome",
        "screened_by",
        "overseen_by",
    )
    list_filter = ("state", "threshold_level", "rag")
    list_select_related = ("contact", "screened_by", "overseen_by")


@admin.register(PartnerRequest)
class PartnerRequestAdmin(ReadOnlyAdmin):
    list_display = ("contact", "agency", "organisation", "state", "sent_at", "due_at")
    list_filter = ("agency", "state")
    list_select_related = ("contact", "organisation")


@admin.register(ParentConsultation)
class ParentConsultationAdmin(ReadOnlyAdmin):
    list_display = ("contact", "consulted_at", "recorded_by")
    list_select_related = ("contact", "recorded_by")


@admin.register(ConsultationException)
class ConsultationExceptionAdmin(ReadOnlyAdmin):
    list_display = ("contact", "ground", "state", "requested_by", "decided_by")
    list_filter = ("ground", "state")
    list_select_related = ("contact", "requested_by", "decided_by")


@admin.register(PatternFlag)
class PatternFlagAdmin(ReadOnlyAdmin):
    list_display = ("child", "contact", "contacts_in_12_months", "raised_at", "reviewed_by")
    list_select_related = ("child", "contact", "reviewed_by")


@admin.register(ReferrerFeedback)
class ReferrerFeedbackAdmin(ReadOnlyAdmin):
    list_display = ("contact", "due_at", "sent_at", "channel")
    list_select_related = ("contact",)
