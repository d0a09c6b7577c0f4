"""GOV.UK form fields built in Python and rendered by one template (`govuk/field.html`).

Pages validate through the API's serializers and services, so a form and the API refuse the
same input with the same rules; `errors_by_field` turns their nested errors into one message
per form field, keyed by the field's HTML id, in the order the fields appear.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict

# DRF's generic wording, replaced by the GOV.UK style "Enter ..." / "Select ...".
_MISSING = {
    "This field is required.",
    "This field may not be blank.",
    "This field may not be null.",
}
_NOT_A_CHOICE = "is not a valid choice."
_NOTHING_CHOSEN = f'"" {_NOT_A_CHOICE}'
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
        elif target.kind == "date" and message[:1].islower():
            message = f"{target.label} {message}"
        target.error = message
    return [(item.anchor, item.error) for item in fields if item.error]
