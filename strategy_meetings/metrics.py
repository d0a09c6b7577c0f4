"""The strategy meetings' guardrail measures (G7, G8) and their stages of the funnel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import reduce
from operator import and_

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from mach import workflows

from .models import (
    MINIMUM_ATTENDANCE,
    Attendee,
    Conference,
    EnquiryState,
    S47Enquiry,
    StrategyAction,
    StrategyDiscussion,
)

# Each minimum-attendance agency had an attendee who could decide for it (G7).
MINIMUM_ATTENDED = reduce(
    and_,
    [
        Q(
            Exists(
                Attendee.objects.filter(
                    discussion=OuterRef("pk"), agency=agency, can_decide_for_agency=True
                )
            )
        )
        for agency in MINIMUM_ATTENDANCE
    ],
)


def _discussion_page(discussion: StrategyDiscussion) -> str:
    return reverse("strategy_meetings:discussion", args=[discussion.pk])


def actions_due() -> QuerySet[StrategyAction]:
    """Actions whose due date has passed or that are done: those that could be on time."""
    return StrategyAction.objects.filter(
        Q(due_date__lt=timezone.localdate()) | Q(completed_on__isnull=False)
    )


def register() -> None:
    workflows.register_metric(
        workflows.Metric(
            key="g7_minimum_attendance",
            guardrail="G7",
            label="Strategy discussions held with the minimum attendance",
            population=lambda: StrategyDiscussion.objects.filter(held_at__isnull=False),
            met=MINIMUM_ATTENDED,
            date_field="held_at",
            team_field="team_id",
            record_url=_discussion_page,
            order=70,
            child_field="discussion_children__child_id",
        )
    )
    workflows.register_metric(
        workflows.Metric(
            key="g7_actions_on_time",
            guardrail="G7",
            label="Strategy discussion actions completed on time",
            population=actions_due,
            met=Q(completed_on__isnull=False, completed_on__lte=F("due_date")),
            date_field="due_date",
            team_field="discussion__team_id",
            record_url=lambda action: (
                reverse("strategy_meetings:discussion", args=[action.discussion_id]) + "#actions"
            ),
            order=71,
            child_field="child_id",
        )
    )
    workflows.register_metric(
        workflows.Metric(
            key="g8_child_seen_voice",
            guardrail="G8",
            label="Section 47 enquiries completed with the child seen and their voice",
            population=lambda: S47Enquiry.objects.filter(state=EnquiryState.COMPLETED),
            met=Q(child_seen_on__isnull=False) & ~Q(childs_voice=""),
            date_field="completed_at",
            team_field="discussion__team_id",
            record_url=lambda enquiry: reverse("strategy_meetings:s47-enquiry", args=[enquiry.pk]),
            order=80,
            child_field="child_id",
        )
    )
    workflows.register_funnel_stage(
        workflows.FunnelStage(
            key="s47",
            label="Section 47 enquiries started",
            population=lambda: S47Enquiry.objects.all(),
            date_field="started_on",
            team_field="discussion__team_id",
            order=40,
        )
    )
    workflows.register_funnel_stage(
        workflows.FunnelStage(
            key="icpc",
            label="Initial child protection conferences held",
            population=lambda: Conference.objects.filter(held_on__isnull=False),
            date_field="held_on",
            team_field="team_id",
            order=50,
        )
    )
    register_audit_sources()


def failures(child_ids: Sequence[int]) -> Mapping[int, list[str]]:
    """Open guardrail failures about the children: an s47 enquiry completed without the child
    seen or their voice (G8), a strategy action overdue (G7)."""
    found: dict[int, list[str]] = {}
    vague = S47Enquiry.objects.filter(
        Q(child_seen_on__isnull=True) | Q(childs_voice=""),
        child_id__in=child_ids,
        state=EnquiryState.COMPLETED,
    )
    for child_id, pk in vague.values_list("child_id", "pk"):
        found.setdefault(child_id, []).append(
            f"s47 enquiry {pk} completed without the child seen and their voice"
        )
    overdue = StrategyAction.objects.filter(
        child_id__in=child_ids, completed_on__isnull=True, due_date__lt=timezone.localdate()
    )
    for child_id, pk, due in overdue.values_list("child_id", "pk", "due_date"):
        found.setdefault(child_id, []).append(f"strategy action {pk} overdue since {due:%d %b %Y}")
    return found


def register_audit_sources() -> None:
    workflows.register_auditable_record(
        workflows.AuditableRecord(
            kind="s47_enquiry",
            label="Section 47 enquiry",
            model=S47Enquiry,
            child_lookup="child_id",
            url=lambda enquiry: reverse("strategy_meetings:s47-enquiry", args=[enquiry.pk]),
        )
    )
    workflows.register_guardrail_failures(
        "strategy_meetings",
        workflows.GuardrailFailures(label="Strategy meetings", failures=failures),
    )
