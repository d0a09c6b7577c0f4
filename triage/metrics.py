"""The guardrail measures of the front door's screening (G1 to G5), registered with the core's
metrics engine: each a population and a condition computed in SQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from mach import workflows
from mach.models import Contact

from .models import ParentConsultation, PartnerRequest, PatternFlag, Screening, ScreeningState
from .thresholds import STATUTORY

CHILD_OF_CONTACT = "contact_people__person_id"
CHILD_OF_SCREENING = "contact__contact_people__person_id"


def _contact_page(record: Any) -> str:
    return reverse("web:contact", args=[record.contact_id])


def contacts_with_partner_requests() -> QuerySet[Contact]:
    """G1's population: contacts on which a partner was asked, with when first asked."""
    first = (
        PartnerRequest.objects.filter(contact=OuterRef("pk")).order_by("sent_at").values("sent_at")
    )
    return Contact.objects.annotate(first_request_at=Subquery(first[:1])).filter(
        first_request_at__isnull=False
    )


PARENTS_CONSULTED_FIRST = Q(
    Exists(
        ParentConsultation.objects.filter(
            contact=OuterRef("pk"), consulted_at__lte=OuterRef("first_request_at")
        )
    )
)


def decided_screenings() -> QuerySet[Screening]:
    """Screenings a manager has agreed or changed: the decisions."""
    return Screening.objects.filter(state__in=(ScreeningState.AGREED, ScreeningState.CHANGED))


def register() -> None:
    metric = workflows.register_metric
    metric(
        workflows.Metric(
            key="g1_parents_consulted",
            guardrail="G1",
            label="Contacts with parents consulted before the first partner request",
            population=contacts_with_partner_requests,
            met=PARENTS_CONSULTED_FIRST,
            date_field="received_at",
            team_field="team_id",
            record_url=lambda contact: reverse("web:contact", args=[contact.pk]),
            order=10,
            child_field=CHILD_OF_CONTACT,
        )
    )
    for key, guardrail, label, met, order in (
        ("g2_childs_voice", "G2", "Screenings with the child's voice", ~Q(childs_voice=""), 20),
        (
            "g3_history",
            "G3",
            "Screenings with a history analysis",
            ~Q(history_analysis=""),
            30,
        ),
        (
            "g5_oversight_in_time",
            "G5",
            "Screenings overseen within the timescale (same working day)",
            Q(overseen_at__isnull=False, overseen_at__lte=F("oversight_due_at")),
            50,
        ),
    ):
        metric(
            workflows.Metric(
                key=key,
                guardrail=guardrail,
                label=label,
                population=lambda: Screening.objects.all(),
                met=met,
                date_field="submitted_at",
                team_field="contact__team_id",
                record_url=_contact_page,
                order=order,
                child_field=CHILD_OF_SCREENING,
            )
        )
    metric(
        workflows.Metric(
            key="g3_pattern_reviewed",
            guardrail="G3",
            label="Pattern flags (3+ contacts in 12 months) reviewed by a manager",
            population=lambda: PatternFlag.objects.all(),
            met=Q(reviewed_at__isnull=False),
            date_field="raised_at",
            team_field="contact__team_id",
            record_url=lambda flag: reverse("triage:pattern-flag-review", args=[flag.pk]),
            order=31,
            child_field="child_id",
        )
    )
    metric(
        workflows.Metric(
            key="g4_alternatives",
            guardrail="G4",
            label="Statutory outcomes with early help and lower options recorded as rejected",
            population=lambda: decided_screenings().filter(contact__outcome__in=STATUTORY),
            met=~Q(alternatives_considered="") | ~Q(oversight_alternatives_considered=""),
            date_field="submitted_at",
            team_field="contact__team_id",
            record_url=_contact_page,
            order=40,
            child_field=CHILD_OF_SCREENING,
        )
    )
    metric(
        workflows.Metric(
            key="g5_challenge",
            guardrail="G5",
            label="Oversight decisions that changed or returned the recommendation",
            population=lambda: Screening.objects.exclude(oversight_decision=""),
            met=Q(oversight_decision__in=("change", "return")),
            date_field="submitted_at",
            team_field="contact__team_id",
            record_url=_contact_page,
            order=51,
            child_field=CHILD_OF_SCREENING,
        )
    )
    workflows.register_guardrail_failures(
        "triage", workflows.GuardrailFailures(label="Screening", failures=failures)
    )
    workflows.register_breakdown(
        workflows.Breakdown(
            key="g4_outcome_by_level",
            guardrail="G4",
            label="Outcomes by threshold level",
            population=decided_screenings,
            row_field="threshold_level",
            column_field="contact__outcome",
            date_field="submitted_at",
            team_field="contact__team_id",
        )
    )


def failures(child_ids: Sequence[int]) -> Mapping[int, list[str]]:
    """Screenings of the children's contacts without the child's voice (G2), and oversight
    of a screening still awaited past its deadline (G5)."""
    found: dict[int, list[str]] = {}
    screenings = Screening.objects.filter(contact__contact_people__person_id__in=child_ids)
    without_voice = screenings.filter(childs_voice__regex=r"^\s*$").values_list(
        "contact__contact_people__person_id", "contact_id"
    )
    for child_id, contact_id in without_voice:
        found.setdefault(child_id, []).append(
            f"screening of contact CON-{contact_id:07d} without the child's voice"
        )
    late = screenings.filter(
        state=ScreeningState.SUBMITTED, oversight_due_at__lt=timezone.now()
    ).values_list("contact__contact_people__person_id", "contact_id")
    for child_id, contact_id in late:
        found.setdefault(child_id, []).append(
            f"oversight of the screening of contact CON-{contact_id:07d} overdue"
        )
    return found
