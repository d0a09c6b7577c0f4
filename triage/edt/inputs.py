"""What the EDT sends with a handover and what the MACH sends acknowledging it, checked once
for the API and the pages alike."""

from __future__ import annotations

from rest_framework import serializers

from mach.inputs import ContactInputSerializer

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


class HandoverAcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5_000, required=False, allow_blank=True, default="")
