"""The assessment pages (spec 11, G10): the list, the assessment page, and its forms, each
refusing what the API refuses and showing it on the page."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, AssessmentAction, AssessmentState
from mach.deadlines import sweep
from mach.models import (
    AccessLog,
    Contact,
    Person,
    Referral,
    Role,
    User,
)
from mach.templatetags.front_door import describe_days_left
from mach.web import links
from tests.conftest import Api
from tests.factories import ChildFactory, ContactFactory
from tests.web.conftest import SignedIn, page_text, summary_links

pytestmark = pytest.mark.django_db

FINDINGS: dict[str, Any] = {
    "child_seen_on": date(2026, 11, 20),
    "child_seen_alone": True,
    "childs_voice": "Amy said she feels safe with her nan.",
    "family_network_involvement": "Maternal grandmother and aunt spoken to; both offer support.",
    "analysis": "Risk reduced since father left; mother engaging.",
    "factors": ["3B", "16A"],
}
# The findings form as a browser posts it.
FINDINGS_FORM: dict[str, Any] = {
    "child_seen_on-day": "20",
    "child_seen_on-month": "11",
    "child_seen_on-year": "2026",
    "child_seen_alone": "true",
    "childs_voice": FINDINGS["childs_voice"],
    "family_network_involvement": FINDINGS["family_network_involvement"],
    "analysis": FINDINGS["analysis"],
    "factors": ["3B", "16A"],
}
ACTION_FORM = {
    "description": "School to refer Amy to counselling",
    "owner": "Ms Head, Linthorpe Primary",
    "due_on-day": "1",
    "due_on-month": "12",
    "due_on-year": "2026",
}


def oversee_to_assessment(manager: User, api_as: Api, contact: dict[str, Any]) -> Assessment:
    """The manager agrees a screened contact's recommended assessment: its assessment."""
    response = api_as(manager).post(
        f"/api/v1/contacts/{contact['id']}/oversight/",
        {"decision": "agree", "rationale": "Assessment needed."},
        format="json",
    )
    assert response.status_code == 200, response.content
    return Assessment.objects.get(referral__contact_id=contact["id"])


@pytest.fixture
def assessment(screened_contact: Any, manager: User, api_as: Api) -> Assessment:
    """Opened by a contact received on Monday 2 November 2026: due Thursday 7 January 2027."""
    contact = screened_contact({"received_at": "2026-11-02T10:00:00+00:00"})
    return oversee_to_assessment(manager, api_as, contact)


def assessment_due(due_on: date, *, first_name: str = "Amy", state: str = "open") -> Assessment:
    """An assessment of a new child, opened as a referral opens one, then due on `due_on`."""
    contact: Contact = ContactFactory.create()
    child: Person = ChildFactory.create(first_name=first_name)
    referral = Referral.objects.create(
        contact=contact,
        child=child,
        team=contact.team,
        referral_date=due_on - timedelta(days=63),
        outcome="assessment",
    )
    opened = services.assessment_open(actor=contact.submitted_by, referral=referral)
    Assessment.objects.filter(pk=opened.pk).update(due_on=due_on, state=state)
    return Assessment.objects.get(pk=opened.pk)


def add_action(assessment: Assessment, worker: User) -> AssessmentAction:
    """A home visit, due on Tuesday 1 December 2026."""
    return services.assessment_action_add(
        actor=worker,
        assessment=assessment,
        description="Home visit",
        owner="Sam",
        due_on=date(2026, 12, 1),
    )


def _url(assessment: Assessment, suffix: str = "") -> str:
    return f"/assessments/{assessment.pk}/{suffix}"


def _children_listed(html: str) -> list[str]:
    return re.findall(r'href="/children/\d+/">([^<]+)</a></th>', html)


def _with_findings(assessment: Assessment, worker: User) -> None:
    services.assessment_record(actor=worker, assessment=assessment, **FINDINGS)


def _submitted(assessment: Assessment, by: User) -> None:
    _with_findings(assessment, by)
    services.assessment_submit(actor=by, assessment=assessment, outcome="cin_plan")


def _fresh(assessment: Assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


# The list.


def test_the_list_shows_assessments_not_completed_soonest_due_first(
    social_worker: User, signed_in: SignedIn
) -> None:
    today = timezone.localdate()
    assessment_due(today + timedelta(days=30), first_name="Later")
    assessment_due(today - timedelta(days=2), first_name="Overdue")
    assessment_due(today + timedelta(days=3), first_name="Soon", state="awaiting_authorisation")
    assessment_due(today - timedelta(days=9), first_name="Done", state="completed")

    html = page_text(signed_in(social_worker).get("/assessments/"))

    assert _children_listed(html) == ["Overdue Smith", "Soon Smith", "Later Smith"]
    assert "3 assessments" in html


def test_the_list_says_in_words_how_long_is_left(social_worker: User, signed_in: SignedIn) -> None:
    today = timezone.localdate()
    assessment_due(today - timedelta(days=2))
    assessment_due(today)
    assessment_due(today + timedelta(days=3))

    html = page_text(signed_in(social_worker).get("/assessments/"))

    assert re.search(r'mach-overdue">overdue by 2 days<', html)
    assert ">due today<" in html
    assert ">3 days left<" in html


@pytest.mark.parametrize(
    ("due_in", "words"),
    [
        (0, "due today"),
        (1, "1 day left"),
        (3, "3 days left"),
        (-1, "overdue by 1 day"),
        (-2, "overdue by 2 days"),
    ],
)
def test_days_left_to_a_due_date_read_in_words(due_in: int, words: str) -> None:
    today = date(2026, 12, 24)

    assert describe_days_left(today + timedelta(days=due_in), today) == words


def test_the_list_filters_by_state(social_worker: User, signed_in: SignedIn) -> None:
    today = timezone.localdate()
    assessment_due(today, first_name="Open")
    assessment_due(today, first_name="Waiting", state="awaiting_authorisation")
    assessment_due(today, first_name="Done", state="completed")
    client = signed_in(social_worker)

    waiting = page_text(client.get("/assessments/?state=awaiting_authorisation"))
    completed = page_text(client.get("/assessments/?state=completed"))

    assert _children_listed(waiting) == ["Waiting Smith"]
    assert _children_listed(completed) == ["Done Smith"]


def test_an_unknown_state_is_shown_as_an_error_not_applied(
    social_worker: User, signed_in: SignedIn
) -> None:
    assessment_due(timezone.localdate())

    html = page_text(signed_in(social_worker).get("/assessments/?state=lost"))

    assert summary_links(html) == [("state", "Select a state from the list")]
    assert _children_listed(html) == ["Amy Smith"]


def test_the_list_is_paginated_keeping_the_filter(social_worker: User, signed_in: SignedIn) -> None:
    for _ in range(26):
        assessment_due(timezone.localdate(), state="awaiting_authorisation")

    html = page_text(signed_in(social_worker).get("/assessments/?state=awaiting_authorisation"))

    assert len(_children_listed(html)) == 25
    assert 'href="?state=awaiting_authorisation&amp;page=2"' in html


def test_the_number_of_queries_does_not_grow_with_the_assessments_shown(
    social_worker: User, signed_in: SignedIn
) -> None:
    client = signed_in(social_worker)
    assessment_due(timezone.localdate())
    client.get("/assessments/")
    with CaptureQueriesContext(connection) as few:
        client.get("/assessments/")
    for _ in range(20):
        assessment_due(timezone.localdate())

    with CaptureQueriesContext(connection) as many:
        client.get("/assessments/")

    assert len(many) == len(few)


def test_each_child_on_the_list_is_written_to_the_access_log(
    social_worker: User, signed_in: SignedIn
) -> None:
    shown = [assessment_due(timezone.localdate()) for _ in range(2)]

    signed_in(social_worker).get("/assessments/")

    logged = AccessLog.objects.filter(user=social_worker, via="/assessments/", action="view")
    assert set(logged.values_list("child_id", flat=True)) == {a.child_id for a in shown}


def test_the_navigation_leads_child_readers_to_the_assessments(
    make_user: Any, signed_in: SignedIn
) -> None:
    html = page_text(signed_in(make_user(Role.AUDITOR, team="")).get("/worklist/"))

    assert re.search(r'href="/assessments/">\s*Assessments\s*</a>', html)


def test_alerts_about_an_assessment_or_its_action_link_to_its_page_without_a_query(
    assessment: Assessment, django_assert_num_queries: Any
) -> None:
    action = AssessmentAction(assessment_id=assessment.pk)

    with django_assert_num_queries(0):
        urls = (links.url_for(assessment), links.url_for(action))

    assert urls == (_url(assessment), f"{_url(assessment)}#actions")


def test_the_alerts_page_links_an_overdue_assessment_to_its_page(
    assessment: Assessment, manager: User, signed_in: SignedIn
) -> None:
    sweep(now=datetime(2027, 1, 7, 17, 0, tzinfo=UTC))

    html = page_text(signed_in(manager).get("/alerts/"))

    assert f'href="{_url(assessment)}"' in html


# The assessment page.


def test_the_page_shows_the_child_the_referral_and_the_time_left(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    html = page_text(signed_in(social_worker).get(_url(assessment)))

    assert f'href="/children/{assessment.child_id}/">Amy Smith</a>' in html
    assert f'href="/contacts/{assessment.referral.contact_id}/">contact CON-' in html
    assert "Due Thursday 7 January 2027, 45 working days after the referral" in html
    assert "days left" in html


def test_opening_the_page_writes_the_child_to_the_access_log(
    assessment: Assessment, make_user: Any, signed_in: SignedIn
) -> None:
    auditor = make_user(Role.AUDITOR, team="")

    signed_in(auditor).get(_url(assessment))

    assert AccessLog.objects.filter(
        user=auditor, child_id=assessment.child_id, via=_url(assessment), action="view"
    ).exists()


def test_the_timeline_shows_what_happened_to_the_assessment_and_its_actions(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    add_action(assessment, social_worker)

    html = page_text(signed_in(social_worker).get(_url(assessment)))

    assert "Assessment opened" in html
    assert "Assessment action added: Home visit" in html


def test_a_reader_who_is_not_a_worker_is_offered_no_form(
    assessment: Assessment, social_worker: User, make_user: Any, signed_in: SignedIn
) -> None:
    add_action(assessment, social_worker)

    html = page_text(signed_in(make_user(Role.EDT_WORKER)).get(_url(assessment)))

    assert '<form method="post" action="/assessment' not in html
    assert "Home visit" in html


# Recording the findings.


def test_a_worker_records_the_findings(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    response = signed_in(social_worker).post(_url(assessment, "findings/"), FINDINGS_FORM)

    assert response.status_code == 302
    saved = _fresh(assessment)
    assert {name: getattr(saved, name) for name in FINDINGS} == FINDINGS


def test_recording_the_findings_writes_a_change_to_the_access_log(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    signed_in(social_worker).post(_url(assessment, "findings/"), FINDINGS_FORM)

    assert AccessLog.objects.filter(
        user=social_worker, child_id=assessment.child_id, action="change"
    ).exists()


def test_the_findings_saved_are_shown_in_the_form_again(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    _with_findings(assessment, social_worker)

    html = page_text(signed_in(social_worker).get(_url(assessment)))

    assert (
        'id="child_seen_on-day" name="child_seen_on-day" type="text" inputmode="numeric" value="20"'
        in html
    )
    assert 'name="factors" type="checkbox" value="3B" checked' in html
    assert "3B: Domestic abuse: a parent or carer" in html


def test_factor_21_with_another_factor_is_refused_on_the_factors_field(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    form = {**FINDINGS_FORM, "factors": ["21", "16A"]}

    response = signed_in(social_worker).post(_url(assessment, "findings/"), form)

    assert response.status_code == 400
    assert summary_links(page_text(response)) == [
        ("factors", "Factor 21 (no factors identified) must stand alone.")
    ]
    assert _fresh(assessment).factors == []


def test_a_refused_form_keeps_what_was_typed(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    form = {**FINDINGS_FORM, "factors": ["21", "16A"]}

    html = page_text(signed_in(social_worker).post(_url(assessment, "findings/"), form))

    assert 'value="21" checked' in html
    assert 'value="16A" checked' in html
    assert "Amy said she feels safe with her nan.</textarea>" in html


def test_a_date_that_is_not_real_is_refused_on_the_date_field(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    form = {**FINDINGS_FORM, "child_seen_on-day": "31", "child_seen_on-month": "11"}

    response = signed_in(social_worker).post(_url(assessment, "findings/"), form)

    assert response.status_code == 400
    assert summary_links(page_text(response)) == [
        ("child_seen_on-day", "Date the child was seen must be a real date")
    ]


# Actions.


def test_a_worker_adds_an_action(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    response = signed_in(social_worker).post(_url(assessment, "actions/"), ACTION_FORM)

    assert response.status_code == 302
    action = assessment.actions.get()
    assert (action.owner, action.due_on) == ("Ms Head, Linthorpe Primary", date(2026, 12, 1))


def test_an_action_due_on_a_weekend_is_refused_on_the_due_date_field(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    saturday = {**ACTION_FORM, "due_on-day": "5"}

    response = signed_in(social_worker).post(_url(assessment, "actions/"), saturday)

    assert response.status_code == 400
    assert summary_links(page_text(response)) == [("due_on-day", "Choose a working day.")]
    assert not assessment.actions.exists()


def test_an_action_without_its_owner_is_refused_on_the_owner_field(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    response = signed_in(social_worker).post(
        _url(assessment, "actions/"), {**ACTION_FORM, "owner": ""}
    )

    assert summary_links(page_text(response)) == [("owner", "Enter who will do it")]


def test_a_worker_marks_an_action_done(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    action = add_action(assessment, social_worker)

    response = signed_in(social_worker).post(
        f"/assessment-actions/{action.pk}/complete/", follow=True
    )

    assert "Action done: Home visit." in page_text(response)
    assert AssessmentAction.objects.get(pk=action.pk).completed_by == social_worker


def test_an_overdue_action_is_marked(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    action = add_action(assessment, social_worker)
    AssessmentAction.objects.filter(pk=action.pk).update(due_on=date(2026, 11, 2))

    html = page_text(signed_in(social_worker).get(_url(assessment)))

    assert 'govuk-tag--red">Overdue</strong>' in html


# Sending the outcome for authorisation.


def test_a_worker_sends_the_outcome_for_authorisation(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    _with_findings(assessment, social_worker)

    response = signed_in(social_worker).post(
        _url(assessment, "submit/"), {"outcome": "cin_plan"}, follow=True
    )

    assert "The outcome was sent to a manager for authorisation." in page_text(response)
    assert _fresh(assessment).state == AssessmentState.AWAITING_AUTHORISATION


def test_sending_without_the_findings_names_each_one_missing(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    response = signed_in(social_worker).post(_url(assessment, "submit/"), {"outcome": "cin_plan"})

    assert response.status_code == 400
    assert summary_links(page_text(response)) == [
        ("child_seen_on-day", "Record when the child was seen."),
        ("child_seen_alone-0", "Record whether the child was seen alone."),
        ("childs_voice", "Record the child's voice."),
        ("family_network_involvement", "Record who in the family network was involved."),
        ("analysis", "Record the analysis."),
        ("factors", "Record the assessment factors (21 if none)."),
    ]


def test_sending_without_an_outcome_asks_for_one(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    _with_findings(assessment, social_worker)

    response = signed_in(social_worker).post(_url(assessment, "submit/"), {})

    assert summary_links(page_text(response)) == [("outcome-0", "Select an outcome")]


def test_closure_is_refused_on_the_outcome_while_an_action_is_open(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    _with_findings(assessment, social_worker)
    add_action(assessment, social_worker)

    response = signed_in(social_worker).post(
        _url(assessment, "submit/"), {"outcome": "closure", "closure_reason": "RC9"}
    )

    assert response.status_code == 400
    assert summary_links(page_text(response)) == [
        ("outcome-0", "Closure is refused while actions are open.")
    ]
    assert _fresh(assessment).state == AssessmentState.OPEN


def test_a_late_submission_asks_why_it_took_longer(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    _with_findings(assessment, social_worker)
    Assessment.objects.filter(pk=assessment.pk).update(due_on=date(2026, 11, 3))

    response = signed_in(social_worker).post(_url(assessment, "submit/"), {"outcome": "cin_plan"})

    assert summary_links(page_text(response)) == [
        ("exceeded_reason", "Say why the assessment took over 45 working days.")
    ]


def test_the_reason_for_lateness_is_asked_only_when_late(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    html = page_text(signed_in(social_worker).get(_url(assessment)))

    assert 'name="exceeded_reason"' not in html


# Authorisation.


def test_the_submitter_cannot_authorise_their_own_submission(
    assessment: Assessment, manager: User, signed_in: SignedIn
) -> None:
    _submitted(assessment, manager)

    response = signed_in(manager).post(
        _url(assessment, "authorise/"), {"authorise": "true", "rationale": "Mine."}
    )

    assert response.status_code == 403
    assert _fresh(assessment).state == AssessmentState.AWAITING_AUTHORISATION


def test_the_submitter_is_told_another_manager_must_authorise(
    assessment: Assessment, manager: User, signed_in: SignedIn
) -> None:
    _submitted(assessment, manager)

    html = page_text(signed_in(manager).get(_url(assessment)))

    assert "another manager must authorise it" in html
    assert 'name="authorise"' not in html


def test_another_manager_authorises_and_the_assessment_is_completed(
    assessment: Assessment, social_worker: User, manager: User, signed_in: SignedIn
) -> None:
    _submitted(assessment, social_worker)

    response = signed_in(manager).post(
        _url(assessment, "authorise/"),
        {"authorise": "true", "rationale": "Plan is clear."},
        follow=True,
    )

    assert "The assessment is complete." in page_text(response)
    completed = _fresh(assessment)
    assert (completed.state, completed.authorised_by) == (AssessmentState.COMPLETED, manager)


def test_returning_the_outcome_reopens_the_assessment_for_the_worker(
    assessment: Assessment, social_worker: User, manager: User, signed_in: SignedIn
) -> None:
    _submitted(assessment, social_worker)

    signed_in(manager).post(
        _url(assessment, "authorise/"), {"authorise": "false", "rationale": "See the father."}
    )

    assert _fresh(assessment).state == AssessmentState.OPEN
    html = page_text(signed_in(social_worker).get(_url(assessment)))
    assert 'name="outcome" type="radio" value="cin_plan" checked' in html


def test_a_decision_without_a_rationale_is_refused_on_the_page(
    assessment: Assessment, social_worker: User, manager: User, signed_in: SignedIn
) -> None:
    _submitted(assessment, social_worker)

    response = signed_in(manager).post(_url(assessment, "authorise/"), {"authorise": "true"})

    assert response.status_code == 400
    assert summary_links(page_text(response)) == [
        ("rationale", "Give the rationale for the decision.")
    ]


def test_a_form_the_assessment_no_longer_offers_says_why_over_the_page(
    assessment: Assessment, social_worker: User, signed_in: SignedIn
) -> None:
    _submitted(assessment, social_worker)
    client: Client = signed_in(social_worker)

    response = client.post(_url(assessment, "findings/"), FINDINGS_FORM, follow=True)

    assert response.redirect_chain == [(_url(assessment), 302)]
    assert "Only an open assessment can be changed." in page_text(response)
