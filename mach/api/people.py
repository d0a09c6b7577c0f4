"""`/api/v1/match-proposals/` and `/api/v1/person-merges/`: deciding whether two records are
one person, and undoing a merge that was wrong."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services
from ..audit import log_child_access
from ..inputs import AddressSerializer, ReasonSerializer, address_of
from ..models import Kind, MatchProposal, Person, PersonMerge, User
from ..openapi import page_of
from ..permissions import CHILD_READERS, MACH_WORKERS, MANAGERS, roles
from ..representations import UtcDateTimeField
from .oversight import NewestFirst


def _username() -> serializers.SlugRelatedField[User]:
    """A user shown by username: who decided, merged or undid."""
    return serializers.SlugRelatedField(slug_field="username", read_only=True)


class MatchPersonSerializer(serializers.ModelSerializer):
    """What a worker needs to judge whether two records are one person."""

    class Meta:
        model = Person
        fields = [
            "id",
            "kind",
            "first_name",
            "last_name",
            "date_of_birth",
            "postcode",
            "nhs_number",
            "merged_into",
        ]
        read_only_fields = fields


class ProposedPersonSerializer(MatchPersonSerializer):
    """One side of a match proposal: what tells two records apart (record number, address,
    the NHS number's last 3 digits, when it was last in a contact)."""

    nhs_number = serializers.CharField(source="masked_nhs_number", read_only=True)
    address = serializers.SerializerMethodField()
    last_contact_at = serializers.SerializerMethodField()

    class Meta(MatchPersonSerializer.Meta):
        fields = [*MatchPersonSerializer.Meta.fields, "address", "last_contact_at"]
        read_only_fields = fields

    @extend_schema_field(AddressSerializer)
    def get_address(self, person: Person) -> dict[str, str]:
        return address_of(person)

    @extend_schema_field(UtcDateTimeField(allow_null=True))
    def get_last_contact_at(self, person: Person) -> str | None:
        last = self.context["last_contact_at"]
        return None if last is None else UtcDateTimeField().to_representation(last)


class MatchProposalSerializer(serializers.ModelSerializer):
    person = serializers.SerializerMethodField()
    candidate = serializers.SerializerMethodField()
    state = serializers.CharField(source="status", read_only=True)
    decided_by = _username()

    class Meta:
        model = MatchProposal
        fields = [
            "id",
            "person",
            "candidate",
            "reason",
            "state",
            "created_at",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ProposedPersonSerializer)
    def get_person(self, proposal: MatchProposal) -> dict[str, Any]:
        last = getattr(proposal, "person_last_contact_at", None)
        return ProposedPersonSerializer(proposal.person, context={"last_contact_at": last}).data

    @extend_schema_field(ProposedPersonSerializer)
    def get_candidate(self, proposal: MatchProposal) -> dict[str, Any]:
        last = getattr(proposal, "candidate_last_contact_at", None)
        return ProposedPersonSerializer(proposal.candidate, context={"last_contact_at": last}).data


class MovedRowsSerializer(serializers.Serializer):
    model = serializers.CharField()
    field = serializers.CharField()
    ids = serializers.ListField(child=serializers.IntegerField())


class PersonMergeSerializer(serializers.ModelSerializer):
    duplicate = MatchPersonSerializer(read_only=True)
    kept = MatchPersonSerializer(read_only=True)
    moved_rows = MovedRowsSerializer(source="moved.relations", many=True, read_only=True)
    filled_fields = serializers.SerializerMethodField()
    undone = serializers.BooleanField(source="is_undone", read_only=True)
    merged_by = _username()
    undone_by = _username()

    class Meta:
        model = PersonMerge
        fields = [
            "id",
            "duplicate",
            "kept",
            "proposal",
            "reason",
            "moved_rows",
            "filled_fields",
            "merged_by",
            "merged_at",
            "undone",
            "undone_by",
            "undone_at",
            "undo_reason",
        ]
        read_only_fields = fields

    def get_filled_fields(self, merge: PersonMerge) -> list[str]:
        """The kept record's identifying fields the merge filled in from the duplicate."""
        return sorted(merge.moved["kept_fields"])


class MatchProposalQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=MatchProposal.Status.choices, required=False)
    person = serializers.IntegerField(min_value=1, required=False)


class OldestFirst(NewestFirst):
    # A queue of decisions to make: the longest-waiting proposal comes first.
    ordering = ("created_at", "id")


def _user(request: Request) -> User:
    assert isinstance(request.user, User)
    return request.user


def _reason(request: Request) -> str:
    payload = ReasonSerializer(data=request.data)
    payload.is_valid(raise_exception=True)
    reason: str = payload.validated_data["reason"]
    return reason


def _log_children_shown(request: Request, people: Iterable[Person]) -> None:
    log_child_access(
        user=_user(request),
        child_ids=[person.pk for person in people if person.kind == Kind.CHILD],
        via=request.path,
    )


def _merge_response(merge: PersonMerge) -> Response:
    # Read back with its people, so the response shows the records as the change left them.
    return Response(PersonMergeSerializer(selectors.person_merges().get(pk=merge.pk)).data)


class MatchProposalListApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="match_proposals_list",
        summary="List proposed record matches",
        parameters=[
            OpenApiParameter("state", str, enum=MatchProposal.Status.values),
            OpenApiParameter("person", int, description="proposals naming this person"),
            OpenApiParameter("cursor", str),
            OpenApiParameter("page_size", int),
        ],
        responses=page_of(MatchProposalSerializer(many=True), "MatchProposalPage"),
        description=(
            "Weaker matches found at intake, oldest first, each with both records. A proposal "
            "whose records have since been merged into others is not listed while it cannot "
            "be decided."
        ),
    )
    def get(self, request: Request) -> Response:
        query = MatchProposalQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        proposals = selectors.match_proposals(
            state=query.validated_data.get("state"), person_id=query.validated_data.get("person")
        )
        paginator = OldestFirst()
        page: list[MatchProposal] = paginator.paginate_queryset(proposals, request, view=self) or []
        _log_children_shown(
            request,
            [person for proposal in page for person in (proposal.person, proposal.candidate)],
        )
        return paginator.get_paginated_response(MatchProposalSerializer(page, many=True).data)


class MatchProposalConfirmApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="match_proposals_confirm",
        summary="Confirm a proposed match (merge the records)",
        request=ReasonSerializer,
        responses={200: PersonMergeSerializer},
        description=(
            "The two records are one person: the proposal's person (the newer record) is merged "
            "into its candidate, which is kept. 400 names `kind` for a child and an adult and "
            "`nhs_number` for two different NHS numbers; 409 when the proposal was already "
            "decided or either record was already merged."
        ),
    )
    def post(self, request: Request, proposal_id: int) -> Response:
        reason = _reason(request)
        proposal = get_object_or_404(MatchProposal, pk=proposal_id)
        merge = services.match_proposal_confirm(
            actor=_user(request), proposal=proposal, reason=reason, via=request.path
        )
        return _merge_response(merge)


class MatchProposalRejectApi(APIView):
    permission_classes = [roles(*MACH_WORKERS)]

    @extend_schema(
        operation_id="match_proposals_reject",
        summary="Reject a proposed match",
        request=ReasonSerializer,
        responses={200: MatchProposalSerializer},
        description="The two records are different people; 409 when already decided.",
    )
    def post(self, request: Request, proposal_id: int) -> Response:
        reason = _reason(request)
        proposal = get_object_or_404(MatchProposal, pk=proposal_id)
        services.match_proposal_reject(actor=_user(request), proposal=proposal, reason=reason)
        proposal = selectors.match_proposals().get(pk=proposal.pk)
        _log_children_shown(request, (proposal.person, proposal.candidate))
        return Response(MatchProposalSerializer(proposal).data)


class PersonMergeDetailApi(APIView):
    permission_classes = [roles(*CHILD_READERS)]

    @extend_schema(
        operation_id="person_merges_retrieve",
        summary="Read a merge of two records",
        responses=PersonMergeSerializer,
    )
    def get(self, request: Request, merge_id: int) -> Response:
        merge = get_object_or_404(selectors.person_merges(), pk=merge_id)
        _log_children_shown(request, (merge.duplicate, merge.kept))
        return Response(PersonMergeSerializer(merge).data)


class PersonMergeUndoApi(APIView):
    permission_classes = [roles(*MANAGERS)]

    @extend_schema(
        operation_id="person_merges_undo",
        summary="Undo a merge",
        request=ReasonSerializer,
        responses={200: PersonMergeSerializer},
        description=(
            "Move back exactly the rows the merge moved and restore the fields it filled in; "
            "the proposal it confirmed becomes rejected. 409 when already undone, or when the "
            "kept record has since been merged into another (undo that merge first)."
        ),
    )
    def post(self, request: Request, merge_id: int) -> Response:
        reason = _reason(request)
        merge = get_object_or_404(PersonMerge, pk=merge_id)
        services.person_merge_undo(
            actor=_user(request), merge=merge, reason=reason, via=request.path
        )
        return _merge_response(merge)
