"""Checks of a census: against the DfE schema (lxml) and the DfE's own validation rules (the
`csc-validator-be-cin` package, run in its own virtual environment `.venv-cin`, which
`make cin-validator` creates)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lxml import etree

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
SCHEMA = HERE / "CIN_schema_2026.xsd"
VALIDATOR_PYTHON = ROOT / ".venv-cin" / "bin" / "python"
RULESET = "cin2026_27"


def schema_errors(xml: bytes) -> list[str]:
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.fromstring(xml)
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


def ensure_validator() -> Path:
    """Create the validator's environment with make (pip's cache is warm) if it is missing."""
    if not (ROOT / ".venv-cin" / ".installed").exists():
        subprocess.run(["make", "cin-validator"], cwd=ROOT, check=True)
    return VALIDATOR_PYTHON


def dfe_rule_codes(path: Path) -> list[str]:
    """The code of every DfE rule the file fails (errors and queries, which end in Q)."""
    python = ensure_validator()
    script = HERE / "run_cin_validator.py"
    result = subprocess.run(
        [str(python), str(script), str(path), RULESET],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise AssertionError(f"The DfE validator failed to run: {result.stderr[-2000:]}")
    return list(json.loads(result.stdout.strip().splitlines()[-1]))
