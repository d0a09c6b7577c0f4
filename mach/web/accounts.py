"""Signing in and out, and the home page each role starts from."""

from __future__ import annotations

import logging
from typing import Any

from axes.helpers import get_client_username
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse

from ..models import Role, User
from ..permissions import CHILD_READERS
from .forms import Field

logger = logging.getLogger(__name__)
ENDED = {
    "idle": "You were signed out because you did nothing for a while. Sign in again to continue.",
    "absolute": "Your session reached its time limit. Sign in again to continue.",
}


class SignInView(auth_views.LoginView):
    template_name = "mach/sign_in.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form: AuthenticationForm = context["form"]
        username = Field(
            "username",
            "Username",
            value=form.data.get("username", ""),
            autocomplete="username",
            width="20",
        )
        password = Field("password", "Password", kind="password", autocomplete="current-password")
        summary = []
        if form.errors:
            message = (
                "Enter your username and password"
                if not (form.data.get("username") and form.data.get("password"))
                else "Enter a correct username and password"
            )
            username.error = message
            summary = [(username.anchor, message)]
        context.update(
            fields=[username, password],
            error_summary=summary,
            ended=ENDED.get(self.request.GET.get("ended", ""), ""),
        )
        return context


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        return HttpResponseRedirect(reverse("web:sign-in"))


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """The page django-axes shows instead of signing in, once a username is locked out."""
    logger.warning(
        "Sign-in locked out for username %r from %s",
        get_client_username(request, credentials),
        request.META.get("REMOTE_ADDR"),
    )
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "username": get_client_username(request, credentials) or "this username",
    }
    return render(request, "mach/locked_out.html", context, status=429)


def home(request: HttpRequest) -> HttpResponse:
    """Each role's starting page: the worklist for MACH roles, submissions for partners."""
    user = request.user
    if not (isinstance(user, User) and user.is_authenticated):
        return redirect("web:sign-in")
    if user.has_role(*CHILD_READERS):
        return redirect("web:worklist")
    if user.has_role(Role.PARTNER_AGENCY):
        return redirect("web:submissions")
    if user.has_role(Role.ADMIN):
        return redirect("admin:index")
    return redirect("web:sign-in")
