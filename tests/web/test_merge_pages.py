"""Merges on the child page: the history of records merged into a child's, and a manager
undoing one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from mach.models import MatchProposal, Person, PersonMerge, User
from tests.conftest import SignedIn, contact_body
from tests.web.conftest import assert_sent_to_sign_in, page_text, summary_links

pytestmark = pytest.mark.django_db


@pytest.fixture
def merge(social_worker: User, api_as: Callable[[User], APIClient]) -> PersonMerge:
    api = api_as(social_worker)
    api.post("/api/v1/contacts/", contact_body(), format="json")
    child = {"first_name": "Amy", "last_name": "Smyth", "date_of_birth": "2015-03-02"}
    api.post("/api/v1/contacts/", contact_body(children=[child], adults=[]), format="json")
    proposal = MatchProposal.objects.get()
    api.post(
        f"/api/v1/match-proposals/{proposal.pk}/confirm/", {"reason": "Same GP."}, format="json"
    )
    return PersonMerge.objects.get()


def test_the_kept_record_lists_the_merge_with_an_undo_link_for_managers(
    merge: PersonMerge, manager: User, social_worker: User, signed_in: SignedIn
) -> None:
    path = f"/children/{merge.kept_id}/"

    assert f"/person-merges/{merge.pk}/undo/" in page_text(signed_in(manager).get(path))
    html = page_text(signed_in(social_worker).get(path))
    assert "Amy Smyth" in html
    assert f"/person-merges/{merge.pk}/undo/" not in html


def test_the_merged_away_record_points_to_the_kept_one(
    merge: PersonMerge, social_worker: User, signed_in: SignedIn
) -> None:
    html = page_text(signed_in(social_worker).get(f"/children/{merge.duplicate_id}/"))

    assert f'href="/children/{merge.kept_id}/"' in html


def test_a_manager_undoes_the_merge_with_a_reason(
    merge: PersonMerge, manager: User, signed_in: SignedIn
) -> None:
    response = signed_in(manager).post(
        f"/person-merges/{merge.pk}/undo/", {"reason": "Different schools."}, follow=True
    )

    assert "The merge was undone" in page_text(response)
    assert Person.objects.get(pk=merge.duplicate_id).merged_into_id is None
    assert PersonMerge.objects.get().undone_by == manager


def test_undoing_without_a_reason_is_refused_on_the_page(
    merge: PersonMerge, manager: User, signed_in: SignedIn
) -> None:
    response = signed_in(manager).post(f"/person-merges/{merge.pk}/undo/", {"reason": ""})

    assert response.status_code == 400
    assert summary_links(page_text(response)) == [
        ("reason", "Enter why these are different people")
    ]


@pytest.mark.parametrize("role", ["social_worker", "edt_worker", "partner_agency", "auditor"])
def test_only_managers_may_undo_a_merge(
    merge: PersonMerge, role: str, make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    response = signed_in(make_user(role)).get(f"/person-merges/{merge.pk}/undo/")

    assert response.status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in_from_the_undo_page(merge: Any) -> None:
    response = Client().get(f"/person-merges/{merge.pk}/undo/")

    assert_sent_to_sign_in(response)
