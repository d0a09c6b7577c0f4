"""The EDT's record page (it works from a phone at night) and the MACH's morning page with
acknowledge: each form runs the service the API calls."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mach.models import AccessLog, Contact, Role, User
from tests.conftest import Api, contact_body
from tests.web.conftest import SignedIn, contact_form
from triage.edt.models import EdtHandover

pytestmark = pytest.mark.django_db


@pytest.fixture
def edt(make_user: Callable[..., User]) -> User:
    return make_user(Role.EDT_WORKER, team="edt")


def test_the_edt_records_a_handover_on_the_page(edt: User, signed_in: SignedIn) -> None:
    client = signed_in(edt)
    assert "What the EDT did" in client.get("/edt-handovers/new/").content.decode()

    response = client.post(
        "/edt-handovers/new/",
        contact_form(
            channel="edt",
            action_taken="police_protection",
            outstanding_actions="Strategy discussion in the morning.",
        ),
    )

    handover = EdtHandover.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contacts/{handover.contact_id}/"
    assert handover.action_taken == "police_protection"
    assert handover.contact.rag == "red"
    assert handover.contact.people.count() == 3


def test_a_handover_without_the_action_taken_is_shown_again_with_the_error(
    edt: User, signed_in: SignedIn
) -> None:
    response = signed_in(edt).post("/edt-handovers/new/", contact_form())

    assert response.status_code == 400
    assert "Select what the EDT did" in response.content.decode()
    assert not Contact.objects.exists()


def test_the_morning_page_lists_the_nights_handovers_and_acknowledges_one(
    edt: User, social_worker: User, api_as: Api, signed_in: SignedIn
) -> None:
    body = {**contact_body(), "action_taken": "emergency_placement", "outstanding_actions": "Call"}
    handover = api_as(edt).post("/api/v1/edt-handovers/", body, format="json").json()
    client = signed_in(social_worker)

    page = client.get("/edt-handovers/").content.decode()
    assert handover["contact"]["reference"] in page
    assert "Emergency placement" in page
    assert "Acknowledge" in page
    assert AccessLog.objects.filter(user=social_worker, via="/edt-handovers/").exists()

    response = client.post(f"/edt-handovers/{handover['id']}/acknowledge/")

    assert response.status_code == 302
    record = EdtHandover.objects.get()
    assert record.state == "acknowledged"
    assert record.acknowledged_by == social_worker
    after = client.get("/edt-handovers/").content.decode()
    assert "Acknowledged in the last day (1)" in after


def test_the_contact_page_shows_the_handover_and_acknowledges_it(
    edt: User, manager: User, api_as: Api, signed_in: SignedIn
) -> None:
    body = {**contact_body(), "action_taken": "advice", "outstanding_actions": "Ring school."}
    handover = api_as(edt).post("/api/v1/edt-handovers/", body, format="json").json()
    client = signed_in(manager)
    url = f"/contacts/{handover['contact']['id']}/"

    page = client.get(url).content.decode()
    assert "Emergency Duty Team handover" in page
    assert "Ring school." in page

    response = client.post(f"/edt-handovers/{handover['id']}/acknowledge/", {"next": "contact"})
    assert response["Location"] == url
    assert "Acknowledge the handover" not in client.get(url).content.decode()


def test_the_edt_sees_no_acknowledge_button(edt: User, api_as: Api, signed_in: SignedIn) -> None:
    body = {**contact_body(), "action_taken": "visit"}
    api_as(edt).post("/api/v1/edt-handovers/", body, format="json")
    page = signed_in(edt).get("/edt-handovers/").content.decode()
    assert "Waiting for oversight (1)" in page
    assert "Acknowledge<" not in page


def test_the_record_page_starts_with_the_edt_as_the_channel(edt: User, signed_in: SignedIn) -> None:
    page = signed_in(edt).get("/edt-handovers/new/").content.decode()
    assert '<option value="edt" selected>' in page


def test_the_morning_page_costs_the_same_queries_for_one_handover_or_many(
    edt: User, social_worker: User, api_as: Api, signed_in: SignedIn
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def hand_over(action: str) -> None:
        body = {**contact_body(), "action_taken": action}
        assert api_as(edt).post("/api/v1/edt-handovers/", body, format="json").status_code == 201

    client = signed_in(social_worker)
    hand_over("visit")
    with CaptureQueriesContext(connection) as one:
        client.get("/edt-handovers/")
    for action in ("advice", "police_protection", "emergency_placement", "visit"):
        hand_over(action)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/edt-handovers/").content.decode()
    assert "Waiting for oversight (5)" in page
    assert 0 < len(many) <= len(one)
