"""The one door to Graphviz: turn a captured Diagram into DOT and run `dot` once for all formats."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

import graphviz

from workbench.config import FORMATS
from workbench.errors import GraphvizMissing, WorkbenchError
from workbench.model import Diagram, Node

log = logging.getLogger(__name__)



def dot_binary() -> str:
    found = shutil.which("dot")
    if not found:
        raise GraphvizMissing()
    return found


def shipped_icon_root() -> Path:
    """Folder that holds `resources/` with the icons `diagrams` ships (beside the package)."""
    import diagrams

    return Path(diagrams.__file__).resolve().parent.parent


def icon_href(node: Node) -> str | None:
    """The image path Graphviz sees: relative to the render work dir, so outputs hold no absolute paths."""
    icon = node.icon
    if icon is None or icon.missing:
        return None
    if icon.base == "diagrams":
        return icon.path  # "resources/..." through the `resources` link
    if icon.base == "design":
        return f"design/{icon.path}"
    return icon.path


def to_dot(diagram: Diagram, overlay: dict[str, dict[str, str]] | None = None) -> graphviz.Digraph:
    """Graphviz source for a diagram, with the statement order `diagrams` itself would produce.

    `overlay` maps node ids to extra attributes (the findings view outlines and numbers nodes).
    """
    nodes = {n.id: n for n in diagram.nodes}
    edges = {e.id: e for e in diagram.edges}
    clusters = {c.id: c for c in diagram.clusters}
    overlay = overlay or {}

    def fill(graph: graphviz.Digraph, scope: str) -> None:
        for kind, item in diagram.layout.get(scope, []):
            if kind == "node":
                node = nodes[item]
                attrs = dict(node.attrs)
                href = icon_href(node)
                if href:
                    attrs["image"] = href
                attrs.update(overlay.get(item, {}))
                graph.node(node.id, label=node.label, **attrs)
            elif kind == "edge":
                edge = edges[item]
                graph.edge(edge.tail, edge.head, **edge.attrs)
            else:
                cluster = clusters[item]
                # Graphviz keys clusters by name; ids keep two clusters with one label apart.
                sub = graphviz.Digraph("cluster_" + cluster.id)
                sub.graph_attr.update(cluster.attrs)
                fill(sub, cluster.id)
                graph.subgraph(sub)

    graph = graphviz.Digraph(diagram.name, strict=diagram.strict)
    graph.graph_attr.update(diagram.attrs.get("graph", {}))
    graph.node_attr.update(diagram.attrs.get("node", {}))
    graph.edge_attr.update(diagram.attrs.get("edge", {}))
    fill(graph, "")
    return graph


def prepare_workdir(workdir: Path, design_dir: Path) -> None:
    """Links that let Graphviz find shipped icons and the design's own icons by relative paths."""
    workdir.mkdir(parents=True, exist_ok=True)
    for target, name in ((shipped_icon_root() / "resources", "resources"), (design_dir, "design")):
        link = workdir / name
        if not link.exists():
            link.symlink_to(target, target_is_directory=True)


def render_diagram(diagram: Diagram, design_dir: Path, workdir: Path, outputs: dict[str, Path],
                   overlay: dict[str, dict[str, str]] | None = None) -> str:
    """Lay the diagram out once and write every requested format; return the DOT source.

    `outputs` maps a format ("png", "svg", "pdf", "dot") to its file. The SVG written here still
    links its icons; `svg.inline_icons` makes it self-contained.
    """
    prepare_workdir(workdir, design_dir)
    source = to_dot(diagram, overlay).source
    args = [dot_binary()]
    for fmt, path in outputs.items():
        if fmt not in FORMATS:
            raise WorkbenchError(f"unknown output format {fmt!r}; choose from {', '.join(FORMATS)}")
        args += [f"-T{fmt}", f"-o{os.path.relpath(path, workdir)}"]
    proc = subprocess.run(args, input=source.encode(), cwd=workdir, capture_output=True)
    if proc.returncode != 0:
        message = proc.stderr.decode(errors="replace").strip().splitlines()
        raise WorkbenchError(f"Graphviz failed on diagram {diagram.name!r}: {message[-1] if message else 'no output'}")
    for line in proc.stderr.decode(errors="replace").splitlines():
        # Like `diagrams` (quiet=True): Graphviz chatter such as the ortho/label warning is debug-only.
        log.debug("graphviz: %s", line)
    return source
