"""A day's mixed load on the front door, for Locust (run by `load.py`, headless, on loopback).

Practitioners browse the worklist, contacts and children's chronologies and screen contacts;
managers oversee screenings; partner systems post contacts and domestic-abuse notifications,
retrying with the same `Idempotency-Key` as a careful client does. Tokens and the session
cookie come from the environment `load.py` sets.
"""

from __future__ import annotations

import os
import random
import uuid
from datetime import date, timedelta
from typing import Any

from locust import HttpUser, between, task

WORKER = {"Authorization": f"Token {os.environ.get('BENCH_WORKER_TOKEN', '')}"}
MANAGER = {"Authorization": f"Token {os.environ.get('BENCH_MANAGER_TOKEN', '')}"}
PARTNER = {"Authorization": f"Token {os.environ.get('BENCH_PARTNER_TOKEN', '')}"}
POLICE = {"Authorization": f"Token {os.environ.get('BENCH_POLICE_TOKEN', '')}"}
COOKIE = {"Cookie": os.environ.get("BENCH_WORKER_COOKIE", "")}
FIRST_NAMES = ["Amy", "Ben", "Cara", "Dan", "Eve", "Finn", "Gail", "Hari", "Isla", "Jay"]
LAST_NAMES = ["Smith", "Khan", "Jones", "Patel", "Brown", "Taylor", "Wilson", "Ali", "Evans"]
RETRIES = 3


def _child(rng: random.Random) -> dict[str, Any]:
    return {
        "first_name": rng.choice(FIRST_NAMES)
        + uuid.uuid4().hex[:6].translate(str.maketrans("0123456789", "abcdefghij")),
        "last_name": rng.choice(LAST_NAMES),
        "date_of_birth": (date(2009, 1, 1) + timedelta(days=rng.randint(0, 5400))).isoformat(),
        "address": {"postcode": f"TS{rng.randint(1, 9)} {rng.randint(1, 9)}AB"},
    }


def _contact_body(rng: random.Random) -> dict[str, Any]:
    child = _child(rng)
    return {
        "channel": "api",
        "source": "6",
        "referrer": {"name": "PC Load", "organisation": "Load Police"},
        "children": [child],
        "adults": [{"first_name": "Jo", "last_name": child["last_name"], "relationship": "mother"}],
        "concerns": "Load-test contact.",
        "parental_awareness": "informed_and_consents",
    }


def _notification_body(rng: random.Random) -> dict[str, Any]:
    ticks = rng.randint(0, 20)
    level = "standard" if ticks <= 9 else "medium" if ticks <= 13 else "high"
    surname = rng.choice(LAST_NAMES)
    return {
        "police_reference": f"LOAD-{uuid.uuid4().hex[:12]}",
        "incident_at": "2026-11-30T22:15:00Z",
        "dash_level": level,
        "dash_ticks": ticks,
        "victim": {"first_name": "Jo", "last_name": surname, "relationship": "mother"},
        "perpetrator": {"first_name": "Lee", "last_name": surname, "relationship": "father"},
        "children": [{**_child(rng), "present": True, "childs_account": "Heard shouting."}],
        "summary": "Load-test notification.",
    }


class PartnerSystem(HttpUser):
    """A police or health system posting contacts, and the police posting notifications."""

    weight = 2
    wait_time = between(1, 3)

    def _post_with_retries(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> None:
        key = {"Idempotency-Key": str(uuid.uuid4())}
        for attempt in range(RETRIES):
            with self.client.post(
                path, json=body, headers=headers | key, name=f"POST {path}", catch_response=True
            ) as response:
                if response.status_code in (200, 201):
                    response.success()
                    # One post in twenty is replayed, as a client that lost the answer would.
                    if attempt == 0 and random.random() < 0.05:
                        self.client.post(
                            path, json=body, headers=headers | key, name=f"replay {path}"
                        )
                    return
                if response.status_code < 500 and response.status_code != 429:
                    response.failure(f"{response.status_code}: {response.text[:200]}")
                    return
                response.failure(f"{response.status_code}, retried")

    @task(3)
    def post_contact(self) -> None:
        self._post_with_retries("/api/v1/contacts/", _contact_body(random.Random()), PARTNER)

    @task(1)
    def post_notification(self) -> None:
        self._post_with_retries(
            "/api/v1/da-notifications/", _notification_body(random.Random()), POLICE
        )


class Practitioner(HttpUser):
    """A MACH social worker: the worklist, contacts, chronologies, and screening."""

    weight = 6
    wait_time = between(2, 6)

    @task(4)
    def worklist(self) -> None:
        self.client.get("/worklist/", headers=COOKIE, name="page /worklist/")

    @task(3)
    def contact_and_chronology(self) -> None:
        listing = self.client.get(
            "/api/v1/contacts/?page_size=20", headers=WORKER, name="GET /api/v1/contacts/"
        ).json()
        contacts = listing.get("results", [])
        if not contacts:
            return
        contact = self.client.get(
            f"/api/v1/contacts/{random.choice(contacts)['id']}/",
            headers=WORKER,
            name="GET /api/v1/contacts/{id}/",
        ).json()
        children = contact.get("children", [])
        if children and children[0].get("id"):
            self.client.get(
                f"/api/v1/children/{children[0]['id']}/chronology/",
                headers=WORKER,
                name="GET /api/v1/children/{id}/chronology/",
            )

    @task(1)
    def overdue(self) -> None:
        self.client.get(
            "/api/v1/contacts/?overdue=true", headers=WORKER, name="GET /api/v1/contacts/?overdue"
        )

    @task(2)
    def screen(self) -> None:
        waiting = self.client.get(
            "/api/v1/contacts/?state=received&page_size=20",
            headers=WORKER,
            name="GET /api/v1/contacts/?state=received",
        ).json()
        contacts = waiting.get("results", [])
        if not contacts:
            return
        body = {
            "threshold_level": 2,
            "rag": "green",
            "childs_voice": "Seen at school; said home is calm most days.",
            "history_analysis": "No earlier contacts in 12 months.",
            "parents_consulted": True,
            "analysis": "Needs met with early help.",
            "recommended_outcome": "early_help",
        }
        with self.client.post(
            f"/api/v1/contacts/{random.choice(contacts)['id']}/screening/",
            json=body,
            headers=WORKER,
            name="POST /api/v1/contacts/{id}/screening/",
            catch_response=True,
        ) as response:
            # Another practitioner may have screened it a moment before: a refusal, not an error.
            if response.status_code == 409:
                response.success()


class Manager(HttpUser):
    """A MACH manager overseeing screenings."""

    weight = 1
    wait_time = between(3, 8)

    @task
    def oversee(self) -> None:
        queue = self.client.get(
            "/api/v1/contacts/?state=awaiting_oversight&page_size=20",
            headers=MANAGER,
            name="GET /api/v1/contacts/?state=awaiting_oversight",
        ).json()
        contacts = queue.get("results", [])
        if not contacts:
            return
        with self.client.post(
            f"/api/v1/contacts/{random.choice(contacts)['id']}/oversight/",
            json={"decision": "agree", "rationale": "Early help is proportionate here."},
            headers=MANAGER,
            name="POST /api/v1/contacts/{id}/oversight/",
            catch_response=True,
        ) as response:
            if response.status_code == 409:
                response.success()
