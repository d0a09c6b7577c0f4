"""Recording contacts (spec section 4) and starting their decision clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import selectors, timescales
from ..audit import log_child_access, record_event
from ..models import (
    AccessLog,
    Contact,
    ContactPerson,
    Kind,
    ParentalAwareness,
    Relationship,
    RelationshipKind,
    Role,
    Team,
    User,
)
from ..permissions import CONTACT_SUBMITTERS
from .common import enqueue_deadline_check, require_role
from .people import PersonInput, person_match_or_create, relationship_kind


def intake_team_for(actor: User) -> Team:
    if actor.role in (Role.SOCIAL_WORKER, Role.MANAGER) and actor.team_id is not None:
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
            submitting_team_id=actor.team_id if actor.role == Role.PARTNER_AGENCY else None,
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
