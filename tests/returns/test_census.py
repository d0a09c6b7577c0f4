from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

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


def census_year(day: date) -> int:
    """The census year whose period (1 April to 31 March) holds `day`."""
    return day.year + 1 if day.month >= 4 else day.year


def test_demo_census_is_schema_valid_with_no_dfe_errors(tmp_path: Path) -> None:
    call_command("seed_demo", stdout=StringIO())
    census = census_of(census_year(timezone.localdate()))
    assert census.children, "the demo data has children in the census"
    xml = census_xml(census)
    assert schema_errors(xml) == []
    path = tmp_path / "demo.xml"
    path.write_bytes(xml)
    codes = dfe_rule_codes(path)
    print("DfE queries on the demo data:", sorted(set(codes)))
    assert errors_only(codes) == []
