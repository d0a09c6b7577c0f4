"""A contact about a child whose case is open (spec section 4): information on that case."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from assessments.models import Assessment
from mach import workflows
from mach.models import Contact, Referral, Role, Team, User
from tests.conftest import Api
from tests.web.conftest import SignedIn, page_text

pytestmark = pytest.mark.django_db
AGREE = {"decision": "agree", "rationale": "Assessment needed."}


def _decide(api_as: Api, manager: User, contact: dict[str, Any]) -> dict[str, Any]:
    response = api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/", AGREE, format="json"
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_a_second_contact_a_week_later_is_information_on_the_open_assessment(
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    social_worker: User,
    api_as: Api,
    signed_in: SignedIn,
) -> None:
    first = screened_contact({"received_at": "2026-11-02T10:00:00+00:00"})
    _decide(api_as, manager, first)
    assessment = Assessment.objects.get()
    Assessment.objects.filter(pk=assessment.pk).update(
        team=Team.objects.get_or_create(slug="assessment-east", defaults={"name": "East"})[0]
    )

    second = screened_contact({"received_at": "2026-11-09T10:00:00+00:00"})
    decided = _decide(api_as, manager, second)

    assert second["open_case"] == {
        "kind": "assessment",
        "record_id": assessment.pk,
        "allocated_worker_id": None,
    }
    assert second["team"] == "assessment-east"
    assert (decided["state"], decided["referral"], decided["referrals"]) == ("decided", None, [])
    assert Referral.objects.count() == 1
    assert not Referral.objects.filter(is_rereferral=True).exists()
    assert Assessment.objects.count() == 1
    shown = api_as(social_worker).get(f"/api/v1/assessments/{assessment.pk}/").json()
    assert shown["information_contacts"] == [second["id"]]
    page = page_text(signed_in(social_worker).get(f"/assessments/{assessment.pk}/"))
    assert f'href="/contacts/{second["id"]}/"' in page


def test_a_case_opened_after_the_contact_arrived_still_makes_no_second_referral(
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    api_as: Api,
) -> None:
    waiting = screened_contact({"received_at": "2026-11-09T10:00:00+00:00"})
    first = screened_contact({"received_at": "2026-11-02T10:00:00+00:00"})
    _decide(api_as, manager, first)

    decided = _decide(api_as, manager, waiting)

    assert decided["referral"] is None
    assert decided["open_case"]["record_id"] == Assessment.objects.get().pk
    assert Referral.objects.count() == 1


@pytest.fixture
def open_discussions(make_user: Callable[..., User]) -> Iterator[User]:
    """What another app registers: a referral to immediate protection, a next step no app here
    opens, stands in for that app's open record, allocated to one worker."""
    worker = make_user(Role.SOCIAL_WORKER, team="mach-south")
    workflows.register_open_case_kind(
        "immediate_protection",
        workflows.OpenCaseKind(
            label="Immediate protection",
            records=lambda: Referral.objects.filter(outcome="immediate_protection"),
            worker_id=lambda record: worker.pk,
        ),
    )
    try:
        yield worker
    finally:
        workflows.open_case_kinds.remove("immediate_protection")


def test_an_app_registers_what_counts_as_an_open_case(
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    api_as: Api,
    open_discussions: User,
) -> None:
    discussion = {"recommended_outcome": "immediate_protection"}
    first = screened_contact({"received_at": "2026-11-02T10:00:00+00:00"}, **discussion)
    api_as(manager).post(f"/api/v1/contacts/{first['id']}/oversight/", AGREE, format="json")

    second = screened_contact({"received_at": "2026-11-09T10:00:00+00:00"}, **discussion)
    decided = (
        api_as(manager)
        .post(f"/api/v1/contacts/{second['id']}/oversight/", AGREE, format="json")
        .json()
    )

    assert second["open_case"] == {
        "kind": "immediate_protection",
        "record_id": Referral.objects.get().pk,
        "allocated_worker_id": open_discussions.pk,
    }
    assert decided["referral"] is None
    assert Contact.objects.get(pk=second["id"]).allocated_worker == open_discussions
