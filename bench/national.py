"""Benchmark at national scale: a million contacts with every workflow's rows, loaded by SQL.

    DATABASE_URL=... REDIS_URL=... python bench/national.py [--contacts 1000000] [--rounds 60]

Runs against its own database (the configured one with `_national_bench` appended), which it
drops and recreates. Every row is written by `INSERT ... SELECT ... FROM generate_series`, one
statement per table, never through the API or the ORM: ids are given (contact `g` is id `g`,
its family's people `3f-2`, `3f-1`, `3f`), so that each table can name the rows of another
without reading them back. The shares follow a council's year (see `SHARES`); one family
(`CHRONOLOGY_FAMILY`) is given 40 chronology entries across two siblings and their household.

Then, in-process through Django's test client (the view, its queries and its template, no web
server) with the service's production settings (DEBUG off; `--debug` for the development
ones), it measures p50/p95 of: the worklist, `GET /api/v1/contacts/?overdue=true`, that
child's chronology, the oversight queue, a domestic-abuse triage meeting with 30 items on its
agenda, the alerts list and the dashboard for a quarter; a sweep with 10,000 due rows and an
idle sweep; and queries per page at two page sizes. Where a figure misses its target, the plan
of the slowest query is written with it. Prints a JSON report and writes it to bench/results/.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

import machine  # noqa: E402
import synthetic  # noqa: E402
from contacts import bench_environment, latency_summary, recreate_database  # noqa: E402

AGENDA = 30
SWEEP_DUE = 10_000
CHRONOLOGY_FAMILY = 5  # contact/family serial of the child with 40 chronology entries
TARGETS_MS = {"list": 50.0, "dashboard": 300.0, "sweep": 2000.0, "idle_sweep": 50.0}

# Shares of contacts (per thousand unless said), as a front door's year: most contacts are
# decided within a day; a third of decided ones screened in full, a third of those referred.
SHARES = {
    "repeat_families_per_10": 3,  # contacts naming a family already on record
    "open_recent_days": 3,  # contacts received in the last 3 days are still open
    "open_stragglers_per_1000": 2,  # and 0.2% older ones, overdue
    "screened_per_1000": 300,
    "referred_per_1000": 100,
    "assessed_per_1000": 50,
    "strategy_per_1000": 15,  # of referrals' contacts: a strategy discussion
    "edt_per_1000": 40,
    "access_log_per_contact": 3,
    "da_notifications_per_contact": 0.25,
    "homeless_per_contact": 0.01,
    "audits_per_contact": 0.005,
}


def bench_url() -> str:
    parts = urlsplit(os.environ.get("DATABASE_ADMIN_URL") or os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/") or "mach"
    return urlunsplit(parts._replace(path=f"/{name}_national_bench"))


# --- SQL bulk loading -----------------------------------------------------------------------


def column_defaults(model: Any) -> dict[str, tuple[str, list[Any]]]:
    """SQL for every NOT NULL column the caller does not give: the field's default (a literal
    parameter), `now()` for creation times, '' for text, the first choice, false, 0. A required
    foreign key without a value is an error (the caller must say which row it names)."""
    from django.db import connection, models

    values: dict[str, tuple[str, list[Any]]] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.null:
            continue
        if field.is_relation:
            values[field.column] = ("", [])  # required: the caller must give it
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values[field.column] = ("now()", [])
        elif field.has_default():
            default = field.get_default()
            if isinstance(default, datetime):
                values[field.column] = ("now()", [])
            else:
                values[field.column] = ("%s", [field.get_db_prep_save(default, connection)])
        elif isinstance(field, models.DateTimeField):
            values[field.column] = ("now()", [])
        elif isinstance(field, models.DateField):
            values[field.column] = ("current_date", [])
        elif field.choices:
            values[field.column] = ("%s", [field.choices[0][0]])
        elif isinstance(field, models.BooleanField):
            values[field.column] = ("false", [])
        elif isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
            values[field.column] = ("0", [])
        elif isinstance(field, models.JSONField):
            values[field.column] = ("'{}'::jsonb", [])
        else:
            values[field.column] = ("''", [])
    return values


def insert(model: Any, source: str, values: dict[str, str], params: Sequence[Any] = ()) -> int:
    """`INSERT INTO <model's table> (...) SELECT <values, then defaults> <source>`; `source` is
    the FROM clause (e.g. `FROM generate_series(1, %s) AS g`) and `params` its parameters, which
    follow the defaults' own. Returns the rows written."""
    from django.db import connection

    columns = column_defaults(model)
    names = [field.column for field in model._meta.concrete_fields]
    unknown = set(values) - set(names)
    if unknown:
        raise ValueError(f"{model._meta.db_table} has no column {sorted(unknown)}")
    chosen, expressions, arguments = [], [], []
    for column in names:
        if column in values:
            chosen.append(column)
            expressions.append(values[column])
        elif column in columns:
            sql, args = columns[column]
            if not sql:
                raise ValueError(f"{model._meta.db_table}.{column} needs a value")
            chosen.append(column)
            expressions.append(sql)
            arguments.extend(args)
    statement = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(chosen)}) "
        f"SELECT {', '.join(expressions)} {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*arguments, *params])
        return cursor.rowcount


def reset_sequences(models: Sequence[Any]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" greatest((SELECT max(id) FROM {table}), 1))"
            )


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# A contact `g`'s family: its own (`g`) unless it repeats an earlier family (3 in 10), then an
# earlier serial whose last digit is 3..9 (those always start a family of their own).
# (A hash of g first: `g * k % (g - 10)` alone is `10 k % (g - 10)`, one family for every g
# past 10 k, which gave the meeting's people 800,000 contacts in a first run.)
FAMILY = (
    "(CASE WHEN g %% 10 < 3 AND g > 20 THEN"
    " (abs(hashint4(g))::bigint %% (g - 10)) / 10 * 10 + 3 + g %% 7 ELSE g END)"
)
# A pseudo-random number 0..999 from a contact's serial, for the shares.
DRAW = "(abs(hashint4(g + 1000000007)) %% 1000)"


def load(count: int) -> dict[str, Any]:
    """Every table's rows for `count` contacts, in `SHARES`; returns rows written per table."""
    from mach.models import Team, User
    from triage.domestic_abuse.services import meeting_create

    started = time.perf_counter()
    team = Team.objects.intake().pk
    partner = User.objects.get(username="bench.partner")
    users = {
        "team": team,
        "partner": partner.pk,
        "partner_team": partner.team_id,
        "worker": User.objects.get(username="bench.worker").pk,
        "manager": User.objects.get(username="bench.manager").pk,
    }
    rows = load_contacts(1, count, users=users, family=FAMILY, draw=DRAW, total=count)
    # The child of CHRONOLOGY_FAMILY: ten more contacts about the family, each screened and
    # referred (a contact, a screening and a referral per sibling: four entries each).
    extra = load_contacts(
        count + 1,
        count + 10,
        users=users,
        family=str(CHRONOLOGY_FAMILY),
        draw="60",
        total=count,
    )
    for table, n in extra.items():
        rows[table] = rows.get(table, 0) + n
    rows |= load_workflows(count, users=users)
    execute("VACUUM ANALYZE")
    worker = User.objects.get(username="bench.worker")
    meeting = meeting_create(actor=worker, date=datetime.now(UTC).date())
    rows["da_meeting_agenda"] = meeting.notifications.count()
    rows["load_seconds"] = round(time.perf_counter() - started, 1)
    rows["meeting_id"] = meeting.pk
    return rows


def load_contacts(
    first: int, last: int, *, users: dict[str, int], family: str, draw: str, total: int
) -> dict[str, int]:
    """Contacts `first`..`last` (ids = serials `g`), their people (new families only), links,
    relationships, screenings, referrals, assessments, access-log rows and alerts."""
    from assessments.models import Assessment
    from mach.models import (
        AccessLog,
        Alert,
        Contact,
        ContactPerson,
        Person,
        Referral,
        Relationship,
    )
    from triage.models import Screening

    series = f"FROM generate_series({first}, {last}) AS g"
    # Over the last year; serials past `total` (the chronology family's) a month apart before.
    received = (
        f"(CASE WHEN g <= {total} THEN now() - interval '365 days' * ({total} - g) / {total}"
        f" ELSE now() - interval '30 days' * (g - {total}) END)"
    )
    is_open = (
        f"({received} > now() - interval '{SHARES['open_recent_days']} days'"
        f" OR {draw} < {SHARES['open_stragglers_per_1000']})"
    )
    screened = f"{draw} < {SHARES['screened_per_1000']}"
    referred = f"(NOT {is_open} AND {draw} < {SHARES['referred_per_1000']})"
    rows: dict[str, int] = {}
    rows["contacts"] = insert(
        Contact,
        series,
        {
            "id": "g",
            "received_at": received,
            "state": f"CASE WHEN {is_open} THEN 'received' ELSE 'decided' END",
            "outcome": (
                f"CASE WHEN {is_open} THEN '' WHEN {referred} THEN 'assessment' ELSE 'nfa' END"
            ),
            "decided_at": f"CASE WHEN {is_open} THEN NULL ELSE {received} + interval '3 hours' END",
            "decision_due_at": f"{received} + interval '1 day'",
            "channel": "'api'",
            "source": "'6'",
            "referrer_name": "'PC Bench'",
            "concerns": "'Synthetic contact.'",
            "parental_awareness": "'informed_and_consents'",
            "rag": "(ARRAY['red','amber','green',''])[1 + g %% 4]",
            "team_id": str(users["team"]),
            "submitted_by_id": str(users["partner"]),
            "submitting_team_id": str(users["partner_team"]),
            # Open contacts were alerted and escalated already: nothing left to sweep.
            "alert_level": f"CASE WHEN {is_open} THEN 2 ELSE 0 END",
        },
    )
    first_names = [name for name in synthetic.FIRST_NAMES]
    last_names = [name for name in synthetic.LAST_NAMES]
    new_family = f"({family}) = g"
    rows["people"] = insert(
        Person,
        f"{series} CROSS JOIN generate_series(0, 2) AS k"
        f" CROSS JOIN (SELECT %s::text[] AS firsts, %s::text[] AS lasts) AS names"
        f" WHERE {new_family}",
        {
            "id": "3 * g - 2 + k",
            "kind": "CASE WHEN k < 2 THEN 'child' ELSE 'adult' END",
            "first_name": "firsts[1 + (g * 31 + k * 7) %% cardinality(firsts)]",
            "last_name": "lasts[1 + (g * 17) %% cardinality(lasts)]",
            "normalised_first_name": "lower(firsts[1 + (g * 31 + k * 7) %% cardinality(firsts)])",
            "normalised_last_name": "lower(lasts[1 + (g * 17) %% cardinality(lasts)])",
            "date_of_birth": (
                "CASE WHEN k < 2 THEN date '2008-01-01' + (g * 37 + k * 800) %% 6200"
                " ELSE date '1975-01-01' + (g * 13) %% 9000 END"
            ),
            "postcode": "'TS' || (1 + g %% 29) || ' ' || (1 + g %% 9) || 'AB'",
            "normalised_postcode": "'TS' || (1 + g %% 29) || (1 + g %% 9) || 'AB'",
            "nhs_number": "CASE WHEN k < 2 THEN lpad((900000000 + g * 3 + k)::text, 10, '9')"
            " ELSE '' END",
        },
        [first_names, last_names],
    )
    rows["contact_people"] = insert(
        ContactPerson,
        f"{series} CROSS JOIN generate_series(0, 2) AS k",
        {
            "contact_id": "g",
            "person_id": f"3 * ({family}) - 2 + k",
            "role": "CASE WHEN k < 2 THEN 'child' ELSE 'adult' END",
            "matched_existing": f"NOT {new_family}",
            "relationship": "CASE WHEN k < 2 THEN '' ELSE 'mother' END",
            "position": "k",
        },
    )
    rows["relationships"] = insert(
        Relationship,
        f"{series} CROSS JOIN generate_series(0, 2) AS k WHERE {new_family}",
        {
            "person_id": "CASE WHEN k < 2 THEN 3 * g ELSE 3 * g - 2 END",
            "child_id": "CASE WHEN k = 0 THEN 3 * g - 2 ELSE 3 * g - 1 END",
            "kind": "CASE WHEN k < 2 THEN 'parent' ELSE 'household_member' END",
            "description": "CASE WHEN k < 2 THEN 'mother' ELSE '' END",
        },
    )
    # Screened: agreed by a manager when decided; awaiting oversight when still open.
    rows["screenings"] = insert(
        Screening,
        f"{series} WHERE {screened}",
        {
            "contact_id": "g",
            "team_id": str(users["team"]),
            "state": f"CASE WHEN {is_open} THEN 'submitted' ELSE 'agreed' END",
            "threshold_level": f"CASE WHEN {referred} THEN 4 ELSE 2 END",
            "rag": "'amber'",
            "childs_voice": "'Synthetic child''s voice.'",
            "history_analysis": "'Synthetic history.'",
            "parents_consulted": "true",
            "analysis": "'Synthetic analysis.'",
            "recommended_outcome": f"CASE WHEN {referred} THEN 'assessment' ELSE 'nfa' END",
            "screened_by_id": str(users["worker"]),
            "submitted_at": f"{received} + interval '1 hour'",
            "oversight_due_at": f"{received} + interval '5 hours'",
            "oversight_decision": f"CASE WHEN {is_open} THEN '' ELSE 'agree' END",
            "oversight_outcome": (
                f"CASE WHEN {is_open} THEN '' WHEN {referred} THEN 'assessment' ELSE 'nfa' END"
            ),
            "overseen_by_id": f"CASE WHEN {is_open} THEN NULL ELSE {users['manager']} END",
            "overseen_at": (
                f"CASE WHEN {is_open} THEN NULL ELSE {received} + interval '3 hours' END"
            ),
        },
    )
    rows["referrals"] = insert(
        Referral,
        f"{series} CROSS JOIN generate_series(0, 1) AS k WHERE {referred}",
        {
            "id": "2 * g - 1 + k",
            "contact_id": "g",
            "child_id": f"3 * ({family}) - 2 + k",
            "team_id": str(users["team"]),
            "referral_date": f"({received})::date",
            "outcome": "'assessment'",
            "is_rereferral": f"NOT {new_family}",
        },
    )
    assessed = f"{referred} AND {draw} < {SHARES['assessed_per_1000']}"
    due_on = f"(({received})::date + 63)"
    rows["assessments"] = insert(
        Assessment,
        f"{series} CROSS JOIN generate_series(0, 1) AS k WHERE {assessed}",
        {
            "id": "2 * g - 1 + k",
            "referral_id": "2 * g - 1 + k",
            "child_id": f"3 * ({family}) - 2 + k",
            "team_id": str(users["team"]),
            "state": f"CASE WHEN {due_on} < current_date THEN 'completed' ELSE 'open' END",
            "started_on": f"({received})::date",
            "due_on": due_on,
            "next_alert_at": f"CASE WHEN {due_on} < current_date THEN NULL"
            f" ELSE {due_on} + time '17:00' END",
            "outcome": f"CASE WHEN {due_on} < current_date THEN 'closure' ELSE '' END",
            "closure_reason": f"CASE WHEN {due_on} < current_date THEN 'RC8' ELSE '' END",
        },
    )
    per_contact = SHARES["access_log_per_contact"]
    rows["access_log"] = insert(
        AccessLog,
        f"{series} CROSS JOIN generate_series(1, {per_contact}) AS k",
        {
            "user_id": str(users["worker"]),
            "child_id": f"3 * ({family}) - 2 + k %% 2",
            "at": f"{received} + interval '1 hour' * k",
            "action": "'view'",
            "via": "'/contacts/' || g || '/'",
        },
    )
    from django.contrib.contenttypes.models import ContentType

    contact_type = ContentType.objects.get_for_model(Contact).pk
    rows["alerts"] = insert(
        Alert,
        f"{series} CROSS JOIN generate_series(1, 2) AS k WHERE {is_open}"
        f" AND {received} + interval '1 day' < now()",
        {
            "kind": "'contact_decision'",
            "level": "k",
            "content_type_id": str(contact_type),
            "object_id": "g",
            "team_id": str(users["team"]),
            "due_at": f"{received} + interval '1 day'",
            "message": "'Contact decision overdue.'",
            "created_at": f"{received} + interval '1 day' + interval '1 hour' * k",
            "notified_at": f"{received} + interval '1 day' + interval '1 hour' * k",
        },
    )
    return rows


def load_workflows(count: int, *, users: dict[str, int]) -> dict[str, int]:
    """The later workflows' rows, in `SHARES`, about the families the contacts named."""
    from assessments.homeless.models import HomelessPresentation
    from mach.models import CaseAudit
    from safety_plans.models import SafetyPlan, SafetyPlanVersion
    from strategy_meetings.models import (
        Conference,
        DiscussionChild,
        S47Enquiry,
        StrategyDiscussion,
    )
    from triage.domestic_abuse.models import DomesticAbuseNotification, NotifiedPerson
    from triage.edt.models import EdtHandover

    series = f"FROM generate_series(1, {count}) AS g"
    received = f"(now() - interval '365 days' * ({count} - g) / {count})"
    settled = f"{received} < now() - interval '7 days'"
    discussed = (
        f"{DRAW} < {SHARES['strategy_per_1000']} AND {settled}"
        f" AND {DRAW} >= {SHARES['open_stragglers_per_1000']}"  # stragglers are still open
    )
    family = FAMILY
    rows: dict[str, int] = {}
    rows["strategy_discussions"] = insert(
        StrategyDiscussion,
        f"{series} WHERE {discussed}",
        {
            "id": "g",
            "contact_id": "g",
            "team_id": str(users["team"]),
            "state": "'decided'",
            "rag": "'red'",
            "reasonable_cause": "'Synthetic cause.'",
            "due_at": f"{received} + interval '1 day'",
            "held_at": f"{received} + interval '20 hours'",
            "analysis": "'Synthetic analysis.'",
            "requested_by_id": str(users["worker"]),
        },
    )
    rows["discussion_children"] = insert(
        DiscussionChild,
        f"{series} CROSS JOIN generate_series(0, 1) AS k WHERE {discussed}",
        {
            "discussion_id": "g",
            "child_id": f"3 * ({family}) - 2 + k",
            "referral_id": "2 * g - 1 + k",
            "decision": "'s47_single_agency'",
        },
    )
    rows["s47_enquiries"] = insert(
        S47Enquiry,
        f"{series} CROSS JOIN generate_series(0, 1) AS k WHERE {discussed}",
        {
            "id": "2 * g - 1 + k",
            "discussion_id": "g",
            "child_id": f"3 * ({family}) - 2 + k",
            "state": "'completed'",
            "started_on": f"({received})::date + 1",
            "lead_practitioner_id": str(users["worker"]),
            "outcome": "'substantiated'",
            "completed_at": f"{received} + interval '6 days'",
        },
    )
    conferred = f"{discussed} AND {DRAW} < {SHARES['strategy_per_1000'] // 2}"
    rows["conferences"] = insert(
        Conference,
        f"{series} WHERE {conferred}",
        {
            "id": "g",
            "discussion_id": "g",
            "team_id": str(users["team"]),
            "state": "'held'",
            "due_date": f"({received})::date + 15",
            "held_on": f"({received})::date + 14",
            "outcome": "'cp_plan'",
        },
    )
    rows["safety_plans"] = insert(
        SafetyPlan,
        f"{series} CROSS JOIN generate_series(0, 1) AS k WHERE {discussed}",
        {
            "id": "2 * g - 1 + k",
            "team_id": str(users["team"]),
            "s47_enquiry_id": "2 * g - 1 + k",
            "state": "'agreed'",
            "agreed_at": f"{received} + interval '3 days'",
            "review_due_date": f"({received})::date + 90",
            "created_by_id": str(users["worker"]),
        },
    )
    rows["safety_plan_versions"] = insert(
        SafetyPlanVersion,
        f"{series} CROSS JOIN generate_series(0, 1) AS k CROSS JOIN generate_series(1, 2) AS v"
        f" WHERE {discussed}",
        {
            "plan_id": "2 * g - 1 + k",
            "number": "v",
            "state": "CASE WHEN v = 2 THEN 'agreed' ELSE 'superseded' END",
            "childs_words": "'Synthetic words.'",
            "family_version": "'Synthetic family version.'",
            "saved_by_id": str(users["worker"]),
            "saved_at": f"{received} + interval '1 day' * v",
            "agreed_at": f"CASE WHEN v = 2 THEN {received} + interval '3 days' END",
        },
    )
    edt = f"{DRAW} >= 900 AND {DRAW} < {900 + SHARES['edt_per_1000']}"
    rows["edt_handovers"] = insert(
        EdtHandover,
        f"{series} WHERE {edt}",
        {
            "contact_id": "g",
            "action_taken": "'Synthetic out-of-hours action.'",
            "state": f"CASE WHEN {settled} THEN 'acknowledged' ELSE 'handed_over' END",
            "handed_over_at": received,
            "handed_over_by_id": str(users["worker"]),
            "oversight_due_at": f"{received} + interval '1 day'",
            "acknowledged_at": f"CASE WHEN {settled} THEN {received} + interval '5 hours' END",
            "acknowledged_by_id": f"CASE WHEN {settled} THEN {users['manager']} END",
        },
    )
    # One notification for every fourth contact's family (its victim the family's adult); the
    # newest AGENDA await triage, for the meeting.
    every = round(1 / SHARES["da_notifications_per_contact"])
    notifications = count // every
    awaiting = f"g / {every} > {notifications - AGENDA}"
    rows["da_notifications"] = insert(
        DomesticAbuseNotification,
        f"{series} WHERE g %% {every} = 0",
        {
            "id": f"g / {every}",
            "police_reference": "'BENCH/' || g",
            "incident_at": f"{received} - interval '6 hours'",
            # Those awaiting triage arrived before today's meeting starts.
            "received_at": (
                f"{received} - CASE WHEN {awaiting} THEN interval '2 days' ELSE interval '0' END"
            ),
            "dash_level": "(ARRAY['standard','medium','high'])[1 + g %% 3]",
            "summary": "'Synthetic notification.'",
            "state": f"CASE WHEN {awaiting} THEN 'awaiting_triage' ELSE 'triaged' END",
            "triage_due_at": f"{received} + interval '1 day'",
            "team_id": str(users["team"]),
            "submitted_by_id": str(users["partner"]),
            "submitting_team_id": str(users["partner_team"]),
            "decision": f"CASE WHEN {awaiting} THEN '' ELSE 'information_only' END",
            "triaged_at": (
                f"CASE WHEN {awaiting} THEN NULL ELSE {received} + interval '20 hours' END"
            ),
        },
    )
    rows["da_notified_people"] = insert(
        NotifiedPerson,
        f"{series} CROSS JOIN generate_series(0, 2) AS k WHERE g %% {every} = 0",
        {
            "notification_id": f"g / {every}",
            "person_id": f"3 * ({family}) - 2 + (k + 2) %% 3",
            "role": "CASE WHEN k = 0 THEN 'victim' ELSE 'child' END",
            "matched_existing": "true",
            "position": "k",
        },
    )
    homeless_every = round(1 / SHARES["homeless_per_contact"])
    rows["homeless_presentations"] = insert(
        HomelessPresentation,
        f"{series} WHERE g %% {homeless_every} = 7",
        {
            "young_person_id": f"3 * ({family}) - 2",
            "team_id": str(users["team"]),
            "presented_at": received,
            "presented_on": f"({received})::date",
            "state": f"CASE WHEN {settled} THEN 'decided' ELSE 'presented' END",
            "assessment_due_date": f"({received})::date + 10",
            "recorded_by_id": str(users["worker"]),
        },
    )
    audit_every = round(1 / SHARES["audits_per_contact"])
    rows["case_audits"] = insert(
        CaseAudit,
        f"{series} WHERE g %% {audit_every} = 11",
        {
            "child_id": f"3 * ({family}) - 2",
            "subject_kind": "'contact'",
            "subject_id": "g",
            "auditor_id": str(users["manager"]),
            "practitioner_id": str(users["worker"]),
            "team_id": str(users["team"]),
            "state": f"CASE WHEN {settled} THEN 'closed' ELSE 'draft' END",
            "closed_at": f"CASE WHEN {settled} THEN {received} + interval '7 days' END",
            "created_at": received,
        },
    )
    return rows


# --- measuring ------------------------------------------------------------------------------


def timed(get: Callable[[], Any], rounds: int, warm_up: int = 3) -> dict[str, Any]:
    """p50/p95 of `rounds` calls of `get` (each must answer 200), after `warm_up` calls."""
    for _ in range(warm_up):
        get()
    latencies = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = get()
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"answered {response.status_code}")
    return {"rounds": rounds, **latency_summary(latencies)}


def slowest_query(get: Callable[[], Any]) -> tuple[int, float, str, float]:
    """(queries, seconds of the slowest, its SQL, seconds of all) of one call of `get`."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = get()
    if response.status_code != 200:
        raise RuntimeError(f"answered {response.status_code}")
    reads = [query for query in captured.captured_queries if query["sql"].startswith("SELECT")]
    slowest = max(reads, key=lambda query: float(query["time"]))
    total = sum(float(query["time"]) for query in captured.captured_queries)
    return len(captured), float(slowest["time"]), slowest["sql"], total


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [row[0] for row in cursor.fetchall()]


def clients() -> dict[str, Any]:
    from django.test import Client as DjangoClient
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from mach.models import User

    made: dict[str, Any] = {}
    for name in ("worker", "manager"):
        user = User.objects.get(username=f"bench.{name}")
        browser = DjangoClient(SERVER_NAME="localhost")
        browser.force_login(user)
        api = APIClient(SERVER_NAME="localhost")
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=user).key}")
        made[name], made[f"{name}_api"] = browser, api
    return made


def pages(meeting_id: int) -> dict[str, tuple[str, str, str]]:
    """The pages the issue times: name -> (client, path, target)."""
    child = 3 * CHRONOLOGY_FAMILY - 2
    today = datetime.now(UTC).date()
    quarter = f"from={(today - timedelta(days=91)).isoformat()}&to={today.isoformat()}"
    return {
        "worklist": ("worker", "/worklist/", "list"),
        "overdue_contacts_api": ("worker_api", "/api/v1/contacts/?overdue=true", "list"),
        "chronology_api": ("worker_api", f"/api/v1/children/{child}/chronology/", "list"),
        "oversight_queue": ("manager", "/oversight/", "list"),
        "da_triage_meeting": ("worker", f"/domestic-abuse/meetings/{meeting_id}/", "list"),
        "alerts_page": ("manager", "/alerts/", "list"),
        "alerts_api": ("manager_api", "/api/v1/alerts/", "list"),
        "dashboard_quarter": ("manager", f"/dashboard/?{quarter}", "dashboard"),
    }


def measure(count: int, meeting_id: int, rounds: int) -> dict[str, Any]:
    """Each page's p50/p95 against its target; for a page over target, the plan of its
    slowest query; queries per list at two page sizes; the sweeps."""
    made = clients()
    child = 3 * CHRONOLOGY_FAMILY - 2
    measured = pages(meeting_id)
    dashboard = measured["dashboard_quarter"][1]
    report: dict[str, Any] = {"summary": measure_summary(made["manager"], dashboard)}
    print("summary", json.dumps(report["summary"]), flush=True)
    # The summary's rebuild just wrote 400 days of rows: flushed now, not by the checkpointer
    # while the pages are timed, whose access-log commits would wait behind it.
    execute("CHECKPOINT")
    for name, (who, path, target) in measured.items():
        client = made[who]
        load_before = os.getloadavg()[0]
        figures = timed(lambda client=client, path=path: client.get(path), rounds)
        queries, slowest_seconds, sql, sql_seconds = slowest_query(
            lambda client=client, path=path: client.get(path)
        )
        figures |= {
            "path": path,
            "target_p95_ms": TARGETS_MS[target],
            "met": figures["p95_ms"] <= TARGETS_MS[target],
            "queries": queries,
            "slowest_query_ms": round(slowest_seconds * 1000, 1),
            "all_queries_ms": round(sql_seconds * 1000, 1),
            "load_average": [load_before, os.getloadavg()[0]],
        }
        if not figures["met"]:
            figures["slowest_query"] = sql
            figures["slowest_query_plan"] = explain(sql)
        report[name] = figures
        shown = {key: value for key, value in figures.items() if not key.startswith("slowest_q")}
        print(name, json.dumps(shown), flush=True)
    report["entries_in_chronology"] = chronology_entries(child)
    report["queries_by_page_size"] = {
        f"{name}_page_size_{size}": slowest_query(
            lambda client=made[who], path=path, size=size: client.get(path, {"page_size": size})
        )[0]
        for name, (who, path) in {
            "overdue_contacts_api": ("worker_api", "/api/v1/contacts/?overdue=true"),
            "alerts_api": ("manager_api", "/api/v1/alerts/"),
        }.items()
        for size in (10, 100)
    } | {
        f"worklist_page_{page}": slowest_query(
            lambda page=page: made["worker"].get("/worklist/", {"page": page})
        )[0]
        for page in (1, 20)
    }
    report["sweep"] = measure_sweep()
    return report


def measure_summary(manager: Any, dashboard: str) -> dict[str, Any]:
    """The dashboard counted live from the records (a few rounds: it is slow), then the
    management-information summary built for the last 400 days in one pass, as a first
    deployment's catch-up would, and the beat's recount of yesterday and today."""
    from django.utils import timezone

    from mach import figures
    from mach.models import DailyFigure, SummarisedDay

    SummarisedDay.objects.all().delete()
    DailyFigure.objects.all().delete()
    live = timed(lambda: manager.get(dashboard), 5, warm_up=1)
    today = timezone.localdate()
    started = time.perf_counter()
    figures.refresh(today - timedelta(days=400), today)
    built = time.perf_counter() - started
    recent = []
    for _ in range(10):
        started = time.perf_counter()
        figures.refresh(today - timedelta(days=1), today)
        recent.append(time.perf_counter() - started)
    return {
        "dashboard_quarter_live": live,
        "build_400_days_ms": round(built * 1000, 1),
        "recount_yesterday_and_today": latency_summary(recent),
        "summary_rows": DailyFigure.objects.count(),
        "summarised_days": SummarisedDay.objects.count(),
    }


def chronology_entries(child: int) -> int:
    from mach import chronology
    from mach.models import Relationship

    household = {child}
    for person, other in Relationship.objects.filter(person_id=3 * CHRONOLOGY_FAMILY).values_list(
        "person_id", "child_id"
    ):
        household |= {person, other}
    return len(chronology.entries_for(sorted(household)))


def measure_sweep() -> dict[str, Any]:
    """A sweep with SWEEP_DUE open contacts falling due at once (never alerted), then an idle
    one with nothing left to raise."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from mach.deadlines import sweep

    due = execute(
        "UPDATE mach_contact SET next_alert_at = now() - interval '1 minute', alert_level = 0"
        " WHERE id IN (SELECT id FROM mach_contact WHERE state = 'decided'"
        " ORDER BY id DESC LIMIT %s)",
        [SWEEP_DUE],
    )
    execute("ANALYZE mach_contact")
    load_before = os.getloadavg()[0]
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        claimed = sweep(now=timezone.now())
        first = time.perf_counter() - started
    sql_seconds = sum(float(query["time"]) for query in captured.captured_queries)
    idle = []
    for _ in range(20):
        started = time.perf_counter()
        sweep(now=timezone.now())
        idle.append(time.perf_counter() - started)
    report = {
        "due_rows": due,
        "claimed": claimed,
        "sweep_ms": round(first * 1000, 1),
        "sweep_queries": len(captured),
        "sweep_sql_ms": round(sql_seconds * 1000, 1),
        "sweep_met": first * 1000 <= TARGETS_MS["sweep"],
        "idle_sweep": latency_summary(idle),
        "idle_sweep_met": statistics.quantiles(idle, n=20)[-1] * 1000 <= TARGETS_MS["idle_sweep"],
        "load_average": [load_before, os.getloadavg()[0]],
    }
    if not report["idle_sweep_met"]:
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            sweep(now=timezone.now())
        reads = [query for query in captured.captured_queries if query["sql"].startswith("SELECT")]
        slowest = max(reads, key=lambda query: float(query["time"]))
        report["idle_sweep_queries"] = len(captured)
        report["idle_sweep_sql_ms"] = round(
            sum(float(query["time"]) for query in captured.captured_queries) * 1000, 1
        )
        report["idle_sweep_slowest_query"] = slowest["sql"]
        report["idle_sweep_slowest_query_plan"] = explain(slowest["sql"])
    if not report["sweep_met"]:
        report["sweep_profile"] = profile_sweep(due)
    return report


def profile_sweep(due: int) -> list[str]:
    """The same rows fall due again (their alerts exist, so none is written twice); the sweep
    under cProfile, its 25 costliest functions by cumulative time."""
    import cProfile
    import io
    import pstats

    from django.utils import timezone

    from mach.deadlines import sweep

    execute(
        "UPDATE mach_contact SET next_alert_at = now() - interval '1 minute', alert_level = 0"
        " WHERE id IN (SELECT id FROM mach_contact WHERE state = 'decided'"
        " ORDER BY id DESC LIMIT %s)",
        [due],
    )
    profiler = cProfile.Profile()
    profiler.runcall(sweep, now=timezone.now())
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return [line for line in out.getvalue().splitlines() if line.strip()]


def prepare(url: str, keep: bool, debug: bool = False) -> None:
    """The database, migrated, with the bench's users; this process set up as a web worker of
    the service: its production settings (DEBUG off, static files collected to a scratch
    folder), as the load and floor benchmarks serve, or the development ones (`--debug`)."""
    if not keep:
        recreate_database(url)
    static_root = tempfile.mkdtemp(prefix="mach-national-static-")
    atexit.register(shutil.rmtree, static_root, ignore_errors=True)
    os.environ.update(bench_environment(argparse.Namespace(debug=debug), url, static_root))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, check=True
    )
    # A web worker's start-up, as gunicorn runs it: settings, apps, URLconf, and what they
    # loaded moved out of the garbage collector's reach (mach/wsgi.py).
    import mach.wsgi  # noqa: F401

    if not keep:
        from contacts import create_users

        create_users()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument(
        "--keep-data", action="store_true", help="measure what an earlier run loaded"
    )
    parser.add_argument("--debug", action="store_true", help="development settings (DEBUG on)")
    args = parser.parse_args()
    url = bench_url()
    report: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(),
        "machine": machine.describe(),
        "database": urlsplit(url).path.lstrip("/"),
        "settings": (
            f"{'development (DEBUG on)' if args.debug else 'production (DEBUG off)'}, "
            "in-process test client"
        ),
    }
    prepare(url, args.keep_data, args.debug)
    from mach.models import (
        Contact,
        Person,
        Referral,
    )

    if args.keep_data:
        from triage.domestic_abuse.models import TriageMeeting

        report["load"] = {"contacts": Contact.objects.count(), "kept": True}
        meeting_id = TriageMeeting.objects.latest("pk").pk
    else:
        report["load"] = load(args.contacts)
        print("load", json.dumps(report["load"]), os.getloadavg(), flush=True)
        meeting_id = report["load"]["meeting_id"]
        from assessments.models import Assessment
        from safety_plans.models import SafetyPlan
        from strategy_meetings.models import S47Enquiry

        reset_sequences([Contact, Person, Referral, Assessment, S47Enquiry, SafetyPlan])
    report["machine"]["load_average_after_load"] = os.getloadavg()
    report["measured"] = measure(args.contacts, meeting_id, args.rounds)
    machine.finish(report["machine"])
    print(json.dumps(report, indent=2))
    results = BASE_DIR / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"national-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(
        json.dumps(report, indent=2)
    )


if __name__ == "__main__":
    main()
