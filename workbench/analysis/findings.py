"""Findings and rule documentation: the plain data that analysis produces and reporters consume."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1, "never": 99}


@dataclass(frozen=True)
class Rule:
    """A rule's stable code and its documentation (sections as in `workbench rules CODE`)."""

    code: str  # e.g. "SPOF001"; never reused
    title: str
    severity: str  # default severity; a finding may differ where the spec says so
    what: str  # what it checks
    why: str  # why it matters
    example: str  # a small design that triggers it
    fix: str  # how to fix it
    accept: str = ""  # how to accept it; filled with the generic text when empty
    refs: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")


@dataclass
class Finding:
    """One rule firing on one target (a replica group, a node, an edge or the whole diagram)."""

    code: str
    severity: str
    message: str
    remediation: str
    diagram: str  # diagram name
    target: str  # stable group key: sorted member labels | class | cluster path
    nodes: list[str] = field(default_factory=list)  # node ids involved, first is the subject
    labels: list[str] = field(default_factory=list)  # their labels, same order
    entries: list[str] = field(default_factory=list)  # labels of the entries affected
    terminal: str | None = None  # label of the capability the witness path reaches
    path: list[str] = field(default_factory=list)  # witness path, labels from entry to terminal
    file: str = ""  # design-relative source file of the subject
    line: int = 0  # source line of the subject
    edges: list[str] = field(default_factory=list)  # edge ids involved (acceptance on edges)
    accepted: bool = False
    reason: str | None = None
    # What the finding rests on that the drawing does not state (a role from a label, an orientation or an entry
    # chosen by the engine); a finding with assumptions is at most a warning (see `cap_for_assumptions`).
    assumptions: list[str] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """Stable across reruns and unrelated edits: the code plus the target key."""
        return hashlib.sha1(f"{self.code}|{self.diagram}|{self.target}".encode()).hexdigest()[:16]

    @property
    def entry(self) -> str | None:
        return ", ".join(self.entries) if self.entries else None

    def sort_key(self) -> tuple:
        return (-SEVERITY_RANK[self.severity], self.code, self.line, self.target)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["nodes"], data["node_ids"] = self.labels, self.nodes
        del data["labels"]
        data["entry"] = self.entry
        data["fingerprint"] = self.fingerprint
        return data


def cap_for_assumptions(finding: Finding) -> Finding:
    """Errors are for what the drawing states; a finding that rests on a guess is at most a warning."""
    if finding.assumptions and finding.severity == "error":
        finding.severity = "warning"
    return finding


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)


def reaches(severity: str, threshold: str) -> bool:
    """True when a finding of `severity` fails a run with `--fail-on threshold`."""
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]


# Findings whose subject is a single point of failure: the SPOF rules, a stateful store without a replica, a quorum
# that cannot lose a member, and a cache the store behind it cannot do without (CACHE002's error: the availability
# counts a load-bearing cache as required).
SINGLE_POINT_CODES = ("SPOF", "REP001", "REP003")


def is_single_point(code: str, severity: str | None) -> bool:
    return code.startswith(SINGLE_POINT_CODES) or (code == "CACHE002" and severity == "error")


def pair_changes(before: dict, after: dict) -> tuple[list[dict], list[dict], list[tuple[dict, dict]]]:
    """(fixed, new, same) between two builds' findings as dicts (`Finding.to_dict`), each set keyed by the
    finding's identity. A finding that moved to another subject of its diagram with the same code and the same
    message or a component in common (a database that became a replica group, a tier drawn in a cluster) is the
    same finding, not one fixed and one new; `same` pairs (before, after) in key order."""
    gone = {k: before[k] for k in sorted(before.keys() - after.keys(), key=str)}
    came = {k: after[k] for k in sorted(after.keys() - before.keys(), key=str)}
    same = [(before[k], after[k]) for k in sorted(before.keys() & after.keys(), key=str)]
    for k, old in list(gone.items()):
        for j, new in came.items():
            if old.get("code") == new.get("code") and old.get("diagram") == new.get("diagram") and (
                    old.get("message") == new.get("message")
                    or set(old.get("node_ids") or ()) & set(new.get("node_ids") or ())):
                same.append((old, new))
                del gone[k], came[j]
                break
    return list(gone.values()), list(came.values()), same

