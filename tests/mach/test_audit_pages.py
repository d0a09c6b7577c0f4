"""The case audit pages: the audited record beside the audit (its reading in the access log),
the known guardrail failures shown, submitting, learning actions and closing from the pages.
Who opens each page: tests/web/test_page_permissions.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils.html import escape

from mach.models import AccessLog, AuditDomain, CaseAudit, Grade, Person, Role, User
from tests.conftest import Api
from tests.factories import ChildFactory, ContactPersonFactory
from tests.mach.test_audit_api import audit_body, overdue_contact_about
from tests.web.conftest import SignedIn

pytestmark = pytest.mark.django_db

ALL_ROLES = [role.value for role in Role]
READERS = {"manager", "service_manager", "auditor"}


@pytest.fixture
def audit(api_as: Api, auditor: User, social_worker: User) -> dict[str, Any]:
    child = ChildFactory()
    contact = ContactPersonFactory(person=child).contact
    body = audit_body(child, social_worker, subject={"child": child.pk, "contact": contact.pk})
    response = api_as(auditor).post("/api/v1/audits/", body, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_the_audit_page_shows_the_record_and_its_failures(
    audit: dict[str, Any], make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    child = CaseAudit.objects.get(pk=audit["id"]).child
    overdue_contact_about(child)
    reader = make_user(Role.AUDITOR)
    page = signed_in(reader).get(f"/audits/{audit['id']}/").content.decode()
    assert f"/children/{child.pk}/" in page
    assert f"/contacts/{audit['subject']['id']}/" in page
    assert "Chronology of the child and household" in page
    assert "overdue" in page
    assert AccessLog.objects.filter(
        user=reader, child=child, via=f"/audits/{audit['id']}/"
    ).exists()


def test_the_author_submits_from_the_page(
    settings: Any,
    audit: dict[str, Any],
    auditor: User,
    make_user: Callable[..., User],
    signed_in: SignedIn,
) -> None:
    settings.AUDIT_MODERATION_SHARE = 0
    other = make_user(Role.AUDITOR)
    assert signed_in(other).post(f"/audits/{audit['id']}/submit/").status_code == 403
    assert CaseAudit.objects.get(pk=audit["id"]).state == "draft"
    response = signed_in(auditor).post(f"/audits/{audit['id']}/submit/")
    assert response.status_code == 302
    assert CaseAudit.objects.get(pk=audit["id"]).state == "submitted"
    manager = make_user(Role.MANAGER)
    assert signed_in(manager).post(f"/audits/{audit['id']}/submit/").status_code == 403


def test_learning_actions_and_closing_through_the_pages(
    settings: Any, audit: dict[str, Any], auditor: User, signed_in: SignedIn
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    settings.AUDIT_MODERATION_SHARE = 0
    client = signed_in(auditor)
    client.post(f"/audits/{audit['id']}/submit/")
    due = timezone.localdate() + timedelta(days=10)
    added = client.post(
        f"/audits/{audit['id']}/learning-actions/new/",
        {
            "description": "Record the child's words.",
            "owner": "Team manager",
            "due_date-day": str(due.day),
            "due_date-month": str(due.month),
            "due_date-year": str(due.year),
        },
    )
    assert added.status_code == 302, added.content[:800]
    refused = client.post(f"/audits/{audit['id']}/close/", {"carried_into_plan": ""})
    assert refused.status_code == 400
    assert "learning action" in refused.content.decode()
    closed = client.post(f"/audits/{audit['id']}/close/", {"carried_into_plan": "Plan 2027"})
    assert closed.status_code == 302
    assert CaseAudit.objects.get(pk=audit["id"]).state == "closed"


def _domains() -> list[AuditDomain]:
    return list(AuditDomain.objects.filter(active=True).order_by("pk"))


def _audit_form(child: Person, practitioner: User, **overrides: str) -> dict[str, str]:
    form = {
        "subject-child": str(child.pk),
        "practitioner": str(practitioner.pk),
        "collaborative": "true",
        "practitioner_participation": "Read the record together in supervision.",
        "family_feedback_sought": "true",
        "family_feedback": "Mum said the worker listened.",
        "overall_grade": "requires_improvement",
    }
    for index, domain in enumerate(_domains()):
        form[f"grades-{index}-grade"] = "good" if index else "inadequate"
        form[f"grades-{index}-rationale"] = f"Seen for {domain.name}."
    form.update(overrides)
    return form


def test_the_child_page_offers_auditors_an_audit(
    make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    child = ChildFactory()
    link = f"/audits/new/?child={child.pk}"
    auditor_page = signed_in(make_user(Role.AUDITOR, team="")).get(f"/children/{child.pk}/")
    assert link in auditor_page.content.decode()
    worker_page = signed_in(make_user(Role.SOCIAL_WORKER)).get(f"/children/{child.pk}/")
    assert worker_page.status_code == 200
    assert link not in worker_page.content.decode()
    form = signed_in(make_user(Role.AUDITOR, team="")).get(link).content.decode()
    assert f'name="subject-child" type="text" value="{child.pk}"' in form
    for domain in _domains():
        assert escape(f"{domain.name}: grade") in form


def test_an_auditor_starts_an_audit_from_the_page(
    auditor: User, social_worker: User, signed_in: SignedIn
) -> None:
    child = ChildFactory()
    contact = ContactPersonFactory(person=child).contact
    response = signed_in(auditor).post(
        "/audits/new/", _audit_form(child, social_worker, **{"subject-contact": str(contact.pk)})
    )
    assert response.status_code == 302, response.content[:2000]
    audit = CaseAudit.objects.get()
    assert response["Location"] == f"/audits/{audit.pk}/"
    assert (audit.child, audit.practitioner, audit.auditor) == (child, social_worker, auditor)
    assert (audit.subject_kind, audit.subject_id) == ("contact", contact.pk)
    assert audit.state == "draft" and audit.collaborative and audit.family_feedback_sought
    assert audit.overall_grade == "requires_improvement"
    expected = {
        domain.pk: ("good" if index else "inadequate", f"Seen for {domain.name}.")
        for index, domain in enumerate(_domains())
    }
    assert {g.domain_id: (g.grade, g.rationale) for g in audit.grades.all()} == expected
    assert AccessLog.objects.filter(user=auditor, child=child, via="/audits/new/").exists()


def test_a_bad_audit_form_lists_every_problem_at_once(
    auditor: User, social_worker: User, signed_in: SignedIn
) -> None:
    child = ChildFactory()
    form = _audit_form(child, social_worker, **{"grades-1-rationale": ""})
    for missing in ("practitioner", "collaborative", "overall_grade", "grades-0-grade"):
        del form[missing]
    response = signed_in(auditor).post("/audits/new/", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    for anchor in ("#practitioner", "#collaborative-0", "#grades-0-grade-0", "#grades-1-rationale"):
        assert f'href="{anchor}"' in page, anchor
    assert 'href="#overall_grade-0"' in page
    assert "Select the practitioner" in page
    assert escape(f"Enter the rationale for {_domains()[1].name}") in page
    assert not CaseAudit.objects.exists()


def test_the_service_refusal_is_shown_on_its_field(
    auditor: User, social_worker: User, signed_in: SignedIn
) -> None:
    child = ChildFactory()
    form = _audit_form(child, social_worker, practitioner_participation="")
    response = signed_in(auditor).post("/audits/new/", form)
    assert response.status_code == 400
    assert "Say how the practitioner took part." in response.content.decode()
    assert not CaseAudit.objects.exists()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_auditors_start_an_audit(
    role: str, make_user: Callable[..., User], social_worker: User, signed_in: SignedIn
) -> None:
    child = ChildFactory()
    response = signed_in(make_user(role)).post("/audits/new/", _audit_form(child, social_worker))
    if role == "auditor":
        assert response.status_code == 302
        assert CaseAudit.objects.count() == 1
    else:
        assert response.status_code == 403
        assert not CaseAudit.objects.exists()


def _moderation_form(audit: dict[str, Any], **overrides: str) -> dict[str, str]:
    given = {grade["domain"]: grade for grade in audit["grades"]}
    form = {"overall_grade": audit["overall_grade"], "reason": ""}
    for index, domain in enumerate(_domains()):
        form[f"grades-{index}-grade"] = given[domain.pk]["grade"]
        form[f"grades-{index}-rationale"] = given[domain.pk]["rationale"]
    form.update(overrides)
    return form


@pytest.fixture
def in_moderation(
    settings: Any, audit: dict[str, Any], auditor: User, signed_in: SignedIn
) -> dict[str, Any]:
    settings.AUDIT_MODERATION_SHARE = 1
    assert signed_in(auditor).post(f"/audits/{audit['id']}/submit/").status_code == 302
    assert CaseAudit.objects.get(pk=audit["id"]).state == "moderation"
    return audit


def test_the_author_cannot_moderate_from_the_page(
    in_moderation: dict[str, Any], auditor: User, signed_in: SignedIn
) -> None:
    client = signed_in(auditor)
    page = client.get(f"/audits/{in_moderation['id']}/").content.decode()
    assert "a different auditor moderates it" in page
    assert "Record the moderation" not in page
    form = _moderation_form(in_moderation, **{"grades-0-grade": "inadequate", "reason": "Mine."})
    refused = client.post(f"/audits/{in_moderation['id']}/", form)
    assert refused.status_code == 403
    assert CaseAudit.objects.get(pk=in_moderation["id"]).state == "moderation"


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_moderate_on_the_page(
    role: str, in_moderation: dict[str, Any], make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    user = make_user(role, team="" if role == "auditor" else None)
    response = signed_in(user).post(
        f"/audits/{in_moderation['id']}/", _moderation_form(in_moderation)
    )
    state = CaseAudit.objects.get(pk=in_moderation["id"]).state
    if role == "auditor":
        assert response.status_code == 302
        assert state == "moderated"
    else:
        assert response.status_code in {403, 404}
        assert state == "moderation"


def test_a_second_auditor_changes_a_grade_and_the_page_shows_it(
    in_moderation: dict[str, Any], make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    client = signed_in(make_user(Role.AUDITOR, team=""))
    url = f"/audits/{in_moderation['id']}/"
    page = client.get(url).content.decode()
    assert "Record the moderation" in page
    first = _domains()[0]
    before = next(g["grade"] for g in in_moderation["grades"] if g["domain"] == first.pk)
    after = "inadequate" if before != "inadequate" else "outstanding"
    without_reason = client.post(url, _moderation_form(in_moderation, **{"grades-0-grade": after}))
    assert without_reason.status_code == 400
    assert "Say why the grades changed." in without_reason.content.decode()
    assert CaseAudit.objects.get(pk=in_moderation["id"]).state == "moderation"

    reason = "No record of the child's words."
    done = client.post(
        url, _moderation_form(in_moderation, **{"grades-0-grade": after, "reason": reason})
    )
    assert done.status_code == 302
    audit = CaseAudit.objects.get(pk=in_moderation["id"])
    assert audit.state == "moderated"
    change = audit.grade_changes.get()
    assert (change.field, change.before, change.after) == (first.name, before, after)
    shown = client.get(url).content.decode()
    words = {value: label.lower() for value, label in Grade.choices}
    assert "Changes on moderation" in shown
    assert escape(f"{words[before]} to {words[after]}: {reason}").lower() in shown.lower()
