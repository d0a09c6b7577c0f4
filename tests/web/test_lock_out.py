"""Repeated failed sign-ins lock the username out (django-axes), logged and shown to admins."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client

from mach.models import Role, User
from mach.services import user_create

pytestmark = pytest.mark.django_db
PASSWORD = "a long pass phrase for tests"


@pytest.fixture
def sam(settings: Any) -> str:
    settings.AXES_FAILURE_LIMIT = 3
    user_create(username="sam", role=Role.SOCIAL_WORKER, team_slug="mach", password=PASSWORD)
    return "sam"


def _sign_in(client: Client, username: str, password: str, path: str = "/sign-in/") -> Any:
    return client.post(path, {"username": username, "password": password})


def test_repeated_failures_lock_the_username_out_even_with_the_right_password(
    sam: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    for _ in range(2):
        assert _sign_in(client, sam, "wrong").status_code == 200

    with caplog.at_level(logging.WARNING):
        locked = _sign_in(client, sam, "wrong")
    after = _sign_in(Client(), sam, PASSWORD)

    assert locked.status_code == 429
    assert b'<h1 class="govuk-heading-l">Your account is locked</h1>' in locked.content
    assert b"locked for 30 minutes" in locked.content
    assert after.status_code == 429
    assert "_auth_user_id" not in after.client.session
    assert "Sign-in locked out for username 'sam'" in caplog.text
    # The right password tried while locked out counts as one more failure.
    assert AccessAttempt.objects.get(username=sam).failures_since_start == 4
    assert AccessFailureLog.objects.filter(username=sam, locked_out=True).exists()


def test_signing_in_before_the_limit_starts_the_count_again(sam: str) -> None:
    client = Client()
    for _ in range(2):
        _sign_in(client, sam, "wrong")

    assert _sign_in(client, sam, PASSWORD).status_code == 302
    assert _sign_in(Client(), sam, "wrong").status_code == 200
    assert _sign_in(Client(), sam, PASSWORD).status_code == 302


def test_the_admin_sign_in_locks_out_too(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    user_create(username="root", role=Role.ADMIN, team_slug="", password=PASSWORD)

    for _ in range(2):
        _sign_in(Client(), "root", "wrong", path="/admin/login/?next=/admin/")
    response = _sign_in(Client(), "root", PASSWORD, path="/admin/login/?next=/admin/")

    assert response.status_code == 429
    assert b"Your account is locked" in response.content


def test_administrators_see_the_lock_outs(sam: str) -> None:
    for _ in range(3):
        _sign_in(Client(), sam, "wrong")
    admin, _ = user_create(username="root", role=Role.ADMIN, team_slug="", password=PASSWORD)
    client = Client()
    client.force_login(admin)

    attempts = client.get("/admin/axes/accessattempt/")
    failures = client.get("/admin/axes/accessfailurelog/")

    assert attempts.status_code == 200
    assert b">sam<" in attempts.content
    assert failures.status_code == 200
    assert b">sam<" in failures.content


def test_a_locked_out_username_keeps_its_api_token(sam: str) -> None:
    for _ in range(3):
        _sign_in(Client(), sam, "wrong")
    token = User.objects.get(username=sam).auth_token.key

    response = Client().get("/api/v1/contacts/", HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 200


def test_an_address_trying_many_usernames_is_locked_out_whatever_it_forwards(sam: str) -> None:
    for number in range(3):
        Client().post(
            "/sign-in/",
            {"username": f"guess{number}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )

    response = _sign_in(Client(), sam, PASSWORD)

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
