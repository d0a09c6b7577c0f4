"""Contacts: concerns about children raised with the front door (spec section 4)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import ExpressionWrapper, Q
from django.utils import timezone
from django_fsm import FSMField, transition

from .people import Person
from .timeliness import Timed, alert_due_index

if TYPE_CHECKING:
    from django.db.models.fields.related_descriptors import RelatedManager

    from .referrals import Referral


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    PORTAL = "portal", "Online portal"
    API = "api", "REST API"
    EDT = "edt", "Emergency Duty Team"
    IN_PERSON = "in_person", "In person"


class Source(models.TextChoices):
    """CIN referral source codes (DfE N00152)."""

    FAMILY = "1A", "Family member, relative or carer"
    ACQUAINTANCE = "1B", "Acquaintance"
    SELF = "1C", "Self"
    OTHER_INDIVIDUAL = "1D", "Other individual"
    SCHOOLS = "2A", "Schools"
    EDUCATION_SERVICES = "2B", "Education services"
    GP = "3A", "GP"
    HEALTH_VISITOR = "3B", "Health visitor"
    SCHOOL_NURSE = "3C", "School nurse"
    OTHER_PRIMARY_HEALTH = "3D", "Other primary health services"
    A_AND_E = "3E", "A&E"
    OTHER_HEALTH = "3F", "Other health services"
    HOUSING = "4", "Housing"
    LA_SOCIAL_CARE = "5A", "Local authority social care"
    OTHER_INTERNAL = "5B", "Other internal local authority service"
    ANOTHER_LA = "5C", "Another local authority"
    LA_EARLY_HELP = "5D", "Local authority early help"
    POLICE = "6", "Police"
    OTHER_LEGAL = "7", "Other legal agency"
    OTHER = "8", "Other"
    ANONYMOUS = "9", "Anonymous"
    UNKNOWN = "10", "Unknown"


class ParentalAwareness(models.TextChoices):
    INFORMED_AND_CONSENTS = "informed_and_consents", "Parents informed and consent"
    INFORMED_NO_CONSENT = "informed_no_consent", "Parents informed, no consent"
    NOT_INFORMED = "not_informed", "Parents not informed"


class State(models.TextChoices):
    RECEIVED = "received", "Received"
    AWAITING_OVERSIGHT = "awaiting_oversight", "Awaiting oversight"
    DECIDED = "decided", "Decided"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


OPEN_STATES = (State.RECEIVED, State.AWAITING_OVERSIGHT)
# What an open contact waits for, and from whom, as the worklist says it.
AWAITED = {
    State.RECEIVED: "Screening by a worker",
    State.AWAITING_OVERSIGHT: "Oversight by a manager",
}


class ContactQuerySet(models.QuerySet["Contact"]):
    def overdue(self, now: datetime) -> ContactQuerySet:
        """Open contacts whose decision deadline has passed at `now` (`Contact.is_overdue`)."""
        return self.filter(self._overdue_at(now))

    def not_overdue(self, now: datetime) -> ContactQuerySet:
        return self.exclude(self._overdue_at(now))

    def with_overdue(self, now: datetime) -> ContactQuerySet:
        """Each contact with `overdue`: whether it is overdue at `now` (`Contact.is_overdue`),
        for a read of rows rather than instances."""
        return self.annotate(
            overdue=ExpressionWrapper(self._overdue_at(now), output_field=models.BooleanField())
        )

    @staticmethod
    def _overdue_at(now: datetime) -> Q:
        return Q(state__in=OPEN_STATES, decision_due_at__lt=now)


class Contact(Timed):
    """A contact; its decision clock (1 working day, moment rule) starts at `received_at`."""

    received_at = models.DateTimeField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    source = models.CharField(max_length=2, choices=Source.choices)
    referrer_name = models.CharField(max_length=200)
    referrer_organisation = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(blank=True)
    concerns = models.TextField()
    parental_awareness = models.CharField(max_length=32, choices=ParentalAwareness.choices)
    parental_awareness_reason = models.TextField(blank=True)
    immediate_safety_concern = models.BooleanField(default=False)
    state = FSMField(max_length=32, choices=State.choices, default=State.RECEIVED, protected=True)
    rag = models.CharField(max_length=8, choices=Rag.choices, blank=True)
    outcome = models.CharField(max_length=32, blank=True)
    decision_due_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    team = models.ForeignKey("mach.Team", on_delete=models.PROTECT, related_name="contacts")
    submitted_by = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    submitting_team = models.ForeignKey(
        "mach.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submitted_contacts",
        help_text="the partner organisation that submitted it, for its status view",
    )
    people = models.ManyToManyField(Person, through="ContactPerson", related_name="contacts")
    # Information on an open case (spec section 4): the kind of open record a child of the
    # contact has (a key of `workflows.open_case_kinds`) and its id, and the worker it is
    # allocated to (none: the team's). The contact's `team` is the case's team. Its state
    # keeps the published values; its decision makes no referral for that child.
    open_case_kind = models.CharField(max_length=64, blank=True)
    open_case_record_id = models.PositiveBigIntegerField(null=True, blank=True)
    allocated_worker = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    if TYPE_CHECKING:
        referrals: RelatedManager[Referral]

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            alert_due_index("contact_alert_due_idx"),
            models.Index(fields=["-received_at", "-id"], name="contact_recent_idx"),
            models.Index(
                fields=["decision_due_at"],
                condition=Q(state__in=OPEN_STATES),
                name="contact_open_due_idx",
            ),
            models.Index(fields=["state", "-received_at"], name="contact_state_idx"),
            # The dashboard summary recounts a day's decision clocks by due moment (mach/figures).
            models.Index(fields=["decision_due_at"], name="contact_decision_due_idx"),
            # The worklist's team filter: which teams hold open contacts (issue 17: at a
            # million contacts, the filter read every row of the plain team index).
            models.Index(
                fields=["team"], condition=Q(state__in=OPEN_STATES), name="contact_open_team_idx"
            ),
            models.Index(fields=["submitting_team", "-received_at"], name="contact_submitter_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return self.reference_of(self.pk)

    @staticmethod
    def reference_of(contact_id: int) -> str:
        """The reference of the contact with this id, for a read that loads no instance."""
        return f"CON-{contact_id:07d}"

    @property
    def on_open_case(self) -> bool:
        return bool(self.open_case_kind)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, now: datetime | None = None) -> bool:
        """Open and past its decision deadline (`ContactQuerySet.overdue` in SQL)."""
        return self.is_open and self.decision_due_at < (now or timezone.now())

    @property
    def awaited(self) -> str:
        """What the contact waits for, and from whom; blank once decided."""
        return AWAITED.get(State(self.state), "")

    @transition(field=state, source=State.RECEIVED, target=State.AWAITING_OVERSIGHT)
    def send_for_oversight(self) -> None:
        """A worker's recommendation waits for a manager; the decision clock keeps running."""

    @transition(field=state, source=State.AWAITING_OVERSIGHT, target=State.RECEIVED)
    def return_to_worker(self) -> None:
        """The manager sent the recommendation back for more work."""

    @transition(field=state, source=State.AWAITING_OVERSIGHT, target=State.DECIDED)
    def decide(self, outcome: str) -> None:
        self.outcome = outcome
        self.stop_clock()


class ContactPerson(models.Model):
    """A child or adult named on a contact, and how intake matched them to a record."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="contact_people")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contact_links")
    role = models.CharField(max_length=8, choices=[("child", "Child"), ("adult", "Adult")])
    matched_existing = models.BooleanField(default=False)
    relationship = models.CharField(max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "person"], name="contact_person_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.contact}"
