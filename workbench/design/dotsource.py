"""DOT text for a captured diagram, from its plain-dict form; used by the renderer and the design process.

The design's own process writes the DOT of its first diagram straight into the `dot` that the renderer has
started ahead (see `render.start_early`), so that Graphviz lays out while the model travels back; the
renderer writes every other one. Both call `source`, so the DOT is the same either way. Imports only the
`graphviz` package, which `diagrams` has loaded already: no workbench module that the child would not need.
"""

from __future__ import annotations

from typing import Any

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
    return graphviz.nohtml(value)


def text_labels(attrs: dict[str, str]) -> dict[str, str]:
    """Every attribute value as text (a tooltip `<b>` must not break the layout); links dropped."""
    return {k: text_label(v) for k, v in attrs.items() if k not in LINK_KEYS}


def icon_href(icon: dict[str, Any] | None) -> str | None:
    """The image path Graphviz sees: relative to the render work dir, so outputs hold no absolute paths."""
    if not icon or icon.get("missing"):
        return None
    if icon["base"] == "diagrams":
        return icon["path"]  # "resources/..." through the `resources` link
    if icon["base"] == "design":
        return f"design/{icon['path']}"
    return icon["path"]


def digraph(diagram: dict[str, Any], overlay: dict[str, dict[str, str]] | None = None) -> graphviz.Digraph:
    """Graphviz source for a diagram (model.Diagram as a dict), in the statement order `diagrams` itself
    would produce. `overlay` maps node ids to extra attributes (the findings view outlines and numbers nodes).
    """
    nodes = {n["id"]: n for n in diagram["nodes"]}
    edges = {e["id"]: e for e in diagram["edges"]}
    clusters = {c["id"]: c for c in diagram["clusters"]}
    layout = diagram.get("layout", {})
    overlay = overlay or {}

    def fill(graph: graphviz.Digraph, scope: str) -> None:
        for kind, item in layout.get(scope, []):
            if kind == "node":
                node = nodes[item]
                attrs = dict(node["attrs"])
                href = icon_href(node.get("icon"))
                if href:
                    attrs["image"] = href
                attrs = text_labels(attrs)
                attrs.update(overlay.get(item, {}))
                graph.node(node["id"], label=text_label(node["label"]), **attrs)
            elif kind == "edge":
                edge = edges[item]
                graph.edge(edge["tail"], edge["head"], **text_labels(edge["attrs"]))
            else:
                cluster = clusters[item]
                # Graphviz keys clusters by name; ids keep two clusters with one label apart.
                sub = graphviz.Digraph(graphviz.nohtml("cluster_" + cluster["id"]))
                sub.graph_attr.update(text_labels(cluster["attrs"]))
                fill(sub, cluster["id"])
                graph.subgraph(sub)

    attrs = diagram.get("attrs", {})
    graph = graphviz.Digraph(graphviz.nohtml(diagram["name"]), strict=diagram["strict"])
    graph.graph_attr.update(text_labels(attrs.get("graph", {})))
    if overlay:
        graph.graph_attr["forcelabels"] = "true"  # finding numbers are xlabels; never drop one
    graph.node_attr.update(attrs.get("node", {}))
    graph.edge_attr.update(attrs.get("edge", {}))
    fill(graph, "")
    return graph


def source(diagram: dict[str, Any], overlay: dict[str, dict[str, str]] | None = None) -> str:
    return digraph(diagram, overlay).source
