"""Every admin list and the records' read-only rule, as an administrator sees them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib import admin
from django.test import Client

from mach.models import Role, User
from tests.conftest import Api, contact_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for(make_user: Callable[..., User]) -> Client:
    user = make_user(Role.ADMIN, team="")
    client = Client()
    client.force_login(user)
    return client


def test_every_admin_list_page_loads(
    admin_client_for: Client, social_worker: User, api_as: Api
) -> None:
    api_as(social_worker).post("/api/v1/contacts/", contact_body(), format="json")

    for model in admin.site._registry:
        meta = model._meta
        response = admin_client_for.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert response.status_code == 200, meta.label


def test_contacts_cannot_be_deleted_or_changed_in_the_admin(
    admin_client_for: Client, social_worker: User, api_as: Api
) -> None:
    created = api_as(social_worker).post("/api/v1/contacts/", contact_body(), format="json").json()

    delete = admin_client_for.get(f"/admin/mach/contact/{created['id']}/delete/")
    change = admin_client_for.post(f"/admin/mach/contact/{created['id']}/change/", {})

    assert delete.status_code == 403
    assert change.status_code == 403
