"""`/api/v1/children/{id}/` and its chronology: the child, siblings and household adults."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import chronology, selectors
from ..audit import log_child_access
from ..inputs import PersonSummarySerializer
from ..models import Person, User
from ..permissions import CHILD_READERS, roles
from ..representations import ReadableFieldsOnce, UtcDateTimeField


class RelatedPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="person.id")
    first_name = serializers.CharField(source="person.first_name")
    last_name = serializers.CharField(source="person.last_name")
    kind = serializers.CharField()
    description = serializers.CharField()


class ChildSerializer(PersonSummarySerializer):
    related_people = serializers.SerializerMethodField()

    class Meta(PersonSummarySerializer.Meta):
        fields = [
            *PersonSummarySerializer.Meta.fields,
            "ethnicity",
            "upn",
            "upn_unknown_reason",
            "disabilities",
            "school",
            "disability",
            "language_needs",
            "related_people",
            "merged_into",
        ]

    def get_related_people(self, child: Person) -> list[dict[str, Any]]:
        links = child.related_people.select_related("person").order_by("id")
        return RelatedPersonSerializer(links, many=True).data  # type: ignore[return-value]


class EntrySerializer(ReadableFieldsOnce, serializers.Serializer):
    at = UtcDateTimeField()
    kind = serializers.CharField()
    summary = serializers.CharField()
    record_id = serializers.IntegerField()
    state = serializers.CharField()
    person_ids = serializers.ListField(child=serializers.IntegerField())


def _child_for(request: Request, child_id: int) -> Person:
    user = request.user
    assert isinstance(user, User)
    child = get_object_or_404(selectors.children_visible_to(user), pk=child_id)
    log_child_access(user=user, child_ids=[child.pk], via=request.path)
    return child


class ChildDetailApi(APIView):
    permission_classes = [roles(*CHILD_READERS)]

    @extend_schema(
        operation_id="children_retrieve", summary="Read a child's record", responses=ChildSerializer
    )
    def get(self, request: Request, child_id: int) -> Response:
        return Response(ChildSerializer(_child_for(request, child_id)).data)


class ChildChronologyApi(APIView):
    permission_classes = [roles(*CHILD_READERS)]

    @extend_schema(
        operation_id="children_chronology",
        summary="Read a child's chronology",
        responses=EntrySerializer(many=True),
        description="Every event for the child, siblings and household adults, newest first.",
    )
    def get(self, request: Request, child_id: int) -> Response:
        child = _child_for(request, child_id)
        entries = chronology.entries_for(selectors.household_of(child))
        return Response(EntrySerializer(entries, many=True).data)
