"""The database roles: an owner that runs migrations, and the role the service connects as.

The service's role owns nothing and may only read and write rows: on the access log only
`SELECT` and `INSERT`, so neither a bug nor an attacker with the service's connection can
rewrite, empty or unguard the log (`TRUNCATE`, `ALTER TABLE ... DISABLE TRIGGER` and
`session_replication_role` need the owner or a superuser). The owner owns the database and every
table and runs `migrate`; after every migration the grants below are applied again, so a new
table is readable and writable by the service and the access log never is more than that.

`ensure_roles` creates both roles and the database with a superuser's connection (the launcher
for its embedded server, `manage.py create_db_roles` for operators). Neither module needs Django
settings, so the launcher can use it before any process starts.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

OWNER_ROLE = "mach_owner"
APP_ROLE = "mach_app"
ACCESS_LOG_TABLE = "mach_accesslog"
# Tables only Django's migrate writes: the service reads them.
READ_ONLY_TABLES = ("django_migrations", ACCESS_LOG_TABLE)


class MissingRole(Exception):
    """The role the service connects as does not exist: nothing could be granted to it."""


def role_url(url: str, role: str, password: str = "") -> str:
    """`url` with its user (and password) replaced: the same server and database."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    user = quote(role, safe="") + (f":{quote(password, safe='')}" if password else "")
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


def _user_and_password(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return unquote(parts.username or ""), unquote(parts.password or "")


def _database_of(url: str) -> str:
    return unquote(urlsplit(url).path.lstrip("/"))


def _connect(url: str, database: str | None = None) -> Any:
    """A psycopg autocommit connection; the database in the URL, or `database`. A socket
    folder may be the URL's host, percent-encoded, as the launcher writes it."""
    import psycopg

    # Not `hostname`: it lowercases, and a socket folder's name need not be lower case.
    host, _, port = urlsplit(url).netloc.rpartition("@")[2].rpartition(":")
    if not host or "]" in port:
        host, port = f"{host}:{port}" if host else port, ""
    host = host.removeprefix("[").removesuffix("]")
    user, password = _user_and_password(url)
    return psycopg.connect(
        host=unquote(host) or None,
        port=port or None,
        user=user or None,
        password=password or None,
        dbname=database or _database_of(url) or "postgres",
        autocommit=True,
    )


def ensure_roles(admin_url: str, *, owner_url: str, app_url: str) -> None:
    """Create or correct the owner and app roles named (with any password) in `owner_url` and
    `app_url`, and the database named in `owner_url`, owned by the owner; hand the owner every
    table, sequence and function already in it (a database first created by a superuser).
    Idempotent. `admin_url` names a superuser; psycopg's errors pass through (a role that may
    not create roles gets `InsufficientPrivilege`)."""
    from psycopg import sql

    owner, owner_password = _user_and_password(owner_url)
    app, app_password = _user_and_password(app_url)
    database = _database_of(owner_url)
    with _connect(admin_url, database="postgres") as server:
        for role, password, attributes in (
            (owner, owner_password, "LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION"),
            (app, app_password, "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"),
        ):
            exists = server.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
            verb = "ALTER" if exists.fetchone() else "CREATE"
            statement = sql.SQL(f"{verb} ROLE {{}} {attributes}").format(sql.Identifier(role))
            if password:
                statement += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
            server.execute(statement)
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,))
        template = (
            "ALTER DATABASE {} OWNER TO {}" if exists.fetchone() else "CREATE DATABASE {} OWNER {}"
        )
        server.execute(sql.SQL(template).format(sql.Identifier(database), sql.Identifier(owner)))
    with _connect(admin_url, database=database) as db:
        db.execute(sql.SQL(HAND_OVER).format(owner=sql.Literal(owner)))
        db.execute(
            sql.SQL(
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC; ALTER SCHEMA public OWNER TO {}"
            ).format(sql.Identifier(owner))
        )


# Every table, view, free-standing sequence and function in `public` to the owner. A sequence
# behind an identity column follows its table and cannot be handed over on its own.
HAND_OVER = """
DO $$
DECLARE
    target oid := (SELECT oid FROM pg_roles WHERE rolname = {owner});
    item record;
BEGIN
    FOR item IN
        SELECT format('ALTER %s %s OWNER TO %I',
                      CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                     WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                      c.oid::regclass, {owner}) AS command
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relowner <> target
          AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND NOT (c.relkind = 'S' AND EXISTS (
              SELECT 1 FROM pg_depend d
              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                AND d.deptype IN ('a', 'i')))
    LOOP
        EXECUTE item.command;
    END LOOP;
    FOR item IN
        SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, {owner}) AS command
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.proowner <> target
    LOOP
        EXECUTE item.command;
    END LOOP;
END
$$;
"""


def grant_app_privileges(connection: Any, app_role: str) -> None:
    """As the owner, on Django's `connection`: the service's role may read and write the rows of
    every table in `public` and use their sequences, but only read and add to the access log
    and only read the migration history; no `TRUNCATE`, `REFERENCES` or `TRIGGER` anywhere.
    Raises `MissingRole` when `app_role` does not exist."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role])
        if cursor.fetchone() is None:
            raise MissingRole(
                f"The database role {app_role!r} that the service connects as does not exist, "
                "so migrate cannot grant it anything. Create the roles with `python manage.py "
                "create_db_roles --admin-url postgres://SUPERUSER@HOST/DB` (README, "
                "Production), or name an existing role in DATABASE_APP_ROLE."
            )
        app = connection.ops.quote_name(app_role)
        cursor.execute(
            f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {app};"
            f"GRANT USAGE ON SCHEMA public TO {app};"
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app};"
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app};"
        )
        for table in READ_ONLY_TABLES:
            cursor.execute(
                f"REVOKE INSERT, UPDATE, DELETE ON {connection.ops.quote_name(table)} FROM {app}"
            )
        cursor.execute(f"GRANT INSERT ON {connection.ops.quote_name(ACCESS_LOG_TABLE)} TO {app}")
