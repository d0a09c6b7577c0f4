"""Benchmark of the deadline sweep: a sweep with 10,000 due rows, and an idle sweep.

    DATABASE_URL=... python bench/sweep.py [--contacts 50000] [--keep-data] [--runs 5]

Runs against its own database (the configured one with `_sweep_bench` appended), loaded the
way bench/national.py loads it (every workflow's rows, by SQL) unless `--keep-data` measures
what an earlier run loaded. Each run makes the 10,000 newest decided contacts fall due, never
alerted (their alerts of an earlier run deleted, the tables vacuumed), and times the sweep that
raises them; then times idle sweeps, with nothing left to raise. Reports each run's time,
queries and SQL time, the idle sweep's p50/p95 and its queries, and the load average around
each, as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

from contacts import latency_summary  # noqa: E402
from national import SWEEP_DUE, TARGETS_MS, execute, load, prepare  # noqa: E402

IDLE_SWEEPS = 50


def sweep_url() -> str:
    parts = urlsplit(os.environ.get("DATABASE_ADMIN_URL") or os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/") or "mach"
    return urlunsplit(parts._replace(path=f"/{name}_sweep_bench"))


def due_sweep() -> dict[str, Any]:
    """SWEEP_DUE decided contacts fall due, never alerted; the sweep that raises them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from mach.deadlines import sweep

    execute(
        "UPDATE mach_contact SET next_alert_at = now() - interval '1 minute', alert_level = 0"
        " WHERE id IN (SELECT id FROM mach_contact WHERE state = 'decided'"
        " ORDER BY id DESC LIMIT %s)",
        [SWEEP_DUE],
    )
    execute("DELETE FROM mach_alert WHERE kind = 'contact_decision'")
    # Each run makes the same rows due again: without a vacuum, the dead versions of every
    # earlier run stay in the index on next_alert_at that the sweep reads.
    execute("VACUUM ANALYZE mach_contact")
    execute("VACUUM ANALYZE mach_alert")
    load_before = os.getloadavg()[0]
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        claimed = sweep(now=timezone.now())
        seconds = time.perf_counter() - started
    return {
        "claimed": claimed,
        "sweep_ms": round(seconds * 1000, 1),
        "queries": len(captured),
        "sql_ms": round(sum(float(query["time"]) for query in captured.captured_queries) * 1000, 1),
        "load_average": [load_before, os.getloadavg()[0]],
    }


def idle_sweep() -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from mach.deadlines import sweep

    load_before = os.getloadavg()[0]
    latencies = []
    for _ in range(IDLE_SWEEPS):
        started = time.perf_counter()
        sweep(now=timezone.now())
        latencies.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as captured:
        sweep(now=timezone.now())
    return latency_summary(latencies) | {
        "queries": len(captured),
        "sql_ms": round(sum(float(query["time"]) for query in captured.captured_queries) * 1000, 1),
        "load_average": [load_before, os.getloadavg()[0]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--keep-data", action="store_true", help="measure what an earlier run loaded"
    )
    args = parser.parse_args()
    started = datetime.now(UTC).isoformat()
    url = sweep_url()
    prepare(url, args.keep_data)
    if not args.keep_data:
        print("load", json.dumps(load(args.contacts)), os.getloadavg(), file=sys.stderr)
    from mach.models import Contact

    runs = []
    for _ in range(args.runs):
        runs.append({"due": due_sweep(), "idle": idle_sweep()})
    sweep_ms = [run["due"]["sweep_ms"] for run in runs]
    idle_p95 = [run["idle"]["p95_ms"] for run in runs]
    report = {
        "started": started,
        "code": str(BASE_DIR),
        "database": urlsplit(url).path.lstrip("/"),
        "contacts": Contact.objects.count(),
        "runs": runs,
        "sweep_ms_median": statistics.median(sweep_ms),
        "sweep_met": statistics.median(sweep_ms) <= TARGETS_MS["sweep"],
        "idle_p95_ms_median": statistics.median(idle_p95),
        "idle_sweep_met": statistics.median(idle_p95) <= TARGETS_MS["idle_sweep"],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
