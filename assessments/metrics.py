"""The assessments' guardrail measures (G10) and their stage of the conversion funnel."""

from __future__ import annotations

from django.db.models import F, Q
from django.urls import reverse

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
