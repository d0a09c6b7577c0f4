"""Every check on a text that passes and one that fails, the expected values measured here
independently (textstat called on the same text, words counted by hand)."""

from __future__ import annotations

from typing import Any

import textstat

from safety_plans import checks
from tests.safety_plans.conftest import good

EASY = "Gran will come after school. She will stay for tea. Amy feels safe with Gran. "
HARD = (
    "Notwithstanding considerable multidisciplinary deliberation, the professional "
    "consortium determined that comprehensive intergenerational supervision arrangements "
    "necessitate systematic documentation and continuous evaluation. "
)


def by_code(parts: dict[str, Any]) -> dict[str, checks.Check]:
    return {check.code: check for check in checks.run_checks(parts)}


def test_an_easy_family_version_passes_reading_ease_with_textstats_score() -> None:
    text = EASY * 20

    found = by_code(good(family_version=text))["reading_ease"]

    assert found.passed
    assert found.value == round(textstat.flesch_reading_ease(text), 1)
    assert found.value >= 60


def test_a_hard_family_version_fails_reading_ease() -> None:
    text = HARD * 10

    found = by_code(good(family_version=text))["reading_ease"]

    assert not found.passed
    assert found.value == round(textstat.flesch_reading_ease(text), 1)
    assert found.blocking
    assert "Hard to read" in found.message


def test_reading_ease_is_measured_against_60_near_the_line() -> None:
    # One word apart, measured by textstat here: one text just over 60, the other under.
    over = "Gran will phone the social worker every evening. " * 10
    under = "Gran will phone the social worker every afternoon. " * 10
    scores = {text: textstat.flesch_reading_ease(text) for text in (over, under)}
    assert scores[under] < 60 <= scores[over]

    found = {text: by_code(good(family_version=text))["reading_ease"] for text in (over, under)}

    assert found[over].passed and not found[under].passed
    assert found[under].value == round(scores[under], 1)


def test_short_sentences_pass_and_long_ones_fail() -> None:
    # EASY: 15 words in 3 sentences (5 a sentence); LONG: one sentence of 25 words.
    long_sentence = " ".join(["Gran"] + ["will"] * 23 + ["visit."]) + " "

    short = by_code(good(family_version=EASY * 20))["sentence_length"]
    long = by_code(good(family_version=long_sentence * 10))["sentence_length"]

    assert short.passed and short.value == 5.0
    assert not long.passed and long.value == 25.0


def words(count: int) -> str:
    """A text of exactly `count` words: five-word sentences, then one-word ones."""
    return "Gran will come for tea. " * (count // 5) + "Gran. " * (count % 5)


def test_length_flags_too_short_and_too_long_and_passes_between() -> None:
    found = {
        count: by_code(good(family_version=words(count)))["length"]
        for count in (149, 150, 900, 901)
    }

    assert [found[c].passed for c in (149, 150, 900, 901)] == [False, True, True, False]
    assert [found[c].value for c in (149, 150, 900, 901)] == [149, 150, 900, 901]
    assert "Too short (149 words" in found[149].message
    assert "Too long (901 words" in found[901].message


def test_jargon_is_flagged_with_its_plain_alternative() -> None:
    found = by_code(good(family_version=EASY * 20 + "The ICPC and the core group will meet."))

    jargon = found["jargon"]
    assert not jargon.passed
    assert jargon.value == 2
    assert 'instead of "ICPC", say "the first child protection meeting"' in jargon.message
    assert 'instead of "core group"' in jargon.message


def test_jargon_in_an_action_is_flagged_too_and_plain_words_pass() -> None:
    action = {**good()["actions"][0], "what": "go to the strategy discussion"}

    flagged = by_code(good(actions=[action]))["jargon"]
    plain = by_code(good())["jargon"]

    assert not flagged.passed and flagged.value == 1
    assert plain.passed and plain.value == 0


def test_an_authority_extends_the_jargon_list_in_its_settings(settings: Any) -> None:
    settings.SAFETY_PLAN_JARGON = {"PLO": "the letter before court"}

    found = by_code(good(family_version=EASY * 20 + "We sent a PLO letter."))["jargon"]

    assert not found.passed
    assert 'instead of "PLO", say "the letter before court"' in found.message


def test_jargon_is_a_warning_by_default_and_blocking_is_a_setting(settings: Any) -> None:
    text = EASY * 20 + "The LADO knows."
    assert by_code(good(family_version=text))["jargon"].blocking is False

    settings.SAFETY_PLAN_BLOCKING_CHECKS = {"jargon": True, "length": False}

    found = by_code(good(family_version=text))
    assert found["jargon"].blocking is True
    assert found["length"].blocking is False


def test_a_network_of_parents_only_fails_and_one_other_person_passes() -> None:
    parents = [m for m in good()["network"] if m["is_parent"]]

    failing = by_code(good(network=parents))["network"]
    passing = by_code(good())["network"]

    assert not failing.passed and failing.value == 0
    assert passing.passed and passing.value == 1


def test_the_childs_words_must_be_present() -> None:
    missing = by_code(good(childs_words="   "))["childs_words"]
    present = by_code(good(childs_words="I like it when Gran is there."))["childs_words"]

    assert not missing.passed and missing.value == 0
    assert present.passed and present.value == 7


def test_an_action_verified_only_by_the_parents_fails() -> None:
    by_mum_by_name = {**good()["actions"][0], "verified_by": "Jo Smith"}
    by_parents = {**good()["actions"][0], "verified_by": "Mum and Dad"}
    by_nobody = {**good()["actions"][0], "verified_by": ""}
    shared = {**good()["actions"][0], "verified_by": "Jo Smith and Mrs Khan"}

    failing = by_code(good(actions=[by_mum_by_name, shared, by_parents, by_nobody]))
    passing = by_code(good(actions=[shared]))

    assert not failing["parent_verification"].passed
    assert failing["parent_verification"].value == 3
    assert "Actions 1, 3, 4" in failing["parent_verification"].message
    assert passing["parent_verification"].passed


def test_the_good_plan_passes_every_check() -> None:
    assert [check.code for check in checks.run_checks(good()) if not check.passed] == []
