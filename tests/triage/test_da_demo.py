"""The demo data: an open meeting with a high-risk notification and a repeat victim, and a
challenge recorded at the meeting before."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from triage.domestic_abuse.services import marac_criteria
from triage.models import DomesticAbuseNotification, TriageChallenge, TriageMeeting

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_meeting_with_a_high_risk_notification_a_repeat_victim_and_a_challenge() -> (
    None
):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    meeting = TriageMeeting.objects.get(state="open")
    agenda = {n.police_reference: n for n in meeting.notifications.all()}
    assert agenda["CP/DEMO/0003"].dash_level == "high"
    assert "repeat" in marac_criteria(agenda["CP/DEMO/0002"])
    assert TriageChallenge.objects.filter(notification__police_reference="CP/DEMO/0001").exists()
    assert TriageMeeting.objects.get(state="closed").notifications.get().marac_referral
    assert DomesticAbuseNotification.objects.count() == 3
