"""A refused request is the service working: logged once, at INFO, never WARNING."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from mach.launch import service_commands
from mach.models import User
from tests.conftest import Api, contact_body
from tests.web.conftest import SignedIn, contact_form

pytestmark = pytest.mark.django_db


def _requests(api: Any, web: Any) -> dict[str, Callable[[], Any]]:
    return {
        "API 400": lambda: api.post("/api/v1/contacts/", contact_body(channel="x"), format="json"),
        "API 401": lambda: Client().get("/api/v1/contacts/"),
        "API 403": lambda: api.get("/api/v1/access-log/?child=1"),
        "API 404": lambda: api.get("/api/v1/children/abc/"),
        "page 400": lambda: web.post("/contacts/new/", contact_form(concerns="")),
        "page 404": lambda: web.get("/contacts/999/"),
    }


@pytest.mark.parametrize(
    "request_name", ["API 400", "API 401", "API 403", "API 404", "page 400", "page 404"]
)
def test_each_refused_request_is_logged_once_at_info(
    social_worker: User,
    api_as: Api,
    signed_in: SignedIn,
    caplog: pytest.LogCaptureFixture,
    request_name: str,
) -> None:
    send = _requests(api_as(social_worker), signed_in(social_worker))[request_name]
    caplog.set_level(logging.INFO)
    caplog.clear()

    status = send().status_code

    assert 400 <= status < 500
    lines = [(record.name, record.levelno) for record in caplog.records]
    assert lines == [("django.request", logging.INFO)]


def test_the_web_process_adds_no_second_line_per_request() -> None:
    assert "--access-logfile" not in service_commands(Path("beat-schedule"))["web"]
