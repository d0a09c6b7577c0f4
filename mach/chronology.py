"""The chronology of a child: a registry of entry sources that each workflow app fills in.

The core registers contacts and referrals; workflow apps register their own source through
`mach.workflows` in `AppConfig.ready()`, so the chronology grows without editing the core.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import workflows
from .models import Contact, ContactPerson, Referral
from .workflows import Entry, choice_label


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
        .order_by("contact_id")
        .values_list(
            "contact_id", "person_id", "contact__received_at", "contact__source", "contact__state"
        )
    )
    for contact_id, person_id, received_at, source, state in links:
        existing = grouped.get(contact_id)
        people = (*existing.person_ids, person_id) if existing else (person_id,)
        grouped[contact_id] = Entry(
            at=received_at,
            kind="contact",
            summary=(
                f"Contact {Contact.reference_of(contact_id)} from "
                f"{choice_label(Contact, 'source', source)}"
            ),
            record_id=contact_id,
            person_ids=people,
            state=state,
        )
    return list(grouped.values())


def referral_entries(person_ids: Sequence[int]) -> list[Entry]:
    """Each referral dated by its contact's arrival (its referral date), not by when the
    decision wrote its row: a referral dated 22 October is listed under 22 October."""
    referrals = Referral.objects.filter(child_id__in=person_ids).values_list(
        "id", "child_id", "contact__received_at", "is_rereferral", "referral_date", "outcome"
    )
    return [
        Entry(
            at=received_at,
            kind="referral",
            summary=(
                f"{'Re-referral' if is_rereferral else 'Referral'} dated "
                f"{referral_date:%d %b %Y}: {outcome.replace('_', ' ')}"
            ),
            record_id=referral_id,
            person_ids=(child_id,),
        )
        for referral_id, child_id, received_at, is_rereferral, referral_date, outcome in referrals
    ]


def register_core_sources() -> None:
    workflows.register_chronology_source("contact", contact_entries)
    workflows.register_chronology_source("referral", referral_entries)
