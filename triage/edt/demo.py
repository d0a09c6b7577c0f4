"""Demo EDT handovers: one from last night waiting for the MACH's oversight (red: police
protection), and one the MACH has acknowledged."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from mach.models import Contact, User

from .inputs import HandoverInputSerializer
from .services import edt_handover_acknowledge, edt_handover_record


def _validated(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    payload = HandoverInputSerializer(data=body)
    payload.is_valid(raise_exception=True)
    data = dict(payload.validated_data)
    extras = {name: data.pop(name) for name in ("action_taken", "outstanding_actions")}
    return data, extras


def _body(child: dict[str, str], action: str, outstanding: str, concerns: str) -> dict[str, Any]:
    return {
        "received_at": (timezone.now() - timedelta(hours=9)).isoformat(),
        "channel": "edt",
        "source": "6",
        "referrer": {"name": "PC B Ahmed", "organisation": "Cleveland Police"},
        "children": [child],
        "adults": [],
        "concerns": concerns,
        "parental_awareness": "informed_no_consent",
        "parental_awareness_reason": "Mother was intoxicated and could not consent.",
        "action_taken": action,
        "outstanding_actions": outstanding,
    }


def seed(users: dict[str, User], contacts: list[Contact]) -> None:
    edt, worker = users.get("eddie.edt"), users.get("sam.worker")
    if edt is None or worker is None:
        return
    waiting, extras = _validated(
        _body(
            {"first_name": "Kai", "last_name": "Brown", "date_of_birth": "2019-06-14"},
            "police_protection",
            "Strategy discussion this morning; health check for Kai.",
            "Kai was found alone at 01:00; police took him into police protection.",
        )
    )
    edt_handover_record(actor=edt, contact=waiting, via="seed_demo", **extras)
    seen, extras = _validated(
        _body(
            {"first_name": "Lily", "last_name": "Green", "date_of_birth": "2012-02-03"},
            "advice",
            "Call the school to check Lily arrived.",
            "Lily rang after an argument at home; advice given and she stayed with her aunt.",
        )
    )
    handover = edt_handover_record(actor=edt, contact=seen, via="seed_demo", **extras)
    edt_handover_acknowledge(actor=worker, handover=handover, note="Taken on for screening.")
