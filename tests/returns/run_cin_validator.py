"""Run in the validator's own environment (`.venv-cin/bin/python run_cin_validator.py FILE
RULESET`): prints, as its last line, the JSON list of the DfE rule codes the file fails, one
entry per failing record. Imports nothing of the project."""

import importlib
import json
import sys
import xml.etree.ElementTree as ET

from cin_validator import cin_validator


def main(path: str, ruleset: str) -> None:
    root = ET.parse(path).getroot()
    data_files = cin_validator.process_data(cin_validator.convert_data(root))
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    issues = cin_validator.CinValidator(data_files, registry).full_issue_df
    if len(issues):
        sys.stderr.write(issues.to_string() + "\n")
    codes = [str(code) for code in issues["rule_code"]] if len(issues) else []
    print(json.dumps(codes))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
