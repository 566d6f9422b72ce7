"""Peak load per replica group, rule-of-thumb capacities and provider quotas (spec §6.8)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx

from workbench.graph import AnalysisGraph, Group
from workbench.redundancy import RDS_CLASSES, fraction, number, read_fraction

DEFAULT_CACHE_HIT = 0.8  # [H] share of reads a cache-aside cache answers, overridable with cache_hit=
# Stores whose reads a cache-aside cache absorbs (queues and coordination are not read through a cache).
_READ_STORES = frozenset({"database", "search", "object_storage", "file_storage", "analytics"})


@dataclass(frozen=True)
class Load:
    """Peak requests per second into a group. Reads are None when no read ratio is declared anywhere."""

    total: float
    reads: float | None  # after cache-aside hits
    reads_raw: float | None  # before any cache: what reaches the store when the cache is gone

    @property
    def writes(self) -> float | None:
        return None if self.reads_raw is None else max(self.total - self.reads_raw, 0.0)


def group_values(g: AnalysisGraph, group: Group, key: str) -> list[str]:
    """Values of one analysis key over a group's members, in drawing order."""
    return [g.nodes[m].analysis[key] for m in group.members if key in g.nodes[m].analysis]


def group_read_fraction(g: AnalysisGraph, group: Group) -> float | None:
    for value in group_values(g, group, "read_ratio"):
        rho = read_fraction(value)
        if rho is not None:
            return rho
    return None


def cache_hit(g: AnalysisGraph, group: Group) -> float:
    hits = [h for h in (fraction(v) for v in group_values(g, group, "cache_hit")) if h is not None]
    return max(hits) if hits else DEFAULT_CACHE_HIT


def entry_read_fraction(g: AnalysisGraph, entry: str) -> float | None:
    """ρ at an entry: its own `read_ratio`, else the diagram's/design's (§6.1)."""
    rho = group_read_fraction(g, g.groups[entry])
    return rho if rho is not None else g.inputs.read_ratio


def store_read_fraction(g: AnalysisGraph, store: str, entry: str) -> float | None:
    """Nearest declaration wins: store node, then entry, then diagram/design (§6.1)."""
    rho = group_read_fraction(g, g.groups[store])
    return rho if rho is not None else entry_read_fraction(g, entry)


def entry_loads(g: AnalysisGraph) -> dict[str, float]:
    """Peak QPS entering at each entry: node `qps=` on entries, else the design QPS split evenly [H]."""
    declared: dict[str, float] = {}
    for e in g.entries:
        values = [number(v) for v in group_values(g, g.groups[e.group], "qps")]
        values = [v for v in values if v is not None]
        if values:
            declared[e.group] = sum(values)
    if declared:
        return declared
    if g.inputs.qps is None or not g.entries:
        return {}
    active = [e.group for e in g.entries if g.Q.out_degree(e.group) > 0] or [e.group for e in g.entries]
    return {e: g.inputs.qps / len(active) for e in active}


def _cache_users(g: AnalysisGraph) -> dict[str, float]:
    """Groups that call a cache-aside cache → the best hit ratio among those caches."""
    out: dict[str, float] = {}
    for c, grp in g.groups.items():
        if grp.soft_reason != "cache-aside":
            continue
        hit = cache_hit(g, grp)
        for p in g.Q.predecessors(c):
            out[p] = max(out.get(p, 0.0), hit)
    return out


def propagate(g: AnalysisGraph) -> dict[str, Load]:
    """L(v) = Σ L(u)·fraction(u→v) over sync and async group edges, in topological order of the condensation.

    An SCC is one unit: every member carries the SCC's inbound load. At read stores, reads behind a
    cache-aside cache are reduced by its hit ratio; `reads_raw` keeps the cache-off figure. Empty when no
    QPS is declared.
    """
    sources = entry_loads(g)
    if not sources:
        return {}
    LG = load_graph(g)
    users = _cache_users(g)
    own_rho = {gid: group_read_fraction(g, grp) for gid, grp in g.groups.items()}
    # inbound[group] = [total, reads before caches, reads after caches]; None = read mix unknown.
    inbound: dict[str, list[float | None]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for e, qps in sources.items():
        rho = entry_read_fraction(g, e)
        _push(inbound[e], qps, None if rho is None else qps * rho, None if rho is None else qps * rho)
    C = nx.condensation(LG)
    mapping = C.graph["mapping"]
    position = {gid: i for i, gid in enumerate(g.groups)}
    loads: dict[str, Load] = {}
    for scc in nx.topological_sort(C):
        # Sorted so that float sums do not depend on set iteration order (deterministic output).
        members = sorted(C.nodes[scc]["members"], key=position.__getitem__)
        total, raw, eff = 0.0, 0.0, 0.0
        for m in members:
            acc = inbound.get(m)
            if acc is not None:
                total += acc[0]
                raw = None if raw is None or acc[1] is None else raw + acc[1]
                eff = None if eff is None or acc[2] is None else eff + acc[2]
        if total == 0.0:
            continue
        for m in members:
            loads[m] = Load(total, eff, raw)
        for m in members:
            for h, data in LG.succ[m].items():
                if mapping[h] == scc:
                    continue
                f = data["fraction"]
                # A queue's messages are writes made by its producers: the entry's read mix says nothing about
                # what its consumers do downstream, so the mix becomes unknown there unless a store declares it.
                inherited = None if raw is None or g.groups[m].role == "queue" else raw * f
                r_raw = total * f * own_rho[h] if own_rho[h] is not None else inherited
                r_eff = r_raw
                if r_raw is not None and m in users and g.groups[h].role in _READ_STORES:
                    r_eff = r_raw * (1.0 - users[m])
                _push(inbound[h], total * f, r_raw, r_eff)
    return loads


def load_graph(g: AnalysisGraph) -> nx.DiGraph:
    """Group graph that load flows along: Q's sync edges plus async delivery, each with its largest fraction."""
    LG = nx.DiGraph()
    LG.add_nodes_from(g.groups)
    for u, v, data in g.Q.edges(data=True):
        LG.add_edge(u, v, fraction=data["fraction"])
    for a in g.arcs:
        u, v = g.group_of[a.u], g.group_of[a.v]
        if a.kind == "async" and u != v:
            old = LG.edges[u, v]["fraction"] if LG.has_edge(u, v) else 0.0
            LG.add_edge(u, v, fraction=max(old, a.fraction))
    return LG


def _push(acc: list, total: float, reads_raw: float | None, reads: float | None) -> None:
    acc[0] += total
    _add(acc, 1, reads_raw)
    _add(acc, 2, reads)


def _add(acc: list, i: int, value: float | None) -> None:
    acc[i] = None if acc[i] is None or value is None else acc[i] + value


# -- capacities -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    name: str  # "requests", "reads", "writes", "ops", "queries"
    per_instance: float
    instances: int

    @property
    def limit(self) -> float:
        return self.per_instance * self.instances


@dataclass(frozen=True)
class Capacity:
    dims: tuple[Dimension, ...]
    basis: str  # the assumed per-instance figure and its source, printed in CAP findings
    declared: bool


_RELATIONAL = re.compile(r"postgres|mysql|mariadb|aurora|^rds|^sqldatabases?$|^sqlservers?$|^sqlmanagedinstances?$")
_MONGO = re.compile(r"mongo|documentdb")
_SEARCH = re.compile(r"elasticsearch|opensearch|solr")
_CACHE = re.compile(r"redis|memcache|elasticache|memorystore|keydb|dragonfly")
PROXY_CLASSES = frozenset({"Haproxy", "Nginx", "Envoy", "Traefik"})


def is_relational(provider: str | None, cls: str) -> bool:
    lowered = cls.lower()
    return bool(_RELATIONAL.search(lowered)) or (cls == "SQL" and provider in ("gcp", "azure", None))


def called_from_outside(g: AnalysisGraph) -> frozenset[str]:
    """Nodes that some sync arc from another group reaches (computed once per analysis)."""
    return frozenset(a.v for a in g.arcs if a.kind == "sync" and g.group_of[a.u] != g.group_of[a.v])


def read_serving(g: AnalysisGraph, group: Group, called: frozenset[str] | None = None) -> int:
    """Instances that serve reads: members called from outside the group; never an RDS Multi-AZ standby [A10]."""
    if called is None:
        called = called_from_outside(g)
    count = 0
    for m in group.members:
        info = g.nodes[m]
        standby = "standby" in info.marks and (info.cls in RDS_CLASSES or info.cls == "DbaasStandby")
        if m in called and not standby:
            count += info.replicas
    return max(count, 1)


def capacity(g: AnalysisGraph, group: Group, called: frozenset[str] | None = None) -> Capacity | None:
    """Per-instance capacity × serving instances (§6.8); None for managed elastic services and unknown kinds."""
    if group.elastic and group.ha_status != "single":
        return None
    first = g.nodes[group.members[0]]
    declared = [v for v in (number(x) for x in group_values(g, group, "capacity_qps")) if v]
    per = min(declared) if declared else None
    note = "capacity_qps={:,.0f} per instance (declared)".format(per) if per else None
    if is_relational(first.provider, first.cls):
        reads = read_serving(g, group, called)
        return Capacity((Dimension("reads", per or 10_000, reads), Dimension("writes", per or 1_000, 1)),
                        note or "relational primary: 10,000 reads/s and 1,000 writes/s per instance "
                                "(rule of thumb [R1][R2]) [H]", bool(per))
    lowered = first.cls.lower()
    if _MONGO.search(lowered):
        return Capacity((Dimension("queries", per or 10_000, group.r),),
                        note or "MongoDB: 10,000 queries/s per instance (rule of thumb [R1]) [H]", bool(per))
    if _SEARCH.search(lowered):
        return Capacity((Dimension("queries", per or 5_000, group.r),),
                        note or "search engine: 5,000 queries/s per node (rule of thumb [R1]) [H]", bool(per))
    if group.role == "cache" and _CACHE.search(lowered):
        return Capacity((Dimension("ops", per or 100_000, group.r),),
                        note or "Redis/Memcached: 100,000 ops/s per node (Redis benchmarks [R4])", bool(per))
    if first.cls in PROXY_CLASSES:
        return Capacity((Dimension("requests", per or 50_000, group.r),),
                        note or "self-hosted proxy: 50,000 requests/s per instance (rule of thumb [R2]) [H]",
                        bool(per))
    if group.role == "compute":
        return Capacity((Dimension("requests", per or 1_000, group.r),),
                        note or "app server: 1,000 requests/s per instance (rule of thumb [R1][R2]) [H]",
                        bool(per))
    if per:
        return Capacity((Dimension("requests", per, group.r),), note, True)
    return None


def dimension_load(load: Load, dim: str) -> float | None:
    """The load figure a capacity dimension is compared with; reads fall back to the total when ρ is unknown."""
    if dim == "reads":
        return load.reads if load.reads is not None else load.total
    if dim == "writes":
        return load.writes
    return load.total


# -- provider quotas (CAP003) ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quota:
    dim: str
    limit: float
    text: str  # how the quota is stated, for the message
    ref: str


def quotas(g: AnalysisGraph, group: Group) -> tuple[Quota, ...]:
    """Documented default quotas that apply to a group (§6.8 table); `capacity_qps=` replaces them."""
    first = g.nodes[group.members[0]]
    cls, provider = first.cls, first.provider
    declared = [v for v in (number(x) for x in group_values(g, group, "capacity_qps")) if v]
    if provider != "aws":
        return ()
    if declared:
        limit = min(declared)
        if cls in ("Dynamodb", "DynamodbTable", "Kinesis", "KinesisDataStreams", "APIGateway", "Lambda",
                   "LambdaFunction") or cls.startswith("SimpleQueueServiceSqs"):
            return (Quota("requests", limit, f"{limit:,.0f}/s (declared capacity_qps)", "declared"),)
        return ()
    n = group.r
    if cls in ("Dynamodb", "DynamodbTable"):
        return (Quota("reads", 3_000 * n, f"3,000 RCU per partition × {n}", "[Q1]"),
                Quota("writes", 1_000 * n, f"1,000 WCU per partition × {n}", "[Q1]"))
    if cls in ("Kinesis", "KinesisDataStreams"):
        return (Quota("requests", 1_000 * n, f"1,000 records/s per shard × {n}", "[Q2]"),)
    if cls.startswith("SimpleQueueServiceSqs"):
        text = " ".join([first.label] + group_values(g, group, "tier")).lower()
        if "fifo" in text:
            return (Quota("requests", 300, "300 transactions/s per API action for a FIFO queue "
                                           "(3,000 messages/s with batching)", "[Q3]"),)
        return ()
    if cls == "APIGateway":
        return (Quota("requests", 10_000, "10,000 requests/s per account and region", "[Q4]"),)
    if cls in ("Lambda", "LambdaFunction"):
        return (Quota("requests", 5_000, "1,000 concurrent executions per region, i.e. 5,000 requests/s at an "
                                         "assumed mean duration of 200 ms [H]", "[A7]"),)
    return ()


def capacities(g: AnalysisGraph) -> Mapping[str, Capacity]:
    """Capacity of every group that has one (see `capacity`)."""
    called = called_from_outside(g)
    return {gid: cap for gid, grp in g.groups.items() if (cap := capacity(g, grp, called)) is not None}
