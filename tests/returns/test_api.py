from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from mach.models import AccessLog, Event, Role, User
from mach.returns.census import la_child_id

from . import dataset
from .validation import schema_errors

pytestmark = pytest.mark.django_db
Api = Callable[[User], Any]

CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
COLUMNS = {
    "List 1": [*CHILD, "Date of Contact", "Contact Source"],
    "List 3": [
        *CHILD,
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 4": [
        *CHILD,
        "Does the Child have a Disability",
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        "Allocated Team",
        "Allocated Worker",
    ],
    "List 5": [
        *CHILD,
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        "Allocated Team",
        "Allocated Worker",
    ],
}


@pytest.fixture
def data(social_worker: User) -> dataset.DataSet:
    return dataset.build(social_worker)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.SERVICE_MANAGER])
def test_a_manager_downloads_the_census_and_it_is_access_logged(
    data: dataset.DataSet, make_user: Callable[..., User], api_as: Api, role: str
) -> None:
    user = make_user(role)
    response = api_as(user).get("/api/v1/returns/cin-census.xml?year=2027")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert schema_errors(response.content) == []
    logged = AccessLog.objects.filter(user=user)
    assert sorted(logged.values_list("child_id", flat=True)) == sorted(
        child.pk for child in data.children.values()
    )
    assert {row.reason for row in logged} == {"CIN census 2027: 2026-04-01 to 2027-03-31"}
    assert {row.via for row in logged} == {"/api/v1/returns/cin-census.xml?year=2027"}
    event = Event.objects.get(actor=user, action="cin_census_downloaded")
    assert event.data == {"period": "CIN census 2027: 2026-04-01 to 2027-03-31", "children": 7}


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.EDT_WORKER, Role.AUDITOR, Role.PARTNER_AGENCY]
)
@pytest.mark.parametrize(
    "path", ["/api/v1/returns/cin-census.xml?year=2027", "/api/v1/returns/annex-a.xlsx"]
)
def test_other_roles_may_not_download_a_return(
    make_user: Callable[..., User], api_as: Api, role: str, path: str
) -> None:
    user = make_user(role)
    response = api_as(user).get(
        path + ("&" if "?" in path else "?") + "from=2026-04-01&to=2027-03-31"
    )
    assert response.status_code == 403
    assert not AccessLog.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/returns/cin-census.xml", "year"),
        ("/api/v1/returns/cin-census.xml?year=twenty", "year"),
        ("/api/v1/returns/cin-census.xml?year=1850", "year"),
        ("/api/v1/returns/annex-a.xlsx?to=2027-03-31", "from"),
        ("/api/v1/returns/annex-a.xlsx?from=2026-04-01", "to"),
        ("/api/v1/returns/annex-a.xlsx?from=2026-04-31&to=2027-03-31", "from"),
        ("/api/v1/returns/annex-a.xlsx?from=2027-04-01&to=2027-03-31", "to"),
    ],
)
def test_a_bad_period_is_400_naming_the_field(
    manager: User, api_as: Api, path: str, field: str
) -> None:
    response = api_as(manager).get(path)
    assert response.status_code == 400
    assert field in response.json()


def sheets(content: bytes) -> dict[str, list[list[Any]]]:
    book = load_workbook(BytesIO(content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def test_annex_a_has_ofsteds_columns_and_the_records_of_the_period(
    data: dataset.DataSet, manager: User, api_as: Api
) -> None:
    response = api_as(manager).get("/api/v1/returns/annex-a.xlsx?from=2026-04-01&to=2027-03-31")
    assert response.status_code == 200
    found = sheets(response.content)
    assert list(found) == ["List 1", "List 3", "List 4", "List 5"]
    for name, columns in COLUMNS.items():
        assert found[name][0] == columns
    rows = {name: found[name][1:] for name in found}
    # G's episode began before the period, with nothing in it but an open plan: not listed.
    ids = {key: la_child_id(child) for key, child in data.children.items() if key != "g"}
    # List 1: the contacts received in the period; C's first (November 2025) is before it.
    assert sorted(row[0] for row in rows["List 1"]) == sorted(ids.values())
    # List 3: six referrals; only C's second had one in the 12 months before (3 Nov 2025);
    # only D's closed with nothing after it.
    by_child = {row[0]: row for row in rows["List 3"]}
    assert len(rows["List 3"]) == 6
    column = COLUMNS["List 3"].index
    assert {
        key: by_child[ids[key]][column("Number of Referrals in Last 12 Months")] for key in ids
    } == {"a": 0, "b": 0, "c": 1, "d": 0, "e": 0, "f": 0}
    nfa = [key for key in ids if by_child[ids[key]][column("Referral NFA?")] == "a) Yes"]
    assert nfa == ["d"]
    assert by_child[ids["f"]][column("Referral Source")] == "q) 6: Police"
    assert by_child[ids["a"]][column("Date of referral")].date() == date(2026, 5, 4)
    # List 4: A's assessment (authorised in the period) and C's open one; C's first ended in
    # January 2026, before the period.
    column = COLUMNS["List 4"].index
    assert sorted(row[0] for row in rows["List 4"]) == sorted([ids["a"], ids["c"]])
    a_row = next(row for row in rows["List 4"] if row[0] == ids["a"])
    assert a_row[column("Continuous Assessment Date of Authorisation")].date() == date(2026, 6, 10)
    assert (
        a_row[column("Was the child assessed as requiring LA children's social care support?")]
        == "a) Yes"
    )
    # List 5: the enquiries of B, E and F; E's needed no conference; B's made a plan.
    column = COLUMNS["List 5"].index
    by_child = {row[0]: row for row in rows["List 5"]}
    assert sorted(by_child) == sorted([ids["b"], ids["e"], ids["f"]])
    unnecessary = "Was an Initial Child Protection Conference deemed unnecessary?"
    assert by_child[ids["e"]][column(unnecessary)] == "a) Yes"
    assert by_child[ids["b"]][column(unnecessary)] == "b) No"
    assert by_child[ids["b"]][column("Date of Initial Child Protection Conference")].date() == date(
        2026, 9, 22
    )
    plan = "Did the Initial Child Protection Conference Result in a Child Protection Plan"
    assert by_child[ids["b"]][column(plan)] == "a) Yes"
    # Every child in the file is in the access log, with the period.
    logged = AccessLog.objects.filter(user=manager)
    assert set(logged.values_list("child_id", flat=True)) == {
        child.pk for key, child in data.children.items() if key != "g"
    }
    assert {row.reason for row in logged} == {"Annex A: 2026-04-01 to 2027-03-31"}
