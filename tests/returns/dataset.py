"""A generated data set for the statutory returns that covers every branch of the CIN census:
an unborn child, a re-referral, a referral closed with no further action, an s47 enquiry
without a conference, plans that end, closures. Rows are built as a stored database holds them
(the services that write them are tested in their own apps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

from assessments.models import Assessment, AssessmentOutcome, AssessmentState
from mach.models import Gender, Person, Referral, Source, Team, User
from mach.models.census import upn_check_letter
from strategy_meetings.models import (
    Conference,
    ConferenceOutcome,
    ConferenceState,
    DiscussionChild,
    DiscussionState,
    EnquiryNextStep,
    EnquiryOutcome,
    EnquiryState,
    PlanCategory,
    S47Enquiry,
    StrategyDiscussion,
)
from tests.factories import (
    AssessmentFactory,
    ChildFactory,
    ContactFactory,
    ContactPersonFactory,
    ReferralFactory,
)

# The census year 2027: 1 April 2026 to 31 March 2027.
YEAR = 2027


def upn(serial: int) -> str:
    """A valid UPN of the authority (806) with this serial."""
    rest = f"806{serial:08d}0"
    return upn_check_letter(rest) + rest


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass
class DataSet:
    children: dict[str, Person] = field(default_factory=dict)
    referrals: dict[str, Referral] = field(default_factory=dict)


def referral(child: Person, day: date, *, source: str = Source.POLICE, **extra: object) -> Referral:
    contact = ContactFactory(received_at=at(day), source=source, state="decided")
    ContactPersonFactory(contact=contact, person=child)
    return ReferralFactory(contact=contact, child=child, referral_date=day, **extra)


def assessment(
    ref: Referral,
    worker: User,
    *,
    authorised: date | None = None,
    outcome: str = "",
    factors: tuple[str, ...] = ("3B",),
    closure_reason: str = "",
) -> Assessment:
    done = authorised is not None
    return AssessmentFactory(
        referral=ref,
        child_seen_on=ref.referral_date,
        factors=list(factors),
        state=AssessmentState.COMPLETED if done else AssessmentState.OPEN,
        outcome=outcome,
        closure_reason=closure_reason,
        submitted_by=worker if done else None,
        authorised_by=worker if done else None,
        authorised_at=at(authorised) if authorised else None,
    )


def s47(
    ref: Referral,
    worker: User,
    started: date,
    *,
    substantiated: bool,
    conference_on: date | None = None,
    category: str = "",
) -> S47Enquiry:
    discussion = StrategyDiscussion.objects.create(
        contact=ref.contact,
        team=ref.team,
        state=DiscussionState.DECIDED,
        rag="red",
        reasonable_cause="Unexplained bruising.",
        lower_options_rejected="Early help would not keep the child safe.",
        due_at=at(started),
        held_at=at(started, 9),
    )
    DiscussionChild.objects.create(
        discussion=discussion, child=ref.child, referral=ref, decision="s47_joint"
    )
    enquiry = S47Enquiry.objects.create(
        discussion=discussion,
        child=ref.child,
        started_on=started,
        lead_practitioner=worker,
        state=EnquiryState.COMPLETED,
        outcome=(
            EnquiryOutcome.SUBSTANTIATED if substantiated else EnquiryOutcome.NOT_SUBSTANTIATED
        ),
        next_step=EnquiryNextStep.CONFERENCE if substantiated else EnquiryNextStep.CIN_PLAN,
        child_seen_on=started,
        childs_voice="Said she was scared at home.",
    )
    if substantiated:
        conference = Conference.objects.create(
            discussion=discussion,
            team=ref.team,
            due_date=date.fromordinal(started.toordinal() + 21),
            state=ConferenceState.HELD if conference_on else ConferenceState.DUE,
            held_on=conference_on,
            outcome=ConferenceOutcome.CP_PLAN if conference_on else "",
            category=category if conference_on else "",
        )
        conference.children.add(ref.child)
    return enquiry


def build(worker: User) -> DataSet:
    """Seven children, each a branch of the census; see the comment on each."""
    data = DataSet()
    team = Team.objects.intake()
    assert team is not None
    child = data.children

    # A: assessed, a child in need plan, then the episode closed (the plan ends with it).
    child["a"] = ChildFactory(
        gender=Gender.FEMALE,
        ethnicity="WBRI",
        upn=upn(1),
        disabilities=["NONE"],
        date_of_birth=date(2015, 3, 2),
    )
    ref = referral(child["a"], date(2026, 5, 4), source="2A", primary_need="N4")
    assessment(ref, worker, authorised=date(2026, 6, 10), outcome=AssessmentOutcome.CIN_PLAN)
    Referral.objects.filter(pk=ref.pk).update(closed_on=date(2027, 1, 15), closure_reason="RC7")
    data.referrals["a"] = ref

    # B: an unborn child; an s47 enquiry and a conference that made a child protection plan.
    child["b"] = ChildFactory(
        gender=Gender.UNBORN,
        ethnicity="NOBT",
        date_of_birth=None,
        expected_date_of_birth=date(2027, 6, 1),
        upn_unknown_reason="UN1",
        disabilities=["NONE"],
    )
    ref = referral(child["b"], date(2026, 9, 1), source="3B", primary_need="N1")
    s47(
        ref,
        worker,
        date(2026, 9, 3),
        substantiated=True,
        conference_on=date(2026, 9, 22),
        category=PlanCategory.NEGLECT,
    )
    data.referrals["b"] = ref

    # C: a re-referral: the first episode closed after assessment before the period (RC8),
    # the second open with its assessment under way.
    child["c"] = ChildFactory(
        gender=Gender.MALE,
        ethnicity="MWBC",
        upn=upn(2),
        disabilities=["LD", "COMM"],
        date_of_birth=date(2012, 8, 14),
    )
    first = referral(child["c"], date(2025, 11, 3), source="1A", primary_need="N5")
    assessment(
        first,
        worker,
        authorised=date(2026, 1, 9),
        outcome=AssessmentOutcome.CLOSURE,
        factors=("21",),
        closure_reason="RC8",
    )
    ref = referral(
        child["c"],
        date(2026, 10, 5),
        source="6",
        is_rereferral=True,
        previous_referral=first,
        primary_need="N5",
    )
    assessment(ref, worker)
    data.referrals["c"] = ref

    # D: a referral closed with no further action, nothing after it.
    child["d"] = ChildFactory(
        gender=Gender.FEMALE,
        ethnicity="AIND",
        upn=upn(3),
        disabilities=["NONE"],
        date_of_birth=date(2018, 1, 20),
    )
    ref = referral(child["d"], date(2026, 7, 1), source="8", primary_need="N9")
    Referral.objects.filter(pk=ref.pk).update(closed_on=date(2026, 7, 1), closure_reason="RC8")
    data.referrals["d"] = ref

    # E: an s47 enquiry whose concerns were not substantiated: no conference; closed RC7.
    child["e"] = ChildFactory(
        gender=Gender.MALE,
        ethnicity="BAFR",
        upn=upn(4),
        disabilities=["NONE"],
        date_of_birth=date(2011, 11, 30),
    )
    ref = referral(child["e"], date(2026, 8, 10), source="3A", primary_need="N1")
    s47(ref, worker, date(2026, 8, 11), substantiated=False)
    Referral.objects.filter(pk=ref.pk).update(closed_on=date(2026, 10, 30), closure_reason="RC7")
    data.referrals["e"] = ref

    # F: a child protection plan that ended when the episode closed.
    child["f"] = ChildFactory(
        gender=Gender.FEMALE,
        ethnicity="WOTH",
        upn=upn(5),
        disabilities=["NONE"],
        date_of_birth=date(2016, 6, 6),
    )
    ref = referral(child["f"], date(2026, 4, 20), source="6", primary_need="N1")
    s47(
        ref,
        worker,
        date(2026, 4, 21),
        substantiated=True,
        conference_on=date(2026, 5, 6),
        category=PlanCategory.PHYSICAL,
    )
    Referral.objects.filter(pk=ref.pk).update(closed_on=date(2027, 2, 1), closure_reason="RC7")
    data.referrals["f"] = ref

    # G: an episode carried over from the year before: its assessment ended before the period
    # (so it is not returned), the child in need plan it started is still open.
    child["g"] = ChildFactory(
        gender=Gender.MALE,
        ethnicity="CHNE",
        upn=upn(6),
        disabilities=["NONE"],
        date_of_birth=date(2013, 4, 9),
    )
    ref = referral(child["g"], date(2026, 1, 12), source="2A", primary_need="N3")
    assessment(ref, worker, authorised=date(2026, 2, 20), outcome=AssessmentOutcome.CIN_PLAN)
    data.referrals["g"] = ref
    return data
