"""The contact body's fields are built once for every request: one body's values and errors
never reach another's."""

from __future__ import annotations

from mach.inputs import ContactInputSerializer
from tests.conftest import contact_body


def test_bodies_validated_together_keep_their_own_values_and_errors() -> None:
    first = ContactInputSerializer(data=contact_body(concerns="First concerns."))
    bad = ContactInputSerializer(data=contact_body(channel="pigeon", children=[]))
    second = ContactInputSerializer(data=contact_body(concerns="Second concerns."))

    assert not bad.is_valid()
    assert first.is_valid() and second.is_valid()
    assert set(bad.errors) == {"channel", "children"}
    assert first.validated_data["concerns"] == "First concerns."
    assert second.validated_data["concerns"] == "Second concerns."


def test_the_shared_fields_hold_no_body() -> None:
    body = contact_body(concerns="A child's concerns.")
    serializer = ContactInputSerializer(data=body)
    assert serializer.is_valid()

    shared_parents = {field.parent for field in serializer.fields.values()}
    assert serializer not in shared_parents
    assert all(not hasattr(parent, "initial_data") for parent in shared_parents)
