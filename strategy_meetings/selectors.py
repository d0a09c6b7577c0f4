"""Reads of strategy discussions, s47 enquiries and conferences, already scoped to what the
user may see: MACH readers see all; a partner agency only the discussions its organisation is
invited to, and no enquiry or conference."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet
from django.utils import timezone

from mach.models import Role, User
from mach.permissions import CHILD_READERS
from mach.workflows import CensusAssessment, CensusS47, Entry, choice_label

from .models import (
    Conference,
    ConferenceOutcome,
    DiscussionChild,
    EnquiryState,
    PlanCategory,
    S47Enquiry,
    StrategyDiscussion,
)


def discussions_visible_to(user: User) -> QuerySet[StrategyDiscussion]:
    discussions = StrategyDiscussion.objects.prefetch_related(
        "discussion_children", "invitees", "attendees", "information", "actions"
    )
    if user.has_role(*CHILD_READERS):
        return discussions
    if user.has_role(Role.PARTNER_AGENCY) and user.team_id is not None:
        invited = StrategyDiscussion.objects.filter(
            invitees__organisation_team_id=user.team_id
        ).values("pk")
        return discussions.filter(pk__in=invited)
    return StrategyDiscussion.objects.none()


def enquiries_visible_to(user: User) -> QuerySet[S47Enquiry]:
    if not user.has_role(*CHILD_READERS):
        return S47Enquiry.objects.none()
    return S47Enquiry.objects.select_related("discussion", "lead_practitioner").prefetch_related(
        "enquiries"
    )


def conferences_visible_to(user: User) -> QuerySet[Conference]:
    if not user.has_role(*CHILD_READERS):
        return Conference.objects.none()
    return Conference.objects.select_related("discussion").prefetch_related("children")


def child_ids_of(discussion: StrategyDiscussion) -> list[int]:
    return [entry.child_id for entry in discussion.discussion_children.all()]


def discussions_of_referrals(referral_ids: Sequence[int]) -> dict[int, StrategyDiscussion]:
    """The discussion each of these referrals opened, by referral id."""
    return {
        entry.referral_id: entry.discussion
        for entry in DiscussionChild.objects.filter(referral_id__in=referral_ids).select_related(
            "discussion"
        )
        if entry.referral_id is not None
    }


def strategy_entries(person_ids: Sequence[int]) -> list[Entry]:
    """Discussions, s47 enquiries and conferences about these people, for the chronology.
    An enquiry is opened only for a child of a discussion, and a conference only for the
    child of an enquiry (`services._open_after_decision`, `services._conference_for`): for
    people in no discussion, most children, that is one query instead of three."""
    discussions = DiscussionChild.objects.filter(child_id__in=person_ids).values_list(
        "discussion_id",
        "child_id",
        "decision",
        "discussion__state",
        "discussion__held_at",
        "discussion__created_at",
    )
    entries = [
        Entry(
            at=held_at or created_at,
            kind="strategy_discussion",
            summary=(
                f"Strategy discussion "
                f"({choice_label(StrategyDiscussion, 'state', state).lower()})"
                + (f": {choice_label(DiscussionChild, 'decision', decision)}" if decision else "")
            ),
            record_id=discussion_id,
            person_ids=(child_id,),
            state=state,
        )
        for discussion_id, child_id, decision, state, held_at, created_at in discussions
    ]
    if not entries:
        return entries
    # Instances, for `conference_required`, but only of the shown columns.
    enquiries = (
        S47Enquiry.objects.filter(child_id__in=person_ids)
        .select_related("discussion")
        .only("child", "state", "started_on", "outcome", "completed_at", "discussion__created_at")
    )
    entries += [
        Entry(
            at=enquiry.completed_at or enquiry.discussion.created_at,
            kind="s47_enquiry",
            summary=(
                f"Section 47 enquiry from {enquiry.started_on:%d %b %Y}"
                + (f": {enquiry.get_outcome_display()}" if enquiry.outcome else "")
                + (
                    " (conference not required)"
                    if enquiry.outcome and not enquiry.conference_required
                    else ""
                )
            ),
            record_id=enquiry.pk,
            person_ids=(enquiry.child_id,),
            state=enquiry.state,
        )
        for enquiry in enquiries
    ]
    for conference in (
        Conference.objects.filter(children__in=person_ids).prefetch_related("children").distinct()
    ):
        entries.append(
            Entry(
                at=conference.created_at,
                kind="conference",
                summary=(
                    f"Initial child protection conference due {conference.due_date:%d %b %Y}"
                    + (f": {conference.get_outcome_display()}" if conference.outcome else "")
                ),
                record_id=conference.pk,
                person_ids=tuple(
                    child.pk for child in conference.children.all() if child.pk in person_ids
                ),
                state=conference.state,
            )
        )
    return entries


CATEGORY_CODES = {
    PlanCategory.NEGLECT: "NEG",
    PlanCategory.PHYSICAL: "PHY",
    PlanCategory.EMOTIONAL: "EMO",
    PlanCategory.SEXUAL: "SAB",
    PlanCategory.MULTIPLE: "MUL",
}


def census_items(child_ids: Sequence[int]) -> dict[int, list[CensusAssessment | CensusS47]]:
    """The statutory returns' view of these children's s47 enquiries, with the conference
    that followed and the child protection plan it made, by child id (two queries)."""
    enquiries = (
        S47Enquiry.objects.filter(child_id__in=child_ids)
        .select_related("discussion", "discussion__conference", "lead_practitioner")
        .order_by("started_on", "id")
    )
    at_conference = set(
        Conference.children.through.objects.filter(person_id__in=child_ids).values_list(
            "conference_id", "person_id"
        )
    )
    found: dict[int, list[CensusAssessment | CensusS47]] = {}
    for enquiry in enquiries:
        discussion = enquiry.discussion
        conference = getattr(discussion, "conference", None)
        if conference is not None and (conference.pk, enquiry.child_id) not in at_conference:
            conference = None
        held = conference is not None and conference.held_on is not None
        plan = held and conference is not None and conference.outcome == ConferenceOutcome.CP_PLAN
        category = (
            CATEGORY_CODES.get(PlanCategory(conference.category), "")
            if plan and conference is not None
            else ""
        )
        found.setdefault(enquiry.child_id, []).append(
            CensusS47(
                record_id=enquiry.pk,
                started_on=enquiry.started_on,
                strategy_discussion_on=(
                    timezone.localdate(discussion.held_at) if discussion.held_at else None
                ),
                conference_target=conference.due_date if conference else None,
                conference_on=conference.held_on if held and conference else None,
                conference_not_required=(
                    enquiry.state == EnquiryState.COMPLETED and not enquiry.conference_required
                ),
                outcome=enquiry.outcome,
                team_id=discussion.team_id,
                worker=enquiry.lead_practitioner.username if enquiry.lead_practitioner else "",
                cp_plan_start=conference.held_on if plan and conference else None,
                cp_initial_category=category,
                cp_latest_category=category,
            )
        )
    return found
