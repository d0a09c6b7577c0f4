"""GOV.UK form fields built in Python and rendered by one template (`govuk/field.html`).

Pages validate through the API's serializers and services, so a form and the API refuse the
same input with the same rules; `errors_by_field` turns their nested errors into one message
per form field, keyed by the field's HTML id, in the order the fields appear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from rest_framework import serializers

from ..control_characters import control_character_errors
from ..services import AlreadyDone

# DRF's generic wording, replaced by the GOV.UK style "Enter ..." / "Select ...".
_MISSING = {
    "This field is required.",
    "This field may not be blank.",
    "This field may not be null.",
}
_NOT_A_CHOICE = "is not a valid choice."
_NOTHING_CHOSEN = f'"" {_NOT_A_CHOICE}'
_NOT_A_BOOLEAN = "Must be a valid boolean."
DATE_PARTS = ("day", "month", "year")


@dataclass
class Field:
    """One question on a form. `name` is both the HTML name and id; for a date it is the
    prefix of the day, month and year inputs."""

    name: str
    label: str
    kind: str = "text"
    value: Any = ""
    hint: str = ""
    error: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)
    width: str = ""
    autocomplete: str = ""
    input_mode: str = ""
    label_class: str = ""
    noun: str = ""

    @property
    def anchor(self) -> str:
        """Where the error summary links to: the first input of the field."""
        if self.kind == "date":
            return f"{self.name}-day"
        if self.kind == "radios" and self.choices:
            return f"{self.name}-0"
        return self.name

    @property
    def date_parts(self) -> list[dict[str, str]]:
        value = self.value if isinstance(self.value, Mapping) else {}
        return [
            {
                "name": name,
                "label": name.title(),
                "width": "4" if name == "year" else "2",
                "value": value.get(name, ""),
            }
            for name in DATE_PARTS
        ]

    def describe_missing(self) -> str:
        noun = self.noun or self.label[:1].lower() + self.label[1:]
        verb = "Select" if self.kind in {"select", "radios"} else "Enter"
        return f"{verb} {noun}"


def read_date(data: QueryDict, name: str) -> tuple[str | None, str]:
    """The ISO date typed into a GOV.UK date input, or None when all three parts are blank,
    with an error message when the parts do not make a real date."""
    parts = [data.get(f"{name}-{part}", "").strip() for part in DATE_PARTS]
    if not any(parts):
        return None, ""
    if not all(part.isdigit() for part in parts):
        return None, "must include a day, month and year in numbers"
    day, month, year = (int(part) for part in parts)
    if year < 1900:
        return None, "must include a 4-digit year"
    try:
        return date(year, month, day).isoformat(), ""
    except ValueError:
        return None, "must be a real date"


def date_value(data: QueryDict, name: str) -> dict[str, str]:
    return {part: data.get(f"{name}-{part}", "") for part in DATE_PARTS}


def flatten(detail: Any, prefix: str = "") -> dict[str, str]:
    """`{"children": [{}, {"first_name": ["..."]}]}` -> `{"children-1-first_name": "..."}`;
    the first message of each field."""
    flat: dict[str, str] = {}
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            name = prefix if key in {"non_field_errors", "__all__"} and prefix else key
            if prefix and name != prefix:
                name = f"{prefix}-{key}"
            for inner, message in flatten(value, name).items():
                flat.setdefault(inner, message)
    elif isinstance(detail, list) and detail and not all(isinstance(item, str) for item in detail):
        for index, value in enumerate(detail):
            flat.update(flatten(value, f"{prefix}-{index}" if prefix else str(index)))
    elif isinstance(detail, list) and detail:
        flat[prefix] = str(detail[0])
    elif detail:
        flat[prefix] = str(detail)
    return flat


def validation_messages(error: ValidationError) -> dict[str, Any]:
    """A Django ValidationError from a service, in the same shape as a serializer's errors."""
    if hasattr(error, "error_dict"):
        return dict(error.message_dict)
    return {"non_field_errors": error.messages}


def errors_by_field(
    fields: Iterable[Field], detail: Any, *, fallback: str = ""
) -> list[tuple[str, str]]:
    """Attach each error to its field and return the summary: (anchor, message) in form order.

    An error for a name no field has (a whole list, say) goes to the field named `fallback`.
    """
    fields = list(fields)
    by_name = {item.name: item for item in fields}
    for name, message in flatten(detail).items():
        target = by_name.get(name) or by_name.get(fallback)
        if target is None or target.error:
            continue
        if message in _MISSING or message == _NOTHING_CHOSEN:
            message = target.describe_missing()
        elif message.endswith(_NOT_A_CHOICE):
            message = f"{target.describe_missing()} from the list"
        elif message == _NOT_A_BOOLEAN:
            message = target.describe_missing()
        elif target.kind == "date" and message[:1].islower():
            message = f"{target.label} {message}"
        target.error = message
    return [(item.anchor, item.error) for item in fields if item.error]


def read_filters(filters: Iterable[Field], query: QueryDict) -> dict[str, str]:
    """Bind a list page's filters to its query string and return the values to apply, by name.
    A value not among a filter's choices is marked on that filter (for the error summary) and
    not applied."""
    chosen: dict[str, str] = {}
    for item in filters:
        item.value = query.get(item.name, "")
        if item.value and item.value not in {choice for choice, _ in item.choices}:
            item.error = f"{item.describe_missing()} from the list"
        elif item.value:
            chosen[item.name] = item.value
    return chosen


def bind(questions: Iterable[Field], data: QueryDict | None) -> list[Field]:
    """Copies of `questions` holding what was typed (nothing when `data` is None)."""
    bound = []
    for question in questions:
        if data is None:
            value: Any = question.value
        elif question.kind == "date":
            value = date_value(data, question.name)
        elif question.kind == "checkbox":
            value = data.get(question.name) == "yes"
        elif question.kind == "checkboxes":
            value = data.getlist(question.name)
        else:
            value = data.get(question.name, "")
        bound.append(replace(question, value=value, error=""))
    return bound


def body_of(fields: Iterable[Field], data: QueryDict) -> tuple[dict[str, Any], dict[str, str]]:
    """The API body the fields describe, and the errors of dates that are not real dates.
    An unanswered choice is left out, so the serializer reports it as missing."""
    body: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for item in fields:
        if item.kind == "date":
            value, error = read_date(data, item.name)
            if error:
                errors[item.name] = error
            elif value:
                body[item.name] = value
        elif item.kind in {"radios", "select"} and item.value == "":
            continue
        else:
            body[item.name] = item.value
    return body, errors


def run_form(
    fields: list[Field],
    data: QueryDict,
    serializer_class: type[serializers.Serializer],
    act: Callable[[dict[str, Any]], object],
    shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> list[tuple[str, str]]:
    """Validate the answers with the API's serializer and hand them to `act` (a service call).

    `shape` turns the form's flat answers into the API's nested body (`grades-0-grade` into
    `{"grades": [{"grade": ...}]}`); the serializer's nested errors flatten back to the names.

    Returns the error summary: empty when `act` succeeded. A service's ValidationError names
    its fields; a refusal in the record's current state (AlreadyDone) is shown on the first
    field, since the user must change something before trying again. PermissionDenied passes
    through (a 403 page).
    """
    body, errors = body_of(fields, data)
    errors.update(control_character_errors(body))
    serializer = serializer_class(data=shape(body) if shape else body)
    if serializer.is_valid() and not errors:
        try:
            act(dict(serializer.validated_data))
        except ValidationError as error:
            return errors_by_field(fields, validation_messages(error), fallback=fields[0].name)
        except AlreadyDone as error:
            return errors_by_field(fields, {fields[0].name: [str(error)]})
        return []
    return errors_by_field(fields, {**serializer.errors, **errors}, fallback=fields[0].name)


def place_bound_forms(
    forms: dict[str, list[Field]], bound: Mapping[str, list[Field]] | None
) -> list[str]:
    """Put each posted form, answers and errors, in place of the page's offered form of the
    same name. Returns the errors of posted forms the page no longer offers (another user moved
    the record on meanwhile): they have no place on the page, so the caller shows them as a
    message over the page as it now is."""
    stale = [
        item.error
        for name, questions in (bound or {}).items()
        if name not in forms
        for item in questions
        if item.error
    ]
    if not stale:
        forms.update(
            {name: questions for name, questions in (bound or {}).items() if name in forms}
        )
    return stale
