"""Benchmark: the domestic-abuse triage meeting page with 30 notifications on its agenda, after
50,000 notifications (a year and more of a large force's) are loaded in bulk.

    python -m mach.launch exec -- python bench/da_triage.py [--notifications 50000] [--rounds 40]

Runs against a separate database (the configured one with `_da_bench` appended), which it
drops and recreates. The notifications are written with bulk_create, not the API: victims
recur (a victim in three has earlier notifications, so the history beside each item is full),
children have contacts too. The page is requested in-process through Django's test client,
signed in as a social worker, so the figure is the view, its queries and its template, without
a web server. Prints a JSON report; nothing is asserted except that every request got 200.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

from contacts import (  # noqa: E402
    admin_database_url,
    latency_summary,
    set_up_in_process_on_fresh_database,
)

AGENDA = 30
BATCH = 5_000


def load(count: int) -> dict[str, Any]:
    """`count` notifications over the last 400 days, each with a victim, an alleged perpetrator
    and one or two children; the newest `AGENDA` awaiting triage, the rest triaged."""
    from mach.models import (
        Contact,
        ContactPerson,
        Kind,
        Person,
        Team,
        User,
        normalise_name,
    )
    from mach.services import user_create
    from triage.models import (
        AgencyView,
        DomesticAbuseNotification,
        NotifiedPerson,
    )

    rng = random.Random(13)
    started = time.perf_counter()
    police, _ = user_create(username="bench.police", role="partner_agency", team_slug="police")
    team = Team.objects.intake()
    now = datetime.now(UTC)
    victims = max(1, count // 3)
    people: list[Person] = []
    for serial in range(victims * 2 + count):
        kind = Kind.ADULT if serial < victims * 2 else Kind.CHILD
        first, last = f"Name{serial % 997}", f"Family{serial // 3}"
        born = (
            date(1970, 1, 1) + timedelta(days=rng.randint(0, 9000))
            if kind == Kind.ADULT
            else date(2009, 1, 1) + timedelta(days=rng.randint(0, 5500))
        )
        people.append(
            Person(
                kind=kind,
                first_name=first,
                last_name=last,
                date_of_birth=born,
                normalised_first_name=normalise_name(first),
                normalised_last_name=normalise_name(last),
            )
        )
    for offset in range(0, len(people), BATCH):
        Person.objects.bulk_create(people[offset : offset + BATCH])
    adults, children = people[: victims * 2], people[victims * 2 :]
    moments = sorted(now - timedelta(minutes=rng.randint(60, 60 * 24 * 400)) for _ in range(count))
    notifications = []
    for serial, moment in enumerate(moments):
        open_ = serial >= count - AGENDA
        level, ticks = rng.choice([("standard", 4), ("medium", 11), ("high", 16)])
        notifications.append(
            DomesticAbuseNotification(
                police_reference=f"BENCH/{serial:07d}",
                incident_at=moment - timedelta(hours=2),
                received_at=moment,
                dash_level=level,
                dash_ticks=ticks,
                summary="Synthetic notification.",
                state="awaiting_triage" if open_ else "triaged",
                triage_due_at=moment + timedelta(days=1),
                team=team,
                submitted_by=police,
                submitting_team=police.team,
                decision="" if open_ else rng.choice(["early_help", "information_only", "marac"]),
                early_help_rejected_reason="" if open_ else "Synthetic.",
                marac_referral=False if open_ else rng.random() < 0.2,
                marac_referred_on=None if open_ else moment.date(),
                agencies_with_views=0 if open_ else 2,
                triaged_at=None if open_ else moment + timedelta(hours=20),
            )
        )
    for offset in range(0, count, BATCH):
        DomesticAbuseNotification.objects.bulk_create(notifications[offset : offset + BATCH])
    links, views = [], []
    for serial, notification in enumerate(notifications):
        victim = adults[rng.randrange(victims)]
        links.append(NotifiedPerson(notification=notification, person=victim, role="victim"))
        links.append(
            NotifiedPerson(
                notification=notification,
                person=adults[victims + rng.randrange(victims)],
                role="perpetrator",
            )
        )
        for child in {children[serial], children[rng.randrange(len(children))]}:
            links.append(
                NotifiedPerson(notification=notification, person=child, role="child", present=True)
            )
        if notification.state == "triaged":
            views.append(AgencyView(notification=notification, agency="police", view="Known."))
            views.append(AgencyView(notification=notification, agency="health", view="Known."))
    for offset in range(0, len(links), BATCH):
        NotifiedPerson.objects.bulk_create(links[offset : offset + BATCH])
    for offset in range(0, len(views), BATCH):
        AgencyView.objects.bulk_create(views[offset : offset + BATCH])
    partner = User.objects.get(username="bench.police")
    contacts = [
        Contact(
            received_at=now - timedelta(days=rng.randint(1, 300)),
            channel="api",
            source="6",
            referrer_name="PC Bench",
            concerns="Synthetic contact.",
            parental_awareness="informed_and_consents",
            decision_due_at=now,
            team=team,
            submitted_by=partner,
            state="decided",
            outcome="nfa",
        )
        for _ in range(count // 5)
    ]
    for offset in range(0, len(contacts), BATCH):
        Contact.objects.bulk_create(contacts[offset : offset + BATCH])
    ContactPerson.objects.bulk_create(
        [
            ContactPerson(
                contact=contact, person=children[rng.randrange(len(children))], role="child"
            )
            for contact in contacts
        ],
        batch_size=BATCH,
    )
    return {
        "notifications": count,
        "people": len(people),
        "notified_people": len(links),
        "contacts": len(contacts),
        "load_seconds": round(time.perf_counter() - started, 1),
    }


def measure(rounds: int) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mach import timescales
    from mach.services import user_create
    from triage.domestic_abuse.services import meeting_create

    worker, _ = user_create(username="bench.worker", role="social_worker", team_slug="mach")
    day = timescales.WorkingCalendar.current().next_working_day(date.today())
    meeting = meeting_create(actor=worker, date=day)
    agenda = meeting.notifications.count()
    client = Client()
    client.force_login(worker)
    url = f"/domestic-abuse/meetings/{meeting.pk}/"
    for _ in range(3):
        assert client.get(url).status_code == 200
    # The load may have filled the bounded query log: start it empty so that it counts.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    latencies = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        latencies.append(time.perf_counter() - started)
        assert response.status_code == 200
    return {
        "agenda": agenda,
        "rounds": rounds,
        "queries_per_page": len(queries),
        "meeting_page": latency_summary(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    set_up_in_process_on_fresh_database(admin_database_url("_da_bench"))
    report = {"load": load(args.notifications), **measure(args.rounds)}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
