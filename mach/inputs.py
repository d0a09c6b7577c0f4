"""Shapes shared by the core's endpoints: people and addresses as the API shows them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import services
from .models import (
    Channel,
    Contact,
    Gender,
    ParentalAwareness,
    Person,
    Source,
    User,
    nhs_number_is_valid,
)
from .services import PersonInput

MAX_PEOPLE = 30


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


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


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
        return {
            "line1": person.address_line1,
            "line2": person.address_line2,
            "town": person.town,
            "postcode": person.postcode,
        }


MAX_CONCERNS_LENGTH = 20_000
MAX_RECEIVED_AHEAD = timedelta(days=365)


class ReferrerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    role = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)


class ContactInputSerializer(serializers.Serializer):
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
        max_length=5_000, required=False, allow_blank=True, default=""
    )
    immediate_safety_concern = serializers.BooleanField(required=False, default=False)

    def validate_received_at(self, value: datetime) -> datetime:
        # Clients may record a contact ahead of the clock they keep (api.md's own example is
        # dated later than today), but a year ahead is a typing error, not a contact.
        if value > timezone.now() + MAX_RECEIVED_AHEAD:
            raise serializers.ValidationError("A contact cannot be received a year from now.")
        return value


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
