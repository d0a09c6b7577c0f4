"""The case audit pages: the audited record beside the audit (its reading in the access log),
the known guardrail failures shown, submitting, learning actions and closing from the pages.
Who opens each page: tests/web/test_page_permissions.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mach.models import AccessLog, CaseAudit, Role, User
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
