"""A diagram against its own targets: availability and latency per entry, computed once per analysis graph.

The AVAIL and LAT rules, `check --format json` (its per-diagram "availability" and "latency" objects), the
one-line summary of `check`, the report's step 7 table and `diff` all read `reliability(g)`; the result is kept
for as long as the graph lives, so a check computes it once.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.analysis.availability import (
    DiagramAvailability,
    diagram_availability,
    minutes_text,
    percent_text,
)
from workbench.analysis.elements import AnalysisGraph, PerGraph
from workbench.analysis.latency import DiagramLatency, diagram_latency


@dataclass
class Reliability:
    availability: DiagramAvailability
    latency: DiagramLatency

    def to_dict(self) -> dict:
        return {"availability": self.availability.to_dict(), "latency": self.latency.to_dict()}

    def rows(self) -> list[dict]:
        """The report's step 7 table, one row per user-facing entry (docs/templates.md, `targets`)."""
        latency = {e.entry: e for e in self.latency.entries}
        out = []
        for e in self.availability.entries:
            lat = latency.get(e.entry)
            met = None if e.slo is None else e.estimate + 1e-12 >= e.slo / 100.0
            out.append({
                "entry": e.name,
                "estimate": percent_text(e.estimate),
                "slo": "" if e.slo is None else f"{e.slo:g}%",
                "met": met,
                "downtime": minutes_text(e.downtime_minutes),
                "budget": "" if e.budget_minutes is None else minutes_text(e.budget_minutes),
                "method": e.method,
                "contributors": [{"name": " + ".join(c.names), "share": f"{c.share:.0%}",
                                  "downtime": minutes_text(c.share * e.downtime_minutes)}
                                 for c in e.contributors[:3]],
                "fixes": [{"text": f.text, "estimate": percent_text(f.estimate)} for f in e.fixes],
                "p99_ms": None if lat is None else round(lat.p99_ms, 3),
                "target_ms": None if lat is None else lat.target_ms,
                "path": [] if lat is None else list(lat.path),
            })
        return out


_RELIABILITY = PerGraph()


def reliability(g: AnalysisGraph) -> Reliability:
    """The availability and latency of a diagram, computed once per graph."""
    return _RELIABILITY.get(g, lambda: Reliability(diagram_availability(g), diagram_latency(g)))


def summary_line(data: dict) -> str:
    """One line for `workbench check`: "availability 99.9375% (SLO 99.9%, met; 27 min/month); p99 262 ms (...)".

    `data` is `Reliability.to_dict()` (what the json report carries), so the line and the json agree.
    """
    a, lat = data.get("availability") or {}, data.get("latency") or {}
    if a.get("estimate") is None:
        return ""
    estimate = a["estimate"] / 100.0
    parts = [f"availability {percent_text(estimate)}"]
    slo = a.get("slo")
    downtime = minutes_text((1.0 - estimate) * 43_200)
    if slo is not None:
        verdict = "met" if a["estimate"] >= slo - 1e-9 else "MISSED"
        parts[0] += f" (SLO {slo:g}%, {verdict}; {downtime}/month down"
        parts[0] += f" vs {minutes_text((1.0 - slo / 100.0) * 43_200)} budget)"
    else:
        parts[0] += f" ({downtime}/month down, no SLO)"
    if a.get("method") == "cut sets":
        parts[0] += " [cut sets]"
    if lat.get("p99_ms") is not None and lat.get("path"):
        text = f"slowest path p99 {lat['p99_ms']:g} ms"
        target = lat.get("target_ms")
        if target is not None:
            text += f" (target {target:g} ms, {'met' if lat['p99_ms'] <= target else 'MISSED'})"
        parts.append(text)
    return "; ".join(parts)
