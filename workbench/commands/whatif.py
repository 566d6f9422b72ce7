"""Output of `workbench check --fail/--fail-zone`: the what-if outcomes as text or json, and the exit status."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from workbench.analysis.whatif import DesignOutcome, what_if
from workbench.config import Config
from workbench.errors import WorkbenchError

JSON_VERSION = 1


def run(designs: Iterable[Path], cfg: Config, nodes: Iterable[str], zone: str | None, fmt: str) -> tuple[str, int]:
    """`workbench check --fail/--fail-zone`: the report in `fmt` (text or json) and the exit status."""
    if fmt not in ("text", "json"):
        raise WorkbenchError(f"--fail and --fail-zone report as text or json, not {fmt}")
    results = what_if(designs, cfg, nodes, zone)
    return (to_json(results) if fmt == "json" else to_text(results)), exit_status(results)


def exit_status(results: list[DesignOutcome]) -> int:
    """2 when a design could not be loaded, 1 when some path breaks, else 0."""
    if any(r.error for r in results):
        return 2
    return 1 if any(r.broken for r in results) else 0


def _arrow(path: list[str]) -> str:
    return " -> ".join(path)


def to_text(results: list[DesignOutcome]) -> str:
    lines: list[str] = []
    for r in results:
        if r.error:
            lines.append(f"{r.path}: could not be loaded: {r.error.get('message')}")
            continue
        for d in r.diagrams:
            lines.append(f"== what if {r.scenario}? {r.path}, diagram {d.name} ==")
            if d.failed:
                lines.append(f"failed: {', '.join(d.failed)}")
            if d.down:
                lines.append(f"down:   {', '.join(d.down)}")
            for note in d.degraded:
                lines.append(f"still up: {note}")
            for note in d.absorbed:
                lines.append(f"absorbed: {note}: not on any required path")
            for p in d.broken:
                lines.append(f"BROKEN  {p.entry} -> {p.terminal}: {p.reason}")
                lines.append(f"        was: {_arrow(p.path)}")
            for p in d.rerouted:
                lines.append(f"rerouted {p.entry} -> {p.terminal}: now {_arrow(p.now)}")
                lines.append(f"        was: {_arrow(p.path)}")
            total = d.intact + len(d.broken)
            if d.broken:
                lines.append(f"{len(d.broken)} of {total} entry-to-capability paths break")
            else:
                lines.append("nothing breaks: " + (f"all {total} entry-to-capability paths still work" if total != 1
                                                   else "the entry-to-capability path still works"))
            lines.append("")
        if not r.diagrams and not r.error:
            lines += [f"{r.path}: nothing it draws is affected", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def to_json(results: list[DesignOutcome]) -> str:
    data = {"version": JSON_VERSION, "designs": [
        {"path": r.path, "scenario": r.scenario, "error": r.error, "diagrams": [d.to_dict() for d in r.diagrams],
         "broken": r.broken} for r in results]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
