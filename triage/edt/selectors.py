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
from mach.workflows import Entry, choice_label

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
    """Each handover about these people, for the chronology (one query, of the shown columns)."""
    grouped: dict[int, Entry] = {}
    links = (
        ContactPerson.objects.filter(person_id__in=person_ids, contact__edt_handover__isnull=False)
        .order_by("contact_id")
        .values_list(
            "person_id",
            "contact_id",
            "contact__edt_handover__id",
            "contact__edt_handover__handed_over_at",
            "contact__edt_handover__action_taken",
            "contact__edt_handover__acknowledged_at",
            "contact__edt_handover__state",
        )
    )
    for person_id, contact_id, handover_id, handed_over_at, action, acknowledged_at, state in links:
        existing = grouped.get(handover_id)
        people = (*existing.person_ids, person_id) if existing else (person_id,)
        grouped[handover_id] = Entry(
            at=handed_over_at,
            kind="edt_handover",
            summary=(
                f"EDT handover of contact {Contact.reference_of(contact_id)}: "
                f"{choice_label(EdtHandover, 'action_taken', action).lower()}"
                + (" (acknowledged)" if acknowledged_at else "")
            ),
            record_id=handover_id,
            person_ids=people,
            state=state,
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
