"""Database outages answer 503 with `Retry-After`, never a 500 page.

The API answers `{"detail": ...}` in JSON, pages a plain "service unavailable" page. Django turns
an exception raised inside any middleware (session loading, authentication) or view into a
response at that layer, through the 500 handler, before an outer middleware could catch it; so
the 500 handler is where every database error ends up, and `server_error` is it. The API's own
exception handler (mach.api.errors) answers the same for errors inside DRF views.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

DATABASE_ERRORS = (OperationalError, InterfaceError)
MESSAGE = "The service is unavailable for a moment. Nothing you saved has been lost; try again."


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


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler, answering 503 when the error is the database being unreachable."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return unavailable_response(request)
    return defaults.server_error(request)
