"""`Idempotency-Key` for create requests: a replay returns the original response and creates
nothing; the same key with a different body is refused with 409."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from .models import IdempotencyRecord, User

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200

# The header as every creating POST documents it.
PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description=(
        "A replay with the same key and body returns the original response and "
        "creates nothing; the same key with another body gets 409."
    ),
)

Handler = Callable[[Any, Request], Response]


class KeyReused(exceptions.APIException):
    # Here rather than `mach.api.errors.Conflict`: apps use this module and may not import
    # mach.api; the error shape is the same.
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class _Refused(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _body_hash(request: Request) -> str:
    canonical = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent(
    on_replay: Callable[[Request, Any], Any] | None = None,
) -> Callable[[Handler], Handler]:
    """Wrap a view's `post`. The key is per user; only successful responses are kept, so a
    request refused with 400 may be corrected and sent again with the same key.

    `on_replay(request, body)` runs when a stored response is returned (e.g. to log access) and
    returns the body to send.
    """

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        def wrapper(view: Any, request: Request) -> Response:
            key = request.headers.get(HEADER, "")
            if not key:
                return handler(view, request)
            if len(key) > MAX_KEY_LENGTH:
                raise exceptions.ValidationError(
                    {HEADER: [f"Use at most {MAX_KEY_LENGTH} characters."]}
                )
            digest = _body_hash(request)
            user = request.user
            assert isinstance(user, User)
            try:
                with transaction.atomic():
                    try:
                        with transaction.atomic():
                            record = IdempotencyRecord.objects.create(
                                user=user,
                                key=key,
                                request_hash=digest,
                                response_status=0,
                                response_body={},
                            )
                    except IntegrityError:
                        return _replay(request, user, key, digest, on_replay)
                    response = handler(view, request)
                    if response.status_code >= 300:
                        raise _Refused(response)
                    record.response_status = response.status_code
                    record.response_body = json.loads(JSONRenderer().render(response.data))
                    record.save(update_fields=["response_status", "response_body"])
                    return response
            except _Refused as refused:
                return refused.response

        return wrapper

    return decorate


def _replay(
    request: Request,
    user: User,
    key: str,
    digest: str,
    on_replay: Callable[[Request, Any], Any] | None,
) -> Response:
    record = IdempotencyRecord.objects.get(user=user, key=key)
    if record.request_hash != digest:
        raise KeyReused(f"{HEADER} {key!r} was already used with a different request body.")
    body = record.response_body
    if on_replay is not None:
        body = on_replay(request, body)
    return Response(
        body,
        status=record.response_status,
        headers={"Idempotent-Replayed": "true"},
    )
