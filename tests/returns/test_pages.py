"""The returns' pages: who may use each, the data-quality list with its links to fix each
record, and the census forms, which refuse a bad code naming the field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from mach.models import AccessLog, Person, Referral, User
from tests.factories import ChildFactory
from tests.web.conftest import (
    SignedIn,
    assert_page_roles,
    assert_sent_to_sign_in,
    page_text,
)
from tests.web.test_page_permissions import WORKERS

from . import dataset

pytestmark = pytest.mark.django_db
MANAGERS = {"manager", "service_manager"}

PAGES: list[tuple[str, str, set[str]]] = [
    ("get", "/returns/", MANAGERS),
    ("get", "/returns/cin-census.xml?year=2027", MANAGERS),
    ("get", "/returns/annex-a.xlsx?from=2026-04-01&to=2027-03-31", MANAGERS),
    ("get", "/returns/data-quality/?year=2027", MANAGERS),
    ("get", "/children/{child}/census/", WORKERS),
    ("post", "/children/{child}/census/", WORKERS),
    ("get", "/referrals/{referral}/primary-need/", WORKERS),
    ("post", "/referrals/{referral}/primary-need/", WORKERS),
    ("get", "/referrals/{referral}/close/", WORKERS),
    ("post", "/referrals/{referral}/close/", WORKERS),
]


@pytest.fixture
def records() -> dict[str, int]:
    child = ChildFactory()
    referral = dataset.referral(child, date(2026, 5, 4))
    return {"child": child.pk, "referral": referral.pk}


@pytest.mark.parametrize(
    ("method", "path", "allowed"), PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES]
)
def test_each_role_may_use_exactly_its_returns_pages(
    method: str,
    path: str,
    allowed: set[str],
    records: dict[str, int],
    make_user: Callable[..., User],
    signed_in: SignedIn,
) -> None:
    assert_page_roles(method, path.format(**records), allowed, make_user, signed_in)


@pytest.mark.parametrize(
    ("method", "path", "allowed"), PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES]
)
def test_anonymous_visitors_are_sent_to_sign_in(
    method: str, path: str, allowed: set[str], records: dict[str, int]
) -> None:
    assert_sent_to_sign_in(getattr(Client(), method)(path.format(**records)))


def test_the_data_quality_page_lists_each_record_that_would_fail_with_a_link_to_fix_it(
    social_worker: User, manager: User, signed_in: SignedIn
) -> None:
    data = dataset.build(social_worker)
    # Break two of the data set's records as practice often does: no disabilities recorded,
    # no primary need on an episode that went on to an s47 enquiry.
    Person.objects.filter(pk=data.children["c"].pk).update(disabilities=[])
    Referral.objects.filter(pk=data.referrals["b"].pk).update(primary_need="")
    response = signed_in(manager).get("/returns/data-quality/?year=2027")
    assert response.status_code == 200
    text = page_text(response)
    assert "2 records would fail a DfE rule" in text
    assert f'href="/children/{data.children["c"].pk}/census/"' in text
    assert f'href="/referrals/{data.referrals["b"].pk}/primary-need/"' in text
    assert ">8540<" in text and ">8610<" in text
    logged = AccessLog.objects.filter(user=manager).values_list("child_id", flat=True)
    assert sorted(logged) == sorted([data.children["c"].pk, data.children["b"].pk])


def test_a_clean_census_has_nothing_to_fix(
    social_worker: User, manager: User, signed_in: SignedIn
) -> None:
    dataset.build(social_worker)
    text = page_text(signed_in(manager).get("/returns/data-quality/?year=2027"))
    assert "0 records would fail" in text
    assert "/returns/cin-census.xml?year=2027" in text


def test_the_census_download_page_names_a_bad_year(manager: User, signed_in: SignedIn) -> None:
    response = signed_in(manager).get("/returns/cin-census.xml?year=next")
    assert response.status_code == 400
    assert 'id="year-error"' in page_text(response)


def test_a_worker_records_census_details_on_the_form(
    records: dict[str, int], social_worker: User, signed_in: SignedIn
) -> None:
    client = signed_in(social_worker)
    path = f"/children/{records['child']}/census/"
    response = client.post(
        path, {"upn": "B801200005001", "ethnicity": "WIRI", "disabilities": ["AUT"]}
    )
    assert response.status_code == 302
    child = Person.objects.get(pk=records["child"])
    assert (child.upn, child.ethnicity, child.disabilities) == ("B801200005001", "WIRI", ["AUT"])
    response = client.post(path, {"upn": "A801200005001"})
    assert response.status_code == 400
    assert 'id="upn-error"' in page_text(response)


def test_a_worker_closes_an_episode_on_the_form(
    records: dict[str, int], social_worker: User, signed_in: SignedIn
) -> None:
    path = f"/referrals/{records['referral']}/close/"
    client = signed_in(social_worker)
    bad = client.post(
        path,
        {"closed_on-day": "3", "closed_on-month": "5", "closed_on-year": "2026", "reason": "RC7"},
    )
    assert bad.status_code == 400
    assert 'id="closed_on-error"' in page_text(bad)
    response = client.post(
        path,
        {
            "closed_on-day": "1",
            "closed_on-month": "6",
            "closed_on-year": "2026",
            "reason": "RC7",
            "primary_need": "N3",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get(pk=records["referral"])
    assert (referral.closed_on, referral.closure_reason, referral.primary_need) == (
        date(2026, 6, 1),
        "RC7",
        "N3",
    )
