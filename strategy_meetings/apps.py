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
        from mach.models import Role
        from mach.permissions import CHILD_READERS
        from mach.web.rows import url_with_id

        from . import demo, metrics, selectors, services, web
        from .models import (
            Conference,
            DiscussionState,
            EnquiryState,
            S47Enquiry,
            StrategyAction,
            StrategyDiscussion,
        )

        # Oversight deciding "strategy_discussion" opens one for the contact's children.
        workflows.register_opener(
            "strategy_discussion",
            workflows.NextStepOpener(
                open=services.discussion_open_from_referral,
                opened=selectors.discussions_of_referrals,
            ),
        )
        # A child with a discussion not yet decided, or an s47 enquiry not yet complete, has an
        # open case: a new contact about them is information on it (spec section 4).
        workflows.register_open_case_kind(
            "strategy_discussion",
            workflows.OpenCaseKind(
                label="Strategy discussion",
                records=lambda: StrategyDiscussion.objects.filter(
                    state__in=(DiscussionState.REQUESTED, DiscussionState.HELD)
                ),
                child_lookup="children",
            ),
        )
        workflows.register_open_case_kind(
            "s47_enquiry",
            workflows.OpenCaseKind(
                label="Section 47 enquiry",
                records=lambda: S47Enquiry.objects.filter(state=EnquiryState.OPEN),
                team_id=lambda enquiry: enquiry.discussion.team_id,
                worker_id=lambda enquiry: enquiry.lead_practitioner_id,
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
                reads=("due_at", "team"),
                due_field="due_at",
                done_field="held_at",
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
                reads=("owner", "due_date", "discussion__team"),
                due_field="due_date",
                done_field="completed_on",
                team_field="discussion__team_id",
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
                reads=("due_date", "team"),
                due_field="due_date",
                done_field="held_on",
            )
        )
        workflows.register_chronology_source("strategy_meetings", selectors.strategy_entries)
        workflows.register_return_source(
            "s47_enquiry",
            workflows.ReturnSource("Section 47 enquiries and conferences", selectors.census_items),
        )
        workflows.register_urls(
            "strategy_meetings",
            workflows.UrlModules(
                web="strategy_meetings.web_urls", api="strategy_meetings.api_urls"
            ),
        )
        workflows.register_navigation(
            workflows.NavigationItem(
                "Strategy discussions",
                "strategy_meetings:discussions",
                (*CHILD_READERS, Role.PARTNER_AGENCY),
                order=35,
            )
        )
        workflows.register_contact_panel(
            workflows.ContactPanel("strategy_meetings/contact_panel.html", web.contact_panel, 20)
        )
        workflows.register_child_panel(
            workflows.ChildPanel("strategy_meetings/child_panel.html", web.child_panel, 20)
        )
        workflows.register_alert_link(
            StrategyDiscussion,
            lambda discussion: url_with_id("strategy_meetings:discussion", discussion.pk),
        )
        workflows.register_alert_link(
            StrategyAction,
            lambda action: (
                url_with_id("strategy_meetings:discussion", action.discussion_id) + "#actions"
            ),
        )
        workflows.register_alert_link(
            Conference,
            lambda conference: url_with_id("strategy_meetings:conference", conference.pk),
        )
        workflows.register_demo_seeder("strategy_meetings", demo.seed)
        metrics.register()
        for name, choices in (
            ("StrategyDiscussionStateEnum", "strategy_meetings.models.DiscussionState"),
            ("StrategyDecisionEnum", "strategy_meetings.models.DiscussionDecision"),
            ("AgencyTypeEnum", "strategy_meetings.models.Agency"),
            ("S47EnquiryStateEnum", "strategy_meetings.models.EnquiryState"),
            ("S47OutcomeEnum", "strategy_meetings.models.EnquiryOutcome"),
            ("S47NextStepEnum", "strategy_meetings.models.EnquiryNextStep"),
            ("ConferenceStateEnum", "strategy_meetings.models.ConferenceState"),
            ("ConferenceOutcomeEnum", "strategy_meetings.models.ConferenceOutcome"),
            ("PlanCategoryEnum", "strategy_meetings.models.PlanCategory"),
        ):
            workflows.register_enum_name(name, choices)
