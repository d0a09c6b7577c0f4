"""Referrer feedback is sent after the decision commits, and never while its row is locked."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from mach.models import User
from tests.conftest import Api
from triage.models import ReferrerFeedback
from triage.services import feedback_send

pytestmark = pytest.mark.django_db(transaction=True)

LOCKED_WHILE_SENDING: list[bool] = []


def _row_is_locked(feedback_id: int) -> bool:
    """Whether another connection finds the row locked (NOWAIT), asked from another thread."""
    found: list[bool] = []

    def probe() -> None:
        try:
            with transaction.atomic():
                ReferrerFeedback.objects.select_for_update(nowait=True).filter(
                    pk=feedback_id
                ).exists()
            found.append(False)
        except DatabaseError:
            found.append(True)
        finally:
            connection.close()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return found[0]


class ProbingChannel:
    """Records whether the feedback's row is locked at the moment of sending."""

    name = "probe"

    def send(self, feedback: ReferrerFeedback) -> None:
        LOCKED_WHILE_SENDING.append(_row_is_locked(feedback.pk))


class FailingChannel:
    name = "failing"

    def send(self, feedback: ReferrerFeedback) -> None:
        raise ConnectionError("The mail server is down.")


def _decided(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> ReferrerFeedback:
    contact = screened_contact()
    response = api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "Assessment needed."},
        format="json",
    )
    assert response.status_code == 200, response.content
    return ReferrerFeedback.objects.get(contact_id=contact["id"])


@override_settings(REFERRER_FEEDBACK_CHANNEL="tests.triage.test_feedback_sending.ProbingChannel")
def test_feedback_is_sent_while_no_lock_is_held_on_its_row(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    LOCKED_WHILE_SENDING.clear()
    feedback = _decided(screened_contact, manager, api_as)

    assert feedback_send(feedback.pk) is True

    assert LOCKED_WHILE_SENDING == [False]
    feedback.refresh_from_db()
    assert feedback.sent_at is not None
    assert feedback.channel == "probe"
    assert feedback.sending_since is None


@override_settings(REFERRER_FEEDBACK_CHANNEL="tests.triage.test_feedback_sending.FailingChannel")
def test_a_failed_send_leaves_the_feedback_unsent_for_the_next_try(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    feedback = _decided(screened_contact, manager, api_as)

    with pytest.raises(ConnectionError):
        feedback_send(feedback.pk)

    feedback.refresh_from_db()
    assert feedback.sent_at is None
    assert feedback.sending_since is None
    assert feedback.next_alert_at is not None


def test_feedback_another_worker_is_sending_is_not_sent_twice(
    screened_contact: Callable[..., dict[str, Any]], manager: User, api_as: Api
) -> None:
    feedback = _decided(screened_contact, manager, api_as)
    ReferrerFeedback.objects.filter(pk=feedback.pk).update(sending_since=timezone.now())

    assert feedback_send(feedback.pk) is False
