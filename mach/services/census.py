"""The CIN census items a practitioner records on a child and on an episode (spec section 13),
each checked against the DfE's code list where it is entered, so the census is valid because
the data is."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..audit import log_child_access, record_event
from ..models import (
    AccessLog,
    ClosureReason,
    Disability,
    Ethnicity,
    Person,
    PrimaryNeed,
    Referral,
    UpnUnknown,
    User,
)
from ..models.census import upn_is_valid
from ..permissions import MACH_WORKERS
from .common import AlreadyDone, require_role

CHILD_CENSUS_FIELDS = ("upn", "upn_unknown_reason", "ethnicity", "disabilities")


def child_census_errors(
    *, upn: str, upn_unknown_reason: str, ethnicity: str, disabilities: list[str]
) -> dict[str, str]:
    """What is wrong with a child's census details, by field (empty: nothing)."""
    errors: dict[str, str] = {}
    if upn and not upn_is_valid(upn):
        errors["upn"] = "Enter a valid UPN: a check letter, 11 digits and a digit or letter."
    if upn_unknown_reason and upn_unknown_reason not in UpnUnknown.values:
        errors["upn_unknown_reason"] = "Choose a reason UN1 to UN7."
    elif upn and upn_unknown_reason:
        errors["upn_unknown_reason"] = "Give a UPN or the reason it is unknown, not both."
    if ethnicity and ethnicity not in Ethnicity.values:
        errors["ethnicity"] = "Choose an ethnicity code of the DfE list."
    if any(code not in Disability.values for code in disabilities):
        errors["disabilities"] = "Choose disability codes of the DfE list."
    elif len(set(disabilities)) != len(disabilities):
        errors["disabilities"] = "Give each disability once."
    elif Disability.NONE in disabilities and len(disabilities) > 1:
        errors["disabilities"] = "NONE (no disability) must stand alone."
    return errors


def child_census_details_record(*, actor: User, child: Person, **fields: Any) -> Person:
    """A MACH worker records a child's UPN (or why it is unknown), ethnicity and disabilities;
    each field given replaces the one held. Bad codes: 400 naming the field."""
    require_role(actor, MACH_WORKERS)
    unknown = set(fields) - set(CHILD_CENSUS_FIELDS)
    if unknown:
        raise ValidationError({name: "Not a census detail of a child." for name in unknown})
    with transaction.atomic(durable=True):
        locked = Person.objects.select_for_update().get(pk=child.pk)
        if "upn" in fields:
            fields["upn"] = fields["upn"].strip().upper()
            if fields["upn"] and "upn_unknown_reason" not in fields:
                fields["upn_unknown_reason"] = ""
        if fields.get("upn_unknown_reason") and "upn" not in fields:
            fields["upn"] = ""
        merged = {name: fields.get(name, getattr(locked, name)) for name in CHILD_CENSUS_FIELDS}
        errors = child_census_errors(**merged)
        if errors:
            raise ValidationError(errors)
        before = {name: getattr(locked, name) for name in fields}
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(fields))
        record_event(
            actor=actor,
            subject=locked,
            action="census_details_recorded",
            data={"before": before, "after": {name: fields[name] for name in fields}},
        )
        log_child_access(
            user=actor, child_ids=[locked.pk], via="census details", action=AccessLog.Action.CHANGE
        )
    return locked


def referral_close(
    *, actor: User, referral: Referral, closed_on: date, reason: str, primary_need: str = ""
) -> Referral:
    """A MACH worker closes a child's episode (referral) on `closed_on` with a DfE reason
    (RC1-RC9), and may record its primary need code. Closing twice is refused (409)."""
    require_role(actor, MACH_WORKERS)
    errors: dict[str, str] = {}
    if reason not in ClosureReason.values:
        errors["reason"] = "Choose a reason for closure RC1 to RC9."
    if primary_need and primary_need not in PrimaryNeed.values:
        errors["primary_need"] = "Choose a primary need code N0 to N9."
    if closed_on > timezone.localdate():
        errors["closed_on"] = "The closure date cannot be in the future."
    elif closed_on < referral.referral_date:
        errors["closed_on"] = "The closure date cannot be before the referral date."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.closed_on is not None:
            raise AlreadyDone("This episode is already closed.")
        locked.closed_on = closed_on
        locked.closure_reason = reason
        if primary_need:
            locked.primary_need = primary_need
        locked.save(update_fields=["closed_on", "closure_reason", "primary_need"])
        record_event(
            actor=actor,
            subject=locked,
            action="referral_closed",
            reason=reason,
            data={"closed_on": closed_on.isoformat(), "primary_need": locked.primary_need},
        )
        log_child_access(
            user=actor,
            child_ids=[locked.child_id],
            via="episode closure",
            action=AccessLog.Action.CHANGE,
        )
    return locked


def referral_primary_need_record(*, actor: User, referral: Referral, primary_need: str) -> Referral:
    """A MACH worker records (or corrects) the episode's primary need code (N0-N9)."""
    require_role(actor, MACH_WORKERS)
    if primary_need not in PrimaryNeed.values:
        raise ValidationError({"primary_need": "Choose a primary need code N0 to N9."})
    with transaction.atomic(durable=True):
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        before = locked.primary_need
        locked.primary_need = primary_need
        locked.save(update_fields=["primary_need"])
        record_event(
            actor=actor,
            subject=locked,
            action="primary_need_recorded",
            data={"before": before, "after": primary_need},
        )
        log_child_access(
            user=actor,
            child_ids=[locked.child_id],
            via="episode primary need",
            action=AccessLog.Action.CHANGE,
        )
    return locked
