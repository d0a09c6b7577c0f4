"""What every page shares: who may open it, the navigation, and the slots workflow apps fill.

`page(*roles)` guards a view: anonymous users go to the sign-in page, other roles get 403, and
the response is never cached (it shows children's data). Workflow apps add navigation items
(`register_navigation`) and panels on the contact page (`register_contact_panel`) in their
`AppConfig.ready()`, so the core never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from ..models import Contact, User

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


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    order: int


_navigation: dict[str, NavigationItem] = {}


def register_navigation(item: NavigationItem) -> None:
    _navigation[item.url_name] = item


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the navigation items the signed-in user may open."""
    user = request.user
    if not (isinstance(user, User) and user.is_active):
        return {"navigation_items": []}
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = sorted(
        (item for item in _navigation.values() if user.has_role(*item.roles)),
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


@dataclass(frozen=True)
class ContactPanel:
    """A section of the contact page: `context` returns what its template needs, or None to
    leave the section out for this contact and user."""

    template: str
    context: Callable[[HttpRequest, Contact], dict[str, Any] | None]
    order: int


_contact_panels: dict[str, ContactPanel] = {}


def register_contact_panel(panel: ContactPanel) -> None:
    _contact_panels[panel.template] = panel


def contact_panels(request: HttpRequest, contact: Contact) -> list[dict[str, Any]]:
    panels = []
    for panel in sorted(_contact_panels.values(), key=lambda panel: panel.order):
        context = panel.context(request, contact)
        if context is not None:
            panels.append({"template": panel.template, **context})
    return panels
