"""Web session limits: an inactivity time-out and an absolute limit since signing in.

Both are settings (`SESSION_IDLE_TIMEOUT`, `SESSION_ABSOLUTE_TIMEOUT`, seconds). A session past
either limit is ended before the request is handled; a page request then goes to the sign-in
page saying why. API requests authenticated by token carry no session and are not affected.
A deactivated user's sessions end at once because Django's backend refuses inactive users.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

SIGNED_IN_AT = "mach_signed_in_at"
SEEN_AT = "mach_seen_at"
# Recording activity writes the session; a minute's precision is plenty for a 30-minute limit.
SEEN_PRECISION = 60


@receiver(user_logged_in)
def _start_session_clock(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[SEEN_AT] = now


def session_expiry(session: Any, now: float) -> str:
    """'idle' or 'absolute' when the session is past a limit, else ''."""
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT, signed_in_at)
    if signed_in_at is None or seen_at is None:
        return ""
    if now - signed_in_at >= settings.SESSION_ABSOLUTE_TIMEOUT:
        return "absolute"
    if now - seen_at >= settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return ""


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            expired = session_expiry(request.session, now)
            if expired:
                logout(request)
                if not request.path.startswith("/api/"):
                    query = urlencode({"next": request.get_full_path(), "ended": expired})
                    return HttpResponseRedirect(f"{reverse('web:sign-in')}?{query}")
            elif now - request.session.get(SEEN_AT, 0) >= SEEN_PRECISION:
                request.session[SEEN_AT] = now
        return self.get_response(request)
