"""A homeless presentation of a young person aged 16 or 17 (spec section 10, G12; R (G) v
Southwark [2009] UKHL 26 and the 2018 joint guidance): the young person's own account first,
then rights and advocacy, suitable accommodation tonight (never bed and breakfast), a joint
assessment with a named housing officer due in 10 working days, and the decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from mach.models import Timed
from mach.models.timeliness import alert_due_index

MIN_AGE, MAX_AGE = 16, 17
ASSESSMENT_WORKING_DAYS = 10
BED_AND_BREAKFAST = "bed_and_breakfast"


class PresentedTo(models.TextChoices):
    CHILDRENS_SERVICES = "childrens_services", "Children's services"
    HOUSING = "housing", "Housing (referred to children's services)"


class PresentationState(models.TextChoices):
    PRESENTED = "presented", "Presented"
    ACCOUNT_RECORDED = "account_recorded", "Account recorded"
    ACCOMMODATED = "accommodated", "Accommodated"
    ASSESSED = "assessed", "Assessed"
    DECIDED = "decided", "Decided"


class AccommodationType(models.TextChoices):
    """Suitable accommodation tonight. Bed and breakfast is never suitable, so it is no
    choice: it is refused by name (400)."""

    FOSTER_CARE = "foster_care", "Foster care"
    SUPPORTED_LODGINGS = "supported_lodgings", "Supported lodgings"
    SUPPORTED_ACCOMMODATION = "supported_accommodation", "Supported accommodation"
    CHILDRENS_HOME = "childrens_home", "Children's home"
    FAMILY_OR_FRIENDS = "family_or_friends", "With family or friends"
    HOME = "home", "Home"


class Outcome(models.TextChoices):
    S20_ACCOMMODATED = "s20_accommodated", "Accommodated under section 20"
    S17_SUPPORT = "s17_support", "Section 17 support"
    HOME_WITH_SUPPORT = "home_with_support", "Home or to family, with support"
    HOUSING_ROUTE = "housing_route", "Housing route (the young person's informed choice)"


# After these outcomes children's services keep the young person's case open.
OPEN_OUTCOMES = (Outcome.S20_ACCOMMODATED, Outcome.S17_SUPPORT)


def guard(predicate: Callable[[Any], bool]) -> Callable[[models.Model], bool]:
    return predicate


def rights_and_advocacy_recorded(presentation: HomelessPresentation) -> bool:
    return (
        presentation.rights_explained_on is not None
        and presentation.advocacy_offered_on is not None
    )


def has_joint_assessment(presentation: HomelessPresentation) -> bool:
    return bool(presentation.housing_officer.strip()) and (
        presentation.joint_assessment_completed_on is not None
    )


class HomelessPresentation(Timed):
    """Its clock is `assessment_due_date` (10 working days, date rule), stopped by the joint
    assessment."""

    young_person = models.ForeignKey(
        "mach.Person", on_delete=models.PROTECT, related_name="homeless_presentations"
    )
    team = models.ForeignKey("mach.Team", on_delete=models.PROTECT, related_name="+")
    presented_at = models.DateTimeField()
    presented_on = models.DateField(help_text="the local date of `presented_at`")
    presented_to = models.CharField(max_length=32, choices=PresentedTo.choices)
    state = FSMField(
        max_length=20,
        choices=PresentationState.choices,
        default=PresentationState.PRESENTED,
        protected=True,
    )
    assessment_due_date = models.DateField()
    # The young person's own account, wishes and feelings (first, before anything else).
    account = models.TextField(blank=True)
    wishes_and_feelings = models.TextField(blank=True)
    account_recorded_at = models.DateTimeField(null=True, blank=True)
    # Rights and entitlements explained, independent advocacy offered (at first approach).
    rights_explained_on = models.DateField(null=True, blank=True)
    advocacy_offered_on = models.DateField(null=True, blank=True)
    advocacy_taken_up = models.BooleanField(null=True, blank=True)
    # Suitable accommodation tonight.
    accommodation_type = models.CharField(
        max_length=32, choices=AccommodationType.choices, blank=True
    )
    accommodation_address = models.CharField(max_length=300, blank=True)
    accommodated_under_s20 = models.BooleanField(default=False)
    accommodated_at = models.DateTimeField(null=True, blank=True)
    # The joint assessment with housing.
    housing_officer = models.CharField(max_length=200, blank=True)
    joint_assessment_completed_on = models.DateField(null=True, blank=True)
    joint_assessment_summary = models.TextField(blank=True)
    # The decision.
    outcome = models.CharField(max_length=32, choices=Outcome.choices, blank=True)
    informed_choice = models.TextField(
        blank=True, help_text="the young person's informed choice, in their own words"
    )
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment_due_date", "id"]
        indexes = [
            alert_due_index("homeless_alert_due_idx"),
            models.Index(fields=["state", "assessment_due_date"], name="homeless_state_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Homeless presentation {self.pk}"

    @property
    def is_looked_after(self) -> bool:
        """Accommodated under section 20 (tonight, or by the decision)."""
        if self.state == PresentationState.DECIDED:
            return self.outcome == Outcome.S20_ACCOMMODATED
        return self.accommodated_under_s20

    @transition(
        field=state, source=PresentationState.PRESENTED, target=PresentationState.ACCOUNT_RECORDED
    )
    def record_account(self) -> None:
        """The young person's own account, wishes and feelings: always the first step."""

    @transition(
        field=state,
        source=PresentationState.ACCOUNT_RECORDED,
        target=PresentationState.ACCOMMODATED,
        conditions=[guard(rights_and_advocacy_recorded)],
    )
    def accommodate(self) -> None:
        """Suitable accommodation, once rights are explained and advocacy offered."""

    @transition(
        field=state,
        source=PresentationState.ACCOMMODATED,
        target=PresentationState.ASSESSED,
        conditions=[guard(has_joint_assessment)],
    )
    def assess(self) -> None:
        self.stop_clock()

    @transition(field=state, source=PresentationState.ASSESSED, target=PresentationState.DECIDED)
    def decide(self) -> None:
        """One of the four outcomes; the housing route only on an informed choice."""


# G12, as the metrics count them in SQL: advocacy offered at first approach (on the day the
# young person presented), and a joint assessment with housing completed.
ADVOCACY_AT_FIRST_APPROACH = Q(
    advocacy_offered_on__isnull=False, advocacy_offered_on__lte=models.F("presented_on")
)
JOINT_ASSESSMENT = Q(joint_assessment_completed_on__isnull=False) & ~Q(housing_officer="")
