"""What a worker or manager sends about an assessment, checked once for the API and the pages
alike."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from mach.models import PrimaryNeed

from .models import AssessmentFactor, AssessmentOutcome, ClosureReason


class AssessmentRecordSerializer(serializers.Serializer):
    child_seen_on = serializers.DateField(required=False, allow_null=True)
    child_seen_alone = serializers.BooleanField(required=False, allow_null=True)
    childs_voice = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    family_network_involvement = serializers.CharField(
        max_length=20_000, required=False, allow_blank=True
    )
    analysis = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    factors = serializers.ListField(
        child=serializers.ChoiceField(choices=AssessmentFactor.choices),
        required=False,
        max_length=len(AssessmentFactor.values),
    )

    def validate_child_seen_on(self, value: Any) -> Any:
        if value is not None and value > timezone.localdate():
            raise serializers.ValidationError("The child cannot be seen in the future.")
        return value


class ActionInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=5_000)
    owner = serializers.CharField(max_length=200)
    due_on = serializers.DateField()


class SubmitSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=AssessmentOutcome.choices)
    # The CIN census's primary need code, decided with the outcome (DfE code list N0-N9).
    primary_need = serializers.ChoiceField(
        choices=PrimaryNeed.choices, required=False, allow_blank=True, default=""
    )
    closure_reason = serializers.ChoiceField(
        choices=ClosureReason.choices, required=False, allow_blank=True, default=""
    )
    exceeded_reason = serializers.CharField(
        max_length=5_000, required=False, allow_blank=True, default=""
    )


class AuthoriseSerializer(serializers.Serializer):
    authorise = serializers.BooleanField()
    rationale = serializers.CharField(max_length=10_000, allow_blank=True)
