"""p99 latency of the slowest required path per entry (issue 16), from declared or cited default figures.

A pure function of the analysis graph. The path runs over the hard quotient graph from the entry to a required
capability (the SPOF001 set), so async hops, cache-aside caches and fallbacks are not on it. Each group on the
path adds its `latency_ms=` (else a default by class and role) and each hop adds the network: within a zone,
across zones when the two sides' declared zones differ, across regions when their regions differ. Summing p99s
over a chain bounds the chain's p99 from above (a conservative figure, [H]); a service that calls several
dependencies one after another takes longer than the single slowest chain that is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.analysis.availability import user_entries
from workbench.analysis.elements import SOURCE_ROLES, AnalysisGraph, Entry, Group
from workbench.analysis.redundancy import number

SOURCES: dict[str, str] = {
    "[L1]": "Jeff Dean, 'Numbers everyone should know' (Designs, Lessons and Advice from Building Large Distributed "
            "Systems, LADIS 2009), as tabulated in Peter Norvig's 'Teach Yourself Programming in Ten Years': main "
            "memory reference 100 ns, round trip within the same datacenter 500 µs, disk seek 10 ms, packet "
            "California → Netherlands → California 150 ms",
    "[L2]": "AWS, 'Regions and Availability Zones' (aws.amazon.com/about-aws/global-infrastructure/regions_az): "
            "Availability Zones in a Region are linked with single-digit millisecond latency",
    "[L3]": "Amazon S3 performance guidelines (docs.aws.amazon.com/AmazonS3/latest/userguide/"
            "optimizing-performance-guidelines.html): small-object and first-byte latencies of roughly 100-200 ms",
    "[L4]": "Amazon DynamoDB developer guide, 'What is Amazon DynamoDB?': single-digit millisecond performance",
}

HOP_MS = 0.5  # [L1] a round trip within one datacenter (one zone)
CROSS_ZONE_MS = 2.0  # [L2] [H] "single-digit milliseconds" between zones; 2 ms at p99 is a heuristic
CROSS_REGION_MS = 100.0  # [L1] [H] between regions of one continent ~60-80 ms, across an ocean up to 150 ms

# (p99 ms, reference, what) per role: the time a component adds itself, not counting the calls it makes.
ROLE_MS: dict[str, tuple[float, str, str]] = {
    "dns": (0.0, "[H]", "resolution cached by the client"),
    "cdn": (5.0, "[H]", "an edge pass-through"),
    "edge_security": (1.0, "[H]", "a WAF rule check"),
    "load_balancer": (1.0, "[H]", "a load balancer pass-through"),
    "api_gateway": (10.0, "[H]", "an API gateway's own overhead"),
    "compute": (20.0, "[H]", "an application server's own work"),
    "service": (20.0, "[H]", "an application server's own work"),
    "workflow": (20.0, "[H]", "an application server's own work"),
    "ml": (50.0, "[H]", "a model inference"),
    "cache": (1.0, "[L1] [H]", "an in-memory read plus a datacenter round trip"),
    "database": (10.0, "[L1] [H]", "an indexed query that may wait for one disk seek"),
    "search": (50.0, "[H]", "a search query"),
    "queue": (10.0, "[H]", "a durable publish"),
    "coordination": (10.0, "[L1] [H]", "a quorum write (a few fsyncs)"),
    "object_storage": (200.0, "[L3]", "an object read (first byte)"),
    "file_storage": (10.0, "[L1] [H]", "a file read with one disk seek"),
    "identity": (20.0, "[H]", "a token check"),
    "secrets": (10.0, "[H]", "a secret read"),
    "external_saas": (300.0, "[H]", "a call to another company's API over the internet"),
    "analytics": (100.0, "[H]", "an analytical query"),
    "network": (0.0, "[H]", "counted in the hop"),
}
DEFAULT_MS = (20.0, "[H]", "a component's own work")
_CLASS_MS: dict[tuple[str, str], tuple[float, str, str]] = {
    ("aws", "Dynamodb"): (10.0, "[L4]", "DynamoDB (single-digit milliseconds)"),
    ("aws", "DynamodbTable"): (10.0, "[L4]", "DynamoDB (single-digit milliseconds)"),
    ("aws", "Lambda"): (100.0, "[H]", "Lambda (cold starts reach the p99)"),
    ("aws", "LambdaFunction"): (100.0, "[H]", "Lambda (cold starts reach the p99)"),
}


def node_ms(g: AnalysisGraph, group: Group) -> tuple[float, str]:
    """(p99 ms, how it was chosen) of a group: the largest declared `latency_ms=` of its members, else the default."""
    declared = []
    for m in group.members:
        analysis = g.nodes[m].analysis
        if analysis:
            value = number(analysis.get("latency_ms"))
            if value is not None:
                declared.append(value)
    if declared:
        return max(declared), "declared"
    first = g.nodes[group.members[0]]
    ms, ref, _ = _CLASS_MS.get((first.provider or "", first.cls)) or ROLE_MS.get(group.role, DEFAULT_MS)
    return ms, ref


def hop_ms(a: Group, b: Group) -> tuple[float, str]:
    """The network between two groups: cross-region, cross-zone when some caller zone is not among the callee's.

    The hop from a client is not counted: the users' own network is outside the design [H].
    """
    if a.role in SOURCE_ROLES:
        return 0.0, "client"
    if a.regions and b.regions and not (a.regions & b.regions):
        return CROSS_REGION_MS, "cross-region"
    za = {z for z in a.zones if z}
    zb = {z for z in b.zones if z}
    if za and zb and not za <= zb:
        return CROSS_ZONE_MS, "cross-zone"
    return HOP_MS, "hop"


@dataclass
class Term:
    name: str  # a group's name, or "a -> b (cross-zone)"
    ms: float
    source: str  # "declared", a reference, or the hop kind


@dataclass
class EntryLatency:
    entry: str
    name: str
    p99_ms: float
    path: list[str]  # group names, entry first
    terms: list[Term] = field(default_factory=list)
    target_ms: float | None = None
    assumption: str = ""
    ids: list[str] = field(default_factory=list)  # the path's group ids

    def largest(self, n: int = 3) -> list[Term]:
        return sorted(self.terms, key=lambda t: -t.ms)[:n]


def entry_target(g: AnalysisGraph, group: str) -> float | None:
    """`latency_p99_ms=` on the entry node, else the diagram's `wb_latency_p99_ms`, else the design sheet's."""
    for m in g.groups[group].members:
        value = number(g.nodes[m].analysis.get("latency_p99_ms"))
        if value is not None:
            return value
    value = number(g.diagram.analysis.get("wb_latency_p99_ms"))
    if value is not None:
        return value
    return getattr(g.inputs, "latency_p99_ms", None)


def _own_ms(g: AnalysisGraph, x: str) -> tuple[float, str]:
    group = g.groups[x]
    return (0.0, "client") if group.role in SOURCE_ROLES else node_ms(g, group)


def _hop_key(group: Group) -> tuple:
    """What `hop_ms` reads of a group, worked out once per group."""
    return group.role in SOURCE_ROLES, group.regions, {z for z in group.zones if z}


def _hop(a: tuple, b: tuple) -> float:
    """`hop_ms(a, b)[0]` from the two groups' `_hop_key`s."""
    if a[0]:
        return 0.0
    if a[1] and b[1] and not (a[1] & b[1]):
        return CROSS_REGION_MS
    if a[2] and b[2] and not a[2] <= b[2]:
        return CROSS_ZONE_MS
    return HOP_MS


def slowest_path(g: AnalysisGraph, entry: Entry, shared: dict | None = None) -> EntryLatency:
    """The required path from the entry with the largest sum of component and hop p99s.

    `shared`: a dict that the entries of one graph share, so that each group's own figure is worked out once.
    """
    root = entry.group
    reach = g.reaches[root]
    terminals = set(reach.terminals)
    if shared is None:
        shared = {}
    own = shared.setdefault("own", {})  # group → its own (ms, source), filled as the walk meets it
    keys = shared.setdefault("hop", {})
    best: dict[str, tuple[float, str | None]] = {}  # group → (slowest ms from here to a terminal, next group)
    inside, succ, groups = reach.reach, g.hard_succ, g.groups
    # Iterative depth-first post-order; an edge back to a group on the stack closes a cycle and is not followed.
    # A group is finished once it is in `best`.
    visited: set[str] = {root}
    stack = [(root, iter(succ.get(root, ())))]
    while stack:
        v, it = stack[-1]
        for w in it:
            if w in inside and w not in visited:
                visited.add(w)
                stack.append((w, iter(succ.get(w, ()))))
                break
        else:
            stack.pop()
            top_ms, top_w = (0.0 if v in terminals else -1.0), None
            kv = None
            for w in succ.get(v, ()):
                bw = best.get(w)
                if bw is not None and bw[0] >= 0.0:
                    if kv is None:
                        kv = keys.get(v)
                        if kv is None:
                            kv = keys[v] = _hop_key(groups[v])
                    kw = keys.get(w)
                    if kw is None:
                        kw = keys[w] = _hop_key(groups[w])
                    total = _hop(kv, kw) + bw[0]
                    if total > top_ms:
                        top_ms, top_w = total, w
            if top_ms >= 0.0:
                mine = own.get(v)
                if mine is None:
                    mine = own[v] = _own_ms(g, v)
                best[v] = (mine[0] + top_ms, top_w)
            else:
                best[v] = (-1.0, None)
    path = [root]
    while best.get(path[-1], (0.0, None))[1] is not None:
        path.append(best[path[-1]][1])
    terms: list[Term] = []
    for i, x in enumerate(path):
        ms, source = own[x] if x in own else _own_ms(g, x)
        if ms > 0.0:
            terms.append(Term(g.groups[x].name, ms, source))
        if i + 1 < len(path):
            hop, kind = hop_ms(g.groups[x], g.groups[path[i + 1]])
            if hop > 0.0:
                terms.append(Term(f"{g.groups[x].name} -> {g.groups[path[i + 1]].name} ({kind})", hop, kind))
    total = max(0.0, best.get(root, (0.0, None))[0])
    return EntryLatency(root, g.groups[root].name, total, [g.groups[x].name for x in path], terms,
                        entry_target(g, root), getattr(entry, "assumption", "") or "", path)


@dataclass
class DiagramLatency:
    entries: list[EntryLatency]

    @property
    def worst(self) -> EntryLatency | None:
        return max(self.entries, key=lambda e: (e.p99_ms, e.name)) if self.entries else None

    def to_dict(self) -> dict:
        """The `latency` object of a diagram in `check --format json` (issue 16 item 5)."""
        worst = self.worst
        targets = [e.target_ms for e in self.entries if e.target_ms is not None]
        return {
            "p99_ms": round(worst.p99_ms, 3) if worst else None,
            "target_ms": min(targets) if targets else None,
            "path": list(worst.path) if worst else [],
            "entries": {e.name: round(e.p99_ms, 3) for e in self.entries},
        }


def diagram_latency(g: AnalysisGraph, entries: list[Entry] | None = None) -> DiagramLatency:
    chosen = user_entries(g) if entries is None else entries
    shared: dict = {}
    return DiagramLatency([slowest_path(g, e, shared) for e in chosen])
