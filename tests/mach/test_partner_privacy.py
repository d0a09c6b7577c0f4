"""A partner agency learns nothing about existing records: not by API, replay or page."""

from __future__ import annotations

from typing import Any

import pytest

from mach.models import IdempotencyRecord, Person, User
from tests.conftest import Api, SignedIn, contact_body
from tests.web.conftest import contact_form, page_text

pytestmark = pytest.mark.django_db

URL = "/api/v1/contacts/"
REAL_NHS_NUMBER = "9434765919"
RECEIPT_FIELDS = {"id", "reference", "state", "received_at", "decision_due_at", "children"}


def _made_up_child() -> dict[str, Any]:
    return {
        "first_name": "Zed",
        "last_name": "Nobody",
        "date_of_birth": "2016-01-01",
        "nhs_number": REAL_NHS_NUMBER,
    }


@pytest.fixture
def known_child(social_worker: User, api_as: Api) -> Person:
    """Amy Smith, already on the MACH's records with a real NHS number."""
    response = api_as(social_worker).post(URL, contact_body(), format="json")
    assert response.status_code == 201
    return Person.objects.get(pk=response.json()["children"][0]["id"])


def _assert_reveals_nothing_about(text: str, child: Person) -> None:
    for secret in (child.first_name, child.last_name, child.date_of_birth.isoformat()):
        assert secret not in text
    assert "matched_existing" not in text


def test_partner_gets_back_the_children_it_sent_not_the_matched_record(
    known_child: Person, police: User, api_as: Api
) -> None:
    response = api_as(police).post(URL, contact_body(children=[_made_up_child()]), format="json")

    assert response.status_code == 201
    receipt = response.json()
    assert set(receipt) == RECEIPT_FIELDS
    assert receipt["state"] == "received"
    assert receipt["children"] == [_made_up_child()]
    _assert_reveals_nothing_about(response.content.decode(), known_child)


def test_a_workers_response_still_shows_the_match(
    known_child: Person, social_worker: User, api_as: Api
) -> None:
    response = api_as(social_worker).post(
        URL, contact_body(children=[_made_up_child()]), format="json"
    )

    child = response.json()["children"][0]
    assert (child["id"], child["matched_existing"]) == (known_child.pk, True)


def test_a_partners_replay_reveals_no_match(known_child: Person, police: User, api_as: Api) -> None:
    client = api_as(police)
    body = contact_body(children=[_made_up_child()])
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="police-1")

    replay = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="police-1")

    assert replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    _assert_reveals_nothing_about(replay.content.decode(), known_child)


def test_a_partners_replay_of_a_response_stored_before_receipts_reveals_no_match(
    known_child: Person, police: User, social_worker: User, api_as: Api
) -> None:
    body = contact_body(children=[_made_up_child()])
    first = api_as(police).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="police-1").json()
    # What was stored for partners before: the whole contact, with the matched record in it.
    full = api_as(social_worker).get(f"{URL}{first['id']}/").json()
    IdempotencyRecord.objects.filter(user=police).update(response_body=full)

    replay = api_as(police).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="police-1")

    assert replay.json() == first
    _assert_reveals_nothing_about(replay.content.decode(), known_child)


def test_a_partners_list_and_detail_reveal_no_match(
    known_child: Person, police: User, api_as: Api
) -> None:
    client = api_as(police)
    created = client.post(URL, contact_body(children=[_made_up_child()]), format="json").json()

    for response in (client.get(URL), client.get(f"{URL}{created['id']}/")):
        assert response.status_code == 200
        _assert_reveals_nothing_about(response.content.decode(), known_child)
        assert "children" not in response.content.decode()


def test_a_partners_confirmation_and_submissions_pages_reveal_no_match(
    known_child: Person, make_user: Any, signed_in: SignedIn
) -> None:
    partner = make_user("partner_agency", team="cleveland-police")
    client = signed_in(partner)
    form = contact_form(
        **{
            "children-count": "1",
            "children-0-first_name": "Zed",
            "children-0-last_name": "Nobody",
            "children-0-date_of_birth-year": "2016",
            "concerns": "Zed was seen alone at night.",
        }
    )

    confirmation = client.post("/contacts/new/", form, follow=True)
    submissions = client.get("/submissions/")

    assert confirmation.redirect_chain == [("/submissions/", 302)]
    for page in (confirmation, submissions):
        html = page_text(page)
        _assert_reveals_nothing_about(html, known_child)
        assert str(known_child.nhs_number) not in html.replace(" ", "")


def test_a_partner_asked_about_a_contact_sees_the_question_not_the_child(
    known_child: Person, social_worker: User, police: User, api_as: Api, signed_in: SignedIn
) -> None:
    worker = api_as(social_worker)
    contact = worker.post(URL, contact_body(), format="json").json()
    worker.post(
        f"{URL}{contact['id']}/parent-consultations/",
        {"consulted_with": "Jo Smith (mother)", "method": "phone", "summary": "Mother agrees."},
        format="json",
    )
    asked = worker.post(
        f"{URL}{contact['id']}/partner-requests/",
        {"agency": "police", "question": "Any call-outs?", "organisation": "cleveland-police"},
        format="json",
    ).json()

    inbox = api_as(police).get("/api/v1/partner-requests/")
    inbox_page = signed_in(police).get("/information-requests/")
    response_page = signed_in(police).get(f"/partner-requests/{asked['id']}/response/")

    assert [item["question"] for item in inbox.json()] == ["Any call-outs?"]
    assert "children" not in inbox.json()[0]
    for page in (inbox, inbox_page, response_page):
        assert page.status_code == 200
        _assert_reveals_nothing_about(page.content.decode(), known_child)
