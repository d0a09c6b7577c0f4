"""The data-quality check before a census is sent: each record that would fail a DfE rule (the
rules of `csc-validator-be-cin` that the data entered here can break), in plain words, with the
page that fixes it. A manager fixes data through the year, not days before the deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from ..models import Person, Referral
from .census import Census, census_of, la_child_id

# DfE rule 8770Q counts a child of school age from 6 (at the end of the census period).
SCHOOL_AGE = 6


@dataclass(frozen=True)
class Problem:
    child: Person
    referral: Referral | None
    rule: str
    what: str
    fix_label: str
    fix_url: str

    @property
    def la_child_id(self) -> str:
        return la_child_id(self.child)


def problems_of(census: Census) -> list[Problem]:
    """Every record of the census that breaks a DfE rule, child by child (no queries of its
    own: it reads what `census_of` gathered)."""
    found: list[Problem] = []
    end = census.period.end
    for child, episodes in census.children:
        details = reverse("web:child-census", args=[child.pk])

        def about_child(rule: str, what: str, child: Person = child, url: str = details) -> None:
            found.append(Problem(child, None, rule, what, "Record the census details", url))

        if not child.disabilities:
            about_child("8540", "Disabilities not recorded (NONE if the child has none).")
        if child.date_of_birth is None and child.expected_date_of_birth is None:
            about_child("8525Q", "No date of birth or expected date of birth.")
        if not child.ethnicity:
            about_child("Ethnicity", "Ethnicity not recorded: the census will say not obtained.")
        age = child.age_on(end)
        if (
            age is not None
            and age >= SCHOOL_AGE
            and (not child.upn and child.upn_unknown_reason in ("", "UN1"))
        ):
            about_child("8770Q", "A child of school age with no UPN or reason it is unknown.")
        elif not child.upn and not child.upn_unknown_reason:
            about_child("UPN", "No UPN and no reason it is unknown.")
        for episode in episodes:
            if not episode.no_further_action and not episode.primary_need:
                found.append(
                    Problem(
                        child,
                        episode.referral,
                        "8610",
                        f"The referral of {episode.referral.referral_date:%d %b %Y} led to further "
                        "action but has no primary need code.",
                        "Record the primary need",
                        reverse("web:referral-primary-need", args=[episode.referral.pk]),
                    )
                )
    return found


def problems(year: int) -> tuple[Census, list[Problem]]:
    census = census_of(year)
    return census, problems_of(census)


def census_year_of(day: date) -> int:
    """The census year whose period (1 April to 31 March) holds `day`."""
    return day.year + 1 if day.month >= 4 else day.year
