"""`/api/v1/contacts/`: partners and workers submit contacts; workers list and read them."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..audit import events_for, log_child_access
from ..models import (
    OPEN_STATES,
    AccessLog,
    Channel,
    Contact,
    ContactPerson,
    Kind,
    ParentalAwareness,
    Rag,
    Referral,
    Role,
    Source,
    State,
    Team,
    User,
)
from ..permissions import CHILD_READERS, CONTACT_SUBMITTERS, roles
from .idempotency import HEADER, idempotent
from .serializers import (
    MAX_PEOPLE,
    AdultInputSerializer,
    ChildInputSerializer,
)

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


class ContactPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="person.id")
    matched_existing = serializers.BooleanField()
    first_name = serializers.CharField(source="person.first_name")
    last_name = serializers.CharField(source="person.last_name")
    date_of_birth = serializers.DateField(source="person.date_of_birth", allow_null=True)
    nhs_number = serializers.CharField(source="person.nhs_number")
    relationship = serializers.CharField()


class ReferrerOutputSerializer(serializers.Serializer):
    name = serializers.CharField(source="referrer_name")
    organisation = serializers.CharField(source="referrer_organisation")
    role = serializers.CharField(source="referrer_role")
    phone = serializers.CharField(source="referrer_phone")
    email = serializers.CharField(source="referrer_email")


class ReferralSerializer(serializers.ModelSerializer):
    child = serializers.IntegerField(source="child_id")
    previous_referral_date = serializers.DateField(
        source="previous_referral.referral_date", allow_null=True, default=None
    )

    class Meta:
        model = Referral
        fields = ["id", "child", "referral_date", "is_rereferral", "previous_referral_date"]
        read_only_fields = fields


class ContactSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    overdue = serializers.SerializerMethodField()
    referral = serializers.SerializerMethodField()
    referrals = serializers.SerializerMethodField()
    referrer = ReferrerOutputSerializer(source="*")
    children = serializers.SerializerMethodField()
    adults = serializers.SerializerMethodField()
    team = serializers.SlugRelatedField(slug_field="slug", queryset=Team.objects.all())

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
        referrals = _referrals_of(contact)
        if not referrals:
            return None
        summary = dict(self._referral_serializer.to_representation(referrals[0]))
        previous = [r.previous_referral.referral_date for r in referrals if r.previous_referral]
        summary["is_rereferral"] = bool(previous)
        summary["previous_referral_date"] = max(previous).isoformat() if previous else None
        return summary

    @extend_schema_field(ReferralSerializer(many=True))
    def get_referrals(self, contact: Contact) -> list[dict[str, Any]]:
        return [
            self._referral_serializer.to_representation(referral)
            for referral in _referrals_of(contact)
        ]

    def get_overdue(self, contact: Contact) -> bool:
        return contact.is_open and contact.decision_due_at < timezone.now()

    @extend_schema_field(ContactPersonSerializer(many=True))
    def get_children(self, contact: Contact) -> list[dict[str, Any]]:
        return self._people(contact, Kind.CHILD)

    @extend_schema_field(ContactPersonSerializer(many=True))
    def get_adults(self, contact: Contact) -> list[dict[str, Any]]:
        return self._people(contact, Kind.ADULT)

    def _people(self, contact: Contact, role: str) -> list[dict[str, Any]]:
        return [
            self._person_serializer.to_representation(link)
            for link in _people_of(contact)
            if link.role == role
        ]


def _people_of(contact: Contact) -> list[ContactPerson]:
    """The contact's people, from where `selectors.with_people` loaded them: a plain list for a
    page of contacts, the related manager for one contact."""
    links = getattr(contact, selectors.PEOPLE_LIST, None)
    return list(contact.contact_people.all()) if links is None else links


def _referrals_of(contact: Contact) -> list[Referral]:
    referrals = getattr(contact, selectors.REFERRAL_LIST, None)
    return list(contact.referrals.all()) if referrals is None else referrals


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
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


class ContactStatusSerializer(serializers.ModelSerializer):
    """What a partner agency may see of its own submissions: their status, no child's data."""

    reference = serializers.CharField(read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "reference", "state", "received_at", "decision_due_at"]
        read_only_fields = fields


class ContactReceiptSerializer(ContactStatusSerializer):
    """A partner agency's 201: its contact's status and the children as it sent them. Nothing
    about existing records: record matching is the MACH's business (api.md)."""

    children = ChildInputSerializer(many=True, read_only=True)

    class Meta(ContactStatusSerializer.Meta):
        fields = [*ContactStatusSerializer.Meta.fields, "children"]
        read_only_fields = fields


def partner_receipt(status: dict[str, Any], children: list[dict[str, Any]]) -> dict[str, Any]:
    """The receipt from a contact's status fields (`ContactStatusSerializer`) and the children
    as the partner sent them (validated input)."""
    shape = ChildInputSerializer()
    return {
        **{name: status[name] for name in ContactStatusSerializer.Meta.fields},
        # Only the fields it sent: a representation would add a null for each optional one.
        "children": [
            {name: value for name, value in shape.to_representation(child).items() if name in child}
            for child in children
        ],
    }


class ContactFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=State.choices)
    rag = django_filters.ChoiceFilter(choices=Rag.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="overdue")
    team = django_filters.CharFilter(field_name="team__slug")

    class Meta:
        model = Contact
        fields = ["state", "rag", "overdue", "team"]

    def filter_overdue(
        self, queryset: QuerySet[Contact], name: str, value: bool
    ) -> QuerySet[Contact]:
        if value:
            return selectors.overdue(queryset, now=timezone.now())
        return queryset.exclude(state__in=OPEN_STATES, decision_due_at__lt=timezone.now())


class ContactPagination(CursorPagination):
    ordering = ("-received_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _child_ids(links: Any) -> list[int]:
    return [link.person_id for link in links if link.role == Kind.CHILD]


def _replayed(request: Request, body: Any) -> Any:
    """A replay shows what the original showed: a worker's is in the access log again; a
    partner's is rebuilt from what it sent, so a response stored before partners got receipts
    reveals no record match either."""
    user = request.user
    assert isinstance(user, User)
    if user.role == Role.PARTNER_AGENCY:
        # A replay carries the very body that was accepted: an object with its children.
        sent: Any = request.data
        children = ChildInputSerializer(data=sent["children"], many=True)
        return partner_receipt(
            body, children.validated_data if children.is_valid() else children.initial_data
        )
    log_child_access(
        user=user, child_ids=[child["id"] for child in body.get("children", [])], via=request.path
    )
    return body


def _serializer_for(user: User) -> type[serializers.Serializer]:
    return ContactStatusSerializer if user.role == Role.PARTNER_AGENCY else ContactSerializer


class ContactListCreateApi(APIView):
    """List the contacts you may see, or submit a new one."""

    filterset_class = ContactFilter

    def get_permissions(self) -> list[Any]:
        allowed = (
            CONTACT_SUBMITTERS
            if self.request.method == "POST"
            else (
                *CHILD_READERS,
                Role.PARTNER_AGENCY,
            )
        )
        return [roles(*allowed)()]

    @extend_schema(
        operation_id="contacts_list",
        parameters=[
            OpenApiParameter("state", str, enum=State.values),
            OpenApiParameter("rag", str, enum=Rag.values),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("team", str, description="team slug"),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int),
        ],
        responses=ContactSerializer(many=True),
        description=(
            "Newest first, cursor-paginated. Partner agencies get only their own organisation's "
            "submissions and only their status (id, reference, state, received_at, "
            "decision_due_at)."
        ),
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        filterset = ContactFilter(
            request.query_params, queryset=selectors.contacts_visible_to(user), request=request
        )
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        contacts = filterset.qs
        serializer_class = _serializer_for(user)
        if serializer_class is ContactSerializer:
            contacts = selectors.with_people(contacts, as_lists=True)
        paginator = ContactPagination()
        page: list[Contact] = paginator.paginate_queryset(contacts, request, view=self) or []
        if serializer_class is ContactSerializer:
            log_child_access(
                user=user,
                child_ids=[pid for contact in page for pid in _child_ids(_people_of(contact))],
                via=request.path,
            )
        return paginator.get_paginated_response(serializer_class(page, many=True).data)

    @extend_schema(
        operation_id="contacts_create",
        request=ContactInputSerializer,
        responses={
            201: PolymorphicProxySerializer(
                component_name="ContactCreated",
                serializers=[ContactSerializer, ContactReceiptSerializer],
                resource_type_field_name=None,
            )
        },
        description=(
            "MACH users get the contact with each child's person id and `matched_existing`. "
            "A partner agency gets a receipt: the contact's id, reference, state, received_at "
            "and decision_due_at, and the children as it sent them, nothing about existing "
            "records."
        ),
        parameters=[
            OpenApiParameter(
                HEADER,
                str,
                OpenApiParameter.HEADER,
                description=(
                    "A replay with the same key and body returns the original response and "
                    "creates nothing; the same key with another body gets 409."
                ),
            )
        ],
    )
    @idempotent(on_replay=_replayed)
    def post(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        payload = ContactInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        contact = contact_create_from_input(
            actor=user, data=payload.validated_data, via=request.path
        )
        if user.role == Role.PARTNER_AGENCY:
            status = ContactStatusSerializer(contact).data
            return Response(partner_receipt(status, payload.validated_data["children"]), status=201)
        # The contact comes back with its people loaded: shown as a fresh read would show it.
        return Response(ContactSerializer(contact).data, status=201)


class ContactDetailApi(APIView):
    """One contact, with its events timeline; partners get its status only."""

    permission_classes = [roles(*CHILD_READERS, Role.PARTNER_AGENCY)]

    @extend_schema(operation_id="contacts_retrieve", responses=ContactDetailSerializer)
    def get(self, request: Request, contact_id: int) -> Response:
        user = request.user
        assert isinstance(user, User)
        contacts = selectors.contacts_visible_to(user)
        if user.role == Role.PARTNER_AGENCY:
            return Response(
                ContactStatusSerializer(get_object_or_404(contacts, pk=contact_id)).data
            )
        return Response(ContactDetailSerializer(shown_contact(request, contact_id)).data)


def shown_contact(
    request: Request | HttpRequest, contact_id: int, action: str = AccessLog.Action.VIEW
) -> Contact:
    """The contact with its people, if the user may see it (else 404), with the showing of its
    children written to the access log. Every endpoint and page that shows a contact's details
    uses it."""
    user = request.user
    assert isinstance(user, User)
    contacts = selectors.with_people(selectors.contacts_visible_to(user))
    contact = get_object_or_404(contacts, pk=contact_id)
    links: list[ContactPerson] = list(contact.contact_people.all())
    log_child_access(user=user, child_ids=_child_ids(links), via=request.path, action=action)
    return contact
