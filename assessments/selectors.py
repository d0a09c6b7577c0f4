"""Reads of assessments: the chronology's entries and what a referral's hand-off opened."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from mach.models import User
from mach.permissions import CHILD_READERS
from mach.workflows import Entry

from .models import Assessment


def assessment_entries(person_ids: Sequence[int]) -> list[Entry]:
    return [
        Entry(
            # Started on the referral date: dated by the referral's contact, like the referral.
            at=assessment.referral.contact.received_at,
            kind="assessment",
            summary=(
                f"Child and family assessment due {assessment.due_on:%d %b %Y}"
                + (f": {assessment.get_outcome_display()}" if assessment.outcome else "")
            ),
            record_id=assessment.pk,
            person_ids=(assessment.child_id,),
            state=assessment.state,
        )
        for assessment in Assessment.objects.filter(child_id__in=person_ids).select_related(
            "referral__contact"
        )
    ]


def assessments_of_referrals(referral_ids: Sequence[int]) -> dict[int, Assessment]:
    """The assessment each of these referrals opened, by referral id."""
    return {
        assessment.referral_id: assessment
        for assessment in Assessment.objects.filter(referral_id__in=referral_ids)
    }


def assessments_visible_to(user: User) -> QuerySet[Assessment]:
    if not user.has_role(*CHILD_READERS):
        return Assessment.objects.none()
    return Assessment.objects.select_related(
        "referral", "submitted_by", "authorised_by"
    ).prefetch_related("actions__completed_by")
