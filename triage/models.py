"""Threshold screening, management oversight, parental consultation, partner information
requests, pattern flags and feedback to referrers (spec 5, guardrails G1 to G6)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from mach.models import Rag, Timed, User
from mach.models.timeliness import alert_due_index
from mach.permissions import transition_permission

from .thresholds import Outcome


class ScreeningState(models.TextChoices):
    SUBMITTED = "submitted", "Awaiting oversight"
    AGREED = "agreed", "Agreed"
    CHANGED = "changed", "Changed by oversight"
    RETURNED = "returned", "Returned to the worker"


class OversightDecision(models.TextChoices):
    AGREE = "agree", "Agree"
    CHANGE = "change", "Change"
    RETURN = "return", "Return"


def may_oversee(screening: Screening, user: User) -> bool:
    """Oversight is by a manager other than the one who screened (G5)."""
    return screening.screened_by_id != user.pk


def may_decide_exception(exception: ConsultationException, user: User) -> bool:
    """An exception is decided by a manager other than the one who asked for it (G1)."""
    return exception.requested_by_id != user.pk


class Screening(Timed):
    """A worker's screening of a contact and the manager's oversight of it.

    Its clock is the oversight deadline: the end of the working period it was submitted in.
    """

    contact = models.ForeignKey("mach.Contact", on_delete=models.PROTECT, related_name="screenings")
    # The contact's team when it was screened, kept on the screening so that the oversight
    # queue is counted from one index (issue 17: joining every waiting screening to its contact
    # for the team was most of the page at a million contacts). A contact's team changes only
    # at intake, before any screening, and at its decision, after oversight
    # (`mach.services.route_to_open_case`), so a waiting screening's team is its contact's.
    team = models.ForeignKey(
        "mach.Team", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    state = FSMField(
        max_length=16,
        choices=ScreeningState.choices,
        default=ScreeningState.SUBMITTED,
        protected=True,
    )
    threshold_level = models.PositiveSmallIntegerField()
    rag = models.CharField(max_length=8, choices=Rag.choices)
    childs_voice = models.TextField()
    history_analysis = models.TextField()
    parents_consulted = models.BooleanField()
    parents_not_consulted_reason = models.TextField(blank=True)
    analysis = models.TextField()
    recommended_outcome = models.CharField(max_length=32, choices=Outcome.choices)
    alternatives_considered = models.TextField(blank=True)
    screened_by = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    oversight_due_at = models.DateTimeField()
    needs_threshold_authorisation = models.BooleanField(default=False)
    threshold_authorised_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    threshold_authorised_at = models.DateTimeField(null=True, blank=True)
    threshold_authorisation_rationale = models.TextField(blank=True)
    # The authorisation covers this outcome at the screening's level, no other (G4).
    threshold_authorised_outcome = models.CharField(
        max_length=32, choices=Outcome.choices, blank=True
    )
    oversight_decision = models.CharField(
        max_length=8, choices=OversightDecision.choices, blank=True
    )
    oversight_outcome = models.CharField(max_length=32, choices=Outcome.choices, blank=True)
    oversight_rationale = models.TextField(blank=True)
    oversight_alternatives_considered = models.TextField(
        blank=True, help_text="a manager's change to a statutory outcome: lower options rejected"
    )
    overseen_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overseen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(state=ScreeningState.SUBMITTED),
                name="screening_one_awaiting_per_contact",
            ),
            models.CheckConstraint(
                condition=Q(threshold_level__gte=1, threshold_level__lte=4),
                name="screening_threshold_level_1_to_4",
            ),
        ]
        indexes = [
            alert_due_index("screening_alert_due_idx"),
            # The oversight queue, soonest due first (issue 17: at a million contacts it sorted
            # every waiting screening before taking a page).
            models.Index(
                fields=["oversight_due_at", "id"],
                condition=Q(state=ScreeningState.SUBMITTED),
                name="screening_awaiting_due_idx",
            ),
            # A team's queue: counted from this index alone, and one team's page walks it.
            models.Index(
                fields=["team", "oversight_due_at", "id"],
                condition=Q(state=ScreeningState.SUBMITTED),
                name="screening_awaiting_team_idx",
            ),
            # The dashboard summary recounts a day's screenings and oversight clocks by these.
            models.Index(fields=["submitted_at"], name="screening_submitted_idx"),
            models.Index(fields=["oversight_due_at"], name="screening_oversight_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Screening {self.pk} of contact {self.contact_id}"

    @property
    def threshold_authorised(self) -> bool:
        return self.threshold_authorised_at is not None

    @transition(
        field=state,
        source=ScreeningState.SUBMITTED,
        target=ScreeningState.AGREED,
        permission=transition_permission(may_oversee),
    )
    def agree(self) -> None:
        self.stop_clock()

    @transition(
        field=state,
        source=ScreeningState.SUBMITTED,
        target=ScreeningState.CHANGED,
        permission=transition_permission(may_oversee),
    )
    def change(self) -> None:
        self.stop_clock()

    @transition(
        field=state,
        source=ScreeningState.SUBMITTED,
        target=ScreeningState.RETURNED,
        permission=transition_permission(may_oversee),
    )
    def return_to_worker(self) -> None:
        self.stop_clock()


class ConsultationMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    TEXT_MESSAGE = "text_message", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


class ParentConsultation(models.Model):
    """The parents were consulted about the contact (G1): who was spoken to, when, how, and
    what they said. Only such a record (or an authorised exception) lets partners be asked:
    a screening's "parents consulted" answer is the worker's statement, not a consultation."""

    contact = models.ForeignKey(
        "mach.Contact", on_delete=models.PROTECT, related_name="parent_consultations"
    )
    consulted_with = models.CharField(
        max_length=200, blank=True, help_text="who was spoken to, e.g. 'Jo Smith (mother)'"
    )
    method = models.CharField(max_length=16, choices=ConsultationMethod.choices, blank=True)
    consulted_at = models.DateTimeField()
    recorded_by = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    summary = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["consulted_at", "id"]

    def __str__(self) -> str:
        return f"Parents consulted on contact {self.contact_id}"


class ConsultationAttempt(models.Model):
    """One attempt to reach the parents (G1): when, how, and what came of it, recorded whether
    or not an exception follows."""

    contact = models.ForeignKey(
        "mach.Contact", on_delete=models.PROTECT, related_name="consultation_attempts"
    )
    attempted_at = models.DateTimeField()
    method = models.CharField(max_length=16, choices=ConsultationMethod.choices)
    outcome = models.TextField(help_text="what came of it, e.g. 'no answer, voicemail left'")
    recorded_by = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"Attempt to reach the parents on contact {self.contact_id}"


class ExceptionGround(models.TextChoices):
    SIGNIFICANT_HARM = (
        "significant_harm",
        "Consulting would put the child at risk of significant harm",
    )
    POLICE_INVESTIGATION = (
        "police_investigation",
        "Consulting would prejudice a police investigation",
    )
    UNREACHABLE = "unreachable", "Parents could not be reached after recorded attempts"


class ExceptionState(models.TextChoices):
    REQUESTED = "requested", "Awaiting a manager"
    AUTHORISED = "authorised", "Authorised"
    REFUSED = "refused", "Refused"


class ConsultationException(models.Model):
    """A recorded reason to seek partner information before consulting the parents (G1)."""

    contact = models.ForeignKey(
        "mach.Contact", on_delete=models.PROTECT, related_name="consultation_exceptions"
    )
    ground = models.CharField(max_length=32, choices=ExceptionGround.choices)
    details = models.TextField()
    attempts = models.TextField(blank=True, help_text="the attempts to reach the parents")
    requested_by = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    state = FSMField(
        max_length=16,
        choices=ExceptionState.choices,
        default=ExceptionState.REQUESTED,
        protected=True,
    )
    decided_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_ground_display()} (contact {self.contact_id})"

    @transition(
        field=state,
        source=ExceptionState.REQUESTED,
        target=ExceptionState.AUTHORISED,
        permission=transition_permission(may_decide_exception),
    )
    def authorise(self) -> None:
        """A manager agrees partners may be asked before the parents are consulted."""

    @transition(
        field=state,
        source=ExceptionState.REQUESTED,
        target=ExceptionState.REFUSED,
        permission=transition_permission(may_decide_exception),
    )
    def refuse(self) -> None:
        """A manager does not agree; the parents must be consulted first."""


class Agency(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    SCHOOL = "school", "School"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    EARLY_HELP = "early_help", "Early help"
    OTHER = "other", "Other"


class PartnerRequestState(models.TextChoices):
    SENT = "sent", "Awaiting a response"
    ANSWERED = "answered", "Answered"


class PartnerRequest(Timed):
    """A request for information to a partner agency: due in 1 working day, 4 hours if red."""

    contact = models.ForeignKey(
        "mach.Contact", on_delete=models.PROTECT, related_name="partner_requests"
    )
    agency = models.CharField(max_length=16, choices=Agency.choices)
    organisation = models.ForeignKey(
        "mach.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_requests",
        help_text="the partner organisation whose users may answer through the API",
    )
    question = models.TextField()
    state = FSMField(
        max_length=16,
        choices=PartnerRequestState.choices,
        default=PartnerRequestState.SENT,
        protected=True,
    )
    sent_by = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    due_at = models.DateTimeField()
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            alert_due_index("partner_request_alert_idx"),
            models.Index(fields=["organisation", "state"], name="partner_request_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_agency_display()} request on contact {self.contact_id}"

    @transition(field=state, source=PartnerRequestState.SENT, target=PartnerRequestState.ANSWERED)
    def answer(self) -> None:
        self.stop_clock()


class PatternFlag(models.Model):
    """Three or more contacts about a child in 12 months (G3): a manager must review it."""

    child = models.ForeignKey("mach.Person", on_delete=models.PROTECT, related_name="pattern_flags")
    contact = models.ForeignKey(
        "mach.Contact", on_delete=models.PROTECT, related_name="pattern_flags"
    )
    contacts_in_12_months = models.PositiveSmallIntegerField()
    raised_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    conclusion = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["child", "contact"], name="pattern_flag_once"),
        ]
        indexes = [
            models.Index(
                fields=["raised_at"], condition=Q(reviewed_at__isnull=True), name="pattern_open_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Pattern: {self.contacts_in_12_months} contacts about {self.child_id}"


class ReferrerFeedback(Timed):
    """The decision fed back to the referrer (1 working day), sent on commit by a channel."""

    contact = models.OneToOneField(
        "mach.Contact", on_delete=models.PROTECT, related_name="referrer_feedback"
    )
    due_at = models.DateTimeField()
    message = models.TextField()
    recipient = models.CharField(max_length=254, blank=True)
    channel = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sending_since = models.DateTimeField(
        null=True, blank=True, help_text="claimed by a worker that is sending it now"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            alert_due_index("feedback_alert_due_idx"),
            models.Index(
                fields=["created_at"], condition=Q(sent_at__isnull=True), name="feedback_unsent_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback on contact {self.contact_id}"


# Domestic-abuse triage (spec section 6) keeps its models in its own module.
from .domestic_abuse.models import (  # noqa: E402
    AgencyView,
    DomesticAbuseNotification,
    EncompassNotice,
    MeetingAttendee,
    NotifiedPerson,
    TriageChallenge,
    TriageMeeting,
)

__all__ = [
    "AgencyView",
    "DomesticAbuseNotification",
    "EncompassNotice",
    "MeetingAttendee",
    "NotifiedPerson",
    "TriageChallenge",
    "TriageMeeting",
]
# Emergency Duty Team handovers live in their own module (issue 14); imported here so that
# Django finds the models of the triage app.
from .edt.models import EdtHandover as EdtHandover  # noqa: E402
