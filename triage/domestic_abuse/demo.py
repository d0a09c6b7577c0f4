"""Demo data for domestic-abuse triage: an earlier meeting (closed) where the police's high-risk
notification about Jo Smith was referred to MARAC after a challenge from the domestic-abuse
service; and the next meeting, open, with a new high-risk notification and Jo Smith again (a
repeat within 12 months of her MARAC), both awaiting triage, the schools still to be told."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from mach import timescales
from mach.models import AgencyType, Contact, Team, User
from mach.services import PersonInput

from .models import DomesticAbuseNotification, TriageMeeting
from .services import (
    NotifiedChild,
    meeting_create,
    meeting_start,
    notification_create,
    notification_triage,
)

ADDRESS = {"line1": "1 High Street", "town": "Middlesbrough", "postcode": "TS1 2AB"}


def _working_day_on_or_before(day: date) -> date:
    while not timescales.is_working_day(day):
        day -= timedelta(days=1)
    return day


def seed(users: dict[str, User], contacts: list[Contact]) -> None:
    if TriageMeeting.objects.exists():
        return
    police, worker = users["cleveland.police"], users["sam.worker"]
    Team.objects.filter(members=police).update(agency=AgencyType.POLICE)
    police.refresh_from_db()
    now = timezone.now()
    jo = PersonInput(first_name="Jo", last_name="Smith", date_of_birth=date(1990, 5, 1))
    lee = PersonInput(first_name="Lee", last_name="Brown", relationship="mother's partner")
    amy = PersonInput(
        first_name="Amy",
        last_name="Smith",
        date_of_birth=date(2015, 3, 2),
        nhs_number="9434765919",
        school="Linthorpe Primary",
        address=ADDRESS,
    )
    earlier_day = _working_day_on_or_before(timezone.localdate() - timedelta(days=60))
    # Received before that day's meeting started, whatever the time of day the demo is seeded
    # (counted back from now, it missed the agenda when seeded after midday).
    first_received = meeting_start(earlier_day) - timedelta(hours=3)
    first, _ = notification_create(
        actor=police,
        police_reference="CP/DEMO/0001",
        incident_at=first_received - timedelta(hours=20),
        received_at=first_received,
        dash_level="high",
        dash_ticks=16,
        victim=jo,
        perpetrator=lee,
        children=[NotifiedChild(amy, True, "Amy said she hid under the bed.")],
        summary="Jo Smith assaulted at home; Amy present. Lee Brown arrested.",
        via="seed_demo",
    )
    meeting_create(
        actor=worker,
        date=earlier_day,
        attendees=[
            {"agency": AgencyType.POLICE, "name": "DS Patel", "role": "Detective sergeant"},
            {"agency": AgencyType.CHILDRENS_SOCIAL_CARE, "name": "Sam Worker", "role": "SW"},
            {"agency": AgencyType.DOMESTIC_ABUSE_SERVICE, "name": "Rae Lewis", "role": "IDVA"},
        ],
    )
    notification_triage(
        actor=worker,
        notification=first,
        agency_views=[
            {"agency": AgencyType.POLICE, "view": "Second call-out this year; arrest made."},
            {"agency": AgencyType.HEALTH, "view": "Jo seen at A&E in March with a head injury."},
            {"agency": AgencyType.DOMESTIC_ABUSE_SERVICE, "view": "Jo accepts IDVA support."},
        ],
        challenges=[
            {
                "agency": AgencyType.DOMESTIC_ABUSE_SERVICE,
                "challenge": "Early help alone understates the risk to Jo and Amy.",
                "resolution": "Agreed: MARAC referral and an early help offer for Amy.",
            }
        ],
        decision="marac",
        marac_referral=True,
    )
    # Triaged at that meeting, two months ago: dated so (the service dates a triage today),
    # or before 14:00 the next notification's incident would precede the MARAC referral and
    # the demo's repeat victim would not be one.
    DomesticAbuseNotification.objects.filter(pk=first.pk).update(
        marac_referred_on=earlier_day,
        triaged_at=timezone.make_aware(datetime.combine(earlier_day, time(10)), timescales.LONDON),
    )
    notification_create(
        actor=police,
        police_reference="CP/DEMO/0002",
        incident_at=now - timedelta(hours=14),
        received_at=now - timedelta(hours=12),
        dash_level="medium",
        dash_ticks=11,
        victim=jo,
        perpetrator=lee,
        children=[NotifiedChild(amy, False, "")],
        summary="Lee Brown at the house in breach of bail; shouting, no injuries.",
        via="seed_demo",
    )
    notification_create(
        actor=police,
        police_reference="CP/DEMO/0003",
        incident_at=now - timedelta(hours=9),
        received_at=now - timedelta(hours=8),
        dash_level="high",
        dash_ticks=18,
        victim=PersonInput(first_name="Kim", last_name="Taylor", date_of_birth=date(1993, 2, 2)),
        perpetrator=PersonInput(first_name="Dan", last_name="Taylor"),
        children=[
            NotifiedChild(
                PersonInput(
                    first_name="Mia",
                    last_name="Taylor",
                    date_of_birth=date(2012, 9, 14),
                    school="Acklam Grange School",
                ),
                True,
                "Mia called 999 and said her dad had a knife.",
            )
        ],
        summary="Threats with a knife; Mia made the 999 call.",
        via="seed_demo",
    )
    meeting_create(
        actor=worker,
        date=timescales.WorkingCalendar.current().next_working_day(timezone.localdate()),
        attendees=[
            {"agency": AgencyType.POLICE, "name": "DS Patel", "role": "Detective sergeant"},
            {"agency": AgencyType.CHILDRENS_SOCIAL_CARE, "name": "Sam Worker", "role": "SW"},
            {"agency": AgencyType.HEALTH, "name": "Nurse Khan", "role": "Safeguarding nurse"},
            {"agency": AgencyType.EDUCATION, "name": "Ms Head", "role": "DSL lead"},
            {"agency": AgencyType.DOMESTIC_ABUSE_SERVICE, "name": "Rae Lewis", "role": "IDVA"},
        ],
    )
