"""A workflow app plugs in through mach.workflows alone: this one (tests/workflow_app) adds a
next step, a deadline kind, a chronology source and a contact-page panel, editing no core file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from mach import chronology
from mach.deadlines import sweep
from mach.models import Alert, Contact, Event, User
from mach.services import referrals_open
from tests.conftest import SignedIn
from tests.web.conftest import page_text
from tests.workflow_app.apps import STEP
from tests.workflow_app.models import SupportPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(new_contact: Callable[..., dict[str, Any]], manager: User) -> SupportPlan:
    """A contact whose decision names the app's next step: the app opens a support plan."""
    contact = Contact.objects.get(pk=new_contact()["id"])
    with transaction.atomic():
        referrals_open(actor=manager, contact=contact, outcome=STEP)
    return SupportPlan.objects.get(referral__contact=contact)


def test_the_registered_opener_opens_the_apps_next_step(plan: SupportPlan) -> None:
    contact = plan.referral.contact
    assert plan.child_id == plan.referral.child_id
    assert not Event.objects.filter(object_id=contact.pk, action="next_step_not_handled").exists()


def test_the_apps_deadline_kind_is_swept(plan: SupportPlan) -> None:
    assert plan.next_alert_at is not None

    sweep(now=plan.next_alert_at + timedelta(minutes=1))

    alert = Alert.objects.get(kind="support_plan_review")
    assert alert.object_id == plan.pk
    assert alert.message == f"Review of support plan {plan.pk} is overdue"


def test_the_apps_entries_are_in_the_childs_chronology(plan: SupportPlan) -> None:
    entries = chronology.entries_for([plan.child_id])

    assert [entry.record_id for entry in entries if entry.kind == STEP] == [plan.pk]


def test_the_apps_panel_is_on_the_contact_page(
    plan: SupportPlan, manager: User, signed_in: SignedIn
) -> None:
    page = page_text(signed_in(manager).get(f"/contacts/{plan.referral.contact_id}/"))

    assert "Support plan review due" in page
    assert timezone.localdate() < plan.review_due_on
