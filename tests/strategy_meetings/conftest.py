from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mach import timescales, workflows
from mach.models import Role, Team, User
from strategy_meetings import services
from strategy_meetings.models import Conference, S47Enquiry, StrategyDiscussion
from tests.conftest import Api

MINIMUM = [
    {
        "agency": "childrens_social_care",
        "name": "Sam Worker",
        "role": "Social worker",
        "can_decide_for_agency": True,
    },
    {
        "agency": "police",
        "name": "DS Patel",
        "role": "Detective sergeant",
        "can_decide_for_agency": True,
    },
    {"agency": "health", "name": "Dr Khan", "role": "Named nurse", "can_decide_for_agency": True},
]
INFORMATION = [
    {"agency": "police", "summary": "Two call-outs for domestic abuse in March."},
    {"agency": "health", "summary": "Missed immunisations; bruising seen at A&E."},
]
ANALYSIS = "Escalating violence with the children present; bruising unexplained: likely harm."


def held_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "held_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "attendees": MINIMUM,
        "information": INFORMATION,
        "analysis": ANALYSIS,
    }
    body.update(overrides)
    return body


@pytest.fixture
def discussion(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> dict[str, Any]:
    """A discussion opened by oversight agreeing with a red `strategy_discussion` screening."""
    contact = screened_contact(rag="red", recommended_outcome="strategy_discussion")
    response = api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "Reasonable cause to suspect significant harm."},
        format="json",
    )
    assert response.status_code == 200, response.content
    return dict(api_as(manager).get("/api/v1/strategy-discussions/").json()["results"][0])


@pytest.fixture
def held(discussion: dict[str, Any], social_worker: User, api_as: Api) -> dict[str, Any]:
    response = api_as(social_worker).post(
        f"/api/v1/strategy-discussions/{discussion['id']}/held/", held_body(), format="json"
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


def decide(api: Any, held: dict[str, Any], decision: str) -> dict[str, Any]:
    response = api.post(
        f"/api/v1/strategy-discussions/{held['id']}/decision/",
        {
            "decisions": [
                {"child": child, "decision": decision, "share_with_family": "Told today."}
                for child in held["children"]
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    return dict(response.json())


@pytest.fixture
def enquiry(held: dict[str, Any], social_worker: User, api_as: Api) -> dict[str, Any]:
    decide(api_as(social_worker), held, "s47_joint")
    return dict(api_as(social_worker).get("/api/v1/s47-enquiries/").json()["results"][0])


@pytest.fixture
def police_partner(make_user: Callable[..., User]) -> User:
    return make_user(Role.PARTNER_AGENCY, team="cleveland-police")


@pytest.fixture
def records(
    discussion: dict[str, Any], social_worker: User, api_as: Api, make_user: Callable[..., User]
) -> dict[str, int]:
    """A discussion the police partner is invited to, held with an action and decided (s47
    joint), whose enquiry was substantiated: a conference is due."""
    make_user(Role.PARTNER_AGENCY, team="cleveland-police")
    record = StrategyDiscussion.objects.get(pk=discussion["id"])
    services.discussion_invite(
        actor=social_worker,
        discussion=record,
        scheduled_for=timezone.now() + timedelta(hours=1),
        place="Teams",
        invitees=[
            {
                "agency": "police",
                "name": "DS Patel",
                "role": "Detective sergeant",
                "organisation": "Cleveland Police",
                "email": "ds.patel@example.org",
                "organisation_team": Team.objects.get(slug="cleveland-police"),
            }
        ],
    )
    api = api_as(social_worker)
    held = api.post(
        f"/api/v1/strategy-discussions/{discussion['id']}/held/", held_body(), format="json"
    ).json()
    action = services.strategy_action_add(
        actor=social_worker,
        discussion=record,
        description="Visit the children at home.",
        owner="Sam Worker",
        agency="childrens_social_care",
        child=record.discussion_children.get().child,
        due_date=timescales.working_day_after(timezone.localdate(), 5),
    )
    decide(api, held, "s47_joint")
    enquiry = S47Enquiry.objects.get()
    services.s47_record(
        actor=social_worker,
        enquiry=enquiry,
        child_seen_on=timezone.localdate(),
        childs_voice="Scared at home.",
        enquiries=[{"agency": "police", "summary": "Checks.", "made_on": timezone.localdate()}],
    )
    services.s47_complete(
        actor=social_worker, enquiry=enquiry, outcome="substantiated", next_step="conference"
    )
    return {
        "discussion": discussion["id"],
        "action": action.pk,
        "enquiry": enquiry.pk,
        "conference": Conference.objects.get().pk,
    }


@pytest.fixture
def no_safety_plans() -> Iterator[None]:
    """The `safety_plan` next step as it is where no app opens it (the safety plans app, when
    installed, registers its opener; these tests show what a conference says without it)."""
    opener = workflows.next_step_openers.get("safety_plan")
    workflows.next_step_openers.remove("safety_plan")
    yield
    if opener is not None:
        workflows.register_opener("safety_plan", opener)
