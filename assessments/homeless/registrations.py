"""Everything the homeless pathway plugs into the front door, from its AppConfig.ready()."""

from __future__ import annotations


def register() -> None:
    from django.db.models import Q

    from mach import workflows
    from mach.permissions import CHILD_READERS
    from mach.web.rows import url_with_id

    from . import demo, selectors, services, web
    from .models import (
        ADVOCACY_AT_FIRST_APPROACH,
        JOINT_ASSESSMENT,
        OPEN_OUTCOMES,
        HomelessPresentation,
        PresentationState,
    )

    def url_of(presentation: HomelessPresentation) -> str:
        return url_with_id("homeless:presentation", presentation.pk)

    workflows.register_urls(
        "homeless",
        workflows.UrlModules(
            web="assessments.homeless.web_urls", api="assessments.homeless.api_urls"
        ),
    )
    workflows.register_deadline_kind(
        workflows.DeadlineKind(
            key=services.DEADLINE_KIND,
            model=HomelessPresentation,
            label="Joint assessment of a 16/17-year-old presenting homeless (10 working days)",
            describe=lambda presentation: (
                f"Joint assessment of homeless presentation {presentation.pk} was due "
                f"{presentation.assessment_due_date:%d %b %Y}"
            ),
            reads=("assessment_due_date", "team"),
        )
    )
    # Open until decided, and after a decision that keeps children's services involved (s20
    # accommodation or s17 support): a new contact is information on the case.
    workflows.register_open_case_kind(
        "homeless_presentation",
        workflows.OpenCaseKind(
            label="Homeless presentation (16 or 17)",
            records=lambda: HomelessPresentation.objects.filter(
                ~Q(state=PresentationState.DECIDED) | Q(outcome__in=OPEN_OUTCOMES)
            ),
            child_lookup="young_person",
        ),
    )
    workflows.register_chronology_source("homeless", selectors.homeless_entries)
    workflows.register_guardrail_failures(
        "homeless",
        workflows.GuardrailFailures(
            label="16/17 homeless pathway (G12)", failures=selectors.guardrail_failures
        ),
    )
    workflows.register_navigation(
        workflows.NavigationItem(
            "Homeless 16/17", "homeless:presentations", (*CHILD_READERS,), order=45
        )
    )
    workflows.register_child_panel(
        workflows.ChildPanel("homeless/child_panel.html", web.child_panel, 30)
    )
    workflows.register_alert_link(HomelessPresentation, url_of)
    workflows.register_demo_seeder("homeless", demo.seed)
    for name, choices in (
        ("HomelessStateEnum", "assessments.homeless.models.PresentationState"),
        ("HomelessPresentedToEnum", "assessments.homeless.models.PresentedTo"),
        ("HomelessAccommodationEnum", "assessments.homeless.models.AccommodationType"),
        ("HomelessOutcomeEnum", "assessments.homeless.models.Outcome"),
    ):
        workflows.register_enum_name(name, choices)
    for key, label, met in (
        (
            "g12_advocacy",
            "16/17-year-olds presenting homeless offered advocacy at first approach",
            ADVOCACY_AT_FIRST_APPROACH,
        ),
        (
            "g12_joint_assessment",
            "16/17-year-olds presenting homeless with a joint assessment with housing",
            JOINT_ASSESSMENT,
        ),
    ):
        workflows.register_metric(
            workflows.Metric(
                key=key,
                guardrail="G12",
                label=label,
                population=lambda: HomelessPresentation.objects.all(),
                met=met,
                date_field="presented_on",
                team_field="team",
                record_url=url_of,
            )
        )
