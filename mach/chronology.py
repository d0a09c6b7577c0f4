"""The chronology of a child: a registry of entry sources that each workflow app fills in.

The core registers contacts and referrals; workflow apps register their own source through
`mach.workflows` in `AppConfig.ready()`, so the chronology grows without editing the core.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import workflows
from .models import ContactPerson, Referral
from .workflows import Entry


def entries_for(person_ids: Sequence[int]) -> list[Entry]:
    """Every registered entry about any of `person_ids`, newest first (one query per source)."""
    entries = [
        entry for source in workflows.chronology_sources.values() for entry in source(person_ids)
    ]
    return sorted(entries, key=lambda entry: (entry.at, entry.record_id), reverse=True)


def contact_entries(person_ids: Sequence[int]) -> list[Entry]:
    grouped: dict[int, Entry] = {}
    links = (
        ContactPerson.objects.filter(person_id__in=person_ids)
        .select_related("contact")
        .order_by("contact_id")
    )
    for link in links:
        contact = link.contact
        existing = grouped.get(contact.pk)
        people = (*existing.person_ids, link.person_id) if existing else (link.person_id,)
        grouped[contact.pk] = Entry(
            at=contact.received_at,
            kind="contact",
            summary=f"Contact {contact.reference} from {contact.get_source_display()}",
            record_id=contact.pk,
            person_ids=people,
            state=contact.state,
        )
    return list(grouped.values())


def referral_entries(person_ids: Sequence[int]) -> list[Entry]:
    """Each referral dated by its contact's arrival (its referral date), not by when the
    decision wrote its row: a referral dated 22 October is listed under 22 October."""
    return [
        Entry(
            at=referral.contact.received_at,
            kind="referral",
            summary=(
                f"{'Re-referral' if referral.is_rereferral else 'Referral'} dated "
                f"{referral.referral_date:%d %b %Y}: {referral.outcome.replace('_', ' ')}"
            ),
            record_id=referral.pk,
            person_ids=(referral.child_id,),
        )
        for referral in Referral.objects.filter(child_id__in=person_ids).select_related("contact")
    ]


def register_core_sources() -> None:
    workflows.register_chronology_source("contact", contact_entries)
    workflows.register_chronology_source("referral", referral_entries)
