"""Recording domestic-abuse notifications over REST: who may send them, DASH ticks and level,
record matching, replays, open cases and the partner's view."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from mach.models import AccessLog, MatchProposal, Person, Role, Team, User
from tests.conftest import Api
from tests.factories import ChildFactory
from tests.triage.da_helpers import notification_body, notify, police_partner
from triage.models import DomesticAbuseNotification

pytestmark = pytest.mark.django_db
__all__ = ["notify", "police_partner"]

URL = "/api/v1/da-notifications/"


def test_the_police_send_a_notification_awaiting_triage(police_partner: User, api_as: Api) -> None:
    response = api_as(police_partner).post(URL, notification_body(), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["state"] == "awaiting_triage"
    assert DomesticAbuseNotification.objects.get().submitting_team == police_partner.team


def test_a_partner_agency_that_is_not_the_police_is_refused(
    make_user: Callable[..., User], api_as: Api
) -> None:
    school = make_user(Role.PARTNER_AGENCY, team="linthorpe-primary")
    Team.objects.filter(slug="linthorpe-primary").update(agency="education")

    response = api_as(school).post(URL, notification_body(), format="json")

    assert response.status_code == 403
    assert not DomesticAbuseNotification.objects.exists()


@pytest.mark.parametrize(
    ("level", "ticks", "agrees"),
    [
        ("standard", 0, True),
        ("standard", 9, True),
        ("standard", 10, False),
        ("medium", 9, False),
        ("medium", 10, True),
        ("medium", 13, True),
        ("medium", 14, False),
        ("high", 13, False),
        ("high", 14, True),
        ("high", 27, True),
    ],
)
def test_dash_ticks_must_agree_with_the_level(
    level: str, ticks: int, agrees: bool, social_worker: User, api_as: Api
) -> None:
    response = api_as(social_worker).post(
        URL, notification_body(dash_level=level, dash_ticks=ticks), format="json"
    )

    if agrees:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 400
        assert "dash_ticks" in response.json()


def test_ticks_beyond_27_are_refused(social_worker: User, api_as: Api) -> None:
    response = api_as(social_worker).post(
        URL, notification_body(dash_level="high", dash_ticks=28), format="json"
    )

    assert response.status_code == 400
    assert "dash_ticks" in response.json()


def test_the_same_police_reference_again_creates_nothing(police_partner: User, api_as: Api) -> None:
    body = notification_body()
    first = api_as(police_partner).post(URL, body, format="json")
    again = api_as(police_partner).post(URL, {**body, "summary": "Sent again."}, format="json")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert DomesticAbuseNotification.objects.count() == 1


def test_a_replayed_idempotency_key_creates_nothing(police_partner: User, api_as: Api) -> None:
    body = notification_body()
    client = api_as(police_partner)
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = client.post(URL, notification_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == 201
    assert again.status_code == 201
    assert again.json() == first.json()
    assert other.status_code == 409
    assert DomesticAbuseNotification.objects.count() == 1


def test_people_are_matched_to_existing_records_as_contacts_are(
    notify: Callable[..., dict[str, Any]], new_contact: Callable[..., dict[str, Any]]
) -> None:
    contact = new_contact()
    child_id = contact["children"][0]["id"]

    notification = notify()

    assert notification["children"][0]["child"] == child_id
    assert notification["children"][0]["matched_existing"] is True
    second = notify()
    assert second["victim"] == notification["victim"]
    assert Person.objects.filter(first_name="Amy").count() == 1


def test_a_new_record_has_its_weak_matches_proposed_as_on_a_contact(
    notify: Callable[..., dict[str, Any]],
) -> None:
    # Amy Smith on record with another birth date: the same names and postcode are a weak match.
    on_file = ChildFactory(
        first_name="Amy", last_name="Smith", date_of_birth=date(2014, 1, 1), postcode="TS1 2AB"
    )

    notification = notify()

    child = notification["children"][0]
    assert child["matched_existing"] is False
    proposal = MatchProposal.objects.get(person_id=child["child"])
    assert proposal.candidate == on_file
    assert proposal.reason == "same first name, same last name, same postcode"


def test_a_partner_learns_nothing_about_existing_records(
    police_partner: User, api_as: Api, new_contact: Callable[..., dict[str, Any]]
) -> None:
    new_contact()

    body = api_as(police_partner).post(URL, notification_body(), format="json").json()

    assert set(body) == {
        "id",
        "state",
        "police_reference",
        "received_at",
        "triage_due_at",
        "encompass",
    }
    assert body["encompass"][0]["child"] == {
        "first_name": "Amy",
        "last_name": "Smith",
        "date_of_birth": "2015-03-02",
    }
    assert "matched_existing" not in str(body)


def test_a_partner_sees_only_its_own_notifications_and_only_their_status(
    police_partner: User,
    make_user: Callable[..., User],
    notify: Callable[..., dict[str, Any]],
    api_as: Api,
) -> None:
    other = notify()
    own = api_as(police_partner).post(URL, notification_body(), format="json").json()

    listed = api_as(police_partner).get(URL).json()["results"]

    assert [item["id"] for item in listed] == [own["id"]]
    assert "victim" not in listed[0]
    assert api_as(police_partner).get(f"{URL}{other['id']}/").status_code == 404


def test_a_notification_about_a_child_with_an_open_case_reaches_the_allocated_worker(
    social_worker: User, manager: User, api_as: Api, screened_contact: Callable[..., Any]
) -> None:
    contact = screened_contact(rag="red", recommended_outcome="strategy_discussion")
    api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "Reasonable cause."},
        format="json",
    )

    body = api_as(social_worker).post(URL, notification_body(), format="json").json()

    assert body["open_case_kind"] == "strategy_discussion"
    notification = DomesticAbuseNotification.objects.get(pk=body["id"])
    assert notification.open_case_kind == "strategy_discussion"


def test_showing_a_notification_writes_the_access_log(
    notify: Callable[..., dict[str, Any]], auditor: User, api_as: Api
) -> None:
    notification = notify()

    api_as(auditor).get(f"{URL}{notification['id']}/")

    assert AccessLog.objects.filter(
        user=auditor, child_id=notification["children"][0]["child"]
    ).exists()


def test_the_victim_and_the_perpetrator_cannot_be_one_person(
    social_worker: User, api_as: Api
) -> None:
    victim = notification_body()["victim"]

    response = api_as(social_worker).post(URL, notification_body(perpetrator=victim), format="json")

    assert response.status_code == 400
    assert "perpetrator" in response.json()
    assert not DomesticAbuseNotification.objects.exists()
