"""Every problem with a contact or a screening in one answer: the fields' own errors and the
guardrails' messages together, through the API and the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mach.models import Contact, User
from tests.conftest import Api, contact_body, screening_body
from tests.web.conftest import SignedIn, contact_form, page_text, summary_links

pytestmark = pytest.mark.django_db
NO_REASON = "Say why the parents were not informed or did not consent."


def test_a_contact_gets_its_field_errors_and_the_missing_reason_in_one_answer(
    social_worker: User, api_as: Api
) -> None:
    body = contact_body(parental_awareness="not_informed", parental_awareness_reason="")
    body["children"][0]["nhs_number"] = "123"

    response = api_as(social_worker).post("/api/v1/contacts/", body, format="json")

    assert response.status_code == 400
    errors = response.json()
    assert errors["parental_awareness_reason"] == [NO_REASON]
    assert "nhs_number" in errors["children"]["0"]
    assert not Contact.objects.exists()


def test_the_new_contact_page_lists_a_bad_time_a_missing_field_and_the_reason_together(
    social_worker: User, signed_in: SignedIn
) -> None:
    form = contact_form(received_time="25:99", concerns="", parental_awareness_reason="")

    response = signed_in(social_worker).post("/contacts/new/", form)

    assert response.status_code == 400
    assert [name for name, _ in summary_links(page_text(response))] == [
        "received_time",
        "concerns",
        "parental_awareness_reason",
    ]
    assert not Contact.objects.exists()


def test_a_screening_gets_its_field_errors_and_the_guardrails_in_one_answer(
    social_worker: User, api_as: Api, new_contact: Callable[..., dict[str, Any]]
) -> None:
    contact = new_contact()
    body = screening_body(childs_voice="", parents_consulted=False, threshold_level=9)
    del body["analysis"]

    response = api_as(social_worker).post(
        f"/api/v1/contacts/{contact['id']}/screening/", body, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {
        "threshold_level",
        "analysis",
        "childs_voice",
        "parents_not_consulted_reason",
    }


def test_the_screening_page_lists_a_missing_answer_and_the_guardrails_together(
    social_worker: User, signed_in: SignedIn, new_contact: Callable[..., dict[str, Any]]
) -> None:
    contact = new_contact()
    form = {
        name: str(value).lower() if isinstance(value, bool) else str(value)
        for name, value in screening_body(
            rag="", history_analysis="", alternatives_considered=""
        ).items()
    }

    response = signed_in(social_worker).post(f"/contacts/{contact['id']}/screening/", form)

    assert response.status_code == 400
    # A radio question's link goes to its first option.
    assert {name for name, _ in summary_links(page_text(response))} == {
        "rag-0",
        "history_analysis",
        "alternatives_considered",
    }
