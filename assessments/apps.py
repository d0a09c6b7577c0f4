from __future__ import annotations

from datetime import date

from django.apps import AppConfig


def _day(moment: date) -> str:
    return f"{moment:%d %b %Y}"


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = "Child and family assessments"

    def ready(self) -> None:
        from mach import workflows
        from mach.permissions import CHILD_READERS
        from mach.web.rows import url_with_id

        from . import metrics, selectors, services
        from .models import Assessment, AssessmentAction, AssessmentState

        metrics.register()

        # A statutory decision naming "assessment" opens one for each child's referral.
        workflows.register_opener(
            "assessment",
            workflows.NextStepOpener(
                open=services.assessment_open, opened=selectors.assessments_of_referrals
            ),
        )
        workflows.register_deadline_kind(
            workflows.DeadlineKind(
                key="assessment",
                model=Assessment,
                label="Child and family assessment (45 working days)",
                describe=lambda assessment: (
                    f"Assessment {assessment.pk} (referral of "
                    f"{_day(assessment.started_on)}) was due {_day(assessment.due_on)}"
                ),
                reads=("started_on", "due_on", "team"),
                due_field="due_on",
                done_field="authorised_at",
            )
        )
        workflows.register_deadline_kind(
            workflows.DeadlineKind(
                key="assessment_action",
                model=AssessmentAction,
                label="Assessment action",
                describe=lambda action: (
                    f"Assessment action for {action.owner} was due {_day(action.due_on)}"
                ),
                team_id=lambda action: action.assessment.team_id,
                reads=("owner", "due_on", "assessment__team"),
                due_field="due_on",
                done_field="completed_on",
                team_field="assessment__team_id",
            )
        )
        # A child is on an open case while an assessment of theirs is not completed; the case
        # is its team's (assessments allocate no worker yet).
        workflows.register_open_case_kind(
            "assessment",
            workflows.OpenCaseKind(
                label="Child and family assessment",
                records=lambda: Assessment.objects.exclude(state=AssessmentState.COMPLETED),
            ),
        )
        workflows.register_chronology_source("assessment", selectors.assessment_entries)
        workflows.register_return_source(
            "assessment",
            workflows.ReturnSource("Child and family assessments", selectors.census_items),
        )
        workflows.register_navigation(
            workflows.NavigationItem(
                "Assessments", "assessments:assessments", CHILD_READERS, order=30
            )
        )
        workflows.register_alert_link(
            Assessment, lambda assessment: url_with_id("assessments:assessment", assessment.pk)
        )
        workflows.register_alert_link(
            AssessmentAction,
            lambda action: url_with_id("assessments:assessment", action.assessment_id) + "#actions",
        )
        workflows.register_urls(
            "assessments",
            workflows.UrlModules(web="assessments.web_urls", api="assessments.api_urls"),
        )
        for name, choices in (
            ("AssessmentStateEnum", "assessments.models.AssessmentState"),
            ("AssessmentOutcomeEnum", "assessments.models.AssessmentOutcome"),
            # Its published name, now that the CIN census's full list (RC1-RC9) is beside it.
            ("ClosureReasonEnum", "assessments.models.ClosureReason"),
        ):
            workflows.register_enum_name(name, choices)
