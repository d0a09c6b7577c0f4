"""The floor intake is measured against: plain SQL writing the rows the API's intake wrote.

`capture_intake_rows` reads back, for each contact the API made in the measured window, every
row its intake wrote (the contact, the people it created, their links, match proposals,
relationships, the event and the access-log rows). `FloorWriter` writes a copy of each
contact's rows with psycopg alone, one transaction per contact, from as many connections at
once as the API had clients: no HTTP, no Django, no validation, no matching. The API's rate as a
share of this one says what the service costs above the database's own work.

The copies are real rows in the same database (new ids; foreign keys to rows the copy creates
point at the copies, to rows that existed before at the same rows; NHS numbers dropped, since
each may be on one record only). Values are read and prepared before the clock starts.

`profile_intake` runs intakes in this process under cProfile and says where the time goes.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

# The intake's tables in the order a copy writes them (each after what it refers to).
PERSON, PROPOSAL, CONTACT, LINK, RELATIONSHIP, EVENT, ACCESS = (
    "mach_person",
    "mach_matchproposal",
    "mach_contact",
    "mach_contactperson",
    "mach_relationship",
    "mach_event",
    "mach_accesslog",
)
# Foreign-key columns of each table that may point at a row the same intake created.
REMAPPED = {
    PERSON: {},
    PROPOSAL: {"person_id": PERSON, "candidate_id": PERSON},
    CONTACT: {},
    LINK: {"contact_id": CONTACT, "person_id": PERSON},
    RELATIONSHIP: {"person_id": PERSON, "child_id": PERSON},
    EVENT: {"object_id": CONTACT},
    ACCESS: {"child_id": PERSON},
}


@dataclass
class Row:
    table: str
    old_id: int
    values: dict[str, Any]


@dataclass
class IntakeRows:
    """What one intake wrote, in writing order."""

    rows: list[Row] = field(default_factory=list)


def _last_ids(cursor: Any) -> dict[str, int]:
    ids = {}
    for table in REMAPPED:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        ids[table] = cursor.fetchone()[0]
    return ids


def last_ids(url: str) -> dict[str, int]:
    """The highest id of each intake table: call before the measured intake."""
    import psycopg

    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        return _last_ids(cursor)


def capture_intake_rows(url: str, before: dict[str, int]) -> list[IntakeRows]:
    """Every row written since `before`, grouped by the contact whose intake wrote it."""
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(url) as connection, connection.cursor(row_factory=dict_row) as cursor:
        cursor.execute(
            "SELECT id FROM django_content_type WHERE app_label = 'mach' AND model = 'contact'"
        )
        event_type_id = cursor.fetchone()["id"]

        def new_rows(table: str, where: str = "TRUE", *args: Any) -> list[dict[str, Any]]:
            cursor.execute(
                f"SELECT * FROM {table} WHERE id > %s AND {where} ORDER BY id",
                (before[table], *args),
            )
            return cursor.fetchall()

        contacts = new_rows(CONTACT)
        links = new_rows(LINK)
        people = {row["id"]: row for row in new_rows(PERSON)}
        proposals = new_rows(PROPOSAL)
        relationships = new_rows(RELATIONSHIP)
        events = new_rows(EVENT, "content_type_id = %s", event_type_id)
        access = new_rows(ACCESS, "action = 'create' AND via LIKE %s", "/api/v1/contacts/%")

    links_of: dict[int, list[dict[str, Any]]] = {}
    for link in links:
        links_of.setdefault(link["contact_id"], []).append(link)
    intakes = []
    for contact in contacts:
        mine = [link["person_id"] for link in links_of.get(contact["id"], [])]
        made = [person_id for person_id in mine if person_id in people]
        rows = [Row(PERSON, pid, people[pid]) for pid in made]
        rows += [Row(PROPOSAL, p["id"], p) for p in proposals if p["person_id"] in made]
        rows.append(Row(CONTACT, contact["id"], contact))
        rows += [Row(LINK, link["id"], link) for link in links_of.get(contact["id"], [])]
        rows += [
            Row(RELATIONSHIP, r["id"], r)
            for r in relationships
            if r["person_id"] in mine and r["child_id"] in mine
        ]
        rows += [Row(EVENT, e["id"], e) for e in events if e["object_id"] == contact["id"]]
        children = set(mine)
        logged = [a for a in access if a["child_id"] in children]
        rows += [Row(ACCESS, a["id"], a) for a in logged[: len(children)]]
        intakes.append(IntakeRows(rows))
    return intakes


def _statement(table: str, columns: Sequence[str]) -> str:
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join(["%s"] * len(columns))
    # As the intake does: a relationship or proposal already on record is left as it is.
    skip = " ON CONFLICT DO NOTHING" if table in (RELATIONSHIP, PROPOSAL) else ""
    return f"INSERT INTO {table} ({names}) VALUES ({marks}){skip} RETURNING id"


def json_columns(url: str) -> set[tuple[str, str]]:
    """(table, column) of the intake tables' JSON columns: a list there is JSON, elsewhere an
    array (`mach_person.disabilities`)."""
    import psycopg

    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE data_type IN ('json', 'jsonb') AND table_name = ANY(%s)",
            [list(REMAPPED)],
        )
        return {(table, column) for table, column in cursor.fetchall()}


def _prepared(
    intake: IntakeRows, json: set[tuple[str, str]]
) -> list[tuple[str, str, list[Any], list[tuple[int, str]]]]:
    """Each row as (table, statement, values, [(index of a remapped value, its table)])."""
    from psycopg.types.json import Jsonb

    prepared = []
    for row in intake.rows:
        values = {name: value for name, value in row.values.items() if name != "id"}
        if row.table == PERSON:
            values["nhs_number"] = ""
        columns = list(values)
        params = [
            Jsonb(value) if (row.table, name) in json else value for name, value in values.items()
        ]
        remaps = [
            (columns.index(name), target)
            for name, target in REMAPPED[row.table].items()
            if name in values
        ]
        prepared.append((row.table, _statement(row.table, columns), params, remaps))
    return prepared


class FloorWriter:
    """Writes copies of intakes' rows with psycopg alone, one transaction per contact, from
    `concurrency` connections at once, opened before any clock starts and kept open between
    `write` calls (so that the floor can be taken in slices, between slices of the API)."""

    def __init__(self, url: str, concurrency: int) -> None:
        import threading

        import psycopg

        self.url = url
        self.json = json_columns(url)
        self.connections: list[psycopg.Connection[Any]] = []
        self.local = threading.local()
        self.pool = ThreadPoolExecutor(concurrency)
        # Enough calls that every thread has opened its connection.
        list(self.pool.map(lambda _: self._connection(), range(concurrency * 4)))

    def _connection(self) -> Any:
        import psycopg

        if getattr(self.local, "connection", None) is None:
            self.local.connection = psycopg.connect(self.url)
            self.connections.append(self.local.connection)
        return self.local.connection

    def write(self, intakes: Sequence[IntakeRows]) -> tuple[float, list[float]]:
        """Seconds to write a copy of every intake, and each one's seconds."""
        plans = [(intake, _prepared(intake, self.json)) for intake in intakes]
        started = time.perf_counter()
        latencies = list(self.pool.map(self._write_one, plans))
        return time.perf_counter() - started, latencies

    def _write_one(
        self,
        plan: tuple[IntakeRows, list[tuple[str, str, list[Any], list[tuple[int, str]]]]],
    ) -> float:
        intake, statements = plan
        started = time.perf_counter()
        new_ids: dict[tuple[str, int], int] = {}
        db = self._connection()
        with db.transaction(), db.cursor() as cursor:
            for row, (table, sql, params, remaps) in zip(intake.rows, statements, strict=True):
                values = list(params)
                for index, target in remaps:
                    values[index] = new_ids.get((target, values[index]), values[index])
                cursor.execute(sql, values)
                inserted = cursor.fetchone()
                if inserted is not None:
                    new_ids[(table, row.old_id)] = inserted[0]
        return time.perf_counter() - started

    def close(self) -> None:
        self.pool.shutdown()
        for opened in self.connections:
            opened.close()


def floor_summary(
    intakes: Sequence[IntakeRows], seconds: float, latencies: Sequence[float], concurrency: int
) -> dict[str, Any]:
    """The rate and latency of writing `intakes`' copies, which took `seconds` in all."""
    rows = Counter(row.table for intake in intakes for row in intake.rows)
    return {
        "contacts": len(intakes),
        "concurrency": concurrency,
        "rows_per_contact": {
            table: round(count / max(1, len(intakes)), 2) for table, count in rows.items()
        },
        "contacts_per_second": round(len(intakes) / seconds, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p95_ms": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))] * 1000, 2),
    }


def profile_intake(post: Callable[[int], Any], posts: int) -> dict[str, Any]:
    """Run `post(serial)` `posts` times in this process under cProfile, with the time each
    spends waiting on PostgreSQL measured apart; the functions that cost most, by own time."""
    from django.db import connection

    in_database: list[float] = []

    def timed(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_database.append(time.perf_counter() - started)

    # The first request of a process loads what every later one reuses; it is not an intake's.
    post(posts)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        profiler.enable()
        for serial in range(posts):
            post(serial)
        profiler.disable()
    elapsed = time.perf_counter() - started
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream).sort_stats("tottime")
    stats.print_stats(15)
    own = stream.getvalue()
    stream = io.StringIO()
    # The project's own functions by the time spent in them and what they call.
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(
        r"/(mach|triage)/", 15
    )
    return {
        "posts": posts,
        "ms_per_post": round(elapsed / posts * 1000, 2),
        "database_ms_per_post": round(sum(in_database) / posts * 1000, 2),
        "queries_per_post": round(len(in_database) / posts, 1),
        "top_functions_by_own_time": _table(own),
        "project_functions_by_cumulative_time": _table(stream.getvalue()),
    }


def _table(printed: str) -> list[str]:
    """pstats' table, from its heading line on."""
    lines = [line.strip() for line in printed.splitlines() if line.strip()]
    heading = next((n for n, line in enumerate(lines) if line.startswith("ncalls")), 0)
    return lines[heading:]
