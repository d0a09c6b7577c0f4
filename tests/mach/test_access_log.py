"""Every read of a child's record is logged; the log is append-only, down to the database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from mach.audit import log_child_access
from mach.models import AccessLog, AppendOnly, User
from tests.conftest import contact_body
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def child_id(social_worker: User, api_as: Callable[[User], APIClient]) -> int:
    created = api_as(social_worker).post("/api/v1/contacts/", contact_body(), format="json")
    return int(created.json()["children"][0]["id"])


@pytest.mark.parametrize(
    "path",
    ["/api/v1/children/{child}/", "/api/v1/children/{child}/chronology/"],
)
def test_reading_a_child_is_logged(
    path: str, child_id: int, manager: User, api_as: Callable[[User], APIClient]
) -> None:
    url = path.format(child=child_id)

    assert api_as(manager).get(url).status_code == 200

    log = AccessLog.objects.get(user=manager)
    assert (log.child_id, log.action, log.via) == (child_id, "view", url)


def test_reading_a_contact_logs_its_children(
    social_worker: User, manager: User, api_as: Callable[[User], APIClient]
) -> None:
    created = api_as(social_worker).post("/api/v1/contacts/", contact_body(), format="json").json()

    api_as(manager).get(f"/api/v1/contacts/{created['id']}/")

    assert list(AccessLog.objects.filter(user=manager).values_list("child_id", flat=True)) == [
        created["children"][0]["id"]
    ]


def test_auditor_reads_who_saw_the_child(
    child_id: int, social_worker: User, auditor: User, api_as: Callable[[User], APIClient]
) -> None:
    api_as(social_worker).get(f"/api/v1/children/{child_id}/")

    entries = api_as(auditor).get("/api/v1/access-log/", {"child": child_id}).json()["results"]

    assert [(entry["user"], entry["action"]) for entry in entries] == [
        (social_worker.username, "view"),
        (social_worker.username, "create"),
    ]


def test_access_log_needs_a_child(auditor: User, api_as: Callable[[User], APIClient]) -> None:
    response = api_as(auditor).get("/api/v1/access-log/")

    assert response.status_code == 400
    assert "child" in response.json()


def test_the_application_cannot_change_or_delete_the_log(child_id: int) -> None:
    entry = AccessLog.objects.first()
    assert entry is not None
    entry.via = "tampered"

    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE mach_accesslog SET via = 'tampered'", "DELETE FROM mach_accesslog"],
)
def test_the_database_refuses_to_change_or_delete_the_log(statement: str, child_id: int) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)

    assert AccessLog.objects.filter(via="tampered").count() == 0
    assert AccessLog.objects.count() == 1


def test_bulk_queryset_changes_are_refused_too(child_id: int) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all().update(via="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_a_read_of_many_children_is_logged_in_one_statement_of_its_own(manager: User) -> None:
    children = [child.pk for child in ChildFactory.create_batch(3)]

    with CaptureQueriesContext(connection) as queries:
        log_child_access(user=manager, child_ids=[*children, children[0]], via="/api/v1/x/")

    # No BEGIN and COMMIT around it: one statement is atomic on its own.
    assert [query["sql"].split()[0] for query in queries] == ["INSERT"]
    logged = AccessLog.objects.filter(user=manager).order_by("id")
    assert list(logged.values_list("child_id", "action", "via")) == [
        (child, "view", "/api/v1/x/") for child in children
    ]
