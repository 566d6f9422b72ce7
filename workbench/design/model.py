"""The captured design model: plain, JSON-serialisable dataclasses (see docs/model.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

MODEL_VERSION = 1

# Keys that belong to the workbench analysis, never to Graphviz (analysis spec §1).
NODE_ANALYSIS_KEYS = frozenset({
    "role", "replicas", "multi_az", "managed_ha", "zone", "region", "qps", "read_ratio",
    "cache_hit", "capacity_qps", "stateful", "optional", "entry", "failover", "quorum",
    "group", "storage_class", "tier", "redundancy", "critical", "cache", "caches_api",
    "accept", "availability", "slo", "latency_ms", "latency_p99_ms",
})
EDGE_ANALYSIS_KEYS = frozenset({"kind", "fraction", "read_ratio", "accept"})
CLUSTER_ANALYSIS_KEYS = frozenset({"wb_replicas", "wb_zone", "wb_region"})
DIAGRAM_ANALYSIS_KEYS = frozenset({"wb_slo", "wb_qps", "wb_read_ratio", "wb_latency_p99_ms"})


@dataclass
class Icon:
    """Where a node's icon lives: inside the installed `diagrams` package or next to the design."""

    base: str  # "diagrams" (path relative to the diagrams package) or "design" (relative to the design dir)
    path: str
    missing: bool = False


@dataclass
class Node:
    id: str
    label: str
    cls: str  # canonical class name, type(node).__name__
    provider: str | None
    module: str | None  # category module, e.g. "database" (== diagrams `_type`)
    attrs: dict[str, str]  # Graphviz attributes, analysis keys removed, icon path removed
    analysis: dict[str, str]  # workbench analysis keys (§1), values as strings
    cluster: str | None  # innermost cluster id
    clusters: list[str]  # enclosing cluster ids, outermost first, innermost last
    file: str  # design-relative source file
    line: int
    icon: Icon | None = None
    c4: dict[str, str] | None = None  # {"type", "technology", "description", "name"} for diagrams.c4 nodes


@dataclass
class Edge:
    id: str
    tail: str  # as drawn (Graphviz tail)
    head: str  # as drawn (Graphviz head)
    dir: str  # forward | back | both | none, as drawn
    label: str
    color: str
    style: str
    attrs: dict[str, str]  # Graphviz attributes, analysis keys removed (dir, label, color, style kept)
    analysis: dict[str, str]
    file: str
    line: int

    @property
    def caller(self) -> str:
        """The node that starts the interaction: `a << b` is b calling a."""
        return self.head if self.dir == "back" else self.tail

    @property
    def callee(self) -> str:
        return self.tail if self.dir == "back" else self.head


@dataclass
class Cluster:
    id: str
    label: str
    parent: str | None
    attrs: dict[str, str]  # graph_attr as Graphviz sees it
    analysis: dict[str, str]  # wb_* keys
    file: str
    line: int


@dataclass
class Diagram:
    name: str
    slug: str
    attrs: dict[str, dict[str, str]]  # {"graph": {...}, "node": {...}, "edge": {...}}
    analysis: dict[str, str]  # wb_* diagram keys
    strict: bool
    file: str
    line: int
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    # Statement order as the script built it, so the render lays out like plain `diagrams` would:
    # ("node", id) | ("cluster", id) entries per scope; None scope = top level.
    layout: dict[str, list[list[str]]] = field(default_factory=dict)
    # The graph/node/edge attribute keys the design set itself; the house style fills only the others.
    own: dict[str, list[str]] = field(default_factory=dict)

    def node(self, node_id: str) -> Node:
        return self._index()[node_id]

    def _index(self) -> dict[str, Node]:
        return {n.id: n for n in self.nodes}


@dataclass
class DesignModel:
    path: str  # design file as given relative to the workspace
    stem: str
    diagrams: list[Diagram]
    warnings: list[dict[str, Any]] = field(default_factory=list)  # {"file", "line", "message"}
    sheet: dict[str, Any] | None = None  # the design sheet (issue 5), None for plain scripts
    dependencies: list[str] = field(default_factory=list)  # design-relative helper modules and icons
    version: int = MODEL_VERSION

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data = {"version": data.pop("version"), **data}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DesignModel:
        if data.get("version") != MODEL_VERSION:
            raise ValueError(f"model version {data.get('version')!r} is not supported (expected {MODEL_VERSION})")
        diagrams = []
        for d in data["diagrams"]:
            nodes = [
                Node(**{**n, "icon": Icon(**n["icon"]) if n.get("icon") else None}) for n in d["nodes"]
            ]
            diagrams.append(Diagram(**{
                **d,
                "nodes": nodes,
                "edges": [Edge(**e) for e in d["edges"]],
                "clusters": [Cluster(**c) for c in d["clusters"]],
            }))
        return cls(
            path=data["path"], stem=data["stem"], diagrams=diagrams,
            warnings=data.get("warnings", []), sheet=data.get("sheet"),
            dependencies=data.get("dependencies", []),
        )
