"""diagrams.net (draw.io) files of captured diagrams: Graphviz's positions, the same icons, editable shapes."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from workbench.design.model import DesignModel, Diagram
from workbench.output.render import layout, shipped_icon_root

POINTS_PER_INCH = 72
FINDING_COLOURS = {"error": "#d62728", "warning": "#f0a30a"}
TAGS = re.compile(r"<[^>]*>")


def _box(bb: str) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = (float(v) for v in bb.split(","))
    return x1, y1, x2, y2


def plain(label: str) -> str:
    """Label text for a cell: HTML-like Graphviz labels (C4 nodes) become their lines of text."""
    if label.startswith("<<") and label.endswith(">>"):
        label = re.sub(r"<br\s*/?>", "\n", label[2:-2])
        label = "\n".join(" ".join(TAGS.sub(" ", line).split()) for line in label.splitlines())
    return "\n".join(line for line in label.replace("\\n", "\n").splitlines() if line.strip())


def icon_data(node, design_dir: Path, cache: dict[str, str]) -> str | None:
    """The node's icon as a draw.io style value (`data:image/png,<base64>`: draw.io's form, with no
    `;base64`, because `;` separates style entries), read once per file; None without a readable icon."""
    icon = node.icon
    if icon is None or icon.missing:
        return None
    path = (shipped_icon_root() / icon.path) if icon.base == "diagrams" else (design_dir / icon.path)
    key = str(path)
    if key not in cache:
        try:
            data = path.read_bytes()
        except OSError:
            cache[key] = ""
        else:
            mime = "image/svg+xml" if path.suffix.lower() == ".svg" else \
                "image/jpeg" if path.suffix.lower() in (".jpg", ".jpeg") else "image/png"
            cache[key] = f"data:{mime},{base64.b64encode(data).decode('ascii')}"
    return cache[key] or None


def cell_text(label: str) -> str:
    """A cell's value for draw.io's HTML labels (`html=1`): escaped text, lines joined with <br>."""
    from html import escape

    return "<br>".join(escape(line, quote=False) for line in label.splitlines())


def font_colour(attrs: dict[str, str], diagram: Diagram, kind: str) -> str:
    """The label colour Graphviz uses: the element's own, the diagram's default for its kind, else diagrams'."""
    return attrs.get("fontcolor") or diagram.attrs.get(kind, {}).get("fontcolor") or "#2D3436"


def style(entries: dict[str, str | int | float]) -> str:
    return "".join(f"{k}={v};" for k, v in entries.items())


def marks_of(findings: list[dict]) -> dict[str, str]:
    """Node id -> worst active severity among errors and warnings (the findings view's outline)."""
    marks: dict[str, str] = {}
    for f in findings:
        if f.get("accepted") or f.get("severity") not in FINDING_COLOURS:
            continue
        for nid in f.get("node_ids", []):
            if marks.get(nid) != "error":
                marks[nid] = f["severity"]
    return marks


def page(diagram: Diagram, design_dir: Path, findings: list[dict], icons: dict[str, str],
         style_: dict | None = None) -> ET.Element:
    """One <diagram> page: clusters as containers, nodes as image shapes (or rounded boxes), edges linked to
    their nodes so they follow when a node is moved."""
    graph = layout(diagram, design_dir, style_)
    _, _, _, top = _box(graph["bb"])
    flip = lambda y: top - y  # noqa: E731  Graphviz's y grows upwards, draw.io's downwards

    page_el = ET.Element("diagram", id=f"wb-{diagram.slug}", name=diagram.name)
    model = ET.SubElement(page_el, "mxGraphModel", grid="1", gridSize="10", guides="1", tooltips="1",
                          connect="1", arrows="1", fold="1", page="0", pageScale="1", math="0", shadow="0")
    root = ET.SubElement(model, "root")
    ET.SubElement(root, "mxCell", id="0")
    ET.SubElement(root, "mxCell", id="1", parent="0")

    objects = graph.get("objects", [])
    by_name = {o["name"]: o for o in objects}
    cluster_ids = {c.id for c in diagram.clusters}
    origin: dict[str, tuple[float, float]] = {"1": (0.0, 0.0)}  # absolute top-left of each container
    marks = marks_of(findings)

    def geometry(cell: ET.Element, x: float, y: float, w: float, h: float, parent: str) -> None:
        px, py = origin[parent]
        ET.SubElement(cell, "mxGeometry", x=f"{x - px:g}", y=f"{y - py:g}", width=f"{w:g}", height=f"{h:g}",
                      **{"as": "geometry"})

    def cell_id(raw: str) -> str:
        return f"{'c' if raw in cluster_ids else 'n'}-{raw}"

    for cluster in diagram.clusters:  # parents come first in the model (a cluster is captured when it opens)
        obj = by_name.get(f"cluster_{cluster.id}")
        if obj is None or "bb" not in obj:
            continue
        x1, y1, x2, y2 = _box(obj["bb"])
        parent = cell_id(cluster.parent) if cluster.parent in cluster_ids and cell_id(cluster.parent) in origin else "1"
        fill = cluster.attrs.get("bgcolor", "#E5F5FD")
        cell = ET.SubElement(root, "mxCell", id=cell_id(cluster.id), value=cell_text(cluster.label), parent=parent, vertex="1",
                             style=style({"rounded": 1, "whiteSpace": "wrap", "html": 1, "container": 1,
                                          "collapsible": 0, "fillColor": fill,
                                          "strokeColor": cluster.attrs.get("pencolor", "#AEB6BE"),
                                          "verticalAlign": "top", "align": "left", "spacingLeft": 8,
                                          "fontColor": cluster.attrs.get("fontcolor", "#2D3436"),
                                          "fontSize": cluster.attrs.get("fontsize", "12")}))
        geometry(cell, x1, flip(y2), x2 - x1, y2 - y1, parent)
        origin[cell_id(cluster.id)] = (x1, flip(y2))

    for node in diagram.nodes:
        obj = by_name.get(node.id)
        if obj is None or "pos" not in obj:
            continue
        cx, cy = (float(v) for v in obj["pos"].split(",")[:2])
        w = float(obj.get("width", 1.4)) * POINTS_PER_INCH
        h = float(obj.get("height", 1.4)) * POINTS_PER_INCH
        parent = cell_id(node.cluster) if node.cluster and cell_id(node.cluster) in origin else "1"
        image = icon_data(node, design_dir, icons)
        label = plain(node.label)  # a C4 node's HTML label becomes its lines: name, technology, description
        mark = marks.get(node.id)
        if image:
            # The icon is square at the top of Graphviz's node box, the label under it, as in the PNG.
            size = min(w, h)
            entries = {"shape": "image", "html": 1, "verticalLabelPosition": "bottom", "verticalAlign": "top",
                       "imageAspect": 1, "aspect": "fixed", "fontColor": font_colour(node.attrs, diagram, "node"),
                       "fontSize": node.attrs.get("fontsize", diagram.attrs.get("node", {}).get("fontsize", "13")),
                       "image": image}
            if mark:
                entries |= {"imageBorder": FINDING_COLOURS[mark], "strokeWidth": 3}
            cell = ET.SubElement(root, "mxCell", id=cell_id(node.id), value=cell_text(label), parent=parent, vertex="1",
                                 style=style(entries))
            geometry(cell, cx - size / 2, flip(cy) - h / 2, size, size, parent)
        else:
            entries = {"rounded": 1, "whiteSpace": "wrap", "html": 1,
                       "fontColor": font_colour(node.attrs, diagram, "node"),
                       "fillColor": node.attrs.get("fillcolor", "#FFFFFF"),
                       "strokeColor": FINDING_COLOURS.get(mark or "", node.attrs.get("color", "#2D3436"))}
            if mark:
                entries["strokeWidth"] = 3
            cell = ET.SubElement(root, "mxCell", id=cell_id(node.id), value=cell_text(label), parent=parent, vertex="1",
                                 style=style(entries))
            geometry(cell, cx - w / 2, flip(cy) - h / 2, w, h, parent)

    drawn = {o.get("name") for o in objects if "pos" in o}
    routes = edge_routes(graph, top)
    for edge in diagram.edges:
        if edge.tail not in drawn or edge.head not in drawn:
            continue
        dashed = any(s in f"{edge.style} {edge.attrs.get('style', '')}" for s in ("dashed", "dotted"))
        entries = {"edgeStyle": "orthogonalEdgeStyle" if diagram.attrs.get("graph", {}).get("splines") == "ortho"
                   else "none", "curved": 1, "html": 1, "rounded": 1,
                   "strokeColor": edge.color or diagram.attrs.get("edge", {}).get("color", "#7B8894"),
                   "endArrow": "classic" if edge.dir in ("forward", "both") else "none",
                   "startArrow": "classic" if edge.dir in ("back", "both") else "none",
                   "fontColor": font_colour(edge.attrs, diagram, "edge")}
        if dashed:
            entries["dashed"] = 1
        cell = ET.SubElement(root, "mxCell", id=f"e-{edge.id}", value=cell_text(plain(edge.label)), parent="1", edge="1",
                             source=cell_id(edge.tail), target=cell_id(edge.head), style=style(entries))
        geometry_el = ET.SubElement(cell, "mxGeometry", relative="1", **{"as": "geometry"})
        points = routes.get((edge.tail, edge.head, plain(edge.label)), [])
        if points:  # Graphviz's route through the layout, so the edge bends around what it bent around
            waypoints = ET.SubElement(geometry_el, "Array", **{"as": "points"})
            for x, y in points.pop(0):
                ET.SubElement(waypoints, "mxPoint", x=f"{x:g}", y=f"{y:g}")
    return page_el


def edge_routes(graph: dict, top: float) -> dict[tuple[str, str, str], list[list[tuple[float, float]]]]:
    """Per (tail, head, label), in Graphviz's order: the points where each edge's spline passes between its
    Bezier segments (draw.io's waypoints, drawn curved), y flipped; straight edges have none."""
    names = {o["_gvid"]: o.get("name") for o in graph.get("objects", []) if "_gvid" in o}
    routes: dict[tuple[str, str, str], list[list[tuple[float, float]]]] = {}
    for e in graph.get("edges", []):
        coords = [p for p in e.get("pos", "").split() if not p.startswith(("e,", "s,"))]
        points = [tuple(float(v) for v in p.split(",")[:2]) for p in coords]
        on_curve = points[3:-1:3]  # a spline is p0 (c1 c2 p)+: the joints between its segments
        key = (names.get(e.get("tail")), names.get(e.get("head")), plain(str(e.get("label", ""))))
        routes.setdefault(key, []).append([(x, top - y) for x, y in on_curve])
    return routes


def drawio(model: DesignModel, design_dir: Path, findings: dict | None = None, house: dict | None = None) -> str:
    """The .drawio file of a design: one page per diagram. `findings` (findings.json as a dict) outlines the
    components of active errors and warnings like the findings view; `house` is the workspace's house style
    ([workbench.style]), so that the positions are those of the rendered PNG and SVG."""
    per_diagram = {d["slug"]: d["findings"] for d in (findings or {}).get("diagrams", [])}
    icons: dict[str, str] = {}
    doc = ET.Element("mxfile", host="workbench", type="device")
    for diagram in model.diagrams:
        doc.append(page(diagram, Path(design_dir), per_diagram.get(diagram.slug, []), icons, house))
    ET.indent(doc, space="  ")
    return ET.tostring(doc, encoding="unicode", xml_declaration=False) + "\n"
