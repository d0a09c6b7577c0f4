"""Demo data: `manage.py seed_demo` makes the core's users and contacts, then calls each
workflow app's seeder (registered through `mach.workflows`) to carry some further."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from . import workflows
from .models import AuditDomain, AuditState, Contact, Grade, Kind, User
from .services import audits


def run_seeders(users: dict[str, User], contacts: list[Contact]) -> None:
    from .returns import demo as returns_demo

    for seeder in workflows.demo_seeders.values():
        seeder(users, contacts)
    seed_case_audits(users, contacts)
    # Last: the census items a worker records once the workflows have run.
    returns_demo.seed(users)


def seed_case_audits(users: dict[str, User], contacts: list[Contact]) -> None:
    """Two audits of the first demo contact's child, through the services: one moderated by a
    second auditor who lowers a grade, one submitted with a learning action still open."""
    auditor, moderator = users["ada.auditor"], users["ola.auditor"]
    contact = contacts[0]
    child = contact.people.filter(kind=Kind.CHILD).order_by("pk").first()
    domains = list(AuditDomain.objects.filter(active=True).order_by("pk"))
    if child is None or not domains:
        return

    def grades(grade: str) -> list[dict[str, object]]:
        return [
            {
                "domain": domain.pk,
                "grade": grade,
                "rationale": f"{domain.name}: seen in the record.",
            }
            for domain in domains
        ]

    flattering = audits.audit_create(
        actor=auditor,
        child=child,
        practitioner=users["sam.worker"],
        subject_kind="contact",
        subject_id=contact.pk,
        collaborative=True,
        practitioner_participation="Read the record together in supervision.",
        family_feedback_sought=True,
        family_feedback="Mum said nobody explained what would happen next.",
        grades=grades(Grade.GOOD),
        overall_grade=Grade.GOOD,
    )
    flattering = audits.audit_submit(actor=auditor, audit=flattering, draw=0.0)
    if flattering.state == AuditState.MODERATION:
        lowered = grades(Grade.GOOD)
        lowered[0] = {**lowered[0], "grade": Grade.REQUIRES_IMPROVEMENT}
        audits.audit_moderate(
            actor=moderator,
            audit=flattering,
            grades=lowered,
            overall_grade=Grade.REQUIRES_IMPROVEMENT,
            reason="The child's words are not in the record of the decision.",
        )
    learning = audits.audit_create(
        actor=auditor,
        child=child,
        practitioner=users["sam.worker"],
        collaborative=False,
        family_feedback_sought=False,
        family_feedback="Not sought: the family asked not to be contacted again.",
        grades=grades(Grade.REQUIRES_IMPROVEMENT),
        overall_grade=Grade.REQUIRES_IMPROVEMENT,
    )
    learning = audits.audit_submit(actor=auditor, audit=learning, draw=0.999)
    audits.learning_action_add(
        actor=auditor,
        audit=learning,
        description="Record the child's own words at every contact decision.",
        owner="MACH team manager",
        due_date=timezone.localdate() + timedelta(days=28),
    )
