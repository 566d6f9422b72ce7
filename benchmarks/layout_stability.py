"""Layout stability: draw a design, draw it again with one more node, and count how many of the other nodes
change their order relative to each other (left/right along the rank direction's cross axis, before/after along
it), and how many pairs in one rank swap places. Compares `diagrams`' own defaults, the house style without and
with its heavier lines (`dotsource.line_edges`: each node's first edge weighs more), and what else Graphviz
offers.

    .venv/bin/python benchmarks/layout_stability.py [designs/*.py]

Real captures of the shipped designs, real Graphviz (`dot -Tplain`); deterministic, so one run is enough.
"""

from __future__ import annotations

import copy
from dataclasses import asdict
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbench.design import dotsource  # noqa: E402
from workbench.design.loader import load_design  # noqa: E402
from workbench.output.render import dot_binary, prepare_workdir  # noqa: E402

DIAGRAMS_DEFAULTS = {"graph": {"splines": "ortho", "pad": "2.0", "nodesep": "0.60", "ranksep": "0.75",
                               "fontsize": "15"},
                     "node": {"fontsize": "13"}, "edge": {"arrowsize": "1", "penwidth": "1",
                                                          "labelfloat": "false"}}
NO_LINES = "no heavier lines"  # a variant without dotsource.line_edges (what shipped before them)
VARIANTS = {
    "diagrams defaults (ortho, pad 2)": {**DIAGRAMS_DEFAULTS, NO_LINES: True},
    "house style without heavier lines": {NO_LINES: True},
    "house style (what ships: heavier lines)": {},
    "house style + ordering=out": {"graph": {"ordering": "out"}},
    "house style + ordering=out, newrank": {"graph": {"ordering": "out", "newrank": "true"}},
    "house style + newrank": {"graph": {"newrank": "true"}},
    "house style + mclimit=0.1": {"graph": {"mclimit": "0.1"}},
    "house style + remincross=false": {"graph": {"remincross": "false"}},
}


def positions(diagram: dict, style: dict, work: Path) -> dict[str, tuple[float, float]]:
    style = dict(style)
    lines = dotsource.line_edges
    if style.pop(NO_LINES, False):
        dotsource.line_edges = lambda diagram: set()
    try:
        (work / "d.gv").write_text(dotsource.source(diagram, style=style), encoding="utf-8")
    finally:
        dotsource.line_edges = lines
    out = subprocess.run([dot_binary(), "-Tplain", "d.gv"], cwd=work, capture_output=True, text=True, check=True)
    found = {}
    for line in out.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == "node":
            found[parts[1].strip('"')] = (float(parts[2]), float(parts[3]))
    return found


def plus_one(diagram: dict, anchor: dict) -> dict:
    """The same drawing and one more node, drawn right after `anchor` and called from it."""
    grown = copy.deepcopy(diagram)
    node = copy.deepcopy(anchor)
    node.update(id="wb-added-node", label="added", attrs=dict(anchor["attrs"]))
    grown["nodes"].append(node)
    scope = anchor.get("cluster") or ""
    entries = grown["layout"].setdefault(scope, [])
    at = next(i for i, (kind, item) in enumerate(entries) if kind == "node" and item == anchor["id"]) + 1
    entries.insert(at, ["node", node["id"]])
    edge = {"id": "wb-added-edge", "tail": anchor["id"], "head": node["id"], "attrs": {"dir": "forward"}}
    grown["edges"].append({**grown["edges"][0], **edge} if grown["edges"] else edge)
    grown["layout"][""].append(["edge", "wb-added-edge"])
    return grown


def flips(before: dict, after: dict, tolerance: float = 0.05) -> tuple[int, int, int, int, int]:
    """(pairs whose order flipped on either axis, pairs compared, nodes in at least one flipped pair, pairs in
    one rank (same position along the rank axis, x for left-right drawings) that swapped, pairs in one rank)."""
    ids = sorted(before)
    flipped, moved = 0, set()
    pairs = same_rank = swapped = 0
    # the rank axis: the one along which the nodes take fewer distinct positions (one per rank)
    rank_axis = 0 if len({round(p[0], 1) for p in before.values()}) <= len({round(p[1], 1) for p in before.values()}) else 1
    for i, a in enumerate(ids):
        for b in ids[i + 1:]:
            pairs += 1
            in_rank = abs(before[a][rank_axis] - before[b][rank_axis]) <= tolerance
            same_rank += in_rank
            for axis in (0, 1):
                d0 = before[a][axis] - before[b][axis]
                d1 = after[a][axis] - after[b][axis]
                if abs(d0) > tolerance and abs(d1) > tolerance and (d0 > 0) != (d1 > 0):
                    flipped += 1
                    swapped += in_rank
                    moved |= {a, b}
                    break
    return flipped, pairs, len(moved), swapped, same_rank


def main(paths: list[str]) -> None:
    designs = [Path(p) for p in paths] or sorted((ROOT / "designs").glob("[!_]*.py"))
    totals = {name: [0, 0, 0, 0, 0, 0] for name in VARIANTS}  # flipped pairs, pairs, moved, nodes, in-rank ones
    with tempfile.TemporaryDirectory(prefix="wb-stability-") as tmp:
        work = Path(tmp)
        for design in designs:
            model = load_design(design.resolve(), root=ROOT)
            prepare_workdir(work, design.resolve().parent)
            diagram = asdict(model.diagrams[0])
            nodes = diagram["nodes"]
            anchors = [nodes[0], nodes[len(nodes) // 2], nodes[-1]]
            for name, style in VARIANTS.items():
                base = positions(diagram, style, work)
                for anchor in anchors:
                    grown = positions(plus_one(diagram, anchor), style, work)
                    grown.pop("wb-added-node", None)
                    f, p, m, sw, sr = flips(base, grown)
                    t = totals[name]
                    t[0] += f; t[1] += p; t[2] += m; t[3] += len(base); t[4] += sw; t[5] += sr  # noqa: E702
    print(f"{len(designs)} designs, 3 added nodes each (after the first, middle and last node)\n")
    print("| style | pairs of other nodes that swap order | pairs in one rank that swap places "
          "| other nodes that change order with any other |")
    print("| --- | ---: | ---: | ---: |")
    for name, (f, p, m, n, sw, sr) in totals.items():
        print(f"| {name} | {f} of {p} ({100 * f / p:.1f}%) | {sw} of {sr} ({100 * sw / sr:.1f}%) "
              f"| {m} of {n} ({100 * m / n:.1f}%) |")


if __name__ == "__main__":
    main(sys.argv[1:])
