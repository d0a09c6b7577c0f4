"""`manage.py create_db_roles`: the owner and app roles and the database, with a superuser."""

from __future__ import annotations

import os
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mach.dbroles import OWNER_ROLE, ensure_roles, role_url


class Command(BaseCommand):
    help = (
        "Create (or correct) the database owner role that runs migrate, the role the service "
        "connects as, and the database owned by the owner. Idempotent. Run it once with a "
        "superuser's URL, then migrate as the owner."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--admin-url",
            default=os.environ.get("DATABASE_ADMIN_URL", ""),
            help="a superuser's URL (default: DATABASE_ADMIN_URL)",
        )
        parser.add_argument(
            "--owner-url",
            default=os.environ.get("DATABASE_OWNER_URL", ""),
            help="the owner's URL with its password and the database "
            f"(default: DATABASE_OWNER_URL, else {OWNER_ROLE} on the admin URL's server)",
        )
        parser.add_argument(
            "--app-url",
            default=os.environ.get("DATABASE_APP_URL", ""),
            help="the service's URL with its password (default: DATABASE_APP_URL, else "
            "DATABASE_APP_ROLE on the owner URL's server)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        admin_url = options["admin_url"]
        if not admin_url:
            raise CommandError("Give a superuser's URL: --admin-url or DATABASE_ADMIN_URL.")
        owner_url = options["owner_url"] or role_url(admin_url, OWNER_ROLE)
        app_url = options["app_url"] or role_url(owner_url, settings.DATABASE_APP_ROLE)
        try:
            ensure_roles(admin_url, owner_url=owner_url, app_url=app_url)
        except psycopg.Error as error:
            raise CommandError(f"Could not create the database roles: {error}") from error
        self.stdout.write("Database roles ready: migrate as the owner, run as the app role.")
