"""Ofsted's Annex A lists for an inspection (spec section 13): list 1 contacts, list 3
referrals, list 4 assessments and list 5 section 47 enquiries and conferences, one sheet each,
with the columns and codes of Ofsted's guidance, written with openpyxl."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from io import BytesIO
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .. import workflows
from ..models import ContactPerson, Disability, Ethnicity, Gender, Kind, Person, Referral, Team
from ..replica import reads_from_replica
from ..services.referrals import twelve_months_before
from ..workflows import CensusAssessment, CensusS47
from .census import la_child_id, la_child_id_of

CHILD_COLUMNS = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
LIST_1 = [*CHILD_COLUMNS, "Date of Contact", "Contact Source"]
LIST_3 = [
    *CHILD_COLUMNS,
    "Date of referral",
    "Referral Source",
    "Referral NFA?",
    "Number of Referrals in Last 12 Months",
    "Allocated Team",
    "Allocated Worker",
]
LIST_4 = [
    *CHILD_COLUMNS,
    "Does the Child have a Disability",
    "Continuous Assessment Start Date",
    "Child Seen During Continuous Assessment",
    "Continuous Assessment Date of Authorisation",
    "Was the child assessed as requiring LA children's social care support?",
    "Allocated Team",
    "Allocated Worker",
]
LIST_5 = [
    *CHILD_COLUMNS,
    "Does the Child have a Disability",
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    "Was an Initial Child Protection Conference deemed unnecessary?",
    "Date of Initial Child Protection Conference",
    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
    "Number of Section 47 Enquiries in the last 12 months",
    "Number of ICPCs in the last 12 months",
    "Allocated Team",
    "Allocated Worker",
]
SHEETS = {"List 1": LIST_1, "List 3": LIST_3, "List 4": LIST_4, "List 5": LIST_5}

GENDER: dict[str, str] = {
    Gender.MALE: "a) Male",
    Gender.FEMALE: "b) Female",
    Gender.OTHER: "d) Neither",
}
NOT_STATED = "c) Not stated/recorded"
ETHNICITY: dict[str, str] = {
    code: f"{letter}) {code}"
    for letter, code in zip("abcdefghijklmnopqrst", Ethnicity.values, strict=True)
}
# Ofsted's lettered contact and referral sources, each with the DfE code it stands for.
SOURCES = {
    "1A": "a) 1A: Individual",
    "1B": "b) 1B: Individual",
    "1C": "c) 1C: Individual",
    "1D": "d) 1D: Individual",
    "2A": "e) 2A: Schools",
    "2B": "f) 2B: Education services",
    "3A": "g) 3A: Health services",
    "3B": "h) 3B: Health services",
    "3C": "i) 3C: Health services",
    "3D": "j) 3D: Health services",
    "3E": "k) 3E: Health services",
    "3F": "l) 3F: Health services",
    "4": "m) 4: Housing",
    "5A": "n) 5A: LA services",
    "5B": "o) 5B: LA services",
    "5C": "p) 5C: LA services",
    "5D": "p1) 5D: LA services",
    "6": "q) 6: Police",
    "7": "r) 7: Other legal agency",
    "8": "s) 8: Other",
    "9": "t) 9: Anonymous",
    "10": "u) 10: Unknown",
}
YES, NO, UNKNOWN = "a) Yes", "b) No", "c) Unknown"
UNALLOCATED = "Unallocated"


@dataclass(frozen=True)
class AnnexA:
    start: date
    end: date
    sheets: dict[str, list[list[Any]]]
    child_ids: list[int]


def _yes_no(value: bool | None) -> str:
    return UNKNOWN if value is None else (YES if value else NO)


def _disability(child: Person) -> str:
    if not child.disabilities:
        return UNKNOWN
    return NO if child.disabilities == [Disability.NONE] else YES


def _child_cells(child: Person, on: date) -> list[Any]:
    return [
        la_child_id(child),
        GENDER.get(child.gender, NOT_STATED),
        ETHNICITY.get(child.ethnicity, ETHNICITY["NOBT"]),
        child.date_of_birth,
        child.age_on(on),
    ]


def age_on(born: date | None, day: date) -> int | None:
    """Whole years from `born` to `day` (`Person.age_on` for a row read without its model)."""
    if born is None:
        return None
    return day.year - born.year - (0 if (day.month, day.day) >= (born.month, born.day) else 1)


def _count_in_year_before(days: Sequence[date], day: date) -> int:
    """How many of the sorted `days` fall in the 12 months before `day` (not on it)."""
    return bisect.bisect_left(days, day) - bisect.bisect_left(days, twelve_months_before(day))


def _local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    first = timezone.make_aware(datetime.combine(start, time.min), tz)
    last = timezone.make_aware(datetime.combine(end, time.max), tz)
    return first, last


@reads_from_replica
def annex_a(start: date, end: date) -> AnnexA:
    """The four lists for contacts, referrals, assessments and enquiries in `start`..`end`
    (inclusive, local dates), in a fixed number of queries."""
    first, last = _local_bounds(start, end)
    teams = dict(Team.objects.values_list("id", "name"))
    # List 1 is the longest (every child of every contact): read as plain rows, not models.
    links = (
        ContactPerson.objects.filter(role=Kind.CHILD, contact__received_at__range=(first, last))
        .order_by("contact__received_at", "contact_id", "position", "id")
        .values_list(
            "person_id",
            "person__gender",
            "person__ethnicity",
            "person__date_of_birth",
            "contact__received_at",
            "contact__source",
        )
    )
    list_1 = []
    child_ids: dict[int, None] = {}
    tz = timezone.get_current_timezone()
    for person_id, gender, ethnicity, born, received_at, source in links.iterator(2_000):
        day = received_at.astimezone(tz).date()
        list_1.append(
            [
                la_child_id_of(person_id),
                GENDER.get(gender, NOT_STATED),
                ETHNICITY.get(ethnicity, ETHNICITY["NOBT"]),
                born,
                age_on(born, day),
                day,
                SOURCES.get(source, ""),
            ]
        )
        child_ids[person_id] = None

    referrals = list(
        Referral.objects.filter(referral_date__lte=end)
        .select_related("child", "contact")
        .order_by("referral_date", "id")
    )
    referral_days: dict[int, list[date]] = {}
    for referral in referrals:
        referral_days.setdefault(referral.child_id, []).append(referral.referral_date)
    wanted = {r.child_id for r in referrals if r.referral_date >= twelve_months_before(start)}
    items = _items(sorted(wanted))
    list_3 = []
    for referral in referrals:
        if referral.referral_date < start:
            continue
        child_items = items.get(referral.child_id, [])
        followed = [i for i in child_items if i.started_on >= referral.referral_date]
        worker = next((i.worker for i in followed if i.worker), UNALLOCATED)
        closed_nfa = referral.closed_on is not None and not followed
        list_3.append(
            [
                *_child_cells(referral.child, referral.referral_date),
                referral.referral_date,
                SOURCES.get(referral.contact.source, ""),
                YES if closed_nfa else NO,
                _count_in_year_before(referral_days[referral.child_id], referral.referral_date),
                teams.get(referral.team_id, ""),
                worker,
            ]
        )
        child_ids[referral.child_id] = None
    children = {r.child_id: r.child for r in referrals}
    list_4, list_5 = [], []
    for child_id, child_items in sorted(items.items()):
        child = children[child_id]
        s47_days = sorted(i.started_on for i in child_items if isinstance(i, CensusS47))
        icpc_days = sorted(
            i.conference_on
            for i in child_items
            if isinstance(i, CensusS47) and i.conference_on is not None
        )
        for item in child_items:
            if isinstance(item, CensusAssessment):
                done = item.authorised_on
                if item.started_on > end or (done is not None and done < start):
                    continue
                list_4.append(
                    [
                        *_child_cells(child, item.started_on),
                        _disability(child),
                        item.started_on,
                        _yes_no(item.child_seen_on is not None),
                        done,
                        _yes_no(bool(item.cin_plan_start)) if done else "",
                        teams.get(item.team_id or 0, ""),
                        item.worker or UNALLOCATED,
                    ]
                )
            else:
                if item.started_on > end or item.started_on < start:
                    continue
                list_5.append(
                    [
                        *_child_cells(child, item.started_on),
                        _disability(child),
                        item.strategy_discussion_on or item.started_on,
                        YES if item.conference_not_required else NO,
                        item.conference_on,
                        _yes_no(item.cp_plan_start is not None) if item.conference_on else "",
                        _count_in_year_before(s47_days, item.started_on),
                        _count_in_year_before(icpc_days, item.started_on),
                        teams.get(item.team_id or 0, ""),
                        item.worker or UNALLOCATED,
                    ]
                )
            child_ids[child_id] = None
    list_4.sort(key=lambda row: (row[6], row[0]))
    list_5.sort(key=lambda row: (row[6], row[0]))
    sheets = {"List 1": list_1, "List 3": list_3, "List 4": list_4, "List 5": list_5}
    return AnnexA(start, end, sheets, list(child_ids))


def _items(child_ids: Sequence[int]) -> dict[int, list[CensusAssessment | CensusS47]]:
    found: dict[int, list[CensusAssessment | CensusS47]] = {}
    for source in workflows.return_sources.values():
        for child_id, rows in source.items(child_ids).items():
            found.setdefault(child_id, []).extend(rows)
    for rows in found.values():
        rows.sort(key=lambda row: (row.started_on, row.record_id))
    return found


def annex_a_xlsx(lists: AnnexA) -> bytes:
    """The lists as a workbook, one sheet each, dates as dates (dd/mm/yyyy)."""
    book = Workbook(write_only=True)
    for name, columns in SHEETS.items():
        sheet = book.create_sheet(name)
        sheet.append(columns)
        for row in lists.sheets[name]:
            sheet.append(_cells(sheet, row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _cells(sheet: Any, row: Iterable[Any]) -> list[Any]:
    cells: list[Any] = []
    for value in row:
        if isinstance(value, date):
            cell = WriteOnlyCell(sheet, value)
            cell.number_format = "dd/mm/yyyy"
            cells.append(cell)
        else:
            cells.append("" if value is None else value)
    return cells
