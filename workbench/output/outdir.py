"""The output folder of one design, out/<design>/: the names of the files in it and how to read them back."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.design.model import DesignModel

STAMP = ".wb-stamp.json"
MODEL = "model.json"
FINDINGS = "findings.json"


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_model(folder: Path) -> DesignModel | None:
    data = read_json(folder / MODEL)
    try:
        return DesignModel.from_dict(data) if data else None
    except (KeyError, TypeError, ValueError):
        return None
