"""Strategy discussions (spec 7, G7): opened by oversight or a manager, due by RAG, held with
the minimum attendance, decided per child, with specific actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from mach.deadlines import sweep
from mach.models import AccessLog, Alert, User
from strategy_meetings.models import StrategyDiscussion
from strategy_meetings.services import due_at_for
from tests.conftest import Api
from tests.strategy_meetings.conftest import MINIMUM, decide, held_body

pytestmark = pytest.mark.django_db


def _url(discussion: dict[str, Any], suffix: str = "") -> str:
    return f"/api/v1/strategy-discussions/{discussion['id']}/{suffix}"


def test_oversight_deciding_strategy_discussion_opens_one_for_the_contacts_children(
    discussion: dict[str, Any],
) -> None:
    assert discussion["state"] == "requested"
    assert discussion["contact"] is not None
    assert len(discussion["children"]) == 1
    assert discussion["rag"] == "red"


def test_red_is_due_the_same_working_day_otherwise_in_2_working_days() -> None:
    # Wednesday 2 December 2026, 10:00 London (GMT): red by the close at 17:00 that day,
    # otherwise Friday 4 December at 10:00.
    now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert due_at_for("red", now) == datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
    assert due_at_for("amber", now) == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def test_a_manager_opens_one_with_the_cause_and_why_lower_help_will_not_do(
    discussion: dict[str, Any], manager: User, social_worker: User, api_as: Api
) -> None:
    body = {"children": discussion["children"], "rag": "amber"}

    refused = api_as(manager).post("/api/v1/strategy-discussions/", body, format="json")
    not_a_manager = api_as(social_worker).post(
        "/api/v1/strategy-discussions/",
        {**body, "reasonable_cause": "x", "lower_options_rejected": "y"},
        format="json",
    )
    created = api_as(manager).post(
        "/api/v1/strategy-discussions/",
        {
            **body,
            "reasonable_cause": "Disclosure of sexual abuse at school.",
            "lower_options_rejected": "Early help cannot protect from an adult in the home.",
        },
        format="json",
    )

    assert refused.status_code == 400
    assert set(refused.json()) == {"reasonable_cause", "lower_options_rejected"}
    assert not_a_manager.status_code == 403
    assert created.status_code == 201, created.content
    assert created.json()["state"] == "requested"


def test_a_replayed_request_creates_nothing_and_a_reused_key_with_another_body_is_409(
    discussion: dict[str, Any], manager: User, api_as: Api
) -> None:
    body = {
        "children": discussion["children"],
        "rag": "amber",
        "reasonable_cause": "Disclosure of sexual abuse at school.",
        "lower_options_rejected": "Early help cannot protect from an adult in the home.",
    }
    api = api_as(manager)

    def post(sent: dict[str, Any]) -> Any:
        return api.post(
            "/api/v1/strategy-discussions/", sent, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
        )

    first, replay = post(body), post(body)
    other = post({**body, "rag": "red"})

    assert first.status_code == 201, first.content
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 409
    assert StrategyDiscussion.objects.count() == 2  # the oversight's and the manager's one


def test_invitees_are_emailed_a_calendar_invitation(
    discussion: dict[str, Any],
    social_worker: User,
    api_as: Api,
    django_capture_on_commit_callbacks: Any,
) -> None:
    when = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(social_worker).post(
            _url(discussion, "invitations/"),
            {
                "scheduled_for": when.isoformat(),
                "place": "MACH meeting room 2 / Teams",
                "invitees": [
                    {
                        "agency": "police",
                        "name": "DS Patel",
                        "role": "Detective sergeant",
                        "organisation": "Cleveland Police",
                        "email": "ds.patel@example.org",
                    }
                ],
            },
            format="json",
        )

    assert response.status_code == 201, response.content
    (message,) = mail.outbox
    assert message.to == ["ds.patel@example.org"]
    (_name, content, mimetype) = message.attachments[0]
    assert mimetype == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == when
    assert str(event["location"]) == "MACH meeting room 2 / Teams"


def test_held_without_the_minimum_attendance_is_refused(
    discussion: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    response = api_as(social_worker).post(
        _url(discussion, "held/"), held_body(attendees=MINIMUM[:2]), format="json"
    )

    assert response.status_code == 409
    assert "health" in response.json()["detail"]
    assert StrategyDiscussion.objects.get().state == "requested"


def test_an_attendee_who_cannot_decide_for_their_agency_does_not_count_toward_the_minimum(
    discussion: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    listening_only = [
        {**attendee, "can_decide_for_agency": attendee["agency"] != "police"}
        for attendee in MINIMUM
    ]

    response = api_as(social_worker).post(
        _url(discussion, "held/"), held_body(attendees=listening_only), format="json"
    )

    assert response.status_code == 409
    assert "missing: police" in response.json()["detail"]
    assert StrategyDiscussion.objects.get().state == "requested"


def test_the_published_attendee_body_counts_as_able_to_decide_unless_it_says_not(
    discussion: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    published = [{k: v for k, v in a.items() if k != "can_decide_for_agency"} for a in MINIMUM]

    response = api_as(social_worker).post(
        _url(discussion, "held/"), held_body(attendees=published), format="json"
    )

    assert response.status_code == 200, response.content
    assert [a["can_decide_for_agency"] for a in response.json()["attendees"]] == [True] * 3


def test_only_a_manager_records_why_it_proceeded_without_the_minimum(
    discussion: dict[str, Any], social_worker: User, manager: User, api_as: Api
) -> None:
    body = held_body(
        attendees=MINIMUM[:2], proceeded_without_minimum_reason="Health unreachable; child at risk."
    )

    by_worker = api_as(social_worker).post(_url(discussion, "held/"), body, format="json")
    by_manager = api_as(manager).post(_url(discussion, "held/"), body, format="json")

    assert by_worker.status_code == 403
    assert by_manager.status_code == 200, by_manager.content
    assert by_manager.json()["state"] == "held"
    assert by_manager.json()["minimum_attendance_met"] is False


def test_the_analysis_is_required_and_not_a_copy_of_the_information(
    discussion: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    copied = held_body(analysis=held_body()["information"][0]["summary"])

    missing = api_as(social_worker).post(
        _url(discussion, "held/"), held_body(analysis=""), format="json"
    )
    copy = api_as(social_worker).post(_url(discussion, "held/"), copied, format="json")

    assert missing.status_code == 400 and "analysis" in missing.json()
    assert copy.status_code == 400 and "analysis" in copy.json()


def test_held_with_the_minimum_records_information_by_agency(held: dict[str, Any]) -> None:
    assert held["state"] == "held"
    assert held["minimum_attendance_met"] is True
    assert {item["agency"] for item in held["information"]} == {"police", "health"}


def test_a_decision_is_needed_for_every_child(
    held: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    response = api_as(social_worker).post(_url(held, "decision/"), {"decisions": []}, format="json")

    assert response.status_code == 400
    assert "decisions" in response.json()


def test_deciding_before_it_is_held_is_refused(
    discussion: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    response = api_as(social_worker).post(
        _url(discussion, "decision/"),
        {
            "decisions": [
                {
                    "child": discussion["children"][0],
                    "decision": "s47_joint",
                    "share_with_family": "x",
                }
            ]
        },
        format="json",
    )

    assert response.status_code == 409


def test_no_s47_assessment_hands_over_to_the_assessment_app(
    held: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    decided = decide(api_as(social_worker), held, "no_s47_assessment")

    assert decided["state"] == "decided"
    assessments = api_as(social_worker).get("/api/v1/assessments/").json()["results"]
    assert [a["child"] for a in assessments] == held["children"]


def test_an_assessment_after_a_discussion_finding_s47_after_all_opens_a_new_discussion(
    held: dict[str, Any], social_worker: User, manager: User, api_as: Api
) -> None:
    worker = api_as(social_worker)
    decide(worker, held, "no_s47_assessment")
    assessment = worker.get("/api/v1/assessments/").json()["results"][0]
    worker.patch(
        f"/api/v1/assessments/{assessment['id']}/",
        {
            "child_seen_on": timezone.localdate().isoformat(),
            "child_seen_alone": True,
            "childs_voice": "Amy said her dad hurt her again.",
            "family_network_involvement": "Grandmother spoken to.",
            "analysis": "A new disclosure: likely significant harm.",
            "factors": ["3B"],
        },
        format="json",
    )
    worker.post(
        f"/api/v1/assessments/{assessment['id']}/submit/",
        {"outcome": "strategy_discussion"},
        format="json",
    )

    authorised = api_as(manager).post(
        f"/api/v1/assessments/{assessment['id']}/authorise/",
        {"authorise": True, "rationale": "Disclosure during the assessment."},
        format="json",
    )

    assert authorised.status_code == 200, authorised.content
    states = {d.pk: d.state for d in StrategyDiscussion.objects.all()}
    assert states[held["id"]] == "decided"
    assert sorted(states.values()) == ["decided", "requested"]


def test_a_vague_action_is_refused_naming_what_is_missing(
    held: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    response = api_as(social_worker).post(
        _url(held, "actions/"), {"description": "Keep an eye on things."}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"owner", "agency", "child", "due_date"}


def test_overdue_actions_and_discussions_raise_alerts_and_completed_ones_do_not(
    discussion: dict[str, Any], held: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    add = api_as(social_worker).post(
        _url(held, "actions/"),
        {
            "description": "Police to check the father's bail conditions.",
            "owner": "DS Patel",
            "agency": "police",
            "child": held["children"][0],
            "due_date": "2027-01-05",
        },
        format="json",
    )
    assert add.status_code == 201, add.content
    action_id = add.json()["actions"][0]["id"]
    other = api_as(social_worker).post(
        _url(held, "actions/"),
        {**add.json()["actions"][0], "due_date": "2027-01-05", "child": held["children"][0]},
        format="json",
    )
    assert other.status_code == 201
    completed = api_as(social_worker).post(f"/api/v1/strategy-actions/{action_id}/complete/")
    assert completed.status_code == 200

    sweep(now=datetime(2027, 1, 6, 12, 0, tzinfo=UTC))

    alerts = Alert.objects.filter(kind__startswith="strategy")
    assert [(a.kind, a.object_id) for a in alerts] == [
        ("strategy_action", other.json()["actions"][1]["id"])
    ]


def test_an_overdue_requested_discussion_raises_an_alert(discussion: dict[str, Any]) -> None:
    sweep(now=datetime.fromisoformat(discussion["due_at"]) + timedelta(minutes=1))

    alerts = Alert.objects.filter(kind__startswith="strategy")
    assert [(a.kind, a.object_id) for a in alerts] == [("strategy_discussion", discussion["id"])]


def test_every_read_is_in_the_access_log(
    discussion: dict[str, Any], auditor: User, api_as: Api
) -> None:
    before = AccessLog.objects.filter(user=auditor).count()

    api_as(auditor).get(_url(discussion))

    assert AccessLog.objects.filter(user=auditor).count() == before + 1


def test_contact_events_show_no_next_step_not_handled(
    discussion: dict[str, Any], social_worker: User, api_as: Api
) -> None:
    contact = api_as(social_worker).get(f"/api/v1/contacts/{discussion['contact']}/").json()

    assert "next_step_not_handled" not in str(contact)


def test_children_of_the_same_contact_share_one_discussion(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    ben = {"first_name": "Ben", "last_name": "Smith", "date_of_birth": "2018-07-09"}
    amy = {"first_name": "Amy", "last_name": "Smith", "date_of_birth": "2015-03-02"}
    contact = screened_contact(
        {"children": [amy, ben]}, rag="amber", recommended_outcome="strategy_discussion"
    )
    api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "Harm suspected."},
        format="json",
    )

    (discussion,) = api_as(manager).get("/api/v1/strategy-discussions/").json()["results"]
    assert len(discussion["children"]) == 2
