"""A clone with nothing beside it runs its own tests: no test reads a file from outside the repository."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SCHEMA = TESTS / "data" / "sarif-schema-2.1.0.json"


def test_no_test_reaches_outside_the_repository():
    """`Path(__file__).parents[2]` is the folder that holds the clone: whatever is there, a user lacks it."""
    leaving = re.compile(r"parents\[[2-9]\]|parent\.parent\.parent|\.\./shared|/work/shared|[\"']shared[\"']\s*/")
    offenders = [f"{path.name}:{n}: {line.strip()}"
                 for path in sorted(TESTS.glob("*.py")) if path.name != Path(__file__).name
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if leaving.search(line)]
    assert offenders == []


@pytest.mark.parametrize("module", ["test_check_cli", "test_check_report"])
def test_sarif_tests_read_the_schema_shipped_in_tests_data(module):
    mod = __import__(module)
    assert Path(mod.SARIF_SCHEMA).resolve() == SCHEMA


def test_the_shipped_schema_is_the_official_sarif_2_1_0_one():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["id"] == "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    jsonschema.Draft4Validator.check_schema(schema)
    note = (TESTS / "data" / "README.md").read_text(encoding="utf-8")
    assert "sarif-schema-2.1.0.json" in note and "OASIS" in note
