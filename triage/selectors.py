"""Reads of the triage workflow, scoped to the manager's team."""

from __future__ import annotations

from django.db.models import QuerySet

from mach.models import User

from .models import ConsultationException, PatternFlag


def pattern_flags_for(user: User) -> QuerySet[PatternFlag]:
    if user.team_id is None:
        return PatternFlag.objects.none()
    return PatternFlag.objects.filter(contact__team_id=user.team_id).select_related("reviewed_by")


def consultation_exceptions_for(user: User) -> QuerySet[ConsultationException]:
    if user.team_id is None:
        return ConsultationException.objects.none()
    return ConsultationException.objects.filter(contact__team_id=user.team_id)
