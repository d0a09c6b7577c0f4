"""Database outages answer 503 with `Retry-After`, never a 500 page.

The API answers `{"detail": ...}` in JSON, pages a plain "service unavailable" page. Django turns
an exception raised in any middleware (loading the session and the user reads the database
before a view runs) or view into a 500 response at that layer, so an outer middleware never
sees the exception itself; the `got_request_exception` signal, sent as it happens, marks the
request, and the outermost middleware replaces that response. This works with `DEBUG` on too,
where Django's 500 handler is bypassed. The API's exception handler (mach.api.errors) answers
the same for errors inside DRF views, which never reach the signal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

DATABASE_ERRORS = (OperationalError, InterfaceError)
MESSAGE = "The service is unavailable for a moment. Nothing you saved has been lost; try again."
_MARK = "_mach_database_unavailable"


def unavailable_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": MESSAGE}, status=503)
    else:
        # Rendered without the request: its context processors would read the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def _mark_database_outage(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        setattr(request, _MARK, True)


got_request_exception.connect(_mark_database_outage, dispatch_uid="mach.database_outage")


class DatabaseUnavailableMiddleware:
    """Outermost middleware: a response to a database error becomes a 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _MARK, False):
            return unavailable_response(request)
        return response
