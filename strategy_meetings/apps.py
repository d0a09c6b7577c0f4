from __future__ import annotations

from datetime import date

from django.apps import AppConfig


def _day(moment: date) -> str:
    return f"{moment:%d %b %Y}"


class StrategyMeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "strategy_meetings"
    verbose_name = "Strategy discussions, s47 enquiries and conferences"

    def ready(self) -> None:
        from django.utils import timezone

        from mach import workflows

        from . import selectors, services
        from .models import Conference, StrategyAction, StrategyDiscussion

        # Oversight deciding "strategy_discussion" opens one for the contact's children.
        workflows.register_opener(
            "strategy_discussion",
            workflows.NextStepOpener(
                open=services.discussion_open_from_referral,
                opened=selectors.discussions_of_referrals,
            ),
        )
        workflows.register_deadline_kind(
            workflows.DeadlineKind(
                key="strategy_discussion",
                model=StrategyDiscussion,
                label="Strategy discussion (same working day when red, else 2)",
                describe=lambda discussion: (
                    f"Strategy discussion {discussion.pk} was due "
                    f"{timezone.localtime(discussion.due_at):%d %b %Y %H:%M}"
                ),
            )
        )
        workflows.register_deadline_kind(
            workflows.DeadlineKind(
                key="strategy_action",
                model=StrategyAction,
                label="Strategy discussion action",
                describe=lambda action: (
                    f"Strategy discussion action for {action.owner} was due {_day(action.due_date)}"
                ),
                team_id=lambda action: action.discussion.team_id,
                select_related=("discussion",),
            )
        )
        workflows.register_deadline_kind(
            workflows.DeadlineKind(
                key="conference",
                model=Conference,
                label="Initial child protection conference (15 working days)",
                describe=lambda conference: (
                    f"Initial child protection conference {conference.pk} was due "
                    f"{_day(conference.due_date)}"
                ),
            )
        )
        workflows.register_chronology_source("strategy_meetings", selectors.strategy_entries)
        workflows.register_urls(
            "strategy_meetings", workflows.UrlModules(api="strategy_meetings.api_urls")
        )
        for name, choices in (
            ("StrategyDiscussionStateEnum", "strategy_meetings.models.DiscussionState"),
            ("StrategyDecisionEnum", "strategy_meetings.models.DiscussionDecision"),
            ("AgencyEnum", "strategy_meetings.models.Agency"),
            ("S47EnquiryStateEnum", "strategy_meetings.models.EnquiryState"),
            ("S47OutcomeEnum", "strategy_meetings.models.EnquiryOutcome"),
            ("S47NextStepEnum", "strategy_meetings.models.EnquiryNextStep"),
            ("ConferenceStateEnum", "strategy_meetings.models.ConferenceState"),
            ("ConferenceOutcomeEnum", "strategy_meetings.models.ConferenceOutcome"),
            ("PlanCategoryEnum", "strategy_meetings.models.PlanCategory"),
        ):
            workflows.register_enum_name(name, choices)
