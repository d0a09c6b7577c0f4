"""Issue 17's timed pages one at a time, with the CPU each spends and where it goes.

    DATABASE_URL=... REDIS_URL=... python bench/api_reads.py [--load 50000] [--rounds 60]
        [--pages overdue_contacts_api,chronology_api] [--profile] [--save-bodies DIR]

Uses `bench/national.py`'s database (the configured one with `_national_bench` appended) and,
with `--load N`, recreates it with N contacts first; without, it measures what is there. In
process, through Django's test clients with production settings (as national.py measures
them), for each page named (default: the two API reads; `all` for every page national.py
times): p50/p95, the CPU time this process spent on it (steadier than the time on a busy
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


def reads(names: str) -> dict[str, tuple[str, str]]:
    """The pages named (comma-separated, or `all`): name -> (client, path)."""
    from triage.domestic_abuse.models import TriageMeeting

    meeting = TriageMeeting.objects.latest("pk").pk
    every = {name: (who, path) for name, (who, path, _) in national.pages(meeting).items()}
    wanted = list(every) if names == "all" else names.split(",")
    return {name: every[name] for name in wanted}


def measure(names: str, rounds: int, profile: bool, bodies: Path | None) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    made = national.clients()
    report: dict[str, Any] = {}
    for name, (who, path) in reads(names).items():
        api = made[who]
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
            (bodies / name).write_bytes(response.content)
        if profile:
            profiler = cProfile.Profile()
            for _ in range(20):
                profiler.runcall(api.get, path)
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
            print(f"--- {name}\n{out.getvalue()}", file=sys.stderr)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--load", type=int, default=0, help="recreate with this many contacts")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--pages", default="overdue_contacts_api,chronology_api")
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
    report = measure(args.pages, args.rounds, args.profile, args.save_bodies)
    print(json.dumps({"code": str(BASE_DIR), **report}, indent=2))


if __name__ == "__main__":
    main()
