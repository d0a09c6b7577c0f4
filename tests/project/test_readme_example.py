"""The README's example contact posts as printed, with the README's own curl headers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from mach.models import Contact, Role, User

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_contact() -> str:
    """The text of the README's `contact.json`, byte for byte what `curl -d @` would send."""
    block = re.search(
        r"Save a contact as `contact.json`:\n\n```json\n(.*?)\n```", README.read_text(), re.S
    )
    assert block, "the README shows contact.json"
    return block[1]


def test_the_readme_contact_posts_as_printed(make_user: Any) -> None:
    police: User = make_user(Role.PARTNER_AGENCY, team="cleveland-police")
    token = Token.objects.get_or_create(user=police)[0].key

    response = Client().post(
        "/api/v1/contacts/",
        _readme_contact(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
        HTTP_IDEMPOTENCY_KEY="police-ref-123",
    )

    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    assert contact.referrer_name == json.loads(_readme_contact())["referrer"]["name"]
    assert contact.contact_people.count() == 2
