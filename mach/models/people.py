"""Children, adults, the links between them and proposed record matches (spec section 3)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models

from .census import Disability, Ethnicity, UpnUnknown


class Kind(models.TextChoices):
    CHILD = "child", "Child"
    ADULT = "adult", "Adult"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"
    UNBORN = "unborn", "Unborn"


def nhs_number_is_valid(value: str) -> bool:
    """True for ten digits whose last is the modulus-11 check digit of the first nine."""
    if len(value) != 10 or not value.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(value[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(value[9])


def validate_nhs_number(value: str) -> None:
    if not nhs_number_is_valid(value):
        raise ValidationError("Enter a valid NHS number: 10 digits with a correct check digit.")


def normalise_name(value: str) -> str:
    """Lower case, accents and punctuation removed, runs of space folded: 'O'Brien ' -> 'obrien'."""
    decomposed = unicodedata.normalize("NFKD", value)
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", re.sub(r"[^a-z ]", "", ascii_only.lower())).strip()


def normalise_postcode(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


class Person(models.Model):
    """A child or an adult known to the front door. Never hard-deleted."""

    kind = models.CharField(max_length=8, choices=Kind.choices)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    other_names = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=16, choices=Gender.choices, default=Gender.UNKNOWN)
    ethnicity = models.CharField(
        max_length=8, blank=True, choices=Ethnicity.choices, help_text="CIN ethnicity code"
    )
    nhs_number = models.CharField(max_length=10, blank=True, validators=[validate_nhs_number])
    upn = models.CharField("unique pupil number", max_length=13, blank=True)
    upn_unknown_reason = models.CharField(
        max_length=4, blank=True, choices=UpnUnknown.choices, help_text="why the UPN is unknown"
    )
    disabilities = ArrayField(
        models.CharField(max_length=4, choices=Disability.choices),
        default=list,
        blank=True,
        help_text="CIN disability codes (NONE: none)",
    )
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    school = models.CharField(max_length=200, blank=True)
    disability = models.CharField(max_length=200, blank=True)
    language_needs = models.CharField(max_length=200, blank=True)
    normalised_first_name = models.CharField(max_length=100, editable=False)
    normalised_last_name = models.CharField(max_length=100, editable=False)
    normalised_postcode = models.CharField(max_length=10, editable=False, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        help_text="the record this duplicate was merged into; set only by a merge",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nhs_number"],
                condition=~models.Q(nhs_number=""),
                name="person_unique_nhs_number",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")),
                name="person_not_merged_into_itself",
            ),
        ]
        indexes = [
            models.Index(
                fields=["normalised_last_name", "normalised_first_name", "date_of_birth"],
                name="person_match_idx",
            ),
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.normalise()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def normalise(self) -> None:
        """Set the normalised names and postcode that matching compares (`save` does)."""
        self.normalised_first_name = normalise_name(self.first_name)
        self.normalised_last_name = normalise_name(self.last_name)
        self.normalised_postcode = normalise_postcode(self.postcode)

    @property
    def full_name(self) -> str:
        return self.name_of(self.first_name, self.last_name)

    @staticmethod
    def name_of(first_name: str, last_name: str) -> str:
        """The full name of the person with these names, for a read that loads no instance."""
        return f"{first_name} {last_name}"

    @property
    def masked_nhs_number(self) -> str:
        """The NHS number with all but its last 3 digits hidden (`*** *** *919`): enough to
        tell two records apart in a match proposal, without copying the number about."""
        return f"*** *** *{self.nhs_number[-3:]}" if self.nhs_number else ""

    @property
    def address_text(self) -> str:
        parts = (self.address_line1, self.address_line2, self.town, self.postcode)
        return ", ".join(part for part in parts if part)

    def kept_record(self) -> Person:
        """The record this person now lives on: itself, or the end of its chain of merges.

        A merge refuses records already merged on either side, so no cycle can be made through
        it; should the database hold one anyway, the walk stops where it would repeat rather
        than block an intake.
        """
        person, seen = self, {self.pk}
        while person.merged_into_id is not None and person.merged_into_id not in seen:
            seen.add(person.merged_into_id)
            person = Person.objects.get(pk=person.merged_into_id)
        return person

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        birthday_passed = (day.month, day.day) >= (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - (0 if birthday_passed else 1)


class RelationshipKind(models.TextChoices):
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    SIBLING = "sibling", "Sibling"
    HOUSEHOLD_MEMBER = "household_member", "Household member"
    WIDER_FAMILY = "wider_family", "Wider family"
    FRIEND = "friend", "Friend"
    ALLEGED_PERPETRATOR = "alleged_perpetrator", "Alleged perpetrator"
    OTHER = "other", "Other"


class Relationship(models.Model):
    """`person` is `kind` to `child`, in the words given (`description`, e.g. 'mother')."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="related_people")
    kind = models.CharField(max_length=32, choices=RelationshipKind.choices)
    description = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "child", "kind"], name="relationship_unique_kind"
            ),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("child")), name="relationship_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} is {self.get_kind_display().lower()} of {self.child}"


class MatchProposal(models.Model):
    """A weaker match found at intake, for a worker to confirm or reject; never merged silently."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="match_proposals")
    candidate = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "candidate"], name="match_proposal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} may be {self.candidate} ({self.reason})"


class PersonMerge(models.Model):
    """One merge of a duplicate record into the kept one, and its undoing.

    `moved` holds exactly what the merge changed, so that an undo changes exactly that back:
    `relations`, a list of `{"model": label, "field": name, "ids": [...]}` for the rows re-pointed
    from the duplicate to the kept record; `kept_fields` and `duplicate_fields`, for each
    identifying field the merge filled in or cleared, `{"before": ..., "after": ...}`.
    """

    duplicate = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_away")
    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    proposal = models.ForeignKey(
        MatchProposal, null=True, blank=True, on_delete=models.PROTECT, related_name="merges"
    )
    moved = models.JSONField(default=dict)
    reason = models.TextField()
    merged_by = models.ForeignKey("mach.User", on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        "mach.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(duplicate=models.F("kept")), name="person_merge_not_self"
            ),
            # A duplicate is merged away at most once at a time; an undo frees it again.
            models.UniqueConstraint(
                fields=["duplicate"],
                condition=models.Q(undone_at__isnull=True),
                name="person_merge_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.duplicate} merged into {self.kept}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
