"""Everything EDT handovers plug into the front door, called from the triage app's ready()."""

from __future__ import annotations


def register() -> None:
    from django.utils import timezone

    from mach import workflows
    from mach.models import Role
    from mach.permissions import CHILD_READERS
    from mach.web.rows import url_with_id

    from . import demo, selectors, services, web
    from .models import OVERSEEN_IN_TIME, EdtHandover

    def contact_url(handover: EdtHandover) -> str:
        return url_with_id("web:contact", handover.contact_id)

    workflows.register_deadline_kind(
        workflows.DeadlineKind(
            key=services.DEADLINE_KIND,
            model=EdtHandover,
            label="EDT handover oversight (10:00 on the next working day)",
            describe=lambda handover: (
                f"EDT handover of contact {handover.contact.reference} was due for oversight "
                f"{timezone.localtime(handover.oversight_due_at):%d %b %Y %H:%M}"
            ),
            team_id=lambda handover: handover.contact.team_id,
            reads=("contact__id", "oversight_due_at", "contact__team"),
        )
    )
    workflows.register_chronology_source("edt_handover", selectors.edt_entries)
    workflows.register_guardrail_failures(
        "edt_handover",
        workflows.GuardrailFailures(
            label="EDT handover oversight (G14)", failures=selectors.guardrail_failures
        ),
    )
    workflows.register_navigation(
        workflows.NavigationItem("EDT handovers", "triage:edt-handovers", CHILD_READERS, 12)
    )
    workflows.register_navigation(
        workflows.NavigationItem(
            "Record EDT handover", "triage:edt-handover-new", (Role.EDT_WORKER,), 13
        )
    )
    workflows.register_contact_panel(
        workflows.ContactPanel("triage/edt/contact_panel.html", web.contact_panel, 5)
    )
    workflows.register_alert_link(EdtHandover, contact_url)
    workflows.register_demo_seeder("triage_edt", demo.seed)
    for name, choices in (
        ("EdtHandoverStateEnum", "triage.edt.models.HandoverState"),
        ("EdtActionTakenEnum", "triage.edt.models.HandoverAction"),
    ):
        workflows.register_enum_name(name, choices)
    workflows.register_metric(
        workflows.Metric(
            key="g14",
            guardrail="G14",
            label="EDT handovers overseen by 10:00 on the next working day",
            population=lambda: EdtHandover.objects.all(),
            met=OVERSEEN_IN_TIME,
            date_field="handed_over_at",
            team_field="contact__team",
            record_url=contact_url,
        )
    )
