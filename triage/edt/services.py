"""Every write of an EDT handover (spec section 8, G14): the EDT records the out-of-hours
contact and hands it over; the MACH acknowledges it, and it goes on to screening as a contact
with its EDT history on the contact's timeline."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mach import timescales
from mach.audit import record_event
from mach.inputs import contact_create_from_input
from mach.models import Rag, Role, User
from mach.permissions import MACH_WORKERS
from mach.services import AlreadyDone, require_role
from mach.services.common import enqueue_deadline_check

from .models import RED_ACTIONS, EdtHandover, HandoverAction, HandoverState

DEADLINE_KIND = "edt_handover"
DEFAULT_OVERSIGHT_AT = "10:00"


def oversight_at() -> time:
    """The local clock time by which the MACH oversees a handover (README, "Local rules")."""
    return time.fromisoformat(getattr(settings, "EDT_OVERSIGHT_AT", "") or DEFAULT_OVERSIGHT_AT)


def oversight_due(handed_over_at: datetime) -> datetime:
    """10:00 (the setting) on the next working day after the handover (spec section 2)."""
    return timescales.next_working_day_at(handed_over_at, oversight_at())


def edt_handover_record(
    *,
    actor: User,
    contact: dict[str, Any],
    action_taken: str,
    outstanding_actions: str = "",
    handed_over_at: datetime | None = None,
    via: str = "",
) -> EdtHandover:
    """Record the out-of-hours contact (`contact` is `ContactInputSerializer`'s validated data:
    its people are matched like any contact's) and hand it over, its oversight clock started.

    Not durable: the API runs it inside the transaction that keeps its Idempotency-Key.
    Raises PermissionDenied for anyone but the EDT, ValidationError naming the field."""
    require_role(actor, (Role.EDT_WORKER,))
    now = timezone.now()
    handed_over_at = handed_over_at or now
    errors: dict[str, str] = {}
    if action_taken not in HandoverAction.values:
        errors["action_taken"] = "Select the action the EDT took."
    received_at = contact.get("received_at")
    if received_at is None:
        # Received when handed over, unless the EDT says when it came in.
        contact = {**contact, "received_at": handed_over_at}
    elif handed_over_at < received_at:
        errors["handed_over_at"] = "A handover cannot come before the contact was received."
    if handed_over_at > now + timedelta(minutes=5):
        errors["handed_over_at"] = "A handover cannot be in the future."
    if errors:
        raise ValidationError(errors)
    due = oversight_due(handed_over_at)
    with transaction.atomic():
        recorded = contact_create_from_input(actor=actor, data=contact, via=via)
        if action_taken in RED_ACTIONS and recorded.rag != Rag.RED:
            recorded.rag = Rag.RED
            recorded.save(update_fields=["rag"])
        handover = EdtHandover(
            contact=recorded,
            action_taken=action_taken,
            outstanding_actions=outstanding_actions,
            handed_over_at=handed_over_at,
            handed_over_by=actor,
            oversight_due_at=due,
        )
        handover.start_clock(due)
        handover.save()
        details = {"action_taken": action_taken, "oversight_due_at": due.isoformat()}
        record_event(
            actor=actor,
            subject=handover,
            action="edt_handover_recorded",
            to_state=handover.state,
            reason=outstanding_actions,
            data={**details, "contact": recorded.pk},
        )
        # The contact's own timeline keeps its EDT history.
        record_event(
            actor=actor,
            subject=recorded,
            action="edt_handover_recorded",
            reason=outstanding_actions,
            data={**details, "handover": handover.pk},
        )
        if due <= now:
            transaction.on_commit(
                lambda: enqueue_deadline_check(DEADLINE_KIND, handover.pk), robust=True
            )
    return handover


def edt_handover_acknowledge(*, actor: User, handover: EdtHandover, note: str = "") -> EdtHandover:
    """A MACH worker or manager takes the handover on (who and when); the contact goes on to
    screening. Twice: AlreadyDone (409)."""
    require_role(actor, MACH_WORKERS)
    with transaction.atomic(durable=True):
        locked = EdtHandover.objects.select_for_update().get(pk=handover.pk)
        if locked.state != HandoverState.HANDED_OVER:
            raise AlreadyDone("This handover is already acknowledged.")
        locked.acknowledge()
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = actor
        locked.acknowledgement_note = note
        locked.save()
        in_time = bool(locked.overseen_in_time)
        record_event(
            actor=actor,
            subject=locked,
            action="edt_handover_acknowledged",
            from_state=HandoverState.HANDED_OVER,
            to_state=locked.state,
            reason=note,
            data={"overseen_in_time": in_time},
        )
        record_event(
            actor=actor,
            subject=locked.contact,
            action="edt_handover_acknowledged",
            reason=note,
            data={"handover": locked.pk, "overseen_in_time": in_time},
        )
    return locked
