"""Demo data for the triage workflow: the oldest demo contact screened, overseen and
referred; the next screened and awaiting a manager's oversight."""

from __future__ import annotations

from mach.models import Contact, User

from .services import oversight_decide, screening_submit


def seed(users: dict[str, User], contacts: list[Contact]) -> None:
    if len(contacts) < 2:
        return
    worker, manager = users["sam.worker"], users["mo.manager"]
    decided, awaiting = contacts[0], contacts[1]
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
