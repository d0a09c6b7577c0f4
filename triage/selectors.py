"""Reads of the triage workflow, scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from mach import selectors as core_selectors
from mach import timescales
from mach.models import Contact, User
from mach.services.referrals import twelve_months_before
from mach.workflows import Entry, choice_label

from .models import (
    ConsultationAttempt,
    ConsultationException,
    OversightDecision,
    ParentConsultation,
    PartnerRequest,
    PatternFlag,
    Screening,
    ScreeningState,
)
from .thresholds import level_name


def pattern_flags_for(user: User) -> QuerySet[PatternFlag]:
    return PatternFlag.objects.filter(
        contact__team_id__in=core_selectors.team_ids_managed_by(user)
    ).select_related("reviewed_by")


def consultation_exceptions_for(user: User) -> QuerySet[ConsultationException]:
    return ConsultationException.objects.filter(
        contact__team_id__in=core_selectors.team_ids_managed_by(user)
    )


def contacts_in_twelve_months(child_id: int, until: datetime) -> int:
    """Contacts about the child received in the 12 months up to and including `until` (G3):
    from the same local date a year earlier."""
    since_day = twelve_months_before(timezone.localtime(until).date())
    since = datetime.combine(since_day, datetime.min.time(), tzinfo=timescales.LONDON)
    return (
        Contact.objects.filter(
            contact_people__person_id=child_id, received_at__gte=since, received_at__lte=until
        )
        .distinct()
        .count()
    )


def current_screening(contact: Contact) -> Screening | None:
    return (
        Screening.objects.filter(contact=contact)
        .select_related("screened_by", "overseen_by", "threshold_authorised_by")
        .order_by("-submitted_at", "-id")
        .first()
    )


def awaiting_oversight(user: User) -> QuerySet[Screening]:
    """The oversight queue of a manager's team (a service manager's: of the teams they manage):
    soonest due first, with each contact's children and the number of its pattern flags still
    to review. Only the columns the queue shows are read: any other field of a screening, its
    contact or a child costs a query per row."""
    return (
        Screening.objects.filter(
            state=ScreeningState.SUBMITTED,
            team_id__in=core_selectors.team_ids_managed_by(user),
        )
        .select_related("contact", "screened_by")
        .only(
            "rag",
            "threshold_level",
            "recommended_outcome",
            "needs_threshold_authorisation",
            "threshold_authorised_at",
            "oversight_due_at",
            "contact__state",
            "contact__decision_due_at",
            "screened_by__username",
        )
        .prefetch_related(core_selectors.children_named("contact__contact_people"))
        # Counted per row, not by a join and GROUP BY over every waiting screening, so that a
        # page walks the queue's index and stops.
        .annotate(
            open_flags=Coalesce(
                Subquery(
                    PatternFlag.objects.filter(
                        contact_id=OuterRef("contact_id"), reviewed_at__isnull=True
                    )
                    .order_by()
                    .values("contact_id")
                    .annotate(count=Count("pk"))
                    .values("count")
                ),
                0,
            )
        )
        .order_by("oversight_due_at", "id")
    )


def consultations_of(contact: Contact) -> QuerySet[ParentConsultation]:
    return ParentConsultation.objects.filter(contact=contact).select_related("recorded_by")


def attempts_of(contact: Contact) -> QuerySet[ConsultationAttempt]:
    return ConsultationAttempt.objects.filter(contact=contact).select_related("recorded_by")


def exceptions_of(contact: Contact) -> QuerySet[ConsultationException]:
    return ConsultationException.objects.filter(contact=contact).select_related(
        "requested_by", "decided_by"
    )


def partner_requests_of(contact: Contact) -> QuerySet[PartnerRequest]:
    return (
        PartnerRequest.objects.filter(contact=contact)
        .select_related("organisation", "sent_by", "responded_by")
        .order_by("sent_at", "id")
    )


def requests_to_organisation(user: User) -> QuerySet[PartnerRequest]:
    """A partner agency user's inbox: requests to its organisation, open ones first."""
    if user.team_id is None:
        return PartnerRequest.objects.none()
    return (
        PartnerRequest.objects.filter(organisation_id=user.team_id)
        .select_related("contact")
        .order_by("-state", "due_at", "id")
    )


def open_pattern_flags(contact: Contact) -> QuerySet[PatternFlag]:
    return PatternFlag.objects.filter(contact=contact, reviewed_at__isnull=True).select_related(
        "child"
    )


OVERSEEN: dict[str, str] = {
    OversightDecision.AGREE: "agreed",
    OversightDecision.CHANGE: "changed",
    OversightDecision.RETURN: "returned to the worker",
}


def screening_entries(person_ids: Sequence[int]) -> list[Entry]:
    """The chronology's screenings and oversight decisions about any of `person_ids` (G3), each
    dated when it happened (one query, of the shown columns only)."""
    rows = (
        Screening.objects.filter(contact__contact_people__person_id__in=person_ids)
        .order_by("id")
        .values(
            "id",
            "contact_id",
            "state",
            "submitted_at",
            "threshold_level",
            "rag",
            "recommended_outcome",
            "overseen_at",
            "oversight_decision",
            "oversight_outcome",
            about=F("contact__contact_people__person_id"),
        )
    )
    people: dict[int, list[int]] = {}
    screenings: dict[int, Any] = {}
    for row in rows:
        screenings[row["id"]] = row
        people.setdefault(row["id"], []).append(row["about"])
    entries = []
    for pk, screening in screenings.items():
        about = tuple(people[pk])
        reference = Contact.reference_of(screening["contact_id"])
        recommended = screening["recommended_outcome"]
        entries.append(
            Entry(
                at=screening["submitted_at"],
                kind="screening",
                summary=(
                    f"Screening of {reference}: level {screening['threshold_level']} "
                    f"({level_name(screening['threshold_level'])}), "
                    f"{choice_label(Screening, 'rag', screening['rag'])}, recommended "
                    f"{choice_label(Screening, 'recommended_outcome', recommended)}"
                ),
                record_id=pk,
                person_ids=about,
                state=screening["state"],
            )
        )
        if screening["overseen_at"] is not None:
            outcome = screening["oversight_outcome"]
            decided = (
                f": {choice_label(Screening, 'oversight_outcome', outcome)}" if outcome else ""
            )
            entries.append(
                Entry(
                    at=screening["overseen_at"],
                    kind="oversight",
                    summary=(
                        f"Oversight of {reference}: "
                        f"{OVERSEEN[screening['oversight_decision']]}{decided}"
                    ),
                    record_id=pk,
                    person_ids=about,
                    state=screening["oversight_decision"],
                )
            )
    return entries
