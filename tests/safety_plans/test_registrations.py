"""What the safety plans app registers with the core: the `safety_plan` opener, the review
deadline kind and its alerts, the chronology, the G11 metric, and open guardrail failures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Count, Q

from mach import workflows
from mach.deadlines import sweep
from mach.models import Alert, Referral, User
from safety_plans.models import SafetyPlan, SafetyPlanVersion
from tests.conftest import Api
from tests.safety_plans.conftest import good

pytestmark = pytest.mark.django_db

JARGON = good()["family_version"] + " The core group will meet."


def _plan(api: Any, enquiry: dict[str, Any], **parts: Any) -> dict[str, Any]:
    body = {"children": [enquiry["child"]], "s47_enquiry": enquiry["id"], **good(**parts)}
    response = api.post("/api/v1/safety-plans/", body, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def _agree(api: Any, plan: dict[str, Any]) -> dict[str, Any]:
    response = api.post(
        f"/api/v1/safety-plans/{plan['id']}/agree/", {"agreed_with": "Mum"}, format="json"
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_the_safety_plan_step_is_handled_and_its_opener_makes_a_draft_on_the_open_s47(
    enquiry: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    referral = Referral.objects.get(child_id=enquiry["child"])

    handled = workflows.open_next_step(actor=social_worker, referral=referral, step="safety_plan")

    plan = SafetyPlan.objects.get()
    assert handled and workflows.handles("safety_plan")
    assert plan.s47_enquiry_id == enquiry["id"]
    assert plan.current.number == 1 and plan.state == "draft"
    assert workflows.next_step_openers.get("safety_plan").opened([referral.pk]) == {  # type: ignore[union-attr]
        referral.pk: plan
    }


def test_a_substantiated_enquiry_opens_an_interim_safety_plan_until_the_conference(
    records: dict[str, int],
) -> None:
    from strategy_meetings.models import S47Enquiry

    plan = SafetyPlan.objects.get()

    assert plan.state == "draft" and plan.current.number == 1
    assert plan.conference_id == records["conference"]
    assert list(plan.children.values_list("pk", flat=True)) == [
        S47Enquiry.objects.get(pk=records["enquiry"]).child_id
    ]


def test_the_conference_says_a_safety_plan_is_handled(
    enquiry: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    from strategy_meetings.api import ConferenceSerializer
    from strategy_meetings.models import Conference

    assert ConferenceSerializer().get_safety_plan(Conference()) == "handled"


def test_an_overdue_review_raises_an_alert(
    enquiry: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    api = api_as(social_worker)
    plan = _agree(api, _plan(api, enquiry))
    record = SafetyPlan.objects.get(pk=plan["id"])
    assert record.next_alert_at is not None

    sweep(now=record.next_alert_at - timedelta(minutes=1))
    assert not Alert.objects.filter(kind="safety_plan_review").exists()
    sweep(now=record.next_alert_at + timedelta(minutes=1))

    alerts = Alert.objects.filter(kind="safety_plan_review")
    assert [(a.object_id, a.level) for a in alerts] == [(plan["id"], 1)]
    assert "review of safety plan" in alerts[0].message
    url_for = workflows.alert_links.get(SafetyPlan)
    assert url_for is not None and url_for(record) == f"/safety-plans/{plan['id']}/"


def test_the_chronology_shows_each_version(
    enquiry: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    api = api_as(social_worker)
    plan = _plan(api, enquiry)
    _agree(api, plan)

    entries = api.get(f"/api/v1/children/{enquiry['child']}/chronology/").json()

    text = str(entries)
    assert "Safety plan version 1 agreed: 7 of 7 checks passed" in text


def test_the_g11_metric_counts_agreed_versions_with_every_check_passed(
    enquiry: dict[str, Any], social_worker: User, api_as: Api, settings: Any
) -> None:
    api = api_as(social_worker)
    passing = _plan(api, enquiry)
    _agree(api, passing)
    failing = _plan(api, enquiry, family_version=JARGON)  # jargon warns, does not block
    _agree(api, failing)
    _plan(api, enquiry)  # a draft: not counted
    # Changed and agreed again: version 2 counts too; version 1 (now superseded) still counts.
    api.put(f"/api/v1/safety-plans/{failing['id']}/", good(), format="json")
    _agree(api, failing)
    metric = workflows.metrics.get("g11")
    assert metric is not None

    rows = list(
        metric.population()
        .values(metric.team_field)
        .annotate(denominator=Count("pk"), numerator=Count("pk", filter=metric.met))
    )

    assert metric.guardrail == "G11"
    assert [(r["denominator"], r["numerator"]) for r in rows] == [(3, 2)]
    assert metric.population().filter(Q(**{f"{metric.date_field}__isnull": True})).count() == 0
    version = SafetyPlanVersion.objects.filter(agreed_at__isnull=False).first()
    assert metric.record_url(version) == f"/safety-plans/{version.plan_id}/"  # type: ignore[union-attr]


def test_a_plan_in_force_agreed_with_failing_checks_is_an_open_failure(
    enquiry: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    api = api_as(social_worker)
    plan = _agree(api, _plan(api, enquiry, family_version=JARGON))
    source = workflows.guardrail_failures.get("safety_plans")
    assert source is not None

    open_failures = source.failures([enquiry["child"]])
    api.put(f"/api/v1/safety-plans/{plan['id']}/", good(), format="json")
    _agree(api, plan)
    after = source.failures([enquiry["child"]])

    assert open_failures == {
        enquiry["child"]: [f"Safety plan {plan['id']} was agreed with checks failing: jargon."]
    }
    assert after == {}
