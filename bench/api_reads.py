"""The two API reads of issue 17 on their own: the overdue contacts and a child's chronology.

    DATABASE_URL=... REDIS_URL=... python bench/api_reads.py [--load 50000] [--rounds 60]
        [--profile] [--save-bodies DIR]

Uses `bench/national.py`'s database (the configured one with `_national_bench` appended) and,
with `--load N`, recreates it with N contacts first; without, it measures what is there. In
process, through DRF's APIClient with a worker's token (as national.py measures them): p50/p95
of each read, the CPU time this process spent on it (steadier than the time on a busy
machine), its queries and their SQL time. Run it alternately from two checkouts on the
same database to compare code before and after; `--save-bodies` writes each response so the
two can be compared byte for byte, and `--profile` prints a cProfile of 20 calls of each.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

import national  # noqa: E402
from contacts import latency_summary  # noqa: E402


def reads() -> dict[str, str]:
    child = 3 * national.CHRONOLOGY_FAMILY - 2
    return {
        "overdue_contacts_api": "/api/v1/contacts/?overdue=true",
        "chronology_api": f"/api/v1/children/{child}/chronology/",
    }


def measure(rounds: int, profile: bool, bodies: Path | None) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = national.clients()["worker_api"]
    report: dict[str, Any] = {}
    for name, path in reads().items():
        for _ in range(3):
            api.get(path)
        latencies, cpu = [], []
        load_before = os.getloadavg()[0]
        for _ in range(rounds):
            started, cpu_started = time.perf_counter(), time.process_time()
            response = api.get(path)
            latencies.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            response = api.get(path)
        report[name] = {
            **latency_summary(latencies),
            # This process's CPU time per request: its own work, whatever else the cores run.
            "cpu_p50_ms": round(statistics.median(cpu) * 1000, 1),
            "queries": len(captured),
            "sql_ms": round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 1),
            "bytes": len(response.content),
            "load_average": [load_before, os.getloadavg()[0]],
        }
        if bodies is not None:
            bodies.mkdir(parents=True, exist_ok=True)
            (bodies / f"{name}.json").write_bytes(response.content)
        if profile:
            profiler = cProfile.Profile()
            for _ in range(20):
                profiler.runcall(api.get, path)
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
            print(f"--- {name}\n{out.getvalue()}", file=sys.stderr)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--load", type=int, default=0, help="recreate with this many contacts")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--save-bodies", type=Path)
    args = parser.parse_args()
    national.prepare(national.bench_url(), keep=not args.load)
    if args.load:
        from assessments.models import Assessment
        from mach.models import Contact, Person, Referral
        from safety_plans.models import SafetyPlan
        from strategy_meetings.models import S47Enquiry

        print("load", json.dumps(national.load(args.load)), flush=True)
        national.reset_sequences([Contact, Person, Referral, Assessment, S47Enquiry, SafetyPlan])
    report = measure(args.rounds, args.profile, args.save_bodies)
    print(json.dumps({"code": str(BASE_DIR), **report}, indent=2))


if __name__ == "__main__":
    main()
