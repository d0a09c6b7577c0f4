"""The admin, as an administrator sees it: reference data and users, never a child's data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client

from mach.models import (
    AccessLog,
    Alert,
    ClosureDay,
    Contact,
    Event,
    IdempotencyRecord,
    Person,
    Role,
    Team,
    User,
)
from tests.conftest import Api, contact_body

pytestmark = pytest.mark.django_db

CHILD = {
    "first_name": "Zerelda",
    "last_name": "Quixotica",
    "date_of_birth": "2015-03-02",
    "nhs_number": "9434765919",
    "address": {"line1": "7 Wyvern Close", "postcode": "TS1 2AB"},
}
# The child as any page could print her: names, each way a date of birth is shown, NHS number.
IDENTITY = (
    "Zerelda",
    "Quixotica",
    "7 Wyvern Close",
    "2015-03-02",
    "2 March 2015",
    "March 2, 2015",
    "Mar 2, 2015",
    "Mar. 2, 2015",
    "02/03/2015",
    "9434765919",
    "943 476 5919",
)


@pytest.fixture
def admin_client_for(make_user: Callable[..., User]) -> Client:
    user = make_user(Role.ADMIN, team="")
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def child_records(social_worker: User, api_as: Api) -> dict[str, Any]:
    """A screened contact about Zerelda, read back, and a proposed match: a row in most tables
    that hold a child's data, and her access log."""
    client = api_as(social_worker)
    created = client.post("/api/v1/contacts/", contact_body(children=[CHILD]), format="json").json()
    client.post(
        f"/api/v1/contacts/{created['id']}/screening/",
        {
            "threshold_level": 4,
            "rag": "amber",
            "childs_voice": "Zerelda Quixotica said she is scared at home.",
            "history_analysis": "First contact about Zerelda.",
            "parents_consulted": True,
            "analysis": "Zerelda Quixotica needs an assessment.",
            "recommended_outcome": "assessment",
            "alternatives_considered": "Early help for Zerelda was declined.",
        },
        format="json",
    )
    similar = {**CHILD, "first_name": "Zerelda-May", "nhs_number": ""}
    client.post("/api/v1/contacts/", contact_body(children=[similar]), format="json")
    client.get(f"/api/v1/children/{created['children'][0]['id']}/")
    return created


def _holds_child_data() -> set[type[models.Model]]:
    """Every model about a child: a person or contact, anything leading to one by its foreign
    keys, and those pointing at one generically (events, alerts) or storing responses."""
    found: set[type[models.Model]] = {Person, Contact, Event, Alert, IdempotencyRecord}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            related = {field.related_model for field in model._meta.concrete_fields}
            if model not in found and related & found:
                found.add(model)
                grew = True
    return found - {AccessLog}


def test_no_record_about_a_child_is_registered_in_the_admin() -> None:
    about_children = _holds_child_data()

    assert {"Person", "Contact", "Screening", "Assessment", "Referral"} <= {
        model.__name__ for model in about_children
    }
    assert not about_children & set(admin.site._registry)
    assert {User, Team, ClosureDay, AccessLog} <= set(admin.site._registry)


def test_no_admin_page_shows_a_childs_identity(
    admin_client_for: Client, child_records: dict[str, Any]
) -> None:
    # Each page, with what the administrator typed on it (a search echoes its terms).
    pages: list[tuple[str, str]] = [("/admin/", "")]
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = f"/admin/{meta.app_label}/{meta.model_name}/"
        pages.append((changelist, ""))
        if model_admin.search_fields:
            pages += [(f"{changelist}?q={term}", term) for term in ("Quixotica", "9434765919")]
        # Each object's own pk: DRF's token proxy is keyed by its user, not its column.
        pages += [(f"{changelist}{item.pk}/change/", "") for item in model.objects.all()]

    assert AccessLog.objects.filter(child_id=child_records["children"][0]["id"]).exists()
    for page, typed in pages:
        response = admin_client_for.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert [secret for secret in IDENTITY if secret != typed and secret in html] == [], page


def test_every_admin_list_page_loads(
    admin_client_for: Client, social_worker: User, api_as: Api
) -> None:
    api_as(social_worker).post("/api/v1/contacts/", contact_body(), format="json")

    for model in admin.site._registry:
        meta = model._meta
        response = admin_client_for.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert response.status_code == 200, meta.label


def test_contacts_are_not_in_the_admin(
    admin_client_for: Client, social_worker: User, api_as: Api
) -> None:
    created = api_as(social_worker).post("/api/v1/contacts/", contact_body(), format="json").json()

    for page in ("change", "delete", "history"):
        response = admin_client_for.get(f"/admin/mach/contact/{created['id']}/{page}/")
        assert response.status_code == 404


def test_the_access_log_cannot_be_changed_or_deleted_in_the_admin(
    admin_client_for: Client, social_worker: User, api_as: Api
) -> None:
    api_as(social_worker).post("/api/v1/contacts/", contact_body(), format="json")
    row = AccessLog.objects.get()

    change = admin_client_for.post(f"/admin/mach/accesslog/{row.pk}/change/", {"via": "x"})
    delete = admin_client_for.post(f"/admin/mach/accesslog/{row.pk}/delete/", {"post": "yes"})

    assert change.status_code == 403
    assert delete.status_code == 403
    assert AccessLog.objects.get().via == row.via


def test_the_admin_may_neither_rename_nor_delete_the_intake_team(admin_client_for: Client) -> None:
    """Each web process keeps the intake team's id: a new slug or a new team would leave it
    wrong."""
    intake, other = Team.objects.intake(), Team.objects.create(slug="east", name="East")

    change = admin_client_for.get(f"/admin/mach/team/{intake.pk}/change/").content.decode()
    assert 'name="slug"' not in change
    assert (
        'name="slug"'
        in admin_client_for.get(f"/admin/mach/team/{other.pk}/change/").content.decode()
    )
    assert admin_client_for.get(f"/admin/mach/team/{intake.pk}/delete/").status_code == 403
    assert admin_client_for.get(f"/admin/mach/team/{other.pk}/delete/").status_code == 200
