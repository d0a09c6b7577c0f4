"""A screening keeps its contact's team (issue 17), so that the oversight queue is counted
from one index without reading every waiting screening's contact."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from mach.models import Contact, User
from tests.factories import ContactFactory, TeamFactory, UserFactory
from tests.web.conftest import SignedIn, page_text
from triage.models import Screening

Screened = Callable[..., dict[str, Any]]
BEFORE = [("triage", "0008_dashboard_summary_indexes")]


@pytest.mark.django_db
def test_a_screening_is_recorded_with_its_contacts_team(screened_contact: Screened) -> None:
    contact = Contact.objects.get(pk=screened_contact()["id"])

    screening = Screening.objects.get(contact=contact)

    assert screening.team_id == contact.team_id


@pytest.mark.django_db
def test_the_queue_is_counted_from_the_screenings_alone(
    manager: User, screened_contact: Screened, signed_in: SignedIn
) -> None:
    screened_contact()
    screened_contact()

    with CaptureQueriesContext(connection) as page:
        html = page_text(signed_in(manager).get("/oversight/"))

    assert "2 screenings awaiting oversight" in html
    counts = [query["sql"] for query in page if query["sql"].startswith('SELECT COUNT(*) AS "__c')]
    assert len(counts) == 1
    assert '"triage_screening"."team_id" IN' in counts[0]
    assert "mach_contact" not in counts[0]


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_screening_its_contacts_team() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # type: ignore[arg-type]
    old = executor.loader.project_state(BEFORE).apps  # type: ignore[arg-type]
    contacts = [ContactFactory(team=TeamFactory()), ContactFactory(team=TeamFactory())]
    worker = UserFactory()
    old_screening = old.get_model("triage", "Screening")
    for contact in contacts:
        old_screening.objects.create(
            contact_id=contact.pk,
            threshold_level=2,
            rag="amber",
            childs_voice="She likes school.",
            history_analysis="None before.",
            parents_consulted=True,
            analysis="Low level.",
            recommended_outcome="nfa",
            screened_by_id=worker.pk,
            submitted_at=contact.received_at,
            oversight_due_at=contact.received_at,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert {screening.contact_id: screening.team_id for screening in Screening.objects.all()} == {
        contact.pk: contact.team_id for contact in contacts
    }
    assert len({contact.team_id for contact in contacts}) == 2
