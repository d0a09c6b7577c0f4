"""Reads of the core, already scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import overload

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.utils import timezone

from .models import (
    OPEN_STATES,
    AccessLog,
    Alert,
    AlertLevel,
    Contact,
    ContactPerson,
    Kind,
    MatchProposal,
    Person,
    PersonMerge,
    Rag,
    Referral,
    Relationship,
    RelationshipKind,
    Role,
    User,
)
from .permissions import CHILD_READERS

CHRONOLOGY_LINKS = (
    RelationshipKind.PARENT,
    RelationshipKind.CARER,
    RelationshipKind.SIBLING,
    RelationshipKind.HOUSEHOLD_MEMBER,
)


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    """Partner agencies see only their own organisation's submissions; MACH roles see all."""
    contacts = Contact.objects.all()
    if user.role == Role.PARTNER_AGENCY:
        if user.team_id is None:
            return contacts.none()
        return contacts.filter(submitting_team_id=user.team_id)
    if user.role in CHILD_READERS:
        return contacts
    return contacts.none()


# Where `with_people(..., as_lists=True)` puts each contact's people and referrals.
PEOPLE_LIST = "people_list"
REFERRAL_LIST = "referral_list"


def with_people(contacts: QuerySet[Contact], *, as_lists: bool = False) -> QuerySet[Contact]:
    """The contacts with their team, their people (in position order, each with its person)
    and their referrals (each with the previous one) loaded: two queries more, whatever their
    number.

    By default the people and referrals fill the related managers, so that
    `contact.contact_people.all()` and `contact.referrals.all()` cost nothing. With `as_lists`
    they are plain lists in the attributes `PEOPLE_LIST` and `REFERRAL_LIST` instead and the
    managers stay unloaded: for a page of many contacts, since filling a manager for each
    contact costs more CPU than the rows in it, and leaves more garbage to collect.
    """
    people = ContactPerson.objects.select_related("person").order_by("position", "id")
    referrals = Referral.objects.select_related("previous_referral").order_by("id")
    return contacts.select_related("team").prefetch_related(
        Prefetch("contact_people", queryset=people, to_attr=PEOPLE_LIST if as_lists else None),
        Prefetch("referrals", queryset=referrals, to_attr=REFERRAL_LIST if as_lists else None),
    )


def children_named(lookup: str) -> Prefetch:
    """Prefetch of the contacts' children at `lookup` (their links to contacts), in position
    order, with only what a list shows of them: their names."""
    return Prefetch(
        lookup,
        queryset=ContactPerson.objects.filter(role=Kind.CHILD)
        .select_related("person")
        .only("contact", "person__first_name", "person__last_name")
        .order_by("position", "id"),
    )


def worklist(user: User, *, state: str = "", rag: str = "", team: str = "") -> Worklist:
    """Open contacts the user may see: overdue first, then red ones (RAG is the priority within
    the decision window, and a contact with an immediate safety concern is red from intake),
    then by decision deadline. Only the children are prefetched into `contact_people`, and only
    the columns the worklist shows are read: any other field of a contact or child costs a
    query per row."""
    contacts = contacts_visible_to(user).filter(state__in=OPEN_STATES)
    if state:
        contacts = contacts.filter(state=state)
    if rag:
        contacts = contacts.filter(rag=rag)
    if team:
        contacts = contacts.filter(team__slug=team)
    return Worklist(contacts, timezone.now())


class Worklist:
    """The worklist's contacts in its order, for a `Paginator`: `count()` and a slice (a page),
    each in a fixed number of queries whatever the page's size or number.

    The order is three bands (overdue; red; the rest), each by decision deadline then id. One
    ORDER BY over the bands (a CASE on the deadline and RAG) sorts every open contact before
    taking a page: at a million contacts, 10,000 of them on every request. Each band alone is
    ordered like the open contacts' deadline index, so a page reads up to its end from each
    band's walk of that index, and only those ids are sorted (issue 17)."""

    def __init__(self, contacts: QuerySet[Contact], now: datetime) -> None:
        self.contacts = contacts
        self.now = now

    def count(self) -> int:
        return self.contacts.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Contact]:
        return iter(self[: len(self)])

    @overload
    def __getitem__(self, index: int) -> Contact: ...

    @overload
    def __getitem__(self, index: slice) -> list[Contact]: ...

    def __getitem__(self, index: int | slice) -> Contact | list[Contact]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        return self._page(index)

    def _page(self, page: slice) -> list[Contact]:
        end = page.stop
        if not end:
            return []  # an empty list's first page
        bands = (
            self.contacts.filter(decision_due_at__lt=self.now),
            self.contacts.filter(decision_due_at__gte=self.now, rag=Rag.RED),
            self.contacts.filter(decision_due_at__gte=self.now).exclude(rag=Rag.RED),
        )
        first, *others = (
            band.annotate(band=Value(number))
            .order_by("decision_due_at", "id")
            .values_list("band", "decision_due_at", "id")[:end]
            for number, band in enumerate(bands)
        )
        ids = [
            row[2]
            for row in first.union(*others, all=True).order_by("band", "decision_due_at", "id")[
                page
            ]
        ]
        position = {pk: index for index, pk in enumerate(ids)}
        rows = (
            self.contacts.filter(pk__in=ids)
            .order_by()
            .select_related("team")
            .only("state", "rag", "decision_due_at", "team__name")
            .prefetch_related(children_named("contact_people"))
        )
        return sorted(rows, key=lambda contact: position[contact.pk])


def children_visible_to(user: User) -> QuerySet[Person]:
    if user.role in CHILD_READERS:
        return Person.objects.filter(kind=Kind.CHILD)
    return Person.objects.none()


def household_of(child: Person) -> list[int]:
    """The child, siblings and household adults: the people whose history the chronology shows."""
    linked = Relationship.objects.filter(kind__in=CHRONOLOGY_LINKS).filter(
        Q(child=child) | Q(person=child)
    )
    ids = {child.pk}
    for person_id, child_id in linked.values_list("person_id", "child_id"):
        ids.update((person_id, child_id))
    return sorted(ids)


def team_ids_managed_by(user: User) -> list[int]:
    """The teams whose queues a user sees: their own, and a service manager's managed ones."""
    own = [user.team_id] if user.team_id is not None else []
    if user.role != Role.SERVICE_MANAGER:
        return own
    return sorted({*own, *user.managed_teams.values_list("id", flat=True)})


def contacts_on_open_case(kind: str, record_id: int) -> QuerySet[Contact]:
    """The contacts routed to an open case as information on it, oldest first."""
    return Contact.objects.filter(open_case_kind=kind, open_case_record_id=record_id).order_by(
        "received_at", "id"
    )


def open_alerts_for(user: User) -> QuerySet[Alert]:
    return (
        alerts_for_team_of(user).filter(acknowledged_at__isnull=True).order_by("-created_at", "-id")
    )


def access_log_for(child_id: int) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(child_id=child_id).select_related("user").order_by("-at", "-id")


def alerts_for_team_of(user: User) -> QuerySet[Alert]:
    """Every alert (open or acknowledged) a manager may act on: a team's manager, its overdue
    items (level 1); a service manager, the escalations (level 2) across the teams they
    manage. An escalation goes above the managers who let it lapse, not back to them."""
    if not user.is_active:
        return Alert.objects.none()
    if user.role == Role.MANAGER:
        return Alert.objects.filter(
            Q(team_id=user.team_id) | Q(team__isnull=True), level=AlertLevel.OVERDUE
        )
    if user.role == Role.SERVICE_MANAGER:
        return Alert.objects.filter(
            Q(team__in=user.managed_teams.all()) | Q(team__isnull=True),
            level=AlertLevel.ESCALATED,
        )
    return Alert.objects.none()


def match_proposals(
    *, state: str | None = None, person_id: int | None = None
) -> QuerySet[MatchProposal]:
    """Proposals with both people loaded, optionally in one state and naming one person.

    A proposal still `proposed` whose person or candidate has since been merged away is left
    out: nothing can be decided on it unless that merge is undone, when it shows again.
    """
    proposals = MatchProposal.objects.select_related("person", "candidate", "decided_by").exclude(
        Q(status=MatchProposal.Status.PROPOSED)
        & (Q(person__merged_into__isnull=False) | Q(candidate__merged_into__isnull=False))
    )
    if state:
        proposals = proposals.filter(status=state)
    if person_id is not None:
        proposals = proposals.filter(Q(person_id=person_id) | Q(candidate_id=person_id))
    return with_last_contact_dates(proposals)


def with_last_contact_dates(proposals: QuerySet[MatchProposal]) -> QuerySet[MatchProposal]:
    """Each proposal with when its person and its candidate were last in a contact
    (`person_last_contact_at`, `candidate_last_contact_at`), in the same query: how recently a
    record was in use is one of the things that tell two records apart."""
    return proposals.annotate(
        person_last_contact_at=_last_contact_of("person_id"),
        candidate_last_contact_at=_last_contact_of("candidate_id"),
    )


def _last_contact_of(person_field: str) -> Subquery:
    links = ContactPerson.objects.filter(person_id=OuterRef(person_field))
    return Subquery(links.order_by("-contact__received_at").values("contact__received_at")[:1])


def person_merges() -> QuerySet[PersonMerge]:
    return PersonMerge.objects.select_related("duplicate", "kept", "merged_by", "undone_by")
