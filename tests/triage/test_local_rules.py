"""The local rules an authority sets are settings read at call time (README, "Local rules")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings

from mach.models import Contact, User
from mach.timescales import WorkingCalendar
from tests.conftest import Api, SignedIn
from tests.web.conftest import page_text
from triage import services
from triage.models import Agency, PartnerRequest, Screening

pytestmark = pytest.mark.django_db


def test_the_level_names_come_from_the_settings(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, signed_in: SignedIn
) -> None:
    contact = new_contact()

    with override_settings(THRESHOLD_LEVEL_NAMES={"4": "Acute social care"}):
        page = page_text(signed_in(social_worker).get(f"/contacts/{contact['id']}/screening/"))

    assert "4: Acute social care" in page


def test_the_level_outcome_table_comes_from_the_settings(
    screened_contact: Callable[..., dict[str, Any]],
) -> None:
    table = {"1": ["nfa"], "2": ["early_help"], "3": ["targeted_early_help"], "4": ["assessment"]}
    with override_settings(THRESHOLD_OUTCOMES_BY_LEVEL=table):
        outside = screened_contact(recommended_outcome="strategy_discussion")

    screening = Screening.objects.get(contact_id=outside["id"])
    assert screening.needs_threshold_authorisation


def test_the_oversight_deadline_follows_the_setting(
    screened_contact: Callable[..., dict[str, Any]],
) -> None:
    same_day = Screening.objects.get(contact_id=screened_contact()["id"])
    with override_settings(OVERSIGHT_WORKING_DAYS=1):
        next_day = Screening.objects.get(contact_id=screened_contact()["id"])

    assert next_day.oversight_due_at - same_day.oversight_due_at >= timedelta(hours=12)


def test_the_red_answer_time_follows_the_setting(
    new_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = Contact.objects.get(pk=new_contact(parental_awareness="informed_and_consents")["id"])
    Contact.objects.filter(pk=contact.pk).update(rag="red")
    contact = Contact.objects.get(pk=contact.pk)
    services.parent_consultation_record(
        consulted_with="Jo Smith (mother)",
        method="phone",
        actor=social_worker,
        contact=contact,
        summary="They agree to the checks.",
    )

    with override_settings(PARTNER_RED_RESPONSE_HOURS=1):
        request = services.partner_request_send(
            actor=social_worker,
            contact=contact,
            agency=Agency.HEALTH,
            question="Any concerns?",
        )

    assert isinstance(request, PartnerRequest)
    calendar = WorkingCalendar.current()
    assert request.due_at == calendar.add_working_hours(request.sent_at, 1)
