"""Browser tests: Playwright for Python driving Debian's Chromium (found on PATH) against
pytest-django's live server, with axe-core from the npm registry checking accessibility.

Playwright's own browser download needs the internet and is never used.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from mach.models import User
from mach.services import user_create

pytestmark = pytest.mark.browser

BASE_DIR = Path(__file__).resolve().parents[2]
AXE = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "a long pass phrase for the browser"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
# What the machine's closed network would refuse anyway; without them Chromium keeps trying.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium package.")
    # Playwright's synchronous API keeps an event loop running in this thread, which Django's
    # ORM takes for async code; the tests' own database calls are ordinary synchronous ones.
    # The permission lasts only while this module's browser runs, so no other test (nor a
    # process a test starts) inherits it.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def page(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Page]:
    # bypass_csp lets the test inject axe-core; the pages themselves allow no inline script.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def person_with_role(transactional_db: None) -> Callable[..., User]:
    def make(username: str, role: str, team: str = "mach") -> User:
        user, _ = user_create(username=username, role=role, team_slug=team, password=PASSWORD)
        return user

    return make


def sign_in(page: Page, username: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def accessibility_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now (every rule axe runs by default)."""
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": violation["id"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]
