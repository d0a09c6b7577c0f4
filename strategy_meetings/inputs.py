"""What workers, managers and partner agencies send about strategy discussions, s47 enquiries
and conferences, checked once for the API and the pages alike."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from mach.models import Contact, Kind, Person, Rag, Team, User

from .models import (
    Agency,
    ConferenceOutcome,
    DiscussionDecision,
    EnquiryNextStep,
    EnquiryOutcome,
    PlanCategory,
)

TEXT = 20_000
LIST = 50


def _children() -> Any:
    return Person.objects.filter(kind=Kind.CHILD)


class DiscussionRequestSerializer(serializers.Serializer):
    children = serializers.PrimaryKeyRelatedField(
        queryset=_children(), many=True, allow_empty=False
    )
    rag = serializers.ChoiceField(choices=Rag.choices)
    reasonable_cause = serializers.CharField(max_length=TEXT)
    lower_options_rejected = serializers.CharField(max_length=TEXT)
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True, default=None
    )

    def validate_children(self, value: list[Person]) -> list[Person]:
        if len(value) > LIST:
            raise serializers.ValidationError(f"At most {LIST} children.")
        return list(dict.fromkeys(value))


class InviteeSerializer(serializers.Serializer):
    agency = serializers.ChoiceField(choices=Agency.choices)
    name = serializers.CharField(max_length=200)
    role = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    organisation_team = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Team.objects.all(),
        required=False,
        allow_null=True,
        help_text="The partner organisation (team slug) whose users may then read it.",
    )


class InviteSerializer(serializers.Serializer):
    scheduled_for = serializers.DateTimeField()
    place = serializers.CharField(max_length=300)
    invitees = serializers.ListField(child=InviteeSerializer(), allow_empty=False, max_length=LIST)


class AttendeeSerializer(serializers.Serializer):
    agency = serializers.ChoiceField(choices=Agency.choices)
    name = serializers.CharField(max_length=200)
    role = serializers.CharField(max_length=200)


class DiscussionAttendeeSerializer(AttendeeSerializer):
    # Optional, so the body api.md publishes (agency, name, role) stays valid; false is what
    # records an attendee too junior to decide, who then does not count toward the minimum.
    can_decide_for_agency = serializers.BooleanField(
        required=False,
        default=True,
        help_text=(
            "Senior enough to decide for their agency (default true): only such attendees "
            "count toward the minimum attendance."
        ),
    )


class InformationSerializer(serializers.Serializer):
    agency = serializers.ChoiceField(choices=Agency.choices)
    summary = serializers.CharField(max_length=TEXT)


class HeldSerializer(serializers.Serializer):
    held_at = serializers.DateTimeField()
    attendees = serializers.ListField(child=DiscussionAttendeeSerializer(), max_length=LIST)
    information = serializers.ListField(
        child=InformationSerializer(), required=False, default=list, max_length=LIST
    )
    analysis = serializers.CharField(max_length=TEXT)
    proceeded_without_minimum_reason = serializers.CharField(
        max_length=TEXT, required=False, allow_blank=True, default=""
    )

    def validate_held_at(self, value: Any) -> Any:
        if value > timezone.now():
            raise serializers.ValidationError("A discussion cannot be held in the future.")
        return value


class AgencyInformationInputSerializer(serializers.Serializer):
    summary = serializers.CharField(max_length=TEXT)
    agency = serializers.ChoiceField(
        choices=Agency.choices,
        required=False,
        default="",
        help_text="MACH workers name the agency; a partner agency records as the one invited.",
    )


class ChildDecisionSerializer(serializers.Serializer):
    child = serializers.PrimaryKeyRelatedField(queryset=_children())
    decision = serializers.ChoiceField(choices=DiscussionDecision.choices)
    share_with_family = serializers.CharField(
        max_length=TEXT, help_text="What is shared with the family and when, or why not."
    )


class DecisionSerializer(serializers.Serializer):
    decisions = serializers.ListField(
        child=ChildDecisionSerializer(), allow_empty=False, max_length=LIST
    )


class StrategyActionInputSerializer(serializers.Serializer):
    """Every field is required: a vague action is refused naming what it lacks."""

    description = serializers.CharField(max_length=5_000)
    owner = serializers.CharField(max_length=200)
    agency = serializers.ChoiceField(choices=Agency.choices)
    child = serializers.PrimaryKeyRelatedField(queryset=_children())
    due_date = serializers.DateField()


class EnquiryMadeSerializer(serializers.Serializer):
    agency = serializers.ChoiceField(choices=Agency.choices)
    summary = serializers.CharField(max_length=TEXT)
    made_on = serializers.DateField()

    def validate_made_on(self, value: Any) -> Any:
        if value > timezone.localdate():
            raise serializers.ValidationError("An enquiry cannot be made in the future.")
        return value


class S47RecordSerializer(serializers.Serializer):
    lead_practitioner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False
    )
    child_seen_on = serializers.DateField(required=False, allow_null=True)
    seen_alone = serializers.BooleanField(required=False, allow_null=True)
    childs_voice = serializers.CharField(max_length=TEXT, required=False, allow_blank=True)
    enquiries = serializers.ListField(
        child=EnquiryMadeSerializer(), required=False, max_length=LIST
    )

    def validate_child_seen_on(self, value: Any) -> Any:
        if value is not None and value > timezone.localdate():
            raise serializers.ValidationError("The child cannot be seen in the future.")
        return value


class S47CompleteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=EnquiryOutcome.choices)
    next_step = serializers.ChoiceField(choices=EnquiryNextStep.choices)


class ConferenceRecordSerializer(serializers.Serializer):
    scheduled_for = serializers.DateField(required=False)
    late_reason = serializers.CharField(max_length=TEXT, required=False, allow_blank=True)
    held_on = serializers.DateField(required=False)
    attendees = serializers.ListField(child=AttendeeSerializer(), required=False, max_length=LIST)
    outcome = serializers.ChoiceField(choices=ConferenceOutcome.choices, required=False)
    category = serializers.ChoiceField(
        choices=PlanCategory.choices, required=False, allow_blank=True
    )

    def validate_held_on(self, value: Any) -> Any:
        if value > timezone.localdate():
            raise serializers.ValidationError("A conference cannot be held in the future.")
        return value
