"""Shapes shared by the core's endpoints: people and addresses as the API shows them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Gender, Person, nhs_number_is_valid
from ..services import PersonInput

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
