"""The local threshold document (spec 5.1) and the screening workflow's other local rules.

Each is a Django setting read at call time, so an authority changes it in its environment
(README, "Local rules") without a release; the defaults here are the national shape of a
four-level model, a same-day oversight and a 4-working-hour answer to a red request.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Outcome(models.TextChoices):
    NFA = "nfa", "No further action"
    INFORMATION_AND_ADVICE = "information_and_advice", "Information and advice"
    UNIVERSAL_SERVICES = "universal_services", "Universal services"
    EARLY_HELP = "early_help", "Early help (single agency)"
    TARGETED_EARLY_HELP = "targeted_early_help", "Targeted early help (Stronger Families)"
    ASSESSMENT = "assessment", "Child and family assessment (s17)"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion (s47)"
    IMMEDIATE_PROTECTION = "immediate_protection", "Immediate protection"


STATUTORY = frozenset(
    {Outcome.ASSESSMENT, Outcome.STRATEGY_DISCUSSION, Outcome.IMMEDIATE_PROTECTION}
)

DEFAULT_OUTCOMES_BY_LEVEL: dict[int, frozenset[str]] = {
    1: frozenset({Outcome.NFA, Outcome.INFORMATION_AND_ADVICE, Outcome.UNIVERSAL_SERVICES}),
    2: frozenset({Outcome.EARLY_HELP}),
    3: frozenset({Outcome.TARGETED_EARLY_HELP}),
    4: STATUTORY,
}
DEFAULT_LEVEL_NAMES = {1: "Universal", 2: "Early help", 3: "Targeted early help", 4: "Specialist"}


def level_names() -> dict[int, str]:
    """`THRESHOLD_LEVEL_NAMES`: the authority's name for each level."""
    names = getattr(settings, "THRESHOLD_LEVEL_NAMES", None) or DEFAULT_LEVEL_NAMES
    return {int(level): str(name) for level, name in names.items()}


def level_name(level: int) -> str:
    return level_names().get(level, str(level))


def outcomes_by_level() -> dict[int, frozenset[str]]:
    """`THRESHOLD_OUTCOMES_BY_LEVEL`: the outcomes each level allows without authorisation."""
    table = getattr(settings, "THRESHOLD_OUTCOMES_BY_LEVEL", None) or DEFAULT_OUTCOMES_BY_LEVEL
    return {int(level): frozenset(outcomes) for level, outcomes in table.items()}


def oversight_working_days() -> int:
    """`OVERSIGHT_WORKING_DAYS`: 0 is the same working day as the screening."""
    return int(getattr(settings, "OVERSIGHT_WORKING_DAYS", 0))


def red_response_hours() -> int:
    """`PARTNER_RED_RESPONSE_HOURS`: working hours a partner has to answer about a red contact."""
    return int(getattr(settings, "PARTNER_RED_RESPONSE_HOURS", 4))


# What each level's response is (spec 5.1), shown beside its name when screening.
LEVEL_RESPONSES: dict[int, str] = {
    1: "information and advice; universal services",
    2: "single-agency early help",
    3: "multi-agency early help led by a family worker",
    4: "statutory: s17 assessment, s47 strategy discussion, immediate protection",
}


def is_consistent(level: int, outcome: str) -> bool:
    """True when the outcome is one the threshold level allows (else a manager authorises)."""
    return outcome in outcomes_by_level().get(level, frozenset())
