"""The registration surface: one rule for every kind of thing an app plugs in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from mach import workflows
from mach.celery import app as celery_app
from mach.workflows import AlreadyRegistered, NavigationItem, PeriodicTask, Registry


def test_a_key_registered_again_with_another_value_fails() -> None:
    registry: Registry[str, int] = Registry("Thing")
    registry.add("key", 1)
    with pytest.raises(AlreadyRegistered, match="Thing 'key' is already registered"):
        registry.add("key", 2)
    assert registry.values() == (1,)


def test_the_same_value_registered_twice_is_harmless() -> None:
    registry: Registry[str, int] = Registry("Thing")
    registry.add("key", 1)
    registry.add("key", 1)
    assert registry.items() == (("key", 1),)


def test_every_kind_follows_the_rule() -> None:
    worklist = workflows.navigation_items.get("web:worklist")
    assert worklist is not None
    workflows.register_navigation(worklist)
    with pytest.raises(AlreadyRegistered):
        workflows.register_navigation(NavigationItem("Other", "web:worklist", (), order=1))
    with pytest.raises(AlreadyRegistered):
        workflows.register_enum_name("ContactStateEnum", "somewhere.Else")
    with pytest.raises(AlreadyRegistered):
        workflows.register_periodic_task(
            "send-referrer-feedback", PeriodicTask("elsewhere.task", seconds=1.0)
        )
    with pytest.raises(AlreadyRegistered):
        workflows.register_chronology_source("contact", lambda person_ids: [])


def test_the_schema_reads_the_enum_names_apps_registered() -> None:
    names = settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]
    assert names["ContactStateEnum"] == "mach.models.contacts.State"
    assert names["ScreeningStateEnum"] == "triage.models.ScreeningState"
    assert len(names) == len(dict(names))


def test_beat_runs_the_core_sweep_and_the_registered_periodic_tasks() -> None:
    celery_app.finalize()
    schedule = celery_app.conf.beat_schedule
    assert schedule["sweep-deadlines"]["task"] == "mach.tasks.sweep_deadlines"
    assert schedule["send-referrer-feedback"] == {
        "task": "triage.tasks.send_pending_feedback",
        "schedule": 60.0,
    }


def test_the_published_schema_uses_the_registered_enum_names(client: Client) -> None:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schemas = response.json()["components"]["schemas"]
    for name in ("ContactStateEnum", "ScreeningStateEnum", "PartnerRequestStateEnum"):
        assert name in schemas
