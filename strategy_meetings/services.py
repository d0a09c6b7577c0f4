"""Every write of a strategy discussion, its s47 enquiries and its conference (spec 7, G7, G8):
a permission check, the transition in one durable transaction with its event row, and side
effects (invitation emails) after commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mach import timescales, workflows
from mach.audit import record_event
from mach.models import Contact, Person, Referral, Role, Team, User
from mach.permissions import MACH_WORKERS, MANAGERS
from mach.services import AlreadyDone, action_complete, require_role

from . import invitations
from .models import (
    NEXT_STEP_OF_DECISION,
    S47_DECISIONS,
    AgencyInformation,
    Attendee,
    Conference,
    ConferenceOutcome,
    ConferenceState,
    DiscussionChild,
    DiscussionDecision,
    DiscussionState,
    EnquiryMade,
    EnquiryNextStep,
    EnquiryOutcome,
    EnquiryState,
    Invitee,
    S47Enquiry,
    StrategyAction,
    StrategyDiscussion,
    may_complete,
    missing_agencies,
)

CONFERENCE_WORKING_DAYS = 15
NEXT_STEP_NOT_HANDLED = "next_step_not_handled"
# Interim safety until the conference: the step the safety plans app opens (api.md).
SAFETY_PLAN_STEP = "safety_plan"
# What a completed s47 enquiry may lead to, by outcome (spec 7).
NEXT_STEPS_OF_OUTCOME = {
    EnquiryOutcome.SUBSTANTIATED: {EnquiryNextStep.CONFERENCE},
    EnquiryOutcome.NOT_SUBSTANTIATED: {
        EnquiryNextStep.CIN_PLAN,
        EnquiryNextStep.EARLY_HELP,
        EnquiryNextStep.NFA,
    },
}


def due_at_for(rag: str, now: datetime) -> datetime:
    """The same working day when red, otherwise 2 working days (the moment rule)."""
    return timescales.add_working_days(now, 0 if rag == "red" else 2)


def _new_discussion(
    *,
    actor: User,
    team_id: int,
    contact: Contact | None,
    rag: str,
    reasonable_cause: str,
    lower_options_rejected: str,
) -> StrategyDiscussion:
    discussion = StrategyDiscussion(
        contact=contact,
        team_id=team_id,
        rag=rag,
        reasonable_cause=reasonable_cause,
        lower_options_rejected=lower_options_rejected,
        due_at=due_at_for(rag, timezone.now()),
        requested_by=actor,
    )
    discussion.start_clock(discussion.due_at)
    discussion.save()
    record_event(
        actor=actor,
        subject=discussion,
        action="strategy_discussion_requested",
        to_state=DiscussionState.REQUESTED,
        reason=reasonable_cause,
    )
    return discussion


def discussion_open_from_referral(*, actor: User, referral: Referral) -> StrategyDiscussion:
    """The hand-off of a `strategy_discussion` decision (a contact's screening or, later, an
    assessment's outcome): one discussion per contact while it is awaiting being held, naming
    each child's referral; runs inside the decision's transaction."""
    contact = Contact.objects.get(pk=referral.contact_id)
    # A discussion already held or decided is not reopened: a later decision gets its own.
    discussion = StrategyDiscussion.objects.filter(
        contact=contact, state=DiscussionState.REQUESTED
    ).first()
    if discussion is None:
        screening = _latest_screening(contact)
        discussion = _new_discussion(
            actor=actor,
            team_id=referral.team_id,
            contact=contact,
            rag=contact.rag,
            reasonable_cause=screening.get("analysis", "") or contact.concerns,
            lower_options_rejected=screening.get("alternatives_considered", ""),
        )
    # A referral names only the discussion it opened first (one each): an assessment that
    # came of that discussion and finds s47 after all opens a new one for the same child.
    first = not DiscussionChild.objects.filter(referral=referral).exists()
    DiscussionChild.objects.create(
        discussion=discussion, child_id=referral.child_id, referral=referral if first else None
    )
    return discussion


def _latest_screening(contact: Contact) -> dict[str, Any]:
    """What the screening recorded about harm and lower options, read without importing the
    app that screens (the contact's reverse relations are resolved by name)."""
    screenings = getattr(contact, "screenings", None)
    if screenings is None:
        return {}
    latest = screenings.order_by("-id").values("analysis", "alternatives_considered").first()
    return dict(latest or {})


def discussion_request(
    *,
    actor: User,
    children: Sequence[Person],
    rag: str,
    reasonable_cause: str,
    lower_options_rejected: str,
    contact: Contact | None = None,
) -> StrategyDiscussion:
    """A manager asks for a discussion on an open case (G7: the cause and why lower-level
    help will not do are required, 400 otherwise)."""
    require_role(actor, MANAGERS)
    errors = {}
    if not reasonable_cause.strip():
        errors["reasonable_cause"] = "Record the reasonable cause to suspect significant harm."
    if not lower_options_rejected.strip():
        errors["lower_options_rejected"] = "Say why lower-level help will not do."
    if not children:
        errors["children"] = "Name at least one child."
    if errors:
        raise ValidationError(errors)
    team_id = actor.team_id or Team.objects.intake().pk
    # Not durable: the API runs it inside the transaction that keeps its Idempotency-Key, so
    # the key and the discussion are saved together or not at all.
    with transaction.atomic():
        discussion = _new_discussion(
            actor=actor,
            team_id=team_id,
            contact=contact,
            rag=rag,
            reasonable_cause=reasonable_cause,
            lower_options_rejected=lower_options_rejected,
        )
        DiscussionChild.objects.bulk_create(
            DiscussionChild(discussion=discussion, child=child) for child in children
        )
    return discussion


def _locked(discussion: StrategyDiscussion) -> StrategyDiscussion:
    return StrategyDiscussion.objects.select_for_update().get(pk=discussion.pk)


def discussion_invite(
    *,
    actor: User,
    discussion: StrategyDiscussion,
    scheduled_for: datetime,
    place: str,
    invitees: Sequence[dict[str, Any]],
) -> list[Invitee]:
    """Set the time and place and invite people by agency; each new invitee is emailed an
    iCalendar invitation once the transaction commits."""
    require_role(actor, MACH_WORKERS)
    with transaction.atomic(durable=True):
        discussion = _locked(discussion)
        if discussion.state != DiscussionState.REQUESTED:
            raise AlreadyDone("Only a requested discussion takes invitations.")
        discussion.scheduled_for = scheduled_for
        discussion.place = place
        discussion.save(update_fields=["scheduled_for", "place"])
        added = [Invitee.objects.create(discussion=discussion, **invitee) for invitee in invitees]
        record_event(
            actor=actor,
            subject=discussion,
            action="strategy_discussion_invited",
            data={"invitees": [invitee.pk for invitee in added]},
        )
        for invitee in added:
            transaction.on_commit(partial(invitations.send, invitee.pk), robust=True)
    return added


def _information_rows(
    discussion: StrategyDiscussion, actor: User, information: Sequence[dict[str, Any]]
) -> None:
    AgencyInformation.objects.bulk_create(
        AgencyInformation(discussion=discussion, recorded_by=actor, **item) for item in information
    )


def discussion_hold(
    *,
    actor: User,
    discussion: StrategyDiscussion,
    held_at: datetime,
    attendees: Sequence[dict[str, Any]],
    information: Sequence[dict[str, Any]],
    analysis: str,
    proceeded_without_minimum_reason: str = "",
) -> StrategyDiscussion:
    """Record the discussion as held. 400 without an analysis, or with one that only copies an
    agency's information; 403 when someone other than a manager gives the reason for going
    ahead without the minimum; 409 without someone able to decide for children's social care,
    for police and for health present, and without that reason."""
    require_role(actor, MACH_WORKERS)
    if proceeded_without_minimum_reason.strip() and not actor.has_role(*MANAGERS):
        raise PermissionDenied("Only a manager records why a discussion proceeded.")
    if not analysis.strip():
        raise ValidationError({"analysis": "Record what the information means for the child."})
    if any(analysis.strip() == item["summary"].strip() for item in information):
        raise ValidationError(
            {"analysis": "The analysis says what the information means, not a copy of it."}
        )
    with transaction.atomic(durable=True):
        discussion = _locked(discussion)
        if discussion.state != DiscussionState.REQUESTED:
            raise AlreadyDone("This discussion is not awaiting being held.")
        missing = missing_agencies({a["agency"] for a in attendees if a["can_decide_for_agency"]})
        if missing and not proceeded_without_minimum_reason.strip():
            raise AlreadyDone(
                "Minimum attendance not met (missing: "
                + ", ".join(missing)
                + "): each needs an attendee who can decide for their agency; a manager must "
                "record why it proceeded."
            )
        Attendee.objects.bulk_create(
            Attendee(discussion=discussion, **attendee) for attendee in attendees
        )
        _information_rows(discussion, actor, information)
        discussion.held_at = held_at
        discussion.analysis = analysis
        discussion.proceeded_without_minimum_reason = proceeded_without_minimum_reason
        discussion.hold()
        discussion.save()
        record_event(
            actor=actor,
            subject=discussion,
            action="strategy_discussion_held",
            from_state=DiscussionState.REQUESTED,
            to_state=DiscussionState.HELD,
            reason=proceeded_without_minimum_reason,
            data={"missing_agencies": missing},
        )
    return discussion


def discussion_information_add(
    *, actor: User, discussion: StrategyDiscussion, summary: str, agency: str = ""
) -> AgencyInformation:
    """An agency's information: a partner agency records its own (the agency it was invited
    as); a MACH worker names the agency."""
    if actor.has_role(Role.PARTNER_AGENCY):
        invitee = discussion.invitees.filter(organisation_team_id=actor.team_id).first()
        if invitee is None:
            raise PermissionDenied("Your organisation is not invited to this discussion.")
        agency = invitee.agency
    else:
        require_role(actor, MACH_WORKERS)
        if not agency:
            raise ValidationError({"agency": "Name the agency whose information this is."})
    with transaction.atomic(durable=True):
        discussion = _locked(discussion)
        if discussion.state == DiscussionState.CANCELLED:
            raise AlreadyDone("The discussion was cancelled.")
        item = AgencyInformation.objects.create(
            discussion=discussion, agency=agency, summary=summary, recorded_by=actor
        )
        record_event(
            actor=actor,
            subject=discussion,
            action="strategy_information_recorded",
            data={"agency": agency},
        )
    return item


def discussion_decide(
    *, actor: User, discussion: StrategyDiscussion, decisions: Sequence[dict[str, Any]]
) -> StrategyDiscussion:
    """One decision per child; an s47 decision opens the child's enquiry, a "no s47" one hands
    its next step over through the registry (recorded as not handled here when no app opens
    it)."""
    require_role(actor, MACH_WORKERS)
    with transaction.atomic(durable=True):
        discussion = _locked(discussion)
        if discussion.state != DiscussionState.HELD:
            raise AlreadyDone("Only a held discussion is decided.")
        by_child = {entry.child_id: entry for entry in discussion.discussion_children.all()}
        given = {item["child"].pk: item for item in decisions}
        errors = {}
        unknown = sorted(set(given) - set(by_child))
        if unknown:
            errors["decisions"] = f"Not children of this discussion: {unknown}."
        missing = sorted(set(by_child) - set(given))
        if missing:
            errors["decisions"] = f"Decide for every child: {missing} missing."
        if errors:
            raise ValidationError(errors)
        for child_id, entry in by_child.items():
            entry.decision = given[child_id]["decision"]
            entry.share_with_family = given[child_id]["share_with_family"]
            entry.save(update_fields=["decision", "share_with_family"])
        discussion.decide()
        discussion.save()
        record_event(
            actor=actor,
            subject=discussion,
            action="strategy_discussion_decided",
            from_state=DiscussionState.HELD,
            to_state=DiscussionState.DECIDED,
            data={str(child): item["decision"] for child, item in given.items()},
        )
        for entry in by_child.values():
            _open_after_decision(actor, discussion, entry)
    return discussion


def discussion_date(discussion: StrategyDiscussion) -> date:
    moment = discussion.held_at or discussion.created_at
    return timezone.localtime(moment).date()


def _open_after_decision(
    actor: User, discussion: StrategyDiscussion, entry: DiscussionChild
) -> None:
    if entry.decision in S47_DECISIONS:
        enquiry = S47Enquiry.objects.create(
            discussion=discussion,
            child_id=entry.child_id,
            joint_with_police=entry.decision == DiscussionDecision.S47_JOINT,
            started_on=discussion_date(discussion),
        )
        record_event(
            actor=actor, subject=enquiry, action="s47_enquiry_opened", to_state=EnquiryState.OPEN
        )
        return
    step = NEXT_STEP_OF_DECISION[entry.decision]
    if step is None:
        return
    handled = entry.referral is not None and workflows.open_next_step(
        actor=actor, referral=entry.referral, step=step
    )
    if not handled:
        record_event(
            actor=actor,
            subject=discussion,
            action=NEXT_STEP_NOT_HANDLED,
            reason=f"The next step ({step.replace('_', ' ')}) is not handled here.",
            data={"step": step, "child": entry.child_id},
        )


def strategy_action_add(
    *,
    actor: User,
    discussion: StrategyDiscussion,
    description: str,
    owner: str,
    agency: str,
    child: Person,
    due_date: date,
) -> StrategyAction:
    require_role(actor, MACH_WORKERS)
    calendar = timescales.WorkingCalendar.current()
    if not calendar.is_working_day(due_date):
        raise ValidationError({"due_date": "Choose a working day."})
    with transaction.atomic(durable=True):
        discussion = _locked(discussion)
        if discussion.state not in (DiscussionState.HELD, DiscussionState.DECIDED):
            raise AlreadyDone("Actions are agreed at a held discussion.")
        if not discussion.discussion_children.filter(child=child).exists():
            raise ValidationError({"child": "Not a child of this discussion."})
        action = StrategyAction(
            discussion=discussion,
            description=description,
            owner=owner,
            agency=agency,
            child=child,
            due_date=due_date,
        )
        action.start_clock(calendar.close_of(due_date))
        action.save()
        record_event(actor=actor, subject=action, action="strategy_action_added")
    return action


def strategy_action_complete(*, actor: User, action: StrategyAction) -> StrategyAction:
    return action_complete(actor=actor, action=action, event="strategy_action_completed")


S47_RECORD_FIELDS = ("lead_practitioner", "child_seen_on", "seen_alone", "childs_voice")


def s47_record(
    *,
    actor: User,
    enquiry: S47Enquiry,
    enquiries: Sequence[dict[str, Any]] | None = None,
    **fields: Any,
) -> S47Enquiry:
    """Record the enquiry so far; `enquiries`, when given, replaces the list of enquiries
    made. Only while it is open (409 otherwise)."""
    require_role(actor, MACH_WORKERS)
    unknown = set(fields) - set(S47_RECORD_FIELDS)
    if unknown:
        raise ValueError(f"Not s47 enquiry fields: {sorted(unknown)}")
    lead = fields.get("lead_practitioner")
    if lead is not None and not lead.has_role(*MACH_WORKERS):
        raise ValidationError({"lead_practitioner": "The lead practitioner is a social worker."})
    with transaction.atomic(durable=True):
        enquiry = S47Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if enquiry.state != EnquiryState.OPEN:
            raise AlreadyDone("Only an open s47 enquiry can be changed.")
        for name, value in fields.items():
            setattr(enquiry, name, value)
        enquiry.save(update_fields=list(fields) or None)
        if enquiries is not None:
            enquiry.enquiries.all().delete()
            EnquiryMade.objects.bulk_create(
                EnquiryMade(enquiry=enquiry, **item) for item in enquiries
            )
        record_event(
            actor=actor,
            subject=enquiry,
            action="s47_enquiry_recorded",
            data={"fields": sorted([*fields, *(["enquiries"] if enquiries is not None else [])])},
        )
    return enquiry


def s47_complete(*, actor: User, enquiry: S47Enquiry, outcome: str, next_step: str) -> S47Enquiry:
    """Complete the enquiry (G8: 409 without the child seen, the child's voice and an enquiry
    made). Substantiated leads to a conference due 15 working days after the discussion's
    date; not substantiated records "conference not required" with its next step."""
    require_role(actor, MACH_WORKERS)
    if next_step not in NEXT_STEPS_OF_OUTCOME[EnquiryOutcome(outcome)]:
        raise ValidationError(
            {
                "next_step": "Choose one of "
                + ", ".join(sorted(NEXT_STEPS_OF_OUTCOME[EnquiryOutcome(outcome)]))
                + "."
            }
        )
    with transaction.atomic(durable=True):
        enquiry = S47Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if enquiry.state != EnquiryState.OPEN:
            raise AlreadyDone("This s47 enquiry is already completed.")
        if not may_complete(enquiry):
            raise AlreadyDone(
                "Record the date the child was seen, the child's voice and at least one "
                "enquiry made before completing the enquiry."
            )
        enquiry.outcome = outcome
        enquiry.next_step = next_step
        enquiry.completed_at = timezone.now()
        enquiry.complete()
        enquiry.save()
        record_event(
            actor=actor,
            subject=enquiry,
            action="s47_enquiry_completed",
            from_state=EnquiryState.OPEN,
            to_state=EnquiryState.COMPLETED,
            reason="" if enquiry.conference_required else "conference not required",
            data={"outcome": outcome, "next_step": next_step},
        )
        if enquiry.conference_required:
            _conference_for(actor, enquiry)
            _interim_safety_plan(actor, enquiry)
    return enquiry


def _interim_safety_plan(actor: User, enquiry: S47Enquiry) -> None:
    """Until the conference, the child's safety rests on a plan made with the family: the
    `safety_plan` step, opened through the hand-off registry for the referral that brought the
    child to the discussion (recorded as not handled here when no app opens it)."""
    entry = DiscussionChild.objects.filter(
        discussion_id=enquiry.discussion_id, child_id=enquiry.child_id
    ).first()
    referral = entry.referral if entry is not None else None
    if referral is not None and workflows.open_next_step(
        actor=actor, referral=referral, step=SAFETY_PLAN_STEP
    ):
        return
    record_event(
        actor=actor,
        subject=enquiry.discussion,
        action=NEXT_STEP_NOT_HANDLED,
        reason="The next step (safety plan) is not handled here.",
        data={"step": SAFETY_PLAN_STEP, "child": enquiry.child_id},
    )


def _conference_for(actor: User, enquiry: S47Enquiry) -> Conference:
    """The discussion's conference (made with the first substantiated enquiry), with this
    child added."""
    discussion = enquiry.discussion
    conference = Conference.objects.filter(discussion=discussion).first()
    if conference is None:
        calendar = timescales.WorkingCalendar.current()
        due_date = calendar.working_day_after(discussion_date(discussion), CONFERENCE_WORKING_DAYS)
        conference = Conference(
            discussion=discussion, team_id=discussion.team_id, due_date=due_date
        )
        conference.start_clock(calendar.close_of(due_date))
        conference.save()
        record_event(
            actor=actor,
            subject=conference,
            action="conference_due",
            to_state=ConferenceState.DUE,
            data={"due_date": due_date.isoformat()},
        )
    conference.children.add(enquiry.child_id)
    return conference


def conference_record(
    *,
    actor: User,
    conference: Conference,
    scheduled_for: date | None = None,
    late_reason: str | None = None,
    held_on: date | None = None,
    attendees: list[dict[str, Any]] | None = None,
    outcome: str | None = None,
    category: str | None = None,
) -> Conference:
    """Schedule, record and hold the conference. A date after the due date needs the reason
    (400); a plan needs its category (400); held needs the outcome; a held conference is not
    changed (409)."""
    require_role(actor, MACH_WORKERS)
    with transaction.atomic(durable=True):
        conference = Conference.objects.select_for_update().get(pk=conference.pk)
        if conference.state != ConferenceState.DUE:
            raise AlreadyDone("This conference has been held.")
        changes: dict[str, Any] = {
            name: value
            for name, value in (
                ("scheduled_for", scheduled_for),
                ("late_reason", late_reason),
                ("held_on", held_on),
                ("attendees", attendees),
                ("outcome", outcome),
                ("category", category),
            )
            if value is not None
        }
        for name, value in changes.items():
            setattr(conference, name, value)
        errors = {}
        if conference.is_late and not conference.late_reason.strip():
            errors["late_reason"] = (
                f"The date is after the due date ({conference.due_date:%d %b %Y}): say why."
            )
        if conference.outcome == ConferenceOutcome.CP_PLAN and not conference.category:
            errors["category"] = "A child protection plan needs its category."
        if conference.outcome == ConferenceOutcome.NO_PLAN and conference.category:
            errors["category"] = "Only a child protection plan has a category."
        if conference.held_on is not None and not conference.outcome:
            errors["outcome"] = "Record the conference's outcome."
        if errors:
            raise ValidationError(errors)
        if conference.held_on is not None:
            conference.hold()
        conference.save()
        record_event(
            actor=actor,
            subject=conference,
            action="conference_held" if conference.held_on else "conference_recorded",
            from_state=ConferenceState.DUE,
            to_state=conference.state,
            reason=conference.late_reason if conference.is_late else "",
            data={"fields": sorted(changes)},
        )
    return conference
