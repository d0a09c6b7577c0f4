"""Record matching on intake (spec section 3): link exact matches, propose weaker ones."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone

from .. import workflows
from ..models import (
    Kind,
    MatchProposal,
    Person,
    RelationshipKind,
    normalise_name,
    normalise_postcode,
)
from ..rows import columns, insert, instance, prepared_cursor, write

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
    """Link to an existing record on an exact match, else create one and propose weak matches
    (`exact_matches`, then `create_people`). Call inside a transaction."""
    found = exact_matches([data])[0]
    if found is not None:
        return PersonMatch(found, True)
    match = create_people([(kind, data)])[0]
    propose_matches([match])
    return match


def exact_matches(named: Sequence[PersonInput]) -> list[Person | None]:
    """For each person named, the record they certainly are, or None: one query for them all.

    Exact: the same valid NHS number; or the same normalised first and last names, date of
    birth and postcode, when exactly one record has them and no NHS number conflicts. Only an
    NHS number on both sides that differs is a conflict: a police contact with no number links
    to the child whom health recorded with one, or the child's chronology splits in two. A
    match on a record merged into another is the record it was merged into, never the
    merged-away one. Each record found says, in the same query, whether it has an open case
    (`PersonMatch.may_have_open_case`).
    """
    if not named:
        return []
    by_input: list[list[Person]] = [[] for _ in named]
    with prepared_cursor(connection.alias) as cursor:
        cursor.execute(*_exact_match_statement(named))
        for row in cursor.fetchall():
            person = instance(Person, connection.alias, row, start=1)
            # Read by `PersonMatch.may_have_open_case`.
            setattr(person, "open_case", row[-1])  # noqa: B010
            by_input[row[0]].append(person)
    return [_certain(data, rows) for data, rows in zip(named, by_input, strict=True)]


def _certain(data: PersonInput, rows: Sequence[Person]) -> Person | None:
    """The one kept record `rows` (ordered by NHS number, highest first) name for `data`. The
    NHS number is unique, so a row with it comes first and is the match; otherwise the name
    matches count only when they resolve to exactly one kept record whose NHS number, if both
    sides have one, is the same."""
    if rows and data.nhs_number and rows[0].nhs_number == data.nhs_number:
        return rows[0].kept_record()
    # A duplicate and the record it was merged into are one person, however many rows match.
    kept = {person.kept_record() for person in rows}
    if data.nhs_number:
        kept = {person for person in kept if person.nhs_number in ("", data.nhs_number)}
    return kept.pop() if len(kept) == 1 else None


def create_people(named: Sequence[tuple[str, PersonInput]]) -> list[PersonMatch]:
    """A new record for each (kind, person) named that no record matched exactly, written in one
    statement; the caller proposes their weak matches (`propose_matches`). A person named twice
    (by the same NHS number, or by the same details with no NHS number conflicting) is one
    record.

    Two intakes naming the same new NHS number at once both try to create it; the unique
    constraint makes the later one wait for the earlier to commit, and then it links to that
    record. Call inside a transaction."""
    matches: list[PersonMatch] = []
    fresh: list[tuple[Person, PersonInput]] = []
    for kind, data in named:
        same = next((made for made, said in fresh if _same_person(said, data)), None)
        if same is None:
            same = _new_person(kind, data)
            fresh.append((same, data))
        matches.append(PersonMatch(same, False))
    people = [person for person, _ in fresh]
    written = insert(people, skip_conflicts_on="nhs_number")
    taken = {person.nhs_number for person in people} - {person.nhs_number for person in written}
    if taken:
        # Another intake created these NHS numbers a moment ago: those records are the matches.
        for match in matches:
            if match.person.nhs_number in taken and match.person.pk is None:
                match.person = Person.objects.get(nhs_number=match.person.nhs_number).kept_record()
                match.matched_existing = True
    return matches


def propose_matches(matches: Iterable[PersonMatch]) -> None:
    """Propose the weak matches of the new records among `matches` (`create_people`'s), at
    most five each: one statement, which inside `together()` goes with the block's writes."""
    # Weak matches need a birth date or a postcode to compare.
    created = list(
        {
            match.person.pk: None
            for match in matches
            if not match.matched_existing
            and (match.person.date_of_birth or match.person.normalised_postcode)
        }
    )
    if created:
        status = MatchProposal.Status.PROPOSED.value
        write(
            connection.alias,
            _PROPOSALS_INSERT,
            [status, timezone.now(), created, MAX_PROPOSALS_PER_PERSON, created],
        )


def _same_person(first: PersonInput, then: PersonInput) -> bool:
    """Whether `then` names exactly the person `first` named (the rule of `exact_matches`)."""
    if first.nhs_number and first.nhs_number == then.nhs_number:
        return True
    details = (
        then.date_of_birth is not None
        and bool(_postcode_of(then))
        and _details(first) == _details(then)
    )
    conflict = bool(first.nhs_number and then.nhs_number and first.nhs_number != then.nhs_number)
    return details and not conflict


def _postcode_of(data: PersonInput) -> str:
    return normalise_postcode(data.address.get("postcode", ""))


def _details(data: PersonInput) -> tuple[str, str, date | None, str]:
    return (
        normalise_name(data.first_name),
        normalise_name(data.last_name),
        data.date_of_birth,
        _postcode_of(data),
    )


def _new_person(kind: str, data: PersonInput) -> Person:
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
    person.normalise()
    return person


def _exact_match_statement(named: Sequence[PersonInput]) -> tuple[str, list[Any]]:
    """The statement of `exact_matches` and its values: each input's two ways of matching,
    each by its own index (the unique NHS number; names and birth date, then postcode)."""
    open_case, open_case_params = workflows.open_case_exists_sql()
    sql = f"""
        SELECT named.n, {columns(Person, "mach_person")}, {open_case}
        FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::date[], %s::text[])
            AS named(n, nhs_number, first_name, last_name, date_of_birth, postcode)
        CROSS JOIN LATERAL (
            -- `p.nhs_number <> ''` lets the partial unique index on the number serve it.
            (SELECT * FROM mach_person p WHERE named.nhs_number <> ''
                AND p.nhs_number <> '' AND p.nhs_number = named.nhs_number)
            UNION ALL
            (SELECT * FROM mach_person p WHERE named.postcode <> ''
                AND p.normalised_last_name = named.last_name
                AND p.normalised_first_name = named.first_name
                AND p.date_of_birth = named.date_of_birth
                AND p.normalised_postcode = named.postcode
                AND (named.nhs_number = '' OR p.nhs_number = '')
             ORDER BY p.nhs_number DESC, p.last_name, p.first_name, p.id
             LIMIT {MAX_EXACT_MATCHES})
        ) AS mach_person
        ORDER BY named.n, mach_person.nhs_number DESC, mach_person.last_name,
            mach_person.first_name, mach_person.id
    """
    details = [_details(data) for data in named]
    values = [
        list(range(len(named))),
        [data.nhs_number for data in named],
        [first for first, _, _, _ in details],
        [last for _, last, _, _ in details],
        [born for _, _, born, _ in details],
        [postcode for _, _, _, postcode in details],
    ]
    return sql, [*open_case_params, *values]


_HOUSEHOLD_ADULTS = (
    f"SELECT {columns(Person)} FROM mach_person"
    " WHERE kind = %s AND merged_into_id IS NULL"
    " AND id IN (SELECT person_id FROM mach_relationship WHERE child_id = ANY(%s))"
)


def household_adults(child_ids: Sequence[int]) -> list[Person]:
    """The adults already linked to these children (one statement, built once)."""
    with prepared_cursor(connection.alias) as cursor:
        cursor.execute(_HOUSEHOLD_ADULTS, [Kind.ADULT.value, list(child_ids)])
        return [instance(Person, connection.alias, row) for row in cursor.fetchall()]


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


# Weak matches of new records (`create_people`), at most five each, the oldest records first,
# each with its reason: the same date of birth and one name; or both names and the postcode. A
# record never proposes itself, a merged-away record, or one created after it by the same
# intake (of two new twins the earlier is proposed to the later, not both ways).
_PROPOSALS_INSERT = """
        INSERT INTO mach_matchproposal (person_id, candidate_id, reason, status, created_at)
        SELECT made.id, candidate.id,
            concat_ws(', ',
                CASE WHEN candidate.date_of_birth = made.date_of_birth
                    THEN 'same date of birth' END,
                CASE WHEN candidate.normalised_first_name = made.normalised_first_name
                    THEN 'same first name' END,
                CASE WHEN candidate.normalised_last_name = made.normalised_last_name
                    THEN 'same last name' END,
                CASE WHEN made.normalised_postcode <> ''
                    AND candidate.normalised_postcode = made.normalised_postcode
                    THEN 'same postcode' END),
            %s, %s
        FROM mach_person made
        CROSS JOIN LATERAL (
            SELECT c.* FROM mach_person c
            WHERE c.merged_into_id IS NULL AND c.id <> made.id
                AND NOT (c.id > made.id AND c.id = ANY(%s))
                AND ((c.date_of_birth = made.date_of_birth
                        AND (c.normalised_first_name = made.normalised_first_name
                            OR c.normalised_last_name = made.normalised_last_name))
                    OR (made.normalised_postcode <> ''
                        AND c.normalised_first_name = made.normalised_first_name
                        AND c.normalised_last_name = made.normalised_last_name
                        AND c.normalised_postcode = made.normalised_postcode))
            -- Oldest first, but ordered by an expression the primary key index cannot supply:
            -- ordered by id itself, PostgreSQL may walk the whole table in id order hoping to
            -- meet five matches early, which takes 50 ms once thousands share a birth date
            -- and family name.
            ORDER BY c.id + 0
            LIMIT %s
        ) AS candidate
        WHERE made.id = ANY(%s)
        ON CONFLICT DO NOTHING
    """
