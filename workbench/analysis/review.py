"""Review a loaded design: run the rule catalogue on each diagram, then apply acceptances."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from workbench.analysis.findings import SEVERITIES, Finding
from workbench.design.model import DesignModel, Diagram

FINDINGS_VERSION = 1


@dataclass
class DiagramReview:
    diagram: Diagram
    findings: list[Finding]  # sorted; accepted ones included, flagged
    # {"availability": ..., "latency": ...} of `targets.Reliability.to_dict` and "step7" (its `rows`), for the
    # json report and the report's step 7 table; None when the graph crashed
    reliability: dict | None = None

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.accepted]


def sources_of(design: Path, model: DesignModel) -> dict[str, str]:
    """Source text of the design and its helper modules, for `# wb: accept` comments."""
    sources = {}
    for name in (design.name, *model.dependencies):
        try:
            sources[name] = (design.parent / name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return sources


def design_inputs(model: DesignModel) -> dict | None:
    """Capacity estimates of the design sheet, as design-level inputs of the CAP and CACHE rules."""
    return (model.sheet or {}).get("design_inputs") or None


def review(model: DesignModel, design: Path, *, select: Iterable[str] | None = None,
           ignore: Iterable[str] | None = None, accept: bool = True, today: date | None = None,
           ) -> list[DiagramReview]:
    """Findings for every diagram of a design.

    All rules run and acceptances apply before `select`/`ignore` filter, so an acceptance of a rule
    that was not selected is not reported as unused.
    """
    from workbench.analysis import acceptance
    from workbench.analysis.engine import analyse, selected

    sources = sources_of(Path(design), model)
    inputs = design_inputs(model)
    reviews = []
    for diagram in model.diagrams:
        analysis = analyse(diagram, inputs)
        findings = analysis.findings
        findings = acceptance.apply(findings, diagram, sources, today=today or date.today(), enabled=accept)
        if select is not None or ignore is not None:
            findings = [f for f in findings if selected(f.code, select, ignore) or f.code == "WB000"]
        reviews.append(DiagramReview(diagram, findings, _reliability(analysis.graph)))
    return reviews


def _reliability(graph) -> dict | None:
    if graph is None:
        return None
    from workbench.analysis.targets import reliability

    try:
        result = reliability(graph)
        return {**result.to_dict(), "step7": result.rows()}
    except Exception:  # noqa: BLE001 - the AVAIL/LAT rules report the crash as WB000; the report goes on
        return None


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Active findings by severity, plus the number accepted."""
    result = {s: 0 for s in SEVERITIES} | {"accepted": 0}
    for f in findings:
        result["accepted" if f.accepted else f.severity] += 1
    return result


def numbered(findings: list[Finding]) -> dict[int, Finding]:
    """The findings the findings view draws: active errors and warnings, numbered from 1 in list order."""
    shown = [f for f in findings if not f.accepted and f.severity in ("error", "warning")]
    return {i: f for i, f in enumerate(shown, 1)}


def findings_document(model: DesignModel, reviews: list[DiagramReview]) -> dict:
    """The content of out/<stem>/findings.json."""
    diagrams, total = [], counts([])
    for r in reviews:
        numbers = {id(f): n for n, f in numbered(r.findings).items()}
        items = [{**f.to_dict(), "number": numbers.get(id(f))} for f in r.findings]
        c = counts(r.findings)
        total = {k: total[k] + c[k] for k in total}
        availability = (r.reliability or {}).get("availability")  # the live index shows its estimate
        diagrams.append({"name": r.diagram.name, "slug": r.diagram.slug, "summary": c, "findings": items,
                         **({"availability": availability} if availability else {})})
    return {"version": FINDINGS_VERSION, "design": model.path, "diagrams": diagrams, "summary": total}
