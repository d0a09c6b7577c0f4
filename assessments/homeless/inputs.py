"""What workers send about a homeless presentation, checked once for the API and the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rest_framework import serializers

from mach.inputs import PersonInputSerializer, plausible_moment

from .models import BED_AND_BREAKFAST, AccommodationType, Outcome, PresentedTo
from .services import BED_AND_BREAKFAST_REFUSED

TEXT = 20_000


class YoungPersonSerializer(PersonInputSerializer):
    date_of_birth = serializers.DateField(
        help_text="They must be 16 or 17 on the date they present."
    )


class PresentationInputSerializer(serializers.Serializer):
    young_person = YoungPersonSerializer()
    presented_at = serializers.DateTimeField(required=False, help_text="Default: now.")
    presented_to = serializers.ChoiceField(choices=PresentedTo.choices)

    def validate_presented_at(self, value: datetime) -> datetime:
        return plausible_moment(value, "A presentation cannot be")


class HomelessAccountSerializer(serializers.Serializer):
    account = serializers.CharField(max_length=TEXT, help_text="In the young person's words.")
    wishes_and_feelings = serializers.CharField(max_length=TEXT)


class HomelessRightsAndAdvocacySerializer(serializers.Serializer):
    rights_explained_on = serializers.DateField()
    advocacy_offered_on = serializers.DateField()
    advocacy_taken_up = serializers.BooleanField()


class AccommodationTypeField(serializers.ChoiceField):
    """A suitable type; bed and breakfast is refused by name, never as "not a valid choice"."""

    def to_internal_value(self, data: Any) -> Any:
        if data == BED_AND_BREAKFAST:
            raise serializers.ValidationError(BED_AND_BREAKFAST_REFUSED)
        return super().to_internal_value(data)


class HomelessAccommodationSerializer(serializers.Serializer):
    # "type" is what api.md publishes.
    type = AccommodationTypeField(
        choices=AccommodationType.choices,
        help_text="`bed_and_breakfast` is never suitable and is refused (400).",
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    under_s20 = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Accommodated under section 20: the young person is then looked after.",
    )


class HomelessJointAssessmentSerializer(serializers.Serializer):
    housing_officer = serializers.CharField(max_length=200)
    completed_on = serializers.DateField()
    summary = serializers.CharField(max_length=TEXT)


class HomelessDecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    informed_choice = serializers.CharField(
        max_length=TEXT,
        required=False,
        allow_blank=True,
        default="",
        help_text=(
            "Required for `housing_route`: the young person's informed choice, in their words."
        ),
    )
    reason = serializers.CharField(max_length=TEXT, required=False, allow_blank=True, default="")
