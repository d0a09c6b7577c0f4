"""Child and family assessments (s17, spec 11): due 45 working days after the referral date,
with actions, submitted by a worker and authorised by another manager."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, transition

from mach.models import Timed, User
from mach.models.timeliness import alert_due_index
from mach.permissions import transition_permission


class AssessmentFactor(models.TextChoices):
    """CIN census assessment factors (the codes this service records)."""

    ALCOHOL_CHILD = "1A", "Alcohol misuse: the child"
    ALCOHOL_PARENT = "1B", "Alcohol misuse: a parent or carer"
    ALCOHOL_OTHER = "1C", "Alcohol misuse: another person"
    DRUGS_CHILD = "2A", "Drug misuse: the child"
    DRUGS_PARENT = "2B", "Drug misuse: a parent or carer"
    DRUGS_OTHER = "2C", "Drug misuse: another person"
    DOMESTIC_ABUSE_CHILD = "3A", "Domestic abuse: the child"
    DOMESTIC_ABUSE_PARENT = "3B", "Domestic abuse: a parent or carer"
    DOMESTIC_ABUSE_OTHER = "3C", "Domestic abuse: another person"
    MENTAL_HEALTH_CHILD = "4A", "Mental health: the child"
    MENTAL_HEALTH_PARENT = "4B", "Mental health: a parent or carer"
    MENTAL_HEALTH_OTHER = "4C", "Mental health: another person"
    LEARNING_DISABILITY_CHILD = "5A", "Learning disability: the child"
    LEARNING_DISABILITY_PARENT = "5B", "Learning disability: a parent or carer"
    LEARNING_DISABILITY_OTHER = "5C", "Learning disability: another person"
    PHYSICAL_CHILD = "6A", "Physical disability or illness: the child"
    PHYSICAL_PARENT = "6B", "Physical disability or illness: a parent or carer"
    PHYSICAL_OTHER = "6C", "Physical disability or illness: another person"
    YOUNG_CARER = "7A", "Young carer"
    SEXUAL_EXPLOITATION = "9A", "Child sexual exploitation"
    UNACCOMPANIED_ASYLUM = "10A", "Unaccompanied asylum-seeking child"
    MISSING = "11A", "Going or being missing"
    TRAFFICKING = "12A", "Child trafficking"
    GANGS = "13A", "Gangs"
    SOCIALLY_UNACCEPTABLE = "14A", "Socially unacceptable behaviour"
    SELF_HARM = "15A", "Self-harm"
    NEGLECT = "16A", "Neglect"
    EMOTIONAL_ABUSE = "17A", "Emotional abuse"
    PHYSICAL_ABUSE_CHILD = "18B", "Physical abuse: by a child"
    PHYSICAL_ABUSE_ADULT = "18C", "Physical abuse: by an adult"
    SEXUAL_ABUSE_CHILD = "19B", "Sexual abuse: by a child"
    SEXUAL_ABUSE_ADULT = "19C", "Sexual abuse: by an adult"
    OTHER = "20", "Other"
    NO_FACTORS = "21", "No factors identified"
    FGM = "22A", "Female genital mutilation"
    FAITH = "23A", "Abuse linked to faith or belief"
    CRIMINAL_EXPLOITATION = "24A", "Child criminal exploitation"


class AssessmentState(models.TextChoices):
    OPEN = "open", "Open"
    AWAITING_AUTHORISATION = "awaiting_authorisation", "Awaiting manager's authorisation"
    COMPLETED = "completed", "Completed"


class AssessmentOutcome(models.TextChoices):
    CIN_PLAN = "cin_plan", "Child in need plan"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion (s47)"
    EARLY_HELP = "early_help", "Step down to early help"
    CLOSURE = "closure", "Closure"


class ClosureReason(models.TextChoices):
    RC8 = "RC8", "RC8: case closed after assessment, no further action"
    RC9 = "RC9", "RC9: case closed after assessment, referred to early help"


def may_authorise(assessment: Assessment, user: User) -> bool:
    """An assessment's outcome is authorised by a manager other than the one who submitted it."""
    return assessment.submitted_by_id != user.pk


class Assessment(Timed):
    """A child and family assessment (s17): due 45 working days after the referral date."""

    referral = models.OneToOneField(
        "mach.Referral", on_delete=models.PROTECT, related_name="assessment"
    )
    child = models.ForeignKey("mach.Person", on_delete=models.PROTECT, related_name="assessments")
    team = models.ForeignKey("mach.Team", on_delete=models.PROTECT, related_name="+")
    state = FSMField(
        max_length=32, choices=AssessmentState.choices, default=AssessmentState.OPEN, protected=True
    )
    started_on = models.DateField()
    due_on = models.DateField()
    child_seen_on = models.DateField(null=True, blank=True)
    child_seen_alone = models.BooleanField(null=True, blank=True)
    childs_voice = models.TextField(blank=True)
    family_network_involvement = models.TextField(
        blank=True,
        help_text="who in the wider family and network was spoken to, and what they said",
    )
    analysis = models.TextField(blank=True)
    factors = ArrayField(
        models.CharField(max_length=3, choices=AssessmentFactor.choices), default=list, blank=True
    )
    outcome = models.CharField(max_length=32, choices=AssessmentOutcome.choices, blank=True)
    closure_reason = models.CharField(max_length=4, choices=ClosureReason.choices, blank=True)
    exceeded_reason = models.TextField(blank=True, help_text="why it took over 45 working days")
    submitted_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table the core made before the app existed: its rows and ids stay.
        db_table = "mach_assessment"
        ordering = ["due_on", "id"]
        indexes = [
            alert_due_index("assessment_alert_due_idx"),
            models.Index(
                fields=["due_on"],
                condition=~Q(state="completed"),
                name="assessment_open_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment {self.pk} of {self.child_id}"

    @property
    def is_overdue(self) -> bool:
        """Not completed and past its due date (local time): due all of that day."""
        return self.state != AssessmentState.COMPLETED and timezone.localdate() > self.due_on

    @property
    def primary_need(self) -> str:
        """The episode's primary need code (CIN census), kept on its referral."""
        return str(self.referral.primary_need)

    def has_open_actions(self) -> bool:
        return self.actions.filter(completed_on__isnull=True).exists()

    @transition(
        field=state, source=AssessmentState.OPEN, target=AssessmentState.AWAITING_AUTHORISATION
    )
    def submit(self) -> None:
        """The worker's outcome goes to a manager; the rules are checked by the service."""

    @transition(
        field=state,
        source=AssessmentState.AWAITING_AUTHORISATION,
        target=AssessmentState.OPEN,
        permission=transition_permission(may_authorise),
    )
    def return_to_worker(self) -> None:
        """The manager sends it back for more work."""

    @transition(
        field=state,
        source=AssessmentState.AWAITING_AUTHORISATION,
        target=AssessmentState.COMPLETED,
        permission=transition_permission(may_authorise),
    )
    def authorise(self) -> None:
        self.stop_clock()


class AssessmentAction(Timed):
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=200)
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "mach_assessmentaction"
        ordering = ["due_on", "id"]
        indexes = [alert_due_index("assessment_action_due_idx")]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_overdue(self) -> bool:
        return self.completed_on is None and timezone.localdate() > self.due_on
