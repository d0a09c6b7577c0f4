"""The metrics API and the dashboard: who may read them, bad parameters named, each number
linking to the access-logged records behind it, a CSV of every table, and a fixed number of
queries whatever the data's size."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mach.models import AccessLog, Role, Team, User
from mach.timescales import LONDON
from tests.conftest import Api
from tests.factories import ContactFactory, ContactPersonFactory, ReferralFactory, TeamFactory
from tests.web.conftest import SignedIn, assert_page_access

pytestmark = pytest.mark.django_db

ALL_ROLES = [role.value for role in Role]
READERS = {"manager", "service_manager", "auditor"}
PERIOD = "from=2026-11-02&to=2026-11-29"


def referral(team: Team, day: date, rereferral: bool) -> Any:
    contact = ContactFactory(
        team=team, received_at=datetime(day.year, day.month, day.day, 9, tzinfo=LONDON)
    )
    link = ContactPersonFactory(contact=contact)
    return ReferralFactory(
        contact=contact, child=link.person, team=team, referral_date=day, is_rereferral=rereferral
    )


@pytest.fixture
def north() -> Team:
    team = TeamFactory(slug="north")
    referral(team, date(2026, 11, 3), True)
    referral(team, date(2026, 11, 4), False)
    return team


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_reads_the_metrics_api(role: str, make_user: Callable[..., User], api_as: Api) -> None:
    response = api_as(make_user(role)).get(f"/api/v1/metrics/?{PERIOD}")
    assert response.status_code == (200 if role in READERS else 403)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("to=2026-11-29", "from"),
        ("from=2026-11-02&to=tomorrow", "to"),
        ("from=2026-11-02&to=2026-11-29&team=nowhere", "team"),
    ],
)
def test_a_bad_parameter_is_named(
    query: str, field: str, make_user: Callable[..., User], api_as: Api
) -> None:
    response = api_as(make_user(Role.MANAGER)).get(f"/api/v1/metrics/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_the_api_gives_numerator_and_denominator_by_week_and_team(
    north: Team, make_user: Callable[..., User], api_as: Api
) -> None:
    body = api_as(make_user(Role.AUDITOR)).get(f"/api/v1/metrics/?{PERIOD}&team=north").json()
    assert body["from"] == "2026-11-02" and body["team"] == "north"
    g6 = next(metric for metric in body["metrics"] if metric["key"] == "g6_rereferral")
    assert g6["guardrail"] == "G6"
    assert g6["weeks"] == [
        {
            "week": "2026-W45",
            "week_start": "2026-11-02",
            "team": "north",
            "numerator": 1,
            "denominator": 2,
            "rate": 0.5,
        }
    ]
    keys = {metric["key"] for metric in body["metrics"]}
    # Each app's measures are registered and shown.
    assert {"g1_parents_consulted", "g2_childs_voice", "g7_minimum_attendance"} <= keys
    assert {"g10_in_time", "g13_grades_changed"} <= keys
    assert [stage["stage"] for stage in body["funnel"]] == [
        "contact",
        "referral",
        "assessment",
        "s47",
        "icpc",
    ]
    assert {t["kind"] for t in body["timeliness"]} >= {"contact_decision", "assessment"}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(
    "path",
    [
        f"/dashboard/?{PERIOD}",
        f"/dashboard/csv/metrics/?{PERIOD}",
        f"/dashboard/records/g6_rereferral/?{PERIOD}&week=2026-W45",
    ],
)
def test_who_opens_the_dashboard(
    role: str, path: str, make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    assert_page_access(signed_in(make_user(role)).get(path), allowed=role in READERS)


def test_each_number_links_to_the_records_behind_it(
    north: Team, make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    manager = make_user(Role.MANAGER)
    page = signed_in(manager).get(f"/dashboard/?{PERIOD}").content.decode()
    met_link = (
        "/dashboard/records/g6_rereferral/?from=2026-11-02&amp;to=2026-11-29"
        "&amp;week=2026-W45&amp;team=north&amp;met=1"
    )
    assert met_link in page
    records = signed_in(manager).get(met_link.replace("&amp;", "&"))
    assert records.status_code == 200
    text = records.content.decode()
    assert "1 record" in text
    rereferral = north.contacts.order_by("received_at").first()
    assert f"/contacts/{rereferral.pk}/" in text
    # The child behind the number was shown: the reading is in the access log.
    child = rereferral.contact_people.get().person
    assert AccessLog.objects.filter(user=manager, child=child).exists()
    everything = signed_in(manager).get(met_link.replace("&amp;", "&").replace("&met=1", ""))
    assert "2 records" in everything.content.decode()


def test_every_table_downloads_as_csv(
    north: Team, make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    client = signed_in(make_user(Role.AUDITOR))
    response = client.get(f"/dashboard/csv/metrics/?{PERIOD}")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    g6 = [row for row in rows if row["metric"] == "g6_rereferral"]
    assert [(r["week"], r["team"], r["numerator"], r["denominator"]) for r in g6] == [
        ("2026-W45", "north", "1", "2")
    ]
    for table in ("timeliness", "funnel", "g4_outcome_by_level", "g13_grades_on_moderation"):
        assert client.get(f"/dashboard/csv/{table}/?{PERIOD}").status_code == 200
    assert client.get(f"/dashboard/csv/nothing/?{PERIOD}").status_code == 404


def test_a_bad_period_on_the_dashboard_is_shown_not_crashed(
    make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    response = signed_in(make_user(Role.MANAGER)).get("/dashboard/?from=2026-13-01&to=2026-11-29")
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_the_dashboard_costs_the_same_queries_for_more_data(
    make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    client = signed_in(make_user(Role.SERVICE_MANAGER))
    team = TeamFactory(slug="east")
    referral(team, date(2026, 11, 2), True)
    client.get(f"/dashboard/?{PERIOD}")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/dashboard/?{PERIOD}")
    for day in range(3, 28):
        referral(TeamFactory(slug=f"team-{day % 4}"), date(2026, 11, day), day % 2 == 0)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/dashboard/?{PERIOD}")
    assert len(many.captured_queries) == len(few.captured_queries)
