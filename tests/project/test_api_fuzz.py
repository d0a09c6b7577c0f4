"""Schema-driven fuzzing of the API: every operation, as a social worker and as a partner
agency, with generated valid and invalid input, against a live server. Fails on any 5xx, any
status code or body the published schema does not describe."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mach.models import AgencyType, Role, Team
from mach.services import user_create
from tests.conftest import contact_body, screening_body
from tests.safety_plans.conftest import GOOD as SAFETY_PLAN
from tests.triage.da_helpers import notification_body

pytestmark = [pytest.mark.fuzz]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _published_schema() -> dict[str, Any]:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return dict(json.loads(OpenApiJsonRenderer().render(document)))


schema = schemathesis.openapi.from_dict(_published_schema())


@pytest.fixture
def tokens(transactional_db: None, settings: Any) -> dict[str, str]:
    """A token per role, and records for the readers to find: a contact from the partner, one
    screened and agreed, with its referral and assessment, and one whose agreed decision opened
    a strategy discussion, with an agreed safety plan for its child."""
    settings.API_THROTTLE_RATES = {key: "100000/minute" for key in settings.API_THROTTLE_RATES}
    tokens = {
        role: user_create(username=f"fuzz.{role}", role=role, team_slug=team)[1]
        for role, team in [
            (Role.SOCIAL_WORKER, "mach"),
            (Role.MANAGER, "mach"),
            (Role.PARTNER_AGENCY, "cleveland-police"),
            (Role.EDT_WORKER, "edt"),
            (Role.AUDITOR, ""),
        ]
    }
    _post(tokens[Role.PARTNER_AGENCY], "/api/v1/contacts/", contact_body())
    Team.objects.filter(slug="cleveland-police").update(agency=AgencyType.POLICE)
    _post(tokens[Role.PARTNER_AGENCY], "/api/v1/da-notifications/", notification_body())
    _post(tokens[Role.SOCIAL_WORKER], "/api/v1/da-notifications/", notification_body())
    decided = _post(tokens[Role.SOCIAL_WORKER], "/api/v1/contacts/", contact_body())
    _post(
        tokens[Role.SOCIAL_WORKER], f"/api/v1/contacts/{decided['id']}/screening/", screening_body()
    )
    _post(
        tokens[Role.MANAGER],
        f"/api/v1/contacts/{decided['id']}/oversight/",
        {"decision": "agree", "outcome": "assessment", "rationale": "Proportionate."},
    )
    ben = {"first_name": "Ben", "last_name": "Jones", "date_of_birth": "2018-07-09"}
    harm = _post(
        tokens[Role.SOCIAL_WORKER], "/api/v1/contacts/", contact_body(children=[ben], adults=[])
    )
    _post(
        tokens[Role.SOCIAL_WORKER],
        f"/api/v1/contacts/{harm['id']}/screening/",
        screening_body(rag="red", recommended_outcome="strategy_discussion"),
    )
    _post(
        tokens[Role.MANAGER],
        f"/api/v1/contacts/{harm['id']}/oversight/",
        {"decision": "agree", "rationale": "Reasonable cause to suspect significant harm."},
    )
    # Ben's case is open (a strategy discussion is asked for): a safety plan for him, agreed.
    plan = _post(
        tokens[Role.SOCIAL_WORKER],
        "/api/v1/safety-plans/",
        {"children": [harm["children"][0]["id"]], **SAFETY_PLAN},
    )
    _post(
        tokens[Role.SOCIAL_WORKER],
        f"/api/v1/safety-plans/{plan['id']}/agree/",
        {"agreed_with": "Ben's mum and gran"},
    )
    # An EDT handover waiting for oversight, and a homeless presentation with its account.
    _post(
        tokens[Role.EDT_WORKER],
        "/api/v1/edt-handovers/",
        {**contact_body(), "action_taken": "police_protection", "outstanding_actions": "Visit."},
    )
    young = _post(
        tokens[Role.SOCIAL_WORKER],
        "/api/v1/homeless-presentations/",
        {
            "young_person": {
                "first_name": "Jade",
                "last_name": "Patel",
                "date_of_birth": "2009-05-01",
            },
            "presented_to": "childrens_services",
        },
    )
    _post(
        tokens[Role.SOCIAL_WORKER],
        f"/api/v1/homeless-presentations/{young['id']}/account/",
        {"account": "Mum told me to leave.", "wishes_and_feelings": "Somewhere safe."},
    )
    return tokens


def _post(token: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.post(path, body, content_type="application/json")
    assert response.status_code in {200, 201}, response.content
    return dict(response.json())


def _call(case: schemathesis.Case, base_url: str, token: str) -> None:
    case.call_and_validate(
        base_url=base_url, headers={"Authorization": f"Token {token}"}, checks=CHECKS, timeout=10
    )


FUZZ_SETTINGS = hypothesis_settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_answers_a_social_worker_as_the_schema_says(
    case: schemathesis.Case, live_server: Any, tokens: dict[str, str]
) -> None:
    _call(case, live_server.url, tokens[Role.SOCIAL_WORKER])


# A partner agency's system submits contacts, follows their status, answers information
# requests and reads the strategy discussions it is invited to; every other operation refuses
# it before reading any input (403, documented).
@schema.include(
    path_regex=(
        r"^/api/v1/(contacts/(\{contact_id\}/)?|partner-requests/.*|strategy-discussions/.*"
        r"|da-notifications/(\{notification_id\}/)?)$"
    )
).parametrize()
@FUZZ_SETTINGS
def test_a_partner_agency_is_answered_as_the_schema_says(
    case: schemathesis.Case, live_server: Any, tokens: dict[str, str]
) -> None:
    _call(case, live_server.url, tokens[Role.PARTNER_AGENCY])


# The EDT records handovers (every other role is refused them before any input is read).
@schema.include(path_regex=r"^/api/v1/edt-handovers/").parametrize()
@FUZZ_SETTINGS
def test_the_edt_is_answered_as_the_schema_says(
    case: schemathesis.Case, live_server: Any, tokens: dict[str, str]
) -> None:
    _call(case, live_server.url, tokens[Role.EDT_WORKER])


# An auditor records case audits and reads the metrics: those operations fuzzed as one, with
# an audit of a child on record to find.
@schema.include(path_regex=r"^/api/v1/(metrics|audits|audit-domains)/.*$").parametrize()
@FUZZ_SETTINGS
def test_an_auditor_is_answered_as_the_schema_says(
    case: schemathesis.Case, live_server: Any, tokens: dict[str, str]
) -> None:
    from mach.models import AuditDomain, ContactPerson, User

    if not tokens.get("audit"):
        child = ContactPerson.objects.filter(role="child").first()
        worker = User.objects.get(username=f"fuzz.{Role.SOCIAL_WORKER}")
        assert child is not None
        _post(
            tokens[Role.AUDITOR],
            "/api/v1/audits/",
            {
                "subject": {"child": child.person_id},
                "practitioner": worker.pk,
                "collaborative": False,
                "family_feedback_sought": False,
                "family_feedback": "Not sought: the family had moved away.",
                "grades": [
                    {"domain": domain.pk, "grade": "good", "rationale": "Seen."}
                    for domain in AuditDomain.objects.filter(active=True)
                ],
                "overall_grade": "good",
            },
        )
        tokens["audit"] = "made"
    _call(case, live_server.url, tokens[Role.AUDITOR])


# The statutory returns answer only managers: fuzzed as one, so that their files (and the 400s
# naming a bad period) are checked against the schema too.
@schema.include(path_regex=r"^/api/v1/returns/.*$").parametrize()
@FUZZ_SETTINGS
def test_the_returns_answer_a_manager_as_the_schema_says(
    case: schemathesis.Case, live_server: Any, tokens: dict[str, str]
) -> None:
    _call(case, live_server.url, tokens[Role.MANAGER])
