"""`workbench new`: a design file from a template, with the 7-step sheet skeleton and a small starter diagram.

Templates are jinja2 files named `new_<kind>.py.j2` (drill, case_study, architecture), looked up in the
workspace's templates/ first and then in the package, through `workbench.output.report.environment`. Their output is
Python source: every value is inserted with the `py` filter, which writes a Python literal.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from workbench.config import Config
from workbench.errors import WorkbenchError
from workbench.practice.prompts import Constraint, Prompt

TEMPLATES = {
    "drill": "new_drill.py.j2",
    "case-study": "new_case_study.py.j2",
    "architecture": "new_architecture.py.j2",
}


def python_literal(value: Any) -> str:
    """A Python literal for strings, numbers, lists and dicts of those (repr is exact for all of them)."""
    if isinstance(value, (str, int, float, bool, type(None))):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(python_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{python_literal(k)}: {python_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Python literal for {type(value).__name__}")


def design_path(cfg: Config, name: str) -> Path:
    """NAME -> designs/NAME.py; a NAME with a folder or ending in .py is a path from here."""
    name = name.strip()
    if not name:
        raise WorkbenchError("give the design a name: workbench new my_design")
    if Path(name).name.startswith(("_", ".")):
        raise WorkbenchError(f"{name}: files starting with _ or . are helpers, not designs; pick another name")
    if name.endswith(".py") or "/" in name or "\\" in name:
        path = Path(name if name.endswith(".py") else name + ".py")
    else:
        stem = re.sub(r"[^\w]+", "_", name).strip("_").lower()
        if not stem:
            raise WorkbenchError(f"{name!r} has no letters or digits to name a file after")
        path = cfg.designs / f"{stem}.py"
    if path.name.startswith(("_", ".")):
        raise WorkbenchError(f"{path.name}: files starting with _ or . are helpers, not designs; pick another name")
    try:
        path.absolute().resolve().relative_to(cfg.root.resolve())
    except ValueError:
        raise WorkbenchError(f"{name}: new designs go inside the workspace ({cfg.root}); "
                             "give a name, or a path under it") from None
    return path


def context(name: str, kind: str, prompt: Prompt | None, constraint: Constraint | None,
            title: str | None, now: datetime | None) -> dict[str, Any]:
    """Everything a `new_*.py.j2` template can use (docs/templates.md)."""
    if title is None:
        if prompt is not None:
            title = prompt.title + (f" ({constraint.title.lower()})" if constraint else "")
        else:
            title = re.sub(r"[_-]+", " ", name).strip().capitalize() or "New design"
    return {
        "title": title,
        "kind": kind,
        "name": name,
        "prompt": prompt.text if prompt else "",
        "prompt_key": prompt.key if prompt else None,
        "numbers": prompt.summary if prompt else "",
        "capacity": prompt.capacity(constraint) if prompt else None,
        "constraint": constraint.text if constraint else "",
        "constraint_key": constraint.key if constraint else None,
        "non_functional": list(constraint.non_functional) if constraint else [],
        "slo": (constraint.slo if constraint and constraint.slo else "99.9%"),
        "created": (now or datetime.now()).strftime("%Y-%m-%d"),
    }


def render_design(cfg: Config, kind: str, ctx: dict[str, Any]) -> str:
    from workbench.output.report import environment

    if kind not in TEMPLATES:
        raise WorkbenchError(f"no template {kind!r}; choose one of {', '.join(TEMPLATES)}")
    env = environment(cfg.templates)
    env.filters["py"] = python_literal
    env.filters["line"] = lambda value: " ".join(str(value).split())  # safe inside a # comment
    name = TEMPLATES[kind]
    try:
        return env.get_template(name).render(**ctx)
    except jinja2.TemplateError as exc:
        from workbench.output.report import template_location

        file, line = template_location(exc, name)
        raise WorkbenchError(f"template {file}:{line}: {getattr(exc, 'message', None) or exc}; fix the template "
                             "or delete your override to use the packaged one") from exc


def new_design(cfg: Config, name: str, kind: str = "drill", prompt: str | None = None,
               constraint: str | None = None, *, path: Path | None = None, title: str | None = None,
               now: datetime | None = None) -> Path:
    """Write the new design file and return its path; an existing file is never overwritten."""
    from workbench.practice.prompts import catalogue

    path = Path(path) if path is not None else design_path(cfg, name)
    if path.exists():
        raise WorkbenchError(f"{path} already exists; pick another name or delete it first")
    cat = catalogue(cfg)
    p = cat.prompt(prompt) if prompt else None
    c = cat.constraint(constraint) if constraint else None
    source = render_design(cfg, kind, context(path.stem, kind, p, c, title, now))
    try:
        compile(source, str(path), "exec")  # a broken override fails here, not at the first render
    except SyntaxError as exc:
        raise WorkbenchError(f"template {TEMPLATES[kind]} made invalid Python (line {exc.lineno}: {exc.msg}); "
                             "fix the template or delete your override to use the packaged one") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as fh:  # "x": a file created meanwhile is not overwritten either
            fh.write(source)
    except FileExistsError:
        raise WorkbenchError(f"{path} already exists; pick another name or delete it first") from None
    return path
