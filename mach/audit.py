"""Writing the audit trail: events for changes, access-log rows for every view of a child."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, router
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework.request import Request

from . import selectors
from .models import AccessLog, Contact, Event, Kind, User
from .rows import insert, write


def record_event(
    *,
    actor: User | None,
    subject: models.Model,
    action: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Write one event row; call it inside the transaction that makes the change. Inside
    `rows.together()` the event gets its id when the block ends."""
    event = Event(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )
    # Every write records one: a statement built once, not by the ORM on each call.
    insert([event])
    return event


def record_receipt(
    *,
    actor: User,
    subject: models.Model,
    action: str,
    to_state: str,
    data: dict[str, Any],
    child_ids: Iterable[int],
    via: str,
) -> None:
    """What every intake (a contact, a domestic-abuse notification) writes for the record: the
    event of its receipt, in the state it starts in, and the creation of the children it names
    in the access log."""
    record_event(actor=actor, subject=subject, action=action, to_state=to_state, data=data)
    log_child_access(user=actor, child_ids=child_ids, via=via, action=AccessLog.Action.CREATE)


def log_child_access(
    *,
    user: User,
    child_ids: Iterable[int],
    via: str,
    action: str = AccessLog.Action.VIEW,
    reason: str = "",
) -> None:
    """One append-only row per child shown, in a single INSERT statement of all of them.

    The statement runs on its own: one statement is atomic, so it needs no transaction of its
    own (`bulk_create` opened one: a BEGIN and a COMMIT more per read), and inside a caller's
    transaction it is part of that; inside `rows.together()`, with the block's other writes.
    Each row is built by the database from the children's ids in one array, not as a model
    instance per child."""
    ids = list(dict.fromkeys(child_ids))
    if not ids:
        return
    write(
        router.db_for_write(AccessLog),
        _ACCESS_LOG_INSERT,
        [user.pk, timezone.now(), action, via[:200], reason[:200], ids],
    )


def _access_log_insert() -> str:
    meta = AccessLog._meta
    column = {field.name: str(field.column) for field in meta.concrete_fields}
    names = ", ".join(column[name] for name in ("user", "at", "action", "via", "reason", "child"))
    return (
        f"INSERT INTO {meta.db_table} ({names})"
        " SELECT %s, %s, %s, %s, %s, child FROM unnest(%s::bigint[]) AS child"
    )


_ACCESS_LOG_INSERT = _access_log_insert()


def events_for(subject: models.Model) -> models.QuerySet[Event]:
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).select_related("actor")


def read_contact_and_log_access(
    request: Request | HttpRequest, contact_id: int, action: str = AccessLog.Action.VIEW
) -> Contact:
    """The contact with its people, if the user may see it (else 404), with the showing of its
    children written to the access log: call it once per request that shows a contact."""
    user = request.user
    assert isinstance(user, User)
    contacts = selectors.with_people(selectors.contacts_visible_to(user))
    contact = get_object_or_404(contacts, pk=contact_id)
    children = [link.person_id for link in contact.contact_people.all() if link.role == Kind.CHILD]
    log_child_access(user=user, child_ids=children, via=request.path, action=action)
    return contact
