"""EDT handovers through the API (spec section 8, G14): the contact held and matched, the
10:00 next-working-day deadline on the days that matter, red from the start, acknowledgement
(who, when, once), the contact's timeline, alerts when overdue, and the G14 measure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from mach import workflows
from mach.deadlines import sweep
from mach.models import Alert, Contact, Event, Role, User
from mach.timescales import LONDON
from tests.conftest import Api, contact_body
from triage.edt.models import EdtHandover
from triage.edt.services import oversight_due

pytestmark = pytest.mark.django_db

URL = "/api/v1/edt-handovers/"


def handover_body(at: datetime | None = None, **overrides: Any) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "action_taken": "visit",
        "outstanding_actions": "Check on Amy at school; speak to her mother.",
    }
    if at is not None:
        extra["handed_over_at"] = at.isoformat()
        extra["received_at"] = (at - timedelta(hours=2)).isoformat()
        extra["channel"] = "edt"
    return {**contact_body(), **extra, **overrides}


@pytest.fixture
def edt(make_user: Callable[..., User]) -> User:
    return make_user(Role.EDT_WORKER, team="edt")


@pytest.fixture
def hand_over(edt: User, api_as: Api) -> Callable[..., dict[str, Any]]:
    def post(handed_over_at: datetime | None = None, **overrides: Any) -> dict[str, Any]:
        response = api_as(edt).post(URL, handover_body(handed_over_at, **overrides), format="json")
        assert response.status_code == 201, response.content
        return dict(response.json())

    return post


@pytest.mark.parametrize(
    ("handed_over_at", "due"),
    [
        pytest.param(
            # Friday 27 Nov 2026, 22:30: the weekend, then Monday 10:00 (GMT = UTC).
            datetime(2026, 11, 27, 22, 30, tzinfo=LONDON),
            datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
            id="friday-night",
        ),
        pytest.param(
            datetime(2026, 11, 28, 13, 0, tzinfo=LONDON),
            datetime(2026, 11, 30, 10, 0, tzinfo=UTC),
            id="saturday",
        ),
        pytest.param(
            # Thursday 2 April 2026, 19:00 BST: Good Friday and Easter Monday are bank
            # holidays, so Tuesday 7 April 10:00 BST (09:00 UTC).
            datetime(2026, 4, 2, 19, 0, tzinfo=LONDON),
            datetime(2026, 4, 7, 9, 0, tzinfo=UTC),
            id="evening-before-a-bank-holiday",
        ),
        pytest.param(
            # Wednesday 24 Dec 2025, 20:00: Christmas, Boxing Day, the weekend: Monday 29th.
            datetime(2025, 12, 24, 20, 0, tzinfo=LONDON),
            datetime(2025, 12, 29, 10, 0, tzinfo=UTC),
            id="christmas-eve",
        ),
        pytest.param(
            # Tuesday 1 Dec 2026, 03:00: the same working day's 10:00.
            datetime(2026, 12, 1, 3, 0, tzinfo=LONDON),
            datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
            id="small-hours-of-a-working-day",
        ),
    ],
)
def test_oversight_is_due_at_10_on_the_next_working_day(
    hand_over: Callable[..., dict[str, Any]], handed_over_at: datetime, due: datetime
) -> None:
    if handed_over_at > timezone.now():
        pytest.skip("The handover moment is still ahead of this machine's clock.")
    handover = hand_over(handed_over_at)

    assert handover["state"] == "handed_over"
    assert datetime.fromisoformat(handover["oversight_due_at"]) == due
    assert handover["contact"]["state"] == "received"


def test_christmas_eve_2026_waits_for_the_substitute_boxing_day() -> None:
    # Thursday 24 Dec 2026, 18:00: Christmas (Fri), the weekend, Boxing Day observed Monday 28th.
    assert oversight_due(datetime(2026, 12, 24, 18, 0, tzinfo=LONDON)) == datetime(
        2026, 12, 29, 10, 0, tzinfo=UTC
    )


def test_the_oversight_time_is_a_setting(
    settings: Any, hand_over: Callable[..., dict[str, Any]]
) -> None:
    settings.EDT_OVERSIGHT_AT = "09:15"
    handover = hand_over(datetime(2026, 11, 27, 22, 30, tzinfo=LONDON))
    assert datetime.fromisoformat(handover["oversight_due_at"]) == datetime(
        2026, 11, 30, 9, 15, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("action", "red"),
    [
        ("police_protection", True),
        ("emergency_placement", True),
        ("visit", False),
        ("advice", False),
    ],
)
def test_police_protection_and_emergency_placement_are_red_from_the_start(
    hand_over: Callable[..., dict[str, Any]], action: str, red: bool
) -> None:
    handover = hand_over(action_taken=action)

    assert (handover["rag"] == "red") is red
    assert (Contact.objects.get(pk=handover["contact"]["id"]).rag == "red") is red


def test_the_handover_holds_a_contact_matched_like_any_other(
    hand_over: Callable[..., dict[str, Any]], new_contact: Callable[..., dict[str, Any]]
) -> None:
    earlier = new_contact()
    handover = hand_over()

    child = handover["contact"]["children"][0]
    assert child["matched_existing"] is True
    assert child["id"] == earlier["children"][0]["id"]
    contact = Contact.objects.get(pk=handover["contact"]["id"])
    assert contact.submitted_by.role == Role.EDT_WORKER


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"action_taken": None}, "action_taken"),
        ({"action_taken": "took_home"}, "action_taken"),
        ({"children": []}, "children"),
        ({"handed_over_at": "2026-11-27T10:00:00+00:00"}, "handed_over_at"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    edt: User, api_as: Api, overrides: dict[str, Any], field: str
) -> None:
    body = handover_body(received_at="2026-11-27T12:00:00+00:00", **overrides)
    body = {key: value for key, value in body.items() if value is not None}

    response = api_as(edt).post(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not EdtHandover.objects.exists()


def test_a_replay_with_the_same_key_creates_nothing(edt: User, api_as: Api) -> None:
    api = api_as(edt)
    first = api.post(URL, handover_body(), format="json", HTTP_IDEMPOTENCY_KEY="night-1")
    again = api.post(URL, handover_body(), format="json", HTTP_IDEMPOTENCY_KEY="night-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert EdtHandover.objects.count() == 1


def test_acknowledging_records_who_and_when_once_and_keeps_the_edt_history(
    hand_over: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    handover = hand_over(action_taken="police_protection")
    before = timezone.now()
    url = f"{URL}{handover['id']}/acknowledge/"

    response = api_as(social_worker).post(url, {"note": "Screening today."}, format="json")
    again = api_as(social_worker).post(url, {}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "acknowledged"
    assert body["acknowledged_by"] == social_worker.username
    assert datetime.fromisoformat(body["acknowledged_at"]) >= before
    assert body["overseen_in_time"] is True
    assert again.status_code == 409
    contact = api_as(social_worker).get(f"/api/v1/contacts/{handover['contact']['id']}/").json()
    assert contact["state"] == "received"  # on to screening
    actions = [event["action"] for event in contact["events"]]
    assert "edt_handover_recorded" in actions
    assert "edt_handover_acknowledged" in actions


def test_an_overdue_handover_raises_one_alert_to_the_mach_managers(
    hand_over: Callable[..., dict[str, Any]],
) -> None:
    handover = hand_over(datetime(2026, 11, 27, 22, 30, tzinfo=LONDON))

    sweep(now=timezone.now(), kind_key="edt_handover")
    sweep(now=timezone.now(), kind_key="edt_handover")

    alerts = Alert.objects.filter(kind="edt_handover", object_id=handover["id"])
    # One per level: overdue, and escalated once a further working day has passed too.
    assert alerts.count() == alerts.values("level").distinct().count() >= 1
    alert = alerts.get(level=1)
    assert alert.team is not None and alert.team.slug == "mach"
    assert handover["contact"]["reference"] in alert.message


def test_an_acknowledged_handover_raises_no_alert(
    hand_over: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    handover = hand_over(datetime(2026, 11, 28, 13, 0, tzinfo=LONDON))
    api_as(manager).post(f"{URL}{handover['id']}/acknowledge/", {}, format="json")

    sweep(now=timezone.now(), kind_key="edt_handover")

    assert not Alert.objects.filter(kind="edt_handover").exists()


def test_g14_counts_handovers_overseen_by_their_deadline(
    hand_over: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    in_time = hand_over()  # due at the next 10:00 on a working day, acknowledged now
    late = hand_over(datetime(2026, 11, 27, 22, 30, tzinfo=LONDON))  # due 30 Nov
    hand_over()  # still waiting
    for handover in (in_time, late):
        api_as(social_worker).post(f"{URL}{handover['id']}/acknowledge/", {}, format="json")
    metric = workflows.metrics.get("g14")
    assert metric is not None

    population = metric.population()
    assert population.count() == 3
    assert list(population.filter(metric.met).values_list("pk", flat=True)) == [in_time["id"]]
    assert metric.guardrail == "G14"
    assert population.values_list(metric.team_field, flat=True).distinct().count() == 1
    assert population.filter(**{f"{metric.date_field}__isnull": False}).count() == 3


def test_the_childs_chronology_shows_the_handover(
    hand_over: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    handover = hand_over(action_taken="emergency_placement")
    child = handover["contact"]["children"][0]["id"]
    reference = handover["contact"]["reference"]

    def entry() -> dict[str, Any]:
        entries = api_as(social_worker).get(f"/api/v1/children/{child}/chronology/").json()
        [found] = [entry for entry in entries if entry["kind"] == "edt_handover"]
        return dict(found)

    waiting = entry()
    api_as(social_worker).post(f"{URL}{handover['id']}/acknowledge/", {}, format="json")
    acknowledged = entry()

    assert waiting["summary"] == f"EDT handover of contact {reference}: emergency placement"
    assert (waiting["record_id"], waiting["state"]) == (handover["id"], "handed_over")
    assert child in waiting["person_ids"]
    assert waiting["at"] == handover["handed_over_at"]
    assert acknowledged["summary"] == (
        f"EDT handover of contact {reference}: emergency placement (acknowledged)"
    )
    assert acknowledged["state"] == "acknowledged"


def test_reading_handovers_is_in_the_access_log(
    hand_over: Callable[..., dict[str, Any]], auditor: User, api_as: Api
) -> None:
    from mach.models import AccessLog

    handover = hand_over()
    child = handover["contact"]["children"][0]["id"]

    api_as(auditor).get(f"{URL}{handover['id']}/")
    api_as(auditor).get(URL)

    assert AccessLog.objects.filter(user=auditor, child_id=child).count() == 2


def test_the_list_costs_the_same_queries_for_one_handover_or_many(
    hand_over: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
) -> None:
    hand_over()
    api = api_as(social_worker)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert api.get(URL).status_code == 200
    for action in ("advice", "visit", "police_protection", "emergency_placement"):
        hand_over(action_taken=action)
    with CaptureQueriesContext(connection) as many:
        response = api.get(URL)
    assert len(response.json()["results"]) == 5
    assert len(one) > 0
    assert len(many) <= len(one), [query["sql"] for query in many]


def test_events_record_who_handed_over(hand_over: Callable[..., dict[str, Any]], edt: User) -> None:
    handover = hand_over()
    event = Event.objects.get(action="edt_handover_recorded", object_id=handover["id"])
    assert event.actor == edt


def test_open_guardrail_failures_name_a_handover_not_overseen_in_time(
    hand_over: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    waiting = hand_over(datetime(2026, 11, 27, 22, 30, tzinfo=LONDON))  # due 30 Nov 10:00
    child = waiting["contact"]["children"][0]["id"]
    source = workflows.guardrail_failures.get("edt_handover")
    assert source is not None

    before = source.failures([child])[child]
    api_as(social_worker).post(f"{URL}{waiting['id']}/acknowledge/", {}, format="json")
    after = source.failures([child])[child]

    reference = waiting["contact"]["reference"]
    assert before == [f"EDT handover of contact {reference} not overseen by 30 Nov 2026 10:00"]
    assert after == [f"EDT handover of contact {reference} overseen after 30 Nov 2026 10:00"]
    on_time = hand_over()
    other = on_time["contact"]["children"][0]["id"]
    assert other == child  # the same Amy, matched: only the late handover is a failure
    assert len(source.failures([child])[child]) == 1


def test_acknowledged_false_is_refused_naming_the_field(
    hand_over: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    handover = hand_over()
    url = f"{URL}{handover['id']}/acknowledge/"

    refused = api_as(social_worker).post(url, {"acknowledged": False}, format="json")
    accepted = api_as(social_worker).post(url, {"acknowledged": True}, format="json")

    assert refused.status_code == 400
    assert "acknowledged" in refused.json()
    assert accepted.status_code == 200
    assert accepted.json()["state"] == "acknowledged"


def test_a_contact_without_its_own_time_was_received_when_handed_over(
    edt: User, api_as: Api
) -> None:
    at = datetime(2026, 11, 28, 2, 15, tzinfo=LONDON)
    body = {**handover_body(), "handed_over_at": at.isoformat()}
    del body["received_at"]

    response = api_as(edt).post(URL, body, format="json")

    assert response.status_code == 201, response.content
    assert datetime.fromisoformat(response.json()["contact"]["received_at"]) == at


def test_the_contact_goes_on_to_screening_once_the_handover_is_acknowledged(
    hand_over: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
    signed_in: Callable[[User], Any],
) -> None:
    from tests.conftest import screening_body

    handover = hand_over()
    contact = handover["contact"]["id"]
    api = api_as(social_worker)
    page = signed_in(social_worker)

    early = api.post(f"/api/v1/contacts/{contact}/screening/", screening_body(), format="json")
    assert early.status_code == 409
    assert "Acknowledge the EDT handover first" in early.json()["detail"]
    assert "Screen this contact" not in page.get(f"/contacts/{contact}/").content.decode()

    api.post(f"{URL}{handover['id']}/acknowledge/", {}, format="json")
    assert "Screen this contact" in page.get(f"/contacts/{contact}/").content.decode()
    screened = api.post(f"/api/v1/contacts/{contact}/screening/", screening_body(), format="json")

    assert screened.status_code == 201, screened.content
