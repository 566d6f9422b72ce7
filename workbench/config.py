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
PYPROJECT = "pyproject.toml"  # its [tool.workbench] table holds the same keys; workbench.toml wins over it
FORMATS = ("png", "svg", "pdf", "dot")
PRACTICE_KEYS = ("prompts", "week", "mock")  # [[workbench.prompts]], [workbench.week], [workbench.mock]


@dataclass
class Config:
    root: Path
    designs: Path
    out: Path
    templates: Path
    formats: tuple[str, ...] = ("png", "svg")
    timeout: float = 60.0
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    source: Path | None = None  # the workbench.toml (or pyproject.toml) it came from
    # The practice settings (prompts, week, mock), as written; workbench.practice validates them where used,
    # so that a mistake names the entry and the command that reads it.
    practice: dict = field(default_factory=dict)
    # The live page's link to a design's source line: "{path}" (absolute) and "{line}" are filled in, e.g.
    # "vscode://file/{path}:{line}"; empty shows the plain path.
    editor_url: str = ""
    # The house style over `dotsource.HOUSE`: {"graph"|"node"|"edge": {attribute: value}}; a design's own wins.
    style: dict = field(default_factory=dict)


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` with a workbench.toml or a pyproject.toml that has a
    [tool.workbench] table; `start` itself otherwise."""
    start = Path(start or Path.cwd()).absolute()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file() or pyproject_settings(folder / PYPROJECT) is not None:
            return folder
    return start


def pyproject_settings(path: Path) -> dict | None:
    """The [tool.workbench] table of a pyproject.toml, None when it has none (or is no file). A pyproject
    that cannot be parsed has no table for us only when it does not mention one; else that is an error."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if "workbench" not in text:  # most pyprojects: no need to parse
        return None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if "tool.workbench" in text:
            raise WorkbenchError(f"{path}: {exc}; fix the TOML syntax") from exc
        return None
    table = document.get("tool", {}).get("workbench") if isinstance(document.get("tool"), dict) else None
    if table is not None and not isinstance(table, dict):
        raise WorkbenchError(f"{path}: tool.workbench must be a table ([tool.workbench]) of settings")
    return table


def load_config(start: Path | None = None) -> Config:
    """Settings from workbench.toml ([workbench]) or, when there is none, pyproject.toml ([tool.workbench])."""
    root = find_root(start)
    path = root / CONFIG_NAME
    data: dict = {}
    if not path.is_file() and (table := pyproject_settings(root / PYPROJECT)) is not None:
        path, data = root / PYPROJECT, table
    elif path.is_file():
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise WorkbenchError(f"{path}: cannot be read ({exc})") from exc
        except tomllib.TOMLDecodeError as exc:
            raise WorkbenchError(f"{path}: {exc}; fix the TOML syntax") from exc
        stray = [k for k in document if k != "workbench"]
        if stray:  # settings outside the table would otherwise be ignored without a word
            raise WorkbenchError(f"{path}: {', '.join(repr(k) for k in stray)} outside the [workbench] table; "
                                 "put every setting under [workbench]")
        data = document.get("workbench", {})
        if not isinstance(data, dict):
            raise WorkbenchError(f"{path}: workbench must be a table ([workbench]) of settings")
    problems = []
    known = {"designs", "out", "templates", "formats", "timeout", "jobs", "editor_url", "style", *PRACTICE_KEYS}
    problems += [f"unknown setting {k!r} (known: {', '.join(sorted(known))})" for k in data if k not in known]
    problems += [f"{k} must be a folder name in quotes" for k in ("designs", "out", "templates")
                 if k in data and (not isinstance(data[k], str) or not data[k].strip())]
    formats = data.get("formats", ["png", "svg"])
    if not isinstance(formats, list) or not formats or any(f not in FORMATS for f in formats):
        problems.append(f"formats must be a non-empty list drawn from {list(FORMATS)}")
    timeout = data.get("timeout", 60)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout < float("inf"):
        problems.append("timeout must be a positive number of seconds")
    jobs = data.get("jobs", os.cpu_count() or 1)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        problems.append("jobs must be a whole number of at least 1")
    if "editor_url" in data and not isinstance(data["editor_url"], str):
        problems.append('editor_url must be a string such as "vscode://file/{path}:{line}"')
    problems += style_problems(data.get("style", {}))
    if not problems:
        problems += out_problems(root, data)
    if problems:
        where = f"{path} [tool.workbench]" if path.name == PYPROJECT else str(path)
        raise WorkbenchError(f"{where}: " + "; ".join(problems))
    return Config(
        root=root, designs=root / data.get("designs", "designs"), out=root / data.get("out", "out"),
        templates=root / data.get("templates", "templates"), formats=tuple(formats),
        timeout=float(timeout), jobs=jobs, source=path if path.is_file() else None,
        practice={k: data[k] for k in PRACTICE_KEYS if k in data},
        editor_url=data.get("editor_url", ""), style={k: {a: str(v) for a, v in t.items()}
                                                      for k, t in data.get("style", {}).items()},
    )


def out_problems(root: Path, data: dict) -> list[str]:
    """An `out` folder that is, or holds, the user's own folders: its outputs would replace them (issue 14)."""
    out = (root / data.get("out", "out")).resolve()
    mine = {"the workspace root": root.resolve(),
            "the designs folder": (root / data.get("designs", "designs")).resolve(),
            "the templates folder": (root / data.get("templates", "templates")).resolve()}
    for what, folder in mine.items():
        if out == folder or out in folder.parents:
            verb = "is" if out == folder else "contains"
            return [f"out = {data.get('out', 'out')!r} {verb} {what} ({folder}): builds replace folders in out/, "
                    'so they would replace your files; set out to a folder of its own, such as out = "out"']
    return []


def style_problems(style) -> list[str]:
    """What is wrong with a [workbench.style] table: graph, node and edge tables of Graphviz attributes."""
    if not isinstance(style, dict):
        return ["style must be a table with graph, node and edge tables ([workbench.style.graph] ...)"]
    problems = [f"style.{k} is not known (use graph, node or edge)" for k in style if k not in ("graph", "node", "edge")]
    for part, table in style.items():
        if part in ("graph", "node", "edge") and (not isinstance(table, dict) or any(
                isinstance(v, (dict, list, bool)) for v in table.values())):
            problems.append(f"style.{part} must be a table of Graphviz attributes with string or number values, "
                            'e.g. splines = "ortho"')
    return problems
