"""The interview rubric: the seven steps of a design answer scored 0-2 from what the sheet states and the analysis finds.

Each step gets ``0`` (missing), ``1`` (partial) or ``2`` (stated and consistent with the analysis), always with
the evidence it used: the sheet entries it counted and the findings that held it back. It reads plain data (the
model's ``sheet`` dict, the diagrams' node counts, findings as dicts or objects with ``code``, ``severity``,
``accepted``), so the report, the mock review and the tests can all call it.

Honest about its limits: it sees what the file states, not whether the statements are right for the prompt,
nor how the answer was communicated; ``CANNOT_JUDGE`` lists what a human reviewer has to score, and each step
names what it cannot tell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

SCALING_CODES = ("CACHE", "CAP", "LB", "CYC", "QUE")
RELIABILITY_CODES = ("SPOF", "REP", "ZONE")
DESIGN_CODES = ("TOP", "DATA", "ROLE")
LEVELS = {0: "missing", 1: "partial", 2: "solid"}
CANNOT_JUDGE = (
    "whether the requirements and numbers are the ones the interviewer had in mind",
    "how clearly the answer was explained, and whether clarifying questions were asked",
    "the depth of the deep dive: the rubric counts statements, it does not check that they are correct",
    "anything the design file does not state (a whiteboard answer scores 0 where the file is silent)",
)


def _get(obj: Any, name: str, default: Any = None) -> Any:
    return obj.get(name, default) if isinstance(obj, Mapping) else getattr(obj, name, default)


def _active(findings: Iterable[Any], prefixes: tuple[str, ...], severities=("error", "warning")) -> list[Any]:
    return [f for f in findings if not _get(f, "accepted") and _get(f, "severity") in severities
            and str(_get(f, "code", "")).startswith(prefixes)]


def _finding_text(f: Any) -> str:
    return f"{_get(f, 'code')} {_get(f, 'severity')}: {_get(f, 'message')}"


def _quote(items: list, n: int = 2) -> str:
    shown = "; ".join(f"“{' '.join(str(i).split())[:80]}”" for i in items[:n])
    return shown + (f" and {len(items) - n} more" if len(items) > n else "")


def _step(key: str, title: str, score: int, evidence: list[str], cannot: str) -> dict[str, Any]:
    return {"key": key, "title": title, "score": score, "max": 2, "level": LEVELS[score],
            "evidence": evidence, "cannot_judge": cannot}


def score(sheet: Mapping[str, Any] | None, findings: Iterable[Any], components: int = 0) -> dict[str, Any]:
    """The rubric: ``steps`` (seven dicts with score, level, evidence, cannot_judge), ``total``, ``max``,
    ``cannot_judge``. `components` is the number of drawn components over all diagrams."""
    sheet = dict(sheet or {})
    findings = list(findings)
    steps = []

    functional = list(sheet.get("functional") or [])
    nfr = list(sheet.get("non_functional") or [])
    measurable = [n for n in nfr if re.search(r"\d", str(n))]
    evidence = [f"sheet functional: {len(functional)} item(s)" + (f", e.g. {_quote(functional)}" if functional else ""),
                f"sheet non_functional: {len(nfr)} item(s), {len(measurable)} with a number"
                + (f", e.g. {_quote(measurable or nfr, 1)}" if nfr else "")]
    s = 2 if len(functional) >= 2 and measurable else (1 if functional or nfr else 0)
    steps.append(_step("requirements", "1. Requirements", s, evidence,
                       "whether these are the requirements that matter for the prompt"))

    capacity = sheet.get("capacity") or {}
    figures = list(capacity.get("figures") or [])
    cap = _active(findings, ("CAP",))
    evidence = [f"sheet capacity: {len(figures)} computed figure(s)"
                + (f" ({', '.join(str(f.get('label')) for f in figures[:3])})" if figures else "")]
    evidence += [f"finding {_finding_text(f)}" for f in cap]
    s = 0 if not figures else (1 if cap else 2)
    if figures and not cap:
        evidence.append("no capacity finding: the drawn components carry the estimated load")
    steps.append(_step("estimation", "2. Estimation", s, evidence,
                       "whether the inputs (users, ratios, sizes) are realistic for the prompt"))

    described = dict(sheet.get("components") or {})
    design = _active(findings, DESIGN_CODES)
    evidence = [f"diagram: {components} component(s) drawn",
                f"sheet components: {len(described)} with a stated responsibility"]
    evidence += [f"finding {_finding_text(f)}" for f in design]
    s = 0 if components == 0 else (2 if components >= 3 and described and not design else 1)
    steps.append(_step("high_level", "3. High-level design", s, evidence,
                       "whether the chosen components are the simplest that meet the requirements"))

    entities = list(sheet.get("data_model") or [])
    keyed = [e for e in entities if e.get("keys") and e.get("store")]
    evidence = [f"sheet data_model: {len(entities)} entit{'y' if len(entities) == 1 else 'ies'}, {len(keyed)} with keys and a store"
                + (f" ({', '.join(str(e.get('name')) for e in entities[:4])})" if entities else "")]
    s = 2 if keyed else (1 if entities else 0)
    steps.append(_step("data_model", "4. Data model", s, evidence,
                       "whether the keys and the store fit the access patterns"))

    apis = list(sheet.get("apis") or [])
    complete = [a for a in apis if (a.get("type") == "event" and a.get("message"))
                or (a.get("response") and (a.get("request") or str(a.get("method", "")).upper() == "GET"))]
    evidence = [f"sheet apis: {len(apis)} endpoint(s) or event(s), {len(complete)} with request and response"
                + (f" ({', '.join(str(a.get('path') or a.get('topic')) for a in apis[:4])})" if apis else "")]
    s = 2 if len(complete) >= 2 else (1 if apis else 0)
    steps.append(_step("interfaces", "5. Interfaces", s, evidence,
                       "idempotency, pagination and error semantics unless the notes say so"))

    notes = list(sheet.get("scaling") or [])
    trades = list(sheet.get("trade_offs") or [])
    scale = _active(findings, SCALING_CODES)
    evidence = [f"sheet scaling: {len(notes)} note(s)" + (f", e.g. {_quote(notes, 1)}" if notes else ""),
                f"sheet trade_offs: {len(trades)}" + (f", e.g. {_quote(trades, 1)}" if trades else "")]
    evidence += [f"finding {_finding_text(f)}" for f in scale]
    if not scale and (notes or trades):
        evidence.append("no active cache, capacity, load-balancer, cycle or queue finding")
    s = 2 if notes and trades and not scale else (1 if notes or trades else 0)
    steps.append(_step("scalability", "6. Scalability", s, evidence,
                       "whether the scaling plan holds at 10x; only drawn bottlenecks are found"))

    modes = list(sheet.get("failure_modes") or [])
    # A load-bearing cache (CACHE002 as an error) takes the requests down with it: a single point of failure too.
    rel = _active(findings, RELIABILITY_CODES) + _active(findings, ("CACHE002",), ("error",))
    errors = [f for f in rel if _get(f, "severity") == "error"]
    evidence = [f"sheet failure_modes: {len(modes)}"
                + (f", e.g. {_quote([m.get('failure') for m in modes], 1)}" if modes else "")]
    evidence += [f"finding {_finding_text(f)}" for f in rel]
    if components and not rel:
        evidence.append("no single point of failure, missing replica, load-bearing cache or zone finding")
    s = 0 if not modes and (errors or not components) else (2 if modes and not errors else 1)
    steps.append(_step("reliability", "7. Reliability", s, evidence,
                       "failures the diagram does not draw (bad deploys, overload, data corruption)"))

    total = sum(step["score"] for step in steps)
    return {"steps": steps, "total": total, "max": 2 * len(steps), "cannot_judge": list(CANNOT_JUDGE)}


def score_model(model: Any, findings: Iterable[Any]) -> dict[str, Any]:
    """The rubric of a DesignModel (or model.json as a dict) and its findings."""
    diagrams = _get(model, "diagrams", []) or []
    components = sum(len(_get(d, "nodes", []) or []) for d in diagrams)
    return score(_get(model, "sheet"), findings, components)


def to_text(rubric: Mapping[str, Any]) -> str:
    """The rubric as terminal lines."""
    lines = [f"Rubric {rubric['total']}/{rubric['max']}"]
    for step in rubric["steps"]:
        lines.append(f"  {step['title']:<22} {step['score']}/2 {step['level']}")
        lines += [f"      {e}" for e in step["evidence"]]
    lines.append("  cannot judge: " + "; ".join(rubric["cannot_judge"]))
    return "\n".join(lines)
