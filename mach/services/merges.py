"""Deciding match proposals and merging duplicate person records, reversibly (spec section 3).

A merge re-points every row that refers to the duplicate record at the kept one and marks the
duplicate `merged_into` the kept one; nothing is deleted. The merge record lists exactly which
rows moved and which fields changed, so an undo moves exactly those rows back and restores
exactly those fields; rows added to the kept record after the merge stay where they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from ..audit import log_child_access, record_event
from ..models import AccessLog, Kind, MatchProposal, Person, PersonMerge, User
from ..permissions import MACH_WORKERS, MANAGERS
from .common import AlreadyDone, require_role

# Rows that keep pointing at the duplicate: who saw which record is history and never changes;
# proposals and merges name the duplicate on purpose; a chain of merges is followed, not rewritten.
RELATIONS_LEFT_IN_PLACE = frozenset(
    {
        ("mach.accesslog", "child"),
        ("mach.matchproposal", "person"),
        ("mach.matchproposal", "candidate"),
        ("mach.personmerge", "duplicate"),
        ("mach.personmerge", "kept"),
        ("mach.person", "merged_into"),
    }
)

# Identifying fields the kept record takes from the duplicate when it has none of its own.
FILLED_FIELDS = ("nhs_number", "upn", "date_of_birth")

# NHS numbers are unique across records, so the number moves to the kept record, not a copy.
MOVED_FIELDS = frozenset({"nhs_number"})


def match_proposal_reject(*, actor: User, proposal: MatchProposal, reason: str) -> MatchProposal:
    """Record that the proposal's two records are different people; both stay as they are.

    Raises PermissionDenied unless the actor is a MACH worker, ValidationError naming `reason`
    when none is given, and AlreadyDone when the proposal was already decided.
    """
    reason = _checked_reason(actor, reason, MACH_WORKERS)
    with transaction.atomic(durable=True):
        return _decide(actor, proposal, MatchProposal.Status.REJECTED, reason)


def match_proposal_confirm(
    *, actor: User, proposal: MatchProposal, reason: str, via: str = ""
) -> PersonMerge:
    """Confirm the proposal and merge its `person` (the newer record made at intake) into its
    `candidate` (the existing record, kept), through `person_merge`.

    Raises PermissionDenied unless the actor is a MACH worker, ValidationError naming `reason`
    when none is given, AlreadyDone when the proposal was already decided, and whatever
    `person_merge` raises; on any failure the proposal stays `proposed`.
    """
    reason = _checked_reason(actor, reason, MACH_WORKERS)
    with transaction.atomic(durable=True):
        proposal = _decide(actor, proposal, MatchProposal.Status.CONFIRMED, reason)
        return person_merge(
            actor=actor,
            duplicate=proposal.person,
            kept=proposal.candidate,
            reason=reason,
            proposal=proposal,
            via=via,
        )


def person_merge(
    *,
    actor: User,
    duplicate: Person,
    kept: Person,
    reason: str,
    proposal: MatchProposal | None = None,
    via: str = "",
) -> PersonMerge:
    """Merge `duplicate` into `kept`: re-point every row referring to the duplicate, fill the
    kept record's blank identifying fields from it, and mark it `merged_into` the kept record.

    The relations are found through the model registry, so a workflow app's own references to a
    person are covered without registering them. Left in place: the rows of
    `RELATIONS_LEFT_IN_PLACE`, and any row that cannot move without breaking a constraint (the
    same adult already linked to the kept child in the same way, a contact naming both records,
    a link between the two records themselves); they are listed in the duplicate's event.

    Raises PermissionDenied unless the actor is a MACH worker; ValidationError naming `reason`
    when none is given, `kept` for a record merged into itself, `kind` for a child and an adult,
    `nhs_number` for two different NHS numbers; AlreadyDone when either record is merged away.
    """
    reason = _checked_reason(actor, reason, MACH_WORKERS)
    if duplicate.pk == kept.pk:
        raise ValidationError({"kept": "A record cannot be merged into itself."})
    # Not durable: confirming a match proposal merges inside its own transaction.
    with transaction.atomic():
        duplicate, kept = _locked_people(duplicate.pk, kept.pk)
        _check_mergeable(duplicate, kept)
        relations, stayed = _repoint_all(duplicate, kept)
        duplicate_fields, kept_fields = _fill_identifiers(duplicate, kept)
        duplicate.merged_into = kept
        # The duplicate gives up a moved NHS number before the kept record takes it.
        duplicate.save(update_fields=["merged_into", *duplicate_fields])
        kept.save(update_fields=list(kept_fields))
        merge = PersonMerge.objects.create(
            duplicate=duplicate,
            kept=kept,
            proposal=proposal,
            moved={
                "relations": relations,
                "kept_fields": kept_fields,
                "duplicate_fields": duplicate_fields,
            },
            reason=reason,
            merged_by=actor,
        )
        record_event(
            actor=actor,
            subject=duplicate,
            action="person_merged_away",
            reason=reason,
            data={"merge": merge.pk, "kept": kept.pk, "left_in_place": stayed},
        )
        record_event(
            actor=actor,
            subject=kept,
            action="person_merge_kept",
            reason=reason,
            data={"merge": merge.pk, "duplicate": duplicate.pk, "filled": sorted(kept_fields)},
        )
        _log_change(actor, (duplicate, kept), via or "person_merge")
    return merge


def person_merge_undo(
    *, actor: User, merge: PersonMerge, reason: str, via: str = ""
) -> PersonMerge:
    """Undo a merge: move exactly the rows it moved back to the duplicate, restore the fields it
    changed, and make the duplicate a record of its own again. A proposal it confirmed becomes
    `rejected`: undoing says the two records are different people.

    A field the kept record has changed since the merge keeps its new value, and a row that
    cannot move back without breaking a constraint stays; both are listed in the events.

    Raises PermissionDenied unless the actor is a manager, ValidationError naming `reason` when
    none is given, AlreadyDone when the merge was already undone or the kept record has since
    been merged into another (undo that later merge first).
    """
    reason = _checked_reason(actor, reason, MANAGERS)
    with transaction.atomic(durable=True):
        merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.is_undone:
            raise AlreadyDone("This merge has already been undone.")
        duplicate, kept = _locked_people(merge.duplicate_id, merge.kept_id)
        if kept.merged_into_id is not None:
            raise AlreadyDone(
                "The kept record has since been merged into another; undo that merge first."
            )
        stayed: list[dict[str, Any]] = []
        for relation in merge.moved["relations"]:
            model = apps.get_model(relation["model"])
            _moved, left = _repoint(
                model, relation["field"], kept.pk, duplicate.pk, ids=relation["ids"]
            )
            if left:
                stayed.append({**relation, "ids": left})
        kept_fields, duplicate_fields = merge.moved["kept_fields"], merge.moved["duplicate_fields"]
        changed_since = _restore(kept, kept_fields)
        # The kept record gives up a moved NHS number before the duplicate takes it back.
        kept.save(update_fields=list(kept_fields))
        _restore(duplicate, duplicate_fields)
        duplicate.merged_into = None
        duplicate.save(update_fields=["merged_into", *duplicate_fields])
        merge.undone_by = actor
        merge.undone_at = timezone.now()
        merge.undo_reason = reason
        merge.save(update_fields=["undone_by", "undone_at", "undo_reason"])
        if merge.proposal_id is not None:
            proposal = MatchProposal.objects.select_for_update().get(pk=merge.proposal_id)
            _record_decision(actor, proposal, MatchProposal.Status.REJECTED, reason)
        data = {"merge": merge.pk, "not_moved_back": stayed, "changed_since": changed_since}
        for person in (duplicate, kept):
            record_event(
                actor=actor, subject=person, action="person_merge_undone", reason=reason, data=data
            )
        _log_change(actor, (duplicate, kept), via or "person_merge_undo")
    return merge


def _checked_reason(actor: User, reason: str, allowed: Sequence[str]) -> str:
    require_role(actor, allowed)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why."})
    return reason


def _decide(
    actor: User, proposal: MatchProposal, status: MatchProposal.Status, reason: str
) -> MatchProposal:
    proposal = MatchProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != MatchProposal.Status.PROPOSED:
        raise AlreadyDone(f"This proposal was already {proposal.status}.")
    _record_decision(actor, proposal, status, reason)
    return proposal


def _record_decision(
    actor: User, proposal: MatchProposal, status: MatchProposal.Status, reason: str
) -> None:
    previous = proposal.status
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        actor=actor,
        subject=proposal,
        action=f"match_proposal_{status}",
        from_state=previous,
        to_state=status,
        reason=reason,
    )


def _locked_people(first_id: int, second_id: int) -> tuple[Person, Person]:
    # Rows are locked in id order so that two merges of the same pair cannot deadlock. FOR
    # UPDATE also holds off any insert that refers to either record until the merge commits.
    locked = {
        person.pk: person
        for person in Person.objects.select_for_update()
        .filter(pk__in=[first_id, second_id])
        .order_by("pk")
    }
    return locked[first_id], locked[second_id]


def _check_mergeable(duplicate: Person, kept: Person) -> None:
    if duplicate.merged_into_id is not None or kept.merged_into_id is not None:
        raise AlreadyDone("One of these records has already been merged into another.")
    if duplicate.kind != kept.kind:
        raise ValidationError({"kind": "A child's record cannot be merged with an adult's."})
    if duplicate.nhs_number and kept.nhs_number and duplicate.nhs_number != kept.nhs_number:
        raise ValidationError(
            {"nhs_number": "The records have different NHS numbers: they are different people."}
        )


def _relations_to_person() -> list[tuple[type[models.Model], str]]:
    """Every (model, foreign key name) referring to Person, in any installed app.

    `include_hidden` matters: `Person._meta.related_objects` leaves out keys declared with
    `related_name="+"`, and a workflow app's key declared that way would silently stay behind.
    Many-to-many relations are covered by the foreign keys of their through models.
    """
    found = []
    for relation in Person._meta.get_fields(include_hidden=True):
        if not isinstance(relation, models.ForeignObjectRel) or relation.many_to_many:
            continue
        model = relation.related_model
        assert isinstance(model, type)
        if (model._meta.label_lower, relation.field.name) not in RELATIONS_LEFT_IN_PLACE:
            found.append((model, relation.field.name))
    return found


def _repoint_all(
    duplicate: Person, kept: Person
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    moved, stayed = [], []
    for model, field in _relations_to_person():
        moved_ids, stayed_ids = _repoint(model, field, duplicate.pk, kept.pk)
        label = model._meta.label_lower
        if moved_ids:
            moved.append({"model": label, "field": field, "ids": moved_ids})
        if stayed_ids:
            stayed.append({"model": label, "field": field, "ids": stayed_ids})
    return moved, stayed


def _repoint(
    model: type[models.Model],
    field: str,
    from_id: int,
    to_id: int,
    ids: list[int] | None = None,
) -> tuple[list[int], list[int]]:
    """Point `model.field` at `to_id` instead of `from_id` on each row (only those in `ids`,
    when given); return the ids moved and the ids that stayed because a constraint refused.

    One UPDATE for all rows in the common case; when a constraint refuses it, row by row, each
    in its own savepoint, so the refused rows stay and the transaction remains usable.
    """
    rows = model._base_manager.filter(**{field: from_id})
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    found = list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
    if not found:
        return [], []
    try:
        with transaction.atomic():
            model._base_manager.filter(pk__in=found).update(**{field: to_id})
    except IntegrityError:
        pass
    else:
        return found, []
    moved, stayed = [], []
    for pk in found:
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=pk).update(**{field: to_id})
        except IntegrityError:
            stayed.append(pk)
        else:
            moved.append(pk)
    return moved, stayed


def _fill_identifiers(
    duplicate: Person, kept: Person
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Fill the kept record's blank identifying fields from the duplicate, in memory; return
    what changed on each as `{field: {"before": ..., "after": ...}}` in JSON-ready values."""
    duplicate_fields: dict[str, dict[str, Any]] = {}
    kept_fields: dict[str, dict[str, Any]] = {}
    for name in FILLED_FIELDS:
        value = getattr(duplicate, name)
        if value in (None, "") or getattr(kept, name) not in (None, ""):
            continue
        field = _person_field(name)
        kept_fields[name] = {
            "before": getattr(kept, name),
            "after": field.value_to_string(duplicate),
        }
        setattr(kept, name, value)
        if name in MOVED_FIELDS:
            duplicate_fields[name] = {"before": field.value_to_string(duplicate), "after": ""}
            setattr(duplicate, name, "")
    return duplicate_fields, kept_fields


def _restore(person: Person, changes: dict[str, dict[str, Any]]) -> list[str]:
    """Set each field back to its value before the merge, in memory, unless it has changed
    since; return the names of those that had changed and so were left alone."""
    changed_since = []
    for name, change in changes.items():
        field = _person_field(name)
        if field.value_to_string(person) != change["after"]:
            changed_since.append(name)
            continue
        setattr(person, name, field.to_python(change["before"]))
    return changed_since


def _person_field(name: str) -> models.Field[Any, Any]:
    field = Person._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _log_change(actor: User, people: Sequence[Person], via: str) -> None:
    log_child_access(
        user=actor,
        child_ids=[person.pk for person in people if person.kind == Kind.CHILD],
        via=via,
        action=AccessLog.Action.CHANGE,
    )
