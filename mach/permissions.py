"""Deny by default: every API view names the roles that may use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .models import Role, User


class DenyAll(BasePermission):
    """The project-wide default, so a view that forgets its roles is closed, not open."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return False


def roles(*allowed: str) -> type[BasePermission]:
    """A permission class admitting active, authenticated users holding one of `allowed`."""

    class HasRole(BasePermission):
        message = "Your role does not allow this."

        def has_permission(self, request: Request, view: Any) -> bool:
            user = request.user
            return isinstance(user, User) and user.has_role(*allowed)

    HasRole.__name__ = "HasRole_" + "_".join(allowed)
    return HasRole


# A service manager may do everything a manager may (api.md), so every manager's right names both.
MANAGERS = (Role.MANAGER, Role.SERVICE_MANAGER)
MACH_WORKERS = (Role.SOCIAL_WORKER, *MANAGERS)
CONTACT_SUBMITTERS = (*MACH_WORKERS, Role.EDT_WORKER, Role.PARTNER_AGENCY)
CHILD_READERS = (*MACH_WORKERS, Role.EDT_WORKER, Role.AUDITOR)


def transition_permission(
    predicate: Callable[[Any, User], bool],
) -> Callable[[models.Model, Any], bool]:
    """A who-may predicate in the form django-fsm's `permission=` takes, so that the service,
    the transition and the pages share the one rule (`has_transition_perm` reads it)."""

    def permitted(record: models.Model, user: Any) -> bool:
        return isinstance(user, User) and predicate(record, user)

    return permitted
