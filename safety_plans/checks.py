"""The quality checks of a safety plan (spec section 9, G11), run on every save and live while
the plan is written: each says which part of the plan it concerns, whether it passed, whether it
blocks agreement, what it measured and, in plain words, what to do.

Local settings (read when a check runs, so an authority changes them without a release):
- `SAFETY_PLAN_BLOCKING_CHECKS`: `{code: bool}` over the defaults of `BLOCKING_DEFAULTS`;
- `SAFETY_PLAN_JARGON`: `{term: plain alternative}` added to (or replacing) `JARGON_DEFAULTS`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import textstat
from django.conf import settings

READING_EASE_MIN = 60.0
WORDS_PER_SENTENCE_MAX = 20.0
LENGTH_MIN = 150
LENGTH_MAX = 900

# Every check blocks agreement unless the authority says otherwise; jargon is a warning, since
# a term the family already uses (their own "core group") may be the plainest word they have.
BLOCKING_DEFAULTS: dict[str, bool] = {
    "reading_ease": True,
    "sentence_length": True,
    "length": True,
    "jargon": False,
    "network": True,
    "childs_words": True,
    "parent_verification": True,
}

# Each check in words, for the pages and the comparison.
CHECK_NAMES: dict[str, str] = {
    "reading_ease": "Easy to read",
    "sentence_length": "Short sentences",
    "length": "Length",
    "jargon": "Plain words",
    "network": "Network beyond the parents",
    "childs_words": "The child's words",
    "parent_verification": "Checked by someone other than the parents",
}

JARGON_DEFAULTS: dict[str, str] = {
    "s47": "the checks we make to be sure your child is safe",
    "section 47": "the checks we make to be sure your child is safe",
    "ICPC": "the first child protection meeting",
    "child protection conference": "a meeting about keeping your child safe",
    "CIN": "help for your child and family",
    "child in need": "help for your child and family",
    "LADO": "the person who looks into worries about adults who work with children",
    "threshold": "how worried we are",
    "strategy discussion": "a meeting between the people who help keep children safe",
    "core group": "the group of people who check the plan is working",
    "safeguarding": "keeping children safe",
    "multi-agency": "people from different services",
    "MARAC": "a meeting to keep people safe from domestic abuse",
    "statutory": "what the law says we must do",
    "significant harm": "serious hurt",
}

# Words that name the parents themselves when no network member is marked as a parent.
PARENT_WORDS = frozenset(
    {
        "parent",
        "parents",
        "the parents",
        "mum",
        "dad",
        "mum and dad",
        "mother",
        "father",
        "self-report",
        "self report",
    }
)


@dataclass(frozen=True)
class Check:
    """One check's result. `part` is the part of the plan it concerns (an editor shows it
    there): `family_version`, `network`, `actions` or `childs_words`."""

    code: str
    passed: bool
    blocking: bool
    message: str
    value: float
    part: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def blocking_of(code: str) -> bool:
    overrides: Mapping[str, bool] = getattr(settings, "SAFETY_PLAN_BLOCKING_CHECKS", {})
    return bool(overrides.get(code, BLOCKING_DEFAULTS[code]))


def jargon_list() -> dict[str, str]:
    """The terms flagged and their plain alternatives: the defaults and the authority's own."""
    return {**JARGON_DEFAULTS, **getattr(settings, "SAFETY_PLAN_JARGON", {})}


def _check(code: str, passed: bool, message: str, value: float, part: str) -> Check:
    return Check(code, passed, blocking_of(code), message, round(float(value), 1), part)


def word_count(text: str) -> int:
    return int(textstat.lexicon_count(text, removepunct=True)) if text.strip() else 0


def reading_ease(text: str) -> Check:
    if not text.strip():
        return _check(
            "reading_ease",
            False,
            "Write the family version to check how easy it is to read.",
            0,
            "family_version",
        )
    score = float(textstat.flesch_reading_ease(text))
    if score >= READING_EASE_MIN:
        message = f"Easy enough to read (score {score:.0f}; {READING_EASE_MIN:.0f} or more)."
    else:
        message = (
            f"Hard to read (score {score:.0f}; aim for {READING_EASE_MIN:.0f} or more): "
            "use shorter words and shorter sentences."
        )
    return _check("reading_ease", score >= READING_EASE_MIN, message, score, "family_version")


def sentence_length(text: str) -> Check:
    if not text.strip():
        return _check(
            "sentence_length",
            False,
            "Write the family version in short sentences.",
            0,
            "family_version",
        )
    words = float(textstat.words_per_sentence(text))
    passed = words <= WORDS_PER_SENTENCE_MAX
    message = (
        f"Sentences are short enough ({words:.0f} words on average)."
        if passed
        else (
            f"Sentences are too long ({words:.0f} words on average; "
            f"{WORDS_PER_SENTENCE_MAX:.0f} at most): split them."
        )
    )
    return _check("sentence_length", passed, message, words, "family_version")


def length(text: str) -> Check:
    words = word_count(text)
    if words < LENGTH_MIN:
        message = f"Too short ({words} words; at least {LENGTH_MIN}): say what each person will do."
    elif words > LENGTH_MAX:
        message = f"Too long ({words} words; at most {LENGTH_MAX}): keep what matters most."
    else:
        message = f"A good length ({words} words)."
    return _check("length", LENGTH_MIN <= words <= LENGTH_MAX, message, words, "family_version")


def jargon_found(text: str) -> list[tuple[str, str]]:
    """Each listed term in `text` (whole words, any case), with its plain alternative."""
    return [
        (term, plain)
        for term, plain in jargon_list().items()
        if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, flags=re.IGNORECASE)
    ]


def jargon(text: str) -> Check:
    found = jargon_found(text)
    if not found:
        return _check("jargon", True, "No professional jargon.", 0, "family_version")
    message = "Use plain words: " + "; ".join(f'instead of "{t}", say "{p}"' for t, p in found)
    return _check("jargon", False, message + ".", len(found), "family_version")


def network(members: Sequence[Mapping[str, Any]]) -> Check:
    others = [m for m in members if str(m.get("name", "")).strip() and not m.get("is_parent")]
    passed = bool(others)
    message = (
        f"{len(others)} {'person' if len(others) == 1 else 'people'} in the network besides "
        "the parents."
        if passed
        else "Name at least one person in the network who is not a parent."
    )
    return _check("network", passed, message, len(others), "network")


def childs_words(text: str) -> Check:
    words = word_count(text)
    message = (
        "The child's own words are in the plan."
        if words
        else "Write down what the child said, in their own words."
    )
    return _check("childs_words", words > 0, message, words, "childs_words")


def _names(verifiers: str) -> list[str]:
    parts = re.split(r",|&|/|;|\band\b", verifiers.lower())
    return [" ".join(part.split()) for part in parts if part.strip()]


def parents_only(action: Mapping[str, Any], parent_names: set[str]) -> bool:
    """An action checked by nobody, or only by the parents' own word."""
    names = _names(str(action.get("verified_by", "")))
    return all(name in parent_names or name in PARENT_WORDS for name in names)


def parent_verification(
    actions: Sequence[Mapping[str, Any]], members: Sequence[Mapping[str, Any]]
) -> Check:
    parents = {
        " ".join(str(m.get("name", "")).lower().split()) for m in members if m.get("is_parent")
    }
    weak = [
        number
        for number, action in enumerate(actions, start=1)
        if any(str(action.get(k, "")).strip() for k in ("who", "what", "verified_by"))
        and parents_only(action, parents)
    ]
    if weak:
        message = (
            "Actions "
            + ", ".join(str(n) for n in weak)
            + " are checked only by the parents' own word: name someone else who will check."
            if len(weak) > 1
            else f"Action {weak[0]} is checked only by the parents' own word: name someone else "
            "who will check."
        )
    else:
        message = "Every action is checked by someone other than the parents."
    return _check("parent_verification", not weak, message, len(weak), "actions")


def family_facing_text(parts: Mapping[str, Any]) -> str:
    """What the family reads: the family version, worries, goals and actions."""
    lines = [str(parts.get("family_version", ""))]
    lines += [str(item) for item in parts.get("worries", [])]
    lines += [str(item) for item in parts.get("goals", [])]
    for action in parts.get("actions", []):
        lines += [str(action.get(k, "")) for k in ("what", "how_we_will_know")]
    return "\n".join(lines)


def run_checks(parts: Mapping[str, Any]) -> list[Check]:
    """Every check on a plan's parts (as the API takes them), in a fixed order."""
    family_version = str(parts.get("family_version", ""))
    members = list(parts.get("network", []))
    return [
        reading_ease(family_version),
        sentence_length(family_version),
        length(family_version),
        jargon(family_facing_text(parts)),
        network(members),
        childs_words(str(parts.get("childs_words", ""))),
        parent_verification(list(parts.get("actions", [])), members),
    ]


def failing_blockers(checks: Sequence[Mapping[str, Any]]) -> list[str]:
    """The codes of stored checks that fail and block agreement under today's settings."""
    return [c["code"] for c in checks if not c["passed"] and blocking_of(c["code"])]
