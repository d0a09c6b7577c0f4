from __future__ import annotations

from django.apps import AppConfig


class TriageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "triage"
    verbose_name = "Threshold screening and oversight"

    def ready(self) -> None:
        from mach import demo

        from . import demo as triage_demo

        demo.register(triage_demo.seed)
        _register_deadlines()
        _register_pages()


def _register_deadlines() -> None:
    from mach import deadlines

    from .models import PartnerRequest, ReferrerFeedback, Screening

    deadlines.register(
        deadlines.DeadlineKind(
            key="screening_oversight",
            model=Screening,
            label="Management oversight of a screening (same working day)",
            describe=lambda screening: (
                f"Oversight of the screening of {screening.contact.reference} is overdue"
            ),
            team_id=lambda screening: screening.contact.team_id,
            select_related=("contact",),
        )
    )
    deadlines.register(
        deadlines.DeadlineKind(
            key="partner_request",
            model=PartnerRequest,
            label="Partner information request (1 working day; 4 hours when red)",
            describe=lambda request: (
                f"{request.get_agency_display()} has not answered about contact "
                f"{request.contact.reference}"
            ),
            team_id=lambda request: request.contact.team_id,
            select_related=("contact",),
        )
    )
    deadlines.register(
        deadlines.DeadlineKind(
            key="referrer_feedback",
            model=ReferrerFeedback,
            label="Feedback to the referrer (1 working day)",
            describe=lambda feedback: (
                f"Feedback to the referrer of contact {feedback.contact.reference} is overdue"
            ),
            team_id=lambda feedback: feedback.contact.team_id,
            select_related=("contact",),
        )
    )


def _register_pages() -> None:
    """Navigation, the contact page's panel, and where alerts about triage records link."""
    from django.urls import reverse

    from mach.models import Role
    from mach.web import links
    from mach.web.pages import (
        ContactPanel,
        NavigationItem,
        register_contact_panel,
        register_navigation,
    )

    from . import web
    from .models import (
        ConsultationException,
        PartnerRequest,
        PatternFlag,
        ReferrerFeedback,
        Screening,
    )

    register_navigation(NavigationItem("Oversight", "web:oversight-queue", (Role.MANAGER,), 40))
    register_navigation(
        NavigationItem(
            "Requests for information", "web:information-requests", (Role.PARTNER_AGENCY,), 15
        )
    )
    register_contact_panel(ContactPanel("triage/contact_panel.html", web.contact_panel, 10))
    for model in (Screening, PartnerRequest, ReferrerFeedback, ConsultationException):
        links.register(model, lambda record: reverse("web:contact", args=[record.contact_id]))
    links.register(PatternFlag, lambda flag: reverse("web:pattern-flag-review", args=[flag.pk]))
