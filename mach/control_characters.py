"""Control characters in what a client sends: PostgreSQL cannot store a NUL in text, and the
other C0 control characters are never typed by a person (they come from fuzzers, broken exports
or attempts to smuggle text past a log or a CSV reader). Tab, line feed and carriage return are
text. The API's parser and the web forms refuse them the same way, through this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CONTROL_CHARACTER_MESSAGE = "Remove the control character (such as NUL) from this value."


def _strings_in(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, str]]:
    """Each string (keys too) in parsed JSON with the path of the value holding it."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            yield where, item
        elif isinstance(item, Mapping):
            for key, child in item.items():
                yield where, key
                stack.append(((*where, key), child))
        elif isinstance(item, list):
            stack.extend(((*where, index), child) for index, child in enumerate(item))


def _error_at(path: tuple[str | int, ...], message: str) -> Any:
    """DRF's nested error shape for the value at `path`: `{"referrer": {"organisation": [..]}}`,
    and `{"children": {"0": {..}}}` for an item of a list, as list serializers report it."""
    detail: Any = [message]
    for step in reversed(path):
        detail = {str(step): detail}
    return detail if path else {"non_field_errors": detail}


def control_character_errors(data: Any) -> dict[str, Any]:
    """The error naming the first field whose value holds a control character, in DRF's
    shape (empty when there is none): the API and the web forms report it the same way."""
    for path, text in _strings_in(data):
        if CONTROL_CHARACTER.search(text):
            detail: dict[str, Any] = _error_at(path, CONTROL_CHARACTER_MESSAGE)
            return detail
    return {}
