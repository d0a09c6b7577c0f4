"""Benchmark: intake throughput over HTTP against the floor of plain SQL writing the same rows
(`floor.py`), list and worklist latency, the sweep, and matching at its worst, with 100,000
contacts (and their screenings, referrals and assessments) loaded, and a profile of one intake.

    DATABASE_URL=... REDIS_URL=... python bench/contacts.py [--contacts 100000] [--posts 3000]

Runs against a separate database (the configured one with `_bench` appended), which it drops
and recreates, so it never touches real data. The server is gunicorn with the production
settings (DEBUG off; `--debug` for the development settings), static files collected to a
scratch folder. Prints a JSON report and writes it to bench/results/. Timings are the machine's
own; nothing here is asserted, except that every request got the status it should.

The data is synthetic but shaped like a council's (see `synthetic.py`): varied names, birth
dates and postcodes, 30% of contacts naming a child already on record. `worst_case_matching`
measures intake when thousands of children share a family name and a birth date.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import floor
import machine
import synthetic

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

PASSWORD = "bench-password-" + secrets.token_hex(8)
WARM_UP_LOADS = 20


def bench_database_url(suffix: str = "_bench") -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/") or "mach"
    return urlunsplit(parts._replace(path=f"/{name}{suffix}"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def admin_database_url(suffix: str) -> str:
    """The configured database's name with `suffix` appended, named through the superuser's URL
    where `mach.launch` made the roles: only it may create a database."""
    parts = urlsplit(os.environ.get("DATABASE_ADMIN_URL") or os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/") or "mach"
    return urlunsplit(parts._replace(path=f"/{name}{suffix}"))


def set_up_in_process_on_fresh_database(url: str) -> None:
    """Django in this process on the database of `url`, dropped, recreated and migrated, with
    every host allowed (for the test client)."""
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mach.settings")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = ["*"]


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latency_summary(latencies: Sequence[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "mean_ms": round(statistics.mean(latencies) * 1000, 1),
    }


class Client:
    """HTTP/1.1 with one connection per thread, kept alive where the server allows it (gthread
    workers) and reopened where it does not (sync workers close every connection). The client
    shares the machine's cores with the server, so its CPU time is reported with the rest."""

    def __init__(self, address: str, headers: dict[str, str]) -> None:
        self.host, port = address.rsplit(":", 1)
        self.port = int(port)
        self.headers = headers
        self._local = threading.local()

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, float]:
        """(status, seconds) of one request; raises OSError when the server cannot be reached."""
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            self._local.connection = connection
        data = json.dumps(body) if body is not None else None
        started = time.perf_counter()
        try:
            connection.request(method, path, data, self.headers)
            response = connection.getresponse()
            response.read()
        except (http.client.HTTPException, OSError):
            connection.close()
            self._local.connection = None
            raise
        elapsed = time.perf_counter() - started
        if response.will_close:
            connection.close()
            self._local.connection = None
        return response.status, elapsed


def start_web(
    env: dict[str, str], address: str, workers: int, threads: int
) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).parent / "gunicorn"), "mach.wsgi", "--bind", address]
    command += ["--workers", str(workers), "--log-level", "warning"]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env)
    probe = Client(address, {})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            probe.request("GET", "/api/schema/")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def bench_environment(args: argparse.Namespace, url: str, static_root: str) -> dict[str, str]:
    """The environment of the server and of this process (which signs the bench worker in, so
    both need one secret key): the production settings on plain HTTP on loopback, or the
    development ones (`--debug`). The production settings need collected static files for their
    pages; they go to `static_root` (`production_settings`), never into `staticfiles/`."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        # The bench connects as DATABASE_URL's user throughout (no separate app role to create).
        "DATABASE_APP_ROLE": urlsplit(url).username or "postgres",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), str(BASE_DIR)]),
        # The bench measures the service at full load from one address and two tokens.
        "THROTTLE_RATE_ADDRESS": "1000000/second",
        "THROTTLE_RATE_USER": "1000000/second",
        "THROTTLE_RATE_PARTNER": "1000000/second",
    }
    if args.debug:
        return {**env, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "mach.settings"}
    env |= {
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "production_settings",
        "BENCH_STATIC_ROOT": static_root,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    return env


def cpu_seconds(pids: Sequence[int]) -> float | None:
    """User and system CPU time used so far by those of `pids` still running, from Linux's
    /proc; None without /proc (another system) or when none is visible (a remote database)."""
    ticks, seen = 0, False
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
        seen = True
    return ticks / os.sysconf("SC_CLK_TCK") if seen else None


def server_pids(server: subprocess.Popen) -> list[int]:
    """gunicorn's arbiter and its workers."""
    workers = [
        int(stat.parent.name)
        for stat in Path("/proc").glob("[0-9]*/stat")
        if _parent_of(stat) == server.pid
    ]
    return [server.pid, *workers]


def _parent_of(stat: Path) -> int | None:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


def database_pids() -> list[int]:
    """The database server's processes serving this database's connections (the gunicorn
    workers' and this process's own)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND backend_type = 'client backend'"
        )
        return [pid for (pid,) in cursor.fetchall()]


def run_requests(
    client: Client, requests: Sequence[tuple[str, str, Any]], concurrency: int
) -> tuple[list[tuple[int, float]], float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda request: client.request(*request), requests))
    return results, time.perf_counter() - started


def measure_intake_and_floor(
    address: str,
    token: str,
    bodies: Sequence[dict[str, Any]],
    *,
    concurrency: int,
    rounds: int,
    server: subprocess.Popen[bytes],
    url: str,
) -> dict[str, Any]:
    """POST every body (each must get 201) and write copies of the rows they made with plain
    SQL (`floor.py`), in `rounds` turns: a slice of the posts, then the floor for that slice.
    The machine's speed drifts by a third over minutes, so each rate is taken in the same
    phases as the other, and the share is their totals' ratio. The CPU each post cost the
    client, the server and the database is reported, since all three share the cores."""
    client = Client(
        address, {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    )
    posts = [("POST", "/api/v1/contacts/", body) for body in bodies]
    # As many posts at once as there will be, so that every worker has connected to the
    # database (and its database process is counted) before the clock starts.
    warm_up, _ = run_requests(client, posts[:concurrency], concurrency)
    pids = {"server": server_pids(server), "database": database_pids()}
    measured_posts = posts[concurrency:]
    size = -(-len(measured_posts) // rounds)
    writer = floor.FloorWriter(url, concurrency)
    results: list[tuple[int, float]] = []
    copied: list[floor.IntakeRows] = []
    floor_latencies: list[float] = []
    cpu = dict.fromkeys(["client", *pids], 0.0)
    api_seconds = floor_seconds = 0.0
    per_round = []
    try:
        for start in range(0, len(measured_posts), size):
            before_slice = floor.last_ids(url)
            before = {name: cpu_seconds(group) for name, group in pids.items()}
            client_before = time.process_time()
            slice_results, elapsed = run_requests(
                client, measured_posts[start : start + size], concurrency
            )
            cpu["client"] += time.process_time() - client_before
            for name, group in pids.items():
                begun, ended = before[name], cpu_seconds(group)
                if begun is not None and ended is not None:
                    cpu[name] += ended - begun
            intakes = floor.capture_intake_rows(url, before_slice)
            floor_elapsed, latencies = writer.write(intakes)
            results += slice_results
            copied += intakes
            floor_latencies += latencies
            api_seconds += elapsed
            floor_seconds += floor_elapsed
            api_rate = len(slice_results) / elapsed
            floor_rate = len(intakes) / floor_elapsed
            per_round.append(
                {
                    "posts": len(slice_results),
                    "contacts_per_second": round(api_rate, 1),
                    "floor_contacts_per_second": round(floor_rate, 1),
                    "share": round(api_rate / floor_rate, 3),
                }
            )
    finally:
        writer.close()
    statuses = Counter(status for status, _ in warm_up + results)
    measured = len(results)
    intake = {
        "posts": len(posts),
        "concurrency": concurrency,
        "created": statuses[201],
        "other_statuses": {str(status): n for status, n in statuses.items() if status != 201},
        "contacts_per_second": round(measured / api_seconds, 1),
        **latency_summary([latency for _, latency in results]),
        "cpu_ms_per_post": {name: round(used / measured * 1000, 2) for name, used in cpu.items()},
    }
    sql_floor = floor.floor_summary(copied, floor_seconds, floor_latencies, concurrency)
    return {
        "intake": intake,
        "sql_floor": sql_floor,
        "intake_share_of_sql_floor": round(
            intake["contacts_per_second"] / sql_floor["contacts_per_second"], 3
        ),
        "rounds": per_round,
    }


def measure_page(client: Client, path: str, rounds: int) -> dict[str, Any]:
    """Load `path` `rounds` times one after another, each answered 200, after enough loads for
    every worker to have served it once (a worker's first load of a page is a cold one)."""
    run_requests(client, [("GET", path, None)] * WARM_UP_LOADS, concurrency=1)
    results, _ = run_requests(client, [("GET", path, None)] * rounds, concurrency=1)
    refused = [status for status, _ in results if status != 200]
    if refused:
        raise RuntimeError(f"GET {path} answered {Counter(refused)}")
    return {"requests": rounds, **latency_summary([latency for _, latency in results])}


def signed_in_cookie(username: str) -> str:
    """A session for `username`, signed in with a password as a browser would be."""
    from django.conf import settings
    from django.test import Client as DjangoClient
    from django.test import RequestFactory

    browser = DjangoClient()
    # django-axes needs the request that signs in, which `login` does not pass on unless given.
    request = RequestFactory().post("/sign-in/")
    if not browser.login(request=request, username=username, password=PASSWORD):
        raise RuntimeError(f"{username} could not sign in")
    return f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"


def count_queries(request: Callable[[], Any]) -> int:
    """Queries one in-process request makes; it must answer 200."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    # The log keeps the last 9,000 queries only; a full one would make every count 0.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = request()
    if response.status_code != 200:
        raise RuntimeError(f"{response.status_code} while counting queries")
    return len(queries)


def measure_queries(token: str, worklist_pages: Sequence[int]) -> dict[str, int]:
    """Queries per overdue-list page by page size, and per worklist page by page number."""
    from django.test import Client as DjangoClient
    from django.test import RequestFactory
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    overdue = {"overdue": "true"}
    counts = {
        f"overdue_page_size_{size}": count_queries(
            partial(
                api.get, "/api/v1/contacts/", overdue | {"page_size": size}, SERVER_NAME="localhost"
            )
        )
        for size in (10, 50, 200)
    }
    browser = DjangoClient()
    browser.login(
        request=RequestFactory().post("/sign-in/"), username="bench.worker", password=PASSWORD
    )
    browser.get("/worklist/", SERVER_NAME="localhost")
    for page in worklist_pages:
        counts[f"worklist_page_{page}"] = count_queries(
            partial(browser.get, "/worklist/", {"page": page}, SERVER_NAME="localhost")
        )
    return counts


def measure_sweep() -> dict[str, Any]:
    from django.utils import timezone

    from mach.deadlines import sweep
    from mach.models import OPEN_STATES, Alert, Contact

    open_contacts = Contact.objects.filter(state__in=OPEN_STATES).count()
    due = Contact.objects.filter(next_alert_at__lte=timezone.now()).count()
    started = time.perf_counter()
    claimed = sweep(now=timezone.now())
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = sweep(now=timezone.now())
    second = time.perf_counter() - started
    return {
        "open_contacts": open_contacts,
        "due_rows": due,
        "claimed_first_sweep": claimed,
        "first_sweep_seconds": round(first, 3),
        "claimed_second_sweep": again,
        "idle_sweep_seconds": round(second, 3),
        "alerts": Alert.objects.count(),
    }


def measure_worst_case_matching(token: str, records: int, posts: int) -> dict[str, Any]:
    """Intake of children who share a family name and a birth date with `records` others, in
    this process (one request at a time), so the cost is the matching's, not the machine's."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from mach.models import MatchProposal

    born, last_name = date(2016, 4, 1), "Sharedname"
    synthetic.load_same_surname_and_birth_date(records, last_name=last_name, born=born)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE mach_person")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    proposals_before = MatchProposal.objects.count()
    latencies, cpu, queries = [], [], []
    for serial in range(posts):
        reset_queries()
        child = {
            "first_name": "New" + synthetic.letters(serial).lower(),
            "last_name": last_name,
            "date_of_birth": born.isoformat(),
            "address": {"postcode": "TS1 2AB"},
        }
        body = synthetic.contact_body(child, adult_first_name="Jo", relationship="mother")
        started, cpu_started = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as captured:
            response = api.post("/api/v1/contacts/", body, format="json", SERVER_NAME="localhost")
        latencies.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        queries.append(len(captured))
        if response.status_code != 201:
            raise RuntimeError(f"worst-case intake answered {response.status_code}")
    return {
        "records_sharing_name_and_birth_date": records,
        "posts": posts,
        **latency_summary(latencies),
        "cpu_ms_median": round(statistics.median(cpu) * 1000, 2),
        "queries_median": statistics.median(queries),
        "proposals_per_child": round((MatchProposal.objects.count() - proposals_before) / posts, 2),
    }


def create_users() -> tuple[str, str]:
    """The bench's partner, social worker and manager (tokens of the first two)."""
    from mach.models import User
    from mach.services import user_create

    _, partner_token = user_create(
        username="bench.partner", role="partner_agency", team_slug="bench-police"
    )
    _, worker_token = user_create(username="bench.worker", role="social_worker", team_slug="mach")
    user_create(username="bench.manager", role="manager", team_slug="mach")
    worker = User.objects.get(username="bench.worker")
    worker.set_password(PASSWORD)
    worker.save(update_fields=["password"])
    return partner_token, worker_token


def settle(*, below: float = 1.0, longest: float = 240.0) -> float:
    """Write out what the bulk load left to PostgreSQL (CHECKPOINT), then wait until the
    machine's one-minute load falls `below`, so that the load's after-effects are not billed
    to intake. Returns the seconds waited; gives up after `longest` (the report shows the load
    the measurement then started at)."""
    from django.db import connection

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    while os.getloadavg()[0] >= below and time.monotonic() - started < longest:
        time.sleep(5)
    return round(time.monotonic() - started, 1)


def run(args: argparse.Namespace, static_root: str) -> dict[str, Any]:
    url = bench_database_url()
    recreate_database(url)
    env = bench_environment(args, url, static_root)
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, check=True
    )
    import django

    django.setup()
    partner_token, worker_token = create_users()

    report: dict[str, Any] = {
        "machine": machine.describe(),
        "started": datetime.now(UTC).isoformat(),
        "server": {
            "settings": "development (DEBUG on)" if args.debug else "production (DEBUG off)",
            "workers": args.workers,
            "threads": args.threads,
        },
    }
    loaded = synthetic.load_contacts(
        args.contacts, decisions=synthetic.Decisions(repeat_share=args.repeat_share)
    )
    known = loaded.pop("known_children")
    report["load"] = loaded
    report["machine"]["settled_seconds"] = settle(longest=args.settle_seconds)
    report["machine"]["load_average_at_intake"] = os.getloadavg()
    bodies = synthetic.intake_bodies(args.posts, known=known, repeat_share=args.repeat_share)
    server = start_web(env, args.address, workers=args.workers, threads=args.threads)
    try:
        report.update(
            measure_intake_and_floor(
                args.address,
                partner_token,
                bodies,
                concurrency=args.concurrency,
                rounds=args.floor_rounds,
                server=server,
                url=url,
            )
        )
        report["intake"]["repeat_share"] = args.repeat_share
        api = Client(args.address, {"Authorization": f"Token {worker_token}"})
        report["overdue_list"] = measure_page(
            api, "/api/v1/contacts/?overdue=true", args.list_rounds
        )
        browser = Client(args.address, {"Cookie": signed_in_cookie("bench.worker")})
        report["worklist"] = measure_page(browser, "/worklist/", args.list_rounds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    report["queries"] = measure_queries(worker_token, worklist_pages=(1, 100))
    report["sweep"] = measure_sweep()
    report["worst_case_matching"] = measure_worst_case_matching(
        partner_token, records=args.worst_case_records, posts=args.worst_case_posts
    )
    report["intake_profile"] = profile_one_intake(partner_token, args.profile_posts)
    machine.finish(report["machine"])
    return report


def profile_one_intake(token: str, posts: int) -> dict[str, Any]:
    """Where an intake's time goes: in this process (no HTTP), new children each time."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    bodies = synthetic.intake_bodies(posts + 1, known=[], repeat_share=0.0, seed=11)

    def post(serial: int) -> None:
        response = api.post(
            "/api/v1/contacts/", bodies[serial], format="json", SERVER_NAME="localhost"
        )
        if response.status_code != 201:
            raise RuntimeError(f"profiled intake answered {response.status_code}")

    return floor.profile_intake(post, posts)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=3_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--list-rounds", type=int, default=200)
    parser.add_argument(
        "--floor-rounds",
        type=int,
        default=4,
        help="turns of API posts and the SQL floor for them, taken one after the other",
    )
    parser.add_argument("--repeat-share", type=float, default=0.3)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (gthread when above 1)"
    )
    parser.add_argument("--debug", action="store_true", help="serve with DEBUG on")
    parser.add_argument("--worst-case-records", type=int, default=5_000)
    parser.add_argument("--worst-case-posts", type=int, default=200)
    parser.add_argument("--address", default="127.0.0.1:8765")
    parser.add_argument("--profile-posts", type=int, default=200)
    parser.add_argument(
        "--settle-seconds", type=float, default=240.0, help="longest wait for a quiet machine"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mach-bench-static-") as static_root:
        report = run(args, static_root)
    print(json.dumps(report, indent=2))
    results = BASE_DIR / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"contacts-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(
        json.dumps(report, indent=2)
    )


if __name__ == "__main__":
    main()
