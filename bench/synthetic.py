"""Synthetic front-door data for the benchmark: people, contacts and what was decided on them.

Names, dates of birth and postcodes vary the way a council's do, so that record matching does
the work it does in service: most new children match nobody, a few are proposed as weak
matches, and a share of contacts (`repeat_share`) name a child already on record, with the
details that link them exactly. `load_same_surname_and_birth_date` builds the opposite, the
worst case for matching, on purpose and separately.

Everything is drawn from a seeded `random.Random`, so two runs load the same data.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

FIRST_NAMES = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Ivy",
    "Freya",
    "Lily",
    "Florence",
    "Mia",
    "Willow",
    "Rosie",
    "Sophia",
    "Isabella",
    "Grace",
    "Daisy",
    "Sienna",
    "Poppy",
    "Elsie",
    "Emily",
    "Ella",
    "Evelyn",
    "Phoebe",
    "Sofia",
    "Evie",
    "Charlotte",
    "Harper",
    "Millie",
    "Matilda",
    "Maya",
    "Sophie",
    "Alice",
    "Emilia",
    "Isabelle",
    "Ruby",
    "Luna",
    "Maisie",
    "Aria",
    "Penelope",
    "Mila",
    "Bonnie",
    "Eva",
    "Hallie",
    "Eliza",
    "Ada",
    "Violet",
    "Esme",
    "Robyn",
    "Arabella",
    "Layla",
    "Chloe",
    "Noah",
    "Oliver",
    "George",
    "Arthur",
    "Muhammad",
    "Leo",
    "Harry",
    "Oscar",
    "Archie",
    "Henry",
    "Theodore",
    "Freddie",
    "Jack",
    "Charlie",
    "Theo",
    "Alfie",
    "Jacob",
    "Thomas",
    "Finley",
    "Arlo",
    "William",
    "Lucas",
    "Roman",
    "Tommy",
    "Isaac",
    "Teddy",
    "Alexander",
    "Luca",
    "Edward",
    "James",
    "Joshua",
    "Albie",
    "Elijah",
    "Max",
    "Mohammed",
    "Reggie",
    "Hugo",
    "Ezra",
    "Louie",
    "Jaxon",
    "Rory",
    "Ronnie",
    "Harrison",
    "Bobby",
    "Jude",
    "Frankie",
    "Ethan",
    "Logan",
    "Sebastian",
    "Riley",
    "Mason",
    "Jayden",
    "Kai",
    "Dylan",
    "Callum",
    "Kyle",
    "Connor",
    "Liam",
]
COMMON_LAST_NAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hunt",
    "Hussain",
    "Campbell",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Murray",
    "Dixon",
    "Harvey",
    "Graham",
    "Pearson",
    "Ahmed",
    "Fletcher",
    "Walsh",
    "Kaur",
    "Gibson",
    "Howard",
    "Andrews",
    "Stewart",
    "Elliott",
    "Reynolds",
    "Saunders",
]
RELATIONSHIPS = ("mother", "mother", "mother", "father", "father", "grandmother", "carer")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
CHILD_AGES_DAYS = 18 * 365 - 1
# An assumption, not a measured share: health referrers give a child's NHS number, the police
# (most contacts) seldom know it.
NHS_NUMBER_SHARE = 0.4
NHS_SERIALS_LOADED = 40_000_000
NHS_SERIALS_INTAKE = 60_000_000


# Beyond the commonest names a council meets thousands of family names once or twice; these
# stand in for them, so that two children rarely share a full name by chance.
SURNAME_ROOTS = (
    "Ash Black Brad Brook Cal Craw Dun Fair Green Hard Hay Hol Kings Lang Mar Mid Nor Oak Pen "
    "Red Ring Shel Stan Sut Thorn Wake Wal West Whit Bram Chester Elm"
)
SURNAME_ENDINGS = "ford ley wood ton field well by ham worth combe stead more burn dale shaw"
LAST_NAMES = COMMON_LAST_NAMES + [
    root + ending for root in SURNAME_ROOTS.split() for ending in SURNAME_ENDINGS.split()
]


def _weights(count: int) -> list[float]:
    """Cumulative weights falling gently with rank: the commonest name is about 2% of people
    (Smith is 1.3% in England), and two random people share a full name about once in 25,000
    draws."""
    return list(itertools.accumulate(1 / (rank + 40) for rank in range(count)))


FIRST_NAME_WEIGHTS = _weights(len(FIRST_NAMES))
LAST_NAME_WEIGHTS = _weights(len(LAST_NAMES))


def nhs_number(serial: int) -> str:
    """A valid NHS number (modulus 11), a different one for each serial below 10**8.

    The serial gives the first eight digits; the ninth is the first that makes a valid check
    digit. Its weight is 2, which is invertible modulo 11, so one of 0 and 1 always does.
    """
    prefix = f"{serial:08d}"
    for ninth in "01":
        digits = prefix + ninth
        total = sum(
            int(digit) * weight for digit, weight in zip(digits, range(10, 1, -1), strict=True)
        )
        check = (11 - total % 11) % 11
        if check != 10:
            return digits + str(check)
    raise AssertionError("unreachable: one of two consecutive ninth digits is valid")


def postcode(rng: random.Random) -> str:
    letters = rng.choice(POSTCODE_LETTERS) + rng.choice(POSTCODE_LETTERS)
    return f"TS{rng.randint(1, 29)} {rng.randint(1, 9)}{letters}"


@dataclass(frozen=True)
class Child:
    first_name: str
    last_name: str
    date_of_birth: date
    postcode: str
    nhs_number: str = ""

    def as_input(self) -> dict[str, Any]:
        """The child as a contact body names it: enough to link it exactly next time."""
        child: dict[str, Any] = {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "address": {"postcode": self.postcode},
        }
        if self.nhs_number:
            child["nhs_number"] = self.nhs_number
        return child


@dataclass(frozen=True)
class Family:
    """Two siblings and the adult the referrer names, sharing a family name and an address."""

    children: tuple[Child, ...]
    adult_first_name: str
    relationship: str


def new_child(rng: random.Random, *, today: date, last_name: str, place: str, serial: int) -> Child:
    return Child(
        first_name=rng.choices(FIRST_NAMES, cum_weights=FIRST_NAME_WEIGHTS)[0],
        last_name=last_name,
        date_of_birth=today - timedelta(days=rng.randint(0, CHILD_AGES_DAYS)),
        postcode=place,
        nhs_number=nhs_number(serial) if rng.random() < NHS_NUMBER_SHARE else "",
    )


def new_family(rng: random.Random, *, today: date, serial: int) -> Family:
    last_name = rng.choices(LAST_NAMES, cum_weights=LAST_NAME_WEIGHTS)[0]
    place = postcode(rng)
    return Family(
        children=tuple(
            new_child(
                rng,
                today=today,
                last_name=last_name,
                place=place,
                serial=NHS_SERIALS_LOADED + 2 * serial + n,
            )
            for n in range(2)
        ),
        adult_first_name=rng.choices(FIRST_NAMES, cum_weights=FIRST_NAME_WEIGHTS)[0],
        relationship=rng.choice(RELATIONSHIPS),
    )


def contact_body(
    child: dict[str, Any], *, adult_first_name: str, relationship: str
) -> dict[str, Any]:
    """The body of `POST /api/v1/contacts/` the bench sends: one child, the adult named."""
    return {
        "channel": "api",
        "source": "6",
        "referrer": {"name": "PC Bench", "organisation": "Bench Police"},
        "children": [child],
        "adults": [
            {
                "first_name": adult_first_name,
                "last_name": child["last_name"],
                "relationship": relationship,
            }
        ],
        "concerns": "Benchmark contact.",
        "parental_awareness": "informed_and_consents",
    }


def intake_bodies(
    count: int, *, known: Sequence[Child], repeat_share: float, seed: int = 7
) -> list[dict[str, Any]]:
    """`count` contact bodies: `repeat_share` of them about a child already on record (with the
    details that link exactly: NHS number where it has one, else names, birth date and
    postcode), the rest about children nobody has met."""
    rng = random.Random(seed)
    today = date.today()
    bodies = []
    for serial in range(count):
        if known and rng.random() < repeat_share:
            child = rng.choice(known)
        else:
            last_name = rng.choices(LAST_NAMES, cum_weights=LAST_NAME_WEIGHTS)[0]
            child = new_child(
                rng,
                today=today,
                last_name=last_name,
                place=postcode(rng),
                serial=NHS_SERIALS_INTAKE + serial,
            )
        bodies.append(
            contact_body(
                child.as_input(),
                adult_first_name=rng.choices(FIRST_NAMES, cum_weights=FIRST_NAME_WEIGHTS)[0],
                relationship=rng.choice(RELATIONSHIPS),
            )
        )
    return bodies


def letters(serial: int) -> str:
    """A different name for each serial, of letters only ('Ba', 'Bb', ...), since matching
    ignores digits in names."""
    word = ""
    serial += 26
    while serial:
        serial, digit = divmod(serial, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[digit] + word
    return word.capitalize()


@dataclass
class Decisions:
    """The shares of the loaded contacts that went through each stage."""

    open_share: float = 0.7
    screened_share_of_decided: float = 0.3
    referred_share_of_screened: float = 1 / 3
    assessed_share_of_referred: float = 0.5
    repeat_share: float = 0.3


@dataclass
class LoadedFamily:
    """A family's records once loaded, and each child's latest referral (id, date)."""

    child_ids: tuple[int, int]
    adult_id: int
    relationship: str
    children: tuple[Child, ...]
    last_referrals: dict[int, tuple[int, date]] = field(default_factory=dict)


@dataclass
class Plan:
    """What happens to one loaded contact; `family` is set when it names a family again."""

    received: datetime
    due: datetime
    is_open: bool
    screened: bool
    referred: bool
    assessed: bool
    family: LoadedFamily | None


def _plans(
    moments: Sequence[datetime],
    *,
    rng: random.Random,
    decisions: Decisions,
    calendar: Any,
    families: Sequence[LoadedFamily],
) -> list[Plan]:
    plans = []
    for received in moments:
        is_open = rng.random() < decisions.open_share
        screened = not is_open and rng.random() < decisions.screened_share_of_decided
        referred = screened and rng.random() < decisions.referred_share_of_screened
        repeat = bool(families) and rng.random() < decisions.repeat_share
        plans.append(
            Plan(
                received=received,
                due=calendar.add_working_days(received, 1),
                is_open=is_open,
                screened=screened,
                referred=referred,
                assessed=referred and rng.random() < decisions.assessed_share_of_referred,
                # Only families of earlier batches, whose records (and referrals) exist.
                family=rng.choice(families) if repeat else None,
            )
        )
    return plans


def load_contacts(count: int, *, decisions: Decisions, batch: int = 5_000) -> dict[str, Any]:
    """Bulk-load `count` contacts, each about two siblings and an adult, with screenings,
    oversight, referrals (re-referrals where a child had one in the 12 months before) and
    assessments in the shares `decisions` gives. Returns counts, and under `known_children`
    the children on record, for intake to name again (left out of the report)."""
    from django.db import connection

    from assessments.models import Assessment, AssessmentState
    from mach.models import (
        Contact,
        ContactPerson,
        Kind,
        Person,
        Referral,
        Relationship,
        RelationshipKind,
        Team,
        User,
        normalise_name,
        normalise_postcode,
    )
    from mach.services.referrals import twelve_months_before
    from mach.timescales import LONDON, WorkingCalendar
    from triage.models import OversightDecision, Screening, ScreeningState

    calendar = WorkingCalendar.current()
    team = Team.objects.intake()
    partner = User.objects.get(username="bench.partner")
    worker = User.objects.get(username="bench.worker")
    manager = User.objects.get(username="bench.manager")
    rng = random.Random(42)
    now = datetime.now(UTC)
    today = now.astimezone(LONDON).date()
    started = time.perf_counter()
    families: list[LoadedFamily] = []
    totals = {"screenings": 0, "referrals": 0, "rereferrals": 0, "assessments": 0}
    # Oldest first, so that ids grow with time as they do in service.
    moments = sorted(now - timedelta(minutes=rng.randint(1, 60 * 24 * 365)) for _ in range(count))
    for offset in range(0, count, batch):
        plans = _plans(
            moments[offset : offset + batch],
            rng=rng,
            decisions=decisions,
            calendar=calendar,
            families=families,
        )
        contacts = [
            Contact(
                state="received" if plan.is_open else "decided",
                outcome="" if plan.is_open else ("assessment" if plan.referred else "nfa"),
                received_at=plan.received,
                decided_at=None if plan.is_open else plan.received + timedelta(hours=3),
                channel="api",
                source="6",
                referrer_name="PC Bench",
                concerns="Synthetic contact.",
                parental_awareness="informed_and_consents",
                decision_due_at=plan.due,
                team=team,
                submitted_by=partner,
                submitting_team=partner.team,
                rag=rng.choice(["red", "amber", "green", ""]),
                # Most open contacts were already alerted and escalated: nothing left to sweep.
                next_alert_at=plan.due if plan.is_open and rng.random() < 0.01 else None,
                alert_level=0 if not plan.is_open or rng.random() < 0.01 else 2,
            )
            for plan in plans
        ]
        Contact.objects.bulk_create(contacts)
        new = [new_family(rng, today=today, serial=offset + n) for n in range(len(plans))]
        new = [family for family, plan in zip(new, plans, strict=True) if plan.family is None]
        children = [
            Person(
                kind=Kind.CHILD,
                first_name=child.first_name,
                last_name=child.last_name,
                normalised_first_name=normalise_name(child.first_name),
                normalised_last_name=normalise_name(child.last_name),
                date_of_birth=child.date_of_birth,
                postcode=child.postcode,
                normalised_postcode=normalise_postcode(child.postcode),
                nhs_number=child.nhs_number,
            )
            for family in new
            for child in family.children
        ]
        adults = [
            Person(
                kind=Kind.ADULT,
                first_name=family.adult_first_name,
                last_name=family.children[0].last_name,
                normalised_first_name=normalise_name(family.adult_first_name),
                normalised_last_name=normalise_name(family.children[0].last_name),
            )
            for family in new
        ]
        Person.objects.bulk_create(children + adults)
        made = iter(
            LoadedFamily(
                child_ids=(children[2 * n].pk, children[2 * n + 1].pk),
                adult_id=adults[n].pk,
                relationship=family.relationship,
                children=family.children,
            )
            for n, family in enumerate(new)
        )
        named = [plan.family or next(made) for plan in plans]
        families.extend(named[n] for n, plan in enumerate(plans) if plan.family is None)
        Relationship.objects.bulk_create(
            [
                Relationship(
                    person_id=family.adult_id,
                    child_id=child_id,
                    kind=RelationshipKind.PARENT,
                    description=family.relationship,
                )
                for family, plan in zip(named, plans, strict=True)
                if plan.family is None
                for child_id in family.child_ids
            ]
            + [
                Relationship(
                    person_id=family.child_ids[0],
                    child_id=family.child_ids[1],
                    kind=RelationshipKind.HOUSEHOLD_MEMBER,
                )
                for family, plan in zip(named, plans, strict=True)
                if plan.family is None
            ]
        )
        ContactPerson.objects.bulk_create(
            ContactPerson(
                contact=contact,
                person_id=person_id,
                role=Kind.CHILD if position < 2 else Kind.ADULT,
                matched_existing=plan.family is not None,
                relationship="" if position < 2 else family.relationship,
                position=position,
            )
            for contact, plan, family in zip(contacts, plans, named, strict=True)
            for position, person_id in enumerate((*family.child_ids, family.adult_id))
        )
        screenings = []
        referrals: list[tuple[Referral, LoadedFamily, bool]] = []
        for contact, plan, family in zip(contacts, plans, named, strict=True):
            if not plan.screened:
                continue
            submitted = plan.received + timedelta(hours=1)
            screenings.append(
                Screening(
                    contact=contact,
                    team_id=contact.team_id,
                    state=ScreeningState.AGREED,
                    threshold_level=4 if plan.referred else 2,
                    rag=contact.rag or "amber",
                    childs_voice="Synthetic child's voice.",
                    history_analysis="Synthetic history.",
                    parents_consulted=True,
                    analysis="Synthetic analysis.",
                    recommended_outcome=contact.outcome,
                    alternatives_considered="Early help considered." if plan.referred else "",
                    screened_by=worker,
                    submitted_at=submitted,
                    oversight_due_at=calendar.add_working_days(submitted, 0),
                    oversight_decision=OversightDecision.AGREE,
                    oversight_outcome=contact.outcome,
                    oversight_rationale="Synthetic oversight.",
                    overseen_by=manager,
                    overseen_at=plan.received + timedelta(hours=3),
                )
            )
            if not plan.referred:
                continue
            referral_date = plan.received.astimezone(LONDON).date()
            for child_id in family.child_ids:
                previous = family.last_referrals.get(child_id)
                if previous is not None and previous[1] < twelve_months_before(referral_date):
                    previous = None
                referral = Referral(
                    contact=contact,
                    child_id=child_id,
                    team=team,
                    referral_date=referral_date,
                    outcome="assessment",
                    is_rereferral=previous is not None,
                    previous_referral_id=previous[0] if previous else None,
                )
                referrals.append((referral, family, plan.assessed))
        Screening.objects.bulk_create(screenings)
        Referral.objects.bulk_create(referral for referral, _, _ in referrals)
        assessments = []
        for referral, family, assessed in referrals:
            family.last_referrals[referral.child_id] = (referral.pk, referral.referral_date)
            if not assessed:
                continue
            due_on = calendar.working_day_after(referral.referral_date, 45)
            completed = due_on < today
            assessments.append(
                Assessment(
                    referral=referral,
                    child_id=referral.child_id,
                    team=team,
                    state=AssessmentState.COMPLETED if completed else AssessmentState.OPEN,
                    started_on=referral.referral_date,
                    due_on=due_on,
                    next_alert_at=None if completed else calendar.close_of(due_on),
                    outcome="closure" if completed else "",
                    closure_reason="RC8" if completed else "",
                )
            )
        Assessment.objects.bulk_create(assessments)
        totals["screenings"] += len(screenings)
        totals["referrals"] += len(referrals)
        totals["rereferrals"] += sum(1 for referral, _, _ in referrals if referral.is_rereferral)
        totals["assessments"] += len(assessments)
    with connection.cursor() as cursor:
        # A year's data in service has been vacuumed as it grew: without this, index-only scans
        # visit every heap row (the visibility map is empty after a bulk load) and counts over
        # open contacts take twice as long as they would.
        cursor.execute("VACUUM ANALYZE")
    return {
        "loaded": count,
        **totals,
        "children": Person.objects.filter(kind=Kind.CHILD).count(),
        "load_seconds": round(time.perf_counter() - started, 1),
        "known_children": [child for family in families for child in family.children],
    }


def load_same_surname_and_birth_date(count: int, *, last_name: str, born: date) -> None:
    """The worst case for matching: `count` children with one family name and one birth date
    (different first names and postcodes), so every new such child weakly matches them all."""
    from mach.models import Kind, Person, normalise_name, normalise_postcode

    rng = random.Random(3)
    Person.objects.bulk_create(
        Person(
            kind=Kind.CHILD,
            first_name=letters(serial),
            last_name=last_name,
            normalised_first_name=normalise_name(letters(serial)),
            normalised_last_name=normalise_name(last_name),
            date_of_birth=born,
            postcode=(place := postcode(rng)),
            normalised_postcode=normalise_postcode(place),
        )
        for serial in range(count)
    )
