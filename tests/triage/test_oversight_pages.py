"""The managers' oversight queue and decision pages (G3, G4, G5)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from mach.models import AccessLog, Contact, Referral, Role, User
from mach.services import user_create
from tests.conftest import contact_body
from tests.web.conftest import SignedIn, page_text, summary_links
from triage.models import PatternFlag, Screening

pytestmark = pytest.mark.django_db
Api = Callable[[User], APIClient]
Screened = Callable[..., dict[str, Any]]


def test_the_queue_lists_screenings_soonest_due_first_with_their_children(
    manager: User, screened_contact: Screened, signed_in: SignedIn
) -> None:
    first = screened_contact()
    second = screened_contact()

    html = page_text(signed_in(manager).get("/oversight/"))

    assert re.findall(r">(CON-\d{7})</a>", html) == [first["reference"], second["reference"]]
    assert "Amy Smith" in html
    assert "2 screenings awaiting oversight" in html
    # Both contacts are about the same child: shown once on the page, logged once.
    logged = AccessLog.objects.filter(user=manager, via="/oversight/")
    assert list(logged.values_list("child_id", flat=True)) == [first["children"][0]["id"]]


def test_the_queue_shows_only_the_managers_team(
    make_user: Callable[..., User], screened_contact: Screened, signed_in: SignedIn
) -> None:
    screened_contact()
    other_manager = make_user(Role.MANAGER, team="north")

    html = page_text(signed_in(other_manager).get("/oversight/"))

    assert "No screenings are waiting for oversight." in html


def test_a_service_manager_sees_the_queues_of_the_teams_they_manage(
    screened_contact: Screened, signed_in: SignedIn
) -> None:
    contact = screened_contact()
    head_of_service, _ = user_create(
        username="head.of.service", role=Role.SERVICE_MANAGER, team_slug="north", manages=["mach"]
    )

    html = page_text(signed_in(head_of_service).get("/oversight/"))

    assert re.findall(r">(CON-\d{7})</a>", html) == [contact["reference"]]


def test_agreeing_on_the_page_decides_the_contact_and_makes_the_referral(
    manager: User, screened_contact: Screened, signed_in: SignedIn
) -> None:
    contact = screened_contact()

    response = signed_in(manager).post(
        f"/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "The history needs a full assessment."},
        follow=True,
    )

    html = page_text(response)
    assert f"Oversight of {contact['reference']} recorded." in html
    assert Contact.objects.get().state == "decided"
    referral = Referral.objects.get()
    assert f"Referral of Amy Smith dated {referral.referral_date:%-d %B %Y}" in html
    assert "Feedback to the referrer" in html


def test_a_change_without_an_outcome_is_refused_on_the_page(
    manager: User, screened_contact: Screened, signed_in: SignedIn
) -> None:
    contact = screened_contact()

    response = signed_in(manager).post(
        f"/contacts/{contact['id']}/oversight/", {"decision": "change", "rationale": "No."}
    )

    assert response.status_code == 400
    assert summary_links(page_text(response)) == [
        ("outcome", "Choose the outcome the decision changes to.")
    ]
    assert Contact.objects.get().state == "awaiting_oversight"


def test_the_manager_who_screened_is_sent_back_from_oversight(
    manager: User, new_contact: Callable[..., dict[str, Any]], api_as: Api, signed_in: SignedIn
) -> None:
    from tests.conftest import screening_body

    contact = new_contact()
    api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/screening/", screening_body(), format="json"
    )

    response = signed_in(manager).get(f"/contacts/{contact['id']}/oversight/", follow=True)

    assert "another manager must oversee it" in page_text(response)
    assert response.redirect_chain == [(f"/contacts/{contact['id']}/", 302)]


def test_a_decision_outside_the_threshold_waits_for_authorisation(
    manager: User, second_manager: User, screened_contact: Screened, signed_in: SignedIn
) -> None:
    contact = screened_contact(threshold_level=2, recommended_outcome="strategy_discussion")
    path = f"/contacts/{contact['id']}/oversight/"
    assert "authorise it with a rationale" in page_text(signed_in(manager).get(path))

    refused = signed_in(manager).post(path, {"decision": "agree", "rationale": "Agreed."})
    assert "outside the threshold table" in summary_links(page_text(refused))[0][1]

    signed_in(second_manager).post(
        f"/contacts/{contact['id']}/threshold-authorisation/",
        {"rationale": "Serious injury: strategy discussion needed whatever the level."},
    )
    agreed = signed_in(manager).post(path, {"decision": "agree", "rationale": "Agreed."})

    assert agreed.status_code == 302
    assert Screening.objects.get().threshold_authorised_by == second_manager


def test_a_pattern_is_reviewed_on_its_page_before_the_decision(
    social_worker: User, manager: User, api_as: Api, signed_in: SignedIn
) -> None:
    from tests.conftest import screening_body

    api = api_as(social_worker)
    for received in ("2026-05-01T10:00:00+00:00", "2026-09-01T10:00:00+00:00", None):
        body = contact_body(**({"received_at": received} if received else {}))
        contact = api.post("/api/v1/contacts/", body, format="json").json()
    api.post(f"/api/v1/contacts/{contact['id']}/screening/", screening_body(), format="json")
    flag = PatternFlag.objects.get()
    client = signed_in(manager)
    assert f"/pattern-flags/{flag.pk}/review/" in page_text(
        client.get(f"/contacts/{contact['id']}/oversight/")
    )

    client.post(f"/pattern-flags/{flag.pk}/review/", {"conclusion": "Escalating incidents."})
    response = client.post(
        f"/contacts/{contact['id']}/oversight/", {"decision": "agree", "rationale": "Agreed."}
    )

    flag.refresh_from_db()
    assert (flag.reviewed_by, flag.conclusion) == (manager, "Escalating incidents.")
    assert response.status_code == 302


def test_the_queue_shows_when_the_contacts_own_decision_is_already_overdue(
    manager: User, screened_contact: Screened, signed_in: SignedIn
) -> None:
    late = screened_contact()
    on_time = screened_contact()
    Contact.objects.filter(pk=late["id"]).update(
        decision_due_at=timezone.now() - timedelta(hours=3)
    )

    html = page_text(signed_in(manager).get("/oversight/"))

    rows = {
        reference: row
        for row in re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", html, re.S)
        for reference in re.findall(r">(CON-\d{7})</a>", row)
    }
    assert "Decision overdue" in rows[late["reference"]]
    assert "overdue by 3 h" in rows[late["reference"]]
    assert "Decision overdue" not in rows[on_time["reference"]]


def test_the_queue_marks_the_screenings_whose_pattern_flags_wait_for_review(
    manager: User, screened_contact: Screened, signed_in: SignedIn
) -> None:
    flagged, reviewed, plain = screened_contact(), screened_contact(), screened_contact()
    child = flagged["children"][0]["id"]
    # The third contact about the child raised a flag of its own; these are set by hand.
    PatternFlag.objects.all().delete()
    PatternFlag.objects.create(child_id=child, contact_id=flagged["id"], contacts_in_12_months=3)
    PatternFlag.objects.create(
        child_id=child,
        contact_id=reviewed["id"],
        contacts_in_12_months=3,
        reviewed_at=timezone.now(),
    )

    html = page_text(signed_in(manager).get("/oversight/"))

    rows = {ref: row for ref, row in re.findall(r">(CON-\d{7})</a>(.*?)</tr>", html, re.S)}
    assert "Pattern to review" in rows[flagged["reference"]]
    assert "Pattern to review" not in rows[reviewed["reference"]]
    assert "Pattern to review" not in rows[plain["reference"]]
    assert html.count("Pattern to review") == 1


def test_the_queue_costs_the_same_queries_whatever_its_rows_and_their_children(
    manager: User, screened_contact: Screened, signed_in: SignedIn
) -> None:
    client = signed_in(manager)
    screened_contact()
    client.get("/oversight/")
    with CaptureQueriesContext(connection) as one:
        client.get("/oversight/")
    child = contact_body()["children"][0]
    # Names of their own (names are matched without digits): new children, one or two a contact.
    for names in (
        ("Ann", "Bea"),
        ("Cat", "Dee"),
        ("Eve", "Fay"),
        ("Gus", "Hal"),
        ("Ida", "Jo"),
        ("Kit",),
    ):
        children = [child | {"first_name": name, "nhs_number": ""} for name in names]
        screened_contact({"children": children})

    with CaptureQueriesContext(connection) as seven:
        html = page_text(client.get("/oversight/"))

    assert len(re.findall(r">(CON-\d{7})</a>", html)) == 7
    assert "Ida Smith, Jo Smith" in html
    assert len(seven) == len(one)
