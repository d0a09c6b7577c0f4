"""Moving assessments out of the core keeps every row and id (the tables stay; only Django's
picture of them moves), and events and alerts still name the records they were about."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import Assessment, AssessmentAction
from mach.models import Event, normalise_name
from tests.factories import ChildFactory, ContactFactory, TeamFactory

BEFORE = [("mach", "0004_person_merges"), ("assessments", None)]


def _migrate(targets: list[tuple[str, str | None]] | None = None) -> MigrationExecutor:
    """Migrate to `targets`, or forward to the latest migration of every app."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())  # type: ignore[arg-type]
    return executor


@pytest.mark.django_db(transaction=True)
def test_assessments_and_actions_keep_their_rows_and_ids_through_the_move() -> None:
    old = _migrate(BEFORE).loader.project_state(BEFORE[:1]).apps  # type: ignore[arg-type]
    # The core's records are unchanged by the move: made with today's models, except the
    # contact, the child and the team, whose tables have gained columns since (made as they
    # were then).
    team = old.get_model("mach", "Team").objects.create(slug="moved", name="Moved")
    built_child = ChildFactory.build()
    old_person = old.get_model("mach", "Person")
    child = old_person.objects.create(
        **{
            field.attname: getattr(built_child, field.attname)
            for field in old_person._meta.concrete_fields
            if field.attname != "id"
        }
        | {
            "normalised_first_name": normalise_name(built_child.first_name),
            "normalised_last_name": normalise_name(built_child.last_name),
        }
    )
    built = ContactFactory.build(team=TeamFactory.build(pk=team.pk))
    old_contact = old.get_model("mach", "Contact")
    contact = old_contact.objects.create(
        **{
            field.attname: getattr(built, field.attname)
            for field in old_contact._meta.concrete_fields
            if field.attname != "id"
        }
    )
    referral = old.get_model("mach", "Referral").objects.create(
        contact_id=contact.pk,
        child_id=child.pk,
        team_id=team.pk,
        referral_date=date(2026, 3, 2),
        outcome="assessment",
    )
    old_assessment = old.get_model("mach", "Assessment").objects.create(
        id=4242,
        referral_id=referral.pk,
        child_id=child.pk,
        team_id=team.pk,
        started_on=date(2026, 3, 2),
        due_on=date(2026, 5, 6),
        childs_voice="She likes school.",
        factors=["3B", "16A"],
    )
    old.get_model("mach", "AssessmentAction").objects.create(
        id=777,
        assessment_id=old_assessment.pk,
        description="Visit",
        owner="GP",
        due_on=date(2026, 3, 9),
    )
    old_types = old.get_model("contenttypes", "ContentType").objects
    # Before the move the app did not exist, nor did its content types.
    old_types.filter(app_label="assessments").delete()
    event = Event.objects.create(
        content_type_id=old_types.get_or_create(app_label="mach", model="assessment")[0].pk,
        object_id=old_assessment.pk,
        action="assessment_opened",
    )

    _migrate()
    ContentType.objects.clear_cache()

    assessment = Assessment.objects.get(pk=4242)
    assert (assessment.referral_id, assessment.child_id) == (referral.pk, child.pk)
    assert assessment.childs_voice == "She likes school."
    assert assessment.factors == ["3B", "16A"]
    assert [action.pk for action in assessment.actions.all()] == [777]
    assert AssessmentAction.objects.get(pk=777).owner == "GP"
    assert Event.objects.get(pk=event.pk).subject == assessment
