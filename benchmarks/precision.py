"""Real-world precision: run `workbench check` on published scripts and score SPOF/REP findings against blind labels."""

from __future__ import annotations

import argparse
import hashlib
import json
import shlex
import subprocess
import sys
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REALWORLD = Path(__file__).resolve().parent / "realworld"
SCORED_FAMILIES = ("SPOF", "REP")


@dataclass
class Finding:
    code: str
    severity: str
    labels: list[str]
    message: str


@dataclass
class Result:
    """What one script produced: its findings, or why it produced none."""

    entry: dict
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None


def norm(label: str) -> str:
    """Labels compare with whitespace collapsed: `MySQL\\n(Database)` is `MySQL (Database)`."""
    return " ".join(str(label).split())


def family(code: str) -> str:
    return code.rstrip("0123456789")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--json", action="store_true", help="print the measurement as JSON")
    p.add_argument("--only", action="append", metavar="ID", help="only this script id (repeatable)")
    p.add_argument("-v", "--verbose", action="store_true", help="print every finding")
    p.add_argument("--workbench", metavar="CMD", default=f"{shlex.quote(sys.executable)} -m workbench",
                   help="how to invoke the tool (default: this interpreter with -m workbench)")
    p.add_argument("--cwd", type=Path, default=ROOT, help="directory the tool runs in (default: the repository root)")
    p.add_argument("--corpus", type=Path, default=REALWORLD / "corpus.json")
    p.add_argument("--scripts", type=Path, default=REALWORLD / "scripts")
    p.add_argument("--jobs", type=int, default=2, help="checks run at once (default 2)")
    p.add_argument("--timeout", type=float, default=180.0, help="seconds per script (default 180)")
    return p.parse_args(argv)


def load_entries(corpus: Path, only: list[str] | None) -> list[dict]:
    entries = json.loads(corpus.read_text(encoding="utf-8"))["scripts"]
    if only:
        unknown = set(only) - {e["id"] for e in entries}
        if unknown:
            raise ValueError(f"unknown id(s): {', '.join(sorted(unknown))}")
        entries = [e for e in entries if e["id"] in only]
    return [e for e in entries if not e["labels"].get("skip_reason")]


def verify_files(entries: list[dict], scripts: Path) -> tuple[list[dict], list[str], list[str]]:
    """Split entries into present ones, missing ids and ids whose bytes differ from the recorded sha256."""
    present, missing, mismatched = [], [], []
    for e in entries:
        path = scripts / f"{e['id']}.py"
        if not path.is_file():
            missing.append(e["id"])
        elif hashlib.sha256(path.read_bytes()).hexdigest() != e["sha256"]:
            mismatched.append(e["id"])
        else:
            present.append(e)
    return present, missing, mismatched


def parse_report(stdout: str) -> tuple[list[Finding], str | None]:
    data = json.loads(stdout)
    findings, errors = [], []
    for design in data.get("designs", []):
        if design.get("error"):
            errors.append(design["error"].get("message", "could not be loaded"))
        for diagram in design.get("diagrams", []):
            for f in diagram.get("findings", []):
                findings.append(Finding(f["code"], f["severity"], [norm(x) for x in f.get("nodes") or []],
                                        f.get("message", "")))
    return findings, "; ".join(errors) or None


def run_check(entry: dict, cmd: list[str], scripts: Path, cwd: Path, timeout: float) -> Result:
    path = scripts / f"{entry['id']}.py"
    argv = cmd + ["check", str(path), "--format", "json", "--fail-on", "never", "--no-accept"]
    try:
        proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return Result(entry, error=f"timed out after {timeout:g} s")
    try:
        findings, error = parse_report(proc.stdout)
    except (json.JSONDecodeError, KeyError) as exc:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [str(exc)]
        return Result(entry, error=f"no JSON report (exit {proc.returncode}): {tail[0]}")
    return Result(entry, findings, error)


def run_all(entries: list[dict], args: argparse.Namespace) -> list[Result]:
    cmd = shlex.split(args.workbench)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        return list(pool.map(lambda e: run_check(e, cmd, args.scripts, args.cwd, args.timeout), entries))


def labels_of(entry: dict, key: str) -> set[str]:
    return {norm(x) for x in entry["labels"].get(key, [])}


# Findings of a family that report no missing redundancy: REP010 states a count the analysis read.
NOT_A_MISS = frozenset({"REP010"})


def found(findings: list[Finding], fam: str, label: str) -> bool:
    return any(family(f.code) == fam and f.code not in NOT_A_MISS and label in f.labels for f in findings)


def score(result: Result) -> dict:
    """Per script: the labels found and missed, the false alarms, and each finding's class."""
    e, fs = result.entry, result.findings
    spof, rep, ok = labels_of(e, "spof"), labels_of(e, "missing_replica"), labels_of(e, "not_spof")
    out = {"id": e["id"], "error": result.error,
           "spof_found": sorted(x for x in spof if found(fs, "SPOF", x)),
           "spof_missed": sorted(x for x in spof if not found(fs, "SPOF", x)),
           "spof_as_rep": sorted(x for x in spof if not found(fs, "SPOF", x) and found(fs, "REP", x)),
           "rep_found": sorted(x for x in rep if found(fs, "REP", x)),
           "rep_missed": sorted(x for x in rep if not found(fs, "REP", x)),
           "false_errors": [], "false_warnings": [], "classes": []}
    for f in fs:
        hit = set(f.labels)
        if family(f.code) in SCORED_FAMILIES and hit & ok and f.severity in ("error", "warning"):
            key = "false_errors" if f.severity == "error" else "false_warnings"
            out[key] += [{"code": f.code, "label": x, "message": f.message} for x in sorted(hit & ok)]
        kind = ("not_spof" if hit & ok else "spof" if hit & spof else "missing_replica" if hit & rep
                else "unlabelled")
        out["classes"].append({"code": f.code, "severity": f.severity, "labels": f.labels, "class": kind,
                               "message": f.message})
    return out


def summarise(scores: list[dict]) -> dict:
    total = Counter()
    rules: dict[str, Counter] = defaultdict(Counter)
    for s in scores:
        total["spof"] += len(s["spof_found"]) + len(s["spof_missed"])
        total["spof_found"] += len(s["spof_found"])
        total["rep"] += len(s["rep_found"]) + len(s["rep_missed"])
        total["rep_found"] += len(s["rep_found"])
        total["false_errors"] += len(s["false_errors"])
        total["false_warnings"] += len(s["false_warnings"])
        total["spof_as_rep"] += len(s["spof_as_rep"])
        total["load_errors"] += bool(s["error"])
        if not s["error"]:
            total["spof_loaded"] += len(s["spof_found"]) + len(s["spof_missed"])
            total["rep_loaded"] += len(s["rep_found"]) + len(s["rep_missed"])
            total["spof_found_loaded"] += len(s["spof_found"]) + len(s["spof_as_rep"])
            total["rep_found_loaded"] += len(s["rep_found"])
        for c in s["classes"]:
            rules[c["code"]]["findings"] += 1
            rules[c["code"]][c["severity"]] += 1
            rules[c["code"]][c["class"]] += 1
    return {"totals": dict(total), "rules": {code: dict(c) for code, c in sorted(rules.items())}}


def pct(n: int, d: int) -> str:
    return f"{n}/{d} ({100.0 * n / d:.0f}%)" if d else "n/a"


def print_text(scores: list[dict], summary: dict, missing: list[str], mismatched: list[str], verbose: bool) -> None:
    t = summary["totals"]
    print(f"scripts scored: {len(scores)}  missing: {len(missing)}  sha256 mismatch: {len(mismatched)}"
          f"  load errors: {t.get('load_errors', 0)}")
    for label, ids in (("missing", missing), ("sha256 mismatch", mismatched)):
        if ids:
            print(f"  {label}: {', '.join(ids)}")
    print(f"SPOF recall (SPOF* at any severity on `spof` labels):     {pct(t.get('spof_found', 0), t.get('spof', 0))}")
    print(f"  also counting REP* on a `spof` label (lone stores):     "
          f"{pct(t.get('spof_found', 0) + t.get('spof_as_rep', 0), t.get('spof', 0))}")
    print(f"REP recall (REP* at any severity on `missing_replica`):   {pct(t.get('rep_found', 0), t.get('rep', 0))}")
    print(f"  labels in scripts that loaded: spof {t.get('spof_loaded', 0)}, missing_replica {t.get('rep_loaded', 0)}")
    if t.get("load_errors"):
        print(f"  recall over the scripts that loaded: SPOF (counting REP) "
              f"{pct(t.get('spof_found_loaded', 0), t.get('spof_loaded', 0))}, "
              f"REP {pct(t.get('rep_found_loaded', 0), t.get('rep_loaded', 0))}")
    print(f"false alarms on `not_spof`: SPOF/REP errors {t.get('false_errors', 0)},"
          f" warnings {t.get('false_warnings', 0)}")
    print("\nper rule: findings (error/warning/info) | on spof, missing_replica, not_spof | unlabelled (to review)")
    for code, c in summary["rules"].items():
        print(f"  {code:9} {c['findings']:4} ({c.get('error', 0)}/{c.get('warning', 0)}/{c.get('info', 0)})"
              f" | {c.get('spof', 0):3} {c.get('missing_replica', 0):3} {c.get('not_spof', 0):3}"
              f" | {c.get('unlabelled', 0):4}")
    print_details(scores, verbose)


def print_details(scores: list[dict], verbose: bool) -> None:
    lines = []
    for s in scores:
        if s["error"]:
            lines.append(f"  LOAD    {s['id']}: {s['error']}")
        lines += [f"  MISS    {s['id']}: SPOF on {x!r}" for x in s["spof_missed"]]
        lines += [f"  MISS    {s['id']}: REP on {x!r}" for x in s["rep_missed"]]
        lines += [f"  FALSE   {s['id']}: {a['code']} error on {a['label']!r}" for a in s["false_errors"]]
        lines += [f"  false   {s['id']}: {a['code']} warning on {a['label']!r}" for a in s["false_warnings"]]
    if lines:
        print("\nmisses and false alarms:")
        print("\n".join(lines))
    if verbose:
        print("\nevery finding:")
        for s in scores:
            for c in s["classes"]:
                print(f"  {s['id']:26} {c['code']:9} {c['severity']:7} {c['class']:15} {c['labels']}: {c['message']}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        entries = load_entries(args.corpus, args.only)
    except (OSError, ValueError, KeyError) as exc:
        print(f"precision.py: {exc}", file=sys.stderr)
        return 2
    present, missing, mismatched = verify_files(entries, args.scripts)
    scores = [score(r) for r in run_all(present, args)]
    summary = summarise(scores)
    if args.json:
        print(json.dumps({"missing": missing, "sha256_mismatch": mismatched, "summary": summary, "scripts": scores},
                         indent=2, ensure_ascii=False))
    else:
        print_text(scores, summary, missing, mismatched, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
