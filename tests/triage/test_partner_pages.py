"""Parental consultation, exceptions and partner requests through the pages (G1), and the
partner agency's own inbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mach.models import Role, Team, User
from tests.web.conftest import SignedIn, page_text, summary_links
from triage.models import ConsultationException, PartnerRequest, ReferrerFeedback

pytestmark = pytest.mark.django_db
NewContact = Callable[..., dict[str, Any]]


def test_partners_cannot_be_asked_from_the_page_before_the_parents_are_consulted(
    social_worker: User, new_contact: NewContact, signed_in: SignedIn
) -> None:
    contact = new_contact()
    client = signed_in(social_worker)
    assert "Ask a partner agency" not in page_text(client.get(f"/contacts/{contact['id']}/"))

    response = client.get(f"/contacts/{contact['id']}/partner-requests/new/", follow=True)

    assert "cannot be asked until the parents are consulted" in page_text(response)


def test_once_the_parents_are_consulted_a_partner_is_asked(
    social_worker: User, new_contact: NewContact, signed_in: SignedIn
) -> None:
    contact = new_contact()
    client = signed_in(social_worker)
    client.post(
        f"/contacts/{contact['id']}/parents-consulted/",
        {
            "consulted_with": "Jo Smith (mother)",
            "method": "phone",
            "summary": "Mother agrees to checks.",
        },
    )

    response = client.post(
        f"/contacts/{contact['id']}/partner-requests/new/",
        {"agency": "police", "question": "Any call-outs to the address this year?"},
        follow=True,
    )

    assert "Request sent." in page_text(response)
    assert "Any call-outs to the address this year?" in page_text(response)
    assert PartnerRequest.objects.get().sent_by == social_worker


def test_an_exception_asked_for_is_decided_by_another_manager(
    social_worker: User, manager: User, new_contact: NewContact, signed_in: SignedIn
) -> None:
    contact = new_contact()
    signed_in(social_worker).post(
        f"/contacts/{contact['id']}/consultation-exception/",
        {"ground": "police_investigation", "details": "Police ask us not to alert the father."},
    )
    exception = ConsultationException.objects.get()
    assert f"/consultation-exceptions/{exception.pk}/decision/" in page_text(
        signed_in(manager).get(f"/contacts/{contact['id']}/")
    )

    signed_in(manager).post(
        f"/consultation-exceptions/{exception.pk}/decision/",
        {"authorise": "true", "rationale": "Agreed with the police."},
    )

    assert ConsultationException.objects.get().state == "authorised"
    assert "Ask a partner agency" in page_text(
        signed_in(social_worker).get(f"/contacts/{contact['id']}/")
    )


def test_unreachable_parents_need_the_attempts_on_the_page(
    social_worker: User, new_contact: NewContact, signed_in: SignedIn
) -> None:
    contact = new_contact()

    response = signed_in(social_worker).post(
        f"/contacts/{contact['id']}/consultation-exception/",
        {"ground": "unreachable", "details": "No answer."},
    )

    assert summary_links(page_text(response)) == [
        ("attempts", "Record each attempt to reach the parents (when, how, outcome) first.")
    ]


def _request_to(organisation: Team, contact: dict[str, Any], worker: User) -> PartnerRequest:
    from mach.models import Contact
    from triage import services

    record = Contact.objects.get(pk=contact["id"])
    services.parent_consultation_record(
        actor=worker,
        contact=record,
        consulted_with="Jo Smith (mother)",
        method="phone",
        summary="Agreed.",
    )
    return services.partner_request_send(
        actor=worker,
        contact=record,
        agency="police",
        question="Any history?",
        organisation=organisation,
    )


def test_a_partner_answers_from_its_inbox(
    police: User, social_worker: User, new_contact: NewContact, signed_in: SignedIn
) -> None:
    assert police.team is not None
    partner_request = _request_to(police.team, new_contact(), social_worker)
    client = signed_in(police)
    inbox = page_text(client.get("/information-requests/"))
    assert "Any history?" in inbox
    assert "Amy" not in inbox

    response = client.post(
        f"/partner-requests/{partner_request.pk}/response/",
        {"response": "Two call-outs in March."},
        follow=True,
    )

    assert response.redirect_chain == [("/information-requests/", 302)]
    answered = PartnerRequest.objects.get()
    assert (answered.state, answered.responded_by) == ("answered", police)


def test_another_organisation_cannot_answer(
    make_user: Callable[..., User],
    police: User,
    social_worker: User,
    new_contact: NewContact,
    signed_in: SignedIn,
) -> None:
    assert police.team is not None
    partner_request = _request_to(police.team, new_contact(), social_worker)
    health = make_user(Role.PARTNER_AGENCY, team="tees-health")

    response = signed_in(health).get(f"/partner-requests/{partner_request.pk}/response/")

    assert response.status_code == 404


def test_feedback_without_an_email_is_recorded_as_given_another_way(
    social_worker: User, manager: User, new_contact: NewContact, signed_in: SignedIn
) -> None:
    from tests.conftest import contact_body, screening_body

    referrer = contact_body()["referrer"] | {"email": ""}
    contact = new_contact(referrer=referrer)
    signed_in(social_worker).post(
        f"/contacts/{contact['id']}/screening/",
        {k: str(v).lower() if isinstance(v, bool) else v for k, v in screening_body().items()},
    )
    signed_in(manager).post(
        f"/contacts/{contact['id']}/oversight/", {"decision": "agree", "rationale": "Agreed."}
    )
    assert "There is no email address for the referrer." in page_text(
        signed_in(social_worker).get(f"/contacts/{contact['id']}/")
    )

    signed_in(social_worker).post(
        f"/contacts/{contact['id']}/referrer-feedback/given/",
        {"how": "By phone to PC Jones."},
    )

    feedback = ReferrerFeedback.objects.get()
    assert feedback.sent_by == social_worker
    assert feedback.next_alert_at is None


def test_attempts_to_reach_the_parents_are_recorded_and_shown_on_the_contact(
    social_worker: User, new_contact: NewContact, signed_in: SignedIn
) -> None:
    contact = new_contact()
    client = signed_in(social_worker)

    response = client.post(
        f"/contacts/{contact['id']}/parents-not-reached/",
        {"method": "phone", "outcome": "No answer; voicemail left."},
        follow=True,
    )
    client.post(
        f"/contacts/{contact['id']}/parents-consulted/",
        {"consulted_with": "Jo Smith (mother)", "method": "in_person", "summary": "Agrees."},
    )

    html = page_text(client.get(f"/contacts/{contact['id']}/"))
    assert "Attempt to reach the parents recorded." in page_text(response)
    assert "(phone, " in html and "No answer; voicemail left." in html
    assert "(in person), with Jo Smith (mother)" in html
