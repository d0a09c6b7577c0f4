"""Domestic-abuse notifications, the daily multi-agency triage meeting, MARAC and Operation
Encompass (spec section 6, guardrail G9)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from mach.models import AgencyType, Timed
from mach.models.timeliness import alert_due_index


class DashLevel(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


# The DASH ticks of each level (spec section 6); a level outranks those listed before it.
DASH_TICKS: dict[str, range] = {
    DashLevel.STANDARD: range(0, 10),
    DashLevel.MEDIUM: range(10, 14),
    DashLevel.HIGH: range(14, 28),
}
DASH_RANK = {level: rank for rank, level in enumerate(DASH_TICKS)}


def dash_level_of(ticks: int) -> str:
    return next(level for level, span in DASH_TICKS.items() if ticks in span)


class NotificationState(models.TextChoices):
    AWAITING_TRIAGE = "awaiting_triage", "Awaiting triage"
    TRIAGED = "triaged", "Triaged"


class TriageDecision(models.TextChoices):
    INFORMATION_ONLY = "information_only", "Information only"
    EARLY_HELP = "early_help", "Early help offer"
    REFER_TO_MACH = "refer_to_mach", "Refer to the MACH as a contact"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    MARAC = "marac", "MARAC referral"


class MaracCriterion(models.TextChoices):
    HIGH_RISK = "high_risk", "High risk: DASH 14 or more ticks"
    PROFESSIONAL_JUDGEMENT = "professional_judgement", "Professional judgement: raised to high"
    ESCALATION = "escalation", "Escalation: 3 or more incidents in 12 months for the victim"
    REPEAT = "repeat", "Repeat: within 12 months of the victim's last MARAC"


class MeetingState(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class NotifiedRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    PERPETRATOR = "perpetrator", "Alleged perpetrator"
    CHILD = "child", "Child"


class TriageMeeting(models.Model):
    """A day's multi-agency triage meeting: its agenda is every notification awaiting triage
    that arrived before it starts; it closes when all of them are decided."""

    date = models.DateField(unique=True)
    starts_at = models.DateTimeField()
    state = FSMField(
        max_length=8, choices=MeetingState.choices, default=MeetingState.OPEN, protected=True
    )
    created_by = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"Triage meeting {self.date:%d %b %Y}"

    @transition(field=state, source=MeetingState.OPEN, target=MeetingState.CLOSED)
    def close(self) -> None:
        """Every notification on the agenda is decided (or rolled to a later meeting)."""


class MeetingAttendee(models.Model):
    meeting = models.ForeignKey(TriageMeeting, on_delete=models.CASCADE, related_name="attendees")
    agency = models.CharField(max_length=32, choices=AgencyType.choices)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_agency_display()})"


class DomesticAbuseNotification(Timed):
    """A police notification of a domestic-abuse incident with children linked.

    Its clock is triage: an alert when it has waited more than one working day undecided."""

    police_reference = models.CharField(max_length=64, unique=True)
    incident_at = models.DateTimeField()
    received_at = models.DateTimeField()
    dash_level = models.CharField(max_length=8, choices=DashLevel.choices)
    dash_ticks = models.PositiveSmallIntegerField(null=True, blank=True)
    summary = models.TextField()
    state = FSMField(
        max_length=16,
        choices=NotificationState.choices,
        default=NotificationState.AWAITING_TRIAGE,
        protected=True,
    )
    triage_due_at = models.DateTimeField()
    meeting = models.ForeignKey(
        TriageMeeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    team = models.ForeignKey("mach.Team", on_delete=models.PROTECT, related_name="+")
    # A child with an open case: the notification goes to the case's worker (spec section 4).
    open_case_kind = models.CharField(max_length=64, blank=True)
    allocated_worker = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    submitting_team = models.ForeignKey(
        "mach.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=32, choices=TriageDecision.choices, blank=True)
    early_help_rejected_reason = models.TextField(blank=True)
    professional_judgement_level = models.CharField(
        max_length=8, choices=DashLevel.choices, blank=True
    )
    marac_referral = models.BooleanField(default=False)
    # How many agencies gave a view at triage (G9: decided with more than one agency's view).
    agencies_with_views = models.PositiveSmallIntegerField(default=0)
    marac_criteria = models.JSONField(default=list, blank=True)
    marac_referred_on = models.DateField(null=True, blank=True)
    contact = models.ForeignKey(
        "mach.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            alert_due_index("da_notification_alert_due_idx"),
            # The dashboard summary recounts a day's triage decisions (mach/figures).
            models.Index(fields=["triaged_at"], name="da_notification_triaged_idx"),
            models.Index(
                fields=["received_at"],
                condition=Q(state="awaiting_triage"),
                name="da_notification_awaiting_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dash_ticks__isnull=True) | Q(dash_ticks__lte=27),
                name="da_notification_ticks_0_to_27",
            ),
        ]

    def __str__(self) -> str:
        return f"Domestic-abuse notification {self.police_reference}"

    @transition(
        field=state, source=NotificationState.AWAITING_TRIAGE, target=NotificationState.TRIAGED
    )
    def triage(self) -> None:
        self.stop_clock()


class NotifiedPerson(models.Model):
    """A victim, alleged perpetrator or child named on a notification, matched to a record as
    a contact's people are; `as_sent` keeps the sender's words for the sender's eyes."""

    notification = models.ForeignKey(
        DomesticAbuseNotification, on_delete=models.CASCADE, related_name="people"
    )
    person = models.ForeignKey("mach.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=NotifiedRole.choices)
    matched_existing = models.BooleanField(default=False)
    present = models.BooleanField(null=True, blank=True)
    childs_account = models.TextField(blank=True)
    as_sent = models.JSONField(default=dict)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["person", "role"], name="da_person_role_idx")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person_id} on {self.notification_id}"


class AgencyView(models.Model):
    notification = models.ForeignKey(
        DomesticAbuseNotification, on_delete=models.CASCADE, related_name="agency_views"
    )
    agency = models.CharField(max_length=32, choices=AgencyType.choices)
    view = models.TextField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_agency_display()}'s view on {self.notification_id}"


class TriageChallenge(models.Model):
    notification = models.ForeignKey(
        DomesticAbuseNotification, on_delete=models.CASCADE, related_name="challenges"
    )
    agency = models.CharField(max_length=32, choices=AgencyType.choices)
    challenge = models.TextField()
    resolution = models.TextField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_agency_display()}'s challenge on {self.notification_id}"


class EncompassNotice(Timed):
    """Operation Encompass: the school of one child of school age told before the start of the
    next school day. Its clock is that start."""

    notification = models.ForeignKey(
        DomesticAbuseNotification, on_delete=models.CASCADE, related_name="encompass"
    )
    child = models.ForeignKey("mach.Person", on_delete=models.PROTECT, related_name="+")
    school = models.CharField(max_length=200, blank=True)
    due_at = models.DateTimeField()
    told_at = models.DateTimeField(null=True, blank=True)
    told_by = models.CharField(max_length=200, blank=True)
    told_school = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [alert_due_index("encompass_alert_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["notification", "child"], name="encompass_once"),
        ]
