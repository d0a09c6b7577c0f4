"""Every write of the core: each function checks permission, runs in one transaction, records
who did what and why, and defers side effects until the transaction commits."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.authtoken.models import Token

from . import timescales
from .audit import log_child_access, record_event
from .models import (
    AccessLog,
    Alert,
    Contact,
    ContactPerson,
    Kind,
    MatchProposal,
    ParentalAwareness,
    Person,
    Relationship,
    RelationshipKind,
    Role,
    Team,
    User,
    normalise_name,
    normalise_postcode,
)
from .permissions import CONTACT_SUBMITTERS

logger = logging.getLogger(__name__)

MAX_PROPOSALS_PER_PERSON = 5

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


def _require_role(actor: User, allowed: Sequence[str]) -> None:
    if not actor.has_role(*allowed):
        raise PermissionDenied("Your role does not allow this.")


def person_match_or_create(*, kind: str, data: PersonInput) -> PersonMatch:
    """Link to an existing record on an exact match, else create one and propose weak matches.

    Exact: the same valid NHS number; or, with no conflicting NHS number, the same normalised
    first and last names, date of birth and postcode, when exactly one record has them. Weaker
    matches (same date of birth and one name the same; or both names and the postcode) become
    `MatchProposal` rows for a worker; nothing is ever merged here.
    """
    first, last = normalise_name(data.first_name), normalise_name(data.last_name)
    postcode = normalise_postcode(data.address.get("postcode", ""))
    if data.nhs_number:
        existing = Person.objects.filter(nhs_number=data.nhs_number).first()
        if existing is not None:
            return PersonMatch(existing, True)
    if data.date_of_birth and postcode:
        exact = list(
            Person.objects.filter(
                normalised_first_name=first,
                normalised_last_name=last,
                date_of_birth=data.date_of_birth,
                normalised_postcode=postcode,
                nhs_number__in=["", data.nhs_number],
            )[:2]
        )
        if len(exact) == 1:
            return PersonMatch(exact[0], True)
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
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Another intake created the same NHS number a moment ago: that record is the match.
        return PersonMatch(Person.objects.get(nhs_number=data.nhs_number), True)
    _propose_matches(person, first=first, last=last, postcode=postcode)
    return PersonMatch(person, False)


def _propose_matches(person: Person, *, first: str, last: str, postcode: str) -> None:
    similar = Q(normalised_first_name=first) | Q(normalised_last_name=last)
    weak = Q(pk__in=[])
    if person.date_of_birth:
        weak |= Q(date_of_birth=person.date_of_birth) & similar
    if postcode:
        weak |= Q(
            normalised_first_name=first, normalised_last_name=last, normalised_postcode=postcode
        )
    candidates = Person.objects.filter(weak).exclude(pk=person.pk).order_by("id")
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


def intake_team_for(actor: User) -> Team:
    if actor.role in (Role.SOCIAL_WORKER, Role.MANAGER) and actor.team_id is not None:
        assert actor.team is not None
        return actor.team
    return Team.objects.intake()


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

    Raises PermissionDenied for a role that may not submit contacts and ValidationError (with
    field names) when a rule of spec section 4 is broken. Nothing is saved unless all of it is.
    """
    _require_role(actor, CONTACT_SUBMITTERS)
    errors: dict[str, str] = {}
    if not children:
        errors["children"] = "Name at least one child."
    if parental_awareness != ParentalAwareness.INFORMED_AND_CONSENTS and not (
        parental_awareness_reason.strip()
    ):
        errors["parental_awareness_reason"] = (
            "Say why the parents were not informed or did not consent."
        )
    if errors:
        raise ValidationError(errors)
    received_at = received_at or timezone.now()
    with transaction.atomic():
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
            decision_due_at=due,
            team=intake_team_for(actor),
            submitted_by=actor,
            submitting_team=actor.team if actor.role == Role.PARTNER_AGENCY else None,
        )
        contact.start_clock(due)
        contact.save()
        links = _link_people(contact, children=children, adults=adults)
        record_event(
            actor=actor,
            subject=contact,
            action="contact_received",
            to_state=contact.state,
            data={"channel": channel, "source": source, "people": len(links)},
        )
        log_child_access(
            user=actor,
            child_ids=[link.person_id for link in links if link.role == Kind.CHILD],
            via=via or "contact_create",
            action=AccessLog.Action.CREATE,
        )
        if due <= timezone.now():
            transaction.on_commit(lambda: _enqueue_deadline_check(contact.pk), robust=True)
    return contact


def _link_people(
    contact: Contact, *, children: Sequence[PersonInput], adults: Sequence[PersonInput]
) -> list[ContactPerson]:
    links: dict[int, ContactPerson] = {}
    position = 0
    for role, inputs in ((Kind.CHILD, children), (Kind.ADULT, adults)):
        for data in inputs:
            match = person_match_or_create(kind=role, data=data)
            if match.person.pk in links:
                continue
            links[match.person.pk] = ContactPerson(
                contact=contact,
                person=match.person,
                role=role,
                matched_existing=match.matched_existing,
                relationship=data.relationship,
                position=position,
            )
            position += 1
    ContactPerson.objects.bulk_create(links.values())
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
    Relationship.objects.bulk_create(relationships, ignore_conflicts=True)
    return list(links.values())


def _enqueue_deadline_check(contact_id: int) -> None:
    from .tasks import check_deadline

    check_deadline.delay("contact_decision", contact_id)


def alert_acknowledge(*, actor: User, alert: Alert, note: str = "") -> Alert:
    """A manager of the alert's team acknowledges it; acknowledging twice is refused (409)."""
    _require_role(actor, (Role.MANAGER,))
    if alert.team_id is not None and alert.team_id != actor.team_id:
        raise PermissionDenied("This alert belongs to another team.")
    with transaction.atomic():
        now = timezone.now()
        updated = Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=actor
        )
        if not updated:
            raise AlreadyDone("This alert was already acknowledged.")
        alert.refresh_from_db()
        record_event(actor=actor, subject=alert, action="alert_acknowledged", reason=note)
    return alert


class AlreadyDone(Exception):
    """A change that the record's current state no longer allows (HTTP 409)."""


def user_create(
    *, username: str, role: str, team_slug: str = "", email: str = "", password: str = ""
) -> tuple[User, str]:
    """Create a user with a role (and team) and return it with a new API token key."""
    if role not in Role.values:
        raise ValidationError({"role": f"Choose one of: {', '.join(Role.values)}."})
    with transaction.atomic():
        team = None
        if team_slug:
            team, _ = Team.objects.get_or_create(
                slug=team_slug, defaults={"name": team_slug.replace("-", " ").title()}
            )
        if User.objects.filter(username=username).exists():
            raise ValidationError({"username": "A user with that username already exists."})
        user = User(username=username, role=role, team=team, email=email)
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        token = Token.objects.create(user=user)
        record_event(actor=None, subject=user, action="user_created", data={"role": role})
    return user, token.key
