"""Child-process entry point: run one design file with `diagrams` patched to record, never render.

Run as ``python -m workbench.design.capture DESIGN RESULT_JSON [DUMP]`` with the design's folder as working
directory, or as ``python -m workbench.design.capture --spare`` (see ``spare``), which reads those arguments and
the files for stdout and stderr as one JSON line on stdin. It writes one JSON document (see ``loader``)
and nothing else; the parent process turns it into a ``DesignModel``. Only the standard library and
`diagrams` are imported here so that the child starts fast.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

ANALYSIS_NODE_KEYS = (
    "role", "replicas", "multi_az", "managed_ha", "zone", "region", "qps", "read_ratio",
    "cache_hit", "capacity_qps", "stateful", "optional", "entry", "failover", "quorum",
    "group", "storage_class", "tier", "redundancy", "critical", "cache", "caches_api", "accept",
    "availability", "slo", "latency_ms", "latency_p99_ms",
)
ANALYSIS_EDGE_KEYS = ("kind", "fraction", "read_ratio", "accept")
CLUSTER_WB_KEYS = ("wb_replicas", "wb_zone", "wb_region")
DIAGRAM_WB_KEYS = ("wb_slo", "wb_qps", "wb_read_ratio", "wb_latency_p99_ms")
# Every attribute Graphviz documents (graphviz.org/doc/info/attrs.html): a key it knows is never a misspelt
# analysis key, even when it is close to one (`root` to `role`, `pos` to `qps`).
GRAPHVIZ_ATTRS = frozenset("""
    _background area arrowhead arrowsize arrowtail bb beautify bgcolor center charset class cluster clusterrank
    color colorscheme comment compound concentrate constraint damping decorate defaultdist dim dimen dir
    diredgeconstraints distortion dpi edgehref edgetarget edgetooltip edgeurl epsilon esep fillcolor fixedsize
    fontcolor fontname fontnames fontpath fontsize forcelabels gradientangle group head_lp headclip headhref
    headlabel headport headtarget headtooltip headurl height href id image imagepath imagepos imagescale
    inputscale k label label_scheme labelangle labeldistance labelfloat labelfontcolor labelfontname
    labelfontsize labelhref labeljust labelloc labeltarget labeltooltip labelurl landscape layer layerlistsep
    layers layerselect layersep layout len levels levelsgap lhead lheight linelength lp ltail lwidth margin
    maxiter mclimit mindist minlen mode model newrank nodesep nojustify normalize notranslate nslimit nslimit1
    oneblock ordering orientation outputorder overlap overlap_scaling overlap_shrink pack packmode pad page
    pagedir pencolor penwidth peripheries pin pos quadtree quantum radius rank rankdir ranksep ratio rects
    regular remincross repulsiveforce resolution root rotate rotation samehead sametail samplepoints scale
    searchsize sep shape shapefile showboxes sides size skew smoothing sortv splines start style stylesheet
    tail_lp tailclip tailhref taillabel tailport tailtarget tailtooltip tailurl target tbbalance tooltip
    truecolor url vertices viewport voro_margin weight width xdotversion xlabel xlp z
""".split())


def near_miss(key: str, known: tuple[str, ...]) -> str | None:
    """The analysis key that `key` looks like a misspelling of, else None.

    Within edit distance 2 of a key (1 for keys of four letters or fewer, where 2 would match half the
    alphabet: `qps` to `ops`), ignoring case; never a key Graphviz itself knows, never an exact analysis key.
    `replica` -> `replicas`, `multiaz` -> `multi_az`, `fractoin` -> `fraction`.
    """
    if key in known or key.lower() in GRAPHVIZ_ATTRS:
        return None
    from workbench.design.oldnames import edit_distance  # loaded with the recorder already

    text = key.lower().replace("-", "_")
    best: tuple[int, str] | None = None
    for candidate in known:
        limit = 1 if len(candidate) <= 4 else 2
        d = edit_distance(text, candidate, limit)
        if d <= limit and (best is None or d < best[0]):
            best = (d, candidate)
    return best[1] if best else None


def pop_near_misses(attrs: dict, known: tuple[str, ...]) -> dict[str, str]:
    """Remove misspelt analysis keys from `attrs` (Graphviz would ignore them silently) and return them, so that
    the analysis can name each one with its file and line (ATTR002)."""
    return {k: to_str(attrs.pop(k)) for k in [k for k in attrs if near_miss(k, known)]}


def wb_near_miss(key: str, known: tuple[str, ...]) -> str | None:
    """For a cluster's or diagram's graph_attr: the `wb_` key that `key` means (`replicas` or `wb_replica` ->
    `wb_replicas`), else None."""
    if key in known or key.lower() in GRAPHVIZ_ATTRS:
        return None
    name = key if key.lower().startswith("wb_") else "wb_" + key
    return name.lower() if name.lower() in known else near_miss(name, known)


def slugify(text: str, fallback: str = "item") -> str:
    """Lower-case ASCII words joined by '-', for ids and file names."""
    text = re.sub(r"<[^>]*>", " ", text or "")  # HTML-like labels (C4)
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].strip("-") or fallback


def to_str(value: Any) -> str:
    """Graphviz wants strings; accept the numbers and booleans people naturally write."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


# C0 and C1 control characters but tab and newline: XML (SVG, JUnit) cannot hold them, and in a terminal or
# report.md an escape sequence acts (an OSC sequence retitles the terminal) instead of showing.
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# Graphviz cannot read a quoted string of 16,384 bytes or more; nobody can read a label a tenth as long.
MAX_TEXT = 1000


def strip_controls(text: str) -> str:
    return CONTROLS.sub("", text)


class DesignMistake(Exception):
    """A misuse of `diagrams` that the workbench explains in its own words (no exception type shown)."""


class Recorder:
    """Collects what the design builds; one instance per child process."""

    def __init__(self, design_path: str, dot_fifo: str | None = None) -> None:
        self.design_path = os.path.abspath(design_path)
        self.dot_fifo = dot_fifo  # where a waiting `dot` reads the first diagram (render.EarlyRender)
        self.design_dir = os.path.dirname(self.design_path)
        self.diagrams: list[dict] = []
        self.warnings: list[dict] = []
        self.current: dict | None = None
        self.node_ids: dict[int, str] = {}  # id(Node object) -> stable id
        self.cluster_ids: dict[int, str] = {}
        self.used: set[str] = set()
        self.c4_pending: dict | None = None
        # The file names plain `diagrams` would have rendered each finished diagram to ("architecture-gcp.png"),
        # which the workbench does not write: a design that checks them fails after drawing (main()).
        self.rendered: set[str] = set()
        import diagrams

        from workbench.design import oldnames  # here: the parent imports this module too, never this class

        self.skip_dirs = tuple(
            os.path.dirname(os.path.abspath(m.__file__)) + os.sep
            for m in (diagrams, sys.modules["graphviz"])
        ) + (os.path.abspath(__file__), os.path.abspath(oldnames.__file__))

    # -- where in the design was this built --------------------------------------------------
    def where(self) -> tuple[str, int]:
        frame = sys._getframe(2)
        while frame is not None:
            filename = os.path.abspath(frame.f_code.co_filename)
            if not filename.startswith(self.skip_dirs) and not frame.f_code.co_filename.startswith("<"):
                return self.rel(filename), frame.f_lineno
            frame = frame.f_back
        return self.rel(self.design_path), 0

    def rel(self, path: str) -> str:
        return os.path.relpath(path, self.design_dir).replace(os.sep, "/")

    def unique(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}-{n}"
        self.used.add(candidate)
        return candidate

    def warn(self, file: str, line: int, message: str) -> None:
        self.warnings.append({"file": file, "line": line, "message": message})

    def clean(self, what: str, text: str, attrs: dict, file: str, line: int) -> tuple[str, dict]:
        """`text` (the label) and the attribute values as strings without control characters (ESC, BEL, form
        feed: see CONTROLS) and no longer than MAX_TEXT, with a warning naming the line when any was changed.
        An edge has no label of its own here: `text` names it for the warning."""
        attrs = {k: to_str(v) for k, v in attrs.items()}
        found = sorted({c for value in (text, *attrs.values()) for c in CONTROLS.findall(value)})
        if found:
            codes = ", ".join(f"U+{ord(c):04X}" for c in found)
            self.warn(file, line, f"{what} {strip_controls(text)!r} contains control characters ({codes}); "
                                  "they were removed: SVG, XML reports and terminals cannot show them")
            text, attrs = strip_controls(text), {k: strip_controls(v) for k, v in attrs.items()}
        long = [k for k, v in ((("label", text),) if what != "edge" else ()) + tuple(attrs.items())
                if len(v) > MAX_TEXT]
        if long:
            self.warn(file, line, f"{what} {text[:40]!r}...: {' and '.join(long)} longer than {MAX_TEXT:,} "
                                  f"characters, drawn cut to {MAX_TEXT:,} (Graphviz cannot read 16,384); shorten it")
            text = text[:MAX_TEXT - 1] + "…" if len(text) > MAX_TEXT else text
            attrs = {k: v[:MAX_TEXT - 1] + "…" if len(v) > MAX_TEXT else v for k, v in attrs.items()}
        return text, attrs

    # -- hooks ------------------------------------------------------------------------------
    def start_diagram(self, diagram, name: str, strict: bool, analysis: dict, file: str, line: int) -> None:
        self.used = set()
        self.current = {
            "name": name, "strict": strict, "analysis": analysis, "file": file, "line": line,
            "nodes": [], "edges": [], "clusters": [], "layout": {"": []},
        }

    def end_diagram(self, diagram) -> None:
        d = self.current
        if d is None:
            return
        d["attrs"] = {
            "graph": {k: to_str(v) for k, v in diagram.dot.graph_attr.items()},
            "node": {k: to_str(v) for k, v in diagram.dot.node_attr.items()},
            "edge": {k: to_str(v) for k, v in diagram.dot.edge_attr.items()},
        }
        self.diagrams.append(d)
        self.current = None
        if len(self.diagrams) == 1 and self.dot_fifo:
            send_dot(d, self.dot_fifo)

    def add_cluster(self, cluster, analysis: dict, file: str, line: int) -> None:
        cid = self.unique("cluster-" + slugify(cluster.label, "cluster"))
        self.cluster_ids[id(cluster)] = cid
        parent = self.cluster_ids.get(id(cluster._parent)) if cluster._parent else None
        self.current["clusters"].append({
            "id": cid, "label": to_str(cluster.label), "parent": parent,
            "attrs": {k: to_str(v) for k, v in cluster.dot.graph_attr.items()},
            "analysis": analysis, "file": file, "line": line,
        })
        self.current["layout"][cid] = []

    def close_cluster(self, cluster) -> None:
        cid = self.cluster_ids.get(id(cluster))
        if cid is None or self.current is None:
            return
        parent = self.cluster_ids.get(id(cluster._parent), "") if cluster._parent else ""
        self.current["layout"][parent].append(["cluster", cid])

    def node_id(self, node_cls, label: str, explicit: str | None) -> str:
        if explicit:
            self.used.add(explicit)
            return explicit
        base = slugify(self.c4_pending["name"] if self.c4_pending else label, node_cls.__name__.lower())
        return self.unique(base)

    def warn_non_text(self, what: str, attrs: dict, file: str, line: int) -> None:
        """Graphviz attributes must be strings: plain `diagrams` raises TypeError on `width=3`; we render it."""
        for key, value in sorted(attrs.items()):
            if not isinstance(value, str):
                self.warn(file, line, f"{what} attribute {key}={value!r} is not a string: plain `python design.py` "
                                      f"fails on it with TypeError; write {key}=\"{to_str(value)}\"")

    def add_node(self, node, analysis: dict, file: str, line: int) -> None:
        attrs = {k: to_str(v) for k, v in node._attrs.items()}
        image = attrs.pop("image", None)
        icon = self.icon(image, node, file, line) if image else None
        chain: list[str] = []
        cluster = node._cluster
        while cluster is not None:
            chain.insert(0, self.cluster_ids.get(id(cluster), ""))
            cluster = cluster._parent
        cls = type(node)
        self.current["nodes"].append({
            "id": node._id, "label": to_str(node.label), "cls": cls.__name__,
            # diagrams.generic spells it `provider`, every other provider `_provider`.
            "provider": node._provider or getattr(node, "provider", None), "module": node._type or None,
            "attrs": attrs, "analysis": analysis,
            "cluster": chain[-1] if chain else None, "clusters": chain,
            "file": file, "line": line, "icon": icon, "c4": self.c4_pending,
        })
        self.current["layout"][chain[-1] if chain else ""].append(["node", node._id])

    def icon(self, image: str, node, file: str, line: int) -> dict:
        path = os.path.abspath(image)
        # Shipped icons live in <site-packages>/resources, beside the diagrams package.
        shipped_root = os.path.dirname(self.skip_dirs[0].rstrip(os.sep))
        if path.startswith(os.path.join(shipped_root, "resources") + os.sep):
            base, rel = "diagrams", os.path.relpath(path, shipped_root)
        elif path.startswith(self.design_dir + os.sep):
            base, rel = "design", self.rel(path)
        else:
            base, rel = "file", path
        missing = not os.path.isfile(path)
        if missing:
            self.warn(file, line, f"icon file {image!r} of {type(node).__name__} node {node.label!r} not found; "
                                  "it is drawn without an icon")
        return {"base": base, "path": rel.replace(os.sep, "/"), "missing": missing}

    def add_edge(self, tail, head, attrs: dict, file: str, line: int) -> None:
        self.warn_non_text("edge", {k: v for k, v in attrs.items() if k not in ANALYSIS_EDGE_KEYS}, file, line)
        _, attrs = self.clean("edge", f"{tail.label} → {head.label}", attrs, file, line)
        analysis = {k: attrs.pop(k) for k in ANALYSIS_EDGE_KEYS if k in attrs}
        analysis.update(pop_near_misses(attrs, ANALYSIS_EDGE_KEYS))  # reported by ATTR002, never drawn
        eid = f"e{len(self.current['edges']) + 1}"
        self.current["edges"].append({
            "id": eid, "tail": tail.nodeid, "head": head.nodeid, "dir": attrs.get("dir", "none"),
            "label": attrs.get("label", ""), "color": attrs.get("color", ""), "style": attrs.get("style", ""),
            "attrs": attrs, "analysis": analysis, "file": file, "line": line,
        })
        self.current["layout"][""].append(["edge", eid])


def send_dot(diagram: dict, fifo: str) -> None:
    """Write the diagram's DOT into the FIFO that the parent's `dot` reads, then mark it sent.

    Best effort: when `dot` is not there (it died, or never opened the FIFO) the parent renders as usual.
    The non-blocking open fails until `dot` has opened its end, so wait a little for a `dot` still starting.
    """
    import errno
    import time

    from workbench.design import dotsource

    text = dotsource.source(diagram).encode("utf-8")
    deadline = time.monotonic() + 2.0
    while True:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as exc:
            if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                return
            time.sleep(0.001)
    try:
        os.set_blocking(fd, True)
        view = memoryview(text)
        while view:
            view = view[os.write(fd, view):]
    except OSError:  # `dot` went away while reading
        return
    finally:
        os.close(fd)
    with open(fifo + ".sent", "w"):
        pass


def offline_downloads(rec: Recorder) -> None:
    """`urlretrieve(icon_url, "icon.png")` with no network: the download is left out with a warning, and the Custom
    node that uses the file is drawn without an icon (its own warning), instead of the whole design failing. The
    diagrams documentation fetches remote icons this way; analysis needs none of them."""
    import urllib.request

    original = urllib.request.urlretrieve

    def urlretrieve(url, filename=None, *args, **kwargs):
        try:
            return original(url, filename, *args, **kwargs)
        except OSError as exc:  # URLError, timeouts, refused connections
            if not _is_network_error(exc) or filename is None:  # no file of its own to leave out: the error stands
                raise
            file, line = rec.where()
            rec.warn(file, line, f"could not download {url} ({getattr(exc, 'reason', exc)}): left out; "
                                 "download it next to the design to draw its icon")
            return filename, None

    urllib.request.urlretrieve = urlretrieve


def install(rec: Recorder) -> None:
    """Patch `diagrams` so that building a diagram records it and renders nothing."""
    import diagrams
    import graphviz
    from diagrams import Cluster, Diagram, Node

    orig_diagram_init, orig_cluster_init, orig_node_init = Diagram.__init__, Cluster.__init__, Node.__init__
    orig_cluster_exit = Cluster.__exit__

    def diagram_init(self, name="", filename="", direction="LR", curvestyle=None, outformat="png",
                     autolabel=False, show=True, strict=False, graph_attr=None, node_attr=None, edge_attr=None):
        file, line = rec.where()
        graph_attr = dict(graph_attr or {})
        # What the design chose itself wins over the house style (dotsource.HOUSE): remember which keys.
        own = {"graph": sorted({*graph_attr, *(["splines"] if curvestyle is not None else []),
                                *(["rankdir"] if direction != "LR" else [])}),
               "node": sorted(node_attr or {}), "edge": sorted(edge_attr or {})}
        curvestyle = "ortho" if curvestyle is None else curvestyle
        analysis = {k: to_str(graph_attr.pop(k)) for k in list(graph_attr)
                    if k.startswith("wb_") or wb_near_miss(k, DIAGRAM_WB_KEYS)}
        for what, attrs in (("graph_attr", graph_attr), ("node_attr", node_attr), ("edge_attr", edge_attr)):
            rec.warn_non_text(f"diagram {to_str(name)!r} {what}", attrs or {}, file, line)
        name, graph_attr = rec.clean("diagram", to_str(name), graph_attr, file, line)
        _, node_attr = rec.clean("diagram node_attr of", name, node_attr or {}, file, line)
        _, edge_attr = rec.clean("diagram edge_attr of", name, edge_attr or {}, file, line)
        # The workbench decides output names and formats; never a viewer, never the script's path.
        orig_diagram_init(self, name, filename="workbench_capture", direction=direction,
                          curvestyle=curvestyle, outformat="png", autolabel=autolabel, show=False,
                          strict=strict, graph_attr=graph_attr, node_attr=node_attr, edge_attr=edge_attr)
        rec.start_diagram(self, name, bool(strict), analysis, file, line)
        rec.current["own"] = own
        stem = os.path.basename(to_str(filename)) or "_".join(name.split()).lower()
        self._wb_outputs = {f"{stem}.{fmt}" for fmt in ([outformat] if isinstance(outformat, str) else outformat)}

    def diagram_enter(self):
        diagrams.setdiagram(self)
        return self

    def diagram_exit(self, exc_type, exc, tb):
        if exc_type is None:
            rec.end_diagram(self)
            rec.rendered |= getattr(self, "_wb_outputs", set())
        else:
            rec.current = None
        diagrams.setdiagram(None)

    def cluster_init(self, label="cluster", direction="LR", graph_attr=None):
        file, line = rec.where()
        if diagrams.getdiagram() is None:
            raise DesignMistake(f"Cluster({label!r}) is created outside a `with Diagram(...)` block; "
                                "open clusters inside the diagram they belong to")
        graph_attr = dict(graph_attr or {})
        analysis = {k: to_str(graph_attr.pop(k)) for k in list(graph_attr)
                    if k.startswith("wb_") or wb_near_miss(k, CLUSTER_WB_KEYS)}
        rec.warn_non_text(f"cluster {to_str(label)!r}", graph_attr, file, line)
        label, graph_attr = rec.clean("cluster", to_str(label), graph_attr, file, line)
        orig_cluster_init(self, label, direction, graph_attr)
        rec.add_cluster(self, analysis, file, line)

    def cluster_exit(self, exc_type, exc, tb):
        rec.close_cluster(self)
        return orig_cluster_exit(self, exc_type, exc, tb)

    def node_init(self, label="", *, nodeid=None, **attrs):
        file, line = rec.where()
        analysis = {k: to_str(attrs.pop(k)) for k in ANALYSIS_NODE_KEYS if k in attrs}
        analysis.update(pop_near_misses(attrs, ANALYSIS_NODE_KEYS))  # reported by ATTR002, never drawn
        rec.warn_non_text(f"node {to_str(label)!r}", attrs, file, line)
        label, attrs = rec.clean("node", to_str(label), attrs, file, line)
        if diagrams.getdiagram() is None:
            raise DesignMistake(f"{type(self).__name__}({label!r}) is created outside a `with Diagram(...)` "
                                   "block; create nodes inside the diagram they belong to")
        nid = rec.node_id(type(self), label, nodeid)
        orig_node_init(self, label, nodeid=nid, **attrs)
        rec.add_node(self, analysis, file, line)
        rec.c4_pending = None

    def connect(self, node, node2, edge):
        file, line = rec.where()
        rec.add_edge(node, node2, edge.attrs, file, line)

    def no_render(self, *args, **kwargs):
        return None

    Diagram.__init__, Diagram.__enter__, Diagram.__exit__ = diagram_init, diagram_enter, diagram_exit
    Diagram.render, Diagram.connect = no_render, connect
    Diagram._repr_png_ = lambda self: b""
    Cluster.__init__, Cluster.__exit__ = cluster_init, cluster_exit
    Node.__init__ = node_init
    # A script that drives graphviz itself must not open viewers or write next to the design either.
    for cls in (graphviz.Graph, graphviz.Digraph):
        cls.render, cls.view = no_render, no_render

    def old_name(name: str, target: type) -> None:
        file, line = rec.where()
        now = f"{target.__module__}.{target.__name__}"
        from importlib.metadata import version

        if getattr(target, "stand_in", False):
            rec.warn(file, line, f"`{name}` is not in diagrams {version('diagrams')} (a newer release's class?): "
                                 f"drawn without an icon, read as a node of `{target.__module__}`. Plain "
                                 f"`python design.py` fails on it: upgrade diagrams or pick a class the module has")
            return
        rec.warn(file, line, f"`{name}` is not in diagrams {version('diagrams')} (an older release's name?): "
                             f"drawn as `{now}`. Plain `python design.py` fails on "
                             f"it: write `from {target.__module__} import {target.__name__}`")

    from workbench.design import oldnames

    oldnames.install(old_name)
    offline_downloads(rec)

    try:
        import diagrams.c4 as c4
    except ImportError:  # pragma: no cover - very old diagrams
        return
    orig_c4node = c4.C4Node

    def c4node(name, technology="", description="", type="Container", **kwargs):
        rec.c4_pending = {"name": to_str(name), "technology": to_str(technology),
                          "description": to_str(description), "type": to_str(type)}
        try:
            return orig_c4node(name, technology, description, type, **kwargs)
        finally:
            rec.c4_pending = None

    c4.C4Node = c4node


# -- errors --------------------------------------------------------------------------------------
def design_frame(tb, design_dir: str) -> tuple[str | None, int]:
    """Innermost traceback frame that belongs to the design's folder (the design or a helper)."""
    import traceback

    found: tuple[str | None, int] = (None, 0)
    for frame, lineno in traceback.walk_tb(tb):
        if frame.f_code.co_filename.startswith("<"):  # generated code ("<string>": dataclass __init__)
            continue
        filename = os.path.abspath(frame.f_code.co_filename)
        if filename.startswith(design_dir + os.sep):
            found = (os.path.relpath(filename, design_dir).replace(os.sep, "/"), lineno)
    return found


def suggest_import(exc: ImportError) -> str | None:
    """For `from diagrams.x import Name` failures, name the classes that do exist."""
    import difflib

    msg = str(exc)
    m = re.match(r"cannot import name '([^']+)' from '([^']+)'", msg)
    if m and m.group(2).startswith("diagrams"):
        from workbench.design.oldnames import elsewhere

        moved = elsewhere(m.group(1), m.group(2))
        close = names_hint(m.group(1), sys.modules.get(m.group(2)))
        if moved:
            where = " or ".join(moved)
            return f"{m.group(1)} is in {where}: write `from {moved[0]} import {m.group(1)}`" + (
                f"; or {close}" if close and close.startswith("did you mean") else "")
        return close
    m = re.match(r"No module named '(diagrams(?:\.\w+)*)\.(\w+)'", msg)
    if m:
        parent = sys.modules.get(m.group(1))
        if parent is not None and hasattr(parent, "__path__"):
            import pkgutil

            modules = sorted(i.name for i in pkgutil.iter_modules(parent.__path__) if not i.name.startswith("_"))
            close = difflib.get_close_matches(m.group(2), modules, n=3, cutoff=0.5)
            if close:
                return f"did you mean {' or '.join(close)}?"
            return f"modules in {m.group(1)}: {', '.join(modules)}"
    return None


def names_hint(wanted: str, module) -> str | None:
    import difflib

    if module is None:
        return None
    names = sorted(n for n in dir(module) if n[:1].isupper() and not n.startswith("_"))
    lowered = {n.lower(): n for n in names}
    close = difflib.get_close_matches(wanted.lower(), list(lowered), n=3, cutoff=0.6)
    # Also names that contain the wanted word, e.g. "Kubernetes" -> "KubernetesServices".
    close += [n.lower() for n in names if wanted.lower() in n.lower() and n.lower() not in close][:3]
    picks = [lowered[c] for c in close][:4]
    if picks:
        return f"did you mean {' or '.join(picks)}?"
    return f"{module.__name__} has: {', '.join(names[:30])}{', ...' if len(names) > 30 else ''}"


def describe_error(exc: BaseException, design_path: str) -> dict:
    import traceback

    design_dir = os.path.dirname(design_path)
    rel_design = os.path.basename(design_path)
    if isinstance(exc, SyntaxError) and exc.filename and os.path.abspath(exc.filename).startswith(design_dir):
        file = os.path.relpath(os.path.abspath(exc.filename), design_dir).replace(os.sep, "/")
        text = (exc.text or "").rstrip()
        return {"kind": "syntax", "file": file, "line": exc.lineno or 0,
                "message": f"SyntaxError: {exc.msg}", "detail": text, "hint": None}
    file, line = design_frame(exc.__traceback__, design_dir)
    hint = None
    if isinstance(exc, ModuleNotFoundError) and exc.name and not exc.name.startswith("diagrams"):
        top = exc.name.split(".")[0]
        hint = (f"the design imports `{exc.name}`, which this Python does not have: install it with "
                f"`{sys.executable} -m pip install {top}`, or, if it is a helper module of yours, put it next "
                "to the design")
    elif isinstance(exc, ImportError):
        hint = suggest_import(exc)
    elif isinstance(exc, EOFError):
        hint = "the design reads input(); the workbench runs it without a terminal: write the value into the file"
    elif isinstance(exc, KeyboardInterrupt):
        hint = "the design raised KeyboardInterrupt itself; remove that: the workbench stops slow designs itself"
    elif isinstance(exc, OSError) and _is_network_error(exc):
        hint = ("the design reaches the network (a Custom icon by URL?) and the network is not there: download "
                "the file next to the design and give its local path")
    elif isinstance(exc, AttributeError) and exc.name and isinstance(getattr(exc, "obj", None), type(sys)):
        if exc.obj.__name__.startswith("diagrams"):
            hint = names_hint(exc.name, exc.obj)
    if isinstance(exc, DesignMistake):
        message = str(exc)
    else:
        message = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        # "cannot import name 'X' from 'm' (/abs/path/m.py)": the path is noise and machine-specific.
        message = re.sub(r" \((?:/|[A-Za-z]:\\)[^)]*\.py\)$", "", message)
    return {"kind": "exception", "file": file or rel_design, "line": line, "message": message,
            "detail": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)), "hint": hint}


def _is_network_error(exc: OSError) -> bool:
    """URLError, a failed name look-up or a refused connection: the design fetched something over the network."""
    import socket

    return isinstance(exc, (ConnectionError, socket.gaierror, TimeoutError)) or type(exc).__module__.startswith(
        ("urllib", "http", "requests", "urllib3"))


def design_caller(design_dir: str) -> tuple[str | None, int]:
    """The innermost frame of the running stack that belongs to the design's folder."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith("<") and os.path.abspath(filename).startswith(design_dir + os.sep):
            return os.path.relpath(os.path.abspath(filename), design_dir).replace(os.sep, "/"), frame.f_lineno
        frame = frame.f_back
    return None, 0


def imported_helpers(design_dir: str, design_path: str) -> list[str]:
    found = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not path:
            continue
        path = os.path.abspath(path)  # one call per module: the warm worker's child holds ~1,000 of them
        if path.startswith(design_dir + os.sep) and path != design_path:
            found.add(os.path.relpath(path, design_dir).replace(os.sep, "/"))
    return sorted(found)


def main(argv: list[str]) -> int:
    """argv: DESIGN RESULT_JSON [DUMP [DOT_FIFO]] (empty strings for none)."""
    design_path, result_path = os.path.abspath(argv[0]), argv[1]
    design_dir = os.path.dirname(design_path)
    # Look like `python design.py`: argv, sys.path[0] and the working directory.
    sys.argv = [design_path]
    sys.path[0] = design_dir
    os.chdir(design_dir)
    if len(argv) > 2 and argv[2]:  # the parent asks for a traceback of a design that hangs
        import faulthandler
        import signal

        faulthandler.register(signal.SIGUSR1, file=open(argv[2], "w"), all_threads=True)
    result: dict[str, Any] = {"ok": False}
    try:
        rec = Recorder(design_path, argv[3] if len(argv) > 3 and argv[3] else None)
        install(rec)
    except Exception as exc:  # diagrams itself is broken or missing
        result["error"] = {"kind": "setup", "file": os.path.basename(design_path), "line": 0,
                           "message": f"could not prepare diagrams: {exc}", "detail": repr(exc),
                           "hint": "reinstall the workbench (see README)"}
        return write(result_path, result)
    import runpy

    real_exit = os._exit

    def design_exit(code):
        # os._exit skips every handler: say where it was called before the process goes.
        file, line = design_caller(design_dir)
        result["error"] = {"kind": "exit", "file": file or os.path.basename(design_path), "line": line,
                           "message": f"the design called os._exit({code!r})", "detail": "",
                           "hint": "remove the os._exit() call; the workbench runs the file as a whole"}
        write(result_path, result)
        real_exit(code)

    os._exit = design_exit
    try:
        runpy.run_path(design_path, run_name="__main__")
        result["ok"] = True
    except SystemExit as exc:
        code = exc.code
        file, line = design_frame(exc.__traceback__, design_dir)
        if code in (None, 0) and rec.diagrams:
            result["ok"] = True
            rec.warn(file or os.path.basename(design_path), line, "the design calls sys.exit(); "
                     "diagrams built before it are used")
        elif rec.current is None and (checked := _rendered_file_named(exc, rec.rendered)):
            # `raise SystemExit(f"Error: PNG output was not generated at {png}")`
            result["ok"] = True
            _warn_rendered_check(rec, file or os.path.basename(design_path), line, f"sys.exit({code!r})", checked)
        else:
            result["error"] = {"kind": "exit", "file": file or os.path.basename(design_path), "line": line,
                               "message": f"the design called sys.exit({code!r})", "detail": "",
                               "hint": "remove the sys.exit() call; the workbench runs the file as a whole"}
    except BaseException as exc:  # noqa: BLE001 - any failure of user code is reported, never raised
        error = describe_error(exc, design_path)
        # Only what post-processing a rendered file runs into (the file is not where plain `diagrams` writes
        # it, a tool to post-process it is not installed, a method `Diagram` lacks: `Diagram(...).save(path)`);
        # a mistake in the code (NameError, ...) stays an error.
        if _diagram_attribute(exc) and rec.current is not None and rec.current["line"] == error["line"]:
            rec.current = None  # `Diagram(...).save(path)`: made on the failing line, never entered, never drawn
        if (isinstance(exc, (OSError, ImportError)) or _diagram_attribute(exc)) and after_every_diagram(
                rec, error, design_path):
            result["ok"] = True
            rec.warn(error["file"], error["line"], f"{error['message']}, after the last diagram was drawn: the "
                     "diagrams are used. Code after a diagram that works on its rendered file cannot run here "
                     "(the workbench draws into out/ itself)")
        elif rec.current is None and (checked := _rendered_file_named(exc, rec.rendered)):
            # `assert png.exists()`, `raise RuntimeError(f"Failed to generate {png}")`: the design checks a file
            # plain `diagrams` would have written. What it drew up to there is all there is to read.
            result["ok"] = True
            _warn_rendered_check(rec, error["file"], error["line"], error["message"], checked)
        else:
            result["error"] = error
    finally:
        os._exit = real_exit
    result["diagrams"] = rec.diagrams
    result["warnings"] = rec.warnings
    result["dependencies"] = imported_helpers(design_dir, design_path)
    # The design sheet: the one the design made, if it imported workbench.sheet. Not imported here (start-up
    # cost); a spare or warm process may have loaded it ahead, and then collect() finds no Sheet: None as well.
    sheet_module = sys.modules.get("workbench.sheet")
    if result["ok"] and sheet_module is not None:
        result["sheet"] = sheet_module.collect(design_dir)
    return write(result_path, result)


def _warn_rendered_check(rec: Recorder, file: str, line: int, what: str, checked: str) -> None:
    rec.warn(file, line, f"{what}: the design checks `{checked}`, which the workbench does not write there (it "
             f"draws into out/ itself). The {len(rec.diagrams)} diagram(s) drawn before this line are used; any "
             "the design would draw after it are missing")


def _diagram_attribute(exc: BaseException) -> bool:
    """An AttributeError on a `Diagram` object: a method plain `diagrams` does not have (`.save(path)`)."""
    return isinstance(exc, AttributeError) and type(getattr(exc, "obj", None)).__name__ == "Diagram"


def _rendered_file_named(exc: BaseException, rendered: set[str]) -> str | None:
    """The rendered file name (of a finished diagram) that an error's message names, if any."""
    text = str(exc)
    # At a path's boundary: "assets/webapp.png" names no "app.png".
    return next((name for name in sorted(rendered)
                 if re.search(rf"(?:^|[/\\'\"\s]){re.escape(name)}(?:$|[^\w.-])", text)), None)


def after_every_diagram(rec: Recorder, error: dict, design_path: str) -> bool:
    """Did the design fail in its own file after the last of its `Diagram(...)` blocks had run to its end?
    (Published scripts post-process the file they render: read it back, inline icons, upload it.)"""
    import ast

    if rec.current is not None or not rec.diagrams or error["file"] != os.path.basename(design_path):
        return False
    if any(d["file"] != error["file"] for d in rec.diagrams):
        return False
    try:
        with open(design_path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
    except (OSError, SyntaxError, ValueError):
        return False
    # Every Diagram(...) the file writes must have run (none skipped by the failure), and the failing line
    # must come after the whole top-level statement that holds the last one: after its `with`, a loop around it
    # could still have more diagrams to draw.
    drawn = {d["line"] for d in rec.diagrams}
    # A `Diagram(...)` on the failing line itself (`Diagram(...).save(path)`) is what failed, never entered.
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.lineno != error["line"] and
             (getattr(n.func, "id", None) or getattr(n.func, "attr", None)) == "Diagram"]
    if not calls or any(c.lineno not in drawn for c in calls):
        return False
    last = max(c.lineno for c in calls)
    holder = next((stmt for stmt in tree.body if stmt.lineno <= last <= (stmt.end_lineno or stmt.lineno)), None)
    # ... nor sit in a loop, whose next pass could draw again (`for p in providers: png = build(p); open(png)`).
    in_loop = any(isinstance(n, (ast.For, ast.AsyncFor, ast.While)) and
                  n.lineno <= error["line"] <= (n.end_lineno or n.lineno) for n in ast.walk(tree))
    return holder is not None and error["line"] > (holder.end_lineno or holder.lineno) and not in_loop


def preload(stop=lambda: False) -> None:
    """Import `diagrams`, `graphviz`, the design sheet and then every provider module (~250, ~70 ms), so that
    a design imports nothing from disk; the provider modules only until `stop()` says the design is there."""
    import importlib
    import pkgutil

    import diagrams
    import graphviz  # noqa: F401

    import workbench.sheet  # noqa: F401 - most designs fill one; collect() reads only a Sheet the design made

    for info in pkgutil.walk_packages(diagrams.__path__, "diagrams."):
        if stop():
            return
        try:
            importlib.import_module(info.name)
        except Exception:  # noqa: BLE001 - a broken optional module is the design's problem, later
            pass


def spare_main() -> int:
    """A spare design process: import what designs use until the job arrives on stdin, then run it."""
    import select

    try:
        preload(stop=lambda: bool(select.select([0], [], [], 0)[0]))
    except Exception:  # noqa: BLE001 - main() reports a broken `diagrams` once it has the design
        pass
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(0, 65536)
        if not chunk:
            return 0  # not needed after all
        data += chunk
    job = json.loads(data)
    # From here on, the same process as `loader.load_design` starts: stdin empty, output to its files.
    for fd, path, flags in ((0, os.devnull, os.O_RDONLY), (1, job["stdout"], os.O_WRONLY | os.O_TRUNC),
                            (2, job["stderr"], os.O_WRONLY | os.O_TRUNC)):
        new = os.open(path, flags)
        os.dup2(new, fd)
        os.close(new)
    return main([job["design"], job["result"], job["dump"], job.get("dot") or ""])


def write(path: str, result: dict) -> int:
    text = json.dumps(result)  # in one piece: json.dump streams through the pure-Python encoder, 5x slower
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    code = spare_main() if sys.argv[1:] == ["--spare"] else main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # The result is written: end now, as the watch worker's children do. A normal interpreter shutdown
    # (finalizers, module teardown, waiting for threads the design left running) costs 15-25 ms of every
    # render and could even hang until the time limit; what the design started is killed with its group.
    os._exit(code)
