"""Output formats of `workbench check`: text, json, sarif (2.1.0) and junit, plus the exit status.

The CLI builds one `DesignReport` per design file (after `acceptance.apply`, `--select` and `--ignore`) and passes
the rule catalogue (code -> Rule). Paths: `DesignReport.path` is the design file as the user gave it (relative to
the working directory, or absolute); `Finding.file` and an error's "file" are relative to the design's directory.
Every format shows `dirname(path)/file`, with forward slashes, so editors and CI can open it.
"""

from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

from workbench import __version__
from workbench.analysis.findings import (
    SEVERITIES,
    Finding,
    Rule,
    reaches,
    sort_findings,
)
from workbench.analysis.review import numbered
from workbench.output.codespans import to_terminal

FAIL_ON = ("error", "warning", "info", "never")
JSON_VERSION = 1
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "workbench/v1"


@dataclass
class DiagramReport:
    name: str
    nodes: int
    edges: int
    findings: list[Finding] = field(default_factory=list)
    # issue 16: {"availability": {...}, "latency": {...}} (analysis.targets), None when not computed
    reliability: dict | None = None


@dataclass
class DesignReport:
    path: str  # the design file as the user gave it
    error: dict | None = None  # {"file", "line", "message", "hint"} when the design could not be loaded
    diagrams: list[DiagramReport] = field(default_factory=list)
    readiness: int | None = None  # readiness score 0-100 of the loaded design (the practice history records it)
    warnings: list[dict] = field(default_factory=list)  # the loader's {"file", "line", "message"}, shown on stderr

    def findings(self) -> list[Finding]:
        return [f for d in self.diagrams for f in d.findings]


# -- shared helpers --------------------------------------------------------------------------------------------


def _posix(path: str) -> str:
    return path.replace("\\", "/")


def source_path(design_path: str, file: str | None) -> str:
    """Where a design-relative `file` is, as seen from where the user ran the command (forward slashes)."""
    design = _posix(design_path)
    if not file:
        return design
    file = _posix(file)
    if posixpath.isabs(file) or PureWindowsPath(file).is_absolute():
        return file
    joined = posixpath.join(posixpath.dirname(design), file)
    normal = posixpath.normpath(joined)
    return normal


def _uri(path: str) -> str:
    """A SARIF artifact URI: relative with forward slashes, or a file: URI for absolute paths."""
    if PureWindowsPath(path).drive:
        return PureWindowsPath(path).as_uri()
    if path.startswith("/"):
        return PurePosixPath(path).as_uri()
    return quote(path, safe="/-._~")


def _active(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if not f.accepted]


def _check_fail_on(fail_on: str) -> None:
    if fail_on not in FAIL_ON:
        raise ValueError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")


def exit_status(reports: list[DesignReport], fail_on: str = "error") -> int:
    """2 when a design could not be loaded, 1 when an active finding reaches `fail_on`, else 0."""
    _check_fail_on(fail_on)
    if any(r.error for r in reports):
        return 2
    if any(reaches(f.severity, fail_on) for r in reports for f in _active(r.findings())):
        return 1
    # A crashed rule (WB000) means the analysis is incomplete: never a pass, whatever --fail-on says.
    if any(f.code == "WB000" for r in reports for f in r.findings()):
        return 1
    return 0


def summary(reports: list[DesignReport], fail_on: str = "error") -> dict:
    findings = [f for r in reports for f in r.findings()]
    active = _active(findings)
    by_sev = Counter(f.severity for f in active)
    return {
        "designs": len(reports),
        "failed_to_load": sum(1 for r in reports if r.error),
        "diagrams": sum(len(r.diagrams) for r in reports),
        "active": len(active),
        **{s: by_sev.get(s, 0) for s in SEVERITIES},
        "accepted": len(findings) - len(active),
        "failing": sum(1 for f in active if reaches(f.severity, fail_on)),
        "by_code": dict(sorted(Counter(f.code for f in active).items())),
        "fail_on": fail_on,
        "exit_status": exit_status(reports, fail_on),
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 or word == "info" else f"{n} {word}s"


# -- text ------------------------------------------------------------------------------------------------------

_COLORS = {"error": "31;1", "warning": "33;1", "info": "36", "path": "1", "dim": "2", "ok": "32", "fail": "31;1"}


def to_text(reports: list[DesignReport], *, color: bool = False, fail_on: str = "error") -> str:
    """Grouped by design and diagram; `file:line: CODE severity message` lines that editors can jump to."""
    _check_fail_on(fail_on)

    def c(kind: str, text: str) -> str:
        return f"\x1b[{_COLORS[kind]}m{text}\x1b[0m" if color else text

    def loc(report: DesignReport, file: str, line: int) -> str:
        where = source_path(report.path, file)
        return c("path", f"{where}:{line}:" if line and line > 0 else f"{where}:")

    out: list[str] = []
    for report in reports:
        if out:
            out.append("")
        if report.error:
            err = report.error
            out.append(c("path", f"== {_posix(report.path)} (not loaded) =="))
            out.append(f"{loc(report, err.get('file') or '', int(err.get('line') or 0))} {c('error', 'error')} "
                       f"{err.get('message', 'the design could not be loaded')}")
            if err.get("hint"):
                out.append(f"    hint: {err['hint']}")
            continue
        if not report.diagrams:
            out.append(c("path", f"== {_posix(report.path)}: no diagrams =="))
        for diagram in report.diagrams:
            out.append(c("path", f"== {_posix(report.path)}, diagram {diagram.name} "
                                 f"({_plural(diagram.nodes, 'node')}, {_plural(diagram.edges, 'edge')}) =="))
            findings = sort_findings(diagram.findings)
            active, accepted = _active(findings), [f for f in findings if f.accepted]
            if diagram.reliability:  # one line: the estimate against the SLO, the slowest path against its target
                from workbench.analysis.targets import summary_line

                line = summary_line(diagram.reliability)
                if line:
                    out.append(line)
            if not active and not accepted:
                out.append(c("ok", "no findings"))
            # The numbers of the findings view's badges, the live page and the report: `[3] file:line: ...`.
            numbers = {id(f): n for n, f in numbered(diagram.findings).items()}
            for f in active:
                number = f"[{numbers[id(f)]}] " if id(f) in numbers else ""
                out.append(f"{number}{loc(report, f.file, f.line)} {f.code} {c(f.severity, f.severity)} "
                           f"{to_terminal(f.message, color)}")
                if f.remediation:
                    out.append(f"    fix: {to_terminal(f.remediation, color)}")
                for assumption in f.assumptions:  # what the finding rests on that the drawing does not state
                    out.append(f"    assumes: {assumption}")
            if accepted:
                # Indented so that problem matchers and `file:line:` jump lists skip them.
                out.append(c("dim", f"accepted ({len(accepted)}):"))
                for f in accepted:
                    out.append(c("dim", f"  {source_path(report.path, f.file)}:{f.line}: {f.code} {f.severity} "
                                        f"{to_terminal(f.message)}"))
                    out.append(c("dim", f"      reason: {f.reason}"))
    s = summary(reports, fail_on)
    counts = ", ".join(_plural(s[sev], sev) for sev in SEVERITIES)
    line = (f"{_plural(s['designs'], 'design')} checked: {counts}; {s['accepted']} accepted; "
            f"{s['failed_to_load']} failed to load")
    status = s["exit_status"]
    verdict = {0: c("ok", "passed"), 1: c("fail", "failed"), 2: c("fail", "failed")}[status]
    line += f"; {verdict} (--fail-on {fail_on})"
    if out:
        out.append("")
    out.append(line)
    return "\n".join(out) + "\n"


# -- json ------------------------------------------------------------------------------------------------------


def _finding_json(report: DesignReport, f: Finding) -> dict:
    data = f.to_dict()
    data["source"] = source_path(report.path, f.file)
    data["fingerprint"] = f.fingerprint
    data["assumptions"] = list(f.assumptions)
    return data


def to_json_data(reports: list[DesignReport], *, fail_on: str = "error") -> dict:
    _check_fail_on(fail_on)
    designs = []
    for r in reports:
        error = None
        if r.error:
            error = {"file": r.error.get("file", ""), "line": int(r.error.get("line") or 0),
                     "message": r.error.get("message", ""), "hint": r.error.get("hint"),
                     "source": source_path(r.path, r.error.get("file", ""))}
            error.update({k: v for k, v in r.error.items() if k not in error})
        designs.append({
            "path": r.path,
            "error": error,
            "diagrams": [{"name": d.name, "nodes": d.nodes, "edges": d.edges,
                          "findings": [_finding_json(r, f) for f in sort_findings(d.findings)],
                          **{k: v for k, v in (d.reliability or {}).items()  # issue 16
                             if k in ("availability", "latency")}}
                         for d in r.diagrams],
        })
    return {"version": JSON_VERSION, "tool": {"name": "workbench", "version": __version__},
            "designs": designs, "summary": summary(reports, fail_on)}


def to_json(reports: list[DesignReport], *, fail_on: str = "error", indent: int | None = 2) -> str:
    return json.dumps(to_json_data(reports, fail_on=fail_on), indent=indent, ensure_ascii=False) + "\n"


# -- sarif -----------------------------------------------------------------------------------------------------


def _rule_help(rule: Rule) -> tuple[str, str]:
    from workbench.analysis.acceptance import generic_accept_text

    accept = rule.accept or generic_accept_text(rule.code)
    sections = [("What it checks", rule.what), ("Why it matters", rule.why), ("Example", rule.example),
                ("How to fix it", rule.fix), ("How to accept it", accept)]
    text = "\n\n".join(f"{title}: {body}" for title, body in sections if body)
    md = [f"## {rule.code}: {rule.title}", ""]
    for title, body in sections:
        if not body:
            continue
        md += [f"**{title}**", ""]
        md += (["```python", body, "```"] if title == "Example" else [body])
        md.append("")
    if rule.refs:
        text += "\n\nReferences: " + "; ".join(rule.refs)
        md += ["**References**", ""] + [f"- {ref}" for ref in rule.refs] + [""]
    return text, "\n".join(md).rstrip() + "\n"


def _pascal(title: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", title) if w)


def _sarif_rule(rule: Rule) -> dict:
    text, md = _rule_help(rule)
    level = SARIF_LEVEL.get(rule.severity, "warning")
    return {
        "id": rule.code,
        "name": _pascal(rule.title) or rule.code,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.what or rule.title},
        "help": {"text": text, "markdown": md},
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["workbench", rule.family], "problem.severity": {"info": "recommendation"}.get(
            rule.severity, rule.severity)},
    }


def _location(report: DesignReport, file: str, line: int, diagram: str | None = None) -> dict:
    physical: dict = {"artifactLocation": {"uri": _uri(source_path(report.path, file))}}
    if line and line >= 1:
        physical["region"] = {"startLine": int(line)}
    loc: dict = {"physicalLocation": physical}
    if diagram is not None:
        loc["logicalLocations"] = [{"name": diagram, "kind": "module"}]
    return loc


def to_sarif_data(reports: list[DesignReport], rules: dict[str, Rule], *, fail_on: str = "error") -> dict:
    _check_fail_on(fail_on)
    codes = sorted(set(rules) | {f.code for r in reports for f in r.findings()})
    sarif_rules = [_sarif_rule(rules[c]) if c in rules else
                   {"id": c, "shortDescription": {"text": c}, "defaultConfiguration": {"level": "warning"}}
                   for c in codes]
    index = {c: i for i, c in enumerate(codes)}
    results, notifications = [], []
    for r in reports:
        if r.error:
            msg = r.error.get("message", "the design could not be loaded")
            if r.error.get("hint"):
                msg += f" (hint: {r.error['hint']})"
            notifications.append({
                "level": "error",
                "message": {"text": f"{_posix(r.path)}: {msg}"},
                "locations": [_location(r, r.error.get("file") or "", int(r.error.get("line") or 0))],
            })
            continue
        for d in r.diagrams:
            for f in sort_findings(d.findings):
                result: dict = {
                    "ruleId": f.code,
                    "ruleIndex": index[f.code],
                    "level": SARIF_LEVEL.get(f.severity, "warning"),
                    "message": {"text": f.message + (f"\nFix: {f.remediation}" if f.remediation else "")},
                    "locations": [_location(r, f.file, f.line, d.name)],
                    "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
                    "properties": {
                        "design": r.path, "diagram": d.name, "target": f.target, "nodes": f.labels,
                        "entries": f.entries, "terminal": f.terminal, "path": f.path,
                        "remediation": f.remediation, "severity": f.severity,
                    },
                }
                if f.accepted:
                    result["suppressions"] = [{"kind": "inSource", "status": "accepted",
                                               "justification": f.reason or ""}]
                results.append(result)
    invocation: dict = {"executionSuccessful": not notifications, "exitCode": exit_status(reports, fail_on)}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "workbench", "version": __version__, "semanticVersion": __version__,
                                "rules": sarif_rules}},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def to_sarif(reports: list[DesignReport], rules: dict[str, Rule], *, fail_on: str = "error") -> str:
    return json.dumps(to_sarif_data(reports, rules, fail_on=fail_on), indent=2, ensure_ascii=False) + "\n"


# -- junit -----------------------------------------------------------------------------------------------------


def _finding_line(report: DesignReport, diagram: str, f: Finding) -> str:
    text = f"{source_path(report.path, f.file)}:{f.line}: {f.code} {f.severity} {f.message} [diagram {diagram}]"
    if f.accepted:
        text += f" (accepted: {f.reason})"
    return text


def to_junit(reports: list[DesignReport], rules: dict[str, Rule], *, fail_on: str = "error") -> str:
    """testsuites > testsuite per design > testcase per rule code; a <failure> per active finding at or above
    `fail_on`; other findings (below the threshold, or accepted) are listed in the testcase's <system-out>; a design
    that could not be loaded is one testcase with an <error>."""
    _check_fail_on(fail_on)
    root = ET.Element("testsuites", name="workbench check")
    total = {"tests": 0, "failures": 0, "errors": 0}
    for r in reports:
        path = _posix(r.path)
        suite = ET.SubElement(root, "testsuite", name=path)
        tests = failures = errors = 0
        if r.error:
            case = ET.SubElement(suite, "testcase", classname=path, name="load")
            where = source_path(r.path, r.error.get("file") or "")
            line = int(r.error.get("line") or 0)
            message = r.error.get("message", "the design could not be loaded")
            err = ET.SubElement(case, "error", message=message, type="LoadError")
            err.text = f"{where}:{line}: {message}" + (f"\nhint: {r.error['hint']}" if r.error.get("hint") else "")
            tests, errors = 1, 1
        else:
            per_code: dict[str, list[tuple[str, Finding]]] = {c: [] for c in rules}
            for d in r.diagrams:
                for f in sort_findings(d.findings):
                    per_code.setdefault(f.code, []).append((d.name, f))
            for code in sorted(per_code):
                case = ET.SubElement(suite, "testcase", classname=path, name=code)
                tests += 1
                failing = [(d, f) for d, f in per_code[code] if not f.accepted and reaches(f.severity, fail_on)]
                for d, f in failing:
                    fail = ET.SubElement(case, "failure", message=f.message, type=f"{code} {f.severity}")
                    fail.text = _finding_line(r, d, f) + (f"\nfix: {f.remediation}" if f.remediation else "")
                if failing:
                    failures += 1
                failed_ids = {id(f) for _, f in failing}
                rest = [(d, f) for d, f in per_code[code] if id(f) not in failed_ids]
                if rest:
                    ET.SubElement(case, "system-out").text = "\n".join(_finding_line(r, d, f) for d, f in rest)
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        suite.set("skipped", "0")
        total["tests"] += tests
        total["failures"] += failures
        total["errors"] += errors
    for k, v in total.items():
        root.set(k, str(v))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def render(fmt: str, reports: list[DesignReport], rules: dict[str, Rule], *, fail_on: str = "error",
           color: bool = False) -> str:
    """Dispatch on --format."""
    if fmt == "text":
        return to_text(reports, color=color, fail_on=fail_on)
    if fmt == "json":
        return to_json(reports, fail_on=fail_on)
    if fmt == "sarif":
        return to_sarif(reports, rules, fail_on=fail_on)
    if fmt == "junit":
        return to_junit(reports, rules, fail_on=fail_on)
    raise ValueError(f"unknown format {fmt!r} (text, json, sarif, junit)")
