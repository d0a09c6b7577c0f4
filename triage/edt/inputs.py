"""What the EDT sends with a handover and what the MACH sends acknowledging it, checked once
for the API and the pages alike."""

from __future__ import annotations

from datetime import datetime

from rest_framework import serializers

from mach.inputs import ContactInputSerializer, plausible_moment

from .models import HandoverAction


class HandoverInputSerializer(ContactInputSerializer):
    """A contact's fields (`POST /api/v1/contacts/`), plus what the EDT did and left to do."""

    action_taken = serializers.ChoiceField(choices=HandoverAction.choices)
    outstanding_actions = serializers.CharField(
        max_length=20_000,
        required=False,
        allow_blank=True,
        default="",
        help_text="What the MACH still has to do.",
    )
    handed_over_at = serializers.DateTimeField(
        required=False,
        help_text="When the EDT handed it over, if recorded later (default: now).",
    )

    def validate_handed_over_at(self, value: datetime) -> datetime:
        return plausible_moment(value, "A handover cannot be")


class HandoverAcknowledgeSerializer(serializers.Serializer):
    acknowledged = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Optional; when sent it must be true (the MACH has taken the handover on).",
    )
    note = serializers.CharField(max_length=5_000, required=False, allow_blank=True, default="")

    def validate_acknowledged(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError("Send true to acknowledge the handover.")
        return value
