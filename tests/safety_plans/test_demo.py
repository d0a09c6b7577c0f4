"""The demo data holds a plan that fails its checks and an agreed one that passes them all."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from safety_plans.models import SafetyPlan

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_failing_draft_and_a_passing_agreed_plan() -> None:
    call_command("seed_demo", stdout=StringIO())

    plans = {plan.state: plan.current for plan in SafetyPlan.objects.all()}

    assert SafetyPlan.objects.count() == 2
    assert plans["draft"].quality_score < plans["draft"].checks_total
    failing = {check["code"] for check in plans["draft"].checks if not check["passed"]}
    assert {"length", "network", "childs_words", "parent_verification"} <= failing
    assert plans["agreed"].all_checks_passed
