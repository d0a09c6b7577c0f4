"""Writing the audit trail: events for changes, access-log rows for every view of a child."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from rest_framework.request import Request

from . import selectors
from .models import AccessLog, Contact, Event, Kind, User


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
    """Write one event row; call it inside the transaction that makes the change."""
    return Event.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )


def log_child_access(
    *,
    user: User,
    child_ids: Iterable[int],
    via: str,
    action: str = AccessLog.Action.VIEW,
    reason: str = "",
) -> None:
    """One append-only row per child shown, in a single INSERT."""
    rows = [
        AccessLog(user=user, child_id=child_id, action=action, via=via[:200], reason=reason[:200])
        for child_id in dict.fromkeys(child_ids)
    ]
    if rows:
        AccessLog.objects.bulk_create(rows)


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
