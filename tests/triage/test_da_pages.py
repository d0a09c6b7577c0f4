"""The domestic-abuse pages: the inbox, recording a notification, the notification page with its
triage form, the meeting page with the 12-month history beside each item (in a fixed number of
queries), and the child's chronology and the contact page showing notifications and decisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mach.models import User
from tests.conftest import Api, SignedIn
from tests.triage.da_helpers import notification_body, notify, triage_body
from triage.models import DomesticAbuseNotification

pytestmark = pytest.mark.django_db
__all__ = ["notify"]
# Names of their own (names are matched without digits): no victim's incidents add up.
NAMES = ["Ann", "Bea", "Cat", "Dee", "Eve", "Fay", "Gus", "Hal", "Ida", "Jan"]


def test_the_inbox_lists_notifications_awaiting_triage(
    notify: Callable[..., dict[str, Any]], social_worker: User, signed_in: SignedIn
) -> None:
    notification = notify()

    page = signed_in(social_worker).get("/domestic-abuse/").content.decode()

    assert notification["police_reference"] in page
    assert "Awaiting triage" in page


def test_a_worker_records_a_notification_from_the_page(
    social_worker: User, signed_in: SignedIn
) -> None:
    form = {
        "police_reference": "CP/PAGE/1",
        "incident_date-day": "20",
        "incident_date-month": "11",
        "incident_date-year": "2026",
        "incident_time": "21:30",
        "dash_level": "high",
        "dash_ticks": "15",
        "victim-first_name": "Jo",
        "victim-last_name": "Smith",
        "perpetrator-first_name": "Lee",
        "perpetrator-last_name": "Brown",
        "children-0-first_name": "Amy",
        "children-0-last_name": "Smith",
        "children-0-date_of_birth-day": "2",
        "children-0-date_of_birth-month": "3",
        "children-0-date_of_birth-year": "2015",
        "children-0-present": "yes",
        "summary": "Shouting; the mother hurt.",
    }

    response = signed_in(social_worker).post("/domestic-abuse/new/", form)

    notification = DomesticAbuseNotification.objects.get(police_reference="CP/PAGE/1")
    assert response.status_code == 302
    assert response["Location"] == f"/domestic-abuse/{notification.pk}/"
    assert notification.people.get(role="child").present is True


def test_the_page_refuses_ticks_that_disagree_with_the_level(
    social_worker: User, signed_in: SignedIn
) -> None:
    response = signed_in(social_worker).post(
        "/domestic-abuse/new/", {"dash_level": "standard", "dash_ticks": "15"}
    )

    assert response.status_code == 400
    assert "15 ticks is a high DASH level" in response.content.decode()
    assert not DomesticAbuseNotification.objects.exists()


def test_information_only_without_a_reason_is_refused_on_the_page(
    notify: Callable[..., dict[str, Any]], social_worker: User, signed_in: SignedIn
) -> None:
    notification = notify(dash_level="standard", dash_ticks=2)
    url = f"/domestic-abuse/{notification['id']}/triage/"
    client = signed_in(social_worker)

    refused = client.post(url, {"decision": "information_only", "view_police": "Known."})
    decided = client.post(
        url,
        {
            "decision": "information_only",
            "view_police": "Known.",
            "view_health": "Not known.",
            "early_help_rejected_reason": "Family hub already involved.",
        },
    )

    assert refused.status_code == 400
    assert "early help" in refused.content.decode().lower()
    assert decided.status_code == 302
    stored = DomesticAbuseNotification.objects.get(pk=notification["id"])
    assert stored.state == "triaged"
    assert stored.agencies_with_views == 2


def test_a_missing_marac_referral_is_named_on_the_page(
    notify: Callable[..., dict[str, Any]], social_worker: User, signed_in: SignedIn
) -> None:
    notification = notify(dash_level="high", dash_ticks=17)

    response = signed_in(social_worker).post(
        f"/domestic-abuse/{notification['id']}/triage/", {"decision": "early_help"}
    )

    assert response.status_code == 400
    assert "High risk: DASH 14 or more ticks" in response.content.decode()


def _meeting_with(count: int, social_worker: User, api: Any) -> int:
    for number in range(count):
        victim = notification_body()["victim"] | {"first_name": NAMES[number]}
        child = notification_body()["children"][0] | {"first_name": "Child" + NAMES[number]}
        response = api.post(
            "/api/v1/da-notifications/",
            notification_body(victim=victim, children=[child]),
            format="json",
        )
        assert response.status_code == 201
    meeting = api.post("/api/v1/da-triage-meetings/", {"date": "2026-12-29"}, format="json")
    return int(meeting.json()["id"])


def test_the_meeting_page_shows_each_persons_history_with_counts(
    notify: Callable[..., dict[str, Any]],
    new_contact: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
    signed_in: SignedIn,
) -> None:
    new_contact()
    earlier = notify(dash_level="standard", dash_ticks=1)
    api_as(social_worker).post(
        f"/api/v1/da-notifications/{earlier['id']}/triage/", triage_body(), format="json"
    )
    latest = notify(dash_level="standard", dash_ticks=1)
    meeting = api_as(social_worker).post(
        "/api/v1/da-triage-meetings/", {"date": "2026-12-29"}, format="json"
    )

    page = signed_in(social_worker).get(f"/domestic-abuse/meetings/{meeting.json()['id']}/")

    text = page.content.decode()
    assert latest["police_reference"] in text
    # The earlier notification and the contact appear in the child's and victim's history.
    assert earlier["police_reference"] in text
    assert "Contact " in text


def test_the_meeting_page_costs_the_same_queries_whatever_the_agenda(
    social_worker: User, api_as: Api, signed_in: SignedIn
) -> None:
    api = api_as(social_worker)
    small = _meeting_with(2, social_worker, api)
    client = signed_in(social_worker)
    client.get(f"/domestic-abuse/meetings/{small}/")
    with CaptureQueriesContext(connection) as two:
        client.get(f"/domestic-abuse/meetings/{small}/")
    DomesticAbuseNotification.objects.update(meeting=None, state="awaiting_triage")
    for number in range(2, 8):
        victim = notification_body()["victim"] | {"first_name": NAMES[number]}
        api.post("/api/v1/da-notifications/", notification_body(victim=victim), format="json")
    DomesticAbuseNotification.objects.update(meeting_id=small)
    with CaptureQueriesContext(connection) as eight:
        response = client.get(f"/domestic-abuse/meetings/{small}/")

    assert response.content.decode().count('class="mach-agenda-item"') == 8
    assert len(eight) == len(two)


def test_the_meeting_page_shows_each_triaged_items_views_and_challenges_in_fixed_queries(
    social_worker: User, api_as: Api, signed_in: SignedIn
) -> None:
    api = api_as(social_worker)
    meeting = _meeting_with(3, social_worker, api)
    first, *others = DomesticAbuseNotification.objects.order_by("id").values_list("id", flat=True)
    client = signed_in(social_worker)

    def triage(notification_id: int) -> None:
        url = f"/api/v1/da-notifications/{notification_id}/triage/"
        assert api.post(url, triage_body(), format="json").status_code == 200

    triage(first)
    with CaptureQueriesContext(connection) as one:
        one_triaged = client.get(f"/domestic-abuse/meetings/{meeting}/").content.decode()
    for notification_id in others:
        triage(notification_id)
    with CaptureQueriesContext(connection) as three:
        all_triaged = client.get(f"/domestic-abuse/meetings/{meeting}/").content.decode()

    assert one_triaged.count("Third call-out this year.") == 1
    assert one_triaged.count("Challenge by Domestic abuse service") == 1
    assert all_triaged.count("Third call-out this year.") == 3
    assert all_triaged.count("Agreed: early help offer instead.") == 3
    assert len(three) == len(one)


def test_the_childs_chronology_and_the_contact_page_show_the_decision(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api, signed_in: SignedIn
) -> None:
    notification = notify()
    decided = api_as(social_worker).post(
        f"/api/v1/da-notifications/{notification['id']}/triage/",
        triage_body(decision="refer_to_mach"),
        format="json",
    )
    child = notification["children"][0]["child"]

    chronology = api_as(social_worker).get(f"/api/v1/children/{child}/chronology/").json()
    contact_page = signed_in(social_worker).get(f"/contacts/{decided.json()['contact']}/")
    child_page = signed_in(social_worker).get(f"/children/{child}/")

    [entry] = [entry for entry in chronology if entry["kind"] == "domestic_abuse_notification"]
    assert entry["summary"] == (
        f"Domestic-abuse notification {notification['police_reference']} (Medium DASH); "
        "triage: refer to the mach as a contact"
    )
    assert (entry["record_id"], entry["state"]) == (notification["id"], "triaged")
    assert child in entry["person_ids"]
    assert notification["police_reference"] in contact_page.content.decode()
    assert notification["police_reference"] in child_page.content.decode()
