"""The worklist: open contacts, overdue first, then by deadline, with the time left."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mach.models import AccessLog, Role, Team, User
from mach.templatetags.front_door import describe_time_left
from tests.conftest import Api, contact_body
from tests.factories import ContactFactory, ContactPersonFactory
from tests.web.conftest import SignedIn, page_text, summary_links

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_user: Callable[..., User]) -> User:
    return make_user(Role.SOCIAL_WORKER)


def _references(html: str) -> list[str]:
    return re.findall(r">(CON-\d{7})</a>", html)


def test_open_contacts_are_listed_overdue_first_then_by_deadline(
    worker: User, signed_in: SignedIn
) -> None:
    now = timezone.now()
    later = ContactFactory(decision_due_at=now + timedelta(hours=5))
    overdue = ContactFactory(decision_due_at=now - timedelta(days=2))
    soon = ContactFactory(decision_due_at=now + timedelta(hours=1))
    ContactFactory(decision_due_at=now - timedelta(days=9), state="decided")

    html = page_text(signed_in(worker).get("/worklist/"))

    assert _references(html) == [overdue.reference, soon.reference, later.reference]
    assert "overdue by 2 days" in html
    assert "3 open contacts" in html


def test_red_contacts_come_next_after_overdue_ones_red_from_intake(
    worker: User, signed_in: SignedIn, api_as: Api
) -> None:
    now = timezone.now()
    overdue = ContactFactory(decision_due_at=now - timedelta(days=2))
    soon = ContactFactory(decision_due_at=now + timedelta(minutes=30))
    red = api_as(worker).post(
        "/api/v1/contacts/",
        contact_body(received_at=now.isoformat(), immediate_safety_concern=True),
        format="json",
    )

    html = page_text(signed_in(worker).get("/worklist/"))

    assert _references(html) == [overdue.reference, red.json()["reference"], soon.reference]


def test_pages_keep_the_order_overdue_then_red_then_the_rest_across_their_boundary(
    worker: User, signed_in: SignedIn
) -> None:
    now = timezone.now()
    rest = [ContactFactory(decision_due_at=now + timedelta(hours=1 + n)) for n in range(12)]
    red = [
        ContactFactory(rag="red", decision_due_at=now + timedelta(hours=2 + n)) for n in range(9)
    ]
    overdue = [ContactFactory(decision_due_at=now - timedelta(hours=9 - n)) for n in range(8)]
    client = signed_in(worker)

    shown = _references(page_text(client.get("/worklist/"))) + _references(
        page_text(client.get("/worklist/?page=2"))
    )

    assert shown == [contact.reference for contact in overdue + red + rest]


@pytest.mark.parametrize(
    ("due_in", "words"),
    [
        (timedelta(hours=2, minutes=10), "2 h 10 m left"),
        (timedelta(minutes=25), "25 m left"),
        (timedelta(seconds=20), "1 m left"),
        (timedelta(days=3, hours=4), "3 days left"),
        (timedelta(days=-1, hours=-2), "overdue by 1 day"),
        (timedelta(days=-4), "overdue by 4 days"),
        (timedelta(hours=-3, minutes=-5), "overdue by 3 h 5 m"),
    ],
)
def test_time_left_reads_in_words(due_in: timedelta, words: str) -> None:
    now = datetime(2026, 12, 24, 12, 0, tzinfo=UTC)

    assert describe_time_left(now + due_in, now) == words


def test_children_are_named_and_each_one_shown_is_logged(worker: User, signed_in: SignedIn) -> None:
    link = ContactPersonFactory(person__first_name="Amy", person__last_name="Smith")

    html = page_text(signed_in(worker).get("/worklist/"))

    assert "Amy Smith" in html
    assert AccessLog.objects.filter(user=worker, child=link.person, via="/worklist/").exists()


def test_filters_narrow_the_list_by_state_rag_and_team(worker: User, signed_in: SignedIn) -> None:
    other_team = Team.objects.create(slug="north", name="North MACH")
    red = ContactFactory(rag="red")
    amber_waiting = ContactFactory(rag="amber", state="awaiting_oversight")
    north = ContactFactory(rag="red", team=other_team)
    client = signed_in(worker)

    assert set(_references(page_text(client.get("/worklist/?rag=red")))) == {
        red.reference,
        north.reference,
    }
    assert _references(page_text(client.get("/worklist/?state=awaiting_oversight"))) == [
        amber_waiting.reference
    ]
    assert _references(page_text(client.get("/worklist/?rag=red&team=north"))) == [north.reference]


def test_an_unknown_filter_value_is_shown_as_an_error_not_applied(
    worker: User, signed_in: SignedIn
) -> None:
    contact = ContactFactory()

    html = page_text(signed_in(worker).get("/worklist/?rag=purple"))

    assert summary_links(html) == [("rag", "Select a rag rating from the list")]
    assert _references(html) == [contact.reference]


def test_the_number_of_queries_does_not_grow_with_the_contacts_shown(
    worker: User, signed_in: SignedIn
) -> None:
    client = signed_in(worker)
    ContactPersonFactory()
    client.get("/worklist/")
    with CaptureQueriesContext(connection) as few:
        client.get("/worklist/")
    for _ in range(20):
        link = ContactPersonFactory()
        ContactPersonFactory(contact=link.contact)

    with CaptureQueriesContext(connection) as many:
        client.get("/worklist/")

    assert len(many) == len(few)


def test_pages_of_the_worklist_keep_the_filters(worker: User, signed_in: SignedIn) -> None:
    for _ in range(30):
        ContactFactory(rag="green")

    html = page_text(signed_in(worker).get("/worklist/?rag=green"))

    assert 'href="?rag=green&amp;page=2"' in html
    assert "Page 1 of 2" in html


def test_a_partner_agency_cannot_open_the_worklist(
    make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    partner = make_user(Role.PARTNER_AGENCY, team="cleveland-police")

    response = signed_in(partner).get("/worklist/")

    assert response.status_code == 403
    assert b"You cannot open this page" in response.content


def _row_of(html: str, reference: str) -> str:
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*>{reference}</a>(?:(?!</tr>).)*</tr>", html, re.S)
    assert row, reference
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row[0]))


def test_each_contact_shows_who_holds_it_and_what_it_waits_for(
    worker: User, signed_in: SignedIn
) -> None:
    received = ContactFactory()
    screened = ContactFactory(state="awaiting_oversight")

    html = page_text(signed_in(worker).get("/worklist/"))

    team = Team.objects.intake().name
    assert f"{team} Waiting for: screening by a worker" in _row_of(html, received.reference)
    assert f"{team} Waiting for: oversight by a manager" in _row_of(html, screened.reference)
