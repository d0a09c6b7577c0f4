"""The screening page (beside the chronology) and the triage panel of the contact page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from mach.models import AccessLog, Contact, User
from tests.conftest import contact_body, screening_body
from tests.web.conftest import SignedIn, page_text, summary_links
from triage.models import Screening

pytestmark = pytest.mark.django_db
Api = Callable[[User], APIClient]


def screening_form(**overrides: Any) -> dict[str, str]:
    """The screening as the page posts it: booleans as the radios send them."""
    body = {
        name: str(value).lower() if isinstance(value, bool) else str(value)
        for name, value in screening_body().items()
    }
    body.update(overrides)
    return body


def test_screening_through_the_page_sends_the_contact_for_oversight(
    social_worker: User, new_contact: Callable[..., dict[str, Any]], signed_in: SignedIn
) -> None:
    contact = new_contact()

    response = signed_in(social_worker).post(
        f"/contacts/{contact['id']}/screening/", screening_form(), follow=True
    )

    assert f"Screening of {contact['reference']} sent for oversight." in page_text(response)
    assert Contact.objects.get().state == "awaiting_oversight"
    assert Screening.objects.get().screened_by == social_worker


def test_the_page_refuses_what_the_api_refuses_naming_each_field(
    social_worker: User, new_contact: Callable[..., dict[str, Any]], signed_in: SignedIn
) -> None:
    contact = new_contact()
    form = screening_form(childs_voice="", parents_consulted="false", alternatives_considered="")

    response = signed_in(social_worker).post(f"/contacts/{contact['id']}/screening/", form)

    assert response.status_code == 400
    assert summary_links(page_text(response)) == [
        (
            "childs_voice",
            "Record the child's words, or their lived experience and why words are not available.",
        ),
        ("parents_not_consulted_reason", "Say why the parents were not consulted."),
        (
            "alternatives_considered",
            "Record why early help and lower options were considered and rejected.",
        ),
    ]
    assert Contact.objects.get().state == "received"


def test_an_unanswered_choice_is_named_and_the_answers_are_kept(
    social_worker: User, new_contact: Callable[..., dict[str, Any]], signed_in: SignedIn
) -> None:
    contact = new_contact()
    form = screening_form()
    del form["rag"]

    response = signed_in(social_worker).post(f"/contacts/{contact['id']}/screening/", form)

    html = page_text(response)
    assert summary_links(html) == [("rag-0", "Select the RAG rating")]
    assert "Amy told her teacher she is scared when her dad shouts." in html
    assert 'value="assessment" checked' in html


def test_the_screening_page_shows_the_chronology_of_siblings_and_the_pattern(
    social_worker: User, api_as: Api, signed_in: SignedIn
) -> None:
    api = api_as(social_worker)
    sibling = {
        "first_name": "Ben",
        "last_name": "Smith",
        "date_of_birth": "2018-07-09",
        "address": {"postcode": "TS1 2AB"},
    }
    earlier = api.post(
        "/api/v1/contacts/",
        contact_body(children=[sibling], received_at="2026-06-01T10:00:00+00:00"),
        format="json",
    ).json()
    both = [contact_body()["children"][0], sibling]
    api.post(
        "/api/v1/contacts/",
        contact_body(children=both, received_at="2026-09-01T10:00:00+00:00"),
        format="json",
    )
    contact = api.post("/api/v1/contacts/", contact_body(children=both), format="json").json()

    html = page_text(signed_in(social_worker).get(f"/contacts/{contact['id']}/screening/"))

    assert f"Contact {earlier['reference']}" in html
    assert (
        "3 contacts about Ben Smith in the last 12 months: a pattern a manager must review." in html
    )
    assert "2 contacts about Amy Smith in the last 12 months." in html
    assert AccessLog.objects.filter(via=f"/contacts/{contact['id']}/screening/").count() == 2


def test_a_contact_already_screened_is_not_screened_again(
    social_worker: User, screened_contact: Callable[..., dict[str, Any]], signed_in: SignedIn
) -> None:
    contact = screened_contact()

    response = signed_in(social_worker).get(f"/contacts/{contact['id']}/screening/", follow=True)

    assert response.redirect_chain == [(f"/contacts/{contact['id']}/", 302)]
    assert "is awaiting oversight" in page_text(response)


def test_the_contact_page_offers_each_role_its_next_step(
    social_worker: User,
    manager: User,
    new_contact: Callable[..., dict[str, Any]],
    api_as: Api,
    signed_in: SignedIn,
) -> None:
    contact = new_contact()
    path = f"/contacts/{contact['id']}/"
    assert "Screen this contact" in page_text(signed_in(social_worker).get(path))

    api_as(social_worker).post(
        f"/api/v1/contacts/{contact['id']}/screening/", screening_body(), format="json"
    )

    assert "Screen this contact" not in page_text(signed_in(social_worker).get(path))
    assert "Oversee the decision" not in page_text(signed_in(social_worker).get(path))
    assert "Oversee the decision" in page_text(signed_in(manager).get(path))


def test_a_returned_screening_shows_why_on_the_next_screening(
    social_worker: User,
    manager: User,
    screened_contact: Callable[..., dict[str, Any]],
    api_as: Api,
    signed_in: SignedIn,
) -> None:
    contact = screened_contact()
    api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "return", "rationale": "Speak to the school first."},
        format="json",
    )

    html = page_text(signed_in(social_worker).get(f"/contacts/{contact['id']}/screening/"))

    assert "Speak to the school first." in html
