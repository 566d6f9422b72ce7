"""What the analysis graph is made of: node facts, typed arcs, replica groups, entries and reach."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import NamedTuple

import networkx as nx

from workbench.analysis import roles
from workbench.analysis.redundancy import HA, Location
from workbench.design.model import Diagram

KINDS = ("sync", "async", "replication", "response", "fallback", "side")
# Roles that never become a SPOF or a terminal: they are where requests come from.
SOURCE_ROLES = frozenset({"client", "internet"})


@dataclass(frozen=True)
class DesignInputs:
    """Design-level inputs after precedence: diagram `wb_*` keys win over the design sheet's values."""

    qps: float | None = None
    read_ratio: float | None = None  # read fraction ρ in [0, 1]
    slo: float | None = None  # percent, e.g. 99.99
    latency_p99_ms: float | None = None  # the p99 latency target (LAT001)


# NodeInfo and Group are slotted rather than frozen: tens of thousands are built per large design, and a
# frozen dataclass pays one object.__setattr__ per field. Treat them as read-only all the same.
@dataclass(slots=True)
class NodeInfo:
    """What the analysis knows about one drawn node (read-only by convention)."""

    id: str
    label: str  # display label (C4 name for C4 nodes, the node id when the label is empty)
    name: str  # the label's first line as drawn (the label itself when it has one line): what the node is named
    stem: str  # redundancy.label_stem of the label as drawn, line breaks included: what look-alikes share
    cls: str
    provider: str | None
    role: str  # effective role: "service" stands in for "unknown"
    inferred_role: str  # what roles.resolve_role said, "unknown" included
    role_source: str
    invalid_role: str | None  # a `role=` value outside the vocabulary (ROLE002)
    rank: int
    stateful: bool  # role-based (§2.1), `stateful=` wins
    replicas: int
    # default | node | cluster | cluster_label | scaling_group | multiplicity | label_multiplicity | label_plural |
    # label_pattern | label | named_redundancy | owned_pods
    replicas_source: str
    location: Location
    marks: frozenset[str]  # writer / reader / standby
    ha: HA
    analysis: Mapping[str, str]
    cluster_path: tuple[str, ...]  # labels of the enclosing clusters that are not locations or subnets, outermost first
    file: str
    line: int
    c4: bool  # a diagrams.c4 element: C4 draws every relationship dashed, so dashed says nothing about delivery

    @property
    def unknown(self) -> bool:
        return self.inferred_role == "unknown"

    @property
    def auxiliary(self) -> bool:
        return self.role in roles.AUXILIARY_ROLES


class Arc(NamedTuple):
    """One oriented interaction caller → callee derived from a drawn edge (a `both` edge gives two arcs).

    A NamedTuple rather than a frozen dataclass: designs have tens of thousands of arcs, and tuples are
    several times cheaper to build and smaller in memory.
    """

    index: int
    edge: str  # model edge id
    u: str  # caller node id
    v: str  # callee node id
    kind: str  # one of KINDS
    label: str
    fraction: float  # multiplier on the caller's load: 0.1 is a tenth, 120 is a fan-out to 120 calls
    explicit: bool  # kind given with kind=
    undirected_tie: bool = False  # from `-` between equal ranks (GRAPH001)
    pulled: bool = False  # drawn consumer → queue with a pull label, read as queue → consumer
    assumed: str = ""  # how the engine chose this direction when the drawing did not say (R2), else empty


@dataclass(slots=True)
class Group:
    """A replica group: drawn nodes that stand for instances of one component (§3.2); read-only by convention."""

    id: str  # id of the first member in drawing order
    members: tuple[str, ...]
    labels: tuple[str, ...]
    classes: tuple[str, ...]
    role: str
    stateful: bool  # role-based statefulness of any member
    r: int  # instances: Σ replicas
    k: int  # instances that must stay up
    quorum: bool
    ha_status: str  # managed | provisional | single
    elastic: bool
    auto_failover: bool
    zone_confined: str | None
    zones: tuple[str | None, ...]  # per member, None when undeclared
    regions: frozenset[str]
    aurora: bool
    key: str  # stable finding target: sorted labels | classes | common cluster path
    name: str  # display name: the label, or {a, b, c} for several members
    soft: bool = False  # optional or cache-aside: excluded from the required set (§4)
    soft_reason: str | None = None
    hard_cache: bool = False  # a cache with no store behind it: treated as stateful

    @property
    def effective_stateful(self) -> bool:
        return self.stateful or self.hard_cache

    @property
    def managed(self) -> bool:
        return self.ha_status == "managed"

    @property
    def provisional(self) -> bool:
        return self.ha_status == "provisional"

    @property
    def tolerant(self) -> bool:
        """tolerant(g) ⇔ managed_ha(g) ∨ r(g) − k(g) ≥ 1. Provisional is not tolerant (its findings are info)."""
        return self.managed or self.r - self.k >= 1

    @property
    def drawn(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Entry:
    group: str
    inferred: bool  # no client drawn: chosen by in-degree (ENTRY001)
    virtual: bool  # a virtual client stands in front, so the entry itself is analysed as a component
    helper: bool = False  # an inferred source that is not user-facing (a job, an admin tool): REP/QUE only (R5)
    device: bool = False  # a helper that is a drawn device or sensor: what it feeds is a data path, not orphaned
    assumption: str = ""  # "entry inferred: `x`" when the choice is a guess, empty when the drawing says so


@dataclass(frozen=True)
class Reach:
    """Result of the dominator analysis from one root: an entry (§5.2) or a queue's async domain (§5.4)."""

    root: str
    kind: str  # "entry" | "async"
    virtual: bool
    reach: frozenset[str]
    terminals: tuple[str, ...]  # nearest first
    critical: Mapping[str, str]  # Crit(root) member → witness terminal, nearest first
    parent: Mapping[str, str | None]  # BFS tree over hard edges, for witness paths

    def path(self, target: str) -> list[str]:
        """Group ids from the root to `target` along the BFS tree (a shortest path)."""
        out: list[str] = []
        node: str | None = target
        while node is not None:
            out.append(node)
            node = self.parent.get(node)
        out.reverse()
        return out


# Roles whose edges say nothing of who uses a store (AnalysisGraph.edgeless); an annotation (a `Blank` junction)
# passes a real edge on.
_NOT_USE = roles.AUXILIARY_ROLES - {"annotation"}


@dataclass(frozen=True)
class AnalysisGraph:
    """Everything rules read about one diagram. Treat as immutable; the networkx graphs are shared, not copies."""

    diagram: Diagram
    inputs: DesignInputs
    nodes: Mapping[str, NodeInfo]  # drawing order
    arcs: tuple[Arc, ...]
    groups: Mapping[str, Group]  # drawing order of first members
    group_of: Mapping[str, str]
    Q: nx.DiGraph  # quotient over sync arcs between different groups; edge attr "fraction"
    hard_succ: Mapping[str, tuple[str, ...]]  # Q without soft groups
    hard_pred: Mapping[str, tuple[str, ...]]
    hard_cycles: tuple[tuple[str, ...], ...]  # SCCs of two or more hard groups, each and all in drawing order
    delivery: Mapping[str, tuple[str, ...]]  # queue group → groups its async delivery arcs reach
    entries: tuple[Entry, ...]
    reaches: Mapping[str, Reach]  # entry group → analysis
    domains: Mapping[str, Reach]  # queue group → async domain analysis
    equal_rank_edges: tuple[str, ...] = field(default=())  # GRAPH001 edge ids
    # services read as routes of their own behind an API gateway, on no drawn route label → the assumption (R7)
    guessed_routes: Mapping[str, str] = field(default_factory=dict)

    # -- convenience for rules -------------------------------------------------------------------------
    @cached_property
    def G(self) -> nx.MultiDiGraph:
        """Node-level graph of every arc, keyed by arc index, with attributes "kind" and "edge" (built on use)."""
        G = nx.MultiDiGraph()
        G.add_nodes_from(self.nodes)
        G.add_edges_from((a.u, a.v, a.index, {"kind": a.kind, "edge": a.edge}) for a in self.arcs)
        return G

    @cached_property
    def edge_index(self) -> Mapping[str, object]:
        """Drawn model edges by id."""
        return MappingProxyType({e.id: e for e in self.diagram.edges})

    @cached_property
    def edgeless(self) -> Mapping[str, tuple[str, ...]]:
        """Nodes that no application edge uses, by class: an inventory entry, or a copy of a connected node drawn
        in another zone that may be its standby (built on use). Edges with monitoring, a tool or a controller at
        one end do not count: probes are drawn to anything and decide nothing (monitoring fails open), and
        `terraform >> rds` or a chaos workflow's fault provisions or tests a store that nothing may use. An edge
        may come from a node of another diagram in the same file (`terraform >> maven` under the second
        `Diagram`)."""
        side = {nid for nid, info in self.nodes.items() if info.role in _NOT_USE}
        touched = {n for e in self.diagram.edges if e.tail not in side and e.head not in side for n in (e.tail, e.head)}
        out: dict[str, list[str]] = {}
        for nid, info in self.nodes.items():
            if nid not in touched:
                out.setdefault(info.cls, []).append(nid)
        return MappingProxyType({k: tuple(v) for k, v in out.items()})

    def group(self, node_id: str) -> Group:
        return self.groups[self.group_of[node_id]]

    def label(self, node_id: str) -> str:
        return self.nodes[node_id].label


# -- building --------------------------------------------------------------------------------------------------------


class PerGraph:
    """Values computed once per AnalysisGraph and dropped with it: the availability and latency estimates
    are asked for by several rules, the report and the what-if drills. Keyed by id() with a weak reference,
    because a graph is not hashable and an id is reused once its graph is gone."""

    def __init__(self) -> None:
        self._items: dict[int, tuple[weakref.ref, object]] = {}

    def get(self, g: AnalysisGraph, make):
        key = id(g)
        hit = self._items.get(key)
        if hit is not None and hit[0]() is g:
            return hit[1]
        value = make()
        self._items[key] = (weakref.ref(g, lambda _ref, key=key, items=self._items: items.pop(key, None)), value)
        return value
