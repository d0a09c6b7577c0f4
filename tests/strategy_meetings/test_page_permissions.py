"""Every role on every strategy discussion, s47 and conference page and form: deny by
default; an invited partner agency reads its discussion and records its information."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mach.models import User
from tests.web.conftest import (
    SignedIn,
    assert_page_roles,
    assert_sent_to_sign_in,
)
from tests.web.test_page_permissions import READERS, WORKERS

pytestmark = pytest.mark.django_db
INVITED = {"partner_agency"}

PAGES: list[tuple[str, str, set[str]]] = [
    ("get", "/strategy-discussions/", READERS | INVITED),
    ("get", "/strategy-discussions/{discussion}/", READERS | INVITED),
    ("get", "/strategy-discussions/{discussion}/print/", READERS | INVITED),
    ("post", "/strategy-discussions/{discussion}/invite/", WORKERS),
    ("post", "/strategy-discussions/{discussion}/held/", WORKERS),
    ("post", "/strategy-discussions/{discussion}/information/", WORKERS | INVITED),
    ("post", "/strategy-discussions/{discussion}/decision/", WORKERS),
    ("post", "/strategy-discussions/{discussion}/actions/", WORKERS),
    ("post", "/strategy-actions/{action}/complete/", WORKERS),
    ("get", "/s47-enquiries/{enquiry}/", READERS),
    ("post", "/s47-enquiries/{enquiry}/record/", WORKERS),
    ("post", "/s47-enquiries/{enquiry}/complete/", WORKERS),
    ("get", "/conferences/{conference}/", READERS),
    ("post", "/conferences/{conference}/record/", WORKERS),
]
FORMS = [path for method, path, _ in PAGES if method == "post"]


@pytest.mark.parametrize(("method", "path", "allowed"), PAGES, ids=[p for _, p, _ in PAGES])
def test_each_role_may_use_exactly_its_strategy_pages(
    method: str,
    path: str,
    allowed: set[str],
    records: dict[str, int],
    make_user: Callable[..., User],
    signed_in: SignedIn,
) -> None:
    assert_page_roles(method, path.format(**records), allowed, make_user, signed_in)


@pytest.mark.parametrize(("method", "path", "allowed"), PAGES, ids=[p for _, p, _ in PAGES])
def test_anonymous_visitors_are_sent_to_sign_in(
    method: str, path: str, allowed: set[str], records: dict[str, int]
) -> None:
    assert_sent_to_sign_in(getattr(Client(), method)(path.format(**records)))


@pytest.mark.parametrize("path", FORMS)
def test_the_forms_accept_only_post(
    path: str, records: dict[str, int], manager: User, signed_in: SignedIn
) -> None:
    assert signed_in(manager).get(path.format(**records)).status_code == 405


@pytest.mark.parametrize(
    "path",
    ["/strategy-discussions/{discussion}/", "/strategy-discussions/{discussion}/print/"],
)
def test_a_partner_not_invited_is_not_shown_the_discussion(
    path: str, records: dict[str, int], make_user: Callable[..., User], signed_in: SignedIn
) -> None:
    school = make_user("partner_agency", team="linthorpe-primary")

    assert signed_in(school).get(path.format(**records)).status_code == 404
