"""The role the service connects as: it does its work, and cannot rewrite, empty or unguard the
access log. These tests log in as that role to the test database, beside Django's connection."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from mach.dbroles import OWNER_ROLE, MissingRole, grant_app_privileges, role_url
from mach.models import AccessLog, Person, User
from tests.conftest import Api, app_login, contact_body, screening_body

pytestmark = pytest.mark.django_db(transaction=True)


def _app_login() -> dict[str, Any]:
    """The app role's login to the server and test database Django uses."""
    user, password = app_login()
    current = connection.settings_dict
    return {
        "host": current["HOST"] or None,
        "port": current["PORT"] or None,
        "dbname": current["NAME"],
        "user": user,
        "password": password or None,
    }


@pytest.fixture
def app_connection(transactional_db: None) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(**_app_login(), autocommit=True) as app:
        yield app


@pytest.fixture
def logged_child(social_worker: User, api_as: Api) -> Person:
    """A child whose intake wrote an access-log row, committed for the other connection."""
    response = api_as(social_worker).post("/api/v1/contacts/", contact_body(), format="json")
    assert response.status_code == 201
    return Person.objects.get(pk=response.json()["children"][0]["id"])


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE mach_accesslog SET via = 'nowhere'",
        "DELETE FROM mach_accesslog",
        "TRUNCATE mach_accesslog",
        "ALTER TABLE mach_accesslog DISABLE TRIGGER mach_access_log_append_only",
        "ALTER TABLE mach_accesslog DISABLE TRIGGER ALL",
        "DROP TRIGGER mach_access_log_append_only ON mach_accesslog",
        "SET session_replication_role = replica",
        "DROP TABLE mach_accesslog",
    ],
)
def test_the_app_role_cannot_change_empty_or_unguard_the_access_log(
    app_connection: psycopg.Connection[Any], logged_child: Person, statement: str
) -> None:
    rows = list(AccessLog.objects.values_list("id", "via"))

    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app_connection.execute(statement)

    assert list(AccessLog.objects.values_list("id", "via")) == rows != []


def test_the_app_role_reads_and_adds_to_the_access_log(
    app_connection: psycopg.Connection[Any], logged_child: Person, social_worker: User
) -> None:
    app_connection.execute(
        "INSERT INTO mach_accesslog (user_id, child_id, at, action, via, reason) "
        "VALUES (%s, %s, now(), 'view', 'test', '')",
        (social_worker.pk, logged_child.pk),
    )

    seen = app_connection.execute(
        "SELECT via FROM mach_accesslog WHERE child_id = %s ORDER BY id", (logged_child.pk,)
    )
    assert [via for (via,) in seen] == ["/api/v1/contacts/", "test"]


def test_the_app_role_owns_nothing_and_may_not_create_anything(
    app_connection: psycopg.Connection[Any],
) -> None:
    role = app_connection.execute(
        "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles "
        "WHERE rolname = current_user"
    ).fetchone()
    owned = app_connection.execute(
        "SELECT count(*) FROM pg_class WHERE relowner = "
        "(SELECT oid FROM pg_roles WHERE rolname = current_user)"
    ).fetchone()

    assert role == (False, False, False, False)
    assert owned == (0,)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        app_connection.execute("CREATE TABLE mach_shadow (id integer)")


@pytest.fixture
def django_as_app_role(transactional_db: None) -> Iterator[None]:
    """Django's own connection logged in as the app role, as the running service is."""
    login = _app_login()
    current = connection.settings_dict
    saved = current["USER"], current["PASSWORD"]
    connection.close()
    current["USER"], current["PASSWORD"] = login["user"], login["password"] or ""
    try:
        yield
    finally:
        connection.close()
        current["USER"], current["PASSWORD"] = saved


def test_the_service_records_screens_and_shows_a_contact_as_the_app_role(
    django_as_app_role: None, social_worker: User, manager: User, api_as: Api
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone() == (settings.DATABASE_APP_ROLE,)

    created = api_as(social_worker).post("/api/v1/contacts/", contact_body(), format="json")
    contact = created.json()
    screened = api_as(social_worker).post(
        f"/api/v1/contacts/{contact['id']}/screening/", screening_body(), format="json"
    )
    decided = api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "outcome": "assessment", "rationale": "Agreed."},
        format="json",
    )
    shown = api_as(social_worker).get(f"/api/v1/children/{contact['children'][0]['id']}/")

    assert [created.status_code, screened.status_code, decided.status_code] == [201, 201, 200]
    assert shown.status_code == 200
    assert AccessLog.objects.filter(child_id=contact["children"][0]["id"]).count() >= 3


def test_migrate_names_a_missing_app_role() -> None:
    with pytest.raises(MissingRole, match="no_such_role"):
        grant_app_privileges(connection, "no_such_role")


def _admin_url() -> str:
    """A superuser's URL: the launcher's, else a `DATABASE_URL` that names one."""
    return os.environ.get("DATABASE_ADMIN_URL") or os.environ["DATABASE_URL"]


def _owners(database_url: str) -> dict[str, str]:
    with psycopg.connect(**_login(database_url)) as db:
        rows = db.execute(
            "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
            "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'S') "
            "UNION ALL SELECT p.proname, pg_get_userbyid(p.proowner) FROM pg_proc p "
            "WHERE p.pronamespace = 'public'::regnamespace "
            "UNION ALL SELECT '(database)', pg_get_userbyid(datdba) FROM pg_database "
            "WHERE datname = current_database()"
        )
        return dict(rows.fetchall())


def _login(url: str, database: str | None = None) -> dict[str, Any]:
    parsed = dj_database_url.parse(url)
    return {
        "host": parsed["HOST"] or None,
        "port": parsed["PORT"] or None,
        "user": parsed["USER"],
        "password": parsed["PASSWORD"] or None,
        "dbname": database or parsed["NAME"],
        "autocommit": True,
    }


@pytest.fixture
def superusers_database() -> Iterator[str]:
    """A database a superuser created and filled, as `make run` left one before the roles:
    its URL, as the superuser."""
    name = f"{connection.settings_dict['NAME']}_roles"
    admin = _admin_url()
    with psycopg.connect(**_login(admin, database="postgres")) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(**_login(admin, database=name)) as db:
        db.execute(
            "CREATE TABLE records (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);"
            "CREATE SEQUENCE numbers;"
            "CREATE FUNCTION guard() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';"
        )
    try:
        yield urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(**_login(admin, database="postgres")) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_the_roles_take_over_a_database_a_superuser_created(superusers_database: str) -> None:
    owner_url = role_url(superusers_database, OWNER_ROLE)
    app_url = role_url(superusers_database, settings.DATABASE_APP_ROLE)

    for _twice in range(2):
        call_command(
            "create_db_roles", admin_url=_admin_url(), owner_url=owner_url, app_url=app_url
        )

    assert _owners(superusers_database) == {
        "(database)": OWNER_ROLE,
        "records": OWNER_ROLE,
        "records_id_seq": OWNER_ROLE,
        "numbers": OWNER_ROLE,
        "guard": OWNER_ROLE,
    }


def test_creating_the_roles_needs_a_superusers_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_ADMIN_URL", raising=False)

    with pytest.raises(CommandError, match="superuser"):
        call_command("create_db_roles")
