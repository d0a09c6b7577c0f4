"""Reads of safety plans, already scoped to what the user may see (MACH readers see all; a
partner agency none), and the plain-words comparison of two versions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet

from mach.models import User
from mach.permissions import CHILD_READERS
from mach.workflows import Entry

from .checks import CHECK_NAMES
from .models import PlanState, SafetyPlan, SafetyPlanVersion


def plans_visible_to(user: User) -> QuerySet[SafetyPlan]:
    if not user.has_role(*CHILD_READERS):
        return SafetyPlan.objects.none()
    return SafetyPlan.objects.prefetch_related(
        "children",
        Prefetch("versions", queryset=SafetyPlanVersion.objects.order_by("number")),
    )


def child_ids_of(plan: SafetyPlan) -> list[int]:
    return [child.pk for child in plan.children.all()]


def versions_of(plan: SafetyPlan) -> list[SafetyPlanVersion]:
    """The plan's versions, oldest first (from the prefetch when there is one)."""
    return sorted(plan.versions.all(), key=lambda version: version.number)


def latest_version(plan: SafetyPlan) -> SafetyPlanVersion | None:
    versions = versions_of(plan)
    return versions[-1] if versions else None


def agreed_version(plan: SafetyPlan) -> SafetyPlanVersion | None:
    """The version in force: the one agreed last and not yet superseded."""
    agreed = [v for v in versions_of(plan) if v.state == PlanState.AGREED]
    return agreed[-1] if agreed else None


def plans_of_referrals(referral_ids: Sequence[int]) -> dict[int, SafetyPlan]:
    return {
        plan.referral_id: plan
        for plan in SafetyPlan.objects.filter(referral_id__in=referral_ids)
        if plan.referral_id is not None
    }


def plans_of_children(child_ids: Sequence[int]) -> list[SafetyPlan]:
    return list(
        SafetyPlan.objects.filter(children__in=child_ids)
        .distinct()
        .prefetch_related(
            "children", Prefetch("versions", queryset=SafetyPlanVersion.objects.order_by("number"))
        )
    )


def plan_entries(person_ids: Sequence[int]) -> list[Entry]:
    """Each version saved or agreed, for the chronology of the plan's children."""
    wanted = set(person_ids)
    entries = []
    for plan in plans_of_children(person_ids):
        children = tuple(child.pk for child in plan.children.all() if child.pk in wanted)
        for version in versions_of(plan):
            agreed = version.agreed_at is not None
            entries.append(
                Entry(
                    at=version.agreed_at if agreed else version.saved_at,  # type: ignore[arg-type]
                    kind="safety_plan",
                    summary=(
                        f"Safety plan version {version.number} "
                        + ("agreed" if agreed else "saved")
                        + f": {version.quality_score} of {version.checks_total} checks passed"
                    ),
                    record_id=plan.pk,
                    person_ids=children,
                    state=version.state,
                )
            )
    return entries


def failing_agreed_plans(child_ids: Sequence[int]) -> dict[int, list[str]]:
    """G11's open failures: a plan in force that was agreed with checks failing."""
    found: dict[int, list[str]] = {}
    versions = (
        SafetyPlanVersion.objects.filter(
            state=PlanState.AGREED,
            all_checks_passed=False,
            plan__children__in=child_ids,
        )
        .select_related("plan")
        .prefetch_related("plan__children")
        .distinct()
    )
    for version in versions:
        failing = ", ".join(c["code"] for c in version.checks if not c["passed"])
        for child in version.plan.children.all():
            if child.pk in child_ids:
                found.setdefault(child.pk, []).append(
                    f"Safety plan {version.plan_id} was agreed with checks failing: {failing}."
                )
    return found


PART_LABELS = {
    "worries": "Worries",
    "goals": "Safety goals",
    "network": "Network",
    "actions": "Actions",
    "childs_words": "The child's words",
    "family_version": "Family version",
}


def _item_label(part: str, item: Any) -> str:
    if part == "network" and isinstance(item, Mapping):
        return f"{item.get('name', '')} ({item.get('relationship', '')}, {item.get('role', '')})"
    if part == "actions" and isinstance(item, Mapping):
        checked = item.get("verified_by", "") or "no one"
        return f"{item.get('who', '')}: {item.get('what', '')} (checked by {checked})"
    return str(item)


def _list_changes(part: str, old: list[Any], new: list[Any]) -> list[str]:
    before = [_item_label(part, item) for item in old]
    after = [_item_label(part, item) for item in new]
    changes = [f'added "{label}"' for label in after if label not in before]
    changes += [f'removed "{label}"' for label in before if label not in after]
    return changes


def compare(older: SafetyPlanVersion, newer: SafetyPlanVersion) -> list[dict[str, Any]]:
    """What changed between two versions, part by part, in words: `part`, `heading`,
    `changed` and `changes` (sentences), then the checks that turned."""
    rows = []
    for part in SafetyPlanVersion.PARTS:
        old, new = getattr(older, part), getattr(newer, part)
        if isinstance(old, list):
            changes = _list_changes(part, old, new)
        elif old == new:
            changes = []
        else:
            changes = [
                f"rewritten: {len(old.split())} words before, {len(new.split())} words now"
                if old and new
                else ("written" if new else "removed")
            ]
        rows.append(
            {
                "part": part,
                "heading": PART_LABELS[part],
                "changed": bool(changes),
                "changes": changes,
            }
        )
    before = {c["code"]: c["passed"] for c in older.checks}
    now_passing = [c["code"] for c in newer.checks if c["passed"] and not before.get(c["code"])]
    now_failing = [
        c["code"] for c in newer.checks if not c["passed"] and before.get(c["code"], True)
    ]
    check_changes = [f'"{CHECK_NAMES[code]}" now passes' for code in now_passing]
    check_changes += [f'"{CHECK_NAMES[code]}" now fails' for code in now_failing]
    check_changes.append(
        f"quality score {older.quality_score} of {older.checks_total} before, "
        f"{newer.quality_score} of {newer.checks_total} now"
    )
    rows.append(
        {
            "part": "checks",
            "heading": "Checks",
            "changed": bool(now_passing or now_failing),
            "changes": check_changes,
        }
    )
    return rows
