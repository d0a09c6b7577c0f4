"""The new-contact form: the API's body built from GOV.UK inputs, validated by the API's own
serializer and recorded by the same intake path, so the two can never disagree."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.http import QueryDict

from ..control_characters import control_character_errors
from ..inputs import ContactInputSerializer
from ..models import Channel, Gender, ParentalAwareness, Source
from ..timescales import LONDON
from .forms import Field, bind, date_value, errors_by_field, read_date

MAX_ROWS = 20
CONCERN_FIELDS = ("concerns", "parental_awareness", "parental_awareness_reason")
TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
REFERRER = (
    ("name", "Name", "name"),
    ("organisation", "Organisation", "organization"),
    ("role", "Role", "organization-title"),
    ("phone", "Phone number", "tel"),
    ("email", "Email address", "email"),
)
# The form's questions about the contact itself, in the order of the page.
QUESTIONS = (
    # First on the page: the answer that decides how fast everything else must happen.
    Field(
        "immediate_safety_concern",
        "There is an immediate concern for a child's safety",
        kind="checkbox",
    ),
    Field(
        "received_at",
        "Date received",
        kind="date",
        hint="Leave blank for a contact arriving now. For example, 24 12 2026",
    ),
    Field(
        "received_time",
        "Time received",
        hint="24-hour clock, for example 16:05",
        width="5",
        noun="the time received",
    ),
    Field("channel", "How the contact came in", kind="select", choices=list(Channel.choices)),
    Field(
        "source",
        "Who raised the concern",
        kind="select",
        choices=list(Source.choices),
        hint="The CIN referral source",
    ),
    *(
        Field(
            f"referrer-{name}",
            label,
            autocomplete=autocomplete,
            kind="email" if name == "email" else "text",
            noun=f"the referrer's {label.lower()}",
        )
        for name, label, autocomplete in REFERRER
    ),
    Field(
        "concerns",
        "Concerns, in the referrer's words",
        kind="textarea",
        label_class="govuk-label--s",
        noun="the concerns",
    ),
    Field(
        "parental_awareness",
        "Do the parents know about this contact?",
        kind="radios",
        choices=list(ParentalAwareness.choices),
        noun="whether the parents know",
    ),
    Field(
        "parental_awareness_reason",
        "Why the parents were not informed or did not consent",
        kind="textarea",
        hint="Needed unless the parents were informed and consent",
        noun="why the parents were not informed or did not consent",
    ),
)
# The questions for each child and adult: `name` is the API's field ("address-town" is the town
# in the API's `address`), and `{who}` in a noun becomes "child 2" or "adult 1".
NAMES = (
    Field("first_name", "First name", noun="the first name of {who}"),
    Field("last_name", "Last name", noun="the last name of {who}"),
)
PEOPLE_QUESTIONS: dict[str, tuple[Field, ...]] = {
    "children": (
        *NAMES,
        Field("date_of_birth", "Date of birth", kind="date", hint="For example, 2 3 2015"),
        Field("nhs_number", "NHS number (if known)", width="10", input_mode="numeric"),
        Field(
            "gender",
            "Gender",
            kind="select",
            choices=list(Gender.choices),
            noun="the gender of {who}",
        ),
        Field("address-line1", "Address line 1", autocomplete="off"),
        Field("address-town", "Town", width="20", autocomplete="off"),
        Field("address-postcode", "Postcode", width="10", autocomplete="off"),
    ),
    "adults": (
        *NAMES,
        Field(
            "relationship",
            "Relationship to the children",
            hint="For example, mother",
            width="20",
        ),
        Field("date_of_birth", "Date of birth", kind="date", hint="For example, 1 5 1990"),
    ),
}
NOUNS = {"children": "child", "adults": "adult"}


@dataclass
class Row:
    """One child or adult on the form: its raw values by question name, and its fields."""

    values: dict[str, Any]
    fields: list[Field] = field(default_factory=list)

    def is_blank(self) -> bool:
        parts = (
            part
            for value in self.values.values()
            for part in (value.values() if isinstance(value, dict) else [value])
        )
        return not any(part.strip() for part in parts)


def _read_rows(data: QueryDict, kind: str) -> list[Row]:
    count = min(_int(data.get(f"{kind}-count"), 1), MAX_ROWS)
    rows = []
    for index in range(count):
        prefix = f"{kind}-{index}"
        rows.append(
            Row(
                {
                    question.name: (
                        date_value(data, f"{prefix}-{question.name}")
                        if question.kind == "date"
                        else data.get(f"{prefix}-{question.name}", "")
                    )
                    for question in PEOPLE_QUESTIONS[kind]
                }
            )
        )
    return rows


def _row_fields(kind: str, index: int, row: Row) -> list[Field]:
    who = f"{NOUNS[kind]} {index + 1}"
    return [
        replace(
            question,
            name=f"{kind}-{index}-{question.name}",
            value=row.values.get(question.name, {} if question.kind == "date" else ""),
            noun=question.noun.format(who=who),
        )
        for question in PEOPLE_QUESTIONS[kind]
    ]


def _int(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


class ContactForm:
    """Bound to the POSTed data (or empty); `action` adds or removes a child or adult row.
    A subclass asking more (an EDT handover) names its API serializer and extends `_body`."""

    serializer_class: type[ContactInputSerializer] = ContactInputSerializer

    def __init__(self, data: QueryDict | None = None) -> None:
        self.data = data if data is not None else QueryDict()
        self.children = _read_rows(self.data, "children")
        self.adults = _read_rows(self.data, "adults")
        action = self.data.get("action", "")
        for kind, rows in (("children", self.children), ("adults", self.adults)):
            if action == f"add-{kind}" and len(rows) < MAX_ROWS:
                rows.append(Row({}))
            if action.startswith(f"remove-{kind}-") and len(rows) > 1:
                rows.pop(min(_int(action.rsplit("-", 1)[1], 0), len(rows) - 1))
        self.fields = self._top_fields()
        self._build_rows()
        self.error_summary: list[tuple[str, str]] = []
        # Which form rows were sent to the serializer (blank rows are left out), by kind.
        self._kept: dict[str, list[int]] = {}

    @property
    def is_row_change(self) -> bool:
        return self.data.get("action", "") != ""

    def _value(self, name: str) -> str:
        return self.data.get(name, "")

    def _top_fields(self) -> dict[str, Field]:
        return {item.name: item for item in bind(QUESTIONS, self.data)}

    def _build_rows(self) -> None:
        for kind, rows in (("children", self.children), ("adults", self.adults)):
            for index, row in enumerate(rows):
                row.fields = _row_fields(kind, index, row)

    @property
    def people_groups(self) -> list[dict[str, Any]]:
        return [
            {
                "kind": "children",
                "noun": NOUNS["children"],
                "heading": "Children",
                "rows": self.children,
            },
            {
                "kind": "adults",
                "noun": NOUNS["adults"],
                "heading": "Adults",
                "intro": "Parents, carers, household members and anyone alleged to have caused "
                "harm. Leave a row blank if there is no one to add.",
                "rows": self.adults,
            },
        ]

    @property
    def referrer_fields(self) -> list[Field]:
        return [item for name, item in self.fields.items() if name.startswith("referrer-")]

    @property
    def concern_fields(self) -> list[Field]:
        return [self.fields[name] for name in CONCERN_FIELDS]

    def all_fields(self) -> list[Field]:
        """Every field in the order of the page, so the error summary follows it."""
        when = [
            self.fields[name]
            for name in (
                "immediate_safety_concern",
                "received_at",
                "received_time",
                "channel",
                "source",
            )
        ]
        people = [item for row in (*self.children, *self.adults) for item in row.fields]
        return when + self.referrer_fields + people + self.concern_fields

    def validated(self) -> dict[str, Any] | None:
        """The API body's validated data, or None with every error attached to its field."""
        body, errors = self._body()
        refused = self._renumber(control_character_errors(body))
        serializer = self.serializer_class(data=body)
        if serializer.is_valid() and not errors and not refused:
            return dict(serializer.validated_data)
        self.show_errors({**self._renumber(serializer.errors), **errors, **refused})
        return None

    def show_errors(self, detail: Any) -> None:
        self.error_summary = errors_by_field(
            self.all_fields(), detail, fallback="children-0-first_name"
        )

    def _body(self) -> tuple[dict[str, Any], dict[str, Any]]:
        errors: dict[str, Any] = {}
        body: dict[str, Any] = {
            name: self._value(name)
            for name in (
                "channel",
                "source",
                "concerns",
                "parental_awareness",
                "parental_awareness_reason",
            )
        }
        body["immediate_safety_concern"] = self.fields["immediate_safety_concern"].value
        body["referrer"] = {name: self._value(f"referrer-{name}") for name, _, _ in REFERRER}
        received, error = self._received_at()
        if error:
            errors.update(error)
        elif received:
            body["received_at"] = received
        for kind in ("children", "adults"):
            people: list[dict[str, Any]] = []
            kept: list[int] = []
            rows = self.children if kind == "children" else self.adults
            for index, row in enumerate(rows):
                if row.is_blank() and not (kind == "children" and index == 0 and not kept):
                    continue
                person, person_errors = self._person(kind, index, row)
                people.append(person)
                kept.append(index)
                errors.update(person_errors)
            body[kind] = people
            self._kept[kind] = kept
        return body, errors

    def _person(self, kind: str, index: int, row: Row) -> tuple[dict[str, Any], dict[str, str]]:
        """The API's body for one person, and any error in a date typed for them."""
        person: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for question in PEOPLE_QUESTIONS[kind]:
            name = f"{kind}-{index}-{question.name}"
            if question.kind == "date":
                value, error = read_date(self.data, name)
                if error:
                    errors[name] = error
            else:
                value = self._value(name)
            if question.name.startswith("address-"):
                person.setdefault("address", {})[question.name.removeprefix("address-")] = value
            elif value or question.kind == "text":
                person[question.name] = value
        return person, errors

    def _received_at(self) -> tuple[str | None, dict[str, str]]:
        day, error = read_date(self.data, "received_at")
        time_text = self._value("received_time").strip()
        if error:
            return None, {"received_at": error}
        if day is None and not time_text:
            return None, {}
        if day is None:
            return None, {"received_at": "Enter the date received, as well as the time"}
        match = TIME.match(time_text)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            return None, {"received_time": "Enter the time received, like 16:05"}
        moment = datetime.fromisoformat(day).replace(
            hour=int(match[1]), minute=int(match[2]), tzinfo=LONDON
        )
        return moment.isoformat(), {}

    def _renumber(self, detail: Any) -> Any:
        """Serializer errors index the people sent; the form's rows include blank ones left
        out. DRF gives a list's errors as a list or as a mapping from index to errors."""
        if not isinstance(detail, dict):
            return detail
        renumbered = dict(detail)
        for kind, kept in self._kept.items():
            errors = detail.get(kind)
            if isinstance(errors, list) and errors and isinstance(errors[0], dict):
                errors = dict(enumerate(errors))
            if isinstance(errors, dict) and all(str(key).isdigit() for key in errors):
                renumbered[kind] = {
                    str(kept[int(key)]): value
                    for key, value in errors.items()
                    if int(key) < len(kept)
                }
        return renumbered
