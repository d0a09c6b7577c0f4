"""Strategy discussions, section 47 enquiries and initial child protection conferences (spec 7,
G7, G8): a discussion is requested with the reasonable cause to suspect significant harm, held
with the minimum attendance, and decided per child; an s47 enquiry follows per child, and a
substantiated one leads to a conference due 15 working days after the discussion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from mach.models import AgencyType, Timed
from mach.models.timeliness import alert_due_index

# Partner agency types (api.md, "Agencies"): the core's, which a partner's team records.
Agency = AgencyType


# National minimum attendance (spec 7): without these a discussion is held only with a
# manager's recorded reason.
MINIMUM_ATTENDANCE = (Agency.CHILDRENS_SOCIAL_CARE, Agency.POLICE, Agency.HEALTH)


class DiscussionState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    HELD = "held", "Held"
    DECIDED = "decided", "Decided"
    CANCELLED = "cancelled", "Cancelled"


class DiscussionDecision(models.TextChoices):
    S47_SINGLE_AGENCY = "s47_single_agency", "Section 47 enquiry: single agency"
    S47_JOINT = "s47_joint", "Section 47 enquiry: joint with police"
    NO_S47_ASSESSMENT = "no_s47_assessment", "No s47: child and family assessment"
    NO_S47_EARLY_HELP = "no_s47_early_help", "No s47: early help"
    NO_S47_NFA = "no_s47_nfa", "No s47: no further action"


S47_DECISIONS = (DiscussionDecision.S47_SINGLE_AGENCY, DiscussionDecision.S47_JOINT)
# The next step a "no s47" decision hands over through the registry (None: nothing opens).
NEXT_STEP_OF_DECISION: dict[str, str | None] = {
    DiscussionDecision.NO_S47_ASSESSMENT: "assessment",
    DiscussionDecision.NO_S47_EARLY_HELP: "early_help",
    DiscussionDecision.NO_S47_NFA: None,
}


def guard(predicate: Callable[[Any], bool]) -> Callable[[models.Model], bool]:
    """A pure condition on one model, in the form django-fsm's `conditions=` is typed with."""
    return predicate


def missing_agencies(agencies: set[str]) -> list[str]:
    """The minimum-attendance agencies not among `agencies` (those with an attendee who can
    decide for the agency), in the national order."""
    return [agency.value for agency in MINIMUM_ATTENDANCE if agency not in agencies]


def has_minimum_attendance(discussion: StrategyDiscussion) -> bool:
    return not missing_agencies(
        {a.agency for a in discussion.attendees.all() if a.can_decide_for_agency}
    )


def may_be_held(discussion: StrategyDiscussion) -> bool:
    return has_minimum_attendance(discussion) or bool(
        discussion.proceeded_without_minimum_reason.strip()
    )


def every_child_decided(discussion: StrategyDiscussion) -> bool:
    return all(child.decision for child in discussion.discussion_children.all())


class StrategyDiscussion(Timed):
    """Its clock is `due_at`: the same working day when red, otherwise 2 working days."""

    contact = models.ForeignKey(
        "mach.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="strategy_discussions",
    )
    team = models.ForeignKey("mach.Team", on_delete=models.PROTECT, related_name="+")
    children = models.ManyToManyField(
        "mach.Person", through="DiscussionChild", related_name="strategy_discussions"
    )
    state = FSMField(
        max_length=16,
        choices=DiscussionState.choices,
        default=DiscussionState.REQUESTED,
        protected=True,
    )
    rag = models.CharField(max_length=8)
    reasonable_cause = models.TextField()
    lower_options_rejected = models.TextField()
    due_at = models.DateTimeField()
    scheduled_for = models.DateTimeField(null=True, blank=True)
    place = models.CharField(max_length=300, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    analysis = models.TextField(blank=True)
    proceeded_without_minimum_reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            alert_due_index("strategy_alert_due_idx"),
            models.Index(
                fields=["due_at"],
                condition=Q(state="requested"),
                name="strategy_requested_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Strategy discussion {self.pk}"

    @transition(
        field=state,
        source=DiscussionState.REQUESTED,
        target=DiscussionState.HELD,
        conditions=[guard(may_be_held)],
    )
    def hold(self) -> None:
        self.stop_clock()

    @transition(
        field=state,
        source=DiscussionState.HELD,
        target=DiscussionState.DECIDED,
        conditions=[guard(every_child_decided)],
    )
    def decide(self) -> None:
        """Every child has a decision."""

    @transition(field=state, source=DiscussionState.REQUESTED, target=DiscussionState.CANCELLED)
    def cancel(self) -> None:
        self.stop_clock()


class DiscussionChild(models.Model):
    """A child the discussion is about, the referral that opened it (if any), and its
    decision."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="discussion_children"
    )
    child = models.ForeignKey("mach.Person", on_delete=models.PROTECT, related_name="+")
    referral = models.OneToOneField(
        "mach.Referral",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="strategy_discussion_child",
    )
    decision = models.CharField(max_length=32, choices=DiscussionDecision.choices, blank=True)
    share_with_family = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["discussion", "child"], name="strategy_child_once"),
        ]

    def __str__(self) -> str:
        return f"Child {self.child_id} of discussion {self.discussion_id}"


class Invitee(models.Model):
    """Someone invited by agency; `organisation_team` is the partner organisation whose users
    may then read this discussion and record their agency's information."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="invitees"
    )
    agency = models.CharField(max_length=32, choices=Agency.choices)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    email = models.EmailField()
    organisation_team = models.ForeignKey(
        "mach.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_agency_display()})"


class Attendee(models.Model):
    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="attendees"
    )
    agency = models.CharField(max_length=32, choices=Agency.choices)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    # Spec 7: the minimum attendance counts only people senior enough to decide for their
    # agency; someone sent only to listen does not make the discussion quorate.
    can_decide_for_agency = models.BooleanField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_agency_display()})"


class AgencyInformation(models.Model):
    """What one agency shared at (or for) the discussion."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="information"
    )
    agency = models.CharField(max_length=32, choices=Agency.choices)
    summary = models.TextField()
    recorded_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_agency_display()}: {self.summary[:40]}"


class StrategyAction(Timed):
    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField()
    owner = models.CharField(max_length=200)
    agency = models.CharField(max_length=32, choices=Agency.choices)
    child = models.ForeignKey("mach.Person", on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [alert_due_index("strategy_action_due_idx")]

    def __str__(self) -> str:
        return self.description[:60]


class EnquiryState(models.TextChoices):
    OPEN = "open", "Open"
    COMPLETED = "completed", "Completed"


class EnquiryOutcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", "Concerns substantiated"
    NOT_SUBSTANTIATED = "not_substantiated", "Concerns not substantiated"


class EnquiryNextStep(models.TextChoices):
    CONFERENCE = "conference", "Initial child protection conference"
    CIN_PLAN = "cin_plan", "Child in need plan"
    EARLY_HELP = "early_help", "Early help"
    NFA = "nfa", "No further action"


def may_complete(enquiry: S47Enquiry) -> bool:
    """G8: the child seen, the child's voice and at least one enquiry made."""
    return (
        enquiry.child_seen_on is not None
        and bool(enquiry.childs_voice.strip())
        and enquiry.enquiries.exists()
    )


class S47Enquiry(models.Model):
    """One per child: starts on the date of the discussion that decided it."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="enquiries"
    )
    child = models.ForeignKey("mach.Person", on_delete=models.PROTECT, related_name="+")
    joint_with_police = models.BooleanField(default=False)
    state = FSMField(
        max_length=16, choices=EnquiryState.choices, default=EnquiryState.OPEN, protected=True
    )
    started_on = models.DateField()
    lead_practitioner = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    child_seen_on = models.DateField(null=True, blank=True)
    seen_alone = models.BooleanField(null=True, blank=True)
    childs_voice = models.TextField(blank=True)
    outcome = models.CharField(max_length=32, choices=EnquiryOutcome.choices, blank=True)
    next_step = models.CharField(max_length=32, choices=EnquiryNextStep.choices, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["discussion", "child"], name="s47_once_per_child"),
        ]

    def __str__(self) -> str:
        return f"s47 enquiry {self.pk}"

    @property
    def conference_required(self) -> bool:
        return self.outcome == EnquiryOutcome.SUBSTANTIATED

    @transition(
        field=state,
        source=EnquiryState.OPEN,
        target=EnquiryState.COMPLETED,
        conditions=[guard(may_complete)],
    )
    def complete(self) -> None:
        """The outcome is set by the service."""


class EnquiryMade(models.Model):
    enquiry = models.ForeignKey(S47Enquiry, on_delete=models.CASCADE, related_name="enquiries")
    agency = models.CharField(max_length=32, choices=Agency.choices)
    summary = models.TextField()
    made_on = models.DateField()

    class Meta:
        ordering = ["made_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_agency_display()} on {self.made_on}"


class ConferenceState(models.TextChoices):
    DUE = "due", "Due"
    HELD = "held", "Held"


class ConferenceOutcome(models.TextChoices):
    CP_PLAN = "cp_plan", "Child protection plan"
    NO_PLAN = "no_plan", "No plan"


class PlanCategory(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"
    MULTIPLE = "multiple", "Multiple"


def has_outcome(conference: Conference) -> bool:
    return bool(conference.outcome) and (
        conference.outcome != ConferenceOutcome.CP_PLAN or bool(conference.category)
    )


class Conference(Timed):
    """The initial child protection conference after one discussion's substantiated s47
    enquiries: due 15 working days after the discussion's date."""

    discussion = models.OneToOneField(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="conference"
    )
    team = models.ForeignKey("mach.Team", on_delete=models.PROTECT, related_name="+")
    children = models.ManyToManyField("mach.Person", related_name="+")
    state = FSMField(
        max_length=16, choices=ConferenceState.choices, default=ConferenceState.DUE, protected=True
    )
    due_date = models.DateField()
    scheduled_for = models.DateField(null=True, blank=True)
    late_reason = models.TextField(blank=True)
    held_on = models.DateField(null=True, blank=True)
    attendees = models.JSONField(default=list, blank=True)
    outcome = models.CharField(max_length=16, choices=ConferenceOutcome.choices, blank=True)
    category = models.CharField(max_length=16, choices=PlanCategory.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [alert_due_index("conference_alert_due_idx")]

    def __str__(self) -> str:
        return f"Conference {self.pk}"

    @property
    def is_late(self) -> bool:
        return self.scheduled_for is not None and self.scheduled_for > self.due_date

    @transition(
        field=state,
        source=ConferenceState.DUE,
        target=ConferenceState.HELD,
        conditions=[guard(has_outcome)],
    )
    def hold(self) -> None:
        self.stop_clock()
