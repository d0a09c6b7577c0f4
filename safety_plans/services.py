"""Every write of a safety plan (spec section 9, G11): a permission check, the transition in one
transaction with its event row, the checks stored with each version."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mach import timescales, workflows
from mach.audit import record_event
from mach.models import Person, Referral, Team, User
from mach.permissions import MACH_WORKERS
from mach.services import AlreadyDone, require_role
from strategy_meetings.models import Conference, EnquiryState, S47Enquiry

from .checks import failing_blockers, run_checks
from .models import PlanState, SafetyPlan, SafetyPlanVersion

REVIEW_WORKING_DAYS = 10
EMPTY_PARTS: dict[str, Any] = {
    "worries": [],
    "goals": [],
    "network": [],
    "actions": [],
    "childs_words": "",
    "family_version": "",
}


class BlockingChecksFail(AlreadyDone):
    """Agreement refused while blocking checks fail (HTTP 409 naming them)."""

    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = list(codes)
        super().__init__(
            "The plan cannot be agreed while these checks fail: " + ", ".join(self.codes) + "."
        )


def _new_version(
    actor: User | None, plan: SafetyPlan, parts: Mapping[str, Any], number: int
) -> SafetyPlanVersion:
    checks = [check.as_dict() for check in run_checks(parts)]
    passed = sum(1 for check in checks if check["passed"])
    return SafetyPlanVersion.objects.create(
        plan=plan,
        number=number,
        **{name: parts.get(name, EMPTY_PARTS[name]) for name in SafetyPlanVersion.PARTS},
        checks=checks,
        quality_score=passed,
        checks_total=len(checks),
        all_checks_passed=passed == len(checks),
        saved_by=actor,
    )


def _check_links(
    children: Sequence[Person], s47_enquiry: S47Enquiry | None, conference: Conference | None
) -> None:
    """A plan names its s47 enquiry's child, or a child of its conference; without either,
    every child must have an open case (400 naming the field otherwise)."""
    child_ids = {child.pk for child in children}
    if not child_ids:
        raise ValidationError({"children": "Name at least one child."})
    if s47_enquiry is not None and s47_enquiry.child_id not in child_ids:
        raise ValidationError({"s47_enquiry": "The enquiry is about a child not in this plan."})
    if conference is not None and not conference.children.filter(pk__in=child_ids).exists():
        raise ValidationError({"conference": "The conference is about none of these children."})
    if s47_enquiry is None and conference is None:
        closed = sorted(child_ids - set(workflows.open_cases(sorted(child_ids))))
        if closed:
            raise ValidationError(
                {"children": f"Only a child with an open case has a plan on its own: {closed}."}
            )


def plan_create(
    *,
    actor: User,
    children: Sequence[Person],
    parts: Mapping[str, Any],
    s47_enquiry: S47Enquiry | None = None,
    conference: Conference | None = None,
) -> SafetyPlan:
    """A draft plan and its first version, for an s47 enquiry, a conference or an open case."""
    require_role(actor, MACH_WORKERS)
    _check_links(children, s47_enquiry, conference)
    if conference is None and s47_enquiry is not None:
        conference = Conference.objects.filter(
            discussion_id=s47_enquiry.discussion_id, children=s47_enquiry.child_id
        ).first()
    team_id = actor.team_id or Team.objects.intake().pk
    # Not durable: the API runs it inside the transaction that keeps its Idempotency-Key.
    with transaction.atomic():
        plan = SafetyPlan.objects.create(
            team_id=team_id, s47_enquiry=s47_enquiry, conference=conference, created_by=actor
        )
        plan.children.set(children)
        version = _new_version(actor, plan, parts, 1)
        record_event(
            actor=actor,
            subject=plan,
            action="safety_plan_drafted",
            to_state=PlanState.DRAFT,
            data={"version": version.number, "quality_score": version.quality_score},
        )
    return plan


def plan_open_from_referral(*, actor: User, referral: Referral) -> SafetyPlan:
    """The hand-off of a `safety_plan` next step: an empty draft for the referral's child, on
    the child's open s47 enquiry when there is one; runs inside the decision's transaction."""
    enquiry = (
        S47Enquiry.objects.filter(child_id=referral.child_id, state=EnquiryState.OPEN)
        .order_by("-id")
        .first()
    )
    conference = (
        Conference.objects.filter(children=referral.child_id, held_on__isnull=True)
        .order_by("-id")
        .first()
    )
    plan = SafetyPlan.objects.create(
        team_id=referral.team_id,
        s47_enquiry=enquiry,
        conference=conference,
        referral=referral,
        created_by=actor,
    )
    plan.children.add(referral.child_id)
    _new_version(actor, plan, EMPTY_PARTS, 1)
    record_event(actor=actor, subject=plan, action="safety_plan_opened", to_state=PlanState.DRAFT)
    return plan


def _locked(plan: SafetyPlan) -> SafetyPlan:
    return SafetyPlan.objects.select_for_update().get(pk=plan.pk)


def current_version(plan: SafetyPlan) -> SafetyPlanVersion:
    return plan.versions.order_by("-number").first() or SafetyPlanVersion(plan=plan, number=0)


def plan_save(*, actor: User, plan: SafetyPlan, parts: Mapping[str, Any]) -> SafetyPlanVersion:
    """A new version. On a draft, the previous draft version is superseded; on an agreed plan,
    a new draft begins and the agreed version stays in force until the new one is agreed."""
    require_role(actor, MACH_WORKERS)
    with transaction.atomic(durable=True):
        plan = _locked(plan)
        latest = current_version(plan)
        from_state = plan.state
        if plan.state == PlanState.AGREED:
            plan.revise()
            plan.save()
        elif latest.pk is not None and latest.state == PlanState.DRAFT:
            latest.supersede()
            latest.save(update_fields=["state"])
        version = _new_version(actor, plan, parts, latest.number + 1)
        record_event(
            actor=actor,
            subject=plan,
            action="safety_plan_saved",
            from_state=from_state,
            to_state=plan.state,
            data={"version": version.number, "quality_score": version.quality_score},
        )
    return version


def review_due_for(agreed_on: date, conference: Conference | None) -> date:
    """10 working days after agreement, or the conference's date when that comes first (a
    conference already past does not count)."""
    due = timescales.working_day_after(agreed_on, REVIEW_WORKING_DAYS)
    if conference is not None and conference.held_on is None:
        meeting = conference.scheduled_for or conference.due_date
        if agreed_on <= meeting < due:
            return meeting
    return due


def plan_agree(*, actor: User, plan: SafetyPlan, agreed_with: str) -> SafetyPlan:
    """Agree the current draft version with the family and network (`agreed_with`: who).
    409 unless the plan is a draft, or while a blocking check fails (naming the checks); the
    older agreed version is superseded and the review clock starts."""
    require_role(actor, MACH_WORKERS)
    if not agreed_with.strip():
        raise ValidationError({"agreed_with": "Say who in the family and network agreed."})
    with transaction.atomic(durable=True):
        plan = _locked(plan)
        if plan.state != PlanState.DRAFT:
            raise AlreadyDone("Only a draft plan is agreed: change it first to agree it again.")
        version = current_version(plan)
        failing = failing_blockers(version.checks)
        if failing:
            raise BlockingChecksFail(failing)
        now = timezone.now()
        for older in plan.versions.filter(state=PlanState.AGREED):
            older.supersede()
            older.save(update_fields=["state"])
        version.agree()
        version.agreed_with = agreed_with
        version.agreed_by = actor
        version.agreed_at = now
        version.save(update_fields=["state", "agreed_with", "agreed_by", "agreed_at"])
        plan.agree()
        plan.agreed_at = now
        plan.review_due_date = review_due_for(timezone.localdate(now), plan.conference)
        plan.start_clock(timescales.close_of(plan.review_due_date))
        plan.save()
        record_event(
            actor=actor,
            subject=plan,
            action="safety_plan_agreed",
            from_state=PlanState.DRAFT,
            to_state=PlanState.AGREED,
            reason=agreed_with,
            data={
                "version": version.number,
                "review_due_date": plan.review_due_date.isoformat(),
                "failing_checks": [c["code"] for c in version.checks if not c["passed"]],
            },
        )
    return plan
