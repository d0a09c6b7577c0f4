"""The plans of intake's matching statements, planned for each run's values and planned once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mach python bench/explain_plans.py

Reads the database `national.py --keep-data` measures (`<name>_national_bench`, 1,000,000
contacts). Matches one contact's people as intake does (two children on record and their
household's adult, one new child and one new adult), in a transaction rolled back, and keeps
the statements it ran: the exact matches, the household's adults and the proposals for the new
records. Each is then prepared and run under `EXPLAIN (ANALYZE, BUFFERS)`, with
`plan_cache_mode` set to plan it for its values (PostgreSQL's choice for these statements) and
then to plan it once (what `rows.plan_once` sets), three times each, the last shown. Writes
Markdown to bench/results/explain-plans.md.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

import national  # noqa: E402
from explain_indexes import section, write  # noqa: E402

# A mark of each statement kept: the matching, the household, the proposals.
STATEMENTS = {
    "the exact matches": "unnest(",
    "the household's adults": "FROM mach_relationship WHERE child_id = ANY",
    "the proposals for the new records": "INSERT INTO mach_matchproposal",
}
MODES = {
    "Planned for its values (`force_custom_plan`)": "force_custom_plan",
    "Planned once (`force_generic_plan`)": "force_generic_plan",
}


def intake_statements() -> dict[str, tuple[str, Any]]:
    """The statements one intake's matching runs, with their values, in a transaction rolled
    back: nothing is written."""
    from django.db import connection, transaction

    from mach.models import Kind, Person, Relationship
    from mach.services import PersonInput
    from mach.services.contacts import match_people
    from mach.services.people import propose_matches

    adult_link = (
        Relationship.objects.filter(
            person__kind=Kind.ADULT,
            child__date_of_birth__isnull=False,
            child__merged_into__isnull=True,
        )
        .exclude(child__normalised_postcode="")
        .select_related("person", "child")
        .order_by("-id")
        .first()
    )
    assert adult_link is not None, "Load the national database first (bench/national.py)."
    child, adult = adult_link.child, adult_link.person
    sibling = (
        Person.objects.filter(kind=Kind.CHILD, date_of_birth__isnull=False)
        .exclude(normalised_postcode="")
        .exclude(pk=child.pk)
        .order_by("-id")
        .first()
    )
    assert sibling is not None

    def named(person: Person, nhs_number: str = "") -> PersonInput:
        return PersonInput(
            first_name=person.first_name,
            last_name=person.last_name,
            date_of_birth=person.date_of_birth,
            nhs_number=nhs_number,
            address={"postcode": person.postcode},
        )

    # One child named by details alone, one by NHS number: both ways of matching.
    children = [named(child), named(sibling, sibling.nhs_number)]
    children.append(PersonInput(first_name="Ada", last_name="Quint", address=children[0].address))
    adults = [named(adult), PersonInput(first_name="Bo", last_name="Quint")]
    ran: dict[str, tuple[str, Any]] = {}

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        for title, mark in STATEMENTS.items():
            if mark in sql:
                ran.setdefault(title, (sql, params))
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(keep):
        matches = match_people(children=children, adults=adults)
        propose_matches(match for _role, _data, match in matches)
        transaction.set_rollback(True)
    # The new records were rolled back: the proposals are explained for two records on file
    # instead, so that the lookups of their candidates run.
    sql, params = ran["the proposals for the new records"]
    values = list(params)
    values[2] = values[4] = [child.pk, adult.pk]  # the new records' ids, both places they go
    ran["the proposals for the new records"] = (sql, values)
    return ran


def explained(url: str, sql: str, params: Any, mode: str) -> list[str]:
    """`EXPLAIN (ANALYZE, BUFFERS)` of the statement prepared, run thrice under `mode` in a
    transaction rolled back; the last run's plan."""
    import psycopg

    # psycopg numbers named values in the order they first appear.
    ordered = (
        [params[name] for name in dict.fromkeys(re.findall(r"%\((\w+)\)s", sql))]
        if isinstance(params, dict)
        else list(params)
    )
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(f"SET plan_cache_mode = {mode}")
        cursor.execute(sql, params, prepare=True)
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE NOT from_sql")
        (name,) = cursor.fetchone() or ("",)
        values = psycopg.ClientCursor(connection).mogrify(", ".join(["%s"] * len(ordered)), ordered)
        for _ in range(3):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE {name}({values})")
            lines = [line for (line,) in cursor.fetchall()]
        connection.rollback()
    return lines


def main() -> None:
    url = national.bench_url()
    national.prepare(url, True)
    out = [
        "# Intake's matching statements, planned for their values and planned once",
        "",
        f"Written by `bench/explain_plans.py` at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, on the",
        "national database (1,000,000 contacts). `rows.plan_once` sets `force_generic_plan`.",
        "",
    ]
    for title, (sql, params) in intake_statements().items():
        plans = [(heading, explained(url, sql, params, mode)) for heading, mode in MODES.items()]
        out += section(title, " ".join(sql.split()), plans)
        print(title, "done", flush=True)
    write("explain-plans.md", out)


if __name__ == "__main__":
    main()
