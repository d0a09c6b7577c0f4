"""Reads of homeless presentations: the MACH's readers see them; partner agencies none."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from mach.models import User
from mach.permissions import CHILD_READERS
from mach.workflows import Entry

from .models import HomelessPresentation, Outcome


def presentations_visible_to(user: User) -> QuerySet[HomelessPresentation]:
    if not user.has_role(*CHILD_READERS):
        return HomelessPresentation.objects.none()
    return HomelessPresentation.objects.select_related("young_person", "recorded_by")


def _entry(presentation: HomelessPresentation, at: datetime, summary: str) -> Entry:
    return Entry(
        at=at,
        kind="homeless_presentation",
        summary=summary,
        record_id=presentation.pk,
        person_ids=(presentation.young_person_id,),
        state=presentation.state,
    )


def homeless_entries(person_ids: Sequence[int]) -> list[Entry]:
    """Each presentation, each accommodation under s20 (looked after) and each decision, for
    the chronology (one query)."""
    entries: list[Entry] = []
    for presentation in HomelessPresentation.objects.filter(young_person_id__in=person_ids):
        entries.append(
            _entry(
                presentation,
                presentation.presented_at,
                f"Presented as homeless to {presentation.get_presented_to_display().lower()}",
            )
        )
        if presentation.accommodated_at is not None and presentation.accommodated_under_s20:
            entries.append(
                _entry(
                    presentation,
                    presentation.accommodated_at,
                    "Accommodated under section 20: looked after",
                )
            )
        if presentation.decided_at is not None:
            summary = f"Homeless pathway decision: {presentation.get_outcome_display()}"
            if presentation.outcome == Outcome.S20_ACCOMMODATED:
                summary += " (looked after)"
            entries.append(_entry(presentation, presentation.decided_at, summary))
    return entries


def guardrail_failures(child_ids: Sequence[int]) -> dict[int, list[str]]:
    """G12 failures on these young people's records (one query): a joint assessment overdue,
    advocacy not offered on the day they presented."""
    today = timezone.localdate()
    failures: dict[int, list[str]] = {}
    for presentation in HomelessPresentation.objects.filter(young_person_id__in=child_ids):
        found = []
        if (
            presentation.joint_assessment_completed_on is None
            and presentation.assessment_due_date < today
        ):
            found.append(
                f"Joint assessment of homeless presentation {presentation.pk} overdue since "
                f"{presentation.assessment_due_date:%d %b %Y}"
            )
        offered = presentation.advocacy_offered_on
        if presentation.account_recorded_at is not None and (
            offered is None or offered > presentation.presented_on
        ):
            found.append(
                f"Advocacy not offered at first approach (homeless presentation {presentation.pk})"
            )
        if found:
            failures.setdefault(presentation.young_person_id, []).extend(found)
    return failures
