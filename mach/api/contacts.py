"""`/api/v1/contacts/`: partners and workers submit contacts; workers list and read them."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors
from ..audit import log_child_access, read_contact_and_log_access
from ..idempotency import PARAMETER as IDEMPOTENCY_KEY
from ..idempotency import idempotent
from ..inputs import ChildInputSerializer, ContactInputSerializer, contact_create_from_input
from ..models import (
    Contact,
    Rag,
    Role,
    State,
    User,
)
from ..models.contacts import ContactQuerySet
from ..openapi import page_of
from ..permissions import CHILD_READERS, CONTACT_SUBMITTERS, roles
from ..representations import (
    ContactDetailSerializer,
    ContactSerializer,
    contact_rows,
    contacts_shown,
)


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


# Only read (`to_representation` keeps nothing): their fields are built once, not per receipt.
_STATUS_SHAPE = ContactStatusSerializer()
_CHILD_SHAPE = ChildInputSerializer()


def partner_receipt(status: dict[str, Any], children: list[dict[str, Any]]) -> dict[str, Any]:
    """The receipt from a contact's status fields (`ContactStatusSerializer`) and the children
    as the partner sent them (validated input)."""
    return {
        **{name: status[name] for name in ContactStatusSerializer.Meta.fields},
        # Only the fields it sent: a representation would add a null for each optional one.
        "children": [
            {
                name: value
                for name, value in _CHILD_SHAPE.to_representation(child).items()
                if name in child
            }
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

    def filter_overdue(self, queryset: ContactQuerySet, name: str, value: bool) -> ContactQuerySet:
        now = timezone.now()
        return queryset.overdue(now) if value else queryset.not_overdue(now)


class ContactPagination(CursorPagination):
    ordering = ("-received_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


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
        summary="List contacts",
        parameters=[
            OpenApiParameter("state", str, enum=State.values),
            OpenApiParameter("rag", str, enum=Rag.values),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("team", str, description="team slug"),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int),
        ],
        responses=page_of(
            PolymorphicProxySerializer(
                component_name="ContactOrStatus",
                serializers=[ContactSerializer, ContactStatusSerializer],
                resource_type_field_name=None,
                many=True,
            ),
            "ContactPage",
        ),
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
        paginator = ContactPagination()
        if user.role == Role.PARTNER_AGENCY:
            page: list[Contact] = (
                paginator.paginate_queryset(filterset.qs, request, view=self) or []
            )
            return paginator.get_paginated_response(ContactStatusSerializer(page, many=True).data)
        rows = paginator.paginate_queryset(contact_rows(filterset.qs), request, view=self) or []
        shown = contacts_shown(rows)
        log_child_access(
            user=user,
            child_ids=[child["id"] for contact in shown for child in contact["children"]],
            via=request.path,
        )
        return paginator.get_paginated_response(shown)

    @extend_schema(
        operation_id="contacts_create",
        summary="Submit a contact",
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
        parameters=[IDEMPOTENCY_KEY],
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
            status = _STATUS_SHAPE.to_representation(contact)
            return Response(partner_receipt(status, payload.validated_data["children"]), status=201)
        # The contact comes back with its people loaded: shown as a fresh read would show it.
        return Response(ContactSerializer(contact).data, status=201)


class ContactDetailApi(APIView):
    """One contact, with its events timeline; partners get its status only."""

    permission_classes = [roles(*CHILD_READERS, Role.PARTNER_AGENCY)]

    @extend_schema(
        operation_id="contacts_retrieve",
        summary="Read a contact and its timeline",
        responses=ContactDetailSerializer,
    )
    def get(self, request: Request, contact_id: int) -> Response:
        user = request.user
        assert isinstance(user, User)
        contacts = selectors.contacts_visible_to(user)
        if user.role == Role.PARTNER_AGENCY:
            return Response(
                ContactStatusSerializer(get_object_or_404(contacts, pk=contact_id)).data
            )
        return Response(
            ContactDetailSerializer(read_contact_and_log_access(request, contact_id)).data
        )
