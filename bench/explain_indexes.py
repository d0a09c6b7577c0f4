"""The query plans behind the indexes issue 17 added, each with its index and without it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mach python bench/explain_indexes.py

Reads the database `national.py --keep-data` measures (`<name>_national_bench`, 1,000,000
contacts). For each index: the query that needs it, captured from the page or the summary
recount that runs it, then `EXPLAIN (ANALYZE, BUFFERS)` of that query as it is, and again
inside a transaction that drops the index and is rolled back (so nothing changes). Writes
Markdown to bench/results/explain-indexes.md.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

import national  # noqa: E402


def captured(run: Callable[[], Any]) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run()
    return [query["sql"] for query in queries.captured_queries]


def plan(sql: str, *, without: str | None = None) -> list[str]:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if without:
            cursor.execute(f'DROP INDEX "{without}"')
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        lines = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return lines


def main() -> None:
    national.prepare(national.bench_url(), True)
    from django.utils import timezone

    from mach import metrics

    made = national.clients()
    today = timezone.localdate()

    def recount() -> None:
        metrics.live_figures(metrics.Period(today - timedelta(days=1), today), timezone.now())

    sources = {
        "the worklist page": captured(lambda: made["worker"].get("/worklist/")),
        "the oversight queue page": captured(lambda: made["manager"].get("/oversight/")),
        "the alerts API": captured(lambda: made["manager_api"].get("/api/v1/alerts/")),
        "the summary's recount of yesterday and today": captured(recount),
    }
    cases = [
        ("contact_open_team_idx", "the worklist page", ['FROM "mach_team"', '"mach_contact"']),
        (
            "screening_awaiting_due_idx",
            "the oversight queue page",
            ['FROM "triage_screening"', '"triage_screening"."oversight_due_at" ASC', "LIMIT"],
        ),
        (
            "screening_awaiting_team_idx",
            "the oversight queue page",
            ["SELECT COUNT(*)", '"triage_screening"."team_id" IN'],
        ),
        ("alert_open_recent_idx", "the alerts API", ['FROM "mach_alert"', "LIMIT"]),
        (
            "contact_decision_due_idx",
            "the summary's recount of yesterday and today",
            ['"mach_contact"."decision_due_at" >='],
        ),
        (
            "screening_submitted_idx",
            "the summary's recount of yesterday and today",
            ['"triage_screening"."submitted_at" >=', "COUNT"],
        ),
        (
            "screening_oversight_due_idx",
            "the summary's recount of yesterday and today",
            ['"triage_screening"."oversight_due_at" >='],
        ),
        (
            "da_notification_triaged_idx",
            "the summary's recount of yesterday and today",
            ['"triage_domesticabusenotification"."triaged_at" >='],
        ),
    ]
    out = [
        "# The plans behind issue 17's indexes (1,000,000 contacts)",
        "",
        f"Written by `bench/explain_indexes.py` at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
    ]
    for index, source, marks in cases:
        sql = next(q for q in sources[source] if all(mark in q for mark in marks))
        out += section(
            f"`{index}`: {source}",
            sql,
            [
                ("With the index", plan(sql)),
                ("Without it (dropped in a transaction rolled back)", plan(sql, without=index)),
            ],
        )
        print(index, "done", flush=True)
    write("explain-indexes.md", out)


def section(heading: str, sql: str, plans: Iterable[tuple[str, list[str]]]) -> list[str]:
    """A statement and its plans, each under its title, as Markdown."""
    out = [f"## {heading}", "", "```sql", sql, "```", ""]
    for title, lines in plans:
        out += [f"{title}:", "", "```", *lines, "```", ""]
    return out


def write(name: str, lines: list[str]) -> None:
    """`lines` to bench/results/`name`."""
    target = BASE_DIR / "bench" / "results" / name
    target.write_text("\n".join(lines))
    print(target)


if __name__ == "__main__":
    main()
