"""Reads of EDT handovers, scoped to who may see them: the MACH's readers and the EDT; partner
agencies see none (the handover holds children's records)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from mach import selectors
from mach.models import Contact, ContactPerson, Kind, User
from mach.permissions import CHILD_READERS
from mach.representations import people_of
from mach.workflows import Entry

from .models import EdtHandover, HandoverState


def handovers_visible_to(user: User) -> QuerySet[EdtHandover]:
    """With each contact's people and referrals loaded (a fixed number of queries)."""
    if not user.has_role(*CHILD_READERS):
        return EdtHandover.objects.none()
    contacts = selectors.with_people(Contact.objects.all(), as_lists=True)
    return EdtHandover.objects.select_related("handed_over_by", "acknowledged_by").prefetch_related(
        Prefetch("contact", queryset=contacts)
    )


def child_ids_of(handover: EdtHandover) -> list[int]:
    return [link.person_id for link in people_of(handover.contact) if link.role == Kind.CHILD]


def edt_entries(person_ids: Sequence[int]) -> list[Entry]:
    """Each handover about these people, for the chronology (one query)."""
    grouped: dict[int, Entry] = {}
    links = (
        ContactPerson.objects.filter(person_id__in=person_ids, contact__edt_handover__isnull=False)
        .select_related("contact__edt_handover")
        .order_by("contact_id")
    )
    for link in links:
        handover = link.contact.edt_handover
        existing = grouped.get(handover.pk)
        people = (*existing.person_ids, link.person_id) if existing else (link.person_id,)
        grouped[handover.pk] = Entry(
            at=handover.handed_over_at,
            kind="edt_handover",
            summary=(
                f"EDT handover of contact {link.contact.reference}: "
                f"{handover.get_action_taken_display().lower()}"
                + (" (acknowledged)" if handover.acknowledged_at else "")
            ),
            record_id=handover.pk,
            person_ids=people,
            state=handover.state,
        )
    return list(grouped.values())


def guardrail_failures(child_ids: Sequence[int]) -> dict[int, list[str]]:
    """G14 failures on these children's records (one query): a handover not overseen by its
    deadline, whether still waiting or acknowledged late."""
    now = timezone.now()
    failures: dict[int, list[str]] = {}
    links = ContactPerson.objects.filter(
        person_id__in=child_ids, role=Kind.CHILD, contact__edt_handover__isnull=False
    ).select_related("contact__edt_handover")
    for link in links:
        handover = link.contact.edt_handover
        due = f"{timezone.localtime(handover.oversight_due_at):%d %b %Y %H:%M}"
        if handover.acknowledged_at is None and handover.oversight_due_at < now:
            message = f"EDT handover of contact {link.contact.reference} not overseen by {due}"
        elif handover.overseen_in_time is False:
            message = f"EDT handover of contact {link.contact.reference} overseen after {due}"
        else:
            continue
        failures.setdefault(link.person_id, []).append(message)
    return failures


def awaiting_oversight(contact_id: int) -> bool:
    """The contact came from the EDT and the MACH has not yet acknowledged the handover: it
    goes on to screening only once acknowledged."""
    return EdtHandover.objects.filter(
        contact_id=contact_id, state=HandoverState.HANDED_OVER
    ).exists()
