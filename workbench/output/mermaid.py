"""Mermaid flowcharts of captured diagrams: clusters as subgraphs, findings as classes (GitHub renders them)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from workbench.design.model import DesignModel, Diagram

# Graphviz rankdir -> Mermaid direction; `diagrams` defaults to LR.
DIRECTIONS = {"LR": "LR", "RL": "RL", "TB": "TB", "BT": "BT"}
CLASSES = {  # the findings view's colours (render.FINDING_COLOURS), so both pictures agree
    "error": "stroke:#d62728,stroke-width:4px",
    "warning": "stroke:#f0a30a,stroke-width:4px",
    "accepted": "stroke:#7B8894,stroke-dasharray:4 3",
}
TAGS = re.compile(r"<[^>]*>")


def mermaid_id(prefix: str, raw: str, taken: dict[str, str]) -> str:
    """A Mermaid-safe id for a node or cluster id: letters, digits and _ only, never a keyword (`end`),
    unique even where two raw ids differ only in punctuation."""
    if raw in taken:
        return taken[raw]
    base = prefix + (re.sub(r"[^A-Za-z0-9_]", "_", raw) or "x")
    ident, n = base, 2
    used = set(taken.values())
    while ident in used:
        ident, n = f"{base}_{n}", n + 1
    taken[raw] = ident
    return ident


def text(label: str) -> str:
    """A label inside Mermaid's quotes: HTML-like Graphviz labels lose their tags; &, <, >, quotes and # become
    HTML entities (Mermaid's own `#quot;` codes come out garbled next to a <br/> in Mermaid 11, and it reads
    `#1;` in a label as such a code), newlines line breaks."""
    if label.startswith("<<") and label.endswith(">>"):
        label = TAGS.sub(" ", label[2:-2].replace("<br/>", "\n").replace("<br />", "\n"))
        label = re.sub(r"[ \t]+", " ", label).strip()
    label = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    label = label.replace("#", "&#35;")
    return "<br/>".join(part.strip() for part in label.replace("\\n", "\n").splitlines()) or " "


def node_label(node) -> str:
    if node.c4 and node.c4.get("name"):
        return node.c4["name"]
    return node.label


def arrow(edge) -> tuple[str, str, str]:
    """(from, link, to) as drawn: `a << b` points at a; dashed and bold edges keep their look."""
    style = f"{edge.style} {edge.attrs.get('style', '')}"
    dotted, bold = "dashed" in style or "dotted" in style, "bold" in style
    if edge.dir == "none":
        link = "-.-" if dotted else "===" if bold else "---"
    elif edge.dir == "both":
        link = "<-.->" if dotted else "<==>" if bold else "<-->"
    else:
        link = "-.->" if dotted else "==>" if bold else "-->"
    if edge.dir == "back":
        return edge.head, link, edge.tail
    return edge.tail, link, edge.head


def flowchart(diagram: Diagram, findings: Iterable[dict] = ()) -> str:
    """One diagram as a Mermaid flowchart.

    `findings` are the diagram's findings as in findings.json (`severity`, `accepted`, `node_ids`, `number`):
    each node gets the class of its worst active finding (`error`, `warning`) or `accepted`, and a `%%`
    comment per finding keeps the numbers and messages of the findings list next to the picture.
    """
    ids: dict[str, str] = {}
    direction = DIRECTIONS.get(str(diagram.attrs.get("graph", {}).get("rankdir", "LR")).upper(), "LR")
    lines = [f"%% {diagram.name}", f"flowchart {direction}"]
    nodes = {n.id: n for n in diagram.nodes}
    clusters = {c.id: c for c in diagram.clusters}
    seen_nodes: set[str] = set()

    def fill(scope: str, depth: int) -> None:
        pad = "    " * depth
        for kind, item in diagram.layout.get(scope, []):
            if kind == "node" and item in nodes:
                seen_nodes.add(item)
                lines.append(f'{pad}{mermaid_id("n_", item, ids)}["{text(node_label(nodes[item]))}"]')
            elif kind == "cluster" and item in clusters:
                lines.append(f'{pad}subgraph {mermaid_id("c_", item, ids)}["{text(clusters[item].label)}"]')
                fill(item, depth + 1)
                lines.append(f"{pad}end")

    fill("", 1)
    for node in diagram.nodes:  # a model without layout order (older model.json) still lists every node
        if node.id not in seen_nodes:
            lines.append(f'    {mermaid_id("n_", node.id, ids)}["{text(node_label(node))}"]')
    for edge in diagram.edges:
        if edge.tail not in nodes or edge.head not in nodes:
            continue
        start, link, end = arrow(edge)
        label = f'|"{text(edge.label)}"|' if edge.label else ""
        lines.append(f"    {mermaid_id('n_', start, ids)} {link}{label} {mermaid_id('n_', end, ids)}")
    marks: dict[str, str] = {}
    notes = []
    rank = {"accepted": 0, "warning": 1, "error": 2}
    for f in findings:
        kind = "accepted" if f.get("accepted") else f.get("severity")
        number = f"#{f['number']} " if f.get("number") else ""
        notes.append(f"%% {number}{f.get('code')} {kind}: {' '.join(str(f.get('message', '')).split())}")
        if kind not in rank:
            continue
        for nid in f.get("node_ids", []):
            if nid in nodes and rank[kind] > rank.get(marks.get(nid, ""), -1):
                marks[nid] = kind
    for kind in ("error", "warning", "accepted"):
        members = [mermaid_id("n_", nid, ids) for nid in nodes if marks.get(nid) == kind]
        if members:
            lines.append(f"    classDef {kind} {CLASSES[kind]}")
            lines.append(f"    class {','.join(members)} {kind}")
    return "\n".join(lines + notes) + "\n"


def markdown(model: DesignModel, findings: dict | None = None) -> str:
    """Every diagram of a design as a ```mermaid block in Markdown (GitHub, GitLab and MkDocs render it),
    each followed by its active findings; `findings` is findings.json as a dict."""
    per_diagram = {d["slug"]: d["findings"] for d in (findings or {}).get("diagrams", [])}
    out = [f"# {model.stem}", "", f"Diagrams of `{model.path}`, exported by `workbench export --format mermaid`.", ""]
    for diagram in model.diagrams:
        items = per_diagram.get(diagram.slug, [])
        out += [f"## {diagram.name}", "", "```mermaid", flowchart(diagram, items).rstrip("\n"), "```", ""]
        active = [f for f in items if not f.get("accepted")]
        for f in active:
            number = f"#{f['number']} " if f.get("number") else ""
            out.append(f"- {number}**{f['severity']}** {f['code']}: {' '.join(str(f['message']).split())}")
        out.append("" if active else "No active findings.\n")
    return "\n".join(out).rstrip("\n") + "\n"
