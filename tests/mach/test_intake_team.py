"""The intake team (INTAKE_TEAM_SLUG): there from the first migrate, and its id kept by each
process once a transaction that read it has committed (the admin's guard of it is in
tests/project/test_admin.py)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from mach.models import Team
from mach.models.accounts import forget_intake_team


@pytest.fixture(autouse=True)
def _nothing_kept() -> None:
    forget_intake_team()


@pytest.mark.django_db
def test_the_intake_team_is_there_before_any_contact() -> None:
    assert Team.objects.filter(slug="mach").exists()


@pytest.mark.django_db(transaction=True)
def test_after_a_committed_read_the_intake_team_costs_no_statement() -> None:
    with transaction.atomic():
        first = Team.objects.intake()

    with CaptureQueriesContext(connection) as queries:
        kept = Team.objects.intake()
    assert len(queries) == 0
    assert (kept.pk, kept.slug) == (first.pk, "mach")
    # Its other fields are read when asked for, so they are never stale.
    Team.objects.filter(pk=first.pk).update(name="Front door")
    with CaptureQueriesContext(connection) as queries:
        assert kept.name == "Front door"
    assert len(queries) == 1


@pytest.mark.django_db(transaction=True)
def test_a_read_in_a_transaction_that_rolled_back_is_not_kept() -> None:
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Team.objects.intake()
        raise ZeroDivisionError

    with CaptureQueriesContext(connection) as queries:
        Team.objects.intake()
    assert len(queries) == 1


@pytest.mark.django_db(transaction=True)
def test_a_team_saved_in_this_process_is_read_afresh() -> None:
    team = Team.objects.intake()
    team.slug = "front-door"
    team.save()

    made = Team.objects.intake()

    assert made.slug == "mach" and made.pk != team.pk
    assert Team.objects.get(pk=made.pk).slug == "mach"


@pytest.mark.django_db(transaction=True)
def test_a_flush_makes_the_intake_team_again_and_keeps_no_id_from_before() -> None:
    before = Team.objects.intake()

    call_command("flush", "--no-input", verbosity=0)

    after = Team.objects.intake()
    assert after.pk != before.pk
    assert Team.objects.get(pk=after.pk).slug == "mach"
