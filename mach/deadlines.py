"""The timeliness engine: a registry of clocks and the sweep that raises overdue alerts.

Alert messages name records by reference, never a child: alerts are listed and emailed without
an access-log entry, and the page an alert links to (which logs the reading) shows who it is.

Each workflow registers the kinds of deadline it keeps (`mach.workflows.register_deadline_kind`)
in its `AppConfig.ready()`.
A registered model inherits `Timed`: the sweep finds rows whose `next_alert_at` has passed
through a partial index, locks them with SKIP LOCKED so that concurrent sweeps never claim the
same row, raises the alert for the next level and moves `next_alert_at` on (to the escalation
moment after the first alert, to null after the second) in one transaction. The unique
constraint on `Alert` is the last line: one alert per (item, kind, level), however often a
sweep runs, retries or overlaps another.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from . import workflows
from .models import Alert, AlertLevel, Contact, Referral
from .timescales import WorkingCalendar
from .workflows import DeadlineKind

# Rows claimed, alerted and advanced per transaction. Each batch costs a claim, a commit and a
# delivery task: 10,000 due rows at 1,000,000 contacts took 1.6-2.4 s in batches of 500 and
# 1.1-1.4 s in batches of 2,000 (issue 17), and a batch holds its rows' locks under a second.
SWEEP_BATCH_SIZE = 2000


def registered_kinds() -> Iterable[DeadlineKind]:
    return workflows.deadline_kinds.values()


def _local_date(moment: datetime | date) -> str:
    return f"{moment:%d %b %Y}"


def register_core_kinds() -> None:
    workflows.register_deadline_kind(
        DeadlineKind(
            key="contact_decision",
            model=Contact,
            label="Contact decision (1 working day)",
            describe=lambda contact: f"Decision on contact {contact.reference} is overdue",
            due_field="decision_due_at",
            done_field="decided_at",
        )
    )
    workflows.register_deadline_kind(
        DeadlineKind(
            key="rereferral",
            model=Referral,
            label="Re-referral within 12 months",
            describe=lambda referral: (
                f"Re-referral on contact {referral.contact.reference}: referred "
                f"{_local_date(referral.referral_date)}, previous referral "
                f"{_local_date(referral.previous_referral.referral_date)}"
            ),
            escalates=False,
            reads=(
                "contact__id",
                "referral_date",
                "previous_referral__referral_date",
                "team",
            ),
        )
    )


def sweep(*, now: datetime, only_ids: Iterable[int] | None = None, kind_key: str = "") -> int:
    """Raise every alert that is due at `now`; returns how many rows were claimed.

    `kind_key` and `only_ids` narrow the sweep to one kind's rows (used right after a write, so
    that a contact already overdue when recorded is alerted at once rather than at the next
    beat). Safe to run concurrently and repeatedly.
    """
    kinds = [kind for kind in registered_kinds() if not kind_key or kind.key == kind_key]
    if only_ids is None:
        kinds = _kinds_due(kinds, now=now)
    if not kinds:
        return 0
    calendar = WorkingCalendar.current()
    claimed = 0
    for kind in kinds:
        while True:
            count = _sweep_batch(kind, now=now, calendar=calendar, only_ids=only_ids)
            claimed += count
            if count < SWEEP_BATCH_SIZE:
                break
    return claimed


def _kinds_due(kinds: list[DeadlineKind], *, now: datetime) -> list[DeadlineKind]:
    """The kinds with a row due at `now`, asked in one round trip: an `EXISTS` per kind, each a
    probe of its partial index on `next_alert_at`. Most sweeps find nothing due, and claiming
    took a `SELECT ... JOIN ... FOR UPDATE SKIP LOCKED` per kind, ten times as long to plan as
    to run (bench/results/national-notes.md).

    Each probe reads its table, not the kind's default manager: a manager can only narrow
    what the claim sees, so a probe that finds a row the claim does not costs that one claim;
    and the probes' SQL is written, not compiled by the ORM, which cost more than the query.
    """
    if not kinds:
        return []
    probes = [
        f"EXISTS(SELECT 1 FROM {connection.ops.quote_name(kind.model._meta.db_table)} "
        f"WHERE {_quoted(kind.model._meta.get_field('next_alert_at'))} <= %s)"
        for kind in kinds
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(probes)}", [now] * len(kinds))
        found = cursor.fetchone()
    return [kind for kind, due in zip(kinds, found, strict=True) if due]


def _sweep_batch(
    kind: DeadlineKind,
    *,
    now: datetime,
    calendar: WorkingCalendar,
    only_ids: Iterable[int] | None,
) -> int:
    content_type = ContentType.objects.get_for_model(kind.model)
    with transaction.atomic():
        rows = kind.model._default_manager.filter(next_alert_at__lte=now)
        if only_ids is not None:
            rows = rows.filter(pk__in=list(only_ids))
        if relations := _relations(kind.reads):
            # Only these: `select_related()` with none named joins every non-null foreign key.
            rows = rows.select_related(*relations)
        claimed = list(
            rows.only("next_alert_at", "alert_level", *kind.reads)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("next_alert_at")[:SWEEP_BATCH_SIZE]
        )
        if not claimed:
            return 0
        alerts: list[dict[str, Any]] = []
        for row in claimed:
            assert row.next_alert_at is not None
            level = min(row.alert_level + 1, AlertLevel.ESCALATED)
            prefix = "" if level == AlertLevel.OVERDUE else "ESCALATED: "
            alerts.append(
                {
                    "kind": kind.key,
                    "level": level,
                    "content_type": content_type.pk,
                    "object_id": row.pk,
                    "team": kind.team_id(row),
                    "due_at": row.next_alert_at,
                    "message": f"{prefix}{kind.describe(row)}"[:300],
                }
            )
            row.next_alert_at = (
                calendar.add_working_days(row.next_alert_at, 1)
                if level == AlertLevel.OVERDUE and kind.escalates
                else None
            )
            row.alert_level = level
        _advance(kind, claimed)
        _insert_alerts(alerts)
        transaction.on_commit(_enqueue_alert_delivery, robust=True)
    return len(claimed)


def _relations(paths: Iterable[str]) -> list[str]:
    """The relations that lookup paths cross: `contact__team` crosses `contact`."""
    return sorted({path.rpartition("__")[0] for path in paths} - {""})


def _advance(kind: DeadlineKind, rows: list[Any]) -> None:
    """Store each claimed row's next alert moment and level in one statement: Django's
    `bulk_update` builds a CASE expression per row, which cost most of a large sweep's time
    (bench/results/national-notes.md)."""
    meta = kind.model._meta
    fields = [meta.pk, meta.get_field("next_alert_at"), meta.get_field("alert_level")]
    key, moment, level = (_quoted(field) for field in fields)
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {moment} = advanced.moment, {level} = advanced.level "
            f"FROM unnest({_arrays(fields)}) AS advanced(id, moment, level) "
            f"WHERE {table}.{key} = advanced.id",
            [
                [row.pk for row in rows],
                [row.next_alert_at for row in rows],
                [row.alert_level for row in rows],
            ],
        )


def _insert_alerts(alerts: list[dict[str, Any]]) -> None:
    """Write the alerts in one `INSERT ... SELECT FROM unnest(...)`, a column an array, leaving
    any already raised (same item, kind and level) as it is. Each alert gives the same fields,
    by name (a foreign key by its id); the other columns take a new alert's values, once for
    the batch (its `created_at` one moment). Django's `bulk_create` prepared each value of each
    alert on its own, and an `Alert` built for each was what came next in a large sweep's
    profile (bench/results/national-notes.md). Alert's columns are text, integers and moments,
    which psycopg adapts as they are."""
    fields = [field for field in Alert._meta.concrete_fields if not field.primary_key]
    names = ", ".join(_quoted(field) for field in fields)
    new = Alert()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(Alert._meta.db_table)} ({names}) "
            f"SELECT * FROM unnest({_arrays(fields)}) ON CONFLICT DO NOTHING",
            [
                [alert[field.name] for alert in alerts]
                if field.name in alerts[0]
                else [field.pre_save(new, True)] * len(alerts)
                for field in fields
            ],
        )


def _quoted(field: Any) -> str:
    assert isinstance(field, models.Field) and field.column is not None
    return connection.ops.quote_name(field.column)


def _arrays(fields: list[Any]) -> str:
    """One array parameter per field, cast to an array of its column's type (for unnest)."""
    return ", ".join(f"%s::{field.cast_db_type(connection)}[]" for field in fields)


def _enqueue_alert_delivery() -> None:
    from .services.common import publish
    from .tasks import deliver_alerts

    publish(deliver_alerts)
