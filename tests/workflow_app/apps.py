"""Plugs the made-up workflow in through mach.workflows alone: a next step and its opener, a
deadline kind, a chronology source and a contact-page panel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.apps import AppConfig
from django.db import models
from django.http import HttpRequest

STEP = "support_plan"


class WorkflowAppConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tests.workflow_app"
    label = "workflow_app"

    def ready(self) -> None:
        from mach import workflows

        from .models import SupportPlan

        workflows.register_opener(STEP, workflows.NextStepOpener(open=open_plan, opened=plans_of))
        workflows.register_deadline_kind(
            workflows.DeadlineKind(
                key="support_plan_review",
                model=SupportPlan,
                label="Support plan review (10 working days)",
                describe=lambda plan: f"Review of support plan {plan.pk} is overdue",
            )
        )
        workflows.register_chronology_source(STEP, plan_entries)
        workflows.register_contact_panel(
            workflows.ContactPanel("workflow_app/panel.html", contact_panel, order=50)
        )


def open_plan(*, actor: Any, referral: Any) -> object:
    from mach.timescales import WorkingCalendar

    from .models import SupportPlan

    calendar = WorkingCalendar.current()
    due = calendar.working_day_after(referral.referral_date, 10)
    plan = SupportPlan(
        referral=referral, child_id=referral.child_id, team_id=referral.team_id, review_due_on=due
    )
    plan.start_clock(calendar.close_of(due))
    plan.save()
    return plan


def plans_of(referral_ids: Sequence[int]) -> Mapping[int, models.Model]:
    from .models import SupportPlan

    return {
        plan.referral_id: plan for plan in SupportPlan.objects.filter(referral_id__in=referral_ids)
    }


def plan_entries(person_ids: Sequence[int]) -> list[Any]:
    from mach.workflows import Entry

    from .models import SupportPlan

    return [
        Entry(
            at=plan.created_at,
            kind=STEP,
            summary=f"Support plan, review due {plan.review_due_on:%d %b %Y}",
            record_id=plan.pk,
            person_ids=(plan.child_id,),
        )
        for plan in SupportPlan.objects.filter(child_id__in=person_ids)
    ]


def contact_panel(request: HttpRequest, contact: Any) -> dict[str, Any] | None:
    from .models import SupportPlan

    plans = list(SupportPlan.objects.filter(referral__contact=contact))
    return {"plans": plans} if plans else None
