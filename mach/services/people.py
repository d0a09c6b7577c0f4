"""Record matching on intake (spec section 3): link exact matches, propose weaker ones."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import reduce

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from .. import workflows
from ..models import (
    Kind,
    MatchProposal,
    Person,
    RelationshipKind,
    normalise_name,
    normalise_postcode,
)

MAX_PROPOSALS_PER_PERSON = 5
# More records than this with the same names, birth date and postcode is ambiguous anyway.
MAX_EXACT_MATCHES = 10

_RELATIONSHIP_WORDS: dict[str, RelationshipKind] = {
    word: kind
    for kind, words in {
        RelationshipKind.PARENT: (
            "mother",
            "father",
            "parent",
            "mum",
            "dad",
            "stepmother",
            "stepfather",
            "step-mother",
            "step-father",
            "step-parent",
            "stepparent",
        ),
        RelationshipKind.CARER: ("carer", "guardian", "foster carer", "special guardian"),
        RelationshipKind.WIDER_FAMILY: (
            "grandmother",
            "grandfather",
            "grandparent",
            "aunt",
            "uncle",
            "cousin",
        ),
        RelationshipKind.HOUSEHOLD_MEMBER: (
            "household member",
            "partner",
            "mother's partner",
            "father's partner",
            "lodger",
        ),
        RelationshipKind.FRIEND: ("friend", "family friend", "neighbour"),
        RelationshipKind.ALLEGED_PERPETRATOR: ("alleged perpetrator", "perpetrator"),
    }.items()
    for word in words
}


def relationship_kind(words: str) -> RelationshipKind:
    """Map the referrer's words for a relationship ('Mother') to a kind of link."""
    return _RELATIONSHIP_WORDS.get(words.strip().lower(), RelationshipKind.OTHER)


@dataclass
class PersonInput:
    first_name: str
    last_name: str
    date_of_birth: date | None = None
    expected_date_of_birth: date | None = None
    nhs_number: str = ""
    gender: str = "unknown"
    other_names: str = ""
    ethnicity: str = ""
    upn: str = ""
    school: str = ""
    disability: str = ""
    language_needs: str = ""
    address: dict[str, str] = field(default_factory=dict)
    relationship: str = ""


@dataclass
class PersonMatch:
    person: Person
    matched_existing: bool

    @property
    def may_have_open_case(self) -> bool:
        """False only when the matching query said no open case (a new record has none); a
        record reached through a merge was not read by it, so it may."""
        return self.matched_existing and getattr(self.person, "open_case", True) is not False


def person_match_or_create(*, kind: str, data: PersonInput) -> PersonMatch:
    """Link to an existing record on an exact match, else create one and propose weak matches.

    Exact: the same valid NHS number; or the same normalised first and last names, date of
    birth and postcode, when exactly one record has them and no NHS number conflicts. Only an
    NHS number on both sides that differs is a conflict: a police contact with no number links
    to the child whom health recorded with one, or the child's chronology splits in two. Weaker
    matches (same date of birth and one name the same; or both names and the postcode) become
    `MatchProposal` rows for a worker; nothing is ever merged here. A match on a record merged
    into another links to the record it was merged into, never to the merged-away one.

    Two intakes naming the same new NHS number at once both try to create it; the unique
    constraint makes the later one wait for the earlier to commit and then link to its record.
    Call inside a transaction: a new record is written, and on that race rolled back to a
    savepoint.
    """
    first, last = normalise_name(data.first_name), normalise_name(data.last_name)
    postcode = normalise_postcode(data.address.get("postcode", ""))
    existing = _exact_match(data, first=first, last=last, postcode=postcode)
    if existing is not None:
        return PersonMatch(existing, True)
    person = Person(
        kind=kind,
        first_name=data.first_name,
        last_name=data.last_name,
        other_names=data.other_names,
        date_of_birth=data.date_of_birth,
        expected_date_of_birth=data.expected_date_of_birth,
        gender=data.gender,
        ethnicity=data.ethnicity,
        nhs_number=data.nhs_number,
        upn=data.upn,
        school=data.school,
        disability=data.disability,
        language_needs=data.language_needs,
        address_line1=data.address.get("line1", ""),
        address_line2=data.address.get("line2", ""),
        town=data.address.get("town", ""),
        postcode=data.address.get("postcode", ""),
    )
    if data.nhs_number:
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError:
            # Another intake created the same NHS number a moment ago: that record is the match.
            return PersonMatch(Person.objects.get(nhs_number=data.nhs_number).kept_record(), True)
    else:
        # The NHS number is the only unique column an insert can clash on, so a record without
        # one needs no savepoint (two round trips saved on most people).
        person.save()
    _propose_matches(person, first=first, last=last, postcode=postcode)
    return PersonMatch(person, False)


def _exact_match(data: PersonInput, *, first: str, last: str, postcode: str) -> Person | None:
    """The record `data` certainly names, or None; one query for both kinds of exact match.

    The NHS number is unique, so at most one row has it, and ordering by the number, highest
    first, puts that row ahead of the name matches. Without an NHS match, the name matches
    count only when they resolve to exactly one kept record whose NHS number, if both sides
    have one, is the same.
    """
    exact: list[Q] = []
    if data.nhs_number:
        exact.append(Q(nhs_number=data.nhs_number))
    if data.date_of_birth and postcode:
        same_details = Q(
            normalised_first_name=first,
            normalised_last_name=last,
            date_of_birth=data.date_of_birth,
            normalised_postcode=postcode,
        )
        exact.append(same_details & Q(nhs_number="") if data.nhs_number else same_details)
    if not exact:
        return None
    rows = list(
        Person.objects.filter(reduce(operator.or_, exact))
        # Whether the person has an open case, read in the same query (see `has_open_case`).
        .annotate(open_case=workflows.open_case_exists())
        .order_by("-nhs_number", "last_name", "first_name", "id")[:MAX_EXACT_MATCHES]
    )
    if rows and data.nhs_number and rows[0].nhs_number == data.nhs_number:
        return rows[0].kept_record()
    # A duplicate and the record it was merged into are one person, however many rows match.
    kept = {person.kept_record() for person in rows}
    if data.nhs_number:
        kept = {person for person in kept if person.nhs_number in ("", data.nhs_number)}
    return kept.pop() if len(kept) == 1 else None


def household_adults(child_ids: Sequence[int]) -> list[Person]:
    """The adults already linked to these children (one query)."""
    return list(
        Person.objects.filter(
            kind=Kind.ADULT, merged_into__isnull=True, relationships__child_id__in=child_ids
        ).distinct()
    )


def household_adult_match(adults: Sequence[Person], data: PersonInput) -> Person | None:
    """The one adult of `adults` that `data` names: the same normalised names, and no date of
    birth or NHS number on both sides that differs. None when none does, or more than one."""
    first, last = normalise_name(data.first_name), normalise_name(data.last_name)
    found = [
        adult
        for adult in adults
        if (adult.normalised_first_name, adult.normalised_last_name) == (first, last)
        and not (
            data.date_of_birth and adult.date_of_birth and data.date_of_birth != adult.date_of_birth
        )
        and not (data.nhs_number and adult.nhs_number and data.nhs_number != adult.nhs_number)
    ]
    return found[0] if len(found) == 1 else None


def _propose_matches(person: Person, *, first: str, last: str, postcode: str) -> None:
    weak: list[Q] = []
    if person.date_of_birth:
        similar = Q(normalised_first_name=first) | Q(normalised_last_name=last)
        weak.append(Q(date_of_birth=person.date_of_birth) & similar)
    if postcode:
        weak.append(
            Q(normalised_first_name=first, normalised_last_name=last, normalised_postcode=postcode)
        )
    if not weak:
        return
    # Oldest records first, but ordered by an expression the primary key index cannot supply:
    # ordered by `id` itself, PostgreSQL may walk the whole table in id order hoping to meet
    # five matches early, which takes 50 ms once thousands share a birth date and family name.
    candidates = (
        Person.objects.filter(reduce(operator.or_, weak), merged_into__isnull=True)
        .exclude(pk=person.pk)
        .order_by(F("id") + 0)
    )
    proposals = [
        MatchProposal(person=person, candidate=candidate, reason=_match_reason(person, candidate))
        for candidate in candidates[:MAX_PROPOSALS_PER_PERSON]
    ]
    MatchProposal.objects.bulk_create(proposals, ignore_conflicts=True)


def _match_reason(person: Person, candidate: Person) -> str:
    reasons = []
    if person.date_of_birth and person.date_of_birth == candidate.date_of_birth:
        reasons.append("same date of birth")
    if normalise_name(person.first_name) == candidate.normalised_first_name:
        reasons.append("same first name")
    if normalise_name(person.last_name) == candidate.normalised_last_name:
        reasons.append("same last name")
    if person.normalised_postcode and person.normalised_postcode == candidate.normalised_postcode:
        reasons.append("same postcode")
    return ", ".join(reasons)
