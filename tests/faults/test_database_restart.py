"""PostgreSQL stopped and started again under a running web service: 503 in JSON (and a plain
503 page) while it is down, every request answered normally once it is back."""

from __future__ import annotations

import http.cookiejar
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pgserver
import pytest
from pgserver._commands import pg_ctl

from mach.launch import BASE_DIR, as_owner, database_roles
from tests.faults.conftest import Services, running_services

pytestmark = pytest.mark.faults
PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def own_postgres(tmp_path: Path) -> Iterator[pgserver.PostgresServer]:
    """A PostgreSQL of this test alone (restarting it disturbs nothing else)."""
    server = pgserver.get_server(tmp_path / "postgres", cleanup_mode="delete")
    try:
        yield server
    finally:
        server.cleanup()


def _database_urls(server: pgserver.PostgresServer) -> dict[str, str]:
    """The roles and database set up as the launcher does: the owner's URL for `migrate`, the
    service's own role for the web processes (DATABASE_OWNER_URL, DATABASE_APP_URL)."""
    info = server.get_postmaster_info()
    admin = f"postgresql://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/mach"
    urls = database_roles(admin)
    del urls["DATABASE_ADMIN_URL"]
    return urls


def _manage(services: Services, *arguments: str) -> str:
    """A management command as the database's owner, as the launcher runs `migrate`."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=as_owner(services.env),
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    ).stdout


class Browser:
    """Signs in and opens pages with a session cookie, as a practitioner's browser does."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def open(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        """Status, body and Retry-After of one page."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(f"{self.base}{path}", data=data, timeout=30) as response:
                return response.status, response.read().decode(), ""
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers.get("Retry-After", "")

    def sign_in(self, username: str, password: str) -> None:
        _status, page, _retry = self.open("/sign-in/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match is not None
        form = {"csrfmiddlewaretoken": match[1], "username": username, "password": password}
        status, page, _retry = self.open("/sign-in/", form)
        assert status == 200 and "Sign out" in page, page[:500]


def test_postgresql_restarted_503_while_down_and_no_error_after(
    tmp_path: Path, own_postgres: pgserver.PostgresServer
) -> None:
    server = own_postgres
    urls = _database_urls(server)
    with running_services(tmp_path, urls["DATABASE_APP_URL"]) as services:
        services.env.update(urls)
        _manage(services, "migrate", "--noinput")
        token = _manage(
            services,
            "adduser",
            "sam.worker",
            "--role",
            "social_worker",
            "--team",
            "mach",
            "--password",
            PASSWORD,
        ).split()[-1]
        services.start_web(workers=2)
        browser = Browser(services.web_url)
        browser.sign_in("sam.worker", PASSWORD)

        def api_statuses(count: int) -> list[int]:
            return [services.api("GET", "/api/v1/contacts/", token)[0] for _ in range(count)]

        def restart_postgres(between: Callable[[], None] = lambda: None) -> None:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
            between()
            server.ensure_postgres_running()

        # Every web process holds an open database connection (kept for CONN_MAX_AGE) that a
        # quick restart kills without the process noticing.
        assert api_statuses(6) == [200] * 6
        assert browser.open("/worklist/")[0] == 200
        restart_postgres()
        after_quick_restart = api_statuses(6)
        pages_after_quick_restart = [browser.open("/worklist/")[0] for _ in range(2)]

        down: list[tuple[int, dict[str, Any], dict[str, str], float]] = []
        pages_down: list[tuple[int, str, str]] = []

        def while_down() -> None:
            down.extend(services.api("GET", "/api/v1/contacts/", token) for _ in range(4))
            pages_down.append(browser.open("/worklist/"))

        restart_postgres(between=while_down)
        after = api_statuses(6)
        pages_after = [browser.open("/worklist/")[0] for _ in range(2)]

    # No request fails on a connection the restart killed.
    assert after_quick_restart == [200] * 6
    assert pages_after_quick_restart == [200] * 2
    assert [status for status, *_rest in down] == [503] * 4
    for _status, body, headers, _seconds in down:
        assert headers["Content-Type"] == "application/json"
        assert body["detail"].startswith("The service is unavailable")
        assert int(headers["Retry-After"]) > 0
    ((page_status, page, page_retry),) = pages_down
    assert page_status == 503
    assert "Sorry, the service is unavailable" in page
    assert int(page_retry) > 0
    assert after == [200] * 6
    assert pages_after == [200] * 2
