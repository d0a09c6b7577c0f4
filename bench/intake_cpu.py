"""One intake's CPU, in this process: where `bench/contacts.py`'s floor share goes.

    DATABASE_URL=... REDIS_URL=... python bench/intake_cpu.py [--contacts 2000] [--posts 300]
        [--repeat-share 0.3] [--profile] [--profile-out FILE] [--statements]

Recreates a database of its own (the configured one with `_intake_bench` appended), loads
`--contacts` contacts as `bench/contacts.py` does, then posts `--posts` contact bodies (the
same mix of new and known children) through Django's test client with the production
settings, one after another. Reports, per post, the CPU this process spent (steadier than the
time on a busy machine), the time, the queries and their SQL time; `--profile` prints a
cProfile of the posts, timed by CPU, by cumulative and own time (`--profile-out` writes it for
pstats); `--statements` lists each distinct statement (its first words) with how often a post
runs it and its mean time. Run it from two checkouts in turn, or with
DATABASE_PREPARED_STATEMENTS=0 and 1 in turn, to compare.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
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
import synthetic  # noqa: E402
from contacts import bench_database_url, latency_summary  # noqa: E402


def measure(
    bodies: list[dict[str, Any]], profile: bool, statements: bool, profile_out: str = ""
) -> dict[str, Any]:
    from django.db import connection
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from mach.models import User

    api = APIClient(SERVER_NAME="localhost")
    partner = User.objects.get(username="bench.partner")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=partner).key}")
    in_database: list[float] = []
    by_statement: dict[str, list[float]] = {}

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_database.append(time.perf_counter() - started)
            by_statement.setdefault(" ".join(sql.split())[:90], []).append(in_database[-1])

    def post(body: dict[str, Any]) -> None:
        response = api.post("/api/v1/contacts/", body, format="json")
        if response.status_code != 201:
            raise RuntimeError(f"intake answered {response.status_code}: {response.content!r}")

    warm, measured = bodies[:20], bodies[20:]
    for body in warm:
        post(body)
    latencies, cpu = [], []
    # Timed by CPU, so that waits on PostgreSQL and a busy machine drop out of the profile.
    profiler = cProfile.Profile(time.process_time) if profile or profile_out else None
    with connection.execute_wrapper(timed):
        for body in measured:
            started, cpu_started = time.perf_counter(), time.process_time()
            if profiler is not None:
                profiler.runcall(post, body)
            else:
                post(body)
            latencies.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
    if profiler is not None and profile_out:
        profiler.dump_stats(profile_out)
    if profiler is not None and profile:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(40)
        print(out.getvalue(), file=sys.stderr)
    listed = {}
    if statements:
        listed = {
            "statements": [
                {
                    "sql": sql,
                    "per_post": round(len(times) / len(measured), 2),
                    "mean_ms": round(statistics.mean(times) * 1000, 3),
                }
                for sql, times in sorted(by_statement.items(), key=lambda item: -sum(item[1]))
            ]
        }
    return {
        "posts": len(measured),
        **latency_summary(latencies),
        "cpu_p50_ms": round(statistics.median(cpu) * 1000, 2),
        "cpu_mean_ms": round(statistics.mean(cpu) * 1000, 2),
        "queries_per_post": round(len(in_database) / len(measured), 2),
        "sql_ms_per_post": round(sum(in_database) / len(measured) * 1000, 2),
        **listed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=2_000)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--repeat-share", type=float, default=0.3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--statements", action="store_true")
    parser.add_argument("--profile-out", default="", help="write the profile to this file")
    args = parser.parse_args()
    national.prepare(bench_database_url("_intake_bench"), keep=False)
    loaded = synthetic.load_contacts(
        args.contacts, decisions=synthetic.Decisions(repeat_share=args.repeat_share)
    )
    known = loaded.pop("known_children")
    bodies = synthetic.intake_bodies(args.posts + 20, known=known, repeat_share=args.repeat_share)
    report = measure(bodies, args.profile, args.statements, args.profile_out)
    print(json.dumps({"code": str(BASE_DIR), "loaded": loaded, **report}, indent=2))


if __name__ == "__main__":
    main()
