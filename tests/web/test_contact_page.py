"""The contact page: the details, each child's match status and proposed matches, the
timeline; and the child page with the chronology."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from mach.models import AccessLog, MatchProposal, Person, Role, User
from tests.conftest import contact_body
from tests.web.conftest import SignedIn, page_text, summary_links

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_user: Callable[..., User]) -> User:
    return make_user(Role.SOCIAL_WORKER)


@pytest.fixture
def proposed(worker: User, api_as: Callable[[User], APIClient]) -> dict[str, Any]:
    """A second contact naming 'Amy Smyth' with Amy Smith's birthday: a proposed match."""
    api = api_as(worker)
    first = api.post("/api/v1/contacts/", contact_body(), format="json").json()
    child = {"first_name": "Amy", "last_name": "Smyth", "date_of_birth": "2015-03-02"}
    second = api.post(
        "/api/v1/contacts/", contact_body(children=[child], adults=[]), format="json"
    ).json()
    return {
        "contact": second["id"],
        "existing": first["children"][0]["id"],
        "new": second["children"][0]["id"],
        "proposal": MatchProposal.objects.get().pk,
    }


def test_the_contact_page_shows_the_details_match_status_and_timeline(
    worker: User, signed_in: SignedIn, api_as: Callable[[User], APIClient]
) -> None:
    api = api_as(worker)
    christmas_eve = contact_body(received_at="2025-12-24T16:05:00+00:00")
    api.post("/api/v1/contacts/", christmas_eve, format="json")
    contact = api.post("/api/v1/contacts/", christmas_eve, format="json").json()

    html = page_text(signed_in(worker).get(f"/contacts/{contact['id']}/"))

    assert contact["reference"] in html
    assert "Free text in the referrer&#x27;s words." in html
    assert "Existing record" in html
    assert "PC A Jones, Officer, Cleveland Police" in html
    assert "Contact received" in html
    assert worker.username in html
    assert "Decision due Monday 29 December 2025, 16:05" in html


def test_opening_the_contact_page_logs_each_child(
    worker: User, signed_in: SignedIn, api_as: Callable[[User], APIClient]
) -> None:
    contact = api_as(worker).post("/api/v1/contacts/", contact_body(), format="json").json()
    path = f"/contacts/{contact['id']}/"

    signed_in(worker).get(path)

    assert AccessLog.objects.filter(
        user=worker, child_id=contact["children"][0]["id"], via=path, action="view"
    ).exists()


def test_a_proposed_match_is_shown_with_its_reason(
    worker: User, signed_in: SignedIn, proposed: dict[str, Any]
) -> None:
    html = page_text(signed_in(worker).get(f"/contacts/{proposed['contact']}/"))

    assert "This may be the same person as Amy Smith, born 2 March 2015" in html
    assert "same date of birth" in html
    assert "New record" in html


def _decide(client: Client, proposed: dict[str, Any], decision: str, reason: str) -> Any:
    return client.post(
        f"/match-proposals/{proposed['proposal']}/",
        {"contact": proposed["contact"], "decision": decision, "reason": reason},
        follow=True,
    )


def test_a_worker_rejects_a_proposed_match_with_a_reason(
    worker: User, signed_in: SignedIn, proposed: dict[str, Any]
) -> None:
    response = _decide(signed_in(worker), proposed, "reject", "Different school")

    assert "Recorded: not the same person." in page_text(response)
    proposal = MatchProposal.objects.get()
    assert (proposal.status, proposal.decided_by) == ("rejected", worker)
    assert Person.objects.get(pk=proposed["new"]).merged_into_id is None


def test_a_worker_confirms_a_proposed_match_and_the_records_merge(
    worker: User, signed_in: SignedIn, proposed: dict[str, Any]
) -> None:
    response = _decide(signed_in(worker), proposed, "confirm", "Same GP and school")

    assert "The records were merged." in page_text(response)
    assert Person.objects.get(pk=proposed["new"]).merged_into_id == proposed["existing"]
    assert "Amy Smith" in page_text(response)


def test_deciding_a_match_without_a_reason_shows_the_error_on_the_page(
    worker: User, signed_in: SignedIn, proposed: dict[str, Any]
) -> None:
    response = _decide(signed_in(worker), proposed, "confirm", "")

    assert response.status_code == 400
    anchor = f"proposal-{proposed['proposal']}-reason"
    assert summary_links(page_text(response)) == [(anchor, "Enter what you checked to decide")]
    assert MatchProposal.objects.get().status == "proposed"


def test_the_child_page_shows_the_chronology_of_siblings(
    worker: User, signed_in: SignedIn, api_as: Callable[[User], APIClient]
) -> None:
    api = api_as(worker)
    sibling = {
        "first_name": "Ben",
        "last_name": "Smith",
        "date_of_birth": "2018-07-09",
        "address": {"postcode": "TS1 2AB"},
    }
    both = api.post(
        "/api/v1/contacts/",
        contact_body(children=[contact_body()["children"][0], sibling]),
        format="json",
    ).json()
    ben_only = api.post("/api/v1/contacts/", contact_body(children=[sibling]), format="json")
    amy = both["children"][0]["id"]

    html = page_text(signed_in(worker).get(f"/children/{amy}/"))

    assert f"Contact {both['reference']}" in html
    assert f"Contact {ben_only.json()['reference']}" in html
    assert "Jo Smith" in html
    assert AccessLog.objects.filter(user=worker, child_id=amy, via=f"/children/{amy}/").exists()


def test_a_proposed_match_shows_what_tells_the_two_records_apart(
    worker: User, signed_in: SignedIn, proposed: dict[str, Any]
) -> None:
    html = page_text(signed_in(worker).get(f"/contacts/{proposed['contact']}/"))

    listed = re.sub(r"<[^>]+>", " ", html)
    listed = re.sub(r"\s+", " ", listed)
    existing = Person.objects.get(pk=proposed["existing"])
    assert f"Record number {existing.pk}" in listed
    assert "Address 1 High Street, Middlesbrough, TS1 2AB" in listed
    assert "NHS number ending *** *** *919" in listed
    assert "9434765919" not in html
    assert f"Last contact {existing.contacts.get().received_at:%-d %B %Y}" in listed
