"""`workbench check --fail/--fail-zone/--fail-region`: load the designs, compute the what-if outcomes, format them.

The computing is `analysis.whatif` (pure functions of the analysis graph); this module reads the design files
and turns the outcomes into text or json. `outcome_data` is the same json for one loaded model, for the live
page's click-to-fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.analysis.availability import percent_text
from workbench.analysis.elements import AnalysisGraph
from workbench.analysis.graph import build_graph
from workbench.analysis.review import design_inputs
from workbench.analysis.whatif import (
    DiagramOutcome,
    Scenario,
    design_outcomes,
    expand,
    unknown,
)
from workbench.config import Config
from workbench.design.model import DesignModel
from workbench.errors import DesignError, WorkbenchError
from workbench.output.codespans import to_terminal

JSON_VERSION = 1


@dataclass
class DesignOutcome:
    path: str
    scenario: str  # "a, b fail" / "zone us-east-1a fails"
    diagrams: list[DiagramOutcome] = field(default_factory=list)
    error: dict | None = None

    @property
    def broken(self) -> int:
        return sum(len(d.broken) for d in self.diagrams)

    @property
    def overloaded(self) -> int:
        return sum(len(d.overloaded) for d in self.diagrams)

    def to_dict(self) -> dict:
        return {"path": self.path, "scenario": self.scenario, "error": self.error,
                "diagrams": [d.to_dict() for d in self.diagrams], "broken": self.broken,
                "overloaded": self.overloaded}


# -- computing -----------------------------------------------------------------------------------------------------


def graphs_of(model: DesignModel) -> list[AnalysisGraph]:
    inputs = design_inputs(model)
    return [build_graph(diagram, inputs) for diagram in model.diagrams]


def _scenario(nodes: Iterable[str], zones: Iterable[str], regions: Iterable[str],
              graphs: Sequence[AnalysisGraph]) -> Scenario:
    known = {x for g in graphs for nid, info in g.nodes.items() for x in (nid, info.label)}
    return Scenario(tuple(expand(nodes, known)), tuple(z.strip() for z in zones if z.strip()),
                    tuple(r.strip() for r in regions if r.strip()))


def outcome_data(model: DesignModel, nodes: Sequence[str], zones: Sequence[str] = (),
                 regions: Sequence[str] = ()) -> dict:
    """The json object that `workbench check DESIGN --fail ... --format json` prints for this design.

    `nodes` are labels or node ids (a value "a,b" is two labels unless it names a component whole), `zones` and
    `regions` the locations that go down. Raises WorkbenchError, with a message naming what the design does draw,
    when nothing is said to fail or a label, zone or region is in none of its diagrams.
    """
    graphs = graphs_of(model)
    scenario = _scenario(nodes, zones, regions, graphs)
    if scenario.empty:
        raise WorkbenchError("say what fails: --fail NODE[,NODE...], --fail-zone ZONE or --fail-region REGION")
    problem = unknown(graphs, scenario)
    if problem:
        raise WorkbenchError(problem)
    return DesignOutcome(model.path, scenario.text(), design_outcomes(graphs, scenario)).to_dict()


def load(design: Path, cfg: Config) -> DesignModel:
    """The design's model: a fresh build's when there is one, else the design run in its own process."""
    from workbench.build import fresh_model
    from workbench.design.loader import load_design

    return fresh_model(design, cfg) or load_design(design, root=cfg.root, timeout=cfg.timeout)


def what_if(designs: Iterable[Path], cfg: Config, nodes: Iterable[str] = (), zones: Iterable[str] = (),
            regions: Iterable[str] = ()) -> list[DesignOutcome]:
    """One outcome per design; raises WorkbenchError when a failed label, zone or region is in none of them."""
    from workbench.design.loader import display_path

    nodes = [n for n in nodes if n.strip()]
    if not nodes and not any(z.strip() for z in zones) and not any(r.strip() for r in regions):
        raise WorkbenchError("say what fails: --fail NODE[,NODE...], --fail-zone ZONE or --fail-region REGION")
    loaded: list[tuple[str, list[AnalysisGraph] | None, dict | None]] = []
    for design in designs:
        shown = display_path(design, cfg.root)
        try:
            loaded.append((shown, graphs_of(load(design, cfg)), None))
        except DesignError as exc:
            loaded.append((shown, None, exc.to_dict()))
    every = [g for _, graphs, _ in loaded if graphs for g in graphs]
    scenario = _scenario(nodes, zones, regions, every)
    if loaded and all(graphs is None for _, graphs, _ in loaded):
        return [DesignOutcome(shown, scenario.text(), error=error) for shown, _, error in loaded]
    problem = unknown(every, scenario)
    if problem:
        raise WorkbenchError(problem)
    return [DesignOutcome(shown, scenario.text(), error=error) if graphs is None
            else DesignOutcome(shown, scenario.text(), design_outcomes(graphs, scenario))
            for shown, graphs, error in loaded]


# -- formatting ----------------------------------------------------------------------------------------------------


def run(designs: Iterable[Path], cfg: Config, nodes: Iterable[str], zones: Iterable[str] | str | None,
        fmt: str, regions: Iterable[str] = ()) -> tuple[str, int]:
    """`workbench check --fail/--fail-zone/--fail-region`: the report in `fmt` (text or json) and the exit status."""
    if fmt not in ("text", "json"):
        raise WorkbenchError(f"--fail, --fail-zone and --fail-region report as text or json, not {fmt}")
    if zones is None or isinstance(zones, str):
        zones = [zones] if zones else []
    results = what_if(designs, cfg, nodes, zones, regions)
    return (to_json(results) if fmt == "json" else to_text(results)), exit_status(results)


def exit_status(results: list[DesignOutcome]) -> int:
    """2 when a design could not be loaded, 1 when some path breaks or what is left is overloaded, else 0."""
    if any(r.error for r in results):
        return 2
    return 1 if any(r.broken or r.overloaded for r in results) else 0


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
            for n in d.loads:
                lines.append(f"{'OVERLOADED' if n.overloaded else 'load:':<10} {n.text()}")
            for p in d.strained:
                lines.append(f"STRAINED {p.entry} -> {p.terminal}: {p.reason}")
            before, after = d.availability.get("before", {}), d.availability.get("after", {})
            for entry in after:
                lines.append(f"availability of {entry}: {percent_text(before.get(entry, 0.0) / 100)} -> "
                             f"{percent_text(after[entry] / 100)}")
            total = d.intact + len(d.broken)
            if d.broken:
                lines.append(f"{len(d.broken)} of {total} entry-to-capability paths break")
            elif d.overloaded:
                lines.append(f"no path breaks, but what is left cannot carry the load: "
                             f"{', '.join(f'`{n.group}` at {n.utilisation:.0%}' for n in d.overloaded)}")
            else:
                lines.append("nothing breaks: " + (f"all {total} entry-to-capability paths still work" if total != 1
                                                   else "the entry-to-capability path still works"))
            lines.append("")
        if not r.diagrams and not r.error:
            lines += [f"{r.path}: nothing it draws is affected", ""]
    # The messages mark names as code spans (`db`); a terminal shows them plain, like `check` does.
    return to_terminal("\n".join(lines).rstrip("\n") + "\n")


def to_json(results: list[DesignOutcome]) -> str:
    data = {"version": JSON_VERSION, "designs": [r.to_dict() for r in results]}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
