"""What a new user of the API trips on: every error JSON, the token scheme named, one offset."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from mach.models import Contact, User
from tests.conftest import Api, contact_body

pytestmark = pytest.mark.django_db
CONTACTS = "/api/v1/contacts/"
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.mark.parametrize("debug", [True, False])
def test_a_malformed_id_is_a_json_404_even_with_debug_on(
    social_worker: User, api_as: Api, settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug

    response = api_as(social_worker).get("/api/v1/children/abc/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_api_address_without_its_slash_is_still_redirected(
    social_worker: User, api_as: Api
) -> None:
    response = api_as(social_worker).get("/api/v1/contacts")

    assert response.status_code == 301
    assert response["Location"] == CONTACTS


def test_an_oversized_body_is_a_json_413(social_worker: User, api_as: Api, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000

    response = api_as(social_worker).post(
        CONTACTS, contact_body(concerns="x" * 5_000), format="json"
    )

    assert response.status_code == 413
    assert response.json() == {"detail": "The body is larger than 2000 bytes."}
    assert not Contact.objects.exists()


def test_a_bearer_token_is_answered_with_the_token_scheme_it_should_have_used(
    social_worker: User,
) -> None:
    key = Token.objects.get_or_create(user=social_worker)[0].key

    response = Client().get(CONTACTS, HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "Authorization: Token <key>" in response.json()["detail"]
    assert "Bearer" in response.json()["detail"]


def test_the_token_scheme_still_signs_in(social_worker: User) -> None:
    key = Token.objects.get_or_create(user=social_worker)[0].key

    response = Client().get(CONTACTS, HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200


def test_an_unknown_token_and_a_deactivated_users_token_are_refused_by_name(
    social_worker: User,
) -> None:
    key = Token.objects.get_or_create(user=social_worker)[0].key
    unknown = Client().get(CONTACTS, HTTP_AUTHORIZATION=f"Token {key[:-1]}x")
    social_worker.is_active = False
    social_worker.save(update_fields=["is_active"])

    inactive = Client().get(CONTACTS, HTTP_AUTHORIZATION=f"Token {key}")

    assert (unknown.status_code, unknown.json()) == (401, {"detail": "Invalid token."})
    assert (inactive.status_code, inactive.json()) == (401, {"detail": "User inactive or deleted."})


def test_a_token_signs_in_its_own_user(social_worker: User, manager: User) -> None:
    key = Token.objects.get_or_create(user=manager)[0].key

    response = Client().post(
        CONTACTS,
        contact_body(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )

    assert response.status_code == 201
    assert Contact.objects.get().submitted_by == manager


def _times(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [time for item in value.values() for time in _times(item)]
    if isinstance(value, list):
        return [time for item in value for time in _times(item)]
    return [value] if isinstance(value, str) and ISO_TIME.match(value) else []


def test_every_time_in_a_response_is_in_utc_even_in_british_summer_time(
    social_worker: User, api_as: Api
) -> None:
    api = api_as(social_worker)
    created = api.post(
        CONTACTS, contact_body(received_at="2026-07-01T10:00:00+01:00"), format="json"
    )
    assert created.status_code == 201, created.content

    shown = api.get(f"{CONTACTS}{created.json()['id']}/").json()
    chronology = api.get(f"/api/v1/children/{shown['children'][0]['id']}/chronology/").json()

    times = _times([created.json(), shown, chronology])
    assert shown["received_at"] == "2026-07-01T09:00:00Z"
    assert len(times) >= 5
    assert all(time.endswith("Z") for time in times), times


def test_a_signed_in_post_to_no_endpoint_is_a_json_404_not_a_csrf_page(
    social_worker: User,
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(social_worker)

    response = browser.post("/api/v1/alerts/null,null/acknowledge/", {"note": ""})

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
