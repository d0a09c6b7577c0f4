"""The safety plan API: create, versions on every save, checks stored with each version, the
check endpoint saving nothing, agreement refused while a blocking check fails, the review date,
superseding, comparison and the family PDF read back as text."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pypdf
import pytest
from django.utils import timezone

from mach import timescales
from mach.models import AccessLog, User
from safety_plans.models import SafetyPlan, SafetyPlanVersion
from strategy_meetings.models import Conference
from tests.conftest import Api
from tests.safety_plans.conftest import good

pytestmark = pytest.mark.django_db


def _url(plan: dict[str, Any], tail: str = "") -> str:
    return f"/api/v1/safety-plans/{plan['id']}/{tail}"


def _codes(checks: list[dict[str, Any]], passed: bool) -> list[str]:
    return [check["code"] for check in checks if check["passed"] is passed]


def test_a_new_plan_is_a_draft_with_its_checks_and_score_stored_on_version_1(
    plan: dict[str, Any],
) -> None:
    version = SafetyPlanVersion.objects.get(plan_id=plan["id"])

    assert plan["state"] == "draft"
    assert plan["version"] == 1
    assert _codes(plan["checks"], False) == ["length"]
    assert plan["quality_score"] == plan["checks_total"] - 1 == 6
    assert version.quality_score == 6 and version.checks == plan["checks"]
    assert plan["review_due_date"] is None


def test_check_returns_the_checks_and_saves_nothing(social_worker: User, api_as: Api) -> None:
    before = SafetyPlanVersion.objects.count()

    response = api_as(social_worker).post("/api/v1/safety-plans/check/", good(), format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["quality_score"] == body["checks_total"] == 7
    assert {"code", "passed", "blocking", "message", "value"} <= set(body["checks"][0])
    assert SafetyPlanVersion.objects.count() == before == 0


def test_check_names_a_bad_field_with_400(social_worker: User, api_as: Api) -> None:
    response = api_as(social_worker).post(
        "/api/v1/safety-plans/check/", {"network": [{"relationship": "Gran"}]}, format="json"
    )

    assert response.status_code == 400
    assert "network" in response.json()


def test_agreement_is_refused_while_a_blocking_check_fails(
    plan: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    response = api_as(social_worker).post(
        _url(plan, "agree/"), {"agreed_with": "Mum"}, format="json"
    )

    assert response.status_code == 409
    assert "length" in response.json()["detail"]
    assert SafetyPlan.objects.get(pk=plan["id"]).state == "draft"


def test_a_failing_check_that_does_not_block_lets_the_plan_be_agreed(
    plan: dict[str, Any], social_worker: User, api_as: Api, settings: Any
) -> None:
    settings.SAFETY_PLAN_BLOCKING_CHECKS = {"length": False}

    response = api_as(social_worker).post(
        _url(plan, "agree/"), {"agreed_with": "Mum"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["state"] == "agreed"


def test_every_save_of_a_draft_is_a_version_and_the_older_draft_is_superseded(
    plan: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    saved = api_as(social_worker).put(_url(plan), good(), format="json")

    assert saved.status_code == 200
    assert saved.json()["version"] == 2
    assert saved.json()["checks_total"] == saved.json()["quality_score"]
    versions = api_as(social_worker).get(_url(plan, "versions/")).json()
    assert [(v["number"], v["state"]) for v in versions] == [(1, "superseded"), (2, "draft")]
    assert _codes(versions[0]["checks"], False) == ["length"]


def _agree(api: Any, plan: dict[str, Any], who: str = "Jo Smith (Mum), Pat Smith (Gran)") -> Any:
    response = api.post(_url(plan, "agree/"), {"agreed_with": who}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_agreeing_sets_the_review_10_working_days_on_and_starts_its_clock(
    plan: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    api = api_as(social_worker)
    api.put(_url(plan), good(), format="json")

    agreed = _agree(api, plan)

    expected = timescales.working_day_after(timezone.localdate(), 10)
    assert agreed["state"] == "agreed"
    assert agreed["agreed_version"] == 2
    assert agreed["agreed_with"] == "Jo Smith (Mum), Pat Smith (Gran)"
    assert agreed["review_due_date"] == expected.isoformat()
    assert SafetyPlan.objects.get(pk=plan["id"]).next_alert_at == timescales.close_of(expected)


def test_the_review_is_at_the_conference_when_that_comes_first() -> None:
    from safety_plans.services import review_due_for

    # Agreed Monday 7 Dec 2026: 10 working days on is Monday 21 Dec; a conference on Thursday
    # 10 Dec comes first; one on 4 Jan 2027 comes after; one already past does not count.
    agreed_on = date(2026, 12, 7)
    soon = Conference(due_date=date(2026, 12, 10))
    later = Conference(due_date=date(2027, 1, 4))
    past = Conference(due_date=date(2026, 12, 1))

    assert review_due_for(agreed_on, None) == date(2026, 12, 21)
    assert review_due_for(agreed_on, soon) == date(2026, 12, 10)
    assert review_due_for(agreed_on, later) == date(2026, 12, 21)
    assert review_due_for(agreed_on, past) == date(2026, 12, 21)
    assert review_due_for(
        agreed_on, Conference(due_date=date(2027, 1, 4), scheduled_for=date(2026, 12, 9))
    ) == date(2026, 12, 9)


def test_changing_an_agreed_plan_starts_a_new_draft_and_agreeing_it_supersedes_the_old(
    plan: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    api = api_as(social_worker)
    api.put(_url(plan), good(), format="json")
    _agree(api, plan)

    changed = api.put(_url(plan), good(goals=["Amy sleeps well."]), format="json").json()

    assert changed["state"] == "draft"
    assert changed["version"] == 3
    assert changed["agreed_version"] == 2
    assert api.post(_url(plan, "agree/"), {"agreed_with": "Mum"}, format="json").status_code == 200
    states = [(v["number"], v["state"]) for v in api.get(_url(plan, "versions/")).json()]
    assert states == [(1, "superseded"), (2, "superseded"), (3, "agreed")]


def test_an_agreed_plan_is_not_agreed_again_without_a_change(
    plan: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    api = api_as(social_worker)
    api.put(_url(plan), good(), format="json")
    _agree(api, plan)

    again = api.post(_url(plan, "agree/"), {"agreed_with": "Mum"}, format="json")

    assert again.status_code == 409


def test_agreeing_needs_who_agreed(plan: dict[str, Any], social_worker: User, api_as: Api) -> None:
    response = api_as(social_worker).post(_url(plan, "agree/"), {"agreed_with": " "}, format="json")

    assert response.status_code == 400
    assert "agreed_with" in response.json()


def test_the_comparison_says_in_words_what_changed(
    plan: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    api = api_as(social_worker)
    gran = good()["network"][1]
    api.put(
        _url(plan),
        good(network=[*good()["network"], {**gran, "name": "Mrs Khan", "relationship": "Teacher"}]),
        format="json",
    )

    body = api.get(_url(plan, "comparison/"), {"from": 1, "to": 2}).json()

    rows = {row["part"]: row for row in body["changes"]}
    assert (body["older"], body["newer"]) == (1, 2)
    assert rows["network"]["changes"] == [
        'added "Mrs Khan (Teacher, Visits every day after school)"'
    ]
    assert rows["worries"]["changed"] is False
    old_words = 11  # "Gran will visit Amy every day. Amy feels safe with Gran." counted by hand
    new_words = len(good()["family_version"].split())
    assert rows["family_version"]["changes"] == [
        f"rewritten: {old_words} words before, {new_words} words now"
    ]
    assert '"Length" now passes' in rows["checks"]["changes"]


def test_the_comparison_refuses_a_version_that_does_not_exist(
    plan: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    response = api_as(social_worker).get(_url(plan, "comparison/"), {"to": 9})

    assert response.status_code == 400
    assert "to" in response.json()


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_family_version_pdf_reads_back_with_the_plan_in_plain_words(
    plan: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    api = api_as(social_worker)
    api.put(_url(plan), good(), format="json")
    agreed = _agree(api, plan)

    response = api.get(_url(plan, "family-version.pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    review = date.fromisoformat(agreed["review_due_date"])
    assert "Our safety plan for" in text
    assert "Pat Smith" in text and "Visits every day after school" in text
    assert "Gran will visit every day after school" in text
    assert "If the plan is not followed" in text
    assert f"{review:%A} {review.day} {review:%B %Y}" in text
    assert "s47" not in text.lower() and "section 47" not in text.lower()


def test_every_read_of_a_plan_is_in_the_access_log(
    plan: dict[str, Any], enquiry: dict[str, Any], auditor: User, api_as: Api
) -> None:
    api = api_as(auditor)
    paths = [
        "/api/v1/safety-plans/",
        _url(plan),
        _url(plan, "versions/"),
        _url(plan, "comparison/"),
        _url(plan, "family-version.pdf"),
    ]
    for path in paths:
        assert api.get(path).status_code == 200, path

    logged = list(
        AccessLog.objects.filter(user=auditor).order_by("id").values_list("via", "child_id")
    )
    assert logged == [(path, enquiry["child"]) for path in paths]


@pytest.mark.parametrize("size", [1, 5])
def test_the_list_reads_in_a_fixed_number_of_queries(
    size: int,
    enquiry: dict[str, Any],
    social_worker: User,
    api_as: Api,
    django_assert_max_num_queries: Any,
) -> None:
    api = api_as(social_worker)
    body = {"children": [enquiry["child"]], "s47_enquiry": enquiry["id"], **good()}
    for _ in range(size):
        assert api.post("/api/v1/safety-plans/", body, format="json").status_code == 201

    with django_assert_max_num_queries(12):
        response = api.get("/api/v1/safety-plans/")

    assert len(response.json()["results"]) == size


def test_a_plan_on_its_own_needs_a_child_with_an_open_case(
    social_worker: User, api_as: Api, new_contact: Any
) -> None:
    contact = new_contact()
    child = contact["children"][0]["id"]

    response = api_as(social_worker).post(
        "/api/v1/safety-plans/", {"children": [child], **good()}, format="json"
    )

    assert response.status_code == 400
    assert "children" in response.json()


def test_a_plan_on_its_own_is_made_for_a_child_with_an_open_case(
    enquiry: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    response = api_as(social_worker).post(
        "/api/v1/safety-plans/", {"children": [enquiry["child"]], **good()}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["s47_enquiry"] is None


def test_a_replayed_create_with_its_idempotency_key_makes_one_plan(
    enquiry: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    api = api_as(social_worker)
    body = {"children": [enquiry["child"]], "s47_enquiry": enquiry["id"], **good()}

    first = api.post("/api/v1/safety-plans/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = api.post("/api/v1/safety-plans/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert SafetyPlan.objects.count() == 1
