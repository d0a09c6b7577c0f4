"""Every role on every assessment page and form: deny by default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from assessments import services
from mach.models import User
from tests.assessments.test_assessment_pages import FINDINGS, add_action, oversee_to_assessment
from tests.conftest import Api
from tests.web.conftest import SignedIn, assert_page_access, assert_sent_to_sign_in
from tests.web.test_page_permissions import ALL_ROLES, READERS, WORKERS

pytestmark = pytest.mark.django_db

PAGES: list[tuple[str, str, set[str]]] = [
    ("get", "/assessments/", READERS),
    ("get", "/assessments/{open}/", READERS),
    ("post", "/assessments/{open}/findings/", WORKERS),
    ("post", "/assessments/{open}/actions/", WORKERS),
    ("post", "/assessment-actions/{action}/complete/", WORKERS),
    ("post", "/assessments/{open}/submit/", WORKERS),
    ("post", "/assessments/{awaiting}/authorise/", {"manager", "service_manager"}),
]
FORMS = [path for method, path, _ in PAGES if method == "post"]


@pytest.fixture
def records(
    screened_contact: Callable[..., dict[str, Any]],
    social_worker: User,
    manager: User,
    api_as: Api,
) -> dict[str, int]:
    """An open assessment with an action, and one a worker sent for authorisation."""
    ben = {"first_name": "Ben", "last_name": "Jones", "date_of_birth": "2018-07-09"}
    opened = oversee_to_assessment(manager, api_as, screened_contact())
    awaiting = oversee_to_assessment(
        manager, api_as, screened_contact({"children": [ben], "adults": []})
    )
    action = add_action(opened, social_worker)
    services.assessment_record(actor=social_worker, assessment=awaiting, **FINDINGS)
    services.assessment_submit(actor=social_worker, assessment=awaiting, outcome="cin_plan")
    return {"open": opened.pk, "awaiting": awaiting.pk, "action": action.pk}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(("method", "path", "allowed"), PAGES, ids=[p for _, p, _ in PAGES])
def test_each_role_may_use_exactly_its_assessment_pages(
    role: str,
    method: str,
    path: str,
    allowed: set[str],
    records: dict[str, int],
    make_user: Callable[..., User],
    signed_in: SignedIn,
) -> None:
    user = make_user(role)

    # An empty form: allowed roles get the page again with the errors (400) or, where nothing
    # is required, back to the assessment page (302).
    response = getattr(signed_in(user), method)(path.format(**records), {})

    assert_page_access(response, allowed=role in allowed)


@pytest.mark.parametrize(("method", "path", "allowed"), PAGES, ids=[p for _, p, _ in PAGES])
def test_anonymous_visitors_are_sent_to_sign_in(
    method: str, path: str, allowed: set[str], records: dict[str, int]
) -> None:
    response = getattr(Client(), method)(path.format(**records))

    assert_sent_to_sign_in(response)


@pytest.mark.parametrize("path", FORMS)
def test_the_forms_accept_only_post(
    path: str, records: dict[str, int], manager: User, signed_in: SignedIn
) -> None:
    response = signed_in(manager).get(path.format(**records))

    assert response.status_code == 405


def test_an_assessment_that_does_not_exist_is_not_found(
    social_worker: User, signed_in: SignedIn
) -> None:
    response = signed_in(social_worker).get("/assessments/999999/")

    assert response.status_code == 404
