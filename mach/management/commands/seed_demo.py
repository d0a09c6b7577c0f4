"""`manage.py seed_demo`: demo users (printed with passwords and tokens) and demo contacts.

Safe to run on every start: users and contacts are created only once.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone
from rest_framework.authtoken.models import Token

from mach.demo import run_seeders
from mach.models import Contact, Role, User
from mach.services import PersonInput, contact_create, user_create

DEMO_PASSWORD = "front-door-demo"
DEMO_USERS = (
    ("sam.worker", Role.SOCIAL_WORKER, "mach"),
    ("mo.manager", Role.MANAGER, "mach"),
    ("max.manager", Role.MANAGER, "mach"),
    ("sue.service", Role.SERVICE_MANAGER, "mach"),
    ("eddie.edt", Role.EDT_WORKER, "edt"),
    ("cleveland.police", Role.PARTNER_AGENCY, "cleveland-police"),
    ("ada.auditor", Role.AUDITOR, ""),
    ("ola.auditor", Role.AUDITOR, ""),
    ("admin", Role.ADMIN, ""),
)


class Command(BaseCommand):
    help = "Create demo users and contacts for trying the service (never in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        users = {username: self._user(username, role, team) for username, role, team in DEMO_USERS}
        if not Contact.objects.exists():
            run_seeders(users, self._contacts(users))
        self.stdout.write(f"\nDemo users (password for the web pages: {DEMO_PASSWORD}):")
        for username, role, _team in DEMO_USERS:
            token = Token.objects.get(user=users[username]).key
            self.stdout.write(f"  {username:<18} {role:<15} API token {token}")

    def _user(self, username: str, role: str, team: str) -> User:
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            return existing
        user, _ = user_create(
            username=username,
            role=role,
            team_slug=team,
            email=f"{username}@example.org",
            password=DEMO_PASSWORD,
        )
        return user

    def _contacts(self, users: dict[str, User]) -> list[Contact]:
        now = timezone.now()
        police, worker = users["cleveland.police"], users["sam.worker"]
        amy = PersonInput(
            first_name="Amy",
            last_name="Smith",
            date_of_birth=date(2015, 3, 2),
            nhs_number="9434765919",
            gender="female",
            address={"line1": "1 High Street", "town": "Middlesbrough", "postcode": "TS1 2AB"},
        )
        ben = PersonInput(
            first_name="Ben",
            last_name="Smith",
            date_of_birth=date(2018, 7, 9),
            gender="male",
            address={"line1": "1 High Street", "town": "Middlesbrough", "postcode": "TS1 2AB"},
        )
        jo = PersonInput(
            first_name="Jo",
            last_name="Smith",
            date_of_birth=date(1990, 5, 1),
            relationship="mother",
        )
        contacts = []
        for days_ago, actor, children, concerns in (
            (40, police, [amy], "Police called to a domestic incident; Amy was present."),
            (3, worker, [amy, ben], "School reports Amy arrived hungry and with a bruise."),
            (0, police, [amy, ben], "Second domestic incident this month; children upstairs."),
        ):
            contact = contact_create(
                actor=actor,
                received_at=now - timedelta(days=days_ago, minutes=5),
                channel="api" if actor is police else "phone",
                source="6" if actor is police else "2A",
                referrer={"name": "PC A Jones", "organisation": "Cleveland Police"}
                if actor is police
                else {"name": "Ms Head", "organisation": "Linthorpe Primary", "role": "DSL"},
                children=children,
                adults=[jo],
                concerns=concerns,
                parental_awareness="informed_no_consent",
                parental_awareness_reason="Mother told by police; she does not agree.",
                via="seed_demo",
            )
            contacts.append(contact)
        self.stdout.write("Created demo contacts.")
        return contacts
