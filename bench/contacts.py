"""Benchmark: intake throughput over HTTP, overdue-list latency and sweep time at scale.

    python -m mach.launch exec -- python bench/contacts.py [--contacts 100000] [--posts 3000]

Runs against a separate database (the configured one with `_bench` appended), which it drops
and recreates, so it never touches real data. Prints a JSON report and writes it to
bench/results/. Timings are the machine's own; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def bench_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/") or "mach"
    return urlunsplit(parts._replace(path=f"/{name}_bench"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = parts.path.lstrip("/")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def load_contacts(count: int) -> dict[str, Any]:
    """Bulk-load `count` synthetic contacts: 2 children and 1 adult each; 70% open."""
    from django.db import connection

    from mach.models import Contact, ContactPerson, Kind, Person, Team, User
    from mach.timescales import WorkingCalendar

    calendar = WorkingCalendar.current()
    team = Team.objects.intake()
    user = User.objects.get(username="bench.partner")
    rng = random.Random(42)
    now = datetime.now(UTC)
    started = time.perf_counter()
    batch = 5_000
    for offset in range(0, count, batch):
        size = min(batch, count - offset)
        contacts = []
        for index in range(offset, offset + size):
            received = now - timedelta(minutes=rng.randint(1, 60 * 24 * 365))
            due = calendar.add_working_days(received, 1)
            open_ = rng.random() < 0.7
            contact = Contact(
                state="received" if open_ else "decided",
                outcome="" if open_ else "nfa",
                received_at=received,
                channel="api",
                source="6",
                referrer_name="PC Bench",
                concerns=f"Synthetic contact {index}.",
                parental_awareness="informed_and_consents",
                decision_due_at=due,
                team=team,
                submitted_by=user,
                submitting_team=user.team,
                rag=rng.choice(["red", "amber", "green", ""]),
            )
            if open_:
                # Most open contacts were already alerted and escalated: nothing left to sweep.
                contact.next_alert_at = due if rng.random() < 0.01 else None
                contact.alert_level = 0 if contact.next_alert_at else 2
            contacts.append(contact)
        Contact.objects.bulk_create(contacts)
        people = [
            Person(
                kind=Kind.CHILD if n % 3 else Kind.ADULT,
                first_name=f"P{offset + n}",
                last_name="Bench",
                normalised_first_name=f"p{offset + n}",
                normalised_last_name="bench",
                date_of_birth=date(2015, 1, 1) if n % 3 else date(1990, 1, 1),
            )
            for n in range(size * 3)
        ]
        Person.objects.bulk_create(people)
        links = [
            ContactPerson(
                contact=contact,
                person=people[i * 3 + j],
                role=people[i * 3 + j].kind,
                position=j,
            )
            for i, contact in enumerate(contacts)
            for j in range(3)
        ]
        ContactPerson.objects.bulk_create(links)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"loaded": count, "load_seconds": round(time.perf_counter() - started, 1)}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def start_web(env: dict[str, str], address: str) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "mach.wsgi",
            "--bind",
            address,
            "--workers",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://{address}/api/schema/", timeout=5)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def request(url: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, float]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if body is not None else "GET")
    req.add_header("Authorization", f"Token {token}")
    req.add_header("Content-Type", "application/json")
    started = time.perf_counter()
    with urllib.request.urlopen(req, timeout=30) as response:
        response.read()
        status = response.status
    return status, time.perf_counter() - started


def contact_body(index: int) -> dict[str, Any]:
    return {
        "channel": "api",
        "source": "6",
        "referrer": {"name": "PC Bench", "organisation": "Bench Police"},
        "children": [
            {
                "first_name": f"Child{index}",
                "last_name": "Intake",
                "date_of_birth": "2016-04-01",
                "address": {"postcode": "TS1 2AB"},
            }
        ],
        "adults": [
            {"first_name": f"Parent{index}", "last_name": "Intake", "relationship": "mother"}
        ],
        "concerns": "Benchmark contact.",
        "parental_awareness": "informed_and_consents",
    }


def measure_intake(base: str, token: str, posts: int, concurrency: int) -> dict[str, Any]:
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(
            pool.map(
                lambda i: request(f"{base}/api/v1/contacts/", token, contact_body(i)), range(posts)
            )
        )
    elapsed = time.perf_counter() - started
    latencies = [latency for _, latency in results]
    return {
        "posts": posts,
        "concurrency": concurrency,
        "created": sum(1 for status, _ in results if status == 201),
        "contacts_per_second": round(posts / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
    }


def measure_list(base: str, token: str, rounds: int) -> dict[str, Any]:
    request(f"{base}/api/v1/contacts/?overdue=true", token)
    latencies = [request(f"{base}/api/v1/contacts/?overdue=true", token)[1] for _ in range(rounds)]
    return {
        "requests": rounds,
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "mean_ms": round(statistics.mean(latencies) * 1000, 1),
    }


def measure_queries(token: str) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    counts = {}
    for size in (10, 50, 200):
        with CaptureQueriesContext(connection) as queries:
            client.get(
                "/api/v1/contacts/", {"overdue": "true", "page_size": size}, SERVER_NAME="localhost"
            )
        counts[f"page_size_{size}"] = len(queries)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=3_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--list-rounds", type=int, default=200)
    parser.add_argument("--address", default="127.0.0.1:8765")
    args = parser.parse_args()

    url = bench_database_url()
    recreate_database(url)
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mach.settings")
    django.setup()
    from mach.services import user_create

    _, partner_token = user_create(
        username="bench.partner", role="partner_agency", team_slug="bench-police"
    )
    _, worker_token = user_create(username="bench.worker", role="social_worker", team_slug="mach")

    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count()},
        "started": datetime.now(UTC).isoformat(),
    }
    report["load"] = load_contacts(args.contacts)
    server = start_web(env, args.address)
    try:
        base = f"http://{args.address}"
        report["intake"] = measure_intake(base, partner_token, args.posts, args.concurrency)
        report["overdue_list"] = measure_list(base, worker_token, args.list_rounds)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    report["list_queries"] = measure_queries(worker_token)
    report["sweep"] = measure_sweep()
    print(json.dumps(report, indent=2))
    results = BASE_DIR / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"contacts-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(
        json.dumps(report, indent=2)
    )


if __name__ == "__main__":
    main()
