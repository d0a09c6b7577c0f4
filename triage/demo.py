"""Demo data for the triage workflow: the oldest demo contact screened, overseen and referred
(with its assessment open); the next screened and awaiting a manager's oversight; the newest,
the third about the same child this year, left for the demo worker to screen, with the parents
consulted and a question waiting in the demo police organisation's inbox."""

from __future__ import annotations

from mach.models import Contact, User

from .services import (
    oversight_decide,
    parent_consultation_record,
    partner_request_send,
    screening_submit,
)


def seed(users: dict[str, User], contacts: list[Contact]) -> None:
    if len(contacts) < 3:
        return
    worker, manager, police = users["sam.worker"], users["mo.manager"], users["cleveland.police"]
    decided, awaiting, received = contacts
    for contact, outcome in ((decided, "assessment"), (awaiting, "early_help")):
        screening_submit(
            actor=worker,
            contact=contact,
            threshold_level=4 if outcome == "assessment" else 2,
            rag="amber",
            childs_voice="Amy told her teacher she hides upstairs when the shouting starts.",
            history_analysis="Police have attended twice; no previous referrals.",
            parents_consulted=True,
            analysis="Repeated domestic incidents with the children present.",
            recommended_outcome=outcome,
            alternatives_considered="Early help was offered and declined in May."
            if outcome == "assessment"
            else "",
        )
    oversight_decide(
        actor=manager,
        contact=decided,
        decision="agree",
        rationale="Proportionate: the pattern needs a full assessment.",
    )
    parent_consultation_record(
        consulted_with="Jo Smith (mother)",
        method="phone",
        actor=worker,
        contact=received,
        summary="Mother agrees to checks with the police.",
    )
    partner_request_send(
        actor=worker,
        contact=received,
        agency="police",
        organisation=police.team,
        question="Any call-outs to 1 High Street in the last 12 months, and were children present?",
    )
