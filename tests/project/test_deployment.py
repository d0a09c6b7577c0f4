"""The production shape: docker-compose.yml, `check --deploy` and the OpenAPI schema."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

BASE_DIR = Path(__file__).resolve().parents[2]


def test_compose_describes_postgres_redis_web_and_worker_replicas_and_one_beat() -> None:
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]

    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "beat"}
    assert "noeviction" in services["redis"]["command"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["web"]["deploy"]["replicas"] >= 2
    assert services["worker"]["deploy"]["replicas"] >= 2
    assert "beat" in services["beat"]["command"]
    assert "worker" in services["worker"]["command"]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert environment["DEBUG"] == "0"
        assert set(services[name]["depends_on"]) == {"postgres", "redis", "migrate"}


def _user(url: str) -> str:
    """The URL's user, once compose has put in the `${PASSWORD:?...}` variables."""
    return urlsplit(re.sub(r"\$\{[^}]*\}", "secret", url)).username or ""


def test_compose_migrates_as_the_owner_and_runs_as_the_app_role() -> None:
    services = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]
    migrate = services["migrate"]

    superuser = services["postgres"]["environment"]["POSTGRES_USER"]
    assert _user(migrate["environment"]["DATABASE_ADMIN_URL"]) == superuser
    assert _user(migrate["environment"]["DATABASE_OWNER_URL"]) == "mach_owner"
    assert _user(migrate["environment"]["DATABASE_APP_URL"]) == "mach_app"
    assert migrate["environment"]["DATABASE_URL"] == migrate["environment"]["DATABASE_OWNER_URL"]
    assert "create_db_roles" in migrate["command"] and "migrate" in migrate["command"]
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["environment"]["DATABASE_URL"] == migrate["environment"]["DATABASE_APP_URL"]
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "migrate" not in " ".join(service["command"])


def test_production_settings_pass_check_deploy() -> None:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x7#kQ2!vR9$mZ4@pL8^wN3&bT6*yH1%cJ5(dF0)gS-eA+uV_iO=oE]rW[qY}tU{",
        "ALLOWED_HOSTS": "mach.example.org",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _api_paths(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    paths = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            paths += _api_paths(pattern.url_patterns, route)
        elif route.startswith("api/v1/"):
            paths.append("/" + route.replace("<int:", "{").replace(">", "}"))
    return paths


@pytest.mark.django_db
def test_every_endpoint_is_in_the_openapi_schema() -> None:
    response = APIClient().get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    assert set(_api_paths(get_resolver().url_patterns)) == set(schema["paths"])


def test_schema_generates_without_warnings() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            os.devnull,
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_api_docs_are_served_without_the_internet() -> None:
    page = APIClient().get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html
