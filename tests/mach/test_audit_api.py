"""Case audits through the API (spec 12, G13): recorded by an auditor, submitted, moderated by a
different auditor for a random sample and automatically when a flattering grade meets open
guardrail failures, learning actions tracked until the audit may close."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mach import deadlines
from mach.models import AccessLog, Alert, AuditDomain, CaseAudit, Person, Role, User
from tests.conftest import Api
from tests.factories import ChildFactory, ContactFactory, ContactPersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_auditor(make_user: Callable[..., User]) -> User:
    return make_user(Role.AUDITOR, team="")


@pytest.fixture
def child() -> Person:
    return ChildFactory()


def overdue_contact_about(child: Person) -> None:
    """An open contact about the child past its decision deadline: an open guardrail failure."""
    past = timezone.now() - timedelta(days=3)
    contact = ContactFactory(received_at=past, decision_due_at=past + timedelta(days=1))
    ContactPersonFactory(contact=contact, person=child)


def grades(grade: str = "good") -> list[dict[str, Any]]:
    return [
        {"domain": domain.pk, "grade": grade, "rationale": f"{domain.name}: evidence seen."}
        for domain in AuditDomain.objects.filter(active=True)
    ]


def audit_body(child: Person, practitioner: User, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "subject": {"child": child.pk},
        "practitioner": practitioner.pk,
        "collaborative": True,
        "practitioner_participation": "Reviewed the file together over an hour.",
        "family_feedback_sought": True,
        "family_feedback": "Mum said the worker listened; the child wanted more visits.",
        "grades": grades(),
        "overall_grade": "good",
    }
    body.update(overrides)
    return body


def draft_audit(auditor: User, child: Person, practitioner: User) -> CaseAudit:
    """A draft audit of the child made through the service (for tests of other pages)."""
    from mach.services import audits

    return audits.audit_create(
        actor=auditor,
        child=child,
        practitioner=practitioner,
        collaborative=False,
        family_feedback_sought=False,
        family_feedback="Not sought: the family had moved away.",
        grades=grades(),
        overall_grade="good",
    )


@pytest.fixture
def recorded(
    api_as: Api, auditor: User, social_worker: User, child: Person
) -> Callable[..., dict[str, Any]]:
    def record(**overrides: Any) -> dict[str, Any]:
        response = api_as(auditor).post(
            "/api/v1/audits/", audit_body(child, social_worker, **overrides), format="json"
        )
        assert response.status_code == 201, response.content
        return dict(response.json())

    return record


def submit(api: Any, audit: dict[str, Any]) -> Any:
    return api.post(f"/api/v1/audits/{audit['id']}/submit/")


def test_the_seeded_domains_are_reference_data(api_as: Api, auditor: User) -> None:
    response = api_as(auditor).get("/api/v1/audit-domains/")
    assert response.status_code == 200
    names = [domain["name"] for domain in response.json()]
    assert len(names) == AuditDomain.objects.filter(active=True).count() >= 5


def test_an_auditor_records_a_draft_and_the_reading_is_logged(
    recorded: Callable[..., dict[str, Any]], auditor: User, child: Person
) -> None:
    audit = recorded()
    assert audit["state"] == "draft"
    assert audit["subject"] == {"child": child.pk, "kind": "", "id": None}
    assert len(audit["grades"]) == AuditDomain.objects.filter(active=True).count()
    assert AccessLog.objects.filter(user=auditor, child=child).exists()


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.MANAGER, Role.SERVICE_MANAGER])
def test_only_an_auditor_records_an_audit(
    role: str, make_user: Callable[..., User], api_as: Api, social_worker: User, child: Person
) -> None:
    user = make_user(role)
    response = api_as(user).post("/api/v1/audits/", audit_body(child, social_worker), format="json")
    assert response.status_code == 403
    assert not CaseAudit.objects.exists()


def test_a_partner_agency_is_refused(
    police: User, api_as: Api, social_worker: User, child: Person
) -> None:
    response = api_as(police).post(
        "/api/v1/audits/", audit_body(child, social_worker), format="json"
    )
    assert response.status_code == 403
    assert api_as(police).get("/api/v1/audits/").status_code == 403


def test_an_audit_of_one_contact_of_the_child(
    api_as: Api, auditor: User, social_worker: User, child: Person
) -> None:
    mine = ContactPersonFactory(person=child).contact
    someone_elses = ContactPersonFactory().contact
    body = audit_body(child, social_worker, subject={"child": child.pk, "contact": mine.pk})
    response = api_as(auditor).post("/api/v1/audits/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["subject"] == {"child": child.pk, "kind": "contact", "id": mine.pk}
    body["subject"] = {"child": child.pk, "contact": someone_elses.pk}
    refused = api_as(auditor).post("/api/v1/audits/", body, format="json")
    assert refused.status_code == 400
    assert "subject" in refused.json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda body: body["grades"].pop(), "grades"),
        (lambda body: body["grades"][0].update(rationale=" "), "grades"),
        (lambda body: body["grades"][0].update(grade="fine"), "grades"),
        (lambda body: body["grades"].append(dict(body["grades"][0])), "grades"),
        (lambda body: body.update(practitioner_participation=""), "practitioner_participation"),
        (lambda body: body.update(family_feedback=""), "family_feedback"),
        (lambda body: body.update(overall_grade="great"), "overall_grade"),
        (lambda body: body.update(subject={"child": 0}), "subject"),
        (lambda body: body.update(practitioner=0), "practitioner"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    change: Callable[[dict[str, Any]], Any],
    field: str,
    api_as: Api,
    auditor: User,
    social_worker: User,
    child: Person,
) -> None:
    body = audit_body(child, social_worker)
    change(body)
    response = api_as(auditor).post("/api/v1/audits/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_a_practitioner_who_is_not_a_worker_is_refused(
    api_as: Api, auditor: User, second_auditor: User, child: Person
) -> None:
    response = api_as(auditor).post(
        "/api/v1/audits/", audit_body(child, second_auditor), format="json"
    )
    assert response.status_code == 400
    assert "practitioner" in response.json()


def test_not_sampled_without_failures_stays_submitted(
    settings: Any, recorded: Callable[..., dict[str, Any]], api_as: Api, auditor: User
) -> None:
    settings.AUDIT_MODERATION_SHARE = 0
    response = submit(api_as(auditor), recorded())
    assert response.status_code == 200, response.content
    audit = response.json()
    assert audit["state"] == "submitted"
    assert audit["moderation_reason"] == ""
    assert audit["sample_share"] == "0.000"
    assert 0 <= audit["sample_draw"] < 1
    assert audit["failures"] == []


def test_a_sampled_audit_goes_to_moderation_with_the_draw_recorded(
    settings: Any, recorded: Callable[..., dict[str, Any]], api_as: Api, auditor: User
) -> None:
    settings.AUDIT_MODERATION_SHARE = 1
    audit = submit(api_as(auditor), recorded()).json()
    assert audit["state"] == "moderation"
    assert audit["moderation_reason"] == "sampled"
    assert audit["sample_share"] == "1.000"
    assert audit["sample_draw"] < 1


def test_a_good_grade_on_a_record_with_open_failures_goes_to_moderation(
    settings: Any,
    recorded: Callable[..., dict[str, Any]],
    api_as: Api,
    auditor: User,
    child: Person,
) -> None:
    settings.AUDIT_MODERATION_SHARE = 0
    overdue_contact_about(child)
    audit = submit(api_as(auditor), recorded()).json()
    assert audit["state"] == "moderation"
    assert audit["moderation_reason"] == "failures"
    assert len(audit["failures"]) == 1
    assert "overdue" in audit["failures"][0]


def test_an_unflattering_grade_with_failures_is_not_forced_to_moderation(
    settings: Any,
    recorded: Callable[..., dict[str, Any]],
    api_as: Api,
    auditor: User,
    child: Person,
) -> None:
    settings.AUDIT_MODERATION_SHARE = 0
    overdue_contact_about(child)
    audit = submit(
        api_as(auditor),
        recorded(grades=grades("requires_improvement"), overall_grade="requires_improvement"),
    ).json()
    assert audit["state"] == "submitted"
    assert audit["failures"]  # still listed for anyone who reads it


def test_only_the_author_submits_and_only_once(
    settings: Any,
    recorded: Callable[..., dict[str, Any]],
    api_as: Api,
    auditor: User,
    second_auditor: User,
) -> None:
    settings.AUDIT_MODERATION_SHARE = 0
    audit = recorded()
    assert submit(api_as(second_auditor), audit).status_code == 403
    assert submit(api_as(auditor), audit).status_code == 200
    assert submit(api_as(auditor), audit).status_code == 409


@pytest.fixture
def in_moderation(
    settings: Any, recorded: Callable[..., dict[str, Any]], api_as: Api, auditor: User
) -> dict[str, Any]:
    settings.AUDIT_MODERATION_SHARE = 1
    return dict(submit(api_as(auditor), recorded()).json())


def test_moderation_records_each_grade_change_with_the_reason(
    in_moderation: dict[str, Any], api_as: Api, auditor: User, second_auditor: User
) -> None:
    changed = grades()
    changed[0]["grade"] = "requires_improvement"
    body = {"grades": changed, "overall_grade": "requires_improvement", "reason": "Voice thin."}
    url = f"/api/v1/audits/{in_moderation['id']}/moderation/"
    assert api_as(auditor).post(url, body, format="json").status_code == 403
    response = api_as(second_auditor).post(url, body, format="json")
    assert response.status_code == 200, response.content
    audit = response.json()
    assert audit["state"] == "moderated"
    assert audit["moderator"] == second_auditor.pk
    first_domain = AuditDomain.objects.get(pk=changed[0]["domain"]).name
    assert [(c["field"], c["before"], c["after"], c["reason"]) for c in audit["grade_changes"]] == [
        (first_domain, "good", "requires_improvement", "Voice thin."),
        ("overall", "good", "requires_improvement", "Voice thin."),
    ]
    # The auditor's grades stay as they were; the moderator's sit beside them.
    assert audit["overall_grade"] == "good"
    assert audit["moderated_overall_grade"] == "requires_improvement"
    assert api_as(second_auditor).post(url, body, format="json").status_code == 409


def test_a_change_without_a_reason_is_refused(
    in_moderation: dict[str, Any], api_as: Api, second_auditor: User
) -> None:
    body = {"grades": grades(), "overall_grade": "outstanding", "reason": ""}
    response = api_as(second_auditor).post(
        f"/api/v1/audits/{in_moderation['id']}/moderation/", body, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()


def test_moderation_of_an_audit_not_awaiting_it_is_refused(
    settings: Any,
    recorded: Callable[..., dict[str, Any]],
    api_as: Api,
    auditor: User,
    second_auditor: User,
) -> None:
    settings.AUDIT_MODERATION_SHARE = 0
    audit = submit(api_as(auditor), recorded()).json()
    body = {"grades": grades(), "overall_grade": "good", "reason": ""}
    response = api_as(second_auditor).post(
        f"/api/v1/audits/{audit['id']}/moderation/", body, format="json"
    )
    assert response.status_code == 409


def test_learning_actions_hold_the_audit_open_until_done_or_carried(
    settings: Any,
    recorded: Callable[..., dict[str, Any]],
    api_as: Api,
    auditor: User,
    social_worker: User,
) -> None:
    settings.AUDIT_MODERATION_SHARE = 0
    draft = recorded()
    action = {
        "description": "Record the child's words in every visit.",
        "owner": "Team manager",
        "due_date": (timezone.localdate() + timedelta(days=14)).isoformat(),
    }
    actions_url = f"/api/v1/audits/{draft['id']}/learning-actions/"
    assert api_as(auditor).post(actions_url, action, format="json").status_code == 409
    submit(api_as(auditor), draft)
    past = {**action, "due_date": (timezone.localdate() - timedelta(days=1)).isoformat()}
    refused = api_as(auditor).post(actions_url, past, format="json")
    assert refused.status_code == 400
    assert "due_date" in refused.json()
    assert api_as(social_worker).post(actions_url, action, format="json").status_code == 403
    added = api_as(auditor).post(actions_url, action, format="json")
    assert added.status_code == 201, added.content
    [learning] = added.json()["learning_actions"]

    close_url = f"/api/v1/audits/{draft['id']}/close/"
    assert api_as(auditor).post(close_url, {}, format="json").status_code == 409
    complete_url = f"{actions_url}{learning['id']}/complete/"
    # The practitioner whose work was audited completes it.
    done = api_as(social_worker).post(complete_url)
    assert done.status_code == 200, done.content
    assert done.json()["completed_on"] == timezone.localdate().isoformat()
    assert api_as(auditor).post(complete_url).status_code == 409
    closed = api_as(auditor).post(close_url, {}, format="json")
    assert closed.status_code == 200, closed.content
    assert closed.json()["state"] == "closed"
    assert closed.json()["carried_into_plan"] == ""


def test_open_actions_may_be_carried_into_a_named_plan(
    settings: Any, recorded: Callable[..., dict[str, Any]], api_as: Api, auditor: User
) -> None:
    settings.AUDIT_MODERATION_SHARE = 0
    audit = submit(api_as(auditor), recorded()).json()
    api_as(auditor).post(
        f"/api/v1/audits/{audit['id']}/learning-actions/",
        {
            "description": "Network meetings before closure.",
            "owner": "Service manager",
            "due_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
        format="json",
    )
    response = api_as(auditor).post(
        f"/api/v1/audits/{audit['id']}/close/",
        {"carried_into_plan": "Practice improvement plan 2027"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["carried_into_plan"] == "Practice improvement plan 2027"


def test_an_audit_in_moderation_cannot_close(
    in_moderation: dict[str, Any], api_as: Api, auditor: User
) -> None:
    response = api_as(auditor).post(
        f"/api/v1/audits/{in_moderation['id']}/close/", {}, format="json"
    )
    assert response.status_code == 409


def test_an_overdue_learning_action_raises_an_alert(
    settings: Any, recorded: Callable[..., dict[str, Any]], api_as: Api, auditor: User
) -> None:
    settings.AUDIT_MODERATION_SHARE = 0
    audit = submit(api_as(auditor), recorded()).json()
    due = timezone.localdate() + timedelta(days=2)
    api_as(auditor).post(
        f"/api/v1/audits/{audit['id']}/learning-actions/",
        {"description": "Supervision on voice.", "owner": "Manager", "due_date": due.isoformat()},
        format="json",
    )
    deadlines.sweep(now=timezone.now() + timedelta(days=1), kind_key="audit_learning_action")
    assert not Alert.objects.filter(kind="audit_learning_action").exists()
    deadlines.sweep(now=timezone.now() + timedelta(days=4), kind_key="audit_learning_action")
    alert = Alert.objects.get(kind="audit_learning_action")
    assert alert.team is not None and alert.team.slug == "mach"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.AUDITOR, 200),
        (Role.MANAGER, 200),
        (Role.SERVICE_MANAGER, 200),
        (Role.SOCIAL_WORKER, 403),
        (Role.EDT_WORKER, 403),
        (Role.PARTNER_AGENCY, 403),
        (Role.ADMIN, 403),
    ],
)
def test_who_reads_audits(
    role: str,
    status: int,
    make_user: Callable[..., User],
    api_as: Api,
    recorded: Callable[..., dict[str, Any]],
) -> None:
    audit = recorded()
    user = make_user(role)
    assert api_as(user).get("/api/v1/audits/").status_code == status
    assert api_as(user).get(f"/api/v1/audits/{audit['id']}/").status_code == status


def test_a_manager_of_another_team_does_not_see_the_audit(
    make_user: Callable[..., User], api_as: Api, recorded: Callable[..., dict[str, Any]]
) -> None:
    audit = recorded()
    elsewhere = make_user(Role.MANAGER, team="south")
    assert api_as(elsewhere).get(f"/api/v1/audits/{audit['id']}/").status_code == 404
    assert api_as(elsewhere).get("/api/v1/audits/").json()["results"] == []


WRITES = ["submit/", "moderation/", "learning-actions/", "close/"]


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.AUDITOR])
@pytest.mark.parametrize("path", WRITES)
def test_only_an_auditor_changes_an_audit(
    role: str,
    path: str,
    make_user: Callable[..., User],
    api_as: Api,
    recorded: Callable[..., dict[str, Any]],
) -> None:
    audit = recorded()
    response = api_as(make_user(role)).post(
        f"/api/v1/audits/{audit['id']}/{path}", {}, format="json"
    )
    assert response.status_code == 403
    assert CaseAudit.objects.get(pk=audit["id"]).state == "draft"


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.EDT_WORKER, 403),
        (Role.PARTNER_AGENCY, 403),
        (Role.ADMIN, 403),
        # A worker who is not the audited practitioner does not see the audit.
        (Role.SOCIAL_WORKER, 404),
        (Role.MANAGER, 200),
        (Role.SERVICE_MANAGER, 200),
        (Role.AUDITOR, 200),
    ],
)
def test_who_completes_a_learning_action(
    role: str,
    status: int,
    settings: Any,
    make_user: Callable[..., User],
    api_as: Api,
    auditor: User,
    recorded: Callable[..., dict[str, Any]],
) -> None:
    settings.AUDIT_MODERATION_SHARE = 0
    audit = submit(api_as(auditor), recorded()).json()
    added = api_as(auditor).post(
        f"/api/v1/audits/{audit['id']}/learning-actions/",
        {
            "description": "Supervision.",
            "owner": "Manager",
            "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
        format="json",
    )
    [action] = added.json()["learning_actions"]
    response = api_as(make_user(role)).post(
        f"/api/v1/audits/{audit['id']}/learning-actions/{action['id']}/complete/"
    )
    assert response.status_code == status


def test_moderation_with_only_grades_as_api_md_gives_it(
    in_moderation: dict[str, Any], api_as: Api, second_auditor: User
) -> None:
    response = api_as(second_auditor).post(
        f"/api/v1/audits/{in_moderation['id']}/moderation/", {"grades": grades()}, format="json"
    )
    assert response.status_code == 200, response.content
    audit = response.json()
    assert audit["moderated_overall_grade"] == "good"
    assert audit["grade_changes"] == []
