"""Triage decisions over REST: views and challenges, information only (G9), the hand-offs to a
contact and a strategy discussion, and each MARAC criterion on both sides of its boundary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from mach.models import Contact, Referral, User
from mach.timescales import LONDON
from strategy_meetings.models import StrategyDiscussion
from tests.conftest import Api
from tests.triage.da_helpers import notification_body, notify, triage_body
from triage.models import DomesticAbuseNotification

pytestmark = pytest.mark.django_db
__all__ = ["notify"]

URL = "/api/v1/da-notifications/"


def triage(api: Any, notification: dict[str, Any], **overrides: Any) -> Any:
    return api.post(f"{URL}{notification['id']}/triage/", triage_body(**overrides), format="json")


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _noon(day: date) -> str:
    return datetime.combine(day, time(12), tzinfo=LONDON).isoformat()


INCIDENT = timezone.now() - timedelta(hours=10)
INCIDENT_DAY = timezone.localtime(INCIDENT).date()


def test_a_decision_records_views_and_challenges(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    notification = notify()

    response = triage(api_as(social_worker), notification)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "triaged"
    assert [view["agency"] for view in body["agency_views"]] == ["police", "health"]
    assert body["challenges"][0]["resolution"] == "Agreed: early help offer instead."


def test_triaging_twice_is_refused(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    notification = notify()
    triage(api_as(social_worker), notification)

    assert triage(api_as(social_worker), notification).status_code == 409


def test_information_only_needs_early_help_rejected_with_a_reason(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    notification = notify(dash_level="standard", dash_ticks=3)
    api = api_as(social_worker)

    refused = triage(api, notification, decision="information_only")
    allowed = triage(
        api,
        notification,
        decision="information_only",
        early_help_rejected_reason="Family already attends the family hub weekly.",
    )

    assert refused.status_code == 400
    assert "early_help_rejected_reason" in refused.json()
    assert allowed.status_code == 200


def test_refer_to_mach_records_a_contact_through_the_contact_service(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    notification = notify()

    body = triage(api_as(social_worker), notification, decision="refer_to_mach").json()

    contact = Contact.objects.get(pk=body["contact"])
    assert contact.source == "6"
    children = [link.person_id for link in contact.contact_people.filter(role="child")]
    assert children == [notification["children"][0]["child"]]


def test_strategy_discussion_opens_one_through_the_hand_off(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    notification = notify()

    body = triage(api_as(social_worker), notification, decision="strategy_discussion").json()

    referral = Referral.objects.get(contact_id=body["contact"])
    assert referral.child_id == notification["children"][0]["child"]
    assert StrategyDiscussion.objects.filter(contact_id=body["contact"]).exists()


@pytest.mark.parametrize(("ticks", "required"), [(13, False), (14, True)])
def test_marac_is_required_on_high_risk(
    ticks: int,
    required: bool,
    notify: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
) -> None:
    level = "high" if ticks >= 14 else "medium"
    notification = notify(dash_level=level, dash_ticks=ticks)

    response = triage(api_as(social_worker), notification)

    if required:
        assert response.status_code == 400
        assert response.json()["criteria"] == ["high_risk"]
        assert "High risk" in response.json()["marac_referral"][0]
    else:
        assert response.status_code == 200, response.content


def test_a_marac_referral_meets_a_high_risk(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    notification = notify(dash_level="high", dash_ticks=20)

    response = triage(api_as(social_worker), notification, decision="marac", marac_referral=True)

    assert response.status_code == 200, response.content
    assert response.json()["marac_criteria"] == ["high_risk"]


@pytest.mark.parametrize(("judgement", "required"), [("medium", False), ("high", True)])
def test_professional_judgement_raising_to_high_requires_marac(
    judgement: str,
    required: bool,
    notify: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
) -> None:
    notification = notify(dash_level="medium", dash_ticks=12)

    response = triage(api_as(social_worker), notification, professional_judgement_level=judgement)

    if required:
        assert response.status_code == 400
        assert response.json()["criteria"] == ["professional_judgement"]
    else:
        assert response.status_code == 200, response.content


def test_professional_judgement_never_lowers_the_level(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    notification = notify(dash_level="high", dash_ticks=15)

    response = triage(
        api_as(social_worker),
        notification,
        professional_judgement_level="medium",
        decision="marac",
        marac_referral=True,
    )

    assert response.status_code == 400
    assert "professional_judgement_level" in response.json()


@pytest.mark.parametrize(
    ("earliest", "required"),
    [
        (_year_before(INCIDENT_DAY), True),
        (_year_before(INCIDENT_DAY) - timedelta(days=1), False),
    ],
    ids=["boundary-day", "day-before"],
)
def test_escalation_three_incidents_in_12_months_for_the_victim(
    earliest: date,
    required: bool,
    notify: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
) -> None:
    notify(dash_level="standard", dash_ticks=2, incident_at=_noon(earliest))
    notify(dash_level="standard", dash_ticks=2, incident_at=_noon(INCIDENT_DAY - timedelta(30)))
    latest = notify(dash_level="standard", dash_ticks=2, incident_at=INCIDENT.isoformat())

    response = triage(api_as(social_worker), latest)

    if required:
        assert response.status_code == 400
        assert response.json()["criteria"] == ["escalation"]
    else:
        assert response.status_code == 200, response.content


def test_two_incidents_are_no_escalation(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    notify(dash_level="standard", dash_ticks=2, incident_at=_noon(INCIDENT_DAY - timedelta(30)))
    latest = notify(dash_level="standard", dash_ticks=2, incident_at=INCIDENT.isoformat())

    assert triage(api_as(social_worker), latest).status_code == 200


def test_incidents_of_another_victim_do_not_count(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    other = notification_body()["victim"] | {"first_name": "Kim", "date_of_birth": "1985-02-02"}
    for days in (60, 30):
        notify(
            dash_level="standard",
            dash_ticks=2,
            victim=other,
            incident_at=_noon(INCIDENT_DAY - timedelta(days)),
        )
    latest = notify(dash_level="standard", dash_ticks=2, incident_at=INCIDENT.isoformat())

    assert triage(api_as(social_worker), latest).status_code == 200


@pytest.mark.parametrize(
    ("last_marac", "required"),
    [
        (_year_before(INCIDENT_DAY), True),
        (_year_before(INCIDENT_DAY) - timedelta(days=1), False),
    ],
    ids=["boundary-day", "day-before"],
)
def test_repeat_within_12_months_of_the_victims_last_marac(
    last_marac: date,
    required: bool,
    notify: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
) -> None:
    api = api_as(social_worker)
    earlier = notify(
        dash_level="high", dash_ticks=16, incident_at=_noon(last_marac - timedelta(days=400))
    )
    assert triage(api, earlier, decision="marac", marac_referral=True).status_code == 200
    DomesticAbuseNotification.objects.filter(pk=earlier["id"]).update(marac_referred_on=last_marac)
    latest = notify(dash_level="standard", dash_ticks=2, incident_at=INCIDENT.isoformat())

    response = triage(api, latest)

    if required:
        assert response.status_code == 400
        assert response.json()["criteria"] == ["repeat"]
    else:
        assert response.status_code == 200, response.content
