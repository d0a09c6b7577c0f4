"""One rule for "overdue": the model method and the queryset agree, open contacts only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mach.models import Contact, State
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("state", "due_in", "overdue"),
    [
        (State.RECEIVED, timedelta(minutes=-1), True),
        (State.AWAITING_OVERSIGHT, timedelta(minutes=-1), True),
        (State.DECIDED, timedelta(minutes=-1), False),
        (State.RECEIVED, timedelta(0), False),
        (State.RECEIVED, timedelta(minutes=1), False),
    ],
)
def test_a_contact_is_overdue_when_open_and_past_its_decision_deadline(
    state: str, due_in: timedelta, overdue: bool
) -> None:
    now = timezone.now()
    made = ContactFactory(decision_due_at=now + due_in)
    # The state is the transitions' to change: set it here as a stored row would have it.
    Contact.objects.filter(pk=made.pk).update(state=state)
    contact = Contact.objects.get(pk=made.pk)

    assert contact.is_overdue(now) is overdue
    assert Contact.objects.overdue(now).filter(pk=contact.pk).exists() is overdue
    assert Contact.objects.not_overdue(now).filter(pk=contact.pk).exists() is not overdue
