"""What every page shares: who may open it, the navigation, and the slots workflow apps fill.

`page(*roles)` guards a view: anonymous users go to the sign-in page, other roles get 403, and
the response is never cached (it shows children's data). Workflow apps add navigation items
and panels on the contact and child pages through `mach.workflows` in their
`AppConfig.ready()`, so the core never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from rest_framework import serializers

from .. import workflows
from ..models import Contact, Person, User
from ..workflows import ChildPanel, ContactPanel, RecordPanel
from .forms import Field, bind, run_form

View = TypeVar("View", bound=Callable[..., HttpResponse])


def page(*roles: str) -> Callable[[View], View]:
    """Admit signed-in, active users holding one of `roles`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (isinstance(user, User) and user.has_role(*roles)):
                raise PermissionDenied("Your role does not allow this page.")
            response = view(request, *args, **kwargs)
            add_never_cache_headers(response)
            return response

        return guarded  # type: ignore[return-value]

    return decorate


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request that `page` admitted."""
    assert isinstance(request.user, User)
    return request.user


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the navigation items the signed-in user may open."""
    user = request.user
    if not (isinstance(user, User) and user.is_active):
        return {"navigation_items": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = sorted(
        (item for item in workflows.navigation_items.values() if user.has_role(*item.roles)),
        key=lambda item: item.order,
    )
    return {
        "navigation_items": [
            {
                "label": item.label,
                "href": reverse(item.url_name),
                "current": item.url_name == current,
            }
            for item in items
        ]
    }


def contact_panels(request: HttpRequest, contact: Contact) -> list[dict[str, Any]]:
    return _panels(workflows.contact_panels.values(), request, contact)


def child_panels(request: HttpRequest, child: Person) -> list[dict[str, Any]]:
    return _panels(workflows.child_panels.values(), request, child)


def record_panels(request: HttpRequest, place: str, record: Any) -> list[dict[str, Any]]:
    """The panels other apps registered for the pages of `place` (`workflows.RecordPanel`)."""
    registered = [panel for panel in workflows.record_panels.values() if panel.place == place]
    return _panels(registered, request, record)


def _panels(
    registered: Iterable[ContactPanel | ChildPanel | RecordPanel],
    request: HttpRequest,
    record: Any,
) -> list[dict[str, Any]]:
    panels = []
    for panel in sorted(registered, key=lambda panel: panel.order):
        context = panel.context(request, record)
        if context is not None:
            panels.append({"template": panel.template, **context})
    return panels


@dataclass
class FormPage:
    """A page with one small form: what it asks, how its answers are checked (the API's
    serializer), and where the user goes next. `intro` is a template shown above the form."""

    title: str
    caption: str
    questions: Sequence[Field]
    serializer: type[serializers.Serializer]
    submit: str
    done: str
    back_url: str
    intro: str = ""
    context: dict[str, Any] = field(default_factory=dict)


def form_page(
    request: HttpRequest, form: FormPage, act: Callable[[dict[str, Any]], object]
) -> HttpResponse:
    """Show the form; on POST run `act` with the validated answers, then go back with
    `form.done` as a success message, or show the form again with the errors (400)."""
    posted = request.POST if request.method == "POST" else None
    fields = bind(form.questions, posted)
    summary: list[tuple[str, str]] = []
    if posted is not None:
        summary = run_form(fields, posted, form.serializer, act)
        if not summary:
            messages.success(request, form.done)
            return HttpResponseRedirect(form.back_url)
    return render(
        request,
        "mach/form_page.html",
        {"form": form, "fields": fields, "error_summary": summary, **form.context},
        status=400 if summary else 200,
    )
