"""DOT text for a captured diagram, from its plain-dict form; used by the renderer and the design process.

The design's own process writes the DOT of its first diagram straight into the `dot` that the renderer has
started ahead (see `render.start_early`), so that Graphviz lays out while the model travels back; the
renderer writes every other one. Both call `source`, so the DOT is the same either way. Imports only the
`graphviz` package (which `diagrams` has loaded already in the child; the build imports it only to write DOT): no
workbench module that the child would not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import graphviz

# Graphviz turns these into <a> links in SVG; a design's outputs must stay self-contained and inert.
LINK_KEYS = frozenset({"URL", "href", "labelURL", "labelhref", "headURL", "headhref", "tailURL", "tailhref",
                       "edgeURL", "edgehref", "target"})


def text_label(value: str) -> str:
    """A label as text, unless it is an explicit Graphviz HTML label written `<<...>>` (as C4 nodes do).

    The graphviz package would read any `<...>` string as HTML: a label such as `<script>x</script>` would
    break the layout, or worse, so plain labels are marked as text.
    """
    if value.startswith("<<") and value.endswith(">>"):
        return value
    trailing = len(value) - len(value.rstrip("\\"))
    if trailing % 2:  # a lone backslash at the end would escape the closing quote: draw it as a backslash
        value += "\\"
    import graphviz  # here: the build imports this module long before it writes DOT, if it ever does

    return graphviz.nohtml(value)


def text_labels(attrs: dict[str, str]) -> dict[str, str]:
    """Every attribute value as text (a tooltip `<b>` must not break the layout); links dropped."""
    return {k: text_label(v) for k, v in attrs.items() if k not in LINK_KEYS}


# The house style: what a design that sets nothing is drawn with (`diagrams` defaults to right-angle edges,
# which bundle parallel lines, stop arrowheads short of nodes and float edge labels away from their edges, and
# to 2 inches of padding that shrinks everything at "fit"). Only keys the design did not set itself are
# replaced (`Diagram.own`); `workbench.toml` can change them ([workbench.style.graph] and so on).
HOUSE: dict[str, dict[str, str]] = {
    # No `ordering`: measured, ordering=out moves more of the other nodes when one is added (docs/benchmarks.md,
    # benchmarks/layout_stability.py); the statement order (the script's), label-based ids and the heavier
    # lines of `line_edges` keep it stable.
    "graph": {"splines": "spline", "pad": "0.4", "nodesep": "0.7", "ranksep": "1.0", "fontsize": "18"},
    "node": {"fontsize": "14"},
    "edge": {"fontsize": "12", "arrowsize": "0.8", "penwidth": "1.2", "labelfloat": "false"},
}


def styled(attrs: dict[str, dict[str, str]], own: dict[str, list[str]] | None,
           style: dict[str, dict[str, str]] | None = None) -> dict[str, dict[str, str]]:
    """The diagram's graph/node/edge attributes with the house style (and `style` over it) filling in every
    key the design did not set itself."""
    own = own or {}
    result = {}
    for part in ("graph", "node", "edge"):
        merged = dict(attrs.get(part, {}))
        for key, value in {**HOUSE[part], **(style or {}).get(part, {})}.items():
            if key not in own.get(part, ()):
                merged[key] = value
        result[part] = merged
    return result


def label_overhang(diagram: dict[str, Any], node_attrs: dict[str, str]) -> float:
    """How far (inches) the widest label sticks out of its fixed-size node: Graphviz leaves such labels out of
    the drawing's bounding box, so the padding must cover them or they are cut off at the edge."""
    try:
        size = float(node_attrs.get("fontsize", "14"))
        default_width = float(node_attrs.get("width", "1.4"))
    except ValueError:
        return 0.0
    widest = 0.0
    for node in diagram["nodes"]:
        lines = str(node.get("label", "")).split("\n")
        try:
            width = float(node.get("attrs", {}).get("width", default_width))
        except ValueError:
            width = default_width
        # ~0.6 em per character in the sans-serif fonts Graphviz finds; overestimating only adds margin.
        text = max((len(line) for line in lines), default=0) * size * 0.6 / 72
        widest = max(widest, (text - width) / 2)
    return widest


def icon_href(icon: dict[str, Any] | None) -> str | None:
    """The image path Graphviz sees: relative to the render work dir, so outputs hold no absolute paths."""
    if not icon or icon.get("missing"):
        return None
    if icon["base"] == "diagrams":
        return icon["path"]  # "resources/..." through the `resources` link
    if icon["base"] == "design":
        return f"design/{icon['path']}"
    return icon["path"]


DIAGRAMS_NODE_HEIGHT, DIAGRAMS_LINE_HEIGHT = 1.9, 0.4  # diagrams.Node: 1.9 in, plus 0.4 per extra label line


def icon_on_top(node: dict[str, Any], attrs: dict[str, str], node_defaults: dict[str, str]) -> dict[str, str]:
    """An icon node of a top-down (or bottom-up) drawing with its icon at the top of its box.

    `diagrams` centres the icon in a box taller than it (1.9 in for a 1.4 in icon) and puts the label at the
    bottom, which leaves a quarter inch of empty box above the icon: in a left-right drawing edges meet the box's
    sides, beside the icon, but top-down they meet its top edge, and every arrowhead stops short of the icon.
    The icon goes to the top and the box loses the slack above it; the label stays right under the icon. A node
    whose own size or image position differs from what `diagrams` sets is left as it is.
    """
    label = str(node.get("label", ""))
    if ("image" not in attrs or "imagepos" in attrs or attrs.get("shape") != "none"
            or (label.startswith("<<") and label.endswith(">>"))):
        return attrs
    merged = {**node_defaults, **attrs}
    if merged.get("fixedsize", "false") != "true" or merged.get("labelloc", "c") != "b":
        return attrs
    try:
        height, width = float(merged.get("height", "")), float(merged.get("width", ""))
    except ValueError:
        return attrs
    if abs(height - (DIAGRAMS_NODE_HEIGHT + DIAGRAMS_LINE_HEIGHT * label.count("\n"))) > 1e-6 or height <= width:
        return attrs
    return {**attrs, "imagepos": "tc", "height": f"{height - (height - width) / 2:g}"}


LINE_WEIGHT = "4"  # measured: 2 moves more, 10 (or a `group`) bends other parts of the drawing out of shape


def line_edges(diagram: dict[str, Any]) -> set[str]:
    """The ids of the edges that the house style weighs more: each node's first edge (in statement order) to a node
    that no other such edge reaches yet, so that they form lines from the entries outward.

    Graphviz keeps a heavier edge shorter and straighter: the drawing gets a skeleton (users -> lb -> app-1 -> db)
    that a node added elsewhere bends less, so fewer of the other nodes change their relative order
    (benchmarks/layout_stability.py, 23 shipped designs plus one node: 2.9% of the pairs swap instead of 4.7%,
    12% of the nodes take part instead of 18%). A design that sets `weight` on an edge or `group` on a node
    arranges its own drawing and gets none of this.
    """
    nodes = {n["id"]: n for n in diagram["nodes"]}
    if (any("group" in n.get("attrs", {}) for n in nodes.values())
            or any("weight" in e.get("attrs", {}) for e in diagram["edges"])):
        return set()
    pairs = {(e["tail"], e["head"]) for e in diagram["edges"]}
    parent: dict[str, str] = {}  # node -> the node whose line it continues
    child: set[str] = set()
    chosen = set()
    for edge in diagram["edges"]:
        tail, head, attrs = edge["tail"], edge["head"], edge.get("attrs", {})
        if (tail == head or tail not in nodes or head not in nodes or tail in child or head in parent
                or (head, tail) in pairs  # drawn both ways (a request and its callback): no direction to favour
                or str(attrs.get("constraint", "true")).lower() == "false" or attrs.get("style") == "invis"):
            continue
        start = tail  # no loop: the head must not already lead to the tail
        while start in parent:
            start = parent[start]
        if start == head:
            continue
        parent[head] = tail
        child.add(tail)
        chosen.add(edge["id"])
    return chosen


# The findings view: outline colour per severity, and the badge text colour on it.
MARK_COLOURS = {"error": "#d62728", "warning": "#f0a30a"}
MARK = "wb_mark"  # overlay key: "<severity>:<numbers>", e.g. "error:3,11"


def html_text(text: str) -> str:
    """Plain text inside a Graphviz HTML label (escaped; newlines become line breaks)."""
    import html

    return "<BR/>".join(html.escape(line, quote=True) for line in str(text).splitlines() or [""])


def badge(colour: str, numbers: str, size: int) -> str:
    return (f'<TABLE BORDER="0" CELLBORDER="0" CELLPADDING="3" CELLSPACING="0" BGCOLOR="{colour}" STYLE="ROUNDED">'
            f'<TR><TD><FONT COLOR="white" POINT-SIZE="{size}"><B>#{html_text(numbers)}</B></FONT></TD></TR></TABLE>')


def marked(node: dict[str, Any], attrs: dict[str, str], mark: str, node_defaults: dict[str, str]) -> dict[str, str]:
    """A node of the findings view: its icon, its label and its number badge inside one outline (an HTML
    table), so that the outline takes in the whole label and the badge is part of the node: Graphviz keeps
    both clear of every other node and label."""
    severity, _, numbers = mark.partition(":")
    colour = MARK_COLOURS.get(severity, MARK_COLOURS["warning"])
    label = str(node["label"])
    inner = label[2:-2] if label.startswith("<<") and label.endswith(">>") else html_text(label)
    image = attrs.get("image")
    if image is None and not (label.startswith("<<") and label.endswith(">>")):
        # No icon: the label sits inside the node's own shape; outline that and hang the badge outside.
        return {**attrs, "color": colour, "penwidth": "4", "style": "rounded,bold",
                "xlabel": "<" + badge(colour, numbers, 14) + ">"}
    try:
        side = float(attrs.get("width", node_defaults.get("width", "1.4"))) * 72
    except ValueError:
        side = 100.8
    rows = [f'<TR><TD ALIGN="RIGHT" CELLPADDING="0">{badge(colour, numbers, 14)}</TD></TR>']
    if image:
        rows.append(f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{side:.0f}" HEIGHT="{side:.0f}">'
                    f'<IMG SRC="{html_text(image)}" SCALE="TRUE"/></TD></TR>')
    rows.append(f"<TR><TD>{inner}</TD></TR>")
    table = (f'<TABLE BORDER="4" COLOR="{colour}" STYLE="ROUNDED" CELLBORDER="0" CELLSPACING="0" '
             f'CELLPADDING="4">{"".join(rows)}</TABLE>')
    kept = {k: v for k, v in attrs.items() if k not in ("image", "shape", "height", "width", "fixedsize", "label",
                                                         "imagescale", "labelloc", "style")}
    # The diagram's node defaults (fixedsize, width, height) would clip the table: size the node to it.
    return {**kept, "shape": "plain", "fixedsize": "false", "width": "0", "height": "0", "margin": "0",
            "label": "<" + table + ">"}


def legend(name: str) -> str:
    """The findings view's caption: the diagram's name and what the colours mean."""
    key = "".join(f'  <FONT COLOR="{c}">&#9632;</FONT> {sev}' for sev, c in MARK_COLOURS.items())
    return (f"<{html_text(name)}<BR/><FONT POINT-SIZE=\"12\">findings view:{key}; "
            "numbers match the findings list</FONT>>")


def digraph(diagram: dict[str, Any], overlay: dict[str, dict[str, str]] | None = None,
            style: dict[str, dict[str, str]] | None = None) -> graphviz.Digraph:
    """Graphviz source for a diagram (model.Diagram as a dict), in the statement order `diagrams` itself
    would produce. `overlay` maps node ids to extra attributes (the findings view outlines and numbers nodes).
    """
    import graphviz

    nodes = {n["id"]: n for n in diagram["nodes"]}
    edges = {e["id"]: e for e in diagram["edges"]}
    clusters = {c["id"]: c for c in diagram["clusters"]}
    layout = diagram.get("layout", {})
    overlay = overlay or {}
    node_defaults: dict[str, str] = {}  # filled below, before any node is written
    vertical = [False]  # top-down or bottom-up: set below, before any node is written
    lines = line_edges(diagram)

    def fill(graph: graphviz.Digraph, scope: str) -> None:
        for kind, item in layout.get(scope, []):
            if kind == "node":
                node = nodes[item]
                attrs = dict(node["attrs"])
                href = icon_href(node.get("icon"))
                if href:
                    attrs["image"] = href
                if vertical[0]:
                    attrs = icon_on_top(node, attrs, node_defaults)
                attrs = text_labels(attrs)
                extra = dict(overlay.get(item, {}))
                mark = extra.pop(MARK, None)
                attrs.update(extra)
                if mark:
                    attrs = marked(node, attrs, mark, node_defaults)
                label = attrs.pop("label", None) or text_label(node["label"])
                graph.node(node["id"], label=label, **attrs)
            elif kind == "edge":
                edge = edges[item]
                attrs = text_labels(edge["attrs"])
                if item in lines:
                    attrs["weight"] = LINE_WEIGHT
                graph.edge(edge["tail"], edge["head"], **attrs)
            else:
                cluster = clusters[item]
                # Graphviz keys clusters by name; ids keep two clusters with one label apart.
                sub = graphviz.Digraph(graphviz.nohtml("cluster_" + cluster["id"]))
                sub.graph_attr.update(text_labels(cluster["attrs"]))
                fill(sub, cluster["id"])
                graph.subgraph(sub)

    attrs = styled(diagram.get("attrs", {}), diagram.get("own"), style)
    if "pad" not in (diagram.get("own") or {}).get("graph", ()) and "pad" not in (style or {}).get("graph", {}):
        try:
            pad = max(float(attrs["graph"].get("pad", "0.4")), round(label_overhang(diagram, attrs["node"]) + 0.2, 1))
            attrs["graph"]["pad"] = f"{pad:g}"
        except ValueError:
            pass
    graph = graphviz.Digraph(graphviz.nohtml(diagram["name"]), strict=diagram["strict"])
    graph.graph_attr.update(text_labels(attrs.get("graph", {})))
    if overlay:
        graph.graph_attr["forcelabels"] = "true"  # finding numbers are xlabels; never drop one
        if any(MARK in o for o in overlay.values()):
            graph.graph_attr["label"] = legend(attrs["graph"].get("label", diagram["name"]))
    graph.node_attr.update(attrs.get("node", {}))
    node_defaults.update(attrs.get("node", {}))
    vertical[0] = str(attrs["graph"].get("rankdir", "TB")).upper() in ("TB", "BT")
    graph.edge_attr.update(attrs.get("edge", {}))
    fill(graph, "")
    return graph


def source(diagram: dict[str, Any], overlay: dict[str, dict[str, str]] | None = None,
           style: dict[str, dict[str, str]] | None = None) -> str:
    return digraph(diagram, overlay, style).source
