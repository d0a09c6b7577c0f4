"""Who may do a transition is one rule each, read by the service and by django-fsm alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django_fsm import has_transition_perm

from assessments import services as assessment_services
from mach.models import Contact, User
from tests.assessments.test_assessment_pages import FINDINGS, oversee_to_assessment
from tests.conftest import Api
from triage import services
from triage.models import ConsultationException, ExceptionGround, Screening

pytestmark = pytest.mark.django_db


def test_the_screener_may_not_oversee_their_own_screening(
    screened_contact: Callable[..., dict[str, Any]], social_worker: User, manager: User
) -> None:
    contact = screened_contact()
    screening = Screening.objects.get(contact_id=contact["id"])

    assert has_transition_perm(screening.agree, manager)
    assert not has_transition_perm(screening.agree, social_worker)
    assert not has_transition_perm(screening.return_to_worker, social_worker)


def test_the_requester_may_not_decide_their_own_exception(
    new_contact: Callable[..., dict[str, Any]], manager: User, second_manager: User
) -> None:
    contact = new_contact()
    services.consultation_exception_request(
        actor=manager,
        contact=Contact.objects.get(pk=contact["id"]),
        ground=ExceptionGround.SIGNIFICANT_HARM,
        details="Asking would put the child at risk.",
    )
    exception = ConsultationException.objects.get(contact_id=contact["id"])

    assert not has_transition_perm(exception.authorise, manager)
    assert has_transition_perm(exception.authorise, second_manager)


def test_the_submitter_may_not_authorise_the_assessment(
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    second_manager: User,
    api_as: Api,
) -> None:
    assessment = oversee_to_assessment(manager, api_as, screened_contact())
    assessment_services.assessment_record(actor=manager, assessment=assessment, **FINDINGS)
    assessment = assessment_services.assessment_submit(
        actor=manager, assessment=assessment, outcome="cin_plan"
    )

    assert not has_transition_perm(assessment.authorise, manager)
    assert has_transition_perm(assessment.authorise, second_manager)
