"""Each registered guardrail measure on a small data set whose numerator and denominator are
counted by hand in each test (one week, 2 to 8 November 2026, ISO week 45; one team)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from assessments.models import AssessmentState
from mach import metrics, workflows
from mach.models import (
    AuditDomain,
    AuditGrade,
    CaseAudit,
    GradeChange,
    LearningAction,
    Role,
    Team,
)
from mach.timescales import LONDON
from strategy_meetings.models import (
    Attendee,
    EnquiryState,
    S47Enquiry,
    StrategyAction,
    StrategyDiscussion,
)
from tests.factories import (
    AssessmentFactory,
    ChildFactory,
    ContactFactory,
    ParentConsultationFactory,
    PartnerRequestFactory,
    PatternFlagFactory,
    ScreeningFactory,
    TeamFactory,
    UserFactory,
)
from tests.mach.test_audit_api import draft_audit
from triage.models import PatternFlag, Screening

pytestmark = pytest.mark.django_db

WEEK = metrics.Period(date(2026, 11, 2), date(2026, 11, 8))


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=LONDON)


@pytest.fixture
def team() -> Team:
    return TeamFactory(slug="north")


def counted(key: str, period: metrics.Period = WEEK) -> tuple[int, int]:
    """The measure's (numerator, denominator) over the period, from the engine's SQL."""
    metric = workflows.metrics.get(key)
    assert metric is not None, key
    rows = metrics.metric_rows(metric, period)
    return sum(r["numerator"] for r in rows), sum(r["denominator"] for r in rows)


def test_g1_parents_consulted_before_the_first_partner_request(team: Team) -> None:
    # Consulted at 09:00, first request 10:00: met.
    first = ContactFactory(team=team, received_at=at(2, 8))
    ParentConsultationFactory(contact=first, consulted_at=at(2, 9))
    PartnerRequestFactory(contact=first, sent_at=at(2, 10))
    # First request 09:00, consulted only at 11:00 (a second request later): not met.
    second = ContactFactory(team=team, received_at=at(3, 8))
    PartnerRequestFactory(contact=second, sent_at=at(3, 9))
    ParentConsultationFactory(contact=second, consulted_at=at(3, 11))
    PartnerRequestFactory(contact=second, sent_at=at(3, 12))
    # No partner request at all: not counted.
    ContactFactory(team=team, received_at=at(4, 8))
    assert counted("g1_parents_consulted") == (1, 2)


def screening(team: Team, day: int, **fields: Any) -> Screening:
    contact = ContactFactory(team=team, received_at=at(day, 8), outcome=fields.pop("outcome", ""))
    return ScreeningFactory(contact=contact, submitted_at=at(day, 9), **fields)


def test_g2_and_g3_voice_and_history(team: Team) -> None:
    screening(team, 2)
    screening(team, 3, childs_voice="", history_analysis="")
    screening(team, 4, history_analysis="")
    screening(team, 10)  # the next week
    assert counted("g2_childs_voice") == (2, 3)
    assert counted("g3_history") == (1, 3)


def test_g3_pattern_flags_reviewed(team: Team) -> None:
    reviewer = UserFactory(role=Role.MANAGER)
    flags = [PatternFlagFactory(contact=ContactFactory(team=team)) for _ in range(3)]
    PatternFlag.objects.filter(pk__in=[f.pk for f in flags]).update(raised_at=at(3))
    PatternFlag.objects.filter(pk=flags[0].pk).update(reviewed_by=reviewer, reviewed_at=at(4))
    assert counted("g3_pattern_reviewed") == (1, 3)


def test_g4_statutory_outcomes_with_alternatives_and_the_matrix(team: Team) -> None:
    screening(team, 2, state="agreed", outcome="assessment", threshold_level=4)
    screening(
        team,
        3,
        state="agreed",
        outcome="strategy_discussion",
        threshold_level=3,
        alternatives_considered="",
    )
    screening(team, 4, state="changed", outcome="early_help", threshold_level=2)
    screening(team, 5, state="submitted", outcome="", threshold_level=4)  # not decided
    assert counted("g4_alternatives") == (1, 2)
    breakdown = workflows.breakdowns.get("g4_outcome_by_level")
    assert breakdown is not None
    report = metrics.report(WEEK)
    matrix = next(b for b in report.breakdowns if b.breakdown.key == "g4_outcome_by_level")
    assert matrix.counts == {
        ("2", "early_help"): 1,
        ("3", "strategy_discussion"): 1,
        ("4", "assessment"): 1,
    }


def test_g5_oversight_in_time_and_challenge(team: Team) -> None:
    in_time = screening(team, 2, oversight_due_at=at(2, 17))
    late = screening(team, 3, oversight_due_at=at(3, 17))
    screening(team, 4, oversight_due_at=at(4, 17))  # not yet overseen
    manager = UserFactory(role=Role.MANAGER)
    Screening.objects.filter(pk=in_time.pk).update(
        overseen_at=at(2, 16), overseen_by=manager, oversight_decision="agree"
    )
    Screening.objects.filter(pk=late.pk).update(
        overseen_at=at(4, 9), overseen_by=manager, oversight_decision="change"
    )
    assert counted("g5_oversight_in_time") == (1, 3)
    assert counted("g5_challenge") == (1, 2)


def test_g10_assessments_in_time_and_with_the_network(team: Team) -> None:
    def assessment(due: date, authorised: datetime, network: str) -> None:
        AssessmentFactory(
            team=team,
            state=AssessmentState.COMPLETED,
            started_on=due - timedelta(days=63),
            due_on=due,
            authorised_at=authorised,
            family_network_involvement=network,
        )

    assessment(date(2026, 11, 3), at(3, 16), "Grandmother at the meeting.")  # in time
    assessment(date(2026, 11, 2), at(4), "")  # two days late, no network
    assessment(date(2026, 11, 9), at(5), "Aunt visited.")  # early
    AssessmentFactory(team=team, state=AssessmentState.OPEN)  # not completed: not counted
    assert counted("g10_in_time") == (2, 3)
    assert counted("g10_network") == (2, 3)


@pytest.fixture
def discussion(team: Team) -> StrategyDiscussion:
    return StrategyDiscussion.objects.create(
        team=team,
        rag="red",
        reasonable_cause="Bruising.",
        lower_options_rejected="Too serious.",
        due_at=at(2, 17),
        held_at=at(2, 15),
        state="held",
        requested_by=UserFactory(role=Role.MANAGER),
    )


def attend(discussion: StrategyDiscussion, *agencies: str, can_decide: bool = True) -> None:
    for agency in agencies:
        Attendee.objects.create(
            discussion=discussion,
            agency=agency,
            name="A",
            role="R",
            can_decide_for_agency=can_decide,
        )


def test_g7_minimum_attendance(team: Team, discussion: StrategyDiscussion) -> None:
    attend(discussion, "childrens_social_care", "police", "health")
    short = StrategyDiscussion.objects.create(
        team=team,
        rag="amber",
        reasonable_cause="x",
        lower_options_rejected="y",
        due_at=at(4, 17),
        held_at=at(4, 15),
        state="held",
        requested_by=discussion.requested_by,
    )
    attend(short, "childrens_social_care", "police")
    attend(short, "health", can_decide=False)  # present, but cannot decide for health
    assert counted("g7_minimum_attendance") == (1, 2)


def test_g7_actions_on_time(team: Team, discussion: StrategyDiscussion) -> None:
    child = ChildFactory()

    def action(due: date, done: date | None) -> None:
        StrategyAction.objects.create(
            discussion=discussion,
            description="Visit",
            owner="Sam",
            agency="police",
            child=child,
            due_date=due,
            completed_on=done,
        )

    action(date(2026, 11, 3), date(2026, 11, 3))  # on time
    action(date(2026, 11, 4), date(2026, 11, 6))  # late
    action(date(2026, 11, 5), None)  # overdue (5 Nov has passed)
    assert timezone.localdate() > date(2026, 11, 5)
    assert counted("g7_actions_on_time") == (1, 3)


def test_g8_s47_with_child_seen_and_voice(team: Team, discussion: StrategyDiscussion) -> None:
    def enquiry(seen: date | None, voice: str, state: str = EnquiryState.COMPLETED) -> None:
        S47Enquiry.objects.create(
            discussion=discussion,
            child=ChildFactory(),
            started_on=date(2026, 11, 2),
            child_seen_on=seen,
            childs_voice=voice,
            state=state,
            completed_at=at(5) if state == EnquiryState.COMPLETED else None,
        )

    enquiry(date(2026, 11, 3), "I feel safe at nan's.")
    enquiry(None, "Said nothing.")
    enquiry(date(2026, 11, 3), "")
    enquiry(None, "", state=EnquiryState.OPEN)  # not complete: not counted
    assert counted("g8_child_seen_voice") == (1, 3)


def test_g13_grade_changes_and_learning_actions(team: Team) -> None:
    auditor = UserFactory(role=Role.AUDITOR)
    moderator = UserFactory(role=Role.AUDITOR)
    practitioner = UserFactory(role=Role.SOCIAL_WORKER, team=team)
    changed, confirmed, unmoderated = (
        draft_audit(auditor, ChildFactory(), practitioner) for _ in range(3)
    )
    CaseAudit.objects.filter(pk__in=[changed.pk, confirmed.pk]).update(moderated_at=at(4))
    GradeChange.objects.create(
        audit=changed,
        field="overall",
        before="good",
        after="requires_improvement",
        reason="Voice thin.",
        moderator=moderator,
    )
    assert counted("g13_grades_changed") == (1, 2)
    _ = unmoderated

    def learning(due: date, done: date | None) -> None:
        LearningAction.objects.create(
            audit=changed, description="d", owner="o", due_date=due, completed_on=done
        )

    learning(date(2026, 11, 3), date(2026, 11, 2))  # done early
    learning(date(2026, 11, 4), None)  # overdue
    learning(date(2026, 11, 5), date(2026, 11, 7))  # done late
    assert counted("g13_learning_closed") == (1, 3)

    # Every domain graded good; the moderator confirmed all but one of `changed`'s.
    domains = AuditDomain.objects.filter(active=True).count()
    AuditGrade.objects.filter(audit__in=[changed, confirmed]).update(moderated_grade="good")
    first = AuditGrade.objects.filter(audit=changed).order_by("domain__order").first()
    assert first is not None
    AuditGrade.objects.filter(pk=first.pk).update(moderated_grade="requires_improvement")
    report = metrics.report(WEEK)
    grades = next(b for b in report.breakdowns if b.breakdown.key == "g13_grades_on_moderation")
    assert grades.counts == {
        ("good", "good"): 2 * domains - 1,
        ("good", "requires_improvement"): 1,
    }
