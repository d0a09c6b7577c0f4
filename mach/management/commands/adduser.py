"""`manage.py adduser USERNAME --role ROLE [--team TEAM] [--agency TYPE] [--manages TEAM ...]`:
prints the API token last."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mach.models import AgencyType, Role
from mach.services import user_create


class Command(BaseCommand):
    help = "Create a user with a role (and team) and print a new API token as the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--team", default="", help="team slug, created if new")
        parser.add_argument(
            "--manages",
            action="append",
            default=[],
            help="service_manager only: a team slug they manage (repeat for each; default --team)",
        )
        parser.add_argument(
            "--agency", default="", choices=["", *AgencyType.values], help="the team's agency type"
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--password", default="", help="for signing in to the web pages")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user, token = user_create(
                username=options["username"],
                role=options["role"],
                team_slug=options["team"],
                email=options["email"],
                password=options["password"],
                manages=options["manages"],
                agency=options["agency"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        team = f" in team {user.team.slug}" if user.team else ""
        self.stdout.write(f"Created {user.username} ({user.role}){team}. API token:")
        self.stdout.write(token)
