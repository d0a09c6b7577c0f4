"""`manage.py adduser` creates a user with a role and prints a working token last."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from mach.models import User

pytestmark = pytest.mark.django_db


def test_adduser_prints_a_token_that_authenticates() -> None:
    out = StringIO()

    call_command(
        "adduser", "pc.jones", "--role", "partner_agency", "--team", "cleveland-police", stdout=out
    )

    token = out.getvalue().strip().splitlines()[-1]
    user = User.objects.get(username="pc.jones")
    assert (user.role, user.team.slug if user.team else None) == (
        "partner_agency",
        "cleveland-police",
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/contacts/").status_code == 200


def test_adduser_refuses_an_unknown_role() -> None:
    with pytest.raises(CommandError):
        call_command("adduser", "someone", "--role", "wizard", stdout=StringIO())


def test_adduser_refuses_a_taken_username() -> None:
    call_command("adduser", "sam", "--role", "social_worker", stdout=StringIO())

    with pytest.raises(CommandError, match="already exists"):
        call_command("adduser", "sam", "--role", "manager", stdout=StringIO())
