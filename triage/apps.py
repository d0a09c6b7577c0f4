from __future__ import annotations

from django.apps import AppConfig


class TriageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "triage"
    verbose_name = "Threshold screening and oversight"

    def ready(self) -> None:
        from mach import workflows

        from . import demo, metrics, selectors

        workflows.register_demo_seeder("triage", demo.seed)
        workflows.register_chronology_source("screening", selectors.screening_entries)
        _register_deadlines()
        _register_pages()
        _register_schema_urls_and_tasks()
        from .domestic_abuse import registration

        registration.register()
        # Emergency Duty Team handovers feed the front door (issue 14).
        from .edt.registrations import register as register_edt

        register_edt()
        metrics.register()


def _register_deadlines() -> None:
    from mach import workflows

    from .models import PartnerRequest, ReferrerFeedback, Screening

    workflows.register_deadline_kind(
        workflows.DeadlineKind(
            key="screening_oversight",
            model=Screening,
            label="Management oversight of a screening (same working day)",
            describe=lambda screening: (
                f"Oversight of the screening of {screening.contact.reference} is overdue"
            ),
            team_id=lambda screening: screening.contact.team_id,
            reads=("contact__id", "contact__team"),
            due_field="oversight_due_at",
            done_field="overseen_at",
            team_field="contact__team_id",
        )
    )
    workflows.register_deadline_kind(
        workflows.DeadlineKind(
            key="partner_request",
            model=PartnerRequest,
            label="Partner information request (1 working day; 4 hours when red)",
            describe=lambda request: (
                f"{request.get_agency_display()} has not answered about contact "
                f"{request.contact.reference}"
            ),
            team_id=lambda request: request.contact.team_id,
            reads=("agency", "contact__id", "contact__team"),
            due_field="due_at",
            done_field="responded_at",
            team_field="contact__team_id",
        )
    )
    workflows.register_deadline_kind(
        workflows.DeadlineKind(
            key="referrer_feedback",
            model=ReferrerFeedback,
            label="Feedback to the referrer (1 working day)",
            describe=lambda feedback: (
                f"Feedback to the referrer of contact {feedback.contact.reference} is overdue"
            ),
            team_id=lambda feedback: feedback.contact.team_id,
            reads=("contact__id", "contact__team"),
            due_field="due_at",
            done_field="sent_at",
            team_field="contact__team_id",
        )
    )


def _register_pages() -> None:
    """Navigation, the contact page's panel, and where alerts about triage records link."""
    from mach import workflows
    from mach.models import Role
    from mach.permissions import MANAGERS
    from mach.web.rows import url_with_id
    from mach.workflows import ContactPanel, NavigationItem

    from . import web
    from .models import (
        ConsultationException,
        PartnerRequest,
        PatternFlag,
        ReferrerFeedback,
        Screening,
    )

    workflows.register_navigation(
        NavigationItem("Oversight", "triage:oversight-queue", MANAGERS, 40)
    )
    workflows.register_navigation(
        NavigationItem(
            "Requests for information", "triage:information-requests", (Role.PARTNER_AGENCY,), 15
        )
    )
    workflows.register_contact_panel(
        ContactPanel("triage/contact_panel.html", web.contact_panel, 10)
    )
    for model in (Screening, PartnerRequest, ReferrerFeedback, ConsultationException):
        workflows.register_alert_link(
            model, lambda record: url_with_id("web:contact", record.contact_id)
        )
    workflows.register_alert_link(
        PatternFlag, lambda flag: url_with_id("triage:pattern-flag-review", flag.pk)
    )


def _register_schema_urls_and_tasks() -> None:
    from mach import workflows

    for name, choices in (
        ("ScreeningStateEnum", "triage.models.ScreeningState"),
        ("ScreeningOutcomeEnum", "triage.thresholds.Outcome"),
        ("OversightDecisionEnum", "triage.models.OversightDecision"),
        ("ConsultationExceptionStateEnum", "triage.models.ExceptionState"),
        ("PartnerRequestStateEnum", "triage.models.PartnerRequestState"),
        # Named, so that another app's `agency` choices do not rename it.
        ("AgencyEnum", "triage.models.Agency"),
    ):
        workflows.register_enum_name(name, choices)
    # Catches up on feedback whose on-commit message was lost (e.g. Redis was down).
    workflows.register_urls(
        "triage", workflows.UrlModules(web="triage.web_urls", api="triage.api_urls")
    )
    workflows.register_periodic_task(
        "send-referrer-feedback",
        workflows.PeriodicTask("triage.tasks.send_pending_feedback", seconds=60.0),
    )
