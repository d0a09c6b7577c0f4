"""Dates that cannot be true are refused with a 400 naming the field."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from mach.models import Contact, User
from tests.conftest import Api, contact_body

pytestmark = pytest.mark.django_db
CONTACTS = "/api/v1/contacts/"


def _years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years, day=min(day.day, 28))


def _post(api_as: Api, user: User, body: dict[str, Any]) -> Any:
    return api_as(user).post(CONTACTS, body, format="json")


@pytest.mark.parametrize(
    "received_at",
    [
        pytest.param("1999-12-31T23:59:00+00:00", id="before-2000"),
        pytest.param("0001-01-01T00:00:00+00:00", id="year-one"),
        pytest.param((timezone.now() + timedelta(minutes=10)).isoformat(), id="ten-minutes-ahead"),
        pytest.param((timezone.now() + timedelta(days=30)).isoformat(), id="next-month"),
    ],
)
def test_a_contact_cannot_be_received_before_2000_or_in_the_future(
    police: User, api_as: Api, received_at: str
) -> None:
    response = _post(api_as, police, contact_body(received_at=received_at))

    assert response.status_code == 400
    assert list(response.json()) == ["received_at"]
    assert not Contact.objects.exists()


def test_a_partner_clock_a_little_ahead_is_allowed(police: User, api_as: Api) -> None:
    ahead = (timezone.now() + timedelta(minutes=2)).isoformat()

    response = _post(api_as, police, contact_body(received_at=ahead))

    assert response.status_code == 201, response.content


def _unborn(expected: date) -> dict[str, Any]:
    return {"first_name": "Baby", "last_name": "Smith", "expected_date_of_birth": str(expected)}


@pytest.mark.parametrize(
    "days_ahead",
    [pytest.param(-1, id="yesterday"), pytest.param(320, id="ten-and-a-half-months")],
)
def test_an_expected_date_of_birth_is_ahead_by_at_most_ten_months(
    police: User, api_as: Api, days_ahead: int
) -> None:
    expected = timezone.localdate() + timedelta(days=days_ahead)

    response = _post(api_as, police, contact_body(children=[_unborn(expected)]))

    assert response.status_code == 400
    assert list(response.json()["children"]["0"]) == ["expected_date_of_birth"]


@pytest.mark.parametrize("days_ahead", [0, 290])
def test_an_expected_date_of_birth_within_ten_months_is_taken(
    police: User, api_as: Api, days_ahead: int
) -> None:
    expected = timezone.localdate() + timedelta(days=days_ahead)

    response = _post(api_as, police, contact_body(children=[_unborn(expected)]))

    assert response.status_code == 201, response.content


def test_an_adult_younger_than_ten_is_refused(police: User, api_as: Api) -> None:
    born = _years_before(timezone.localdate(), 9)
    adult = {"first_name": "Jo", "last_name": "Smith", "date_of_birth": str(born)}

    response = _post(api_as, police, contact_body(adults=[adult]))

    assert response.status_code == 400
    assert list(response.json()["adults"]["0"]) == ["date_of_birth"]


def test_a_ten_year_old_may_be_recorded_among_the_adults(police: User, api_as: Api) -> None:
    born = _years_before(timezone.localdate(), 10)
    adult = {"first_name": "Jo", "last_name": "Smith", "date_of_birth": str(born)}

    response = _post(api_as, police, contact_body(adults=[adult]))

    assert response.status_code == 201, response.content
