"""A day's real load: Locust (headless, bounded in users and time, on loopback only) against the
service with the benchmark's data loaded, stepping the number of users up to find the largest
that keeps every kind of request's p95 under a bound, then a longer run at that number.

    DATABASE_URL=... REDIS_URL=... python bench/load.py [--contacts 100000]
        [--users 25,50,100,200] [--step-seconds 60] [--final-seconds 300] [--p95-bound-ms 200]
        [--warm-up-seconds 30]

Needs Locust (`pip install -e '.[bench]'`). Runs against `<name>_load_bench` (dropped and
recreated) with gunicorn, a Celery worker and beat, as `contacts.py` does; the users are in
`locustfile.py`. Prints a JSON report and writes it, with Locust's CSV files, to bench/results/.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import contacts
import machine
import synthetic

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"


def create_load_users() -> dict[str, str]:
    """Tokens of the partner systems, a practitioner and a manager; the practitioner's session."""
    from mach.models import Team
    from mach.services import user_create

    partner_token, worker_token = contacts.create_users()
    _, manager_token = user_create(username="load.manager", role="manager", team_slug="mach")
    _, police_token = user_create(
        username="load.police", role="partner_agency", team_slug="load-police"
    )
    if any(field.name == "agency" for field in Team._meta.get_fields()):
        Team.objects.filter(slug="load-police").update(agency="police")
    return {
        "BENCH_PARTNER_TOKEN": partner_token,
        "BENCH_WORKER_TOKEN": worker_token,
        "BENCH_MANAGER_TOKEN": manager_token,
        "BENCH_POLICE_TOKEN": police_token,
        "BENCH_WORKER_COOKIE": contacts.signed_in_cookie("bench.worker"),
    }


def start_background(env: dict[str, str], folder: Path) -> list[subprocess.Popen[bytes]]:
    """A Celery worker and beat, as in production, so that on-commit tasks are worked off."""
    from mach.launch import service_commands

    commands = service_commands(folder / "celerybeat-schedule")
    return [
        subprocess.Popen(
            commands[name],
            cwd=BASE_DIR,
            env=env,
            stdout=(folder / f"{name}.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        for name in ("worker", "beat")
    ]


def run_locust(
    env: dict[str, str], address: str, users: int, seconds: int, prefix: Path
) -> dict[str, Any]:
    """One headless Locust run; per request kind: count, failures, p50/p95/p99, throughput."""
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(BASE_DIR / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(1, users // 10)),
        "--run-time",
        f"{seconds}s",
        "--host",
        f"http://{address}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    subprocess.run(command, cwd=BASE_DIR, env=env, check=False, capture_output=True)
    kinds: dict[str, Any] = {}
    with open(f"{prefix}_stats.csv", newline="") as stats:
        for row in csv.DictReader(stats):
            kinds[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "per_second": round(float(row["Requests/s"]), 1),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "p99_ms": float(row["99%"] or 0),
            }
    aggregated = kinds.pop("Aggregated", {})
    failures: list[dict[str, str]] = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", newline="") as found:
            failures = list(csv.DictReader(found))[:20]
    return {
        "users": users,
        "seconds": seconds,
        "total": aggregated,
        "kinds": kinds,
        "failures": failures,
    }


def worst_p95(result: dict[str, Any]) -> float:
    return max((kind["p95_ms"] for kind in result["kinds"].values()), default=0.0)


def run(args: argparse.Namespace, static_root: str) -> dict[str, Any]:
    url = contacts.bench_database_url("_load_bench")
    contacts.recreate_database(url)
    env = contacts.bench_environment(args, url, static_root)
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, check=True
    )
    import django

    django.setup()
    load_env = {**env, **create_load_users()}
    report: dict[str, Any] = {
        "machine": machine.describe(),
        "started": datetime.now(UTC).isoformat(),
        "server": {"workers": args.workers, "threads": args.threads},
    }
    report["load"] = synthetic.load_contacts(
        args.contacts, decisions=synthetic.Decisions(repeat_share=0.3)
    )
    report["load"].pop("known_children")
    report["machine"]["settled_seconds"] = contacts.settle()
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S}"
    folder = RESULTS / f"load-{stamp}"
    folder.mkdir(parents=True, exist_ok=True)
    server = contacts.start_web(env, args.address, workers=args.workers, threads=args.threads)
    background = start_background(env, folder)
    try:
        # Cold processes (first queries, first templates, connections) are not the day's load.
        report["warm_up"] = run_locust(
            load_env, args.address, args.users[0], args.warm_up_seconds, folder / "warm-up"
        )["total"]
        steps = []
        for users in args.users:
            result = run_locust(
                load_env, args.address, users, args.step_seconds, folder / f"step-{users}"
            )
            steps.append(result)
            if worst_p95(result) >= args.p95_bound_ms:
                break
        within = [step["users"] for step in steps if worst_p95(step) < args.p95_bound_ms]
        report["steps"] = [
            {"users": step["users"], "worst_p95_ms": worst_p95(step), "total": step["total"]}
            for step in steps
        ]
        report["largest_users_with_every_p95_under_bound"] = max(within, default=0)
        final_users = args.final_users or max(within, default=args.users[0])
        report["final"] = run_locust(
            load_env, args.address, final_users, args.final_seconds, folder / "final"
        )
    finally:
        for process in [server, *background]:
            process.send_signal(signal.SIGTERM)
        for process in [server, *background]:
            process.wait(timeout=30)
    report["p95_bound_ms"] = args.p95_bound_ms
    machine.finish(report["machine"])
    (folder / "report.json").write_text(json.dumps(report, indent=2))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument(
        "--users", type=lambda text: [int(n) for n in text.split(",")], default=[25, 50, 100, 200]
    )
    parser.add_argument("--step-seconds", type=int, default=60)
    parser.add_argument("--warm-up-seconds", type=int, default=30)
    parser.add_argument("--final-seconds", type=int, default=300)
    parser.add_argument("--final-users", type=int, default=0)
    parser.add_argument("--p95-bound-ms", type=float, default=200.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--debug", action="store_true", help="serve with DEBUG on")
    parser.add_argument("--address", default="127.0.0.1:8766")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mach-load-static-") as static_root:
        report = run(args, static_root)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
