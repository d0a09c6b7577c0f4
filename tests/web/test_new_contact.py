"""The new-contact form: any number of children and adults, the same rules as the API, and
GOV.UK errors that keep what was typed."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from mach.models import AccessLog, Contact, Event, Role, User
from tests.conftest import contact_body
from tests.web.conftest import SignedIn, contact_form, page_text, summary_links

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_user: Callable[..., User]) -> User:
    return make_user(Role.SOCIAL_WORKER)


def test_the_form_records_a_contact_with_two_children_and_opens_it(
    worker: User, signed_in: SignedIn
) -> None:
    response = signed_in(worker).post("/contacts/new/", contact_form(), follow=True)

    contact = Contact.objects.get()
    assert response.redirect_chain == [(f"/contacts/{contact.pk}/", 302)]
    assert f"Contact {contact.reference} recorded." in page_text(response)
    assert contact.received_at == datetime(2025, 12, 24, 16, 5, tzinfo=UTC)
    assert contact.decision_due_at == datetime(2025, 12, 29, 16, 5, tzinfo=UTC)
    names = [(link.person.first_name, link.role) for link in contact.contact_people.all()]
    assert names == [("Amy", "child"), ("Ben", "child"), ("Jo", "adult")]
    assert contact.contact_people.get(person__first_name="Amy").person.nhs_number == "9434765919"
    assert Event.objects.filter(action="contact_received", actor=worker).count() == 1
    assert AccessLog.objects.filter(action="create", via="/contacts/new/").count() == 2


def test_an_incomplete_form_lists_each_problem_in_page_order_and_keeps_what_was_typed(
    worker: User, signed_in: SignedIn
) -> None:
    form = contact_form(
        **{
            "channel": "",
            "referrer-name": "",
            "children-1-first_name": "",
            "children-1-date_of_birth-month": "13",
            "concerns": "",
        }
    )

    response = signed_in(worker).post("/contacts/new/", form)

    assert response.status_code == 400
    html = page_text(response)
    assert summary_links(html) == [
        ("channel", "Select how the contact came in"),
        ("referrer-name", "Enter the referrer's name"),
        ("children-1-first_name", "Enter the first name of child 2"),
        ("children-1-date_of_birth-day", "Date of birth must be a real date"),
        ("concerns", "Enter the concerns"),
    ]
    assert 'value="Linthorpe Primary"' in html
    assert 'value="Ben"' not in html
    assert 'value="Smith"' in html
    assert "Error: Record a new contact" in html
    assert not Contact.objects.exists()


def test_the_form_refuses_a_bad_nhs_number_with_the_apis_own_message(
    worker: User, signed_in: SignedIn, api_as: Callable[[User], APIClient]
) -> None:
    web = signed_in(worker).post(
        "/contacts/new/", contact_form(**{"children-0-nhs_number": "9434765918"})
    )
    body = contact_body()
    body["children"][0]["nhs_number"] = "9434765918"
    api = api_as(worker).post("/api/v1/contacts/", body, format="json")

    api_message = api.json()["children"]["0"]["nhs_number"][0]
    assert ("children-0-nhs_number", api_message) in summary_links(page_text(web))


def test_the_services_own_rule_refuses_a_missing_reason_for_no_consent(
    worker: User, signed_in: SignedIn
) -> None:
    response = signed_in(worker).post("/contacts/new/", contact_form(parental_awareness_reason=""))

    assert summary_links(page_text(response)) == [
        (
            "parental_awareness_reason",
            "Say why the parents were not informed or did not consent.",
        )
    ]


def test_adding_another_child_keeps_what_was_typed_and_records_nothing(
    worker: User, signed_in: SignedIn
) -> None:
    response = signed_in(worker).post("/contacts/new/", contact_form(action="add-children"))

    html = page_text(response)
    assert response.status_code == 200
    assert "Child 3" in html
    assert 'name="children-count" value="3"' in html
    assert 'value="Ben"' in html
    assert summary_links(html) == []
    assert not Contact.objects.exists()


def test_removing_a_child_keeps_the_others(worker: User, signed_in: SignedIn) -> None:
    response = signed_in(worker).post("/contacts/new/", contact_form(action="remove-children-0"))

    html = page_text(response)
    assert 'name="children-count" value="1"' in html
    assert 'id="children-0-first_name" name="children-0-first_name" type="text" value="Ben"' in html
    assert 'value="Amy"' not in html


def test_blank_adult_rows_are_left_out(worker: User, signed_in: SignedIn) -> None:
    form = contact_form(**{"adults-count": "2"})

    signed_in(worker).post("/contacts/new/", form)

    assert Contact.objects.get().contact_people.filter(role="adult").count() == 1


def test_a_time_without_a_date_is_refused(worker: User, signed_in: SignedIn) -> None:
    form = contact_form(**{"received_at-day": "", "received_at-month": "", "received_at-year": ""})

    response = signed_in(worker).post("/contacts/new/", form)

    assert summary_links(page_text(response)) == [
        ("received_at-day", "Enter the date received, as well as the time")
    ]


def test_a_partner_agency_sends_a_contact_and_sees_only_its_status(
    make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    partner = make_user(Role.PARTNER_AGENCY, team="cleveland-police")
    client = signed_in(partner)

    response = client.post("/contacts/new/", contact_form(), follow=True)

    contact = Contact.objects.get()
    assert response.redirect_chain == [("/submissions/", 302)]
    html = page_text(response)
    assert contact.reference in html
    assert "Amy" not in html
    assert contact.submitting_team == partner.team
    assert client.get(f"/contacts/{contact.pk}/").status_code == 403


def test_an_error_after_a_blank_row_is_shown_on_the_row_it_belongs_to(
    worker: User, signed_in: SignedIn
) -> None:
    form = contact_form(
        **{
            "adults-count": "2",
            "adults-0-first_name": "",
            "adults-0-last_name": "",
            "adults-0-relationship": "",
            "adults-1-first_name": "Jo",
            "adults-1-last_name": "Smith",
            "adults-1-date_of_birth-day": "1",
            "adults-1-date_of_birth-month": "1",
            "adults-1-date_of_birth-year": "2099",
        }
    )

    response = signed_in(worker).post("/contacts/new/", form)

    assert summary_links(page_text(response)) == [
        ("adults-1-date_of_birth-day", "A date of birth cannot be in the future.")
    ]


def test_the_immediate_safety_question_comes_before_every_other_question(
    worker: User, signed_in: SignedIn
) -> None:
    html = signed_in(worker).get("/contacts/new/").content.decode()

    questions = re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html)
    asked = [
        name for name in questions if name != "csrfmiddlewaretoken" and not name.endswith("-count")
    ]
    assert asked[0] == "immediate_safety_concern"
