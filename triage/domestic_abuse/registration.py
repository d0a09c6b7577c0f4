"""What domestic-abuse triage plugs into the core: deadline kinds, the chronology source, the
G9 metrics, navigation, panels, alert links, enum names and demo data. Called from
`TriageConfig.ready()`."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from mach import workflows
from mach.models import Role
from mach.permissions import CHILD_READERS
from mach.web.rows import url_with_id

from . import demo, selectors, web
from .models import (
    DomesticAbuseNotification,
    EncompassNotice,
    NotificationState,
    TriageDecision,
    TriageMeeting,
)


def _notification_url(notification: DomesticAbuseNotification) -> str:
    return url_with_id("triage:da-notification", notification.pk)


def register() -> None:
    workflows.register_deadline_kind(
        workflows.DeadlineKind(
            key="da_triage",
            model=DomesticAbuseNotification,
            label="Domestic-abuse notification awaiting triage (1 working day)",
            describe=lambda notification: (
                f"Domestic-abuse notification {notification.police_reference} has waited more "
                "than one working day for triage"
            ),
            reads=("police_reference", "team"),
        )
    )
    workflows.register_deadline_kind(
        workflows.DeadlineKind(
            key="encompass",
            model=EncompassNotice,
            label="Operation Encompass: the school told before the next school day",
            describe=lambda notice: (
                f"The school of a child on notification {notice.notification.police_reference} "
                f"was to be told by {timezone.localtime(notice.due_at):%d %b %Y %H:%M}"
            ),
            team_id=lambda notice: notice.notification.team_id,
            reads=("notification__police_reference", "due_at", "notification__team"),
        )
    )
    workflows.register_chronology_source("domestic_abuse", selectors.chronology_entries)
    workflows.register_demo_seeder("domestic_abuse", demo.seed)
    workflows.register_alert_link(DomesticAbuseNotification, _notification_url)
    workflows.register_alert_link(
        EncompassNotice,
        lambda notice: url_with_id("triage:da-notification", notice.notification_id),
    )
    workflows.register_alert_link(
        TriageMeeting, lambda meeting: url_with_id("triage:da-meeting", meeting.pk)
    )
    workflows.register_navigation(
        workflows.NavigationItem(
            "Domestic abuse", "triage:da-notifications", (*CHILD_READERS, Role.PARTNER_AGENCY), 30
        )
    )
    workflows.register_contact_panel(
        workflows.ContactPanel("triage/da_contact_panel.html", web.contact_panel, 15)
    )
    workflows.register_child_panel(
        workflows.ChildPanel("triage/da_child_panel.html", web.child_panel, 15)
    )
    workflows.register_guardrail_failures(
        "domestic_abuse",
        workflows.GuardrailFailures(
            label="Domestic-abuse triage and Operation Encompass",
            failures=selectors.guardrail_failures,
        ),
    )
    triaged = Q(state=NotificationState.TRIAGED)
    workflows.register_metric(
        workflows.Metric(
            key="g9_views",
            guardrail="G9",
            label="Triage decisions with more than one agency's view",
            population=lambda: DomesticAbuseNotification.objects.filter(triaged),
            met=Q(agencies_with_views__gt=1),
            date_field="triaged_at",
            team_field="team_id",
            record_url=_notification_url,
            order=90,
        )
    )
    workflows.register_metric(
        workflows.Metric(
            key="g9_early_help",
            guardrail="G9",
            label="Information-only decisions with early help considered",
            population=lambda: DomesticAbuseNotification.objects.filter(
                triaged, decision=TriageDecision.INFORMATION_ONLY
            ),
            met=~Q(early_help_rejected_reason=""),
            date_field="triaged_at",
            team_field="team_id",
            record_url=_notification_url,
            order=91,
        )
    )
    for name, choices in (
        ("DomesticAbuseNotificationStateEnum", "triage.domestic_abuse.models.NotificationState"),
        ("DashLevelEnum", "triage.domestic_abuse.models.DashLevel"),
        ("TriageDecisionEnum", "triage.domestic_abuse.models.TriageDecision"),
    ):
        workflows.register_enum_name(name, choices)
