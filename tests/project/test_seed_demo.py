"""`manage.py seed_demo`: the demo users and a walk through the workflow, made once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from assessments.homeless.models import HomelessPresentation, PresentationState
from assessments.models import Assessment
from mach.models import CaseAudit, Contact, Referral, User
from triage.edt.models import EdtHandover
from triage.models import PartnerRequest

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_users_and_contacts_once_and_prints_tokens() -> None:
    first, second = StringIO(), StringIO()

    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)

    assert User.objects.filter(username="sam.worker", role="social_worker").exists()
    # The EDT's two handovers hold contacts of their own.
    front_door = Contact.objects.filter(edt_handover__isnull=True)
    assert front_door.count() == 3
    assert sorted(front_door.values_list("state", flat=True)) == [
        "awaiting_oversight",
        "decided",
        "received",
    ]
    assert Referral.objects.count() == 1
    assert Assessment.objects.count() == 1
    assert (
        PartnerRequest.objects.get().organisation
        == User.objects.get(username="cleveland.police").team
    )
    assert sorted(EdtHandover.objects.values_list("state", flat=True)) == [
        "acknowledged",
        "handed_over",
    ]
    assert sorted(HomelessPresentation.objects.values_list("state", flat=True)) == sorted(
        PresentationState.values
    )
    # One audit moderated by a second auditor who changed a grade, one with a learning action open.
    moderated = CaseAudit.objects.get(state="moderated")
    assert moderated.moderator != moderated.auditor
    assert moderated.grade_changes.filter(field="overall").exists()
    assert moderated.grade_changes.count() == 2
    submitted = CaseAudit.objects.get(state="submitted")
    assert submitted.learning_actions.filter(completed_on__isnull=True).count() == 1
    assert CaseAudit.objects.count() == 2
    token = User.objects.get(username="cleveland.police").auth_token.key
    assert token in first.getvalue()
    assert token in second.getvalue()
