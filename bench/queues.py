"""Benchmark: the worklist and the managers' oversight queue, each a page of 25 rows, in-process.

    python -m mach.launch exec -- python bench/queues.py [--contacts 20000] [--rounds 40]

Runs against a separate database (the configured one with `_queues_bench` appended), which it
drops and recreates, and loads `--contacts` synthetic contacts (`synthetic.py`); then turns the
newest screened ones back to "awaiting oversight", so the manager's queue holds more than a page.
The pages are requested through Django's test client, signed in (the worker for the worklist,
the manager for the queue), so each figure is the view, its queries and its template without a
web server, split into the time in SQL and the rest. Prints a JSON report; nothing is asserted
except that every request got 200.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

import synthetic  # noqa: E402
from contacts import (  # noqa: E402
    admin_database_url,
    create_users,
    latency_summary,
    set_up_in_process_on_fresh_database,
)

AWAITING = 200
PAGES = {
    "worklist": ("bench.worker", "/worklist/"),
    "oversight_queue": ("bench.manager", "/oversight/"),
}


def await_oversight(count: int) -> int:
    """The newest `count` agreed screenings back to submitted, their contacts open again."""
    from mach.models import Contact, State
    from triage.models import Screening, ScreeningState

    ids = list(
        Screening.objects.filter(state=ScreeningState.AGREED)
        .order_by("-submitted_at")
        .values_list("id", flat=True)[:count]
    )
    screenings = Screening.objects.filter(id__in=ids)
    Contact.objects.filter(screenings__in=screenings).update(
        state=State.AWAITING_OVERSIGHT, outcome=""
    )
    return screenings.update(
        state=ScreeningState.SUBMITTED,
        oversight_decision="",
        oversight_outcome="",
        oversight_rationale="",
        overseen_by=None,
    )


def measure(rounds: int) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mach.models import User

    report: dict[str, Any] = {}
    for name, (username, path) in PAGES.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        for _ in range(3):
            assert client.get(path).status_code == 200
        # The load may have filled the bounded query log: start it empty so that it counts.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
        latencies = []
        for _ in range(rounds):
            started = time.perf_counter()
            response = client.get(path)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 200
        summary = latency_summary(latencies)
        report[name] = {
            "path": path,
            "queries": len(queries),
            "sql_ms": round(sql_ms, 1),
            **summary,
            "p50_not_sql_ms": round(summary["p50_ms"] - sql_ms, 1),
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    set_up_in_process_on_fresh_database(admin_database_url("_queues_bench"))
    create_users()
    loaded = synthetic.load_contacts(args.contacts, decisions=synthetic.Decisions())
    loaded.pop("known_children", None)
    report = {
        "load": loaded,
        "awaiting_oversight": await_oversight(AWAITING),
        "rounds": args.rounds,
        "load_average": os.getloadavg()[0],
        **measure(args.rounds),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
