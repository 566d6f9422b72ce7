"""Availability per entry: the probability that it reaches every required capability (issue 16), with citations.

A pure function of the analysis graph. The required set is the one SPOF001 uses (`criticality.analyse_root`):
the hard quotient graph from the entry, so soft dependencies, fallbacks, cache-aside caches and async
consumers are not required and cannot lower the estimate; a load-bearing cache (its store cannot take the reads
without it, `loads.load_bearing_caches`) is required. Each replica group has an availability (`group_up`):
a managed service's figure is the service as a whole; otherwise a group of n instances is up while k of them are
(k = 1 for stateless tiers, the quorum for quorum groups), each instance up with its own figure, and members in a
declared zone also need that zone. Groups are independent given the state of the zones.

The estimate (`estimate`): every group that dominates a required capability (and the capability itself) must be
up; what is left is a few parallel routes, solved exactly by factoring (conditioning on one group at a time), or,
when factoring would take too many branches, by the minimal cut sets up to order 3 (rare-event approximation).
Zones are conditioned on exactly when at most `MAX_ZONES` zones are on the required paths; beyond that each
group's zones are counted within the group only [H].
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from itertools import combinations, product

from workbench.analysis.elements import (
    SOURCE_ROLES,
    AnalysisGraph,
    Entry,
    Group,
    NodeInfo,
    PerGraph,
)
from workbench.analysis.loads import load_bearing_caches
from workbench.analysis.redundancy import (
    AURORA_CLASSES,
    AZURE_REDIS_CLASSES,
    AZURE_STORAGE_CLASSES,
    ELASTICACHE_CLASSES,
    ELB_CLASSES,
    RDS_CLASSES,
    flag,
    slo_percent,
)

MINUTES_PER_MONTH = 30 * 24 * 60  # 43,200: the 30-day month that SLA downtime tables use
MAX_ZONES = 4  # zones conditioned on exactly: 2^4 = 16 zone states per entry
MAX_BRANCHES = 4096  # factoring branches per block before the cut-set method takes over
MAX_FACTORED = 20  # optional groups in one block beyond which factoring is not tried
TOP_CONTRIBUTORS = 10  # contributors named per entry
ROUTES = 4  # disjoint routes that put a capability beyond the order-3 cut sets
ZONE_AVAILABILITY = 99.95  # [H] a whole zone; no provider publishes a zone-level SLA

# Sources of the default figures, printed by `workbench rules AVAIL001`.
SOURCES: dict[str, str] = {
    "[AV1]": "Amazon Compute SLA (aws.amazon.com/compute/sla): Instance-Level SLA 99.5 % for a single EC2 instance "
             "(EC2, ECS, Fargate); Region-Level SLA 99.99 % only for instances across two or more AZs",
    "[AV2]": "Amazon RDS SLA (aws.amazon.com/rds/sla): Multi-AZ DB instance 99.95 %, Single-AZ DB instance 99.5 %",
    "[AV3]": "Amazon ElastiCache SLA (aws.amazon.com/elasticache/sla): Multi-AZ configuration 99.99 %, Single-AZ "
             "99.5 % (AWS Database Blog, 'Introducing 99.99% availability with Amazon ElastiCache for Redis')",
    "[AV4]": "Amazon DynamoDB SLA (aws.amazon.com/dynamodb/sla): standard tables 99.99 % (global tables 99.999 %)",
    "[AV5]": "Amazon S3 SLA (aws.amazon.com/s3/sla): S3 Standard 99.9 %",
    "[AV6]": "Elastic Load Balancing SLA (aws.amazon.com/elasticloadbalancing/sla): 99.99 %",
    "[AV7]": "Amazon API Gateway SLA (aws.amazon.com/api-gateway/sla): 99.95 %",
    "[AV8]": "AWS Lambda SLA (aws.amazon.com/lambda/sla): 99.95 %",
    "[AV9]": "Amazon CloudFront SLA (aws.amazon.com/cloudfront/sla): 99.9 %",
    "[AV10]": "Amazon Route 53 SLA (aws.amazon.com/route53/sla): 100 %",
    "[AV11]": "Amazon Messaging SLA for SQS and SNS (aws.amazon.com/messaging/sla): 99.9 %",
    "[AV12]": "Amazon Kinesis Data Streams SLA (aws.amazon.com/kinesis/sla): 99.9 %",
    "[AV13]": "Google Cloud SLAs (cloud.google.com/terms/sla): Spanner regional 99.99 %; Cloud SQL with high "
              "availability 99.95 %; Cloud Load Balancing 99.99 %; Cloud Storage Standard regional 99.9 %; "
              "Memorystore for Redis Standard tier 99.9 %; Pub/Sub 99.95 %; Cloud Run and Cloud Functions 99.95 %",
    "[AV14]": "Microsoft Azure SLA for Online Services (azure.microsoft.com/support/legal/sla): Storage LRS 99.9 %; "
              "Azure SQL Database 99.99 %; Azure Cache for Redis Standard 99.9 %; Cosmos DB single region 99.99 %",
}

# (percent, reference, what): "[H]" marks a heuristic, not a published figure.
INSTANCE = (99.5, "[AV1]", "one instance: the EC2 Instance-Level SLA")
SELF_HOSTED_STORE = (99.5, "[AV1] [H]", ("one self-hosted instance: its VM's figure; the software's own faults "
                                         "are not counted"))
MANAGED_OTHER = (99.9, "[H]", ("a managed cloud service without a figure here: the most common regional SLA "
                               "(S3, SQS, SNS, Kinesis, CloudFront)"))
FABRIC = (99.99, "[H]", "a provider's network fabric: the ELB figure")
EXTERNAL = (99.9, "[H]", "an external service")
_CLASS_FIGURES: dict[tuple[str, str], tuple[float, str, str]] = {
    ("aws", "Dynamodb"): (99.99, "[AV4]", "DynamoDB"), ("aws", "DynamodbTable"): (99.99, "[AV4]", "DynamoDB"),
    ("aws", "APIGateway"): (99.95, "[AV7]", "API Gateway"), ("aws", "APIGatewayEndpoint"): (99.95, "[AV7]", "API Gateway"),
    ("aws", "Lambda"): (99.95, "[AV8]", "Lambda"), ("aws", "LambdaFunction"): (99.95, "[AV8]", "Lambda"),
    ("aws", "CloudFront"): (99.9, "[AV9]", "CloudFront"),
    ("aws", "CloudFrontDownloadDistribution"): (99.9, "[AV9]", "CloudFront"),
    ("aws", "CloudFrontEdgeLocation"): (99.9, "[AV9]", "CloudFront"),
    ("aws", "Route53"): (100.0, "[AV10]", "Route 53"), ("aws", "Route53HostedZone"): (100.0, "[AV10]", "Route 53"),
    ("aws", "Kinesis"): (99.9, "[AV12]", "Kinesis"), ("aws", "KinesisDataStreams"): (99.9, "[AV12]", "Kinesis"),
    ("gcp", "Spanner"): (99.99, "[AV13]", "Spanner"), ("gcp", "LoadBalancing"): (99.99, "[AV13]", "Cloud Load Balancing"),
    ("gcp", "GCS"): (99.9, "[AV13]", "Cloud Storage"), ("gcp", "Storage"): (99.9, "[AV13]", "Cloud Storage"),
    ("gcp", "Pubsub"): (99.95, "[AV13]", "Pub/Sub"), ("gcp", "PubSub"): (99.95, "[AV13]", "Pub/Sub"),
    ("gcp", "Run"): (99.95, "[AV13]", "Cloud Run"), ("gcp", "Functions"): (99.95, "[AV13]", "Cloud Functions"),
    ("azure", "SQLDatabases"): (99.99, "[AV14]", "Azure SQL Database"),
    ("azure", "SQLDatabase"): (99.99, "[AV14]", "Azure SQL Database"),
    ("azure", "CosmosDb"): (99.99, "[AV14]", "Cosmos DB"), ("azure", "AzureCosmosDb"): (99.99, "[AV14]", "Cosmos DB"),
}


@dataclass(frozen=True)
class Figure:
    """One node's availability: a probability, where it came from and the text that cites it."""

    value: float  # probability in [0, 1]
    declared: bool
    ref: str  # "declared" or the reference keys
    what: str


def node_figure(info: NodeInfo) -> Figure:
    """`availability=` on the node (percent), else the default for its class, role and managed status."""
    declared = slo_percent(info.analysis.get("availability"))
    if declared is not None:
        return Figure(declared / 100.0, True, "declared", f"availability=\"{declared:g}\"")
    percent, ref, what = default_figure(info)
    return Figure(percent / 100.0, False, ref, what)


def default_figure(info: NodeInfo) -> tuple[float, str, str]:
    """(percent, reference, what) for a node without `availability=`."""
    cls, provider, role = info.cls, info.provider, info.role
    multi_az = flag(info.analysis.get("multi_az")) is True
    tier = str(info.analysis.get("tier", "")).strip().lower()
    known = _CLASS_FIGURES.get((provider or "", cls))
    if known is not None:
        return known
    if provider == "aws":
        if cls.startswith(("SimpleStorageServiceS3", "S3")):
            return 99.9, "[AV5]", "S3 Standard"
        if cls.startswith(("SimpleQueueServiceSqs", "SimpleNotificationServiceSns")) or cls in ("SQS", "SNS"):
            return 99.9, "[AV11]", "SQS/SNS"
        if cls in ELB_CLASSES:
            return 99.99, "[AV6]", "Elastic Load Balancing"
        if cls in RDS_CLASSES:
            return (99.95, "[AV2]", "RDS Multi-AZ") if multi_az else (99.5, "[AV2]", "RDS Single-AZ instance")
        if cls in AURORA_CLASSES:
            return 99.5, "[AV2] [H]", "an Aurora instance, counted as an RDS Single-AZ instance"
        if cls in ELASTICACHE_CLASSES:
            return (99.99, "[AV3]", "ElastiCache Multi-AZ") if multi_az else (99.5, "[AV3]", "ElastiCache Single-AZ")
    if provider == "gcp":
        if cls == "SQL":
            return (99.95, "[AV13]", "Cloud SQL with HA") if multi_az else (99.5, "[AV1] [H]", "zonal Cloud SQL")
        if cls == "Memorystore":
            return (99.9, "[AV13]", "Memorystore Standard") if tier.startswith("standard") else (
                99.5, "[AV1] [H]", "Memorystore Basic")
    if provider == "azure":
        if cls in AZURE_STORAGE_CLASSES:
            return 99.9, "[AV14]", "Azure Storage"
        if cls in AZURE_REDIS_CLASSES:
            return (99.5, "[AV1] [H]", "Azure Cache for Redis Basic") if tier == "basic" else (
                99.9, "[AV14]", "Azure Cache for Redis Standard")
    if role == "external_saas":
        return EXTERNAL
    if info.ha.status == "single":
        return SELF_HOSTED_STORE if info.stateful or role == "cache" else INSTANCE
    if role in ("cdn", "dns", "network", "edge_security"):
        return FABRIC
    return MANAGED_OTHER


# -- a group ----------------------------------------------------------------------------------------------------


def _at_least(k: int, probs: list[float]) -> float:
    """P(at least k of independent events with these probabilities) (Poisson binomial, O(n·k))."""
    if k <= 0:
        return 1.0
    if k > len(probs):
        return 0.0
    # dist[j] = P(exactly j up so far), capped at k ("k or more").
    dist = [1.0] + [0.0] * k
    for p in probs:
        for j in range(k, 0, -1):
            dist[j] = dist[j] * (1.0 if j == k else 1.0 - p) + dist[j - 1] * p
        dist[0] *= 1.0 - p
    return dist[k]


@dataclass(frozen=True)
class GroupModel:
    """What a group's availability depends on: as a whole service, or k of its instances (each with a zone)."""

    whole: float | None  # a managed service's figure (then `instances` is empty)
    zone: str | None  # the zone a whole service is confined to, else None
    k: int
    instances: tuple[tuple[float, str | None], ...]  # (availability, zone or None) per instance

    def zones(self) -> set[str]:
        return set(self.zone_set)

    @cached_property
    def zone_set(self) -> frozenset[str]:
        out = {z for _, z in self.instances if z}
        if self.zone:
            out.add(self.zone)
        return frozenset(out)

    def up(self, down: frozenset[str] = frozenset(), zone_a: float | None = None) -> float:
        """P(up) with the zones in `down` failed; with `zone_a`, the group's own zones are uncertain instead."""
        if zone_a is not None:
            zones = sorted(self.zones())
            if zones:
                total = 0.0
                for states in product((True, False), repeat=len(zones)):
                    weight = math.prod(zone_a if s else 1.0 - zone_a for s in states)
                    failed = frozenset(z for z, s in zip(zones, states) if not s)
                    total += weight * self.up(failed)
                return total
        if self.whole is not None:
            return 0.0 if self.zone and self.zone in down else self.whole
        return _at_least(self.k, [a for a, z in self.instances if not (z and z in down)])


def group_model(g: AnalysisGraph, group: Group, figures: Mapping[str, Figure] | None = None,
                failed: frozenset[str] = frozenset()) -> GroupModel:
    """The group's availability model; members in `failed` (what-if) are down for good."""
    def fig(m: str) -> Figure:
        return figures[m] if figures is not None and m in figures else node_figure(g.nodes[m])

    return _group_model(g, group, fig, failed)


_SOURCE_MODEL = GroupModel(1.0, None, 0, ())  # clients are not counted


def _group_model(g: AnalysisGraph, group: Group, fig: Callable[[str], Figure],
                 failed: frozenset[str] = frozenset()) -> GroupModel:
    if group.role in SOURCE_ROLES:
        return _SOURCE_MODEL
    if group.ha_status != "single":
        if failed and all(m in failed for m in group.members):
            return GroupModel(0.0, None, 1, ())
        whole = min(fig(m).value for m in group.members)
        confined = None
        if group.zone_confined:
            zones = [z for z in group.zones if z]
            if zones and len(set(zones)) == 1:
                confined = zones[0]
        return GroupModel(whole, confined, 1, ())
    instances: list[tuple[float, str | None]] = []
    nodes = g.nodes
    for m, zone in zip(group.members, group.zones):
        if failed and m in failed:
            continue
        instance = (fig(m).value, zone)
        replicas = nodes[m].replicas
        if replicas > 1:
            instances += [instance] * replicas
        else:
            instances.append(instance)
    return GroupModel(None, None, max(1, group.k), tuple(instances))


# -- an entry ----------------------------------------------------------------------------------------------------


@dataclass
class Contributor:
    groups: tuple[str, ...]  # group ids, or "zone:<name>"
    names: list[str]  # group names ("{app-1, app-2}") or "zone <name>", for messages
    probability: float  # of this cut alone (rare-event)
    share: float = 0.0
    labels: list[str] = field(default_factory=list)  # the drawn nodes' labels (or "zone <name>"), for json


@dataclass
class Fix:
    text: str  # "a replica of `db`"
    group: str
    estimate: float  # the entry's estimate with the fix


@dataclass
class EntryAvailability:
    entry: str  # group id
    name: str
    estimate: float  # probability
    slo: float | None  # percent
    method: str  # "exact" | "cut sets"
    contributors: list[Contributor] = field(default_factory=list)
    fixes: list[Fix] = field(default_factory=list)
    assumption: str = ""  # the entry guess this rests on, if any
    _figures: tuple | None = field(default=None, repr=False, compare=False)  # (graph, node id → Figure or a
    # function that returns that mapping)

    @property
    def defaults(self) -> list[str]:
        """The default figures the estimate used, in drawing order: "`db` 99.5 % [AV2] (RDS Single-AZ instance)".

        Built on demand: a large design has thousands, and most callers never ask.
        """
        if self._figures is None:
            return []
        g, figures = self._figures
        if callable(figures):
            figures = figures()
        out: dict[str, None] = {}
        for m in sorted(figures, key=lambda m: (g.nodes[m].file, g.nodes[m].line, m)):
            f = figures[m]
            if not f.declared:
                out[f"`{g.nodes[m].label}` {f.value * 100:g} % {f.ref} ({f.what})"] = None
        return list(out)

    @property
    def percent(self) -> float:
        return self.estimate * 100.0

    @property
    def downtime_minutes(self) -> float:
        return (1.0 - self.estimate) * MINUTES_PER_MONTH

    @property
    def budget_minutes(self) -> float | None:
        return None if self.slo is None else (1.0 - self.slo / 100.0) * MINUTES_PER_MONTH


@dataclass(frozen=True)
class _Block:
    """Capabilities whose reachability depends on the same optional groups, and on no other block's."""

    terminals: tuple[str, ...]
    optional: tuple[str, ...]  # drawing order
    region: frozenset[str]  # groups on the routes into the terminals beyond what is surely reached
    sources: tuple[str, ...]  # surely reached groups with a call into the region
    parallel: bool = False  # plain parallel routes (see `_parallel`)


@dataclass(frozen=True)
class _Structure:
    root: str
    critical: tuple[str, ...]  # groups that must be up
    optional: tuple[str, ...]  # groups on some route to a capability that no capability needs alone
    terminals: tuple[str, ...]
    blocks: tuple[_Block, ...]  # independent given the critical groups up
    dropped: tuple[str, ...]  # capabilities with ROUTES disjoint routes: only cuts of that order or more [H]
    sure: frozenset[str]  # groups that are up in every case counted: the critical ones and clients
    succ: Mapping[str, tuple[str, ...]]  # the hard successors
    pred: Mapping[str, tuple[str, ...]]  # the hard predecessors


def _position(g: AnalysisGraph, gid: str) -> tuple:
    info = g.nodes[gid]
    return info.file, info.line, gid


def _structure(g: AnalysisGraph, root: str, sources: frozenset[str] | None = None) -> _Structure:
    """The required groups of one entry, and the rest cut into independent blocks.

    With every critical group up, the groups reached from the root through critical groups alone are reached
    for sure. A capability outside that set is reached when some route from it into the set is up; the groups on
    those routes (found backwards from the capability, stopping at the sure set) are its region. Capabilities
    whose regions share a group form one block; blocks share no optional group, so they are independent and
    their probabilities multiply: exact, and linear in the size of the graph for the usual shapes.
    `sources`: the groups of `g` with a source role (clients), when the caller has them.
    """
    if sources is None:
        sources = frozenset(x for x, grp in g.groups.items() if grp.role in SOURCE_ROLES)
    reach = g.reaches[root]
    inside = reach.reach
    terminals = tuple(reach.terminals)
    critical = tuple(x for x in reach.critical if x not in sources)
    # A cache-aside cache is not required, unless its store cannot take the reads without it (CACHE002's
    # error): then the entry's requests fail with it, replicated or not.
    critical += tuple(c for c in load_bearing_caches(g) if c not in inside
                      and any(p in inside for p in g.Q.predecessors(c)))
    sure = set(critical) | (sources & inside) | {root}
    reached = {root}
    stack = [root]
    while stack:
        v = stack.pop()
        for w in g.hard_succ.get(v, ()):
            if w in inside and w in sure and w not in reached:
                reached.add(w)
                stack.append(w)
    parent: list[int] = []  # union-find over blocks

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    sources: list[set[str]] = []
    dropped: list[str] = []
    for t in terminals:
        if t in reached:
            continue
        if _many_routes(g, t, inside, reached, sure):
            dropped.append(t)
            continue
        b = len(parent)
        parent.append(b)
        sources.append(set())
        owner[t] = b
        stack = [t]
        while stack:
            v = stack.pop()
            for p in g.hard_pred.get(v, ()):
                if p not in inside:
                    continue
                if p in reached:
                    sources[b].add(p)
                    continue
                o = owner.get(p)
                if o is None:
                    owner[p] = b
                    stack.append(p)
                elif find(o) != find(b):
                    parent[find(o)] = find(b)
    region: dict[int, list[str]] = {}
    for x, b in owner.items():
        region.setdefault(find(b), []).append(x)
    merged_sources: dict[int, set[str]] = {}
    for b, found in enumerate(sources):
        merged_sources.setdefault(find(b), set()).update(found)
    block_terminals: dict[int, list[str]] = {}
    for t in terminals:  # in the order of the terminals
        if t in owner:
            block_terminals.setdefault(find(owner[t]), []).append(t)
    blocks = []
    optional: list[str] = []
    for b, xs in region.items():
        opt = tuple(sorted((x for x in xs if x not in sure), key=lambda x: _position(g, x)))
        optional += opt
        blocks.append(_Block(tuple(block_terminals[b]), opt, frozenset(xs),
                             tuple(sorted(merged_sources.get(b, ()), key=lambda x: _position(g, x)))))
    blocks.sort(key=lambda blk: _position(g, blk.terminals[0]))
    optional.sort(key=lambda x: _position(g, x))
    s = _Structure(root, critical, tuple(optional), terminals, tuple(blocks), tuple(dropped), frozenset(sure),
                   g.hard_succ, g.hard_pred)
    return replace(s, blocks=tuple(replace(blk, parallel=_parallel(s, blk)) for blk in s.blocks))


def _many_routes(g: AnalysisGraph, t: str, inside: frozenset[str], reached: set[str], sure: set[str]) -> bool:
    """Whether `t` has ROUTES routes from the sure set that share no optional group (Menger: then no cut of
    fewer than ROUTES optional groups cuts it off, and the cut-set method up to order 3 counts nothing for it).

    Greedy: each route found takes its optional groups out of the next search, so finding ROUTES of them is a
    proof; failing to find them proves nothing and keeps `t` exact.
    """
    used: set[str] = set()
    for _ in range(ROUTES):
        parent: dict[str, str | None] = {t: None}
        stack = [t]
        start = None
        while stack and start is None:
            v = stack.pop()
            for p in g.hard_pred.get(v, ()):
                if p in parent or p not in inside or p in used:
                    continue
                parent[p] = v
                if p in reached:
                    start = p
                    break
                stack.append(p)
        if start is None:
            return False
        v = parent[start]
        while v is not None:
            if v not in sure:
                used.add(v)
            v = parent[v]
    return True


def _block_reached(s: _Structure, b: _Block, usable) -> bool:
    """Whether every capability of the block is reached from its sources through groups that are usable."""
    seen: set[str] = set()
    stack: list[str] = []
    for v in b.sources:
        for w in s.succ.get(v, ()):
            if w in b.region and w not in seen and (w in s.sure or usable(w)):
                seen.add(w)
                stack.append(w)
    while stack:
        v = stack.pop()
        for w in s.succ.get(v, ()):
            if w in b.region and w not in seen and (w in s.sure or usable(w)):
                seen.add(w)
                stack.append(w)
    return all(t in seen for t in b.terminals)


class _TooMany(Exception):
    pass


def _parallel(s: _Structure, b: _Block) -> bool:
    """Whether the block is plain parallel routes: every optional group is called only from the sure set and calls
    every capability of the block itself. Then it is reached unless all of them are down."""
    terminals = set(b.terminals)
    for v in b.optional:
        if not terminals <= set(s.succ.get(v, ())):
            return False
        if any(p not in s.sure and p in b.region for p in s.pred.get(v, ())):
            return False
    return True


class _Compiled:
    """A block as small integers, built once per block and shared by every factoring and cut search on it.

    Factoring checks reachability hundreds of times per block; integer lists and bit masks make each check a
    few dozen list reads instead of set and mapping look-ups. The groups are numbered breadth-first from the
    sources, so that factoring settles the groups nearest the sure set first; an optional group's bit is
    `1 << its number` (0 for a sure group), so the lowest bit of a mask is the undecided group nearest the sure set.
    """

    __slots__ = (
        "ancestry",
        "bits",
        "first",
        "full",
        "key",
        "order",
        "order_nodes",
        "pred",
        "succ",
        "terminals",
        "topo",
        "upstream",
    )

    def __init__(self, s: _Structure, b: _Block) -> None:
        first: list[str] = []
        seen: set[str] = set()
        for v in b.sources:
            for w in s.succ.get(v, ()):
                if w in b.region and w not in seen:
                    seen.add(w)
                    first.append(w)
        nodes = list(first)
        i = 0
        while i < len(nodes):
            for w in s.succ.get(nodes[i], ()):
                if w in b.region and w not in seen:
                    seen.add(w)
                    nodes.append(w)
            i += 1
        nodes += sorted(b.region - seen)
        index = {x: k for k, x in enumerate(nodes)}
        self.succ = [tuple(index[w] for w in s.succ.get(x, ()) if w in index) for x in nodes]
        self.pred = [tuple(index[w] for w in s.pred.get(x, ()) if w in index) for x in nodes]
        self.bits = [0 if x in s.sure else 1 << k for k, x in enumerate(nodes)]
        self.first = [index[x] for x in first]
        self.terminals = [index[t] for t in b.terminals]
        self.order = [x for x in nodes if x not in s.sure]  # the optional groups, by number
        self.order_nodes = [index[x] for x in self.order]
        self.full = sum(self.bits)
        self.topo = _topological(self.succ, self.pred)
        # Per capability: the bits of the optional groups that can decide whether it is reached (itself and every
        # group with a route into it), and `ancestry`: 1 << number of itself and of every group with a route in.
        self.upstream: dict[int, int] = {}
        self.ancestry: dict[int, int] = {}
        if self.topo is not None:
            above = [0] * len(nodes)
            for v in self.topo:
                mask = 1 << v
                for q in self.pred[v]:
                    mask |= above[q]
                above[v] = mask
            opt = self.full
            for t in self.terminals:
                self.ancestry[t] = above[t]
                self.upstream[t] = above[t] & opt
        else:
            for t in self.terminals:
                mask, seen, stack = 1 << t, {t}, [t]
                while stack:
                    for q in self.pred[stack.pop()]:
                        if q not in seen:
                            seen.add(q)
                            mask |= 1 << q
                            stack.append(q)
                self.ancestry[t] = mask
                self.upstream[t] = mask & self.full
        # Everything a search on the block reads but the figures: look-alike cells give equal keys.
        self.key = (tuple(self.succ), tuple(self.pred), tuple(self.bits), tuple(self.first), tuple(self.terminals))


def _topological(succ: list[tuple[int, ...]], pred: list[tuple[int, ...]]) -> list[int] | None:
    """The block's groups in an order where every call goes forward, or None when the calls form a cycle."""
    indegree = [len(p) for p in pred]
    order = [v for v, d in enumerate(indegree) if d == 0]
    i = 0
    while i < len(order):
        for w in succ[order[i]]:
            indegree[w] -= 1
            if indegree[w] == 0:
                order.append(w)
        i += 1
    return order if len(order) == len(succ) else None


def _compiled(s: _Structure, b: _Block, cache: _Cache | None = None) -> _Compiled:
    if cache is None:
        return _Compiled(s, b)
    key = (s.root, b.terminals)
    c = cache.compiled.get(key)
    if c is None:
        c = cache.compiled[key] = _Compiled(s, b)
    return c


def _seen(c: _Compiled, usable: int) -> list[bool]:
    """What the sure groups and the optional ones whose bit is in `usable` reach from the sources."""
    succ, bits = c.succ, c.bits
    seen = [False] * len(succ)
    stack = []
    for w in c.first:
        if not seen[w] and (not bits[w] or bits[w] & usable):
            seen[w] = True
            stack.append(w)
    while stack:
        for w in succ[stack.pop()]:
            if not seen[w] and (not bits[w] or bits[w] & usable):
                seen[w] = True
                stack.append(w)
    return seen


def _grown(c: _Compiled, seen: list[bool], v: int, usable: int) -> list[bool]:
    """`_seen(c, usable)` given `seen` = `_seen(c, usable & ~bit(v))`: what `v` adds, found from `v` alone."""
    if not (v in c.first or any(seen[q] for q in c.pred[v])):
        return seen
    succ, bits = c.succ, c.bits
    seen = seen.copy()
    seen[v] = True
    stack = [v]
    while stack:
        for w in succ[stack.pop()]:
            if not seen[w] and (not bits[w] or bits[w] & usable):
                seen[w] = True
                stack.append(w)
    return seen


def _shrunk(c: _Compiled, seen: list[bool], v: int, usable: int) -> list[bool]:
    """`_seen(c, usable)` given `seen` = `_seen(c, usable | bit(v))`: what is lost without `v`. Without cycles only
    what `v` leads to can be lost, and a group stays reached while a group calling it does."""
    if not seen[v]:
        return seen
    if c.topo is None:
        return _seen(c, usable)
    first, pred, succ = c.first, c.pred, c.succ
    seen = seen.copy()
    seen[v] = False
    stack = [w for w in succ[v] if seen[w]]
    while stack:
        w = stack.pop()
        if not seen[w] or w in first:
            continue
        for q in pred[w]:
            if seen[q]:
                break
        else:
            seen[w] = False
            stack.extend(x for x in succ[w] if seen[x])
    return seen


_TOO_MANY = object()  # memo value of a block that takes more than MAX_BRANCHES branches


def _factor(s: _Structure, b: _Block, up: Mapping[str, float], memo: dict | None = None,
            c: _Compiled | None = None) -> float:
    """P(every capability of the block reached | the critical groups up), by factoring on its optional groups.

    At each step the capabilities not yet settled are split by the undecided groups their routes can use:
    capabilities that share none are independent, so their probabilities multiply (exact), and a group no
    unsettled capability can use is never branched on.
    """
    if b.parallel:
        return 1.0 - math.prod(1.0 - up[v] for v in b.optional)
    if c is None:
        c = _compiled(s, b)
    key = (c.key, tuple(up[v] for v in c.order))
    if memo is not None and key in memo:
        value = memo[key]
        if value is _TOO_MANY:
            raise _TooMany
        return value
    pred, bits, topo, full = c.pred, c.bits, c.topo, c.full
    probs = [0.0] * len(bits)
    for v, x in zip(c.order_nodes, c.order):
        probs[v] = up[x]
    budget = [MAX_BRANCHES]
    size = len(bits)
    upstream = c.upstream
    # A sub-problem depends only on its capabilities and on the groups fixed among those that can decide them:
    # branches that fix other groups meet it again. Solved once, with the branches it took (the budget counts
    # them as if it were solved again, so the same blocks fall back to cut sets).
    solved: dict[tuple, tuple[float, int]] = {}
    orders: dict[tuple, list[int]] = {}
    deciders: dict[tuple, int] = {}  # capabilities → the bits of the groups that can decide them

    def _upstream_order(terms_key: tuple) -> list[int]:
        """The groups with a route into some of `terms`, in call order."""
        order = orders.get(terms_key)
        if order is None:
            mask = 0
            for t in terms_key:
                mask |= c.ancestry[t]
            order = orders[terms_key] = [v for v in topo if mask >> v & 1]
        return order

    def solve(terms: list[int], fixed_up: int, fixed_down: int, sure: list[bool] | None = None,
              maybe: list[bool] | None = None, grow: int = -1, shrink: int = -1) -> float:
        """`grow`: `sure` is the parent's, before this branch fixed that group up; `shrink`: `maybe` is, before this
        branch fixed that group down (brought up to date only when the sub-problem is not solved yet)."""
        terms_key = tuple(terms)
        relevant = deciders.get(terms_key)
        if relevant is None:
            relevant = 0
            for t in terms:
                relevant |= upstream[t]
            deciders[terms_key] = relevant
        key = (terms_key, fixed_up & relevant, fixed_down & relevant)
        hit = solved.get(key)
        if hit is not None:
            budget[0] -= hit[1]
            if budget[0] < 0:
                raise _TooMany
            return hit[0]
        before = budget[0]
        if grow >= 0:
            sure = _grown(c, sure, grow, fixed_up)
        if shrink >= 0:
            maybe = _shrunk(c, maybe, shrink, full & ~fixed_down)
        value = _solve(terms, terms_key, fixed_up, fixed_down, sure, maybe)
        solved[key] = (value, before - budget[0])
        return value

    def _solve(terms: list[int], terms_key: tuple, fixed_up: int, fixed_down: int, sure: list[bool] | None = None,
               maybe: list[bool] | None = None) -> float:
        # A branch that fixes a group up leaves `maybe` as it was, one that fixes it down leaves `sure`.
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooMany
        if sure is None:
            sure = _seen(c, fixed_up)
        unsettled = [t for t in terms if not sure[t]]
        if not unsettled:
            return 1.0
        if maybe is None:
            maybe = _seen(c, full & ~fixed_down)
        if not all(map(maybe.__getitem__, unsettled)):
            return 0.0
        decided = fixed_up | fixed_down
        if topo is not None:
            # The optional groups on some route into each group, in one pass over the calls (no cycles).
            anc = [0] * size
            for v in _upstream_order(terms_key):
                if maybe[v]:
                    a = 0
                    for q in pred[v]:
                        if maybe[q]:
                            a |= anc[q] | bits[q]
                    anc[v] = a
            masks = [anc[t] & ~decided for t in unsettled]
        else:
            masks = []
            for t in unsettled:
                mask = 0
                seen = [False] * size
                seen[t] = True
                stack = [t]
                while stack:
                    for q in pred[stack.pop()]:
                        if maybe[q] and not seen[q]:
                            seen[q] = True
                            stack.append(q)
                            if bits[q] and not bits[q] & decided:
                                mask |= bits[q]
                masks.append(mask)
        parts: list[list] = []  # [undecided groups (bits), capabilities]
        for t, mask in zip(unsettled, masks):
            part = [mask, [t]]
            for other in [x for x in parts if x[0] & mask]:
                part[0] |= other[0]
                part[1] += other[1]
                parts.remove(other)
            parts.append(part)
        if len(parts) > 1:
            return math.prod(solve(ts, fixed_up, fixed_down, sure, maybe) for _, ts in parts)
        mask = parts[0][0]
        if not mask:
            return 0.0
        low = mask & -mask  # the undecided group nearest the sure set
        i = low.bit_length() - 1
        p = probs[i]
        return (p * solve(unsettled, fixed_up | low, fixed_down, sure, maybe, grow=i)
                + (1.0 - p) * solve(unsettled, fixed_up, fixed_down | low, sure, maybe, shrink=i))

    try:
        value = solve(list(c.terminals), 0, 0)
    except _TooMany:
        if memo is not None:
            memo[key] = _TOO_MANY
        raise
    if memo is not None:
        memo[key] = value
    return value


def _cuts(s: _Structure, b: _Block, max_order: int = 3, limit: int = 40, c: _Compiled | None = None,
          memo: dict | None = None) -> list[tuple[str, ...]]:
    """Minimal cut sets of order 2..max_order among a block's optional groups (critical ones are order 1)."""
    if c is None:
        c = _compiled(s, b)
    top = max_order if len(c.order) <= limit else 2
    key = (c.key, top)
    found = memo.get(key) if memo is not None else None
    if found is None:
        found = _cut_masks(c, top) if c.topo is None else _dominator_cuts(c, top)
        if memo is not None:
            memo[key] = found
    # Named in the block's drawing order.
    position = {x: k for k, x in enumerate(b.optional)}
    name = dict(zip(c.order_nodes, c.order))
    return [tuple(sorted((name[v] for v in c.order_nodes if cut & c.bits[v]), key=position.__getitem__))
            for cut in found]


def _cut_masks(c: _Compiled, top: int) -> list[int]:
    """The minimal cuts by trying every set of `top` optional groups or fewer (any block, cycles included)."""
    optional = [c.bits[v] for v in c.order_nodes]
    found: list[int] = []
    for size in range(2, top + 1):
        for combo in combinations(optional, size):
            gone = sum(combo)
            if any(f & gone == f for f in found):
                continue
            seen = _seen(c, c.full & ~gone)
            if not all(seen[t] for t in c.terminals):
                found.append(gone)
    return found


def _dominators(c: _Compiled, gone: int) -> tuple[bool, int]:
    """Without the groups in `gone`: (whether every capability is still reached, the optional groups that every
    route into some capability passes). One pass in call order (the block has no cycle)."""
    bits, pred = c.bits, c.pred
    first = set(c.first)
    dom: list[int | None] = [None] * len(bits)  # None: not reached
    for v in c.topo:
        if bits[v] & gone:
            continue
        if v in first:
            dom[v] = bits[v]
            continue
        d = None
        for q in pred[v]:
            dq = dom[q]
            if dq is not None:
                d = dq if d is None else d & dq
        if d is not None:
            dom[v] = d | bits[v]
    reached, through = True, 0
    for t in c.terminals:
        if dom[t] is None:
            reached = False
        else:
            through |= dom[t]
    return reached, through


def _dominator_cuts(c: _Compiled, top: int) -> list[int]:
    """`_cut_masks` for a block without cycles, in the same order: {a, b} cuts when b is on every route into some
    capability once a is gone; {a, b, c} when c is, once a and b are gone (and no pair of the three cuts)."""
    optional = [c.bits[v] for v in c.order_nodes]
    n = len(optional)
    found: list[int] = []
    pairs: set[int] = set()
    for i in range(n):
        reached, through = _dominators(c, optional[i])
        for j in range(i + 1, n):
            if not reached or through & optional[j]:
                pairs.add(optional[i] | optional[j])
                found.append(optional[i] | optional[j])
    if top >= 3:
        for i in range(n):
            for j in range(i + 1, n):
                ab = optional[i] | optional[j]
                if ab in pairs:
                    continue
                _, through = _dominators(c, ab)
                for k in range(j + 1, n):
                    if through & optional[k] and optional[i] | optional[k] not in pairs \
                            and optional[j] | optional[k] not in pairs:
                        found.append(ab | optional[k])
    return found


def entry_slo(g: AnalysisGraph, group: str) -> float | None:
    """`slo=` on the entry node, else the diagram's `wb_slo`, else the design sheet's (percent)."""
    for m in g.groups[group].members:
        value = slo_percent(g.nodes[m].analysis.get("slo"))
        if value is not None:
            return value
    return g.inputs.slo


def user_entries(g: AnalysisGraph) -> list[Entry]:
    """The entries whose availability is estimated: user-facing ones (helpers such as jobs are not)."""
    return [e for e in g.entries if not getattr(e, "helper", False)]


class _Cache:
    """What the estimates of one analysis graph share: node figures, group models, each entry's structure, the
    compiled blocks and the factoring and cut-set results per block shape (all pure functions of the graph)."""

    __slots__ = ("__weakref__", "compiled", "cuts", "factored", "figures", "models", "sources", "structures", "ups")

    def __init__(self) -> None:
        self.figures: dict[str | tuple, Figure] = {}  # by node id, and by look-alike (see `figure`)
        self.models: dict[str, GroupModel] = {}  # with nothing failed
        self.ups: dict[str, float] = {}  # their availability with every zone up
        self.sources: frozenset[str] | None = None  # groups with a source role
        self.structures: dict[str, _Structure] = {}
        self.compiled: dict[tuple, _Compiled] = {}
        self.factored: dict = {}
        self.cuts: dict = {}

    def figure(self, g: AnalysisGraph, m: str) -> Figure:
        f = self.figures.get(m)
        if f is None:
            info = g.nodes[m]
            if info.analysis:
                f = node_figure(info)
            else:
                # Without keywords the figure follows from what `default_figure` reads: thousands of look-alike
                # nodes share one.
                key = (info.cls, info.provider, info.role, info.ha.status, info.stateful)
                f = self.figures.get(key)
                if f is None:
                    f = self.figures[key] = node_figure(info)
            self.figures[m] = f
        return f

    def group_figures(self, g: AnalysisGraph, groups: Iterable[str]) -> dict[str, Figure]:
        return {m: self.figure(g, m) for x in groups for m in g.groups[x].members}

    def steady(self, models: Mapping[str, GroupModel], groups: Iterable[str]) -> dict[str, float]:
        """Each group's availability with every zone up (`GroupModel.up()`), kept for the models of the cache."""
        out = {}
        known, ups = self.models, self.ups
        for x in groups:
            model = models[x]
            if known.get(x) is model:
                value = ups.get(x)
                if value is None:
                    value = ups[x] = model.up()
            else:
                value = model.up()
            out[x] = value
        return out


_CACHES = PerGraph()


def _cache(g: AnalysisGraph) -> _Cache:
    return _CACHES.get(g, _Cache)


def estimate(g: AnalysisGraph, entry: Entry, *, fixes: bool = True,
             failed: frozenset[str] = frozenset()) -> EntryAvailability:
    """The availability of one entry, its top contributors and what a replica of each would buy.

    `failed` are drawn nodes that are down (what-if): their instances are gone, the rest is estimated as usual.
    """
    cache = _cache(g)
    s = cache.structures.get(entry.group)
    if s is None:
        if cache.sources is None:
            cache.sources = frozenset(x for x, grp in g.groups.items() if grp.role in SOURCE_ROLES)
        s = cache.structures[entry.group] = _structure(g, entry.group, cache.sources)
    groups = s.critical + s.optional
    models = {}
    known = cache.models
    fig = partial(cache.figure, g)
    for x in groups:
        if failed and not failed.isdisjoint(g.groups[x].members):
            models[x] = _group_model(g, g.groups[x], fig, failed)
            continue
        model = known.get(x)
        if model is None:
            model = known[x] = _group_model(g, g.groups[x], fig)
        models[x] = model
    value, method, cuts = _evaluate(s, models, cache)
    total = sum(p for p, _ in cuts)
    # Thousands of groups each contribute a little: name and keep the largest only (ties in drawing order).
    contributors = [Contributor(groups, [], p) for p, groups in
                    heapq.nsmallest(TOP_CONTRIBUTORS, cuts, key=lambda c: (-c[0], c[1]))]
    for c in contributors:
        c.share = c.probability / total if total > 0 else 0.0
        c.names = [f"zone {x[5:]}" if x.startswith("zone:") else g.groups[x].name for x in c.groups]
        c.labels = list(dict.fromkeys(
            label for x in c.groups
            for label in ([f"zone {x[5:]}"] if x.startswith("zone:") else g.groups[x].labels)))
    contributors.sort(key=lambda c: (-c.probability, c.names))
    result = EntryAvailability(entry.group, g.groups[entry.group].name, value, entry_slo(g, entry.group), method,
                               contributors, assumption=getattr(entry, "assumption", "") or "")
    result._figures = (g, lambda: cache.group_figures(g, groups))
    if fixes:
        result.fixes = _fixes(g, s, models, contributors, value, cache)
    return result


def _evaluate(s: _Structure, models: Mapping[str, GroupModel], cache: _Cache | None = None,
              contributors: bool = True) -> tuple[float, str, list[tuple[float, tuple[str, ...]]]]:
    """(estimate, method, the contributing cuts as (probability, groups), empty unless `contributors`)."""
    if cache is None:
        cache = _Cache()
    groups = s.critical + s.optional
    zoned = [x for x in groups if models[x].zone_set]
    zones = sorted({z for x in zoned for z in models[x].zone_set})
    exact_zones = len(zones) <= MAX_ZONES
    za = ZONE_AVAILABILITY / 100.0
    states = list(product((True, False), repeat=len(zones))) if exact_zones else [()]
    approximated: set[int] = set()  # blocks where factoring would take too many branches: cut sets
    cuts: dict[int, list[tuple[str, ...]]] = {}
    compiled = [None if blk.parallel else _compiled(s, blk, cache) for blk in s.blocks]
    # A group without zones is up with the same probability in every zone state.
    steady = cache.steady(models, groups)
    total = 0.0
    for state in states:
        weight = math.prod(za if ok else 1.0 - za for ok in state)
        down = frozenset(z for z, ok in zip(zones, state) if not ok)
        up = dict(steady) if zoned else steady
        if exact_zones:
            for x in zoned:
                up[x] = models[x].up(down)
        else:
            for x in zoned:
                up[x] = models[x].up(zone_a=za)
        value = math.prod(up[x] for x in s.critical)
        for i, blk in enumerate(s.blocks):
            if value == 0.0:
                break
            if i not in approximated and len(blk.optional) > MAX_FACTORED:
                approximated.add(i)
            if i not in approximated:
                try:
                    value *= _factor(s, blk, up, cache.factored, compiled[i])
                    continue
                except _TooMany:
                    approximated.add(i)
            if i not in cuts:
                cuts[i] = _cuts(s, blk, c=compiled[i], memo=cache.cuts)
            value *= max(0.0, 1.0 - sum(math.prod(1.0 - up[x] for x in c) for c in cuts[i]))
        total += weight * value
    method = "cut sets" if approximated or s.dropped else "exact"
    if not contributors:
        return total, method, []
    return total, method, _contributors(s, models, zones, za, exact_zones, cuts, steady, cache, compiled)


def _contributors(s: _Structure, models: Mapping[str, GroupModel], zones: list[str], za: float, exact_zones: bool,
                  cuts: Mapping[int, list[tuple[str, ...]]], up: Mapping[str, float] | None = None,
                  cache: _Cache | None = None, compiled: list | None = None,
                  ) -> list[tuple[float, tuple[str, ...]]]:
    """Cut sets as (probability, groups): groups alone (their own instances, zones up), zones, and parallel routes."""
    if up is None:
        up = {x: models[x].up() for x in s.critical + s.optional}
    out = [(1.0 - up[x], (x,)) for x in s.critical if up[x] < 1.0]
    if exact_zones:
        for z in zones:
            gone = frozenset({z})
            if any(models[x].up(gone) == 0.0 for x in s.critical) or any(
                    not _block_reached(s, blk, lambda w, gone=gone: models[w].up(gone) > 0.0) for blk in s.blocks):
                out.append((1.0 - za, (f"zone:{z}",)))
    for i, blk in enumerate(s.blocks):
        found = cuts.get(i)
        if found is None:
            # For the names only (the estimate did not need them): parallel routes are one cut of all of them;
            # otherwise the pairs, in small blocks.
            if blk.parallel:
                found = [blk.optional] if len(blk.optional) <= 3 else []
            elif len(blk.optional) <= 4:
                found = _cuts(s, blk, max_order=2, c=compiled[i] if compiled else None,
                              memo=cache.cuts if cache else None)
            else:
                found = []
        for c in found:
            p = math.prod(1.0 - up[x] for x in c)
            if p > 0.0:
                out.append((p, tuple(c)))
    return out


def _fixes(g: AnalysisGraph, s: _Structure, models: dict[str, GroupModel], contributors: list[Contributor],
           before: float, cache: _Cache | None = None, top: int = 3) -> list[Fix]:
    """One more instance of each of the top contributors that runs instances: the estimate it would give."""
    out: list[Fix] = []
    zoned: bool | None = None  # whether any group has zones, found on first need
    for c in contributors[:top]:
        if len(c.groups) != 1 or c.groups[0].startswith("zone:"):
            continue
        x = c.groups[0]
        model = models[x]
        if model.whole is not None or not model.instances:
            continue
        bigger = GroupModel(None, None, model.k, model.instances + (model.instances[-1],))
        if x in s.critical and not bigger.zone_set and zoned is None:
            zoned = any(models[y].zone_set for y in s.critical + s.optional)
        if x in s.critical and not bigger.zone_set and not zoned:
            # A critical group's own factor: the rest of the estimate does not change.
            value = before * bigger.up() / model.up() if model.up() > 0 else before
        else:
            more = dict(models)
            more[x] = bigger
            value, _, _ = _evaluate(s, more, cache, contributors=False)
        if percent_text(value) != percent_text(before):  # only what shows in the figure
            grp = g.groups[x]
            text = f"a replica of `{grp.name}`" if grp.r == 1 else f"a {_ordinal(grp.r + 1)} instance of `{grp.name}`"
            out.append(Fix(text, x, value))
    return out


def _ordinal(n: int) -> str:
    return {2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(n, f"{n}th")


# -- a diagram ----------------------------------------------------------------------------------------------------


@dataclass
class DiagramAvailability:
    entries: list[EntryAvailability]

    @property
    def worst(self) -> EntryAvailability | None:
        return min(self.entries, key=lambda e: (e.estimate, e.name)) if self.entries else None

    def to_dict(self) -> dict:
        """The `availability` object of a diagram in `check --format json` (issue 16 item 5)."""
        worst = self.worst
        if worst is None:
            return {"estimate": None, "slo": None, "entries": {}, "contributors": [], "method": "exact"}
        slos = [e.slo for e in self.entries if e.slo is not None]
        return {
            "estimate": round(worst.percent, 6),
            "slo": max(slos) if slos else None,
            "entries": {e.name: round(e.percent, 6) for e in self.entries},
            "contributors": [{"nodes": c.labels, "share": round(c.share, 6)} for c in worst.contributors[:5]],
            "method": "cut sets" if any(e.method == "cut sets" for e in self.entries) else "exact",
        }


def diagram_availability(g: AnalysisGraph, entries: Iterable[Entry] | None = None) -> DiagramAvailability:
    """The estimate for every user-facing entry of `g`."""
    chosen = user_entries(g) if entries is None else list(entries)
    return DiagramAvailability([estimate(g, e) for e in chosen])


def percent_text(p: float) -> str:
    """0.99937504 → "99.9375%": four decimals at most, more only when rounding would show 100%."""
    value = p * 100.0
    for digits in (4, 5, 6, 7):
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
        if value >= 100.0 or float(text) < 100.0:
            return text + "%"
    return f"{value:.7f}%"


def minutes_text(minutes: float) -> str:
    if minutes >= 120:
        return f"{minutes / 60:.1f} h"
    if minutes >= 1:
        return f"{minutes:.0f} min"
    return f"{minutes * 60:.0f} s"
