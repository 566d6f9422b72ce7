"""Run the rule catalogue over one diagram and collect its findings."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from workbench.analysis.elements import AnalysisGraph
from workbench.analysis.findings import Finding, sort_findings
from workbench.analysis.graph import build_graph
from workbench.analysis.rules import CHECKS, Check, Context
from workbench.design.model import Diagram

CRASH_CODE = "WB000"


@dataclass
class Analysis:
    """Findings of one diagram (sorted, deterministic) and the graph they were computed on."""

    findings: list[Finding]
    graph: AnalysisGraph | None  # None only when building the graph itself crashed (see WB000)

    @cached_property
    def margins(self) -> dict[str, float]:
        """Failure budget per entry label (§5.3): min over its terminals of β(e, t); computed on first use."""
        from workbench.analysis.criticality import margins

        return margins(self.graph) if self.graph is not None else {}


def selected(code: str, select: Iterable[str] | None, ignore: Iterable[str] | None) -> bool:
    """ruff-style selection: exact codes or family prefixes ("SPOF", "CAP00"); ignore wins over select."""
    def hit(patterns: Iterable[str]) -> bool:
        return any(code == p or code.startswith(p) for p in (p.strip().upper() for p in patterns) if p)

    if select is not None and not hit(select):
        return False
    return not (ignore is not None and hit(ignore))


def crash_finding(diagram: Diagram, what: str, exc: BaseException) -> Finding:
    """A crash is a finding that fails the run, never a silent "no finding"."""
    return Finding(code=CRASH_CODE, severity="error",
                   message=f"{what} crashed: {type(exc).__name__}: {exc}",
                   remediation="this is a bug in the workbench; please report it with the design file",
                   diagram=diagram.name, target=what, file=diagram.file, line=diagram.line)


def run_check(check: Check, g: AnalysisGraph, ctx: Context) -> list[Finding]:
    try:
        return list(check.run(g, ctx))
    except Exception as exc:  # noqa: BLE001 - reported as WB000 so that the run fails visibly
        return [crash_finding(g.diagram, f"rule {check.rule.code}", exc)]


def analyse(diagram: Diagram, design_inputs: Mapping[str, object] | None = None,
            select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> Analysis:
    """Analyse one diagram.

    Parameters
    ----------
    diagram : Diagram
        The captured model diagram.
    design_inputs : mapping, optional
        Design-level `qps`, `read_ratio` and `slo` (from the capacity sheet). The diagram's `wb_qps`,
        `wb_read_ratio` and `wb_slo` win over them; node-level values win over both.
    select, ignore : iterable of str, optional
        Rule codes or family prefixes to run / skip.

    Returns
    -------
    Analysis
        Findings sorted with `findings.sort_findings`; a crashing rule yields a WB000 error finding.
    """
    select = list(select) if select is not None else None
    ignore = list(ignore) if ignore is not None else None
    with _gc_paused():
        # In a function of its own so that the rules' shared data (Context) is freed before the collector
        # resumes: the collection that follows then scans only the Analysis that is returned.
        return _run(diagram, design_inputs, select, ignore)


def _run(diagram: Diagram, design_inputs: Mapping[str, object] | None, select: list[str] | None,
         ignore: list[str] | None) -> Analysis:
    try:
        g = build_graph(diagram, design_inputs)
    except Exception as exc:  # noqa: BLE001 - same policy as a crashing rule
        return Analysis(findings=[crash_finding(diagram, "analysis graph", exc)], graph=None)
    ctx = Context(graph=g)
    findings: list[Finding] = []
    for check in CHECKS:
        if check.run is not None and selected(check.rule.code, select, ignore):
            findings.extend(run_check(check, g, ctx))
    return Analysis(findings=sort_findings(disambiguate(findings)), graph=g)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while analysing, restoring its previous state.

    The analysis allocates hundreds of thousands of small acyclic objects; each automatic collection rescans
    all of them, which made a 10,000-node design take 50 % longer and scale worse than linearly. Reference
    counting still frees everything; nothing here creates reference cycles that would need the collector.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def disambiguate(findings: list[Finding]) -> list[Finding]:
    """Give findings that share code and target (identically labelled nodes) distinct targets: "#2", "#3" ...

    The order is the source position, so the suffixes are as stable as the design text.
    """
    by_key: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        by_key.setdefault((f.code, f.target), []).append(f)
    for same in by_key.values():
        if len(same) > 1:
            same.sort(key=lambda f: (f.line, f.file, f.nodes, f.edges, f.message))
            for n, f in enumerate(same[1:], start=2):
                f.target = f"{f.target}#{n}"
    return findings
