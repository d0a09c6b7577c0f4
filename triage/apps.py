from __future__ import annotations

from django.apps import AppConfig


class TriageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "triage"
    verbose_name = "Threshold screening and oversight"

    def ready(self) -> None:
        from mach import deadlines, demo

        from . import demo as triage_demo

        demo.register(triage_demo.seed)

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
