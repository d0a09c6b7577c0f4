"""A homeless presentation walked to a decision on the pages: each step's page runs the
service the API calls, refuses what the API refuses, and the record shows each step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.homeless.models import HomelessPresentation
from mach.models import AccessLog, User
from tests.web.conftest import SignedIn

pytestmark = pytest.mark.django_db


def _date(name: str, day: str) -> dict[str, str]:
    year, month, dom = day.split("-")
    return {f"{name}-day": dom, f"{name}-month": month, f"{name}-year": year}


def test_a_presentation_walked_to_a_decision(social_worker: User, signed_in: SignedIn) -> None:
    client = signed_in(social_worker)
    today = timezone.localdate()
    born = (
        today.replace(year=today.year - 17)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year - 17, day=28)
    )
    response = client.post(
        "/homeless-presentations/new/",
        {
            "first_name": "Jade",
            "last_name": "Patel",
            **_date("date_of_birth", born.isoformat()),
            "presented_to": "housing",
        },
    )
    presentation = HomelessPresentation.objects.get()
    base = f"/homeless-presentations/{presentation.pk}/"
    assert response["Location"] == base
    detail = client.get(base).content.decode()
    assert "The young person&#x27;s own account" in detail
    assert "Rights explained and advocacy offered" not in detail  # not before the account

    steps = [
        ("account", {"account": "Mum told me to leave.", "wishes_and_feelings": "Somewhere safe."}),
        (
            "rights-and-advocacy",
            {
                **_date("rights_explained_on", today.isoformat()),
                **_date("advocacy_offered_on", today.isoformat()),
                "advocacy_taken_up": "true",
            },
        ),
        ("accommodation", {"type": "foster_care", "under_s20": "yes"}),
        (
            "joint-assessment",
            {
                "housing_officer": "Pat Lewis",
                **_date("completed_on", today.isoformat()),
                "summary": "Cannot return home now.",
            },
        ),
        ("decision", {"outcome": "s20_accommodated", "reason": "Needs care."}),
    ]
    for step, form in steps:
        assert client.get(f"{base}{step}/").status_code == 200
        response = client.post(f"{base}{step}/", form)
        assert response.status_code == 302, (step, response.content.decode()[:3000])

    presentation = HomelessPresentation.objects.get()
    assert presentation.state == "decided"
    assert presentation.accommodated_under_s20 is True
    page = client.get(base).content.decode()
    assert "Looked after (section 20)" in page
    assert "Pat Lewis" in page
    assert AccessLog.objects.filter(user=social_worker, child=presentation.young_person).exists()


def test_the_page_refuses_what_the_api_refuses(social_worker: User, signed_in: SignedIn) -> None:
    client = signed_in(social_worker)
    too_old = timezone.localdate().replace(year=timezone.localdate().year - 19)
    response = client.post(
        "/homeless-presentations/new/",
        {
            "first_name": "Sam",
            "last_name": "Old",
            **_date("date_of_birth", too_old.isoformat()),
            "presented_to": "childrens_services",
        },
    )
    assert response.status_code == 400
    assert "16 and 17 year olds" in response.content.decode()
    assert not HomelessPresentation.objects.exists()


def test_bed_and_breakfast_is_refused_on_the_page(social_worker: User, signed_in: SignedIn) -> None:
    client = signed_in(social_worker)
    today = timezone.localdate()
    born = today - timedelta(days=17 * 365)
    client.post(
        "/homeless-presentations/new/",
        {
            "first_name": "Nia",
            "last_name": "Okafor",
            **_date("date_of_birth", born.isoformat()),
            "presented_to": "childrens_services",
        },
    )
    base = f"/homeless-presentations/{HomelessPresentation.objects.get().pk}/"
    # Before the account, the accommodation page's answer is the pathway's order.
    early = client.post(f"{base}accommodation/", {"type": "foster_care"})
    assert early.status_code == 400
    assert "own account" in early.content.decode()
    response = client.post(f"{base}accommodation/", {"type": "bed_and_breakfast"})
    assert response.status_code == 400
    assert "never suitable" in response.content.decode()


def test_the_leaflet_is_in_plain_words(social_worker: User, signed_in: SignedIn) -> None:
    page = signed_in(social_worker).get("/homeless-presentations/leaflet/").content.decode()
    assert "We will never put you in a bed and breakfast" in page
    assert "advocate" in page


def test_the_list_page_costs_the_same_queries_for_one_presentation_or_many(
    social_worker: User, signed_in: SignedIn
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessments.homeless import services
    from mach.services import PersonInput

    born = timezone.localdate() - timedelta(days=17 * 365)

    def present(first: str) -> None:
        services.presentation_create(
            actor=social_worker,
            young_person=PersonInput(first_name=first, last_name="Young", date_of_birth=born),
            presented_to="housing",
        )

    client = signed_in(social_worker)
    present("Ash")
    with CaptureQueriesContext(connection) as one:
        client.get("/homeless-presentations/")
    for first in ("Bea", "Cal", "Dee", "Eli"):
        present(first)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/homeless-presentations/").content.decode()
    assert "Eli Young" in page
    assert 0 < len(many) <= len(one)
