"""Benchmark: the dashboard page and the metrics API for a quarter, with 100,000 contacts (and
their screenings, referrals and assessments) loaded. Target: p95 under 300 ms.

    DATABASE_URL=... REDIS_URL=... python bench/dashboard.py [--contacts 100000] [--rounds 100]

With the embedded servers, name the superuser the launcher made:

    .venv/bin/python -m mach.launch exec -- sh -c \\
        'DATABASE_URL=$DATABASE_ADMIN_URL python bench/dashboard.py'

Like `contacts.py` (whose loading, server and measuring it reuses), it runs against a separate
database (`<name>_bench`, dropped and recreated) under gunicorn with the production settings,
prints a JSON report and writes it to bench/results/. It also records the queries one
dashboard makes and PostgreSQL's plan of the heaviest measure, so a slow figure can be read.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from typing import Any

import contacts as bench
import synthetic


def quarter() -> str:
    today = datetime.now(UTC).date()
    return f"from={(today - timedelta(days=91)).isoformat()}&to={today.isoformat()}"


def dashboard_queries(path: str) -> int:
    from django.test import Client as DjangoClient

    from mach.models import User

    browser = DjangoClient(SERVER_NAME="localhost")
    browser.force_login(User.objects.get(username="bench.manager"))
    return bench.count_queries(lambda: browser.get(path))


def plan_of_the_contact_clock(period_query: str) -> list[str]:
    """EXPLAIN ANALYZE of the contact-decision timeliness aggregate (the largest table)."""
    from django.db import connection

    from mach import metrics, workflows

    period = metrics.parse_period(dict(part.split("=") for part in period_query.split("&")))
    kind = workflows.deadline_kinds.get("contact_decision")
    assert kind is not None
    from django.db.models import Count

    records = metrics.in_period(kind.model._default_manager.all(), kind.due_field, period)
    query = records.values("team_id").annotate(n=Count("pk")).query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def run(args: argparse.Namespace, static_root: str) -> dict[str, Any]:
    url = bench.bench_database_url()
    if not args.keep_data:
        bench.recreate_database(url)
    env = bench.bench_environment(args, url, static_root)
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=bench.BASE_DIR,
        check=True,
    )
    import django

    django.setup()
    from mach.models import User

    if not args.keep_data:
        bench.create_users()
    manager = User.objects.get(username="bench.manager")
    manager.set_password(bench.PASSWORD)
    manager.save(update_fields=["password"])
    from rest_framework.authtoken.models import Token

    token = Token.objects.get(user=manager).key

    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()},
        "started": datetime.now(UTC).isoformat(),
        "period": quarter(),
    }
    if args.keep_data:
        from mach.models import Contact

        report["load"] = {"contacts": Contact.objects.count(), "kept_from_an_earlier_run": True}
    else:
        loaded = synthetic.load_contacts(
            args.contacts, decisions=synthetic.Decisions(repeat_share=args.repeat_share)
        )
        loaded.pop("known_children")
        report["load"] = loaded
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    report["machine"]["settled_seconds"] = bench.settle(longest=args.settle)
    report["machine"]["load_average_at_measure"] = os.getloadavg()
    server = bench.start_web(env, args.address, workers=args.workers, threads=1)
    try:
        browser = bench.Client(args.address, {"Cookie": bench.signed_in_cookie("bench.manager")})
        report["dashboard_page"] = bench.measure_page(
            browser, f"/dashboard/?{quarter()}", args.rounds
        )
        api = bench.Client(args.address, {"Authorization": f"Token {token}"})
        report["metrics_api"] = bench.measure_page(
            api, f"/api/v1/metrics/?{quarter()}", args.rounds
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    print(json.dumps(report, indent=2), flush=True)  # the timings, should a later step fail
    report["queries_per_dashboard"] = dashboard_queries(f"/dashboard/?{quarter()}")
    report["plan_contact_clock"] = plan_of_the_contact_clock(quarter())
    report["machine"]["load_average_at_end"] = os.getloadavg()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--repeat-share", type=float, default=0.3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--settle", type=float, default=60.0, help="longest wait for quiet")
    parser.add_argument("--debug", action="store_true", help="serve with DEBUG on")
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help="measure the bench database an earlier run loaded (no drop, no load)",
    )
    parser.add_argument("--address", default="127.0.0.1:8766")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mach-bench-static-") as static_root:
        report = run(args, static_root)
    print(json.dumps(report, indent=2))
    results = bench.BASE_DIR / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"dashboard-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(
        json.dumps(report, indent=2)
    )


if __name__ == "__main__":
    main()
