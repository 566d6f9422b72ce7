"""Acceptances: how a design says "this finding is known and acceptable" (analysis spec §8, docs/acceptance.md).

Two ways to write one, both in the design source:

1. A node or edge attribute::

       db = RDS("db", accept="REP001: single instance is fine for the demo")
       db = RDS("db", accept="REP001,ZONE002: demo only; expires 2027-03-31")
       lb >> Edge(accept="DATA001: admin tool reads the DB directly") >> db

2. A source comment on the statement that builds the node or edge, or in the block of comment lines directly above
   that statement (long explanations do not fit at the end of a line)::

       db = RDS("db")  # wb: accept REP001 -- single instance is fine for the demo
       # wb: accept SPOF001,ZONE002 -- the bastion is only used for break-glass access; expires 2027-03-31
       bastion = EC2("bastion")

   "The statement" is the whole (possibly multi-line) Python statement that contains the line the node or edge was
   built on; for compound statements (`with`, `for`, `if` ...) only the header counts, never the body. The comment
   block above is the run of full-line comments that ends on the line just before the statement; a blank line or a
   line of code ends it. A comment on or above the `with Diagram(...)` statement accepts diagram-wide findings (those
   about no node or edge, such as ZONE001).

Grammar (attribute value and comment text after `wb: accept`)::

    CODES SEP REASON [; expires YYYY-MM-DD]
    CODES = CODE [, CODE]...      full rule codes only (SPOF001), case-insensitive; commas and/or spaces
    SEP   = ":" | "--" | "—"      any of them in either form; the spec writes ":" for attributes, "--" for comments

Expiry: `; expires YYYY-MM-DD` at the end (`expires:` and `expires=` also work; the `;` may be left out when the
value is an ISO date). The acceptance applies up to and including that day, and stops applying the day after.

Matching (deliberately strict): an acceptance applies to a finding when the finding's code is one of its CODES and

- it sits on a node in `finding.nodes` (the subject, or any member of a group finding), or
- it sits on an edge in `finding.edges`, or
- it sits on the diagram statement and the finding is about no node and no edge.

No family prefixes (`SPOF`) and no wildcard (`*`): an acceptance names the exact codes it accepts, so a new kind
of problem on the same node is never hidden. ACC findings themselves cannot be accepted.

Problems with acceptances are findings too:

- ACC002 (warning): an acceptance without a reason, or one that cannot be read (no valid code, bad expiry date).
  It is not applied.
- ACC001 (info): an acceptance that has expired (not applied), or a code in an acceptance that matches no finding.

`apply(..., enabled=False)` (the `--no-accept` flag) ignores every acceptance and reports no ACC finding.

One acceptance is one piece of source text: nodes that get their attribute from the same line (a helper function or
a loop) share it, as do all the nodes and edges one statement builds; it is "unused" only when none of them has a
matching finding. This module does no I/O: sources come in as a dict of design-relative file name -> text.
"""

from __future__ import annotations

import ast
import io
import re
import threading
import tokenize
from dataclasses import dataclass, field, replace
from datetime import date

from workbench.analysis.findings import Finding, Rule, sort_findings
from workbench.design.model import Diagram

# CPython 3.11 before 3.11.8 can fail `ast.parse` run in two threads at once ("AST constructor recursion depth
# mismatch", gh-106905); builds of several designs analyse on a thread pool.
_PARSE_LOCK = threading.Lock()

ACC_FAMILY = "ACC"
UNACCEPTABLE = (ACC_FAMILY, "WB")  # acceptance problems, and WB000 (a crashed rule: a bug, never a trade-off)
CODE_RE = re.compile(r"^[A-Z]+[0-9]+$")
_SEP_RE = re.compile(r"\s*(?:--|—|:)\s*")
_COMMENT_RE = re.compile(r"^#+\s*wb\s*:\s*accept\b(?P<rest>.*)$", re.IGNORECASE)
_ANY_COMMENT = re.compile(r"#+\s*wb\s*:\s*accept\b", re.IGNORECASE)  # a file without it needs no tokenizing
_EXPIRY_RE = re.compile(r"\s*;\s*expires\b\s*[:=]?\s*(?P<date>.*?)\s*$", re.IGNORECASE)
_BARE_EXPIRY_RE = re.compile(r"[\s,]*\bexpires\s*[:=]?\s*(?P<date>\d{4}-\d{2}-\d{2})\s*$", re.IGNORECASE)

EXPIRY_SYNTAX = "; expires YYYY-MM-DD"

RULES: dict[str, Rule] = {
    "ACC001": Rule(
        code="ACC001",
        title="Stale or expired acceptance",
        severity="info",
        what="An acceptance whose expiry date has passed (it no longer applies), or a code in an acceptance that "
             "matches no finding on the node, edge or diagram it sits on.",
        why="Acceptances outlive the reasons they were written for. An expired one must be looked at again; an unused "
            "one is noise at best, and at worst sits on the wrong node while the real finding stays active.",
        example='db = RDS("db", replicas="2", accept="REP001: demo only")  # REP001 no longer fires',
        fix="Remove the acceptance, renew its expiry if the reason still holds, or move it to the node the finding "
            "is about.",
        accept="ACC findings cannot be accepted; fix the acceptance instead.",
    ),
    "ACC002": Rule(
        code="ACC002",
        title="Acceptance without reason",
        severity="warning",
        what="An acceptance with no reason, or one that cannot be read (no full rule code, or an expiry that is not "
             "a YYYY-MM-DD date). It is not applied.",
        why="An acceptance is a decision; without a reason nobody can tell later whether it still holds.",
        example='bastion = EC2("bastion", accept="SPOF001")',
        fix='Write the reason after the codes: accept="SPOF001: break-glass access only" or '
            "`# wb: accept SPOF001 -- break-glass access only`.",
        accept="ACC findings cannot be accepted; fix the acceptance instead.",
    ),
}


def generic_accept_text(code: str) -> str:
    """How to accept a finding of `code` (the Rule.accept text when a rule leaves it empty)."""
    return (f'Add accept="{code}: reason" to the node or edge, or a `# wb: accept {code} -- reason` comment on '
            f"(or just above) the statement that builds it; append `{EXPIRY_SYNTAX}` to make it expire. "
            "See docs/acceptance.md.")


# -- parsing --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parsed:
    """One acceptance text, parsed. `problem` is set when it cannot be applied (ACC002)."""

    codes: tuple[str, ...]
    reason: str
    expires: date | None
    problem: str | None  # "no-reason" | "no-code" | "bad-code" | "bad-expiry" | None
    detail: str = ""  # what was wrong, for the message


def parse(text: str) -> Parsed:
    """Parse `CODES SEP REASON [; expires YYYY-MM-DD]` (see the module docstring)."""
    text = (text or "").strip()
    expires: date | None = None
    bad_expiry = ""
    m = _EXPIRY_RE.search(text) or _BARE_EXPIRY_RE.search(text)
    if m:
        raw = m.group("date")
        text = text[: m.start()].strip()
        try:
            expires = date.fromisoformat(raw)
        except ValueError:
            bad_expiry = raw or "(empty)"
    sep = _SEP_RE.search(text)
    if sep:
        codes_part, reason = text[: sep.start()], text[sep.end():].strip()
    else:
        codes_part, reason = text, ""
    tokens = [t for t in re.split(r"[\s,]+", codes_part.strip()) if t]
    codes = tuple(dict.fromkeys(t.upper() for t in tokens))
    if not codes:
        return Parsed((), reason, expires, "no-code", text)
    bad = [c for c in codes if not CODE_RE.match(c)]
    if bad:
        return Parsed(codes, reason, expires, "bad-code", ", ".join(bad))
    if bad_expiry:
        return Parsed(codes, reason, None, "bad-expiry", bad_expiry)
    if not reason:
        return Parsed(codes, "", expires, "no-reason")
    return Parsed(codes, reason, expires, None)


@dataclass
class Acceptance:
    """One acceptance as written in the source, with everything it sits on."""

    kind: str  # "attribute" | "comment"
    text: str
    file: str
    line: int
    parsed: Parsed
    nodes: list[str] = field(default_factory=list)  # node ids
    edges: list[str] = field(default_factory=list)  # edge ids
    diagram: bool = False  # on the `with Diagram(...)` statement: accepts diagram-wide findings

    def covers(self, finding: Finding) -> bool:
        if finding.code not in self.parsed.codes or finding.code.startswith(UNACCEPTABLE):
            return False
        if self.diagram and not finding.nodes and not finding.edges:
            return True
        return bool(set(self.nodes) & set(finding.nodes) or set(self.edges) & set(finding.edges))


# -- finding the comments that belong to a statement -----------------------------------------------------------


class _Source:
    """Comments and statement extents of one source file."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.comments: dict[int, str] = {}  # line -> comment text (with '#')
        self.full_line: set[int] = set()  # lines that hold only a comment
        try:
            for tok in tokenize.generate_tokens(io.StringIO(text).readline):
                if tok.type == tokenize.COMMENT:
                    self.comments[tok.start[0]] = tok.string
                    if not tok.line[: tok.start[1]].strip():
                        self.full_line.add(tok.start[0])
        except (tokenize.TokenError, IndentationError, SyntaxError):
            # Not valid Python: fall back to a plain scan (a '#' inside a string may then be mistaken for one).
            self.comments, self.full_line = {}, set()
            for no, line in enumerate(self.lines, 1):
                if "#" in line:
                    self.comments[no] = line[line.index("#"):]
                    if line.lstrip().startswith("#"):
                        self.full_line.add(no)
        self.spans: list[tuple[int, int, int]] = []  # (start, end, depth) of statements / compound headers
        try:
            with _PARSE_LOCK:
                tree = ast.parse(text)
            self._collect(tree, 0)
        except (SyntaxError, ValueError):
            pass

    def _collect(self, node: ast.AST, depth: int) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                if any(isinstance(getattr(child, f, None), list) and getattr(child, f)
                       and isinstance(getattr(child, f)[0], (ast.stmt, ast.excepthandler, ast.match_case))
                       for f in ("body", "orelse", "finalbody", "handlers", "cases")):
                    end = child.lineno
                    for fname, value in ast.iter_fields(child):
                        if fname in ("body", "orelse", "finalbody", "handlers", "cases", "decorator_list"):
                            continue
                        for part in value if isinstance(value, list) else [value]:
                            if isinstance(part, ast.AST):
                                for sub in ast.walk(part):
                                    end = max(end, getattr(sub, "end_lineno", None) or 0)
                    self.spans.append((child.lineno, end, depth))
                else:
                    self.spans.append((child.lineno, child.end_lineno or child.lineno, depth))
            self._collect(child, depth + 1)

    def statement(self, line: int) -> tuple[int, int]:
        """The innermost statement (or compound-statement header) that contains `line`."""
        best: tuple[int, int, int] | None = None
        for start, end, depth in self.spans:
            if start <= line <= end:
                if best is None or (end - start, -depth) < (best[1] - best[0], -best[2]):
                    best = (start, end, depth)
        return (best[0], best[1]) if best else (line, line)

    def accept_comments(self, line: int) -> list[tuple[int, str]]:
        """`wb: accept` comments on the statement containing `line` and in the comment block just above it."""
        start, end = self.statement(line)
        lines = list(range(start, end + 1))
        above = start - 1
        while above >= 1 and above in self.full_line:
            lines.append(above)
            above -= 1
        found = []
        for no in sorted(lines):
            m = _COMMENT_RE.match(self.comments.get(no, "").strip())
            if m:
                found.append((no, m.group("rest").strip()))
        return found


def collect(diagram: Diagram, sources: dict[str, str]) -> list[Acceptance]:
    """Every acceptance that sits on a node, an edge or the diagram statement, in source order."""
    found: dict[tuple, Acceptance] = {}
    parsed_sources: dict[str, _Source] = {}

    def source(file: str) -> _Source | None:
        if file not in parsed_sources and file in sources and _ANY_COMMENT.search(sources[file]):
            parsed_sources[file] = _Source(sources[file])
        return parsed_sources.get(file)

    def add(kind: str, text: str, file: str, line: int, node: str | None = None, edge: str | None = None,
            on_diagram: bool = False) -> None:
        key = (kind, file, line, text)
        acc = found.get(key)
        if acc is None:
            acc = found[key] = Acceptance(kind, text, file, line, parse(text))
        if node and node not in acc.nodes:
            acc.nodes.append(node)
        if edge and edge not in acc.edges:
            acc.edges.append(edge)
        acc.diagram = acc.diagram or on_diagram

    items: list[tuple[str, int, str | None, str | None, dict | None]] = []
    items.append((diagram.file, diagram.line, None, None, None))
    items += [(n.file, n.line, n.id, None, n.analysis) for n in diagram.nodes]
    items += [(e.file, e.line, None, e.id, e.analysis) for e in diagram.edges]
    for file, line, node, edge, analysis in items:
        if analysis and "accept" in analysis:
            add("attribute", str(analysis["accept"]), file, line, node, edge)
        src = source(file)
        if src is not None and line >= 1:
            for no, text in src.accept_comments(line):
                add("comment", text, file, no, node, edge, on_diagram=node is None and edge is None)
    return sorted(found.values(), key=lambda a: (a.file, a.line, a.kind, a.text))


# -- applying --------------------------------------------------------------------------------------------------


def _where(acc: Acceptance, diagram: Diagram) -> str:
    labels = {n.id: n.label for n in diagram.nodes}
    parts = [labels.get(n, n) for n in acc.nodes]
    edges = {e.id: e for e in diagram.edges}
    for eid in acc.edges:
        e = edges.get(eid)
        parts.append(f"{labels.get(e.caller, e.caller)} → {labels.get(e.callee, e.callee)}" if e else eid)
    if acc.diagram and not parts:
        parts.append(f"diagram {diagram.name}")
    return ", ".join(parts)


def _acc_finding(code: str, message: str, remediation: str, acc: Acceptance, diagram: Diagram, target: str) -> Finding:
    labels = {n.id: n.label for n in diagram.nodes}
    return Finding(
        code=code, severity=RULES[code].severity, message=message, remediation=remediation,
        diagram=diagram.name, target=target, nodes=list(acc.nodes),
        labels=[labels.get(n, n) for n in acc.nodes], edges=list(acc.edges), file=acc.file, line=acc.line,
    )


def _problem(acc: Acceptance, diagram: Diagram) -> Finding:
    p, where = acc.parsed, _where(acc, diagram)
    codes = ",".join(p.codes)
    example = (f'accept="{codes or "CODE"}: why this is acceptable"' if acc.kind == "attribute"
               else f"# wb: accept {codes or 'CODE'} -- why this is acceptable")
    if p.problem == "no-reason":
        message = f"acceptance for `{codes}` on `{where}` has no reason; not applied"
        fix = f"add `: reason`, e.g. {example}"
    elif p.problem == "bad-expiry":
        message = (f"acceptance for `{codes}` on `{where}` has expiry `{p.detail}`, not a YYYY-MM-DD date; "
                   "not applied")
        fix = f"write the expiry as `{EXPIRY_SYNTAX}`"
    elif p.problem == "bad-code":
        message = f"acceptance `{acc.text}` on `{where}` names `{p.detail}`, which is not a rule code; not applied"
        fix = f"name full rule codes such as SPOF001 (no families, no wildcards), e.g. {example}"
    else:
        message = f"acceptance `{acc.text}` on `{where}` names no rule code; not applied"
        fix = f"name the codes it accepts, e.g. {example}"
    return _acc_finding("ACC002", message, fix, acc, diagram, f"{codes or acc.text}@{where}")


def apply(findings: list[Finding], diagram: Diagram, sources: dict[str, str], *, today: date,
          enabled: bool = True) -> list[Finding]:
    """Mark accepted findings and add ACC001/ACC002 findings; returns new, sorted findings (inputs are not changed).

    `sources` maps design-relative file names (as in Node.file) to their text; files missing from it contribute no
    comment acceptances. With `enabled=False` every acceptance is ignored and no ACC finding is produced.
    """
    out = [replace(f) for f in findings]
    if not enabled:
        return sort_findings(out)
    extra: list[Finding] = []
    reasons: dict[int, list[str]] = {}
    for acc in collect(diagram, sources):
        p = acc.parsed
        if p.problem:
            extra.append(_problem(acc, diagram))
            continue
        where = _where(acc, diagram)
        if p.expires is not None and today > p.expires:
            extra.append(_acc_finding(
                "ACC001",
                f"acceptance `{','.join(p.codes)}@{where}` expired on {p.expires.isoformat()}; not applied",
                "remove it, or renew the expiry if the reason still holds", acc, diagram,
                f"{','.join(p.codes)}@{where}"))
            continue
        used: set[str] = set()
        for i, f in enumerate(out):
            if acc.covers(f):
                used.add(f.code)
                if p.reason not in reasons.setdefault(i, []):
                    reasons[i].append(p.reason)
        for code in p.codes:
            if code not in used:
                extra.append(_acc_finding(
                    "ACC001",
                    f"acceptance `{code}@{where}` is unused: no {code} finding on `{where}`",
                    "remove it, or move it to the node or edge the finding is about", acc, diagram,
                    f"{code}@{where}"))
    for i, rs in reasons.items():
        earlier = [out[i].reason] if out[i].accepted and out[i].reason and out[i].reason not in rs else []
        out[i].accepted, out[i].reason = True, "; ".join(earlier + rs)
    return sort_findings(out + extra)
