"""The homeless pathway is its own app inside the `assessments` folder: neither imports the
other, and it is installed, typed and linted like the top-level apps."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
HOMELESS = ROOT / "assessments" / "homeless"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level >= 2:
            names.add("assessments")  # a relative import reaching the parent package
    return names


def test_the_homeless_app_imports_nothing_of_assessments() -> None:
    for path in HOMELESS.rglob("*.py"):
        for name in _imports(path):
            assert not (
                name == "assessments" or name.startswith("assessments.")
            ) or name.startswith("assessments.homeless"), (path, name)


def test_assessments_imports_nothing_of_the_homeless_app() -> None:
    for path in (ROOT / "assessments").rglob("*.py"):
        if HOMELESS in path.parents:
            continue
        for name in _imports(path):
            assert "homeless" not in name, (path, name)


def test_the_app_is_installed_under_its_own_label() -> None:
    assert "assessments.homeless" in settings.INSTALLED_APPS
    assert apps.get_app_config("homeless").name == "assessments.homeless"


def test_packaging_covers_the_nested_app() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    assert "assessments*" in include
    assert (HOMELESS / "migrations" / "__init__.py").exists()
