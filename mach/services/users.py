"""Users, roles and API tokens."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from ..audit import record_event
from ..models import Role, Team, User


def user_create(
    *, username: str, role: str, team_slug: str = "", email: str = "", password: str = ""
) -> tuple[User, str]:
    """Create a user with a role (and team) and return it with a new API token key."""
    if role not in Role.values:
        raise ValidationError({"role": f"Choose one of: {', '.join(Role.values)}."})
    with transaction.atomic(durable=True):
        team = None
        if team_slug:
            team, _ = Team.objects.get_or_create(
                slug=team_slug, defaults={"name": team_slug.replace("-", " ").title()}
            )
        if User.objects.filter(username=username).exists():
            raise ValidationError({"username": "A user with that username already exists."})
        user = User(username=username, role=role, team=team, email=email)
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        token = Token.objects.create(user=user)
        record_event(actor=None, subject=user, action="user_created", data={"role": role})
    return user, token.key
