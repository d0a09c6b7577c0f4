"""Top-level service functions run in their own durable transaction: nesting one in another
transaction by accident fails at once instead of deferring its side effects to an outer
commit that may never come."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from mach.models import Contact, User
from triage import services

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_service_nested_in_another_transaction_is_refused(
    new_contact: Callable[..., dict[str, Any]], social_worker: User
) -> None:
    contact = Contact.objects.get(pk=new_contact()["id"])

    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        services.parent_consultation_record(
            consulted_with="Jo Smith (mother)",
            method="phone",
            actor=social_worker,
            contact=contact,
            summary="They agree to the checks.",
        )
