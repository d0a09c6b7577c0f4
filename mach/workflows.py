"""The one surface through which a workflow app plugs into the front door's core.

An app registers everything it adds from its `AppConfig.ready()`: deadline kinds for the sweep,
chronology sources, navigation items, contact-page, child-page and record-page panels, where an
alert about one of its records links to, demo seeders, periodic (beat) tasks, OpenAPI enum
names, its URL modules, the openers of the next steps it owns ("what opens next" after a
decision), and what counts as a child's open case. The core reads them back here and names no
workflow itself.

One rule for every kind: registering a key again with a different value raises
`AlreadyRegistered` (Django's `ImproperlyConfigured`), so two apps claiming one key fail at
start-up; registering the same value again is harmless.

This module imports no model at run time: the settings read the enum names through it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache, reduce
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from django.core.exceptions import ImproperlyConfigured
from django.utils.encoding import force_str

if TYPE_CHECKING:
    from django.db import models
    from django.http import HttpRequest

    from .models import Contact, Person, Referral, Timed, User

K = TypeVar("K")
V = TypeVar("V")


class AlreadyRegistered(ImproperlyConfigured):
    """A key registered twice with different values: two apps claim the same thing."""


class Registry(Generic[K, V]):
    """Values by key, in the order they were first registered."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._items: dict[K, V] = {}

    def add(self, key: K, value: V) -> None:
        if key in self._items and self._items[key] != value:
            raise AlreadyRegistered(f"{self.what} {key!r} is already registered.")
        self._items[key] = value

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def values(self) -> tuple[V, ...]:
        return tuple(self._items.values())

    def items(self) -> tuple[tuple[K, V], ...]:
        return tuple(self._items.items())

    def remove(self, key: K) -> None:
        """Only for tests that register something of their own and must leave no trace."""
        self._items.pop(key, None)


@dataclass(frozen=True)
class DeadlineKind:
    """A kind of clock: which rows carry it, whose managers hear of it, and in what words.

    `escalates`: after the first alert, a second goes to the service manager one working day
    later unless the clock is stopped first. A kind that marks an event rather than a missed
    deadline (a re-referral) raises its one alert and stops.
    """

    key: str
    model: type[Timed]
    label: str
    describe: Callable[[Any], str]
    team_id: Callable[[Any], int | None] = operator.attrgetter("team_id")
    escalates: bool = True
    # The fields `describe` and `team_id` read, as lookup paths (`contact__team`; a contact's
    # reference is made of `contact__id`): the sweep loads only these, joining the relations
    # they cross. A field read but not named here costs a query for every row alerted.
    reads: tuple[str, ...] = ("team",)
    # For the timeliness report (spec 13): lookup paths to the due moment or date, to when the
    # clock was met (null while open), and to the team id. A kind without `due_field` (an
    # event, not a deadline) is left out of the report.
    due_field: str = ""
    done_field: str = ""
    team_field: str = "team_id"


@dataclass(frozen=True)
class Entry:
    """One line of a child's chronology."""

    at: datetime
    kind: str
    summary: str
    record_id: int
    person_ids: tuple[int, ...]
    state: str = ""


ChronologySource = Callable[[Sequence[int]], list[Entry]]


def choice_label(model: type[models.Model], field: str, value: Any) -> str:
    """What `get_<field>_display()` shows for `value`: for a chronology source that reads
    values (`values_list`), not model instances, which cost more to build than the query."""
    return force_str(_choice_labels(model, field).get(value, value), strings_only=True)


@lru_cache
def _choice_labels(model: type[models.Model], field: str) -> dict[Any, Any]:
    return dict(cast("models.Field[Any, Any]", model._meta.get_field(field)).flatchoices)


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url_name: str
    roles: tuple[str, ...]
    order: int


@dataclass(frozen=True)
class ContactPanel:
    """A section of the contact page: `context` returns what its template needs, or None to
    leave the section out for this contact and user."""

    template: str
    context: Callable[[HttpRequest, Contact], dict[str, Any] | None]
    order: int


@dataclass(frozen=True)
class ChildPanel:
    """A section of the child page, like `ContactPanel` for a child's record."""

    template: str
    context: Callable[[HttpRequest, Person], dict[str, Any] | None]
    order: int


@dataclass(frozen=True)
class RecordPanel:
    """A section of a workflow record's page that an app further along fills in: the app that
    owns the page names its `place` (a section 47 enquiry's page shows the panels of place
    `s47_enquiry`), so the page shows what follows from the record without importing the app
    that keeps it. `context` returns what the template needs, or None to leave it out."""

    place: str
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    order: int


@dataclass(frozen=True)
class PeriodicTask:
    """A Celery beat entry: `task` is the registered task's name, run every `seconds`."""

    task: str
    seconds: float


@dataclass(frozen=True)
class UrlModules:
    """An app's URL modules (dotted paths): `web`, whose `app_name` is the app's label, is
    mounted at the root under that namespace (`triage:screening`); `api` under /api/v1/.
    Either may be empty."""

    web: str = ""
    api: str = ""


@dataclass(frozen=True)
class NextStepOpener:
    """How the app that owns a next step opens it, and finds what it opened.

    `open(actor=, referral=)` runs inside the decision's transaction, once per child's
    referral. `opened(referral_ids)` returns what was opened for those referrals, by referral
    id, in one query (so that a page can link to it)."""

    open: Callable[..., object]
    opened: Callable[[Sequence[int]], Mapping[int, models.Model]]


@dataclass(frozen=True)
class OpenCaseKind:
    """What counts as an open case of a child, registered by the app that keeps the record
    (spec section 4: a contact about a child whose case is open goes to the allocated worker
    as information, and is no new referral).

    `records()` returns the app's open records, by a fixed filter (no moment, no user in it:
    the intake's matching query builds it once); `child_lookup` names the path from a record
    to its child (`child`, or `children` for a record about several); `team_id` and
    `worker_id` say whom the case is allocated to (a worker of None: the team's)."""

    label: str
    records: Callable[[], models.QuerySet[Any]]
    child_lookup: str = "child"
    team_id: Callable[[Any], int | None] = operator.attrgetter("team_id")
    worker_id: Callable[[Any], int | None] = lambda record: None


@dataclass(frozen=True)
class OpenCase:
    """A child's open case: which kind of record, which one, and whom it is allocated to."""

    kind: str
    record: models.Model
    team_id: int | None
    worker_id: int | None


@dataclass(frozen=True)
class Metric:
    """One measure of the guardrail table (spec section 1), registered by the app whose records
    it counts, and computed by the core in SQL (never by loading records into Python).

    `population()` returns the records the measure counts (its denominator); `met` is the
    condition a record meets to count in the numerator. `date_field` places a record in its ISO
    week (a lookup path to a date or moment on it), `team_field` in its team (a lookup path to a
    team id). `record_url(record)` links a record behind a number to its access-logged page and
    must not query the database. `guardrail` is the table's row (`G1` … `G14`); one guardrail
    may have several measures (`g3_history`, `g3_pattern_reviewed`).
    """

    key: str
    guardrail: str
    label: str
    population: Callable[[], models.QuerySet[Any]]
    met: models.Q
    date_field: str
    team_field: str
    record_url: Callable[[Any], str]
    order: int = 0
    # A lookup path to the child's id (`child_id`, `contact__contact_people__person_id`), so
    # that the list of a number's records logs whose records were shown; blank: none shown.
    child_field: str = ""


@dataclass(frozen=True)
class GuardrailFailures:
    """Open guardrail failures on a child's record that an app can see in its own records (an
    overdue clock, a screening without the child's voice, a plan agreed with failing checks).

    `failures(child_ids)` returns, in a fixed number of queries, the plain-words failures about
    each child, by child id; children with none may be left out. Read by case audits (an audit
    graded good or better on a record with open failures goes to moderation) and the audit page.
    """

    label: str
    failures: Callable[[Sequence[int]], Mapping[int, list[str]]]


@dataclass(frozen=True)
class FunnelStage:
    """One stage of the conversion funnel contact → referral → assessment → s47 → ICPC (spec
    13): the records that reached it, placed in a week by `date_field` and in a team by
    `team_field`; stages are shown in `order`."""

    key: str
    label: str
    population: Callable[[], models.QuerySet[Any]]
    date_field: str
    team_field: str
    order: int


@dataclass(frozen=True)
class Breakdown:
    """A two-way count of records (the outcome-by-threshold-level matrix of G4): rows by
    `row_field`, columns by `column_field`, within the period by `date_field` and the team by
    `team_field`."""

    key: str
    guardrail: str
    label: str
    population: Callable[[], models.QuerySet[Any]]
    row_field: str
    column_field: str
    date_field: str
    team_field: str


@dataclass(frozen=True)
class AuditableRecord:
    """A kind of record a case audit may name as its subject (`contact`, `assessment`,
    `s47_enquiry`): its model, the lookup path from it to its child (`child`, or through a
    many-to-many such as `people`), and the URL of its access-logged page (no query)."""

    kind: str
    label: str
    model: type[models.Model]
    child_lookup: str
    url: Callable[[Any], str]


@dataclass(frozen=True)
class CensusAssessment:
    """A child and family assessment for the statutory returns (CIN census, Annex A list 4).

    `closed_on`/`closure_reason`: the episode's closure its outcome decided (RC8, RC9), if any;
    `cin_plan_start`/`cin_plan_end`: the child in need plan its outcome started."""

    record_id: int
    started_on: date
    authorised_on: date | None
    factors: tuple[str, ...]
    primary_need: str = ""
    team_id: int | None = None
    worker: str = ""
    child_seen_on: date | None = None
    closed_on: date | None = None
    closure_reason: str = ""
    cin_plan_start: date | None = None
    cin_plan_end: date | None = None
    outcome: str = ""


@dataclass(frozen=True)
class CensusS47:
    """A section 47 enquiry and what followed it (CIN census, Annex A list 5).

    `conference_on`: the initial conference held, if any; `conference_not_required`: the
    enquiry completed without one; `cp_plan_*`: the child protection plan that conference made.
    """

    record_id: int
    started_on: date
    strategy_discussion_on: date | None
    conference_target: date | None
    conference_on: date | None
    conference_not_required: bool
    outcome: str = ""
    team_id: int | None = None
    worker: str = ""
    cp_plan_start: date | None = None
    cp_plan_end: date | None = None
    cp_initial_category: str = ""
    cp_latest_category: str = ""


@dataclass(frozen=True)
class ReturnSource:
    """What an app that keeps assessments, enquiries, conferences or plans gives the statutory
    returns: `items(child_ids)` returns, in a fixed number of queries, each child's records as
    `CensusAssessment` / `CensusS47` rows, by child id (children with none may be left out).
    The core places each row in the child's episode (referral) open on its start date."""

    label: str
    items: Callable[[Sequence[int]], Mapping[int, list[CensusAssessment | CensusS47]]]


Seeder = Callable[[dict[str, "User"], list["Contact"]], None]

deadline_kinds: Registry[str, DeadlineKind] = Registry("Deadline kind")
chronology_sources: Registry[str, ChronologySource] = Registry("Chronology source")
navigation_items: Registry[str, NavigationItem] = Registry("Navigation item")
contact_panels: Registry[str, ContactPanel] = Registry("Contact panel")
child_panels: Registry[str, ChildPanel] = Registry("Child panel")
record_panels: Registry[tuple[str, str], RecordPanel] = Registry("Record panel")
alert_links: Registry[type[models.Model], Callable[[Any], str]] = Registry("Alert link")
demo_seeders: Registry[str, Seeder] = Registry("Demo seeder")
periodic_tasks: Registry[str, PeriodicTask] = Registry("Periodic task")
enum_names: Registry[str, str] = Registry("OpenAPI enum name")
url_modules: Registry[str, UrlModules] = Registry("URL modules of app")
next_step_openers: Registry[str, NextStepOpener] = Registry("Opener of next step")
open_case_kinds: Registry[str, OpenCaseKind] = Registry("Open case kind")
metrics: Registry[str, Metric] = Registry("Metric")
guardrail_failures: Registry[str, GuardrailFailures] = Registry("Guardrail failures")
funnel_stages: Registry[str, FunnelStage] = Registry("Funnel stage")
breakdowns: Registry[str, Breakdown] = Registry("Breakdown")
auditable_records: Registry[str, AuditableRecord] = Registry("Auditable record")
return_sources: Registry[str, ReturnSource] = Registry("Return source")


def register_deadline_kind(kind: DeadlineKind) -> None:
    deadline_kinds.add(kind.key, kind)


def register_chronology_source(kind: str, source: ChronologySource) -> None:
    """`source(person_ids)` returns the entries about those people, in one query."""
    chronology_sources.add(kind, source)


def register_navigation(item: NavigationItem) -> None:
    navigation_items.add(item.url_name, item)


def register_contact_panel(panel: ContactPanel) -> None:
    contact_panels.add(panel.template, panel)


def register_child_panel(panel: ChildPanel) -> None:
    child_panels.add(panel.template, panel)


def register_record_panel(panel: RecordPanel) -> None:
    """A panel on the pages of the records of `panel.place`."""
    record_panels.add((panel.place, panel.template), panel)


def register_alert_link(model: type[models.Model], url_for: Callable[[Any], str]) -> None:
    """`url_for(record)` must not query the database: it runs for every row of a list."""
    alert_links.add(model, url_for)


def register_demo_seeder(name: str, seeder: Seeder) -> None:
    """`seed_demo` calls each seeder, in the order registered, after the core's demo data."""
    demo_seeders.add(name, seeder)


def register_periodic_task(name: str, task: PeriodicTask) -> None:
    periodic_tasks.add(name, task)


def register_enum_name(name: str, choices: str) -> None:
    """Name an enum of the OpenAPI schema: `choices` is the dotted path of its TextChoices."""
    enum_names.add(name, choices)


def register_urls(app_label: str, urls: UrlModules) -> None:
    url_modules.add(app_label, urls)


def register_opener(key: str, opener: NextStepOpener) -> None:
    """The app that owns next step `key` opens it when a decision names it."""
    next_step_openers.add(key, opener)


def register_open_case_kind(key: str, kind: OpenCaseKind) -> None:
    """Records of `kind` that `records()` returns make their children's cases open."""
    open_case_kinds.add(key, kind)


def register_metric(metric: Metric) -> None:
    """A measure of the guardrail table, shown by the metrics API and the dashboard."""
    metrics.add(metric.key, metric)


def register_guardrail_failures(key: str, source: GuardrailFailures) -> None:
    """What the app knows is wrong on a child's record, for case audits to weigh."""
    guardrail_failures.add(key, source)


def register_funnel_stage(stage: FunnelStage) -> None:
    funnel_stages.add(stage.key, stage)


def register_breakdown(breakdown: Breakdown) -> None:
    breakdowns.add(breakdown.key, breakdown)


def register_auditable_record(record: AuditableRecord) -> None:
    """A case audit may name a record of this kind as its subject."""
    auditable_records.add(record.kind, record)


def register_return_source(key: str, source: ReturnSource) -> None:
    """Records an app keeps that the CIN census and Ofsted's Annex A report."""
    return_sources.add(key, source)


def open_case_exists() -> models.Expression:
    """An expression on a person (`OuterRef("pk")`): true when any registered kind holds an
    open record about them; annotated on a query that already reads the person, it costs none
    of its own. Built once for the kinds registered (every intake asks for it)."""
    return _open_case_exists(open_case_kinds.values())


@lru_cache(maxsize=8)
def _open_case_exists(kinds: tuple[OpenCaseKind, ...]) -> models.Expression:
    # Django copies an expression as it resolves it into a query, so one serves every query.
    from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Value

    checks = [
        Exists(kind.records().filter(**{kind.child_lookup: OuterRef("pk")})) for kind in kinds
    ]
    if not checks:
        return Value(False)
    return ExpressionWrapper(reduce(operator.or_, checks), output_field=BooleanField())


def open_case_exists_sql() -> tuple[str, tuple[Any, ...]]:
    """`open_case_exists()` as SQL and its parameters, for a raw statement of the hot path
    (intake's matching) whose person row is named `mach_person`: built by the ORM once per
    process for the kinds registered, so that no intake pays for building it."""
    return _open_case_exists_sql(tuple(open_case_kinds.values()))


@lru_cache(maxsize=8)
def _open_case_exists_sql(kinds: tuple[OpenCaseKind, ...]) -> tuple[str, tuple[Any, ...]]:
    from django.db import connection

    from .models import Person

    query = Person.objects.annotate(open_case=_open_case_exists(kinds)).query
    sql, params = query.get_compiler(connection=connection).compile(query.annotations["open_case"])
    return sql, tuple(params)


def open_cases(child_ids: Sequence[int]) -> dict[int, OpenCase]:
    """Each child's open case, by child id (one query per registered kind). A child with more
    than one open record goes to the newest of the kind registered first."""
    from django.db.models import F

    found: dict[int, OpenCase] = {}
    for key, kind in open_case_kinds.items():
        wanted = [child_id for child_id in child_ids if child_id not in found]
        if not wanted:
            break
        records = (
            kind.records()
            .filter(**{f"{kind.child_lookup}__in": wanted})
            .annotate(open_case_child=F(kind.child_lookup))
            .order_by("-pk")
        )
        for record in records:
            found.setdefault(
                record.open_case_child,
                OpenCase(key, record, kind.team_id(record), kind.worker_id(record)),
            )
    return found


def handles(step: str) -> bool:
    return next_step_openers.get(step) is not None


def open_next_step(*, actor: User, referral: Referral, step: str) -> bool:
    """Open `step` for `referral` through its registered opener; False when no app here
    handles it (the caller records that, never drops it)."""
    opener = next_step_openers.get(step)
    if opener is None:
        return False
    opener.open(actor=actor, referral=referral)
    return True


def opened_records(referrals: Sequence[Referral]) -> dict[int, models.Model]:
    """What the next steps of `referrals` opened, by referral id (one query per step)."""
    by_step: dict[str, list[int]] = {}
    for referral in referrals:
        by_step.setdefault(referral.outcome, []).append(referral.pk)
    found: dict[int, models.Model] = {}
    for step, ids in by_step.items():
        opener = next_step_openers.get(step)
        if opener is not None:
            found.update(opener.opened(ids))
    return found


class EnumNames(Mapping[str, str]):
    """The registered OpenAPI enum names, read when the schema is generated (the settings hold
    this view because they load before any app is ready)."""

    def __getitem__(self, name: str) -> str:
        value = enum_names.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(dict(enum_names.items()))

    def __len__(self) -> int:
        return len(enum_names.items())


def beat_schedule() -> dict[str, dict[str, Any]]:
    """The registered periodic tasks in Celery's `beat_schedule` form."""
    return {
        name: {"task": task.task, "schedule": task.seconds} for name, task in periodic_tasks.items()
    }
