"""The analysis graph of one diagram: roles, oriented typed edges, replica groups, quotient graph and entries."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from types import MappingProxyType
from typing import NamedTuple

import networkx as nx

from workbench import roles
from workbench.model import Diagram, Node
from workbench.redundancy import (
    AURORA_CLASSES, ASSUMED_SCALING_REPLICAS, HA, RDS_CLASSES, SCALING_GROUP_CLASSES, Location, cluster_location,
    flag, is_placement_cluster, is_shard, label_stem, multiplier, node_ha, number, read_fraction, region_of_zone,
    replica_count, role_marks, slo_percent,
)

KINDS = ("sync", "async", "replication", "response", "fallback", "side")
# Roles that never become a SPOF or a terminal: they are where requests come from.
SOURCE_ROLES = frozenset({"client", "internet"})
# Stateless request roles whose look-alike siblings form one replica group (§3.1). Clients are excluded (two
# user icons are two audiences, not replicas) and so are external services (not ours to replicate).
_NOT_MERGEABLE = SOURCE_ROLES | {"external_saas"}

_REPLICATION_LABEL = re.compile(r"replic|failover|standby|mirror|quorum|sync to", re.IGNORECASE)
_ASYNC_LABEL = re.compile(r"\b(?:async|event|publish|subscribe|notify|webhook|batch|cdc|etl)", re.IGNORECASE)
_FALLBACK_LABEL = re.compile(r"fallback|degrad|optional|best.?effort", re.IGNORECASE)
# A label on an edge *into* a queue that says the caller takes messages out: the arrow points at the broker
# because the consumer polls it, but work flows from the queue to the consumer [H].
_PULL_LABEL = re.compile(r"\b(?:consum|poll|pull|subscri|receiv|dequeue|read)", re.IGNORECASE)
_DEFAULT_RANK = 4
# Stateful roles that cannot stand behind a cache as the store of record (§4 cache-aside test) [H].
_NOT_BACKING = frozenset({"cache", "queue", "coordination"})


@dataclass(frozen=True)
class DesignInputs:
    """Design-level inputs after precedence: diagram `wb_*` keys win over the design sheet's values."""

    qps: float | None = None
    read_ratio: float | None = None  # read fraction ρ in [0, 1]
    slo: float | None = None  # percent, e.g. 99.99


# NodeInfo and Group are slotted rather than frozen: tens of thousands are built per large design, and a
# frozen dataclass pays one object.__setattr__ per field. Treat them as read-only all the same.
@dataclass(slots=True)
class NodeInfo:
    """What the analysis knows about one drawn node (read-only by convention)."""

    id: str
    label: str  # display label (C4 name for C4 nodes, the node id when the label is empty)
    cls: str
    provider: str | None
    role: str  # effective role: "service" stands in for "unknown"
    inferred_role: str  # what roles.resolve_role said, "unknown" included
    role_source: str
    invalid_role: str | None  # a `role=` value outside the vocabulary (ROLE002)
    rank: int
    stateful: bool  # role-based (§2.1), `stateful=` wins
    replicas: int
    replicas_source: str  # "default" | "node" | "cluster" | "scaling_group"
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

    def group(self, node_id: str) -> Group:
        return self.groups[self.group_of[node_id]]

    def label(self, node_id: str) -> str:
        return self.nodes[node_id].label


# -- building --------------------------------------------------------------------------------------------------------


def build_graph(diagram: Diagram, design_inputs: Mapping[str, object] | None = None) -> AnalysisGraph:
    """Build the analysis graph of `diagram` (spec §1-§5).

    Parameters
    ----------
    diagram : Diagram
        The captured model diagram.
    design_inputs : mapping, optional
        Design-level `qps`, `read_ratio` and `slo` from the capacity sheet; the diagram's `wb_*` keys win.

    Returns
    -------
    AnalysisGraph
    """
    from workbench.criticality import analyse_root  # late: criticality imports this module's dataclasses

    inputs = resolve_inputs(diagram, design_inputs or {})
    nodes = node_infos(diagram)
    arcs = orient_and_type(diagram, nodes)
    group_of, groups = replica_groups(nodes, arcs)
    Q = quotient(groups, group_of, arcs)
    groups = mark_soft(groups, Q, nodes)
    hard_succ, hard_pred = hard_adjacency(Q, groups)
    entries = find_entries(groups, Q, nodes, fed_groups(group_of, arcs))
    delivery = delivery_map(groups, group_of, arcs)
    components = strong_components(hard_succ)
    sinks = sink_groups(components, hard_succ)
    reaches = {e.group: analyse_root(e.group, "entry", e.virtual, groups, hard_succ, hard_pred, {}, sinks)
               for e in entries}
    domains = {q: analyse_root(q, "async", False, groups, hard_succ, hard_pred, delivery, sinks)
               for q in delivery}
    equal = tuple(dict.fromkeys(a.edge for a in arcs if a.undirected_tie and a.kind not in ("replication", "side")))
    return AnalysisGraph(
        diagram=diagram, inputs=inputs, nodes=MappingProxyType(nodes), arcs=tuple(arcs),
        groups=MappingProxyType(groups), group_of=MappingProxyType(group_of), Q=Q,
        hard_succ=MappingProxyType(hard_succ), hard_pred=MappingProxyType(hard_pred),
        hard_cycles=cycle_components(components, groups), delivery=MappingProxyType(delivery),
        entries=tuple(entries), reaches=MappingProxyType(reaches), domains=MappingProxyType(domains),
        equal_rank_edges=equal,
    )


def resolve_inputs(diagram: Diagram, design: Mapping[str, object]) -> DesignInputs:
    """Diagram `wb_qps`/`wb_read_ratio`/`wb_slo` first, then the design sheet's `qps`/`read_ratio`/`slo`."""

    def pick(key: str) -> str | None:
        value = diagram.analysis.get(f"wb_{key}")
        if value is None and design.get(key) is not None:
            value = str(design[key])
        return value

    return DesignInputs(qps=number(pick("qps")), read_ratio=read_fraction(pick("read_ratio")),
                        slo=slo_percent(pick("slo")))


def display_label(node: Node) -> str:
    """The label people read: the C4 name for C4 nodes, the node id when nothing is drawn."""
    text = (node.c4 or {}).get("name") or node.label or node.id
    return " ".join(str(text).split())


# Shared by every node without analysis keys (most of them): one object instead of a proxy and a dict per node,
# which a large design would otherwise allocate, scan at the next garbage collection and fetch from memory.
_NO_ANALYSIS: Mapping[str, str] = MappingProxyType({})


def node_infos(diagram: Diagram) -> dict[str, NodeInfo]:
    """Resolve roles, replicas, locations and managed-HA status of every node, in drawing order."""
    clusters = {c.id: c for c in diagram.clusters}
    locations = {c.id: cluster_location(c.label, c.analysis) for c in diagram.clusters}
    # Location and subnet clusters say where a node runs, not which service it is: left out of the sibling scope.
    placement = {cid for cid, loc in locations.items() if loc.known or is_placement_cluster(clusters[cid].label)}
    members_by_cluster: dict[str, list[Node]] = defaultdict(list)
    for n in diagram.nodes:
        for cid in n.clusters:
            members_by_cluster[cid].append(n)
    role_memo: dict[tuple, roles.RoleResolution] = {}
    resolved = {n.id: _resolve(n, role_memo) for n in diagram.nodes}  # read again by the two passes below
    ha_memo: dict[tuple, HA] = {}  # most nodes share class and attributes; lives for this build only
    location_memo: dict[tuple, Location] = {}  # likewise zone and region
    path_memo: dict[tuple, tuple[str, ...]] = {}  # and cluster paths
    callers_rank = _network_caller_ranks(diagram, resolved)
    owners = k8s_owners(diagram, resolved)
    infos: dict[str, NodeInfo] = {}
    for n in diagram.nodes:
        res = resolved[n.id]
        role = "service" if res.role == "unknown" else res.role
        if n.id in owners and "role" not in n.analysis:
            role = "management"
        a = n.analysis
        rank = roles.RANK.get(role)
        if rank is None:
            rank = callers_rank.get(n.id, _DEFAULT_RANK)
        stateful_override = flag(a.get("stateful"))
        if stateful_override is not None:
            stateful = stateful_override
        else:
            stateful = role in roles.STATEFUL or (role == "analytics" and n.cls in roles.WAREHOUSE_CLASSES)
        replicas, source = _replicas(n, clusters, members_by_cluster)
        loc = _location(n, locations, location_memo)
        label = display_label(n)
        chain = tuple(n.clusters)
        path = path_memo.get(chain)
        if path is None:
            path = path_memo[chain] = tuple(clusters[c].label for c in chain
                                            if c in clusters and c not in placement)
        infos[n.id] = NodeInfo(
            id=n.id, label=label, cls=n.cls, provider=n.provider, role=role, inferred_role=res.role,
            role_source=res.source, invalid_role=res.invalid_override, rank=rank, stateful=stateful,
            replicas=replicas, replicas_source=source, location=loc, marks=role_marks(label, n.cls),
            ha=_ha(n, role, ha_memo), analysis=MappingProxyType(dict(a)) if a else _NO_ANALYSIS,
            cluster_path=path, file=n.file, line=n.line, c4=n.c4 is not None,
        )
    return infos


_HA_KEYS = ("managed_ha", "tier", "storage_class", "multi_az", "zone", "redundancy")


def _ha(n: Node, role: str, memo: dict[tuple, HA]) -> HA:
    key = (n.provider, n.cls, role, n.c4 is not None) + tuple(n.analysis.get(k) for k in _HA_KEYS)
    found = memo.get(key)
    if found is None:
        found = memo[key] = node_ha(n.provider, n.cls, role, n.analysis, c4=n.c4 is not None)
    return found


def _resolve(n: Node, memo: dict[tuple, roles.RoleResolution]) -> roles.RoleResolution:
    # Most nodes share a class; the memo lives for one build only (no global state).
    c4 = tuple(sorted((n.c4 or {}).items()))
    label = n.label if (n.provider == "custom" or n.provider is None) else None
    key = (n.provider, n.module, n.cls, n.analysis.get("role"), c4, label)
    found = memo.get(key)
    if found is None:
        found = memo[key] = roles.resolve_role(n)
    return found


K8S_CONTROLLERS = frozenset({"Deploy", "RS", "STS", "DS", "Job", "Cronjob"})
# Provisioning objects: a PersistentVolume bound to claims, the StorageClass that provisions it.
K8S_PROVISIONING = frozenset({"PV", "SC"})


def k8s_owners(diagram: Diagram, resolved: Mapping[str, roles.RoleResolution]) -> frozenset[str]:
    """Kubernetes controllers drawn only against their pods (or other controllers), and volumes or storage
    classes drawn only against claims: control-plane objects.

    `[pods] << ReplicaSet("rs") << Deployment("dp")` shows ownership, not requests, so these controllers
    take the management role and their edges become side edges [H]. A controller that anything else calls
    (`lb >> Deploy("api", replicas="3")`) stays the workload it stands for.
    """
    controllers = {n.id for n in diagram.nodes
                   if n.provider == "k8s" and (n.cls in K8S_CONTROLLERS or n.cls in K8S_PROVISIONING)}
    if not controllers:
        return frozenset()
    by_id = {n.id: n for n in diagram.nodes}
    owned = {nid: False for nid in controllers}  # False until an ownership edge is seen
    for e in diagram.edges:
        for a, b in ((e.tail, e.head), (e.head, e.tail)):
            if a not in controllers or b not in by_id or owned.get(a) is None:
                continue
            other = by_id[b]
            if by_id[a].cls in K8S_PROVISIONING:
                # A volume that pods use directly is storage; bound only to claims and classes, it is plumbing.
                partner = other.provider == "k8s" and other.module == "storage"
            else:
                # Pods, other controllers, volumes and claims (a StatefulSet's volumeClaimTemplates), autoscalers.
                partner = other.provider == "k8s" and (other.cls == "Pod" or other.cls in K8S_CONTROLLERS
                                                       or other.module in ("storage", "clusterconfig"))
            if partner:
                owned[a] = True
            elif resolved[b].role not in roles.AUXILIARY_ROLES:
                owned[a] = None  # a real request edge: keep it a workload
    return frozenset(nid for nid, flag_ in owned.items() if flag_)


def _network_caller_ranks(diagram: Diagram, resolved: Mapping[str, roles.RoleResolution]) -> dict[str, int]:
    """RANK of a network node = rank of its predecessor (§1): the highest rank among directed callers."""
    found: dict[str, int] = {}
    for e in diagram.edges:
        if e.dir not in ("forward", "back", "both") or e.tail not in resolved or e.head not in resolved:
            continue
        pairs = [(e.caller, e.callee)] + ([(e.head, e.tail)] if e.dir == "both" else [])
        for u, v in pairs:
            role_u = resolved[u].role
            ru = roles.RANK.get("service" if role_u == "unknown" else role_u)
            if resolved[v].role == "network" and ru is not None and role_u not in roles.AUXILIARY_ROLES:
                found[v] = max(found.get(v, ru), ru)
    return found


def _replicas(n: Node, clusters: Mapping, members_by_cluster: Mapping) -> tuple[int, str]:
    declared = replica_count(n.analysis.get("replicas"))
    if declared is not None:
        return declared, "node"
    # wb_replicas of the nearest cluster that sets it, for a member whose class is unique in that cluster.
    for cid in reversed(n.clusters):
        c = clusters.get(cid)
        if c is None or "wb_replicas" not in c.analysis:
            continue
        count = replica_count(c.analysis["wb_replicas"])
        same = sum(1 for m in members_by_cluster[cid] if m.cls == n.cls)
        if count is not None and same == 1:
            return count, "cluster"
        break
    if n.cls in SCALING_GROUP_CLASSES:
        return ASSUMED_SCALING_REPLICAS, "scaling_group"
    return 1, "default"


def _location(n: Node, locations: Mapping[str, Location], memo: dict[tuple, Location]) -> Location:
    zone = n.analysis.get("zone") or None
    region = n.analysis.get("region") or None
    for cid in reversed(n.clusters):
        loc = locations.get(cid)
        if loc is None:
            continue
        zone = zone or loc.zone
        region = region or loc.region
    if region is None and zone:
        region = region_of_zone(zone)
    found = memo.get((zone, region))
    if found is None:
        found = memo[(zone, region)] = Location(zone, region)
    return found


# -- edges ------------------------------------------------------------------------------------------------------------


def orient_and_type(diagram: Diagram, nodes: Mapping[str, NodeInfo]) -> list[Arc]:
    """Orient every drawn edge (§1) and give each arc its kind (§4, first match wins)."""
    # Pass 1: orientation plus steps 1-3 (explicit, replication, side); rows are [edge, u, v, tie, explicit, kind].
    rows: list[list] = []
    for e in diagram.edges:
        t, h = e.tail, e.head
        if t not in nodes or h not in nodes:
            continue  # the loader reports dangling edges; the analysis cannot place them
        tie = False
        if e.dir == "back":
            pairs = ((h, t),)
        elif e.dir == "both":
            pairs = ((t, h), (h, t))
        elif e.dir == "none":
            rt, rh = nodes[t].rank, nodes[h].rank
            if rt != rh:
                pairs = ((t, h),) if rt < rh else ((h, t),)
            else:
                pairs, tie = ((t, h), (h, t)) if t != h else ((t, h),), True
        else:  # forward, or anything unexpected read as drawn
            pairs = ((t, h),)
        explicit = e.analysis.get("kind")
        explicit = explicit.strip().lower() if explicit else None
        if explicit not in KINDS:
            explicit = None
        for u, v in pairs:
            rows.append([e, u, v, tie, explicit, explicit or _early_kind(e, u, v, nodes)])
    _mark_responses(rows, nodes)
    arcs: list[Arc] = []
    for e, u, v, tie, explicit, kind in rows:
        pulled = False
        if kind is None:
            kind, pulled = _late_kind(e, u, v, nodes)
            if pulled:
                u, v = v, u
        # A multiplier on the caller's load (>1 is fan-out); unreadable values keep 1.0 and raise ATTR001.
        share = multiplier(e.analysis.get("fraction")) if "fraction" in e.analysis else None
        arcs.append(Arc(len(arcs), e.id, u, v, kind, e.label or "", 1.0 if share is None else share,
                        explicit is not None, tie, pulled))
    return arcs


def _early_kind(e, u: str, v: str, nodes: Mapping[str, NodeInfo]) -> str | None:
    """Steps 2-3 of §4: replication, then side."""
    nu, nv = nodes[u], nodes[v]
    if nu.auxiliary or nv.auxiliary:
        return "side"
    if nu.role == nv.role and _REPLICATION_LABEL.search(e.label or ""):
        # Same role only: "reads from replica" on api → db is a request, not replication [H].
        return "replication"
    if e.dir == "none" and nu.cls == nv.cls and (nu.stateful or nu.role == "cache") and (
            nv.stateful or nv.role == "cache"):
        # Caches replicate as well (Redis primary - replica); the spec names stateful nodes only.
        return "replication"
    return None


def _mark_responses(rows: list[list], nodes: Mapping[str, NodeInfo]) -> None:
    """Step 4 of §4: in a 2-cycle u⇄v with RANK(u) < RANK(v), v→u is the response (rows as in orient_and_type)."""
    # Only an arc down the ranks can be a response, and few are: find those first, then only the requests that
    # would answer them, rather than indexing every arc of the design.
    # A queue's arc back to its producer is delivery to a consumer, not a response.
    downhill = [row for row in rows if row[5] is None and nodes[row[2]].rank < nodes[row[1]].rank
                and nodes[row[1]].role != "queue"]
    if not downhill:
        return
    answering: dict[str, set[str]] = defaultdict(set)  # v → {u}: a request v→u would make u→v a response
    for row in downhill:
        answering[row[2]].add(row[1])
    request = {(r[1], r[2]) for r in rows
               if r[1] in answering and r[2] in answering[r[1]] and r[5] in (None, "sync", "async", "fallback")}
    for row in downhill:
        if (row[2], row[1]) in request:
            row[5] = "response"


def _late_kind(e, u: str, v: str, nodes: Mapping[str, NodeInfo]) -> tuple[str, bool]:
    """Steps 5-7 of §4: async delivery, fallback, sync. Returns (kind, pulled)."""
    label = e.label or ""
    into_queue = nodes[v].role == "queue" and nodes[u].role != "queue"
    if into_queue:
        if _PULL_LABEL.search(label):
            return "async", True
    elif nodes[u].role == "queue" or _ASYNC_LABEL.search(label) or (
            "dashed" in (e.style or "") and not (nodes[u].c4 and nodes[v].c4)):
        return "async", False
    if _FALLBACK_LABEL.search(label):
        return "fallback", False
    return "sync", False


# -- replica groups ---------------------------------------------------------------------------------------------------


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {i: i for i in items}
        self.order = {i: n for n, i in enumerate(self.parent)}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The earlier-drawn node stays the root, so group ids follow drawing order.
            if self.order[rb] < self.order[ra]:
                ra, rb = rb, ra
            self.parent[rb] = ra


def replica_groups(nodes: Mapping[str, NodeInfo], arcs: list[Arc]) -> tuple[dict[str, str], dict[str, Group]]:
    """Group drawn nodes into replica groups (§3.2): evidence unions, then colour refinement for stateless nodes."""
    uf = _UnionFind(nodes)
    by_group: dict[str, list[str]] = defaultdict(list)
    for nid, info in nodes.items():
        value = str(info.analysis.get("group", "")).strip()
        if value:
            by_group[value].append(nid)
    for members in by_group.values():
        for other in members[1:]:
            uf.union(members[0], other)
    for a in arcs:
        if a.kind == "replication" and nodes[a.u].role == nodes[a.v].role and a.u != a.v:
            uf.union(a.u, a.v)
    merge_instance_volumes(nodes, arcs, uf)
    colours = refine_colours(nodes, arcs, uf)
    first: dict[int, str] = {}
    for nid, colour in colours.items():
        if not mergeable(nodes[nid]):
            continue
        if colour in first:
            uf.union(first[colour], nid)
        else:
            first[colour] = nid
    members: dict[str, list[str]] = defaultdict(list)
    for nid in nodes:
        members[uf.find(nid)].append(nid)
    group_of: dict[str, str] = {}
    groups: dict[str, Group] = {}
    for ids in members.values():
        # Members in source order: the first is the subject (file, line) and names the group, whatever the
        # order in which the nodes were collected.
        ids.sort(key=lambda i: (nodes[i].file, nodes[i].line, i))
        gid = ids[0]
        for nid in ids:
            group_of[nid] = gid
        groups[gid] = make_group(gid, [nodes[i] for i in ids])
    return group_of, groups


def merge_instance_volumes(nodes: Mapping[str, NodeInfo], arcs: list[Arc], uf: _UnionFind) -> None:
    """Look-alike volumes that each belong to one look-alike instance share that instance's fate [H].

    `for i in range(3): svc >> Pod("pod") >> PVC("pvc")` draws a StatefulSet: each pod has its own volume,
    and losing one volume loses one replica, which the group tolerates. Stateful siblings otherwise need
    replication evidence (§3.1); this is the one case where the drawing itself is that evidence: block or
    file volumes (not databases), each called by exactly one caller, the callers look-alike stateless
    siblings. Unioned before colour refinement, so the instances then merge as one group too.
    """
    callers: dict[str, set[str]] = {nid: set() for nid, info in nodes.items() if info.role == "file_storage"}
    if not callers:
        return
    for a in arcs:
        if a.kind == "sync" and a.u != a.v and a.v in callers:
            callers[a.v].add(a.u)
    candidates: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
    for nid, owner in callers.items():
        info = nodes[nid]
        if len(owner) != 1 or is_shard(info.label):
            continue
        (member,) = owner
        m = nodes[member]
        if mergeable(m):
            key = (info.cls, label_stem(info.label), info.cluster_path, m.cls, label_stem(m.label), m.cluster_path)
            candidates[key].append((nid, member))
    for pairs in candidates.values():
        if len(pairs) >= 2 and len({member for _, member in pairs}) == len(pairs):
            for volume, _ in pairs[1:]:
                uf.union(pairs[0][0], volume)


def mergeable(info: NodeInfo) -> bool:
    """Stateless request-path nodes that are not shards may merge with look-alike siblings."""
    return (info.role in roles.REQUEST_ROLES and info.role not in _NOT_MERGEABLE and not info.stateful
            and not is_shard(info.label))


def refine_colours(nodes: Mapping[str, NodeInfo], arcs: list[Arc], uf: _UnionFind) -> dict[str, int]:
    """1-WL colour refinement over sync arcs in both directions, to the stable partition (§3.2 step 3).

    Stateless nodes start from (class, stem, innermost non-location cluster). Every other node starts from its
    own evidence group, so two stateless nodes merge only when they call the *same* stores, not merely stores
    that look alike (the spec's "same neighbour groups", §3.1); otherwise the web tiers of two shards would merge.

    Incremental rather than the textbook "recolour everything until the count stops changing", which needs
    O(n) rounds on a chain of look-alike nodes (O(n·(n+m)), minutes for a 5,000-node pipeline): each round
    recomputes only the neighbours of nodes whose colour changed, against the colours at the start of the
    round, and the largest block of a split keeps its colour, so a node changes colour O(log n) times. The
    result is the same coarsest stable partition; colour numbers may differ, and only equality is used.
    """
    ids = list(nodes)
    start = [("m", info.cls, label_stem(info.label), info.cluster_path) if mergeable(info) else ("f", uf.find(nid))
             for nid, info in nodes.items()]
    first: dict[tuple, int] = {}
    colour = [first.setdefault(key, len(first)) for key in start]
    # A class of one never splits and never grows (a split moves nodes to new colours), so only larger classes
    # are tracked and refined: most nodes that may not merge start alone. Signatures are taken, and colour
    # changes spread, from tracked nodes only, so only they need their neighbours listed.
    size = [0] * len(first)
    for c in colour:
        size[c] += 1
    members: dict[int, set[int]] = defaultdict(set)
    for v, c in enumerate(colour):
        if size[c] > 1:
            members[c].add(v)
    fresh = len(first)
    dirty = {v for vs in members.values() for v in vs}
    preds: dict[int, list[int]] = {v: [] for v in dirty}
    succs: dict[int, list[int]] = {v: [] for v in dirty}
    index = {nid: i for i, nid in enumerate(ids)}
    for a in arcs:
        if a.kind == "sync" and a.u != a.v:
            u, v = index[a.u], index[a.v]
            if u in succs:
                succs[u].append(v)
            if v in preds:
                preds[v].append(u)
    while dirty:
        # Phase 1: split every class that holds dirty nodes, by signatures taken on this round's colours.
        # A block is (dirty nodes, whether the class's clean nodes belong to it).
        splits: list[tuple[int, list[tuple[list[int], bool]]]] = []
        by_class: dict[int, list[int]] = defaultdict(list)
        for v in dirty:
            if colour[v] in members:
                by_class[colour[v]].append(v)
        for c, dirty_members in by_class.items():
            blocks: dict[tuple, list[int]] = defaultdict(list)
            for v in dirty_members:
                blocks[_signature(v, colour, preds, succs)].append(v)
            clean_sig = None
            if len(members[c]) > len(dirty_members):
                # Clean members still share one signature: one representative stands for all of them.
                clean = next(v for v in members[c] if v not in dirty)
                clean_sig = _signature(clean, colour, preds, succs)
                blocks.setdefault(clean_sig, [])
            if len(blocks) > 1:
                splits.append((c, [(vs, sig == clean_sig) for sig, vs in blocks.items()]))
        # Phase 2: the largest block keeps the colour; the others move to new colours.
        changed: list[int] = []
        for c, blocks in splits:
            # Count the clean members instead of listing them: they usually stay, and listing them every round
            # would make a long look-alike chain quadratic again.
            n_clean = len(members[c]) - sum(len(vs) for vs, _ in blocks)
            sizes = [len(vs) + (n_clean if with_clean else 0) for vs, with_clean in blocks]
            keep = max(range(len(blocks)), key=sizes.__getitem__)
            for k, (vs, with_clean) in enumerate(blocks):
                if k == keep:
                    continue
                moved = vs + [v for v in members[c] if v not in dirty] if with_clean else vs
                for v in moved:
                    members[c].discard(v)
                    colour[v] = fresh
                    members[fresh].add(v)
                changed.extend(moved)
                fresh += 1
        dirty = {w for v in changed for w in preds[v]} | {w for v in changed for w in succs[v]}
    return {nid: colour[i] for i, nid in enumerate(ids)}


def _signature(v: int, colour: list[int], preds: Mapping[int, list[int]], succs: Mapping[int, list[int]]) -> tuple:
    return frozenset(colour[p] for p in preds[v]), frozenset(colour[s] for s in succs[v])


def _index(values: Mapping[str, object]) -> dict[str, int]:
    ids: dict[object, int] = {}
    return {k: ids.setdefault(v, len(ids)) for k, v in values.items()}


_NO_REGIONS: frozenset[str] = frozenset()  # shared, as _NO_ANALYSIS: most groups declare no region


def make_group(gid: str, members: list[NodeInfo]) -> Group:
    """Aggregate members into a Group: r, k, tolerance inputs, zones and the stable target key."""
    # Mixed roles only come from group="…": prefer state, then the deeper tier, independent of drawing order.
    role = max({m.role for m in members}, key=lambda r: (r in roles.STATEFUL, roles.RANK.get(r) or 0, r))
    r = sum(m.replicas for m in members)
    quorum_values = [str(m.analysis.get("quorum", "")).strip().lower() for m in members]
    explicit_k = next((int(v) for v in quorum_values if v.isdigit() and int(v) >= 1), None)
    quorum = role == "coordination" or "majority" in quorum_values or explicit_k is not None
    # An explicit quorum larger than the group can never be met; clamp so that r − k + 1 stays ≥ 1 (§5.3).
    k = min(explicit_k, r) if explicit_k is not None else (r // 2 + 1 if quorum else 1)
    statuses = {m.ha.status for m in members}
    status = "single" if "single" in statuses else ("provisional" if "provisional" in statuses else "managed")
    auto = any(m.ha.auto_failover for m in members) or any(
        str(m.analysis.get("failover", "")).strip().lower() == "auto" for m in members) or (
        # A drawn RDS standby is the Multi-AZ standby, which RDS promotes (read replicas say replica/reader) [A10].
        all(m.cls in RDS_CLASSES for m in members) and any("standby" in m.marks for m in members))
    labels = tuple(m.label for m in members)
    classes = tuple(dict.fromkeys(m.cls for m in members))
    prefix = _common_prefix([m.cluster_path for m in members])
    key = f"{','.join(sorted(labels))}|{','.join(sorted(classes))}|{'/'.join(prefix)}"
    name = labels[0] if len(labels) == 1 else "{" + ", ".join(labels) + "}"
    return Group(
        id=gid, members=tuple(m.id for m in members), labels=labels, classes=classes, role=role,
        stateful=any(m.stateful for m in members), r=r, k=k, quorum=quorum, ha_status=status,
        elastic=all(m.ha.elastic for m in members), auto_failover=auto,
        zone_confined=next((m.ha.zone_confined for m in members if m.ha.zone_confined), None),
        zones=tuple(m.location.zone for m in members),
        regions=frozenset(m.location.region for m in members if m.location.region) or _NO_REGIONS,
        aurora=any(m.cls in AURORA_CLASSES for m in members), key=key, name=name,
    )


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    prefix = paths[0]
    for p in paths[1:]:
        n = 0
        while n < min(len(prefix), len(p)) and prefix[n] == p[n]:
            n += 1
        prefix = prefix[:n]
    return prefix


# -- quotient graph, soft dependencies, entries ----------------------------------------------------------------------


def quotient(groups: Mapping[str, Group], group_of: Mapping[str, str], arcs: list[Arc]) -> nx.DiGraph:
    """Q: an edge g→h for every sync arc u→v with u∈g, v∈h, g≠h; `fraction` is the largest member fraction."""
    fractions: dict[tuple[str, str], float] = {}  # in order of first arc, as Q's adjacency then is
    for a in arcs:
        if a.kind != "sync":
            continue
        g, h = group_of[a.u], group_of[a.v]
        if g == h:
            continue
        found = fractions.get((g, h))
        fractions[(g, h)] = a.fraction if found is None else max(found, a.fraction)
    Q = nx.DiGraph()
    Q.add_nodes_from(groups)
    # One bulk insertion: networkx's per-edge look-ups and views cost more than the edges themselves.
    Q.add_edges_from((g, h, {"fraction": f}) for (g, h), f in fractions.items())
    return Q


def mark_soft(groups: dict[str, Group], Q: nx.DiGraph, nodes: Mapping[str, NodeInfo]) -> dict[str, Group]:
    """Flag soft groups (§4): `optional="true"` and cache-aside caches; a cache with no store behind it is hard.

    A cache c is cache-aside when every sync predecessor of c also reaches a non-cache stateful group in Q − c.
    Queues and coordination services do not count as that store [H]: they cannot answer the reads a cache
    holds, so a Redis next to a Kafka producer is still the only copy of its data.
    """
    store = {g for g, grp in groups.items() if grp.stateful and grp.role not in _NOT_BACKING}
    # Groups that reach a store without passing through any cache: the fast path of the cache-aside test.
    direct = _reverse_closure(Q, store, blocked={g for g, grp in groups.items() if grp.role == "cache"})
    out: dict[str, Group] = {}
    for gid, grp in groups.items():
        if any(flag(nodes[m].analysis.get("optional")) for m in grp.members):
            out[gid] = replace(grp, soft=True, soft_reason="optional")
        elif grp.role == "cache" and not grp.stateful:
            aside = all(p in direct or _reaches_without(Q, p, store, gid) for p in Q.predecessors(gid))
            out[gid] = replace(grp, soft=aside, soft_reason="cache-aside" if aside else None, hard_cache=not aside)
        else:
            out[gid] = grp
    return out


def _reverse_closure(Q: nx.DiGraph, targets: set[str], blocked: set[str]) -> set[str]:
    seen = set(targets)
    stack = list(targets)
    while stack:
        v = stack.pop()
        for p in Q.predecessors(v):
            if p not in seen and p not in blocked:
                seen.add(p)
                stack.append(p)
    return seen


def _reaches_without(Q: nx.DiGraph, start: str, targets: set[str], removed: str) -> bool:
    seen = {start, removed}
    stack = [start]
    while stack:
        v = stack.pop()
        for s in Q.successors(v):
            if s in targets:
                return True
            if s not in seen:
                seen.add(s)
                stack.append(s)
    return False


def hard_adjacency(Q: nx.DiGraph, groups: Mapping[str, Group]) -> tuple[dict, dict]:
    """Successor and predecessor tuples of Q restricted to hard (non-soft) groups."""
    soft = {g for g, grp in groups.items() if grp.soft}
    succ = {g: tuple(h for h in Q.successors(g) if h not in soft) for g in Q if g not in soft}
    pred = {g: tuple(h for h in Q.predecessors(g) if h not in soft) for g in Q if g not in soft}
    return succ, pred


def fed_groups(group_of: Mapping[str, str], arcs: list[Arc]) -> frozenset[str]:
    """Groups that receive async delivery or fallback arcs from another group: consumers, never entries."""
    return frozenset(group_of[a.v] for a in arcs
                     if a.kind in ("async", "fallback") and group_of[a.u] != group_of[a.v])


def find_entries(groups: Mapping[str, Group], Q: nx.DiGraph, nodes: Mapping[str, NodeInfo],
                 fed: frozenset[str] = frozenset()) -> list[Entry]:
    """Entries (§4): client/internet groups and `entry="true"`; else inferred fronts with a virtual client.

    Inferred entries have no incoming sync edge in Q, as the spec says, and also no incoming async delivery or
    fallback edge: a queue's consumer is analysed in the queue's async domain, not as a front door.
    """
    found: list[Entry] = []
    for gid, grp in groups.items():
        declared = [flag(nodes[m].analysis.get("entry")) for m in grp.members]
        if False in declared:
            continue
        if True in declared:
            found.append(Entry(gid, inferred=False, virtual=grp.role not in SOURCE_ROLES))
        elif grp.role in SOURCE_ROLES:
            found.append(Entry(gid, inferred=False, virtual=False))
    if found:
        return found
    return [Entry(gid, inferred=True, virtual=True) for gid, grp in groups.items()
            if Q.in_degree(gid) == 0 and Q.out_degree(gid) > 0 and not grp.effective_stateful and not grp.soft
            and grp.role in roles.REQUEST_ROLES and gid not in fed]


def delivery_map(groups: Mapping[str, Group], group_of: Mapping[str, str], arcs: list[Arc]) -> dict:
    """Queue group → the groups its async delivery arcs reach (the consumers, §5.4)."""
    out: dict[str, dict[str, None]] = {}
    for a in arcs:
        if a.kind != "async":
            continue
        q, c = group_of[a.u], group_of[a.v]
        if q != c and groups[q].role == "queue" and groups[c].role in roles.REQUEST_ROLES:
            out.setdefault(q, {})[c] = None
    return {q: tuple(cs) for q, cs in out.items()}


def sink_groups(components: list[list[str]], hard_succ: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """Groups in a sink SCC of the hard quotient graph (leaf services and terminal cycles)."""
    sinks: set[str] = set()
    for scc in components:
        inside = set(scc)
        if all(h in inside for g in scc for h in hard_succ[g]):
            sinks |= inside
    return frozenset(sinks)


def cycle_components(components: list[list[str]], groups: Mapping[str, Group]) -> tuple[tuple[str, ...], ...]:
    """The components of two or more groups, members in drawing order, ordered by their first-drawn member."""
    found = [scc for scc in components if len(scc) > 1]
    if not found:
        return ()
    position = {gid: i for i, gid in enumerate(groups)}
    return tuple(sorted((tuple(sorted(scc, key=position.__getitem__)) for scc in found),
                        key=lambda members: position[members[0]]))


def strong_components(succ: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected components of the graph whose successor lists are `succ` (every node is a key).

    Tarjan's algorithm, iterative, on the mapping itself: building a networkx graph only to search it took
    longer than the search (as for `criticality.immediate_dominators`). Components are lists, not sets: most
    have one member, and thousands of sets held at once cost more memory than the search itself.
    """
    index: dict[str, int] = {}  # visiting order
    low: dict[str, int] = {}  # lowest index reachable through the DFS subtree and one back edge
    stack: list[str] = []  # visited nodes whose component is not complete yet
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in succ:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ[root]))]
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(succ[w])))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
                if low[v] == index[v]:  # v is the root of a component: everything above it on the stack
                    component: list[str] = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    found.append(component)
    return found
