"""The OpenAPI schema as the API really answers: pages, error responses, open object shapes;
and the pages and `state` filter of the workflows' lists, documented as they answer."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "description": "Why the request was refused.",
}
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Each offending field (nested as in the body, list items by position) with its "
        'messages; `{"detail": "..."}` when the body could not be read at all.'
    ),
    "additionalProperties": True,
}
# What any operation may answer besides its own success, and when.
STANDARD_ERRORS: dict[str, tuple[str, str]] = {
    "400": ("FieldErrors", "Bad input: each offending field (or query parameter) named."),
    "401": ("Error", "No valid token or session."),
    "403": ("Error", "The user's role does not allow this."),
    "404": ("Error", "No such record, or not one this user may see."),
    "414": ("Error", "The address is too long."),
    "429": ("Error", "Too many requests from this token or address: see Retry-After."),
    "503": ("Error", "The service cannot reach its database: try again shortly."),
}
WRITE_ERRORS: dict[str, tuple[str, str]] = {
    "409": ("Error", "The record's state no longer allows this, or a reused Idempotency-Key."),
    "413": ("Error", "The body is too large."),
    "415": ("Error", "The body is not JSON."),
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "description": "Seconds to wait before trying again.",
    }
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's, describing values it misses: a read-only choice that its model
    field leaves blank is its choices or `""` (DRF drops `allow_blank` from read-only fields,
    yet a contact's RAG is `""` until screening), and a read-only field over a nullable model
    field, or whose default is None, is nullable."""

    def _map_serializer_field(
        self, field: serializers.Field, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        model_field = _model_field(field) if field.read_only else None
        if (
            isinstance(field, serializers.ChoiceField)
            and not field.allow_blank
            and getattr(model_field, "blank", False)
        ):
            blank_allowed = copy.copy(field)
            blank_allowed.allow_blank = True
            field = blank_allowed
        # `source="decided_by.username", default=None`, or a declared related field over a
        # nullable foreign key, shows null until someone decides.
        if not field.allow_null and (field.default is None or getattr(model_field, "null", False)):
            null_allowed = copy.copy(field)
            null_allowed.allow_null = True
            field = null_allowed
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        return schema

    def get_summary(self) -> str | None:
        """The operation's own summary (`extend_schema(summary=...)`), else its id in words
        (`contacts_screening_create`: "Contacts screening create"), so that every operation
        has a line in the docs' list and in generated clients."""
        summary: str | None = super().get_summary()
        return summary or self.get_operation_id().replace("_", " ").capitalize()


def _model_field(field: serializers.Field) -> Any:
    """The model field a serializer field shows directly, if any."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return None
    try:
        return model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None


class Pages(CursorPagination):
    """A workflow list's pages; a subclass names its `ordering`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


LIST_PARAMETERS = [OpenApiParameter("cursor", str), OpenApiParameter("page_size", int)]


def state_filter(request: Request, records: QuerySet[Any], states: list[str]) -> QuerySet[Any]:
    """`records` in the `?state=` asked for (api.md: every list is filterable by state); a
    state not among `states` is a 400 naming the parameter."""
    state = request.query_params.get("state")
    if state:
        if state not in states:
            raise serializers.ValidationError({"state": f"Choose one of {states}."})
        records = records.filter(state=state)
    return records


def page_of(results: serializers.BaseSerializer, name: str) -> serializers.Serializer:
    """A cursor-paginated page of `results` (a `many=True` serializer), as DRF's
    CursorPagination answers a list."""
    return inline_serializer(
        name=name,
        fields={
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": results,
        },
    )


def document_errors(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular post-processing hook: every operation documents the errors it can
    answer, and `oneOf` without a discriminator becomes `anyOf`, since the shapes it joins
    are open objects that a fuller one also matches."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["FieldErrors"] = FIELD_ERRORS
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            errors = dict(STANDARD_ERRORS)
            if method in {"post", "put", "patch"}:
                errors |= WRITE_ERRORS
            responses = operation.setdefault("responses", {})
            for status, (component, description) in errors.items():
                response = {
                    "description": description,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"#/components/schemas/{component}"}
                        }
                    },
                }
                if status == "429":
                    response["headers"] = RETRY_AFTER
                responses.setdefault(status, response)
    _any_of_without_discriminator(result)
    return result


def _any_of_without_discriminator(node: Any) -> None:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "oneOf" in item and "discriminator" not in item:
                item["anyOf"] = item.pop("oneOf")
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
