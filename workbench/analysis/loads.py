"""Peak load per replica group, rule-of-thumb capacities and provider quotas (spec §6.8)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from workbench.analysis.elements import SOURCE_ROLES, AnalysisGraph, Group, PerGraph
from workbench.analysis.graph import strong_components
from workbench.analysis.redundancy import (
    RDS_CLASSES,
    capacity_figures,
    fraction,
    number,
    read_fraction,
)

DEFAULT_CACHE_HIT = 0.8  # [H] share of reads a cache-aside cache answers, overridable with cache_hit=
# Stores whose reads a cache-aside cache absorbs (queues and coordination are not read through a cache).
_READ_STORES = frozenset({"database", "search", "object_storage", "file_storage", "analytics"})


@dataclass(frozen=True)
class Load:
    """Peak requests per second into a group, split by what is known about their read/write mix.

    Every flow carries its own reads and writes (§6.8 "at stores, reads = L·ρ and writes = L·(1−ρ)"), so one
    flow of unknown mix does not make the mix of the whole store unknown: its share stays apart in `unknown`.
    """

    total: float
    known_reads: float  # reads of known mix, after cache-aside hits
    known_reads_raw: float  # the same before any cache: what reaches the store when the cache is gone
    writes: float  # writes of known mix
    unknown: float = 0.0  # requests whose mix nobody declared

    @property
    def reads(self) -> float:
        """What the read capacity is compared with: known reads after caches, plus the unknown mix [H]."""
        return self.known_reads + self.unknown

    @property
    def reads_raw(self) -> float:
        return self.known_reads_raw + self.unknown

    @property
    def mix_known(self) -> bool:
        return self.unknown <= 1e-9 * max(self.total, 1.0)


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
    """Peak QPS entering at each entry: node `qps=` on entries, else the design QPS split evenly over the
    user-facing entries [H]. Helpers (jobs, admin tools, devices: `Entry.helper`) carry no user traffic, so the
    design QPS is not spread over them; only when every entry is a helper do they share it."""
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
    users = [e for e in g.entries if not e.helper] or list(g.entries)
    active = [e.group for e in users if g.Q.out_degree(e.group) > 0] or [e.group for e in users]
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


# A flow: [known reads before caches, known reads after caches, known writes, requests of unknown mix].
_Mix = list[float]


def propagate(g: AnalysisGraph, down: frozenset[str] = frozenset()) -> dict[str, Load]:
    """L(v) = Σ L(u)·fraction(u→v) over sync and async group edges (§6.8); empty when no QPS is declared.

    `down` are groups that failed (what-if): they carry nothing and pass nothing on, and a router sends each
    request to one of the routes that are left.

    - A synchronous cycle (an SCC of Q, which holds sync edges only) is one unit: every member carries the
      SCC's inbound load, as §6.8 says.
    - A loop that closes only through a queue (chat → queue ⇢ worker → chat) is not an SCC of Q. It is cut at
      the edge that returns to where the loop was entered from the entries (the back edge of a depth-first
      walk from the entries, in source order): the load that edge carries is counted at its target but does
      not travel round the loop again [H], so edge fractions inside the loop keep their meaning.
    - Each flow carries its reads and writes separately. The mix of a flow is: the target's own `read_ratio`
      (nearest declaration wins), else the edge's `read_ratio`, else what the caller received; work delivered
      by a queue is writes (messages are writes). Reads behind a cache-aside cache are reduced by its hit ratio
      at read stores; the cache-off figure is kept too.
    """
    sources = {e: qps for e, qps in entry_loads(g).items() if e not in down}
    if not sources:
        return {}
    order = sorted(g.groups, key=lambda gid: (g.nodes[gid].file, g.nodes[gid].line, gid))
    pos = {gid: i for i, gid in enumerate(order)}
    succ = _flow_edges(g, pos, down)
    comp, members = _sync_components(g, pos, down)
    back, topo = _cut_loops(comp, members, succ, sources)
    users = _cache_users(g)
    # Only the groups that declare a read share: most do not, and a small map stays cheap to consult per edge.
    own_rho = {gid: rho for gid, grp in g.groups.items() if (rho := group_read_fraction(g, grp)) is not None}
    queue = {gid for gid, grp in g.groups.items() if grp.role == "queue"}
    read_store = {gid for gid, grp in g.groups.items() if grp.role in _READ_STORES}
    inbound: dict[str, _Mix] = {}
    returned: dict[int, _Mix] = {}
    for e in sorted(sources, key=pos.__getitem__):
        qps, rho = sources[e], entry_read_fraction(g, e)
        flow = [0.0, 0.0, 0.0, qps] if rho is None else [qps * rho, qps * rho, qps * (1.0 - rho), 0.0]
        _push(inbound.setdefault(e, [0.0, 0.0, 0.0, 0.0]), flow)
    loads: dict[str, Load] = {}
    for c in topo:
        acc = [0.0, 0.0, 0.0, 0.0]
        for m in members[c]:
            if m in inbound:
                _push(acc, inbound[m])
        raw, _, writes, unknown = acc
        total = raw + writes + unknown
        if total <= 0.0:
            continue
        for m in members[c]:
            loads[m] = Load(total, acc[1], raw, writes, unknown)
        for m in members[c]:
            for h, f, edge_rho in succ.get(m, ()):
                ch = comp[h]
                if ch == c:
                    continue
                part = total * f
                rho = own_rho.get(h, edge_rho)
                if rho is not None:
                    flow = [part * rho, part * rho, part * (1.0 - rho), 0.0]
                elif m in queue:
                    flow = [0.0, 0.0, part, 0.0]
                else:
                    flow = [raw * f, raw * f, writes * f, unknown * f]
                if m in users and h in read_store:
                    flow[1] = flow[0] * (1.0 - users[m])
                if (c, ch) in back:
                    _push(returned.setdefault(ch, [0.0, 0.0, 0.0, 0.0]), flow)
                else:
                    _push(inbound.setdefault(h, [0.0, 0.0, 0.0, 0.0]), flow)
    for c in sorted(returned, key=lambda c: pos[members[c][0]]):
        flow = returned[c]
        for m in members[c]:
            old = loads.get(m, Load(0.0, 0.0, 0.0, 0.0, 0.0))
            raw, eff = old.known_reads_raw + flow[0], old.known_reads + flow[1]
            writes, unknown = old.writes + flow[2], old.unknown + flow[3]
            if raw + writes + unknown > 0.0:
                loads[m] = Load(raw + writes + unknown, eff, raw, writes, unknown)
    return loads


# Roles that send each request to ONE of their routes (spec revision, issue 13): a load balancer, an ingress
# (role load_balancer), an API gateway, a CDN. Every other component calls each of its dependencies.
ROUTER_ROLES = frozenset({"load_balancer", "api_gateway", "cdn"})


def _flow_edges(g: AnalysisGraph, pos: Mapping[str, int], down: frozenset[str] = frozenset(),
                ) -> dict[str, list[tuple[str, float, float | None]]]:
    """Group → [(successor, fraction, edge read share)] over sync and async delivery arcs between groups.

    - Arcs into a client or the internet carry no request load: a reply or a push to the users is not a request
      (otherwise a notification edge back to the clients adds load at the entries).
    - `fraction=` on the arcs from one caller node to the members of one replica group adds up for the group
      ("0.5" to each of a look-alike pair is the whole load); member arcs without one take what the declared
      ones leave. Over the caller's members the largest figure wins (each member calls as the group does).
    - A router (load balancer, ingress, API gateway, CDN) splits: routes with `fraction=` take that share, the
      others share what is left equally (all of it when the declared shares already reach 1: those were extra
      calls such as an auth check, not routes) [H]. Every other group calls each dependency: fraction 1.
    - The read share is the first declared `read_ratio` among the drawn edges.
    Successors are in source order, so sums do not depend on drawing order.
    """
    # Few drawn edges declare a read share or a fraction: one pass over the drawing finds them, rather than a
    # look-up of the drawn edge behind every arc.
    declaring = {e.id: e for e in g.diagram.edges if e.analysis.get("read_ratio") is not None}
    shared = {e.id for e in g.diagram.edges if "fraction" in e.analysis}
    # (caller node, callee group) → [declared fraction sum, undeclared arcs?]; (caller group, callee group) → rho.
    per_node: dict[tuple[str, str], list] = {}
    found: dict[tuple[str, str], list] = {}
    for a in g.arcs:
        if a.kind not in ("sync", "async"):
            continue
        u, v = g.group_of[a.u], g.group_of[a.v]
        if u == v or g.groups[v].role in SOURCE_ROLES or u in down or v in down:
            continue
        share = per_node.setdefault((a.u, v), [0.0, False, False])
        if a.edge in shared:
            share[0] += a.fraction
            share[2] = True
        else:
            share[1] = True
        rho = where = None
        drawn = declaring.get(a.edge)
        if drawn is not None:
            rho = read_fraction(drawn.analysis["read_ratio"])
            where = (drawn.file, drawn.line, drawn.id)  # the first declaration in the source wins
        data = found.get((u, v))
        if data is None:
            found[(u, v)] = [0.0, False, rho, where]
        elif rho is not None and (data[2] is None or where < data[3]):
            data[2], data[3] = rho, where
    for (node, v), (declared, undeclared, explicit) in per_node.items():
        if explicit:
            value = declared + (max(0.0, 1.0 - declared) if undeclared else 0.0)
        else:
            value = 1.0
        data = found[(g.group_of[node], v)]
        data[0] = max(data[0], value)
        data[1] = data[1] or (explicit and not undeclared)
    succ: dict[str, list[tuple[str, float, float | None]]] = {}
    routes: dict[str, list[list]] = {}
    for (u, v), data in found.items():
        routes.setdefault(u, []).append([v, *data])
    for u, items in routes.items():
        items.sort(key=lambda item: pos[item[0]])
        if g.groups[u].role in ROUTER_ROLES:
            _split(items)
        succ[u] = [(v, f, rho) for v, f, _, rho, _ in items]
    return succ


def _split(items: list[list]) -> None:
    """A router's routes [successor, fraction, declared?, ...]: undeclared routes share what declared ones leave."""
    free = [item for item in items if not item[2]]
    if not free:
        return
    left = 1.0 - sum(item[1] for item in items if item[2])
    each = (left if left > 1e-9 else 1.0) / len(free)
    for item in free:
        item[1] = each


def _sync_components(g: AnalysisGraph, rank: Mapping[str, int], down: frozenset[str] = frozenset(),
                     ) -> tuple[dict[str, int], list[list[str]]]:
    """SCCs of Q (synchronous edges only, §6.8), numbered and listed by the source position of their first member.

    Edges into clients are left out: a reply or push to the users does not make them one unit with the service.
    Groups in `down` (what-if) take part in no cycle.
    """
    comp: dict[str, int] = {}
    members: list[list[str]] = []
    cut = {gid for gid, grp in g.groups.items() if grp.role in SOURCE_ROLES} | down
    succ = g.Q.succ if not cut else {
        v: [w for w in nbrs if w not in cut] if v not in cut else [] for v, nbrs in g.Q.succ.items()}
    sccs = [sorted(scc, key=rank.__getitem__) for scc in strong_components(succ)]
    for scc in sorted(sccs, key=lambda s: rank[s[0]]):
        for m in scc:
            comp[m] = len(members)
        members.append(scc)
    return comp, members


def _cut_loops(comp: Mapping[str, int], members: list[list[str]], succ: Mapping[str, list],
               sources: Mapping[str, float]) -> tuple[set[tuple[int, int]], list[int]]:
    """(back edges, topological order) of the component graph: sync SCCs joined by sync and async edges.

    Q's condensation is acyclic, so every cycle left here runs through an async delivery edge. A depth-first
    walk from the entries' components (then from every other one), in source order, finds the edges that close
    such loops; the reverse post-order of the same walk is a topological order of what remains.
    """
    csucc: list[list[int]] = [[] for _ in members]
    for c, group_ids in enumerate(members):
        seen: dict[int, None] = {}
        for m in group_ids:
            for h, _, _ in succ.get(m, ()):
                ch = comp[h]
                if ch != c:
                    seen[ch] = None
        csucc[c] = sorted(seen)  # components are numbered in source order
    roots = sorted({comp[e] for e in sources}) + list(range(len(members)))
    state = [0] * len(members)  # 0 new, 1 on the stack, 2 done
    back: set[tuple[int, int]] = set()
    post: list[int] = []
    for root in roots:
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, iter(csucc[root]))]
        while stack:
            c, it = stack[-1]
            for d in it:
                if state[d] == 0:
                    state[d] = 1
                    stack.append((d, iter(csucc[d])))
                    break
                if state[d] == 1:
                    back.add((c, d))
            else:
                stack.pop()
                state[c] = 2
                post.append(c)
    post.reverse()
    return back, post


def _push(acc: list, flow: list) -> None:
    acc[0] += flow[0]
    acc[1] += flow[1]
    acc[2] += flow[2]
    acc[3] += flow[3]


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


def takes_capacity_pair(provider: str | None, cls: str) -> bool:
    """Whether `capacity_qps="R:W"` (reads:writes) means something for this class: relational databases
    (read and write capacity) and DynamoDB (read and write quotas)."""
    return is_relational(provider, cls) or (provider == "aws" and cls in ("Dynamodb", "DynamodbTable"))


def declared_capacity(g: AnalysisGraph, group: Group) -> tuple[float, float | None] | None:
    """The group's `capacity_qps=` as (per-instance figure, writes or None); the smallest member figures win.

    Unreadable values are left out (ATTR001 reports them), and so is a reads:writes pair on a class that has no
    separate read and write figures. A pair gives both figures; a single number gives (n, None).
    """
    first = g.nodes[group.members[0]]
    pairs = takes_capacity_pair(first.provider, first.cls)
    figures = [f for f in (capacity_figures(v) for v in group_values(g, group, "capacity_qps"))
               if f is not None and (pairs or f[1] is None)]
    if not figures:
        return None
    first = min(f[0] for f in figures)
    writes = [f[1] for f in figures if f[1] is not None]
    return first, (min(writes) if writes else None)


RELATIONAL_WRITE_SHARE = 0.1  # [H] a single capacity_qps=n on a relational database: writes = n/10 (10:1 default)


def capacity(g: AnalysisGraph, group: Group, called: frozenset[str] | None = None) -> Capacity | None:
    """Per-instance capacity × serving instances (§6.8); None for managed elastic services and unknown kinds."""
    if group.elastic and group.ha_status != "single":
        return None
    first = g.nodes[group.members[0]]
    declared = declared_capacity(g, group)
    if is_relational(first.provider, first.cls):
        reads = read_serving(g, group, called)
        if declared is None:
            return Capacity((Dimension("reads", 10_000, reads), Dimension("writes", 1_000, 1)),
                            "relational primary: 10,000 reads/s and 1,000 writes/s per instance "
                            "(rule of thumb [R1][R2]) [H]", False)
        r, w = declared
        if w is None:
            w = r * RELATIONAL_WRITE_SHARE
            note = (f"capacity_qps={r:,.0f} declared: {r:,.0f} reads/s and {w:,.0f} writes/s per instance (writes "
                    'at the default 10:1 proportion; capacity_qps="R:W" sets both)')
        else:
            note = f"capacity_qps={r:,.0f}:{w:,.0f} declared: {r:,.0f} reads/s and {w:,.0f} writes/s per instance"
        return Capacity((Dimension("reads", r, reads), Dimension("writes", w, 1)), note, True)
    per = declared[0] if declared else None
    note = f"capacity_qps={per:,.0f} per instance (declared)" if per else None
    lowered = first.cls.lower()
    if _MONGO.search(lowered):
        return Capacity((Dimension("queries", per or 10_000, group.r),),
                        note or "MongoDB: 10,000 queries/s per instance (rule of thumb [R1]) [H]", bool(per))
    if _SEARCH.search(lowered):
        return Capacity((Dimension("queries", per or 5_000, group.r),),
                        note or "search engine: 5,000 queries/s per node (rule of thumb [R1]) [H]", bool(per))
    if group.role == "cache" and _CACHE.search(lowered):
        # Like a database, only the members that callers reach serve: a replica drawn behind a replication
        # edge takes no traffic. replicas="N" on a called node counts N serving instances.
        serving = read_serving(g, group, called)
        return Capacity((Dimension("ops", per or 100_000, serving),),
                        note or "Redis/Memcached: 100,000 ops/s per serving node (Redis benchmarks [R4])", bool(per))
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
    """The load figure a capacity dimension is compared with; requests of unknown mix count as reads [H]."""
    if dim == "reads":
        return load.reads
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
    # Set for quotas per account and region (Lambda concurrency, API Gateway RPS): every group with the same
    # account key shares one quota; `limit` is then what the whole quota allows for this group.
    account: tuple | None = None
    service: str = ""  # "Lambda functions", "API Gateway APIs": how a shared finding names the groups


LAMBDA_CLASSES = frozenset({"Lambda", "LambdaFunction"})
APIGATEWAY_CLASSES = frozenset({"APIGateway"})
_QUOTA_CLASSES = LAMBDA_CLASSES | APIGATEWAY_CLASSES | {"Dynamodb", "DynamodbTable", "Kinesis", "KinesisDataStreams"}
LAMBDA_QUOTA_TEXT = ("1,000 concurrent executions per region, i.e. 5,000 requests/s at an assumed mean duration of "
                "200 ms [H]")
APIGATEWAY_QUOTA_TEXT = "10,000 requests/s per account and region"


def quotas(g: AnalysisGraph, group: Group) -> tuple[Quota, ...]:
    """Documented default quotas that apply to a group (§6.8 table); `capacity_qps=` replaces them.

    Lambda concurrency and API Gateway requests are quotas per account and region, shared by every function or
    API there: their Quota carries an `account` key (service, region) and the rule sums the shares. For those,
    a declared capacity_qps= is what the whole quota allows for this group (for a Lambda, the requests/s that
    1,000 concurrent executions serve at its real duration).
    """
    first = g.nodes[group.members[0]]
    cls, provider = first.cls, first.provider
    if provider != "aws" or not (cls in _QUOTA_CLASSES or cls.startswith("SimpleQueueServiceSqs")):
        return ()
    declared = declared_capacity(g, group)
    region = ",".join(sorted(group.regions)) or None
    if cls in LAMBDA_CLASSES:
        limit = declared[0] if declared else 5_000
        text = f"{limit:,.0f}/s (declared capacity_qps)" if declared else LAMBDA_QUOTA_TEXT
        ref = "declared" if declared else "[A7]"
        return (Quota("requests", limit, text, ref, ("lambda", region), "Lambda functions"),)
    if cls in APIGATEWAY_CLASSES:
        limit = declared[0] if declared else 10_000
        text = f"{limit:,.0f}/s (declared capacity_qps)" if declared else APIGATEWAY_QUOTA_TEXT
        ref = "declared" if declared else "[Q4]"
        return (Quota("requests", limit, text, ref, ("apigateway", region), "API Gateway APIs"),)
    if declared:
        r, w = declared
        if cls in ("Dynamodb", "DynamodbTable") and w is not None:
            return (Quota("reads", r, f"{r:,.0f} reads/s (declared capacity_qps)", "declared"),
                    Quota("writes", w, f"{w:,.0f} writes/s (declared capacity_qps)", "declared"))
        if cls in ("Dynamodb", "DynamodbTable", "Kinesis", "KinesisDataStreams") or cls.startswith(
                "SimpleQueueServiceSqs"):
            return (Quota("requests", r, f"{r:,.0f}/s (declared capacity_qps)", "declared"),)
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
    return ()


def capacities(g: AnalysisGraph) -> Mapping[str, Capacity]:
    """Capacity of every group that has one (see `capacity`)."""
    called = called_from_outside(g)
    return {gid: cap for gid, grp in g.groups.items() if (cap := capacity(g, grp, called)) is not None}


# -- caches the stores behind them rely on ---------------------------------------------------------------------------


def _backs(grp: Group) -> bool:
    return grp.stateful and grp.role not in ("cache", "queue", "coordination")


def backing_stores(g: AnalysisGraph, cache: str) -> list[str]:
    """The stores behind a cache-aside cache: what its callers call directly next to it (the usual shape),
    else the first stores they reach without going through it."""
    direct = {s: None for p in g.Q.predecessors(cache) for s in g.Q.successors(p) if _backs(g.groups[s])}
    if direct:
        return list(direct)
    found: dict[str, None] = {}
    for p in g.Q.predecessors(cache):
        seen = {p, cache}
        stack = [p]
        while stack:
            v = stack.pop()
            for w in g.Q.successors(v):
                if w in seen:
                    continue
                seen.add(w)
                grp = g.groups[w]
                if _backs(grp):
                    found[w] = None
                elif grp.role != "cache":
                    stack.append(w)
    return list(found)


def cache_off_reads(g: AnalysisGraph, cache: str, loads: Mapping[str, Load],
                    caps: Mapping[str, Capacity]) -> tuple[float, str, float, float] | None:
    """With `cache` down, the most loaded store behind it: (reads / read capacity, store, reads/s, capacity), or
    None when no store behind it has both a load and a capacity. A ratio above 1 makes the cache load-bearing."""
    worst = None
    for s in backing_stores(g, cache):
        load, cap = loads.get(s), caps.get(s)
        if load is None or cap is None:
            continue
        dims = {d.name: d for d in cap.dims}
        limit = (dims.get("reads") or next(iter(dims.values()))).limit
        reads = load.reads_raw if load.reads_raw is not None else dimension_load(load, "requests")
        if reads is not None and limit and (worst is None or reads / limit > worst[0]):
            worst = (reads / limit, s, reads, limit)
    return worst


_PEAK, _CAPACITIES, _LOAD_BEARING = PerGraph(), PerGraph(), PerGraph()


def peak_loads(g: AnalysisGraph) -> Mapping[str, Load]:
    """`propagate(g)` with nothing down, computed once per graph: the rules and the availability share it."""
    return _PEAK.get(g, lambda: propagate(g))


def group_capacities(g: AnalysisGraph) -> Mapping[str, Capacity]:
    """`capacities(g)`, computed once per graph."""
    return _CAPACITIES.get(g, lambda: capacities(g))


def load_bearing_caches(g: AnalysisGraph) -> dict[str, tuple[float, str, float, float]]:
    """Cache-aside caches whose stores cannot take the read load without them (CACHE002's error), with what
    `cache_off_reads` found: such a cache is required after all, replicated or not (availability counts it)."""
    def find() -> dict[str, tuple[float, str, float, float]]:
        caches = [c for c, grp in g.groups.items() if grp.soft_reason == "cache-aside"]
        if not caches:
            return {}
        loads, caps = peak_loads(g), group_capacities(g)
        return {c: worst for c in caches if (worst := cache_off_reads(g, c, loads, caps)) and worst[0] > 1.0}
    return _LOAD_BEARING.get(g, find)
