"""Alert emails: claimed one by one, sent outside any transaction, drained batch after batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from mach.models import Alert, Contact, Team, User
from mach.notifications import deliver_pending_alerts

pytestmark = pytest.mark.django_db
DUE = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def _alerts(count: int, **fields: Any) -> list[Alert]:
    content_type = ContentType.objects.get_for_model(Contact)
    team = Team.objects.intake()
    return Alert.objects.bulk_create(
        Alert(
            kind="contact_decision",
            level=1,
            content_type=content_type,
            object_id=number,
            team=team,
            due_at=DUE,
            message=f"Decision on contact C-{number} is overdue",
            **fields,
        )
        for number in range(1, count + 1)
    )


@pytest.fixture
def duty_manager(make_user: Callable[..., User]) -> User:
    return make_user("manager", username="duty.manager")


@override_settings(ALERT_DELIVERY_BATCH_SIZE=40)
def test_a_backlog_is_drained_in_one_run_batch_after_batch(
    duty_manager: User, mailoutbox: list[EmailMessage]
) -> None:
    _alerts(130)

    assert deliver_pending_alerts() == 130

    assert len(mailoutbox) == 130
    assert not Alert.objects.filter(notified_at__isnull=True).exists()
    assert set(Alert.objects.values_list("delivery_attempts", flat=True)) == {1}


def test_a_run_stops_when_its_time_budget_is_spent(
    duty_manager: User, mailoutbox: list[EmailMessage]
) -> None:
    _alerts(5)

    assert deliver_pending_alerts(time_budget=0) == 0

    assert mailoutbox == []
    assert Alert.objects.filter(notified_at__isnull=True).count() == 5


@override_settings(ALERT_DELIVERY_CLAIM_TIMEOUT=300)
def test_an_alert_another_worker_is_sending_is_left_to_it_until_its_claim_is_stale(
    duty_manager: User, mailoutbox: list[EmailMessage]
) -> None:
    being_sent, abandoned = _alerts(2)
    Alert.objects.filter(pk=being_sent.pk).update(delivery_claimed_at=timezone.now())
    Alert.objects.filter(pk=abandoned.pk).update(
        delivery_claimed_at=timezone.now() - timedelta(seconds=301), delivery_attempts=1
    )

    assert deliver_pending_alerts() == 1

    assert [message.subject for message in mailoutbox] == [f"[MACH] Alert: {abandoned.message}"]
    being_sent.refresh_from_db()
    abandoned.refresh_from_db()
    assert being_sent.notified_at is None
    assert abandoned.notified_at is not None
    assert abandoned.delivery_attempts == 2


class RefusingBackend(EmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise ConnectionRefusedError("mail server refused the connection")


def test_a_failed_send_is_recorded_and_tried_again_on_the_next_run(
    duty_manager: User, mailoutbox: list[EmailMessage]
) -> None:
    (alert,) = _alerts(1)

    with override_settings(EMAIL_BACKEND=f"{__name__}.RefusingBackend"):
        assert deliver_pending_alerts() == 0
    alert.refresh_from_db()
    assert alert.notified_at is None
    assert alert.delivery_claimed_at is None
    assert (alert.delivery_attempts, alert.last_delivery_error) == (
        1,
        "mail server refused the connection",
    )

    assert deliver_pending_alerts() == 1
    alert.refresh_from_db()
    assert alert.notified_at is not None
    assert alert.delivery_attempts == 2
    assert len(mailoutbox) == 1


class ClaimWitnessBackend(EmailBackend):
    """Reads the alert from another connection while the email is being sent."""

    seen: list[tuple[bool, bool]] = []

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        settings = connection.settings_dict
        with psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"],
            password=settings["PASSWORD"],
            host=settings["HOST"],
            port=settings["PORT"] or None,
            autocommit=True,
        ) as other:
            row = other.execute(
                "SELECT delivery_claimed_at IS NOT NULL, notified_at IS NOT NULL FROM mach_alert"
            ).fetchone()
        assert row is not None
        self.seen.append((row[0], row[1]))
        return super().send_messages(email_messages)


@pytest.mark.django_db(transaction=True)
def test_the_claim_is_committed_before_the_email_goes_out_and_the_sending_after(
    duty_manager: User,
) -> None:
    _alerts(1)

    with override_settings(EMAIL_BACKEND=f"{__name__}.ClaimWitnessBackend"):
        assert deliver_pending_alerts() == 1

    # Another worker sees the claim while the email is sent: no row lock held across the send.
    assert ClaimWitnessBackend.seen == [(True, False)]
    assert Alert.objects.get().notified_at is not None
