from __future__ import annotations

from pathlib import Path

import pytest

from mach.models import User
from mach.returns.census import census_of, census_xml, la_child_id

from . import dataset
from .validation import dfe_rule_codes, schema_errors

pytestmark = pytest.mark.django_db


def errors_only(codes: list[str]) -> list[str]:
    return [code for code in codes if not code.endswith("Q")]


def test_generated_census_is_schema_valid_with_no_dfe_errors(
    social_worker: User, tmp_path: Path
) -> None:
    data = dataset.build(social_worker)
    census = census_of(dataset.YEAR)
    xml = census_xml(census)
    assert schema_errors(xml) == []
    path = tmp_path / "census.xml"
    path.write_bytes(xml)
    codes = dfe_rule_codes(path)
    print("DfE queries:", sorted(set(codes)))
    assert errors_only(codes) == []
    # Every child of the data set has an episode open in the period.
    assert sorted(census.child_ids) == sorted(child.pk for child in data.children.values())
    text = xml.decode()
    for child in data.children.values():
        assert f"<LAchildID>{la_child_id(child)}</LAchildID>" in text
