"""The DfE Children in Need census (spec section 13): the XML of `CIN_schema_2026.xsd` for every
child with an episode open at any point of the census period (1 April to 31 March)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from xml.etree import ElementTree

from django.conf import settings
from django.utils import timezone

from ..models import Gender, Person
from ..replica import reads_from_replica
from .episodes import Episode, children_of, episodes_of, referrals_until


@dataclass(frozen=True)
class CensusPeriod:
    year: int

    @property
    def start(self) -> date:
        return date(self.year - 1, 4, 1)

    @property
    def end(self) -> date:
        return date(self.year, 3, 31)


@dataclass(frozen=True)
class Census:
    period: CensusPeriod
    children: list[tuple[Person, list[Episode]]]

    @property
    def child_ids(self) -> list[int]:
        return [child.pk for child, _ in self.children]


SEX = {Gender.MALE: "M", Gender.FEMALE: "F"}


@reads_from_replica
def census_of(year: int) -> Census:
    """Every child with an episode open in the period, with those episodes (and what each
    registered source holds about them), in a fixed number of queries."""
    period = CensusPeriod(year)
    by_child = episodes_of(referrals_until(period.end))
    children = children_of(by_child)
    found = []
    for child_id, episodes in by_child.items():
        wanted = [e for e in episodes if e.open_during(period.start, period.end)]
        if wanted:
            found.append((children[child_id], wanted))
    found.sort(key=lambda pair: pair[0].pk)
    return Census(period, found)


def _day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _add(parent: ElementTree.Element, tag: str, text: object = None) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag)
    if text is not None:
        element.text = text.isoformat() if isinstance(text, date) else str(text)
    return element


def la_child_id(child: Person) -> str:
    return la_child_id_of(child.pk)


def la_child_id_of(person_id: int) -> str:
    """The child's id in the returns: the record number, as the child page shows it."""
    return f"C{person_id:07d}"


def census_xml(census: Census, *, now: datetime | None = None) -> bytes:
    """The census as the DfE schema's XML: a header and one `Child` per child."""
    now = now or timezone.now()
    message = ElementTree.Element("Message")
    header = _add(message, "Header")
    collection = _add(header, "CollectionDetails")
    _add(collection, "Collection", "CIN")
    _add(collection, "Year", census.period.year)
    _add(collection, "ReferenceDate", census.period.end)
    source = _add(header, "Source")
    _add(source, "SourceLevel", "L")
    _add(source, "LEA", settings.CIN_LA_CODE)
    _add(source, "SoftwareCode", "MACH front door")
    _add(source, "Release", "1")
    _add(source, "SerialNo", "001")
    _add(source, "DateTime", timezone.localtime(now).replace(microsecond=0, tzinfo=None))
    children = _add(message, "Children")
    previous_plans: dict[int, int] = {}
    for child, episodes in census.children:
        _child(children, child, episodes, census.period, previous_plans)
    ElementTree.indent(message)
    return ElementTree.tostring(message, encoding="utf-8", xml_declaration=True)


def _child(
    parent: ElementTree.Element,
    child: Person,
    episodes: list[Episode],
    period: CensusPeriod,
    previous_plans: dict[int, int],
) -> None:
    element = _add(parent, "Child")
    ids = _add(element, "ChildIdentifiers")
    _add(ids, "LAchildID", la_child_id(child))
    if child.upn:
        _add(ids, "UPN", child.upn)
    elif child.upn_unknown_reason:
        _add(ids, "UPNunknown", child.upn_unknown_reason)
    if child.date_of_birth is not None:
        _add(ids, "PersonBirthDate", child.date_of_birth)
    elif child.expected_date_of_birth is not None:
        _add(ids, "ExpectedPersonBirthDate", child.expected_date_of_birth)
    _add(ids, "Sex", SEX.get(Gender(child.gender), "U"))
    characteristics = _add(element, "ChildCharacteristics")
    _add(characteristics, "Ethnicity", child.ethnicity or "NOBT")
    if child.disabilities:
        disabilities = _add(characteristics, "Disabilities")
        for code in child.disabilities:
            _add(disabilities, "Disability", code)
    plans_before = 0
    for episode in episodes:
        plans_before = _episode(element, episode, period, plans_before)


def _episode(
    parent: ElementTree.Element, episode: Episode, period: CensusPeriod, plans_before: int
) -> int:
    referral = episode.referral
    closed_on = episode.closed_on
    details = _add(parent, "CINdetails")
    _add(details, "CINreferralDate", referral.referral_date)
    _add(details, "ReferralSource", referral.contact.source)
    if episode.primary_need:
        _add(details, "PrimaryNeedCode", episode.primary_need)
    if closed_on is not None and closed_on <= period.end:
        _add(details, "CINclosureDate", closed_on)
        _add(details, "ReasonForClosure", episode.closure_reason)
    # The conference date goes in its s47 module only (DfE rule 2884: not in both places).
    for assessment in episode.assessments:
        if not _in_period(assessment.started_on, assessment.authorised_on, period):
            continue
        item = _add(details, "Assessments")
        _add(item, "AssessmentActualStartDate", assessment.started_on)
        if assessment.authorised_on is not None and assessment.authorised_on <= period.end:
            _add(item, "AssessmentAuthorisationDate", assessment.authorised_on)
            if assessment.factors:
                factors = _add(item, "FactorsIdentifiedAtAssessment")
                for code in assessment.factors:
                    _add(factors, "AssessmentFactors", code)
    for assessment in episode.assessments:
        if assessment.cin_plan_start is not None and assessment.cin_plan_start <= period.end:
            end = _plan_end(assessment.cin_plan_end, closed_on, period)
            if end is not None and end < period.start:
                continue
            plan = _add(details, "CINPlanDates")
            _add(plan, "CINPlanStartDate", assessment.cin_plan_start)
            if end is not None:
                _add(plan, "CINPlanEndDate", end)
    for s47 in episode.s47s:
        if not _in_period(s47.started_on, s47.conference_on, period):
            continue
        item = _add(details, "Section47")
        _add(item, "S47ActualStartDate", s47.started_on)
        if s47.conference_target is not None:
            _add(item, "InitialCPCtarget", s47.conference_target)
        if s47.conference_on is not None and s47.conference_on <= period.end:
            _add(item, "DateOfInitialCPC", s47.conference_on)
        _add(item, "ICPCnotRequired", int(s47.conference_not_required))
    _add(details, "ReferralNFA", int(episode.no_further_action))
    for s47 in episode.s47s:
        if s47.cp_plan_start is None or s47.cp_plan_start > period.end:
            continue
        end = _plan_end(s47.cp_plan_end, closed_on, period)
        if end is not None and end < period.start:
            plans_before += 1
            continue
        plan = _add(details, "ChildProtectionPlans")
        _add(plan, "CPPstartDate", s47.cp_plan_start)
        if end is not None:
            _add(plan, "CPPendDate", end)
        _add(plan, "InitialCategoryOfAbuse", s47.cp_initial_category)
        _add(plan, "LatestCategoryOfAbuse", s47.cp_latest_category or s47.cp_initial_category)
        _add(plan, "NumberOfPreviousCPP", plans_before)
        plans_before += 1
    return plans_before


def _in_period(started: date, ended: date | None, period: CensusPeriod) -> bool:
    """A module (assessment, s47 enquiry) is returned when it was open during the period."""
    return started <= period.end and (ended is None or ended >= period.start)


def _plan_end(end: date | None, closed_on: date | None, period: CensusPeriod) -> date | None:
    """A plan ends on its own end date, or when its episode closes; within the period only."""
    day = end or closed_on
    return day if day is not None and day <= period.end else None
