"""How the core shows a contact: one shape for its own API and for the workflow apps' APIs
that answer with the contact after a change."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from . import selectors
from .audit import events_for
from .models import Contact, ContactPerson, Kind, Referral, Team
from .models.contacts import ContactQuerySet


class UtcDateTimeField(serializers.DateTimeField):
    """A time shown in UTC (`Z`), whichever zone is active: DRF would show the active zone's
    offset (Europe/London's `+01:00` in summer beside `Z` in winter), so one response could mix
    offsets. Input is read as DRF reads it (a time without offset is London's)."""

    def to_representation(self, value: datetime) -> str:
        if isinstance(value, datetime) and timezone.is_aware(value) and self._iso_8601:
            return utc_iso(value)
        with timezone.override(UTC):
            return super().to_representation(value)

    @cached_property
    def _iso_8601(self) -> bool:
        output = getattr(self, "format", api_settings.DATETIME_FORMAT)
        return isinstance(output, str) and output.lower() == ISO_8601


def utc_iso(value: datetime) -> str:
    """An aware time as `UtcDateTimeField` shows it: what DRF gives under
    `timezone.override(UTC)`, without switching the active zone (a context-local write and its
    undoing) for every time in a response."""
    return value.astimezone(UTC).isoformat().removesuffix("+00:00") + "Z"


class ReadableFieldsOnce:
    """A serializer whose readable fields are listed once per instance, not filtered again for
    every object it shows: a list serializer shares one child across its page, so on a page of
    contacts (each with a referrer, people and referrals) DRF's filter ran a thousand times."""

    fields: Any

    @cached_property
    def _readable_fields(self) -> list[serializers.Field]:
        return [field for field in self.fields.values() if not field.write_only]


class ContactPersonSerializer(ReadableFieldsOnce, serializers.Serializer):
    id = serializers.IntegerField(source="person.id")
    matched_existing = serializers.BooleanField()
    first_name = serializers.CharField(source="person.first_name")
    last_name = serializers.CharField(source="person.last_name")
    date_of_birth = serializers.DateField(source="person.date_of_birth", allow_null=True)
    nhs_number = serializers.CharField(source="person.nhs_number")
    relationship = serializers.CharField()


class ReferrerOutputSerializer(ReadableFieldsOnce, serializers.Serializer):
    name = serializers.CharField(source="referrer_name")
    organisation = serializers.CharField(source="referrer_organisation")
    role = serializers.CharField(source="referrer_role")
    phone = serializers.CharField(source="referrer_phone")
    email = serializers.CharField(source="referrer_email")


class ReferralSerializer(ReadableFieldsOnce, serializers.ModelSerializer):
    child = serializers.IntegerField(source="child_id")
    previous_referral_date = serializers.DateField(
        source="previous_referral.referral_date", allow_null=True, default=None
    )

    class Meta:
        model = Referral
        fields = ["id", "child", "referral_date", "is_rereferral", "previous_referral_date"]
        read_only_fields = fields


class OpenCaseSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="the kind of open record, e.g. `assessment`")
    record_id = serializers.IntegerField(help_text="the open record's id")
    allocated_worker_id = serializers.IntegerField(
        allow_null=True, help_text="the worker it is allocated to; null: the team's"
    )


class ContactSerializer(ReadableFieldsOnce, serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    overdue = serializers.SerializerMethodField()
    referral = serializers.SerializerMethodField()
    referrals = serializers.SerializerMethodField()
    referrer = ReferrerOutputSerializer(source="*")
    children = serializers.SerializerMethodField()
    adults = serializers.SerializerMethodField()
    team = serializers.SlugRelatedField(slug_field="slug", queryset=Team.objects.all())
    open_case = serializers.SerializerMethodField(
        help_text="set when a child of the contact has an open case: the contact is routed "
        "to the case's team (`team`) and worker as information on it, and its decision makes "
        "no new referral for that child"
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "reference",
            "state",
            "received_at",
            "decision_due_at",
            "overdue",
            "channel",
            "source",
            "referrer",
            "children",
            "adults",
            "concerns",
            "parental_awareness",
            "parental_awareness_reason",
            "immediate_safety_concern",
            "rag",
            "outcome",
            "team",
            "referral",
            "referrals",
            "open_case",
            "created_at",
        ]
        read_only_fields = fields

    # One nested serializer of each kind per ContactSerializer, and a list serializer shares one
    # child across its page: their fields are built once per page, not once per contact, which
    # took half the CPU time of a page of 50.
    @cached_property
    def _person_serializer(self) -> ContactPersonSerializer:
        return ContactPersonSerializer()

    @cached_property
    def _referral_serializer(self) -> ReferralSerializer:
        return ReferralSerializer()

    @extend_schema_field(ReferralSerializer(allow_null=True))
    def get_referral(self, contact: Contact) -> dict[str, Any] | None:
        """The contact's referral (api.md): the first child's; `is_rereferral` when any child's
        referral is a re-referral, with the latest previous referral date among them."""
        return _referral_summary(self.get_referrals(contact))

    @extend_schema_field(ReferralSerializer(many=True))
    def get_referrals(self, contact: Contact) -> list[dict[str, Any]]:
        return [
            self._referral_serializer.to_representation(referral)
            for referral in _referrals_of(contact)
        ]

    @extend_schema_field(OpenCaseSerializer(allow_null=True))
    def get_open_case(self, contact: Contact) -> dict[str, Any] | None:
        if not contact.on_open_case:
            return None
        return {
            "kind": contact.open_case_kind,
            "record_id": contact.open_case_record_id,
            "allocated_worker_id": contact.allocated_worker_id,
        }

    def get_overdue(self, contact: Contact) -> bool:
        return contact.is_overdue()

    @extend_schema_field(ContactPersonSerializer(many=True))
    def get_children(self, contact: Contact) -> list[dict[str, Any]]:
        return self._people(contact, Kind.CHILD)

    @extend_schema_field(ContactPersonSerializer(many=True))
    def get_adults(self, contact: Contact) -> list[dict[str, Any]]:
        return self._people(contact, Kind.ADULT)

    def _people(self, contact: Contact, role: str) -> list[dict[str, Any]]:
        return [
            self._person_serializer.to_representation(link)
            for link in people_of(contact)
            if link.role == role
        ]


def people_of(contact: Contact) -> list[ContactPerson]:
    """The contact's people, from where `selectors.with_people` loaded them: a plain list for a
    page of contacts, the related manager for one contact."""
    links = getattr(contact, selectors.PEOPLE_LIST, None)
    return list(contact.contact_people.all()) if links is None else links


def _referrals_of(contact: Contact) -> list[Referral]:
    referrals = getattr(contact, selectors.REFERRAL_LIST, None)
    return list(contact.referrals.all()) if referrals is None else referrals


def _referral_summary(referrals: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The contact's referral from its referrals as shown (`ReferralSerializer`)."""
    if not referrals:
        return None
    # ISO dates sort as the dates do: the latest is the greatest string.
    previous = [r["previous_referral_date"] for r in referrals if r["previous_referral_date"]]
    return {
        **referrals[0],
        "is_rereferral": bool(previous),
        "previous_referral_date": max(previous, default=None),
    }


# A list of contacts reads rows, not instances: what `ContactSerializer` shows, by column. For a
# page of 50 (each with its people, their persons and referrals, 400 instances), building the
# instances and showing them field by field through DRF took most of the page's CPU time. A
# field added to `ContactSerializer` is added here too: tests/mach/test_contact_list.py holds
# a listed contact to its own read, byte for byte.
_CONTACT_COLUMNS = (
    "id",
    "state",
    "received_at",
    "decision_due_at",
    "overdue",
    "channel",
    "source",
    "referrer_name",
    "referrer_organisation",
    "referrer_role",
    "referrer_phone",
    "referrer_email",
    "concerns",
    "parental_awareness",
    "parental_awareness_reason",
    "immediate_safety_concern",
    "rag",
    "outcome",
    "team__slug",
    "open_case_kind",
    "open_case_record_id",
    "allocated_worker_id",
    "created_at",
)
_PERSON_COLUMNS = (
    "contact_id",
    "role",
    "person_id",
    "matched_existing",
    "person__first_name",
    "person__last_name",
    "person__date_of_birth",
    "person__nhs_number",
    "relationship",
)
_REFERRAL_COLUMNS = (
    "contact_id",
    "id",
    "child_id",
    "referral_date",
    "is_rereferral",
    "previous_referral__referral_date",
)


def contact_rows(contacts: ContactQuerySet) -> QuerySet[Contact, dict[str, Any]]:
    """The contacts as rows of what a list shows of each: paginate them, then show a page with
    `contacts_shown`."""
    return contacts.with_overdue(timezone.now()).values(*_CONTACT_COLUMNS)


def contacts_shown(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page of `contact_rows` as `ContactSerializer` shows each contact, its people and
    referrals read in two queries more (none for an empty page)."""
    if not rows:
        return []
    ids = [row["id"] for row in rows]
    people: dict[int, list[dict[str, Any]]] = defaultdict(list)
    links = ContactPerson.objects.filter(contact_id__any_of=ids).order_by("position", "id")
    for link in links.values(*_PERSON_COLUMNS):
        people[link["contact_id"]].append(link)
    referrals: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for referral in (
        Referral.objects.filter(contact_id__any_of=ids).order_by("id").values(*_REFERRAL_COLUMNS)
    ):
        referrals[referral["contact_id"]].append(_referral_shown(referral))
    return [_contact_shown(row, people[row["id"]], referrals[row["id"]]) for row in rows]


def _contact_shown(
    row: dict[str, Any], people: list[dict[str, Any]], referrals: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "id": row["id"],
        "reference": Contact.reference_of(row["id"]),
        "state": row["state"],
        "received_at": utc_iso(row["received_at"]),
        "decision_due_at": utc_iso(row["decision_due_at"]),
        "overdue": row["overdue"],
        "channel": row["channel"],
        "source": row["source"],
        "referrer": {
            "name": row["referrer_name"],
            "organisation": row["referrer_organisation"],
            "role": row["referrer_role"],
            "phone": row["referrer_phone"],
            "email": row["referrer_email"],
        },
        "children": [_person_shown(link) for link in people if link["role"] == Kind.CHILD],
        "adults": [_person_shown(link) for link in people if link["role"] == Kind.ADULT],
        "concerns": row["concerns"],
        "parental_awareness": row["parental_awareness"],
        "parental_awareness_reason": row["parental_awareness_reason"],
        "immediate_safety_concern": row["immediate_safety_concern"],
        "rag": row["rag"],
        "outcome": row["outcome"],
        "team": row["team__slug"],
        "referral": _referral_summary(referrals),
        "referrals": referrals,
        "open_case": {
            "kind": row["open_case_kind"],
            "record_id": row["open_case_record_id"],
            "allocated_worker_id": row["allocated_worker_id"],
        }
        if row["open_case_kind"]
        else None,
        "created_at": utc_iso(row["created_at"]),
    }


def _person_shown(link: dict[str, Any]) -> dict[str, Any]:
    """As `ContactPersonSerializer` shows a contact's person."""
    born = link["person__date_of_birth"]
    return {
        "id": link["person_id"],
        "matched_existing": link["matched_existing"],
        "first_name": link["person__first_name"],
        "last_name": link["person__last_name"],
        "date_of_birth": None if born is None else born.isoformat(),
        "nhs_number": link["person__nhs_number"],
        "relationship": link["relationship"],
    }


def _referral_shown(referral: dict[str, Any]) -> dict[str, Any]:
    """As `ReferralSerializer` shows a referral."""
    previous = referral["previous_referral__referral_date"]
    return {
        "id": referral["id"],
        "child": referral["child_id"],
        "referral_date": referral["referral_date"].isoformat(),
        "is_rereferral": referral["is_rereferral"],
        "previous_referral_date": None if previous is None else previous.isoformat(),
    }


class EventSerializer(serializers.Serializer):
    at = UtcDateTimeField()
    actor = serializers.CharField(source="actor.username", default="system")
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()


class ContactDetailSerializer(ContactSerializer):
    events = serializers.SerializerMethodField()

    class Meta(ContactSerializer.Meta):
        fields = [*ContactSerializer.Meta.fields, "events"]
        read_only_fields = fields

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, contact: Contact) -> list[dict[str, Any]]:
        return EventSerializer(events_for(contact), many=True).data  # type: ignore[return-value]
