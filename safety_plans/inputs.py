"""What workers send about a safety plan, checked once for the API and the pages alike."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from mach.models import Kind, Person
from strategy_meetings.models import Conference, S47Enquiry

TEXT = 20_000
LINE = 2_000
LIST = 50
PARTS = ("worries", "goals", "network", "actions", "childs_words", "family_version")


class NetworkMemberSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    relationship = serializers.CharField(max_length=200, required=False, allow_blank=True)
    role = serializers.CharField(
        max_length=LINE, required=False, allow_blank=True, help_text="What they do in the plan."
    )
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_parent = serializers.BooleanField(required=False, default=False)


class ActionSerializer(serializers.Serializer):
    who = serializers.CharField(max_length=200)
    what = serializers.CharField(max_length=LINE)
    when = serializers.CharField(max_length=200, required=False, allow_blank=True)
    how_we_will_know = serializers.CharField(max_length=LINE, required=False, allow_blank=True)
    verified_by = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Who checks it happened; the parents alone fail the parent_verification check.",
    )


def _defaults(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Every optional field present (stored the same whether sent blank or left out)."""
    return {**dict.fromkeys(names, ""), **data}


class PlanPartsSerializer(serializers.Serializer):
    """The parts of a plan (also the body of `check`, which ignores any other field)."""

    worries = serializers.ListField(
        child=serializers.CharField(max_length=LINE), required=False, default=list, max_length=LIST
    )
    goals = serializers.ListField(
        child=serializers.CharField(max_length=LINE), required=False, default=list, max_length=LIST
    )
    network = serializers.ListField(
        child=NetworkMemberSerializer(), required=False, default=list, max_length=LIST
    )
    actions = serializers.ListField(
        child=ActionSerializer(), required=False, default=list, max_length=LIST
    )
    childs_words = serializers.CharField(
        max_length=TEXT, required=False, allow_blank=True, default=""
    )
    family_version = serializers.CharField(
        max_length=TEXT,
        required=False,
        allow_blank=True,
        default="",
        help_text="The plain-language text for the family.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["network"] = [
            _defaults(dict(item), ("relationship", "role", "contact"))
            for item in attrs.get("network", [])
        ]
        attrs["actions"] = [
            _defaults(dict(item), ("when", "how_we_will_know", "verified_by"))
            for item in attrs.get("actions", [])
        ]
        return attrs


class PlanCreateSerializer(PlanPartsSerializer):
    children = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.filter(kind=Kind.CHILD), many=True, allow_empty=False
    )
    s47_enquiry = serializers.PrimaryKeyRelatedField(
        queryset=S47Enquiry.objects.all(), required=False, allow_null=True, default=None
    )
    conference = serializers.PrimaryKeyRelatedField(
        queryset=Conference.objects.all(), required=False, allow_null=True, default=None
    )

    def validate_children(self, value: list[Person]) -> list[Person]:
        if len(value) > LIST:
            raise serializers.ValidationError(f"At most {LIST} children.")
        return list(dict.fromkeys(value))


def parts_of(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in PARTS}


class AgreeSerializer(serializers.Serializer):
    agreed_with = serializers.CharField(
        max_length=LINE, help_text="Who in the family and network agreed the plan."
    )
