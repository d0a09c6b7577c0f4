"""Shapes shared by the core's endpoints: people and addresses as the API shows them."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.utils.serializer_helpers import BindingDict

from . import services, workflows
from .models import (
    CaseAudit,
    Channel,
    Contact,
    Gender,
    Grade,
    ParentalAwareness,
    Person,
    Source,
    User,
    nhs_number_is_valid,
)
from .services import PersonInput, audits, parental_awareness_errors

MAX_PEOPLE = 30
# A pregnancy is known for at most about ten months before the birth.
MAX_MONTHS_BEFORE_BIRTH = 10
# Household members younger than this are children of the contact, not adults.
MIN_ADULT_AGE = 10


class AddressSerializer(serializers.Serializer):
    line1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    town = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True)


class PersonInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    other_names = serializers.CharField(max_length=200, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    nhs_number = serializers.CharField(max_length=12, required=False, allow_blank=True)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    ethnicity = serializers.CharField(max_length=8, required=False, allow_blank=True)
    upn = serializers.CharField(max_length=13, required=False, allow_blank=True)
    school = serializers.CharField(max_length=200, required=False, allow_blank=True)
    disability = serializers.CharField(max_length=200, required=False, allow_blank=True)
    language_needs = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = AddressSerializer(required=False)

    def validate_nhs_number(self, value: str) -> str:
        digits = value.replace(" ", "")
        if digits and not nhs_number_is_valid(digits):
            raise serializers.ValidationError(
                "Enter a valid NHS number: 10 digits with a correct check digit."
            )
        return digits

    def validate_date_of_birth(self, value: date | None) -> date | None:
        if value is not None and value > timezone.localdate():
            raise serializers.ValidationError("A date of birth cannot be in the future.")
        return value

    def to_input(self, data: dict[str, Any]) -> PersonInput:
        return PersonInput(**data)


class ChildInputSerializer(PersonInputSerializer):
    expected_date_of_birth = serializers.DateField(required=False, allow_null=True)

    def validate_expected_date_of_birth(self, value: date | None) -> date | None:
        today = timezone.localdate()
        if value is not None and value < today:
            raise serializers.ValidationError(
                "An expected date of birth cannot be in the past: give the date of birth."
            )
        if value is not None and value > _months_after(today, MAX_MONTHS_BEFORE_BIRTH):
            raise serializers.ValidationError(
                f"An expected date of birth is at most {MAX_MONTHS_BEFORE_BIRTH} months ahead."
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        born, expected = attrs.get("date_of_birth"), attrs.get("expected_date_of_birth")
        if born and expected:
            raise serializers.ValidationError(
                {"expected_date_of_birth": "Give a date of birth or an expected date, not both."}
            )
        if born and _age_on(born, timezone.localdate()) >= 18:
            raise serializers.ValidationError(
                {"date_of_birth": "A child is under 18: record this person as an adult."}
            )
        return attrs


class AdultInputSerializer(PersonInputSerializer):
    relationship = serializers.CharField(max_length=100, required=False, allow_blank=True)

    def validate_date_of_birth(self, value: date | None) -> date | None:
        value = super().validate_date_of_birth(value)
        if value is not None and _age_on(value, timezone.localdate()) < MIN_ADULT_AGE:
            raise serializers.ValidationError(
                f"An adult in a contact is at least {MIN_ADULT_AGE}: record a child as a child."
            )
        return value


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _months_after(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class PersonSummarySerializer(serializers.ModelSerializer):
    address = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "first_name",
            "last_name",
            "other_names",
            "date_of_birth",
            "expected_date_of_birth",
            "gender",
            "nhs_number",
            "address",
        ]

    @extend_schema_field(AddressSerializer)
    def get_address(self, person: Person) -> dict[str, str]:
        return address_of(person)


def address_of(person: Person) -> dict[str, str]:
    """A person's address as the API shows it (`AddressSerializer`)."""
    return {
        "line1": person.address_line1,
        "line2": person.address_line2,
        "town": person.town,
        "postcode": person.postcode,
    }


MAX_CONCERNS_LENGTH = 20_000
# Clocks of partner systems drift; a contact from further ahead has a wrong date.
MAX_CLOCK_SKEW = timedelta(minutes=5)
EARLIEST_RECEIVED_AT = datetime(2000, 1, 1, tzinfo=UTC)


def plausible_moment(value: datetime, refusal: str) -> datetime:
    """A moment a client sends about something that has happened: not ahead of now (beyond
    clock drift) nor before 2000. `refusal` starts the message ("A contact cannot be
    received")."""
    if value > timezone.now() + MAX_CLOCK_SKEW:
        raise serializers.ValidationError(f"{refusal} in the future.")
    if value < EARLIEST_RECEIVED_AT:
        raise serializers.ValidationError(f"{refusal} before 2000.")
    return value


class ReferrerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class OnePassSerializer(serializers.Serializer):
    """A body whose service also has rules across its fields (the guardrails), reported with
    the fields' own errors in one answer: DRF checks such rules in `validate()` only once every
    field is valid, so a user would meet them on a second or third submit. `rule_errors` reads
    the values of the fields that are valid; the service enforces the same rules again."""

    def rule_errors(self, values: Mapping[str, Any]) -> dict[str, str]:
        """The rules' messages by field, from whichever of `values` were given and valid."""
        return {}

    def to_internal_value(self, data: Any) -> Any:
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail
            if isinstance(detail, dict) and isinstance(data, Mapping):
                rules = self.rule_errors(self._valid_values(data))
                detail = {**_as_details(rules), **detail}
            raise serializers.ValidationError(detail) from error
        if rules := self.rule_errors(values):
            raise serializers.ValidationError(_as_details(rules))
        return values

    def _valid_values(self, data: Mapping[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field in self._writable_fields:
            try:
                values[str(field.field_name)] = field.run_validation(field.get_value(data))
            except (serializers.ValidationError, serializers.SkipField):
                continue
        return values


def _as_details(messages: Mapping[str, str]) -> dict[str, Any]:
    return {name: [ErrorDetail(text, code="invalid")] for name, text in messages.items()}


class FieldsBuiltOnce(serializers.Serializer):
    """A serializer whose fields, nested serializers included, are built once for its class
    rather than deep-copied for every instance, which cost more than all the validating of an
    intake's body.

    Only for input serializers whose fields keep nothing of a request: no context, no
    instance, no default read from the request. DRF keeps a body, its errors and its
    validated data on the serializer it was given to, never on a field; the shared fields are
    bound to an empty instance of their own, so they hold no body either."""

    _built: ClassVar[dict[type[serializers.Serializer], BindingDict]] = {}

    @property
    def fields(self) -> BindingDict:
        cls = type(self)
        fields = FieldsBuiltOnce._built.get(cls)
        if fields is None:
            empty = cls()
            fields = BindingDict(empty)
            for name, field in empty.get_fields().items():
                fields[name] = field
            FieldsBuiltOnce._built[cls] = fields
        return fields


class ContactInputSerializer(FieldsBuiltOnce, OnePassSerializer):
    """The body of `POST /api/v1/contacts/`; the web form validates through it too."""

    received_at = serializers.DateTimeField(required=False)
    channel = serializers.ChoiceField(choices=Channel.choices)
    # "source" is also a Field attribute in the stubs; DRF collects declared fields separately.
    source = serializers.ChoiceField(choices=Source.choices)  # type: ignore[assignment]
    referrer = ReferrerSerializer()
    # ListSerializer takes max_length (DRF 3.14+); the stubs do not know it yet.
    children = ChildInputSerializer(many=True, allow_empty=False, max_length=MAX_PEOPLE)  # type: ignore[call-arg]
    adults = AdultInputSerializer(many=True, required=False, max_length=MAX_PEOPLE)  # type: ignore[call-arg]
    concerns = serializers.CharField(max_length=MAX_CONCERNS_LENGTH)
    parental_awareness = serializers.ChoiceField(choices=ParentalAwareness.choices)
    parental_awareness_reason = serializers.CharField(
        max_length=5_000,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "Required (not blank) unless `parental_awareness` is `informed_and_consents`: why "
            "the parents were not informed or did not consent."
        ),
    )
    immediate_safety_concern = serializers.BooleanField(required=False, default=False)

    def validate_received_at(self, value: datetime) -> datetime:
        return plausible_moment(value, "A contact cannot be received")

    def rule_errors(self, values: Mapping[str, Any]) -> dict[str, str]:
        if "parental_awareness" not in values:
            return {}
        return parental_awareness_errors(
            values["parental_awareness"], values.get("parental_awareness_reason", "")
        )


def contact_create_from_input(*, actor: User, data: dict[str, Any], via: str) -> Contact:
    """Record a contact from `ContactInputSerializer`'s validated data: the one intake path of
    the API and the web form. Raises what `services.contact_create` raises."""
    return services.contact_create(
        actor=actor,
        received_at=data.get("received_at"),
        channel=data["channel"],
        source=data["source"],
        referrer=data["referrer"],
        children=[ChildInputSerializer().to_input(child) for child in data["children"]],
        adults=[AdultInputSerializer().to_input(adult) for adult in data.get("adults", [])],
        concerns=data["concerns"],
        parental_awareness=data["parental_awareness"],
        parental_awareness_reason=data["parental_awareness_reason"],
        immediate_safety_concern=data["immediate_safety_concern"],
        via=via,
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2_000)


class LearningActionInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=10_000)
    owner = serializers.CharField(max_length=200)
    due_date = serializers.DateField()


class CloseInputSerializer(serializers.Serializer):
    carried_into_plan = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="the named plan that carries learning actions still open",
    )


class GradeInputSerializer(serializers.Serializer):
    domain = serializers.IntegerField(help_text="an audit domain's id (reference data)")
    grade = serializers.ChoiceField(choices=Grade.choices)
    rationale = serializers.CharField(max_length=10_000)


class SubjectSerializer(serializers.Serializer):
    """The child, and optionally one record of theirs: one field per registered kind."""

    child = serializers.IntegerField()

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for kind, record in workflows.auditable_records.items():
            fields[kind] = serializers.IntegerField(
                required=False, help_text=f"a {record.label.lower()} of the child"
            )
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        named = [kind for kind in attrs if kind != "child"]
        if len(named) > 1:
            raise serializers.ValidationError("Name at most one record besides the child.")
        return attrs


class AuditInputSerializer(serializers.Serializer):
    subject = SubjectSerializer()
    practitioner = serializers.IntegerField(help_text="the practitioner's user id")
    collaborative = serializers.BooleanField()
    practitioner_participation = serializers.CharField(
        max_length=10_000, required=False, allow_blank=True, default=""
    )
    family_feedback_sought = serializers.BooleanField()
    family_feedback = serializers.CharField(max_length=10_000, allow_blank=True)
    grades = GradeInputSerializer(many=True)
    overall_grade = serializers.ChoiceField(choices=Grade.choices)


class ModerationInputSerializer(serializers.Serializer):
    grades = GradeInputSerializer(many=True)
    overall_grade = serializers.ChoiceField(
        choices=Grade.choices, required=False, help_text="the auditor's unless given"
    )
    reason = serializers.CharField(
        max_length=10_000,
        required=False,
        allow_blank=True,
        default="",
        help_text="why grades changed (required when any does)",
    )


def audit_create_from_input(*, actor: User, data: dict[str, Any]) -> CaseAudit:
    """An audit from `AuditInputSerializer`'s validated data (the API and the page): the child,
    the practitioner and the optional record named by id, then the one service that records it."""
    data = dict(data)
    subject = dict(data.pop("subject"))
    child = Person.objects.filter(pk=subject.pop("child")).first()
    if child is None:
        raise serializers.ValidationError({"subject": {"child": ["No such child."]}})
    practitioner = User.objects.filter(pk=data.pop("practitioner"), is_active=True).first()
    if practitioner is None:
        raise serializers.ValidationError({"practitioner": ["No such user."]})
    kind, record_id = next(iter(subject.items()), ("", None))
    return audits.audit_create(
        actor=actor,
        child=child,
        practitioner=practitioner,
        subject_kind=kind,
        subject_id=record_id,
        **data,
    )
