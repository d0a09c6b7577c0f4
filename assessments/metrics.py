"""The assessments' guardrail measures (G10) and their stage of the conversion funnel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from mach import workflows

from .models import Assessment, AssessmentState


def _page(assessment: Assessment) -> str:
    return reverse("assessments:assessment", args=[assessment.pk])


def register() -> None:
    for key, label, met, order in (
        (
            "g10_in_time",
            "Assessments completed within 45 working days",
            Q(authorised_at__date__lte=F("due_on")),
            100,
        ),
        (
            "g10_network",
            "Assessments with the wider family network involved",
            ~Q(family_network_involvement=""),
            101,
        ),
    ):
        workflows.register_metric(
            workflows.Metric(
                key=key,
                guardrail="G10",
                label=label,
                population=lambda: Assessment.objects.filter(state=AssessmentState.COMPLETED),
                met=met,
                date_field="authorised_at",
                team_field="team_id",
                record_url=_page,
                order=order,
                child_field="child_id",
            )
        )
    workflows.register_funnel_stage(
        workflows.FunnelStage(
            key="assessment",
            label="Assessments started",
            population=lambda: Assessment.objects.all(),
            date_field="started_on",
            team_field="team_id",
            order=30,
        )
    )
    register_audit_sources()


def failures(child_ids: Sequence[int]) -> Mapping[int, list[str]]:
    """Open guardrail failures in the children's assessments: completed with actions still
    open (G10), or open past their 45-working-day due date."""
    found: dict[int, list[str]] = {}
    closed_with_open_actions = Assessment.objects.filter(
        child_id__in=child_ids,
        state=AssessmentState.COMPLETED,
        actions__completed_on__isnull=True,
        actions__isnull=False,
    ).values_list("child_id", "pk")
    for child_id, pk in closed_with_open_actions.distinct():
        found.setdefault(child_id, []).append(f"assessment {pk} completed with actions open")
    overdue = Assessment.objects.filter(
        child_id__in=child_ids, due_on__lt=timezone.localdate()
    ).exclude(state=AssessmentState.COMPLETED)
    for child_id, pk, due in overdue.values_list("child_id", "pk", "due_on"):
        found.setdefault(child_id, []).append(f"assessment {pk} overdue since {due:%d %b %Y}")
    return found


def register_audit_sources() -> None:
    workflows.register_auditable_record(
        workflows.AuditableRecord(
            kind="assessment",
            label="Assessment",
            model=Assessment,
            child_lookup="child_id",
            url=_page,
        )
    )
    workflows.register_guardrail_failures(
        "assessments", workflows.GuardrailFailures(label="Assessment", failures=failures)
    )
