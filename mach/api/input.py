"""What every request must be before a view reads it: JSON no deeper than a sane nesting, no
control character in any value, a URL and cursor of a sane length.

PostgreSQL cannot store a NUL in text (psycopg raises, which was a 500), and the other C0
control characters are never typed by a person: they come from fuzzers, broken exports or
attempts to smuggle text past a log or a CSV reader. Tab, line feed and carriage return stay
allowed, as free-text concerns are typed on several lines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

from ..control_characters import (
    CONTROL_CHARACTER,
    CONTROL_CHARACTER_MESSAGE,
    control_character_errors,
)
from ..unavailable import DATABASE_ERRORS, unavailable_response
from .throttling import rate_refusal

MAX_JSON_DEPTH = 32
MAX_URL_LENGTH = 2048
MAX_CURSOR_LENGTH = 512
API_PREFIX = "/api/"

# A JSON string with its escapes: brackets inside one are text, not nesting.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether `text` nests arrays and objects deeper than `limit`, found by counting brackets
    outside strings, without recursion: Python's parser would raise RecursionError first."""
    depth = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > limit:
            return True
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing deep nesting and control characters with 400."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as error:
            raise ParseError(f"JSON parse error - {error}") from error
        if json_depth_exceeds(text, MAX_JSON_DEPTH):
            raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels is refused.")
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from error
        if errors := control_character_errors(data):
            raise ValidationError(errors)
        return data


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _refusal(request: HttpRequest) -> HttpResponse | None:
    if len(request.get_full_path()) > MAX_URL_LENGTH:
        return JsonResponse(
            {"detail": f"The address is longer than {MAX_URL_LENGTH} characters."}, status=414
        )
    for name, values in request.GET.lists():
        if CONTROL_CHARACTER.search(name) or any(CONTROL_CHARACTER.search(v) for v in values):
            return JsonResponse({name: [CONTROL_CHARACTER_MESSAGE]}, status=400)
    if len(request.GET.get("cursor", "")) > MAX_CURSOR_LENGTH:
        return JsonResponse({"cursor": ["This cursor is not one the API gave."]}, status=400)
    return None


class ApiRequestMiddleware:
    """For `/api/`: refuses an over-long URL or cursor and control characters in the query
    string with a JSON 4xx before any view or database query, then a source address or a
    token's user over its rate (429); marks every response `Cache-Control: no-store`, since
    most carry a child's data and none may be kept by a proxy or a browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            refusal = _refusal(request) or rate_refusal(request)
        except DATABASE_ERRORS:  # reading the token: answered here as DRF's views answer it
            refusal = unavailable_response(request)
        response = refusal or self.get_response(request)
        add_never_cache_headers(response)
        return response
