"""`workbench diff OLD NEW`: what changed between two versions of a design, in components, edges and findings.

Each side is a design file, or a file at a git revision: `designs/x.py@HEAD~1`. A revision is checked out into a
temporary folder that mirrors the repository from the design's folder down (so the helper modules and icons of
that revision come along) and loaded there with the ordinary loader; nothing in the working tree changes.

Diagrams are paired by slug (a lone diagram on each side is paired whatever its name). Within a pair,
components are compared by node id (ids are stable, derived from labels), edges by (caller label, callee label)
as a multiset, and findings by fingerprint (rule code and target).
"""

from __future__ import annotations

import json
import subprocess
import tarfile
import tempfile
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from workbench.analysis.findings import Finding, sort_findings
from workbench.analysis.orient import display_label
from workbench.config import Config
from workbench.design.model import DesignModel, Diagram
from workbench.errors import WorkbenchError

JSON_VERSION = 1


@dataclass
class Side:
    spec: str  # as the user wrote it
    model: DesignModel
    findings: dict[str, list[Finding]]  # diagram slug -> findings (accepted ones flagged)
    availability: dict[str, dict] = field(default_factory=dict)  # diagram slug -> check's "availability" object


@dataclass
class DiagramDiff:
    old: str | None  # diagram names; None when the diagram is new or gone
    new: str | None
    added: list[dict] = field(default_factory=list)  # {"id", "label", "class"}
    removed: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)  # {"id", "label", "changes": [str]}
    edges_added: list[list[str]] = field(default_factory=list)  # [caller label, callee label]
    edges_removed: list[list[str]] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    introduced: list[Finding] = field(default_factory=list)
    accepted: list[Finding] = field(default_factory=list)  # active before, accepted now
    reopened: list[Finding] = field(default_factory=list)  # accepted before, active now
    unchanged: int = 0  # active on both sides
    # issue 16: {"before": %, "after": %, "slo": %, "entries": {entry: [before %, after %]}}; None without entries
    availability: dict | None = None

    @property
    def empty(self) -> bool:
        moved = bool(self.availability) and self.availability["before"] != self.availability["after"]
        return not (self.added or self.removed or self.changed or self.edges_added or self.edges_removed
                    or self.fixed or self.introduced or self.accepted or self.reopened or moved)

    def to_dict(self) -> dict:
        def findings(items: list[Finding]) -> list[dict]:
            return [{"code": f.code, "severity": f.severity, "message": f.message, "target": f.target,
                     "nodes": f.labels, "fingerprint": f.fingerprint} for f in items]

        return {"old": self.old, "new": self.new,
                "components": {"added": self.added, "removed": self.removed, "changed": self.changed},
                "edges": {"added": self.edges_added, "removed": self.edges_removed},
                "findings": {"fixed": findings(self.fixed), "introduced": findings(self.introduced),
                             "accepted": findings(self.accepted), "reopened": findings(self.reopened),
                             "unchanged": self.unchanged},
                "availability": self.availability}


@dataclass
class DesignDiff:
    old: str
    new: str
    diagrams: list[DiagramDiff]

    def total(self, name: str) -> int:
        return sum(len(getattr(d, name)) for d in self.diagrams)


# -- loading each side ---------------------------------------------------------------------------------------------


def git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise WorkbenchError("git was not found on PATH; it is needed for file@REVISION") from None


def split_spec(spec: str) -> tuple[Path, str | None]:
    """`designs/x.py@HEAD~1` -> (designs/x.py, "HEAD~1"); an existing file whose name holds an @ stays whole."""
    if Path(spec).is_file() or "@" not in spec:
        return Path(spec), None
    path, _, rev = spec.rpartition("@")
    if not path or not rev:
        raise WorkbenchError(f"{spec!r}: write FILE@REVISION, e.g. designs/x.py@HEAD~1")
    return Path(path), rev


def checkout(path: Path, rev: str, cfg: Config, stack: ExitStack) -> tuple[Path, Path]:
    """Extract the design's folder at `rev` into a temporary mirror; returns (design, workspace root) there."""
    folder = path.absolute().parent
    while not folder.is_dir() and folder != folder.parent:  # the folder may be gone from the working tree
        folder = folder.parent
    found = git(["rev-parse", "--show-toplevel"], folder)
    if found.returncode:
        raise WorkbenchError(f"{path}: not inside a git repository, so {path}@{rev} cannot be read")
    top = Path(found.stdout.decode().strip()).resolve()
    absolute = path.absolute().parent.resolve() / path.name
    try:
        rel = absolute.relative_to(top)
    except ValueError:
        raise WorkbenchError(f"{path} is outside the repository at {top}") from None
    commit = git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top)
    if commit.returncode:
        raise WorkbenchError(f"{rev!r} is not a revision of the repository at {top}")
    if git(["cat-file", "-e", f"{rev}:{rel.as_posix()}"], top).returncode:
        raise WorkbenchError(f"{rel.as_posix()} does not exist at {rev}")
    subtree = rel.parent.as_posix() if rel.parent != Path(".") else "."
    archive = git(["archive", "--format=tar", rev, "--", subtree], top)
    if archive.returncode:
        raise WorkbenchError(f"git archive {rev} {subtree} failed: {archive.stderr.decode().strip()}")
    tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="wb-diff-")))
    tar_path = tmp / "rev.tar"
    tar_path.write_bytes(archive.stdout)
    mirror = tmp / "tree"
    with tarfile.open(tar_path) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(mirror, filter="data")
        else:  # pragma: no cover - Python < 3.11.4
            tar.extractall(mirror)  # noqa: S202 - our own repository's archive
    root = cfg.root.resolve()
    try:
        mirror_root = mirror / root.relative_to(top)
    except ValueError:
        mirror_root = mirror / rel.parent
    return mirror / rel, mirror_root


def load_side(spec: str, cfg: Config, stack: ExitStack) -> Side:
    from workbench.analysis.review import review
    from workbench.design.loader import load_design

    path, rev = split_spec(spec)
    if rev is None:
        if not path.is_file():
            raise WorkbenchError(f"{spec}: no such design file (for a git revision write {spec}@HEAD~1)")
        design, root = path.absolute(), cfg.root
    else:
        design, root = checkout(path, rev, cfg, stack)
    model = load_design(design, root=root, timeout=cfg.timeout)
    reviews = review(model, design)
    return Side(spec, model, {r.diagram.slug: r.findings for r in reviews},
                {r.diagram.slug: (r.reliability or {}).get("availability") or {} for r in reviews})


# -- comparing -----------------------------------------------------------------------------------------------------


def pair_diagrams(old: list[Diagram], new: list[Diagram]) -> list[tuple[Diagram | None, Diagram | None]]:
    new_by_slug = {d.slug: d for d in new}
    pairs: list[tuple[Diagram | None, Diagram | None]] = []
    lone_old = []
    for d in old:
        if d.slug in new_by_slug:
            pairs.append((d, new_by_slug.pop(d.slug)))
        else:
            lone_old.append(d)
    lone_new = [d for d in new if d.slug in new_by_slug]
    if len(lone_old) == 1 and len(lone_new) == 1:  # a renamed diagram is still the same diagram
        return pairs + [(lone_old[0], lone_new[0])]
    return pairs + [(d, None) for d in lone_old] + [(None, d) for d in lone_new]


def _component(node) -> dict:
    return {"id": node.id, "label": display_label(node), "class": node.cls}


def _changes(a, b) -> list[str]:
    out = []
    if a.cls != b.cls:
        out.append(f"class {a.cls} -> {b.cls}")
    if display_label(a) != display_label(b):
        out.append(f"label {display_label(a)!r} -> {display_label(b)!r}")
    for key in sorted(set(a.analysis) | set(b.analysis)):
        if a.analysis.get(key) != b.analysis.get(key):
            out.append(f"{key} {a.analysis.get(key, '(unset)')} -> {b.analysis.get(key, '(unset)')}")
    return out


def _edges(d: Diagram | None) -> Counter:
    if d is None:
        return Counter()
    labels = {n.id: display_label(n) for n in d.nodes}
    return Counter((labels.get(e.caller, e.caller), labels.get(e.callee, e.callee)) for e in d.edges)


def compare_diagrams(old: Diagram | None, new: Diagram | None, old_findings: list[Finding],
                     new_findings: list[Finding]) -> DiagramDiff:
    diff = DiagramDiff(old.name if old else None, new.name if new else None)
    a = {n.id: n for n in (old.nodes if old else [])}
    b = {n.id: n for n in (new.nodes if new else [])}
    diff.added = [_component(n) for nid, n in b.items() if nid not in a]
    diff.removed = [_component(n) for nid, n in a.items() if nid not in b]
    for nid in a.keys() & b.keys():
        changes = _changes(a[nid], b[nid])
        if changes:
            diff.changed.append({"id": nid, "label": display_label(b[nid]), "changes": changes})
    diff.changed.sort(key=lambda c: list(b).index(c["id"]))
    ea, eb = _edges(old), _edges(new)
    diff.edges_added = [list(e) for e in sorted((eb - ea).elements())]
    diff.edges_removed = [list(e) for e in sorted((ea - eb).elements())]

    def key(f: Finding) -> tuple[str, str]:  # the fingerprint without the diagram name: the pair is the diagram
        return f.code, f.target

    before = {key(f): f for f in old_findings}
    after = {key(f): f for f in new_findings}
    for k, f in after.items():
        was = before.get(k)
        if was is None:
            if not f.accepted:
                diff.introduced.append(f)
        elif was.accepted and not f.accepted:
            diff.reopened.append(f)
        elif not was.accepted and f.accepted:
            diff.accepted.append(f)
        elif not f.accepted:
            diff.unchanged += 1
    diff.fixed = [f for k, f in before.items() if k not in after and not f.accepted]
    for name in ("fixed", "introduced", "accepted", "reopened"):
        setattr(diff, name, sort_findings(getattr(diff, name)))
    return diff


def compare_availability(old: dict, new: dict) -> dict | None:
    """The estimate before and after (lowest over entries, percent) and per entry on either side."""
    if old.get("estimate") is None and new.get("estimate") is None:
        return None
    names = list(dict.fromkeys([*old.get("entries", {}), *new.get("entries", {})]))
    return {"before": old.get("estimate"), "after": new.get("estimate"), "slo": new.get("slo", old.get("slo")),
            "entries": {n: [old.get("entries", {}).get(n), new.get("entries", {}).get(n)] for n in names}}


def compare(old: Side, new: Side) -> DesignDiff:
    diagrams = []
    for a, b in pair_diagrams(old.model.diagrams, new.model.diagrams):
        d = compare_diagrams(a, b, old.findings.get(a.slug, []) if a else [],
                             new.findings.get(b.slug, []) if b else [])
        d.availability = compare_availability(old.availability.get(a.slug, {}) if a else {},
                                              new.availability.get(b.slug, {}) if b else {})
        diagrams.append(d)
    return DesignDiff(old.spec, new.spec, diagrams)


def diff_designs(old: str, new: str | None, cfg: Config) -> DesignDiff:
    """Load both sides and compare them; NEW defaults to the working copy of OLD's file."""
    if new is None:
        path, rev = split_spec(old)
        if rev is None:
            raise WorkbenchError("give two designs, or one at a revision: workbench diff designs/x.py@HEAD~1")
        new = str(path)
    with ExitStack() as stack:
        return compare(load_side(old, cfg, stack), load_side(new, cfg, stack))


# -- output ------------------------------------------------------------------------------------------------------


def to_text(diff: DesignDiff) -> str:
    lines = [f"diff {diff.old} -> {diff.new}"]
    for d in diff.diagrams:
        if d.old is None:
            title = f"diagram {d.new} (new)"
        elif d.new is None:
            title = f"diagram {d.old} (gone)"
        else:
            title = f"diagram {d.new}" + (f" (was {d.old})" if d.old != d.new else "")
        lines.append(title)
        if d.empty:
            lines.append("  no changes")
            continue
        if d.added or d.removed or d.changed:
            lines.append(f"  components: {len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed")
            lines += [f"    + {c['label']} ({c['class']})" for c in d.added]
            lines += [f"    - {c['label']} ({c['class']})" for c in d.removed]
            lines += [f"    ~ {c['label']}: {'; '.join(c['changes'])}" for c in d.changed]
        if d.edges_added or d.edges_removed:
            lines.append(f"  edges: {len(d.edges_added)} added, {len(d.edges_removed)} removed")
            lines += [f"    + {u} -> {v}" for u, v in d.edges_added]
            lines += [f"    - {u} -> {v}" for u, v in d.edges_removed]
        lines.append(f"  findings: {len(d.fixed)} fixed, {len(d.introduced)} introduced"
                     + (f", {len(d.accepted)} accepted" if d.accepted else "")
                     + (f", {len(d.reopened)} no longer accepted" if d.reopened else "")
                     + f", {d.unchanged} unchanged")
        for name, items in (("fixed", d.fixed), ("introduced", d.introduced), ("accepted", d.accepted),
                            ("reopened", d.reopened)):
            lines += [f"    {name:<10} {f.code} {f.severity}: {f.message}" for f in items]
        if d.availability:
            lines.append("  " + _availability_line(d.availability))
    def n(count: int, word: str) -> str:
        return f"{count} {word}{'s' * (count != 1)}"

    lines.append(f"summary: {n(diff.total('added'), 'component')} added, {diff.total('removed')} removed, "
                 f"{diff.total('changed')} changed; {n(diff.total('edges_added'), 'edge')} added, "
                 f"{diff.total('edges_removed')} removed; {n(diff.total('fixed'), 'finding')} fixed, "
                 f"{diff.total('introduced')} introduced")
    return "\n".join(lines) + "\n"


def _availability_line(a: dict) -> str:
    """"availability: 99.4376% -> 99.937% (SLO 99.9%: missed -> met)"."""
    from workbench.analysis.availability import percent_text

    def pct(value: float | None) -> str:
        return "(none)" if value is None else percent_text(value / 100.0)

    text = f"availability: {pct(a['before'])} -> {pct(a['after'])}"
    slo = a.get("slo")
    if slo is not None:
        def verdict(value: float | None) -> str:
            return "-" if value is None else ("met" if value >= slo - 1e-9 else "missed")

        text += f" (SLO {slo:g}%: {verdict(a['before'])} -> {verdict(a['after'])})"
    return text


def to_json(diff: DesignDiff) -> str:
    data = {"version": JSON_VERSION, "old": diff.old, "new": diff.new,
            "diagrams": [d.to_dict() for d in diff.diagrams],
            "summary": {name: diff.total(name) for name in (
                "added", "removed", "changed", "edges_added", "edges_removed", "fixed", "introduced", "accepted",
                "reopened")}}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
