"""Signing in and out with the same users and roles as the API."""

from __future__ import annotations

import pytest
from django.test import Client

from mach.models import Role
from mach.services import user_create
from tests.web.conftest import summary_links

pytestmark = pytest.mark.django_db
PASSWORD = "a long pass phrase for tests"


@pytest.fixture
def worker_with_password() -> str:
    user_create(username="sam", role=Role.SOCIAL_WORKER, team_slug="mach", password=PASSWORD)
    return "sam"


def test_signing_in_with_the_right_password_opens_the_worklist(worker_with_password: str) -> None:
    response = Client().post(
        "/sign-in/", {"username": worker_with_password, "password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/worklist/"
    assert b'<h1 class="govuk-heading-l">Worklist</h1>' in response.content


def test_a_wrong_password_is_shown_in_the_error_summary(worker_with_password: str) -> None:
    response = Client().post("/sign-in/", {"username": worker_with_password, "password": "no"})

    assert response.status_code == 200
    assert summary_links(response.content.decode()) == [
        ("username", "Enter a correct username and password")
    ]
    assert "_auth_user_id" not in response.client.session


def test_a_page_asks_an_anonymous_visitor_to_sign_in() -> None:
    response = Client().get("/worklist/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/worklist/"


def test_signing_out_ends_the_session(worker_with_password: str) -> None:
    client = Client()
    client.post("/sign-in/", {"username": worker_with_password, "password": PASSWORD})

    response = client.post("/sign-out/", follow=True)

    assert b"You have signed out." in response.content
    assert client.get("/worklist/").status_code == 302


def test_signing_in_needs_the_csrf_token(worker_with_password: str) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/sign-in/", {"username": worker_with_password, "password": PASSWORD})

    assert response.status_code == 403
