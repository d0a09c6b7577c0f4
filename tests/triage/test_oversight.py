"""POST /api/v1/contacts/{id}/oversight/: G4 and G5, referrals and feedback."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from mach.models import AccessLog, Contact, Event, Referral, User
from mach.timescales import WorkingCalendar
from tests.conftest import Api, screening_body
from triage.models import ReferrerFeedback

OVERSIGHT = "/api/v1/contacts/{}/oversight/"
LOWER_OPTIONS = "Early help refused twice; the injury needs a joint police enquiry."


def _oversee(api_as: Api, user: User, contact_id: int, **body: Any) -> Any:
    body.setdefault("rationale", "Proportionate to the risk described.")
    return api_as(user).post(OVERSIGHT.format(contact_id), body, format="json")


@pytest.mark.django_db
def test_agreeing_decides_the_contact_and_makes_a_referral(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    contact = screened_contact({"received_at": "2026-11-24T16:05:00+00:00"})

    response = _oversee(api_as, manager, contact["id"], decision="agree", outcome="assessment")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["outcome"]) == ("decided", "assessment")
    referral = body["referral"]
    assert referral["referral_date"] == "2026-11-24"
    assert referral["is_rereferral"] is False
    assert referral["previous_referral_date"] is None
    assert Referral.objects.get(pk=referral["id"]).child_id == contact["children"][0]["id"]
    assert Contact.objects.get(pk=contact["id"]).next_alert_at is None


@pytest.mark.django_db
def test_lower_outcome_makes_no_referral(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    contact = screened_contact(threshold_level=2, recommended_outcome="early_help")

    body = _oversee(api_as, manager, contact["id"], decision="agree").json()

    assert (body["outcome"], body["referral"]) == ("early_help", None)


@pytest.mark.django_db
def test_change_records_the_managers_outcome(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    contact = screened_contact()

    body = _oversee(
        api_as,
        manager,
        contact["id"],
        decision="change",
        outcome="strategy_discussion",
        alternatives_considered=LOWER_OPTIONS,
    ).json()

    assert body["outcome"] == "strategy_discussion"
    assert Event.objects.filter(action="oversight_changed", actor=manager).exists()


@pytest.mark.django_db
def test_a_managers_change_to_a_statutory_outcome_records_the_lower_options_rejected(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    contact = screened_contact(threshold_level=4, recommended_outcome="assessment")
    change = {"decision": "change", "outcome": "strategy_discussion"}

    refused = _oversee(api_as, manager, contact["id"], **change)
    changed = _oversee(
        api_as, manager, contact["id"], **change, alternatives_considered=LOWER_OPTIONS
    )

    assert refused.status_code == 400
    assert "alternatives_considered" in refused.json()
    assert changed.status_code == 200, changed.content
    screening = api_as(manager).get(f"/api/v1/contacts/{contact['id']}/screening/").json()
    assert screening[0]["oversight_alternatives_considered"] == LOWER_OPTIONS


@pytest.mark.django_db
def test_a_threshold_authorisation_covers_only_the_outcome_it_names(
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    second_manager: User,
    api_as: Api,
) -> None:
    contact = screened_contact(threshold_level=2, recommended_outcome="strategy_discussion")
    authorise = f"/api/v1/contacts/{contact['id']}/threshold-authorisation/"
    api_as(second_manager).post(authorise, {"rationale": "Disclosure today."}, format="json")
    change = {
        "decision": "change",
        "outcome": "immediate_protection",
        "alternatives_considered": LOWER_OPTIONS,
    }

    refused = _oversee(api_as, manager, contact["id"], **change)
    again = api_as(second_manager).post(
        authorise,
        {"rationale": "Father has returned home.", "outcome": "immediate_protection"},
        format="json",
    )
    changed = _oversee(api_as, manager, contact["id"], **change)

    assert refused.status_code == 409
    assert "threshold" in refused.json()["detail"]
    assert again.json()["threshold_authorised_outcome"] == "immediate_protection"
    assert changed.status_code == 200, changed.content
    assert changed.json()["outcome"] == "immediate_protection"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "change", "outcome": ""}, "outcome"),
        ({"decision": "change", "outcome": "assessment"}, "outcome"),
        ({"decision": "agree", "outcome": "nfa"}, "outcome"),
        ({"decision": "agree", "rationale": " "}, "rationale"),
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_bad_oversight_is_refused_naming_the_field(
    body: dict[str, Any],
    field: str,
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    api_as: Api,
) -> None:
    contact = screened_contact()

    response = _oversee(api_as, manager, contact["id"], **body)

    assert response.status_code == 400
    assert field in response.json()
    assert Contact.objects.get(pk=contact["id"]).state == "awaiting_oversight"


@pytest.mark.django_db
def test_return_sends_the_contact_back_for_screening(
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    social_worker: User,
    api_as: Api,
) -> None:
    contact = screened_contact()

    body = _oversee(
        api_as, manager, contact["id"], decision="return", rationale="Speak to school."
    ).json()

    assert body["state"] == "received"
    again = api_as(social_worker).post(
        f"/api/v1/contacts/{contact['id']}/screening/", screening_body(), format="json"
    )
    assert again.status_code == 201


@pytest.mark.django_db
def test_the_manager_who_screened_cannot_oversee(
    new_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    contact = new_contact()
    api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/screening/", screening_body(), format="json"
    )

    response = _oversee(api_as, manager, contact["id"], decision="agree")

    assert response.status_code == 403
    assert Contact.objects.get(pk=contact["id"]).state == "awaiting_oversight"


@pytest.mark.django_db
def test_social_workers_cannot_oversee(
    screened_contact: Callable[..., dict[str, Any]], social_worker: User, api_as: Api
) -> None:
    contact = screened_contact()

    assert _oversee(api_as, social_worker, contact["id"], decision="agree").status_code == 403


@pytest.mark.django_db
def test_oversight_of_a_contact_not_awaiting_it_is_a_conflict(
    new_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    contact = new_contact()

    assert _oversee(api_as, manager, contact["id"], decision="agree").status_code == 409


@pytest.mark.django_db
def test_outcome_outside_the_threshold_needs_authorisation_first(
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    second_manager: User,
    api_as: Api,
) -> None:
    contact = screened_contact(threshold_level=2, recommended_outcome="strategy_discussion")

    refused = _oversee(api_as, manager, contact["id"], decision="agree")
    authorised = api_as(second_manager).post(
        f"/api/v1/contacts/{contact['id']}/threshold-authorisation/",
        {"rationale": "Disclosure today changes the level."},
        format="json",
    )
    agreed = _oversee(api_as, manager, contact["id"], decision="agree")

    assert refused.status_code == 409
    assert "threshold" in refused.json()["detail"]
    assert authorised.status_code == 200
    assert authorised.json()["threshold_authorised_by"] == second_manager.username
    assert agreed.status_code == 200


@pytest.mark.django_db
def test_unreviewed_pattern_flag_blocks_the_decision_until_reviewed(
    new_contact: Callable[..., dict[str, Any]],
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    api_as: Api,
) -> None:
    new_contact(received_at="2026-06-01T10:00:00+00:00")
    new_contact(received_at="2026-09-01T10:00:00+00:00")
    contact = screened_contact({"received_at": "2026-11-02T10:00:00+00:00"})
    client = api_as(manager)

    refused = _oversee(api_as, manager, contact["id"], decision="agree")
    (flag,) = client.get("/api/v1/pattern-flags/", {"reviewed": "false"}).json()["results"]
    review = client.post(
        f"/api/v1/pattern-flags/{flag['id']}/review/",
        {"conclusion": "Pattern of police call-outs; assessment needed."},
        format="json",
    )
    agreed = _oversee(api_as, manager, contact["id"], decision="agree")

    assert refused.status_code == 409
    assert review.status_code == 200
    assert review.json()["reviewed_by"] == manager.username
    assert agreed.status_code == 200


@pytest.mark.django_db
def test_decision_starts_feedback_to_the_referrer_due_in_one_working_day(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    contact = screened_contact()

    _oversee(api_as, manager, contact["id"], decision="agree")

    feedback = ReferrerFeedback.objects.get(contact_id=contact["id"])
    decided_at = Contact.objects.get(pk=contact["id"]).decided_at
    assert decided_at is not None
    assert feedback.due_at == WorkingCalendar.current().add_working_days(decided_at, 1)
    assert feedback.recipient == "a.jones@example.org"
    assert "Child and family assessment" in feedback.message


@pytest.mark.django_db(transaction=True)
def test_feedback_is_emailed_on_commit(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    from triage.services import feedback_send

    contact = screened_contact()
    _oversee(api_as, manager, contact["id"], decision="agree")
    feedback = ReferrerFeedback.objects.get(contact_id=contact["id"])

    feedback_send(feedback.pk)
    assert feedback_send(feedback.pk) is False

    feedback.refresh_from_db()
    assert feedback.sent_at is not None
    assert feedback.next_alert_at is None
    assert [message.to for message in mail.outbox].count(["a.jones@example.org"]) == 1


@pytest.mark.django_db(transaction=True)
def test_two_managers_deciding_at_once_one_wins_the_other_gets_409(
    screened_contact: Callable[..., dict[str, Any]],
    manager: User,
    second_manager: User,
    api_as: Api,
) -> None:
    contact = screened_contact()
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def decide(user: User, decision: str, outcome: str) -> None:
        try:
            barrier.wait()
            statuses[decision] = _oversee(
                api_as,
                user,
                contact["id"],
                decision=decision,
                outcome=outcome,
                alternatives_considered=LOWER_OPTIONS,
            ).status_code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(manager, "agree", "assessment")),
        threading.Thread(target=decide, args=(second_manager, "change", "strategy_discussion")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses.values()) == [200, 409]
    stored = Contact.objects.get(pk=contact["id"])
    winner = "agree" if statuses["agree"] == 200 else "change"
    assert stored.outcome == ("assessment" if winner == "agree" else "strategy_discussion")
    assert Referral.objects.filter(contact=stored).count() == 1
    assert ReferrerFeedback.objects.filter(contact=stored).count() == 1


def test_an_oversight_decision_logs_the_reading_of_each_child_once(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    contact = screened_contact()
    before = AccessLog.objects.count()

    response = api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "Assessment needed."},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "decided"
    logged = AccessLog.objects.count() - before
    assert logged == len(contact["children"])
