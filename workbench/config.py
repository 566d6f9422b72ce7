"""Workspace settings: where designs and outputs live, formats, time limits (workbench.toml)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from workbench.errors import WorkbenchError

CONFIG_NAME = "workbench.toml"
FORMATS = ("png", "svg", "pdf", "dot")


@dataclass
class Config:
    root: Path
    designs: Path
    out: Path
    templates: Path
    formats: tuple[str, ...] = ("png", "svg")
    timeout: float = 60.0
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    source: Path | None = None  # the workbench.toml it came from


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` with a workbench.toml; `start` itself otherwise."""
    start = Path(start or Path.cwd()).absolute()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return start


def load_config(start: Path | None = None) -> Config:
    root = find_root(start)
    path = root / CONFIG_NAME
    data: dict = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8")).get("workbench", {})
        except tomllib.TOMLDecodeError as exc:
            raise WorkbenchError(f"{path}: {exc}; fix the TOML syntax") from exc
    problems = []
    known = {"designs", "out", "templates", "formats", "timeout", "jobs"}
    problems += [f"unknown setting {k!r} (known: {', '.join(sorted(known))})" for k in data if k not in known]
    formats = data.get("formats", ["png", "svg"])
    if not isinstance(formats, list) or any(f not in FORMATS for f in formats):
        problems.append(f"formats must be a list drawn from {list(FORMATS)}")
    timeout = data.get("timeout", 60)
    if not isinstance(timeout, (int, float)) or timeout <= 0:
        problems.append("timeout must be a positive number of seconds")
    jobs = data.get("jobs", os.cpu_count() or 1)
    if not isinstance(jobs, int) or jobs < 1:
        problems.append("jobs must be a whole number of at least 1")
    if problems:
        raise WorkbenchError(f"{path}: " + "; ".join(problems))
    return Config(
        root=root, designs=root / data.get("designs", "designs"), out=root / data.get("out", "out"),
        templates=root / data.get("templates", "templates"), formats=tuple(formats),
        timeout=float(timeout), jobs=jobs, source=path if path.is_file() else None,
    )
