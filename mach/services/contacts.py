"""Recording contacts (spec section 4) and starting their decision clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import selectors, timescales, workflows
from ..audit import record_receipt
from ..models import (
    Contact,
    ContactPerson,
    Kind,
    ParentalAwareness,
    Rag,
    Relationship,
    RelationshipKind,
    Role,
    Team,
    User,
)
from ..permissions import CONTACT_SUBMITTERS, MACH_WORKERS
from ..rows import insert, insert_skipping_conflicts, together
from .common import enqueue_deadline_check, require_role
from .people import (
    PersonInput,
    PersonMatch,
    create_people,
    exact_matches,
    household_adult_match,
    household_adults,
    propose_matches,
    relationship_kind,
)

# A person named on a contact: as a child or adult, as the referrer described them, and the
# record they were matched to.
Match = tuple[str, PersonInput, PersonMatch]


def intake_team_for(actor: User) -> Team:
    if actor.role in MACH_WORKERS and actor.team_id is not None:
        assert actor.team is not None
        return actor.team
    return Team.objects.intake()


def parental_awareness_errors(parental_awareness: str, reason: str) -> dict[str, str]:
    """Spec section 4: a contact the parents do not know of, or do not consent to, says why."""
    if parental_awareness != ParentalAwareness.INFORMED_AND_CONSENTS and not reason.strip():
        return {
            "parental_awareness_reason": "Say why the parents were not informed or did not consent."
        }
    return {}


def contact_create(
    *,
    actor: User,
    channel: str,
    source: str,
    referrer: dict[str, str],
    children: Sequence[PersonInput],
    adults: Sequence[PersonInput],
    concerns: str,
    parental_awareness: str,
    parental_awareness_reason: str = "",
    immediate_safety_concern: bool = False,
    received_at: datetime | None = None,
    via: str = "",
) -> Contact:
    """Record a contact, match its people and start its decision clock (1 working day).

    Returns the contact with its team, its people (each with its person) and its referrals
    (none yet) attached as `selectors.with_people(..., as_lists=True)` attaches them, so showing
    it costs no query. Raises PermissionDenied for a role that may not submit contacts
    and ValidationError (with field names) when a rule of spec section 4 is broken. Nothing is
    saved unless all of it is.
    """
    require_role(actor, CONTACT_SUBMITTERS)
    errors = parental_awareness_errors(parental_awareness, parental_awareness_reason)
    if not children:
        errors["children"] = "Name at least one child."
    if errors:
        raise ValidationError(errors)
    received_at = received_at or timezone.now()
    with transaction.atomic():
        matches = match_people(children=children, adults=adults)
        case = open_case_of(matches)
        due = timescales.add_working_days(received_at, 1)
        contact = Contact(
            received_at=received_at,
            channel=channel,
            source=source,
            referrer_name=referrer.get("name", ""),
            referrer_organisation=referrer.get("organisation", ""),
            referrer_role=referrer.get("role", ""),
            referrer_phone=referrer.get("phone", ""),
            referrer_email=referrer.get("email", ""),
            concerns=concerns,
            parental_awareness=parental_awareness,
            parental_awareness_reason=parental_awareness_reason,
            immediate_safety_concern=immediate_safety_concern,
            # Red before anyone screens it: the 4-hour partner clock and the worklist's order
            # must not wait for a screening of a child in immediate danger.
            rag=Rag.RED if immediate_safety_concern else "",
            decision_due_at=due,
            team=intake_team_for(actor),
            submitted_by=actor,
            submitting_team_id=actor.team_id if actor.role == Role.PARTNER_AGENCY else None,
        )
        if case is not None:
            route_to_open_case(contact, case)
        contact.start_clock(due)
        # The contact and the new records' proposals in one statement: nothing reads them back.
        with together():
            insert([contact])
            propose_matches(match for _role, _data, match in matches)
        # Nothing reads these rows back before the commit: one statement writes them all.
        with together():
            links = _link_people(contact, matches)
            record_receipt(
                actor=actor,
                subject=contact,
                action="contact_received",
                to_state=contact.state,
                data={
                    "channel": channel,
                    "source": source,
                    "people": len(links),
                    **({"open_case": contact.open_case_kind} if case is not None else {}),
                },
                child_ids=[link.person_id for link in links if link.role == Kind.CHILD],
                via=via or "contact_create",
            )
        if due <= timezone.now():
            transaction.on_commit(
                lambda: enqueue_deadline_check("contact_decision", contact.pk), robust=True
            )
    _show_as_loaded(contact, links)
    return contact


def _show_as_loaded(contact: Contact, links: Sequence[ContactPerson]) -> None:
    """Attach what intake just wrote as `selectors.with_people(..., as_lists=True)` would load
    it: the people in position order, each link holding its person, and no referrals (a
    contact gets them only at its decision). Reading them back would cost three queries."""
    setattr(contact, selectors.PEOPLE_LIST, sorted(links, key=lambda link: link.position))
    setattr(contact, selectors.REFERRAL_LIST, [])


def route_to_open_case(contact: Contact, case: workflows.OpenCase) -> None:
    """Mark the contact as information on `case` and give it to the case's team and worker
    (spec section 4); the caller saves it."""
    contact.open_case_kind = case.kind
    contact.open_case_record_id = case.record.pk
    contact.allocated_worker_id = case.worker_id
    if case.team_id is not None:
        contact.team_id = case.team_id


def open_case_of(matches: Sequence[Match]) -> workflows.OpenCase | None:
    """The open case of the first child that has one. Only children matched to an existing
    record can have one, and the matching query already said which may: most intakes ask
    nothing more."""
    candidates = [
        match.person.pk
        for role, _data, match in matches
        if role == Kind.CHILD and match.may_have_open_case
    ]
    if not candidates:
        return None
    cases = workflows.open_cases(candidates)
    return next((cases[child_id] for child_id in candidates if child_id in cases), None)


def match_people(*, children: Sequence[PersonInput], adults: Sequence[PersonInput]) -> list[Match]:
    """Each person named, matched to a record once (a person named twice is linked once): the
    one matching of every intake (contacts, domestic-abuse notifications). Two statements for
    any number of people: the exact matches of all and the new records of the rest (and one
    more for the household, when an adult is named with a known child). The caller proposes
    the new records' weak matches (`propose_matches`), with its own writes in `together()`.

    An adult is first looked for among the adults already linked to the known children: the
    mother named by name alone on every contact is one person in the household, not a new
    record each time (`household_adult_match`)."""
    named = [(Kind.CHILD, data) for data in children] + [(Kind.ADULT, data) for data in adults]
    found = exact_matches([data for _, data in named])
    known = [
        person.pk
        for (kind, _), person in zip(named, found, strict=True)
        if kind == Kind.CHILD and person is not None
    ]
    household = household_adults(known) if known and adults else []
    for index, (kind, data) in enumerate(named):
        if kind == Kind.ADULT:
            found[index] = household_adult_match(household, data) or found[index]
    unmatched = [index for index, person in enumerate(found) if person is None]
    created = iter(create_people([named[index] for index in unmatched]))
    matches: dict[int, Match] = {}
    for (kind, data), person in zip(named, found, strict=True):
        match = PersonMatch(person, True) if person is not None else next(created)
        matches.setdefault(match.person.pk, (kind, data, match))
    return list(matches.values())


def _link_people(contact: Contact, matches: Sequence[Match]) -> list[ContactPerson]:
    links: dict[int, ContactPerson] = {
        match.person.pk: ContactPerson(
            contact=contact,
            person=match.person,
            role=role,
            matched_existing=match.matched_existing,
            relationship=data.relationship,
            position=position,
        )
        for position, (role, data, match) in enumerate(matches)
    }
    insert(list(links.values()))
    child_links = [link for link in links.values() if link.role == Kind.CHILD]
    relationships = [
        Relationship(
            person=link.person,
            child=child.person,
            kind=relationship_kind(link.relationship),
            description=link.relationship,
        )
        for link in links.values()
        if link.role == Kind.ADULT
        for child in child_links
    ]
    relationships += [
        Relationship(
            person=first.person, child=second.person, kind=RelationshipKind.HOUSEHOLD_MEMBER
        )
        for index, first in enumerate(child_links)
        for second in child_links[index + 1 :]
    ]
    insert_skipping_conflicts(relationships)
    return list(links.values())
