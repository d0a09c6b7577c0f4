"""The G9 measures registered for the guardrail table: decisions with more than one agency's
view, and information-only decisions with early help considered; and the open guardrail
failures this workflow reports on a child's record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mach import workflows
from mach.models import User
from tests.conftest import Api
from tests.triage.da_helpers import notification_body, notify, triage_body
from triage.models import DomesticAbuseNotification, EncompassNotice

pytestmark = pytest.mark.django_db
__all__ = ["notify"]
# Names of their own (names are matched without digits): no victim's incidents add up.
NAMES = ["Ann", "Bea", "Cat", "Dee", "Eve", "Fay", "Gus", "Hal", "Ida", "Jan"]

POLICE = {"agency": "police", "view": "Known to us."}
HEALTH = {"agency": "health", "view": "Seen at A&E."}


def _decide(api: Any, notify: Callable[..., dict[str, Any]], number: int, **triage: Any) -> None:
    # A victim of their own for each, so that no escalation rule applies.
    victim = notification_body()["victim"] | {"first_name": NAMES[number]}
    notification = notify(victim=victim, dash_level="standard", dash_ticks=1)
    response = api.post(
        f"/api/v1/da-notifications/{notification['id']}/triage/",
        triage_body(challenges=[], **triage),
        format="json",
    )
    assert response.status_code == 200, response.content


def _counts(key: str) -> tuple[int, int]:
    metric = workflows.metrics.get(key)
    assert metric is not None
    population = metric.population()
    return population.filter(metric.met).count(), population.count()


def test_g9_views_counts_decisions_with_more_than_one_agencys_view(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    api = api_as(social_worker)
    _decide(api, notify, 1, agency_views=[POLICE, HEALTH])
    _decide(api, notify, 2, agency_views=[POLICE])
    _decide(api, notify, 3, agency_views=[POLICE, {"agency": "police", "view": "And again."}])
    _decide(api, notify, 4, agency_views=[])
    notify(victim=notification_body()["victim"] | {"first_name": "Undecided"})

    # Only the first has two agencies; four decisions (the undecided one is not counted).
    assert _counts("g9_views") == (1, 4)


def test_g9_early_help_counts_information_only_decisions(
    notify: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    api = api_as(social_worker)
    reason = "Already attending the family hub."
    _decide(api, notify, 1, decision="information_only", early_help_rejected_reason=reason)
    _decide(api, notify, 2, decision="information_only", early_help_rejected_reason=reason)
    _decide(api, notify, 3, decision="early_help")

    assert _counts("g9_early_help") == (2, 2)
    metric = workflows.metrics.get("g9_early_help")
    assert metric is not None and metric.guardrail == "G9"


def test_open_failures_name_an_untriaged_notification_and_a_school_not_told(
    notify: Callable[..., dict[str, Any]],
) -> None:
    notification = notify()
    child = notification["children"][0]["child"]
    source = workflows.guardrail_failures.get("domestic_abuse")
    assert source is not None
    assert source.failures([child]) == {}

    DomesticAbuseNotification.objects.filter(pk=notification["id"]).update(
        triage_due_at=timezone.now() - timedelta(minutes=1)
    )
    EncompassNotice.objects.update(due_at=timezone.now() - timedelta(minutes=1))

    failures = source.failures([child])[child]
    assert len(failures) == 2
    assert notification["police_reference"] in failures[0]
