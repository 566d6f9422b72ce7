"""The one door to Graphviz: turn a captured Diagram into DOT and run `dot` once for all formats."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
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
                attrs = text_labels(attrs)
                attrs.update(overlay.get(item, {}))
                graph.node(node.id, label=text_label(node.label), **attrs)
            elif kind == "edge":
                edge = edges[item]
                graph.edge(edge.tail, edge.head, **text_labels(edge.attrs))
            else:
                cluster = clusters[item]
                # Graphviz keys clusters by name; ids keep two clusters with one label apart.
                sub = graphviz.Digraph(graphviz.nohtml("cluster_" + cluster.id))
                sub.graph_attr.update(text_labels(cluster.attrs))
                fill(sub, cluster.id)
                graph.subgraph(sub)

    graph = graphviz.Digraph(graphviz.nohtml(diagram.name), strict=diagram.strict)
    graph.graph_attr.update(text_labels(diagram.attrs.get("graph", {})))
    if overlay:
        graph.graph_attr["forcelabels"] = "true"  # finding numbers are xlabels; never drop one
    graph.node_attr.update(diagram.attrs.get("node", {}))
    graph.edge_attr.update(diagram.attrs.get("edge", {}))
    fill(graph, "")
    return graph


FINDING_COLOURS = {"error": "#d62728", "warning": "#f0a30a"}


def findings_overlay(numbered: dict) -> dict[str, dict[str, str]]:
    """Outline the nodes of numbered findings (red for errors, amber for warnings) and label them
    with their numbers, so the picture matches the findings list."""
    per_node: dict[str, list[tuple[int, str]]] = {}
    for number, finding in numbered.items():
        for node_id in finding.nodes:
            per_node.setdefault(node_id, []).append((number, finding.severity))
    overlay = {}
    for node_id, marks in per_node.items():
        worst = "error" if any(sev == "error" for _, sev in marks) else "warning"
        colour = FINDING_COLOURS[worst]
        overlay[node_id] = {
            "shape": "box", "style": "rounded,bold", "color": colour, "penwidth": "4",
            # An HTML-like label: the numbers in the outline's colour, bold, a little larger than labels.
            "xlabel": f'<<font color="{colour}" point-size="16"><b>#{",".join(str(n) for n, _ in sorted(marks))}'
                      "</b></font>>",
        }
    return overlay


def prepare_workdir(workdir: Path, design_dir: Path) -> None:
    """Links that let Graphviz find shipped icons and the design's own icons by relative paths."""
    workdir.mkdir(parents=True, exist_ok=True)
    for target, name in ((shipped_icon_root() / "resources", "resources"), (design_dir, "design")):
        link = workdir / name
        if not link.exists():
            link.symlink_to(target, target_is_directory=True)


class RenderJob:
    """A running `dot`: several can lay out at once (the diagram and its findings view, on two cores)."""

    def __init__(self, diagram: Diagram, proc: subprocess.Popen, stderr_path: Path, source: str) -> None:
        self.diagram, self.proc, self.stderr_path, self.source = diagram, proc, stderr_path, source

    def wait_for_svg(self, path: Path) -> bool:
        """Wait until `dot` has written the whole SVG (it writes its formats one after the other, SVG
        first), while it goes on with the others. False if `dot` ended first: then call `wait`."""
        while self.proc.poll() is None:
            try:
                with open(path, "rb") as fh:
                    fh.seek(max(0, path.stat().st_size - 16))
                    if fh.read().rstrip().endswith(b"</svg>"):
                        return True
            except OSError:
                pass  # not created yet
            time.sleep(0.002)
        return False

    def wait(self) -> str:
        """Wait for `dot`; raise WorkbenchError if it failed. Returns the DOT source."""
        try:
            code = self.proc.wait()
        except BaseException:
            self.proc.kill()
            self.proc.wait()
            raise
        stderr = self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""
        if code != 0:
            message = stderr.strip().splitlines()
            raise WorkbenchError(f"Graphviz failed on diagram {self.diagram.name!r}: "
                                 f"{message[-1] if message else 'no output'}")
        for line in stderr.splitlines():
            # Like `diagrams` (quiet=True): Graphviz chatter such as the ortho/label warning is debug-only.
            log.debug("graphviz: %s", line)
        return self.source


def start_render(diagram: Diagram, design_dir: Path, workdir: Path, outputs: dict[str, Path],
                 overlay: dict[str, dict[str, str]] | None = None, name: str | None = None) -> RenderJob:
    """Start laying the diagram out once for every requested format; `RenderJob.wait` finishes it.

    `outputs` maps a format ("png", "svg", "pdf", "dot") to its file. The SVG written here still
    links its icons; `svg.inline_icons` makes it self-contained.
    """
    prepare_workdir(workdir, design_dir)
    source = to_dot(diagram, overlay).source
    name = name or diagram.slug
    (workdir / f"{name}.gv").write_text(source, encoding="utf-8")
    args = [dot_binary()]
    for fmt, path in outputs.items():
        if fmt not in FORMATS:
            raise WorkbenchError(f"unknown output format {fmt!r}; choose from {', '.join(FORMATS)}")
        args += [f"-T{fmt}", f"-o{os.path.relpath(path, workdir)}"]
    stderr_path = workdir / f"{name}.stderr"
    with open(stderr_path, "wb") as err:
        proc = subprocess.Popen([*args, f"{name}.gv"], cwd=workdir, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err)
    return RenderJob(diagram, proc, stderr_path, source)
