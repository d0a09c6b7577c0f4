"""What the statutory returns' API and pages accept: the period of a return, and the census
items a practitioner records, each against the DfE's code list."""

from __future__ import annotations

from datetime import date

from rest_framework import serializers

from ..models import ClosureReason, Disability, Ethnicity, PrimaryNeed, UpnUnknown


class CensusQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class AnnexAQuerySerializer(serializers.Serializer):
    # `from` is a Python keyword: the field is renamed below.
    start = serializers.DateField()
    to = serializers.DateField()

    def validate(self, attrs: dict[str, date]) -> dict[str, date]:
        if attrs["start"] > attrs["to"]:
            raise serializers.ValidationError({"to": ["Must be on or after `from`."]})
        if (attrs["to"] - attrs["start"]).days > 3 * 366:
            raise serializers.ValidationError({"to": ["The period may be at most 3 years."]})
        return attrs

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("start")
        fields["from"].source = "start"
        return fields


class ChildCensusDetailsSerializer(serializers.Serializer):
    upn = serializers.CharField(max_length=13, required=False, allow_blank=True)
    upn_unknown_reason = serializers.ChoiceField(
        choices=UpnUnknown.choices, required=False, allow_blank=True
    )
    ethnicity = serializers.ChoiceField(choices=Ethnicity.choices, required=False, allow_blank=True)
    disabilities = serializers.ListField(
        child=serializers.ChoiceField(choices=Disability.choices),
        required=False,
        max_length=len(Disability.values),
    )


class ReferralCloseSerializer(serializers.Serializer):
    closed_on = serializers.DateField()
    reason = serializers.ChoiceField(choices=ClosureReason.choices)
    primary_need = serializers.ChoiceField(
        choices=PrimaryNeed.choices, required=False, allow_blank=True, default=""
    )


class PrimaryNeedSerializer(serializers.Serializer):
    primary_need = serializers.ChoiceField(choices=PrimaryNeed.choices)
