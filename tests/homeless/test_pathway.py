"""The homeless pathway through the API (spec section 10, G12): the age limits on their
boundary days, the 10-working-day assessment date, each out-of-order step refused (409), bed
and breakfast refused (400), the housing route only on an informed choice, looked after under
s20, alerts when the assessment is overdue, and the G12 measures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from assessments.homeless.models import HomelessPresentation
from mach import workflows
from mach.deadlines import sweep
from mach.models import AccessLog, Alert, Contact, User
from tests.conftest import Api

from .conftest import JADE, ORDER, STEP_BODIES, URL, presentation_body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("date_of_birth", "accepted"),
    [
        pytest.param("2010-11-20", True, id="16th-birthday"),
        pytest.param("2010-11-21", False, id="day-before-16th-birthday"),
        pytest.param("2008-11-20", False, id="18th-birthday"),
        pytest.param("2008-11-21", True, id="day-before-18th-birthday"),
    ],
)
def test_only_16_and_17_year_olds_on_the_presentation_date(
    social_worker: User, api_as: Api, date_of_birth: str, accepted: bool
) -> None:
    # Presented on Friday 20 November 2026.
    response = api_as(social_worker).post(URL, presentation_body(date_of_birth), format="json")

    if accepted:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 400
        message = " ".join(response.json()["young_person"])
        assert "16 and 17" in message
        assert not HomelessPresentation.objects.exists()


def test_a_date_of_birth_is_required(social_worker: User, api_as: Api) -> None:
    body = presentation_body()
    del body["young_person"]["date_of_birth"]
    response = api_as(social_worker).post(URL, body, format="json")
    assert response.status_code == 400
    assert "date_of_birth" in response.json()["young_person"]


def test_the_assessment_is_due_in_10_working_days(present: Callable[..., dict[str, Any]]) -> None:
    presentation = present()
    # Friday 20 Nov 2026 is day 0: 23-27 Nov are 1-5, 30 Nov-4 Dec are 6-10.
    assert presentation["assessment_due_date"] == "2026-12-04"
    assert presentation["state"] == "presented"
    assert presentation["age_on_presentation"] == 17


def test_the_young_person_is_matched_to_their_record(
    present: Callable[..., dict[str, Any]], new_contact: Callable[..., dict[str, Any]]
) -> None:
    contact = new_contact(children=[JADE])
    presentation = present()
    assert presentation["young_person"]["id"] == contact["children"][0]["id"]


@pytest.mark.parametrize("step", ORDER[1:])
def test_anything_before_the_account_is_refused(
    present: Callable[..., dict[str, Any]], social_worker: User, api_as: Api, step: str
) -> None:
    presentation = present()
    response = api_as(social_worker).post(
        f"{URL}{presentation['id']}/{step}/", STEP_BODIES[step], format="json"
    )
    assert response.status_code == 409
    assert "account" in response.json()["detail"]
    assert HomelessPresentation.objects.get().state == "presented"


@pytest.mark.parametrize(
    ("done", "step"),
    [
        ("account", "account"),  # twice
        ("account", "accommodation"),  # before rights and advocacy
        ("account", "joint-assessment"),
        ("account", "decision"),
        ("accommodation", "accommodation"),
        ("accommodation", "decision"),  # before the joint assessment
        ("joint-assessment", "joint-assessment"),
        ("decision", "decision"),
        ("decision", "rights-and-advocacy"),
    ],
)
def test_each_out_of_order_step_is_refused(
    present: Callable[..., dict[str, Any]],
    walk: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
    done: str,
    step: str,
) -> None:
    presentation = present()
    before = walk(presentation, done)
    response = api_as(social_worker).post(
        f"{URL}{presentation['id']}/{step}/", STEP_BODIES[step], format="json"
    )
    assert response.status_code == 409, response.content
    assert HomelessPresentation.objects.get().state == before["state"]


def test_accommodation_waits_for_rights_and_advocacy(
    present: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    presentation = present()
    api = api_as(social_worker)
    api.post(f"{URL}{presentation['id']}/account/", STEP_BODIES["account"], format="json")
    response = api.post(
        f"{URL}{presentation['id']}/accommodation/", STEP_BODIES["accommodation"], format="json"
    )
    assert response.status_code == 409
    assert "advocacy" in response.json()["detail"]


@pytest.mark.parametrize("done", ["rights-and-advocacy", "account", "decision"])
def test_bed_and_breakfast_is_refused(
    present: Callable[..., dict[str, Any]],
    walk: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
    done: str,
) -> None:
    presentation = present()
    walk(presentation, done)
    response = api_as(social_worker).post(
        f"{URL}{presentation['id']}/accommodation/",
        {"type": "bed_and_breakfast"},
        format="json",
    )
    assert response.status_code == 400
    assert "never suitable" in " ".join(response.json()["type"])


def test_the_housing_route_needs_the_young_persons_informed_choice(
    present: Callable[..., dict[str, Any]],
    walk: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
) -> None:
    presentation = present()
    walk(presentation, "joint-assessment")
    url = f"{URL}{presentation['id']}/decision/"
    api = api_as(social_worker)

    refused = api.post(url, {"outcome": "housing_route", "informed_choice": "  "}, format="json")
    decided = api.post(
        url,
        {
            "outcome": "housing_route",
            "informed_choice": "I know what care would give me. I want my own flat near my nan.",
        },
        format="json",
    )

    assert refused.status_code == 400
    assert "informed_choice" in refused.json()
    assert decided.status_code == 200, decided.content
    assert decided.json()["state"] == "decided"
    assert decided.json()["looked_after"] is False


def test_a_young_person_accommodated_under_s20_is_looked_after(
    present: Callable[..., dict[str, Any]],
    walk: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
    signed_in: Callable[[User], Any],
) -> None:
    presentation = present()
    accommodated = walk(presentation, "accommodation")
    decided = walk(present(young_person={**JADE, "first_name": "Tom"}), "decision")
    child = presentation["young_person"]["id"]

    assert accommodated["looked_after"] is True
    assert decided["looked_after"] is True and decided["outcome"] == "s20_accommodated"
    chronology = api_as(social_worker).get(f"/api/v1/children/{child}/chronology/").json()
    rows = chronology if isinstance(chronology, list) else chronology.get("results", chronology)
    assert any("looked after" in row["summary"] for row in rows)
    page = signed_in(social_worker).get(f"/children/{child}/").content.decode()
    assert "Looked after" in page
    assert "Homeless presentation of" in page


def test_the_walk_records_each_step_and_its_event(
    present: Callable[..., dict[str, Any]], walk: Callable[..., dict[str, Any]]
) -> None:
    decided = walk(present(), "decision")
    assert decided["state"] == "decided"
    assert decided["housing_officer"] == "Pat Lewis"
    assert decided["advocacy_offered_on"] == "2026-11-20"
    assert decided["overdue"] is False
    from mach.audit import events_for

    events = events_for(HomelessPresentation.objects.get()).order_by("id")
    actions = [event.action for event in events]
    assert actions == [
        "homeless_presented",
        "homeless_account_recorded",
        "homeless_rights_and_advocacy",
        "homeless_accommodated",
        "homeless_joint_assessment",
        "homeless_decided",
    ]


def test_an_overdue_assessment_raises_an_alert(present: Callable[..., dict[str, Any]]) -> None:
    presentation = present(presented_at="2026-11-02T12:00:00+00:00")  # due 16 Nov
    assert presentation["assessment_due_date"] == "2026-11-16"
    assert presentation["overdue"] is True

    sweep(now=timezone.now(), kind_key="homeless_assessment")

    alert = Alert.objects.get(kind="homeless_assessment", level=1)
    assert alert.object_id == presentation["id"]
    assert "16 Nov 2026" in alert.message


def test_a_joint_assessment_stops_the_clock(
    present: Callable[..., dict[str, Any]], walk: Callable[..., dict[str, Any]]
) -> None:
    walk(present(), "joint-assessment")
    sweep(now=timezone.now(), kind_key="homeless_assessment")
    assert not Alert.objects.filter(kind="homeless_assessment").exists()


def test_g12_measures_advocacy_at_first_approach_and_joint_assessments(
    present: Callable[..., dict[str, Any]],
    walk: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
) -> None:
    assessed = walk(present(), "joint-assessment")  # advocacy the same day, joint assessment
    late = present()
    api = api_as(social_worker)
    api.post(f"{URL}{late['id']}/account/", STEP_BODIES["account"], format="json")
    api.post(
        f"{URL}{late['id']}/rights-and-advocacy/",
        {**STEP_BODIES["rights-and-advocacy"], "advocacy_offered_on": "2026-11-23"},
        format="json",
    )
    present()  # nothing offered yet
    advocacy = workflows.metrics.get("g12_advocacy")
    joint = workflows.metrics.get("g12_joint_assessment")
    assert advocacy is not None and joint is not None

    assert advocacy.population().count() == joint.population().count() == 3
    assert list(advocacy.population().filter(advocacy.met).values_list("pk", flat=True)) == [
        assessed["id"]
    ]
    assert list(joint.population().filter(joint.met).values_list("pk", flat=True)) == [
        assessed["id"]
    ]
    assert advocacy.guardrail == joint.guardrail == "G12"
    weeks = advocacy.population().order_by().values_list(advocacy.date_field, flat=True).distinct()
    assert list(weeks) == [date(2026, 11, 20)]


def test_an_open_presentation_makes_a_new_contact_information_on_the_case(
    present: Callable[..., dict[str, Any]], new_contact: Callable[..., dict[str, Any]]
) -> None:
    presentation = present()
    contact = new_contact(
        children=[JADE],
        adults=[],
    )
    assert Contact.objects.get(pk=contact["id"]).open_case_kind == "homeless_presentation"
    assert contact["open_case"]["record_id"] == presentation["id"]


def test_reads_are_in_the_access_log(
    present: Callable[..., dict[str, Any]], auditor: User, api_as: Api
) -> None:
    presentation = present()
    api_as(auditor).get(f"{URL}{presentation['id']}/")
    api_as(auditor).get(URL)
    assert (
        AccessLog.objects.filter(user=auditor, child_id=presentation["young_person"]["id"]).count()
        == 2
    )


def test_a_replay_with_the_same_key_creates_nothing(social_worker: User, api_as: Api) -> None:
    api = api_as(social_worker)
    first = api.post(URL, presentation_body(), format="json", HTTP_IDEMPOTENCY_KEY="yp-1")
    again = api.post(URL, presentation_body(), format="json", HTTP_IDEMPOTENCY_KEY="yp-1")
    assert again.json()["id"] == first.json()["id"]
    assert HomelessPresentation.objects.count() == 1


def test_the_list_costs_the_same_queries_for_one_presentation_or_many(
    present: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    present()
    api = api_as(social_worker)
    with CaptureQueriesContext(connection) as one:
        api.get(URL)
    for index in range(4):
        present(
            young_person={
                "first_name": f"Y{index}",
                "last_name": "P",
                "date_of_birth": "2009-01-01",
            }
        )
    with CaptureQueriesContext(connection) as many:
        response = api.get(URL)
    assert len(response.json()["results"]) == 5
    assert 0 < len(many) <= len(one)


def test_open_guardrail_failures_name_an_overdue_assessment_and_late_advocacy(
    present: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    overdue = present(presented_at="2026-11-02T12:00:00+00:00")  # due 16 Nov, not assessed
    api = api_as(social_worker)
    api.post(f"{URL}{overdue['id']}/account/", STEP_BODIES["account"], format="json")
    api.post(
        f"{URL}{overdue['id']}/rights-and-advocacy/",
        {
            "rights_explained_on": "2026-11-03",
            "advocacy_offered_on": "2026-11-03",
            "advocacy_taken_up": False,
        },
        format="json",
    )
    source = workflows.guardrail_failures.get("homeless")
    assert source is not None

    failures = source.failures([overdue["young_person"]["id"]])

    messages = failures[overdue["young_person"]["id"]]
    assert any("overdue since 16 Nov 2026" in message for message in messages)
    assert any("Advocacy not offered at first approach" in message for message in messages)
