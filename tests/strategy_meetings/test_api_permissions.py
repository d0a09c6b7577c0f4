"""Every role on every strategy discussion, s47 enquiry and conference endpoint: the roles
api.md names get past the door (whatever the record's state then answers), every other role is
refused, and so is an anonymous request."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mach.models import Role, User
from tests.conftest import Api, assert_api_roles

pytestmark = pytest.mark.django_db

ALL_ROLES = [role.value for role in Role]
# api.md: a service manager may everything a manager may.
MANAGERS = {"manager", "service_manager"}
READERS = {"social_worker", *MANAGERS, "edt_worker", "auditor"}
WORKERS = {"social_worker", *MANAGERS}
INVITED_PARTNER = {"partner_agency"}

MATRIX: list[tuple[str, str, set[str]]] = [
    ("get", "/api/v1/strategy-discussions/", READERS | INVITED_PARTNER),
    ("post", "/api/v1/strategy-discussions/", MANAGERS),
    ("get", "/api/v1/strategy-discussions/{discussion}/", READERS | INVITED_PARTNER),
    ("post", "/api/v1/strategy-discussions/{discussion}/invitations/", WORKERS),
    ("post", "/api/v1/strategy-discussions/{discussion}/held/", WORKERS),
    ("post", "/api/v1/strategy-discussions/{discussion}/information/", WORKERS | INVITED_PARTNER),
    ("post", "/api/v1/strategy-discussions/{discussion}/decision/", WORKERS),
    ("post", "/api/v1/strategy-discussions/{discussion}/actions/", WORKERS),
    ("post", "/api/v1/strategy-actions/{action}/complete/", WORKERS),
    ("get", "/api/v1/s47-enquiries/", READERS),
    ("get", "/api/v1/s47-enquiries/{enquiry}/", READERS),
    ("patch", "/api/v1/s47-enquiries/{enquiry}/", WORKERS),
    ("post", "/api/v1/s47-enquiries/{enquiry}/complete/", WORKERS),
    ("get", "/api/v1/conferences/", READERS),
    ("get", "/api/v1/conferences/{conference}/", READERS),
    ("patch", "/api/v1/conferences/{conference}/", WORKERS),
]


@pytest.mark.parametrize(
    ("method", "path", "allowed"), MATRIX, ids=[f"{m} {p}" for m, p, _ in MATRIX]
)
def test_each_role_is_allowed_or_refused(
    method: str,
    path: str,
    allowed: set[str],
    records: dict[str, int],
    make_user: Callable[..., User],
    api_as: Api,
) -> None:
    url = path.format(**records)
    assert_api_roles(
        method,
        url,
        allowed,
        lambda role: make_user(
            role, team="cleveland-police" if role == Role.PARTNER_AGENCY else None
        ),
        api_as,
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [(m, p) for m, p, allowed in MATRIX if allowed & INVITED_PARTNER and "{" in p],
)
def test_a_partner_not_invited_is_told_nothing_exists(
    method: str, path: str, records: dict[str, int], make_user: Callable[..., User], api_as: Api
) -> None:
    school = make_user(Role.PARTNER_AGENCY, team="linthorpe-primary")

    response = getattr(api_as(school), method)(path.format(**records), {}, format="json")

    assert response.status_code == 404
