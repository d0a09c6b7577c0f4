"""The 12-month history beside each item of a meeting's agenda: which of a person's earlier
notifications, MARACs, contacts and referrals it names, in what words, newest first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from mach.models import Contact, Person, User
from tests.conftest import Api, SignedIn
from tests.factories import ReferralFactory
from tests.triage.da_helpers import notify, triage_body
from triage.domestic_abuse.selectors import HistoryLine, histories, named_people
from triage.models import DomesticAbuseNotification
from triage.templatetags.domestic_abuse import history_rows

pytestmark = pytest.mark.django_db
__all__ = ["notify"]


def _lines(notification_id: int, person: Person) -> list[tuple[str, str, str]]:
    notifications = list(DomesticAbuseNotification.objects.filter(pk=notification_id))
    found = histories(notifications, named_people(notifications))
    return [
        (line.at.isoformat(), line.kind, line.summary)
        for line in found[(notification_id, person.pk)].lines
    ]


def test_the_history_names_earlier_notifications_marac_contacts_and_referrals_newest_first(
    notify: Callable[..., dict[str, Any]],
    new_contact: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
) -> None:
    now = timezone.now()
    contact = new_contact(received_at=(now - timedelta(days=10)).isoformat())
    earlier = notify(
        dash_level="high", dash_ticks=16, incident_at=(now - timedelta(days=40)).isoformat()
    )
    triaged = api_as(social_worker).post(
        f"/api/v1/da-notifications/{earlier['id']}/triage/",
        triage_body(decision="marac", marac_referral=True),
        format="json",
    )
    assert triaged.status_code == 200, triaged.content
    too_old = notify(incident_at=(now - timedelta(days=400)).isoformat())
    latest = notify()
    victim = Person.objects.get(first_name="Jo", kind="adult")
    child = Person.objects.get(first_name="Amy")
    referral = ReferralFactory(
        child=child,
        contact=Contact.objects.get(pk=contact["id"]),
        referral_date=(now - timedelta(days=20)).date(),
        outcome="assessment_and_s47",
    )
    stored = DomesticAbuseNotification.objects.get(pk=earlier["id"])
    assert stored.marac_referred_on is not None
    earlier_day = timezone.localtime(stored.incident_at).date().isoformat()
    received = timezone.localtime(Contact.objects.get(pk=contact["id"]).received_at).date()

    victim_lines = _lines(latest["id"], victim)
    child_lines = _lines(latest["id"], child)

    notification_line = (
        earlier_day,
        "notification",
        f"{earlier['police_reference']}: High DASH, as victim; marac referral",
    )
    marac_line = (
        stored.marac_referred_on.isoformat(),
        "marac",
        f"MARAC ({earlier['police_reference']})",
    )
    contact_line = (
        received.isoformat(),
        "contact",
        f"Contact CON-{contact['id']:07d} (received)",
    )
    assert victim_lines == [marac_line, contact_line, notification_line]
    assert child_lines == [
        marac_line,
        contact_line,
        (referral.referral_date.isoformat(), "referral", "Referral: assessment and s47"),
        (notification_line[0], "notification", notification_line[2].replace("victim", "child")),
    ]
    assert all(too_old["police_reference"] not in line[2] for line in victim_lines)


def test_the_meeting_page_shows_each_persons_row_with_counts_and_dated_lines(
    notify: Callable[..., dict[str, Any]],
    social_worker: User,
    api_as: Api,
    signed_in: SignedIn,
) -> None:
    earlier = notify(incident_at=(timezone.now() - timedelta(days=40)).isoformat())
    api = api_as(social_worker)
    api.post(f"/api/v1/da-notifications/{earlier['id']}/triage/", triage_body(), format="json")
    notify()
    meeting = api.post("/api/v1/da-triage-meetings/", {"date": "2026-12-29"}, format="json")
    incident = DomesticAbuseNotification.objects.get(pk=earlier["id"]).incident_at
    day = timezone.localtime(incident).date()

    page = signed_in(social_worker).get(f"/domestic-abuse/meetings/{meeting.json()['id']}/")

    text = page.content.decode()
    child_row = (
        'Amy Smith <span class="govuk-body-s">(child, present)</span>'
        '<br><span class="govuk-body-s">Amy hid upstairs and heard shouting.</span></th>\n'
        + '    <td class="govuk-table__cell govuk-table__cell--numeric">1</td>\n' * 1
        + '    <td class="govuk-table__cell govuk-table__cell--numeric">0</td>\n' * 3
        + f'    <td class="govuk-table__cell">{day.day} {day:%b} {day.year}: '
        f"{earlier['police_reference']}: Medium DASH, as child; early help offer</td>"
    )
    assert child_row in text
    assert 'Lee Brown <span class="govuk-body-s">(alleged perpetrator)</span></th>' in text


def test_a_history_row_escapes_what_people_wrote() -> None:
    """The rows are written in Python (`history_rows`), not by the template's autoescaping."""
    row = {
        "name": "<b>Amy</b> O'Neil",
        "role": "Child",
        "present": True,
        "childs_account": "<script>alert(1)</script>",
        "notifications": 2,
        "contacts": 0,
        "referrals": 1,
        "maracs": 0,
        "lines": [HistoryLine(at=date(2026, 3, 1), kind="contact", summary="a < b & c")],
    }

    html = history_rows([row, {**row, "present": False, "childs_account": "", "lines": []}])

    assert "<b>" not in html and "<script>" not in html
    assert '&lt;b&gt;Amy&lt;/b&gt; O&#x27;Neil <span class="govuk-body-s">(child, present)' in html
    assert '<span class="govuk-body-s">&lt;script&gt;alert(1)&lt;/script&gt;</span></th>' in html
    assert "1 Mar 2026: a &lt; b &amp; c</td>" in html
    assert "(child)</span></th>" in html and "None</td>" in html
    assert html.count('<tr class="govuk-table__row">') == 2
