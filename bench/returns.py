"""Benchmark: exporting the statutory returns from a year of the benchmark's synthetic data.

    DATABASE_URL=... python bench/returns.py [--contacts 100000]

Loads `--contacts` synthetic contacts (a year of them, with screenings, referrals and
assessments: see `synthetic.py`) into the separate benchmark database (`<name>_bench`, dropped
and recreated), then times building the CIN census of the year that holds today and Ofsted's
Annex A lists of the last 12 months, each from the query to the finished file. Target: under a
minute each. Prints a JSON report and writes it to bench/results/. Timings are the machine's own
(note its load average in the report); nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import synthetic
from contacts import BASE_DIR, bench_database_url, create_users, recreate_database


def timed(work: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = work()
    return result, round(time.perf_counter() - started, 2)


def run(contacts: int) -> dict[str, Any]:
    url = bench_database_url()
    recreate_database(url)
    os.environ.update(
        {"DATABASE_URL": url, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "mach.settings"}
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, check=True
    )
    import django

    django.setup()
    from django.db import connection, reset_queries
    from django.utils import timezone

    from mach.returns.annex_a import annex_a, annex_a_xlsx
    from mach.returns.census import census_of, census_xml
    from mach.returns.quality import census_year_of, problems_of

    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()},
        "started": datetime.now(UTC).isoformat(),
    }
    create_users()
    loaded = synthetic.load_contacts(contacts, decisions=synthetic.Decisions())
    loaded.pop("known_children")
    report["load"] = loaded
    today = timezone.localdate()
    year = census_year_of(today)

    def census_file() -> tuple[int, int, int]:
        found = census_of(year)
        xml = census_xml(found)
        return len(found.children), len(xml), len(problems_of(found))

    connection.force_debug_cursor = True
    reset_queries()
    (children, size, problems), seconds = timed(census_file)
    report["cin_census"] = {
        "year": year,
        "children": children,
        "bytes": size,
        "data_quality_problems": problems,
        "queries": len(connection.queries),
        "seconds": seconds,
    }
    reset_queries()
    start, end = today - timedelta(days=365), today

    def annex_file() -> tuple[dict[str, int], int]:
        lists = annex_a(start, end)
        return {name: len(rows) for name, rows in lists.sheets.items()}, len(annex_a_xlsx(lists))

    (rows, size), seconds = timed(annex_file)
    report["annex_a"] = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "rows": rows,
        "bytes": size,
        "queries": len(connection.queries),
        "seconds": seconds,
    }
    report["machine"]["load_average_at_end"] = os.getloadavg()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=100_000)
    args = parser.parse_args()
    report = run(args.contacts)
    print(json.dumps(report, indent=2))
    results = Path(BASE_DIR) / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"returns-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(
        json.dumps(report, indent=2)
    )


if __name__ == "__main__":
    main()
