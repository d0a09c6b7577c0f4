"""The local threshold document (spec 5.1): levels, their names, and the outcomes each allows.

A local default: an authority changes the names through `THRESHOLD_LEVEL_NAMES` in its
environment; the level-outcome table is the national shape of a four-level model.
"""

from __future__ import annotations

import json
import os

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

OUTCOMES_BY_LEVEL: dict[int, frozenset[str]] = {
    1: frozenset({Outcome.NFA, Outcome.INFORMATION_AND_ADVICE, Outcome.UNIVERSAL_SERVICES}),
    2: frozenset({Outcome.EARLY_HELP}),
    3: frozenset({Outcome.TARGETED_EARLY_HELP}),
    4: STATUTORY,
}

LEVEL_NAMES: dict[int, str] = {
    int(level): name
    for level, name in json.loads(
        os.environ.get(
            "THRESHOLD_LEVEL_NAMES",
            '{"1": "Universal", "2": "Early help", "3": "Targeted early help", "4": "Specialist"}',
        )
    ).items()
}


# What each level's response is (spec 5.1), shown beside its name when screening.
LEVEL_RESPONSES: dict[int, str] = {
    1: "information and advice; universal services",
    2: "single-agency early help",
    3: "multi-agency early help led by a family worker",
    4: "statutory: s17 assessment, s47 strategy discussion, immediate protection",
}


def is_consistent(level: int, outcome: str) -> bool:
    """True when the outcome is one the threshold level allows (else a manager authorises)."""
    return outcome in OUTCOMES_BY_LEVEL.get(level, frozenset())
