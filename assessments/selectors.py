"""Reads of assessments: the chronology's entries and what a referral's hand-off opened."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils import timezone

from mach.models import User
from mach.permissions import CHILD_READERS
from mach.workflows import CensusAssessment, CensusS47, Entry, choice_label

from .models import Assessment, AssessmentOutcome, AssessmentState

# The outcomes that close the episode, with the reason when the worker gave none.
CLOSING_OUTCOMES: dict[str, str] = {
    AssessmentOutcome.CLOSURE: "RC8",
    AssessmentOutcome.EARLY_HELP: "RC9",
}


def assessment_entries(person_ids: Sequence[int]) -> list[Entry]:
    assessments = Assessment.objects.filter(child_id__in=person_ids).values_list(
        "id", "child_id", "state", "due_on", "outcome", "referral__contact__received_at"
    )
    return [
        Entry(
            # Started on the referral date: dated by the referral's contact, like the referral.
            at=received_at,
            kind="assessment",
            summary=(
                f"Child and family assessment due {due_on:%d %b %Y}"
                + (f": {choice_label(Assessment, 'outcome', outcome)}" if outcome else "")
            ),
            record_id=assessment_id,
            person_ids=(child_id,),
            state=state,
        )
        for assessment_id, child_id, state, due_on, outcome, received_at in assessments
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


def census_items(child_ids: Sequence[int]) -> dict[int, list[CensusAssessment | CensusS47]]:
    """The statutory returns' view of these children's assessments, by child id (one query):
    an authorised outcome of a child in need plan starts the plan on the authorisation date;
    one of closure or early help closes the episode that day (RC8, RC9)."""
    found: dict[int, list[CensusAssessment | CensusS47]] = {}
    rows = Assessment.objects.filter(child_id__in=child_ids).select_related("submitted_by")
    for assessment in rows.order_by("started_on", "id"):
        authorised = (
            timezone.localdate(assessment.authorised_at)
            if assessment.state == AssessmentState.COMPLETED and assessment.authorised_at
            else None
        )
        closes = authorised is not None and assessment.outcome in CLOSING_OUTCOMES
        found.setdefault(assessment.child_id, []).append(
            CensusAssessment(
                record_id=assessment.pk,
                started_on=assessment.started_on,
                authorised_on=authorised,
                factors=tuple(assessment.factors),
                team_id=assessment.team_id,
                worker=assessment.submitted_by.username if assessment.submitted_by else "",
                child_seen_on=assessment.child_seen_on,
                closed_on=authorised if closes else None,
                closure_reason=(
                    (assessment.closure_reason or CLOSING_OUTCOMES[assessment.outcome])
                    if closes
                    else ""
                ),
                cin_plan_start=(
                    authorised if assessment.outcome == AssessmentOutcome.CIN_PLAN else None
                ),
                outcome=assessment.outcome if authorised else "",
            )
        )
    return found
