"""Users, roles and API tokens."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from ..audit import record_event
from ..models import AgencyType, Role, Team, User


def user_create(
    *,
    username: str,
    role: str,
    team_slug: str = "",
    email: str = "",
    password: str = "",
    manages: Sequence[str] = (),
    agency: str = "",
) -> tuple[User, str]:
    """Create a user with a role (and team) and return it with a new API token key.

    A service manager manages the teams named in `manages` (slugs, created if new), or else
    their own team; only a service manager manages teams. `agency` records the agency type of
    a partner's organisation (its team)."""
    if role not in Role.values:
        raise ValidationError({"role": f"Choose one of: {', '.join(Role.values)}."})
    if agency and agency not in AgencyType.values:
        raise ValidationError({"agency": f"Choose one of: {', '.join(AgencyType.values)}."})
    if agency and not team_slug:
        raise ValidationError({"agency": "An agency type belongs to a team: name the team."})
    if manages and role != Role.SERVICE_MANAGER:
        raise ValidationError({"manages": "Only a service manager manages teams."})
    with transaction.atomic(durable=True):
        team = _team(team_slug) if team_slug else None
        if team is not None and agency and team.agency != agency:
            team.agency = agency
            team.save(update_fields=["agency"])
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
        if role == Role.SERVICE_MANAGER:
            slugs = list(manages) or ([team_slug] if team_slug else [])
            user.managed_teams.set([_team(slug) for slug in slugs])
        token = Token.objects.create(user=user)
        record_event(actor=None, subject=user, action="user_created", data={"role": role})
    return user, token.key


def _team(slug: str) -> Team:
    team, _ = Team.objects.get_or_create(
        slug=slug, defaults={"name": slug.replace("-", " ").title()}
    )
    return team
