from __future__ import annotations

from django.apps import AppConfig


class SafetyPlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "safety_plans"
    verbose_name = "Safety plans"

    def ready(self) -> None:
        from django.db.models import Q

        from mach import workflows
        from mach.permissions import CHILD_READERS
        from mach.web.rows import url_with_id

        from . import demo, selectors, services, web
        from .models import SafetyPlan, SafetyPlanVersion

        # A decision whose next step is a safety plan opens a draft for the referral's child.
        workflows.register_opener(
            "safety_plan",
            workflows.NextStepOpener(
                open=services.plan_open_from_referral, opened=selectors.plans_of_referrals
            ),
        )
        workflows.register_deadline_kind(
            workflows.DeadlineKind(
                key="safety_plan_review",
                model=SafetyPlan,
                label="Safety plan review (10 working days or the conference)",
                describe=lambda plan: (
                    f"The review of safety plan {plan.pk} was due {plan.review_due_date:%d %b %Y}"
                ),
                reads=("review_due_date", "team"),
            )
        )
        workflows.register_chronology_source("safety_plans", selectors.plan_entries)
        workflows.register_urls(
            "safety_plans",
            workflows.UrlModules(web="safety_plans.web_urls", api="safety_plans.api_urls"),
        )
        workflows.register_navigation(
            workflows.NavigationItem(
                "Safety plans", "safety_plans:plans", tuple(CHILD_READERS), order=40
            )
        )
        workflows.register_contact_panel(
            workflows.ContactPanel("safety_plans/contact_panel.html", web.contact_panel, 30)
        )
        workflows.register_child_panel(
            workflows.ChildPanel("safety_plans/child_panel.html", web.child_panel, 30)
        )
        # The s47 enquiry's and the conference's pages show the plans (strategy_meetings names
        # the places; it never imports this app).
        for place, context in (
            ("s47_enquiry", web.enquiry_panel),
            ("conference", web.conference_panel),
        ):
            workflows.register_record_panel(
                workflows.RecordPanel(place, "safety_plans/record_panel.html", context, 30)
            )
        workflows.register_alert_link(
            SafetyPlan, lambda plan: url_with_id("safety_plans:plan", plan.pk)
        )
        workflows.register_demo_seeder("safety_plans", demo.seed)
        workflows.register_enum_name("SafetyPlanStateEnum", "safety_plans.models.PlanState")
        # G11: agreed plan versions with every check passed, over agreed plan versions, by
        # the week of agreement and the plan's team.
        workflows.register_metric(
            workflows.Metric(
                key="g11",
                guardrail="G11",
                label="Safety plans agreed with every quality check passed",
                population=lambda: SafetyPlanVersion.objects.filter(agreed_at__isnull=False),
                met=Q(all_checks_passed=True),
                date_field="agreed_at",
                team_field="plan__team_id",
                record_url=lambda version: url_with_id("safety_plans:plan", version.plan_id),
            )
        )
        workflows.register_guardrail_failures(
            "safety_plans",
            workflows.GuardrailFailures(
                label="Safety plan agreed with failing checks",
                failures=selectors.failing_agreed_plans,
            ),
        )
