"""Availability per entry: the probability that it reaches every required capability (issue 16), with citations.

A pure function of the analysis graph. The required set is the one SPOF001 uses (`criticality.analyse_root`):
the hard quotient graph from the entry, so soft dependencies, fallbacks, cache-aside caches and async
consumers are not required and cannot lower the estimate. Each replica group has an availability (`group_up`):
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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import combinations, product

from workbench.analysis.elements import (
    SOURCE_ROLES,
    AnalysisGraph,
    Entry,
    Group,
    NodeInfo,
)
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
        out = {z for _, z in self.instances if z}
        if self.zone:
            out.add(self.zone)
        return out

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

    if group.role in SOURCE_ROLES:
        return GroupModel(1.0, None, 0, ())
    zones = [z for z in group.zones if z]
    if group.ha_status != "single":
        if all(m in failed for m in group.members):
            return GroupModel(0.0, None, 1, ())
        whole = min(fig(m).value for m in group.members)
        confined = zones[0] if group.zone_confined and zones and len(set(zones)) == 1 else None
        return GroupModel(whole, confined, 1, ())
    instances = []
    for m, zone in zip(group.members, group.zones):
        if m in failed:
            continue
        a = fig(m).value
        instances += [(a, zone)] * max(1, g.nodes[m].replicas)
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
    _figures: tuple | None = field(default=None, repr=False, compare=False)  # (graph, node id → Figure)

    @property
    def defaults(self) -> list[str]:
        """The default figures the estimate used, in drawing order: "`db` 99.5 % [AV2] (RDS Single-AZ instance)".

        Built on demand: a large design has thousands, and most callers never ask.
        """
        if self._figures is None:
            return []
        g, figures = self._figures
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


def _structure(g: AnalysisGraph, root: str) -> _Structure:
    """The required groups of one entry, and the rest cut into independent blocks.

    With every critical group up, the groups reached from the root through critical groups alone are reached
    for sure. A capability outside that set is reached when some route from it into the set is up; the groups on
    those routes (found backwards from the capability, stopping at the sure set) are its region. Capabilities
    whose regions share a group form one block; blocks share no optional group, so they are independent and
    their probabilities multiply: exact, and linear in the size of the graph for the usual shapes.
    """
    reach = g.reaches[root]
    inside = reach.reach
    terminals = tuple(reach.terminals)
    critical = tuple(x for x in reach.critical if g.groups[x].role not in SOURCE_ROLES)
    sure = set(critical) | {x for x in inside if g.groups[x].role in SOURCE_ROLES} | {root}
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


def _compiled(s: _Structure, b: _Block) -> tuple:
    """The block as small integers: (successors, predecessors, bit of each group (0: sure), first hops,
    terminals, optional groups, their node numbers).

    Factoring checks reachability hundreds of times per block; integer lists and bit masks make each check a
    few dozen list reads instead of set and mapping look-ups. The optional groups are numbered breadth-first
    from the sources, so that factoring settles the groups nearest the sure set first.
    """
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
    order = [x for x in nodes if x not in s.sure]
    bit = {x: 1 << k for k, x in enumerate(order)}
    succ = [tuple(index[w] for w in s.succ.get(x, ()) if w in index) for x in nodes]
    pred = [tuple(index[w] for w in s.pred.get(x, ()) if w in index) for x in nodes]
    bits = [bit.get(x, 0) for x in nodes]
    return succ, pred, bits, [index[x] for x in first], [index[t] for t in b.terminals], order, \
        [index[x] for x in order]


def _seen(compiled: tuple, usable: int) -> list[bool]:
    """What the sure groups and the optional ones whose bit is in `usable` reach from the sources."""
    succ, _, bits, first, *_ = compiled
    seen = [False] * len(succ)
    stack = []
    for w in first:
        if not seen[w] and (not bits[w] or bits[w] & usable):
            seen[w] = True
            stack.append(w)
    while stack:
        for w in succ[stack.pop()]:
            if not seen[w] and (not bits[w] or bits[w] & usable):
                seen[w] = True
                stack.append(w)
    return seen


def _factor(s: _Structure, b: _Block, up: Mapping[str, float], memo: dict | None = None) -> float:
    """P(every capability of the block reached | the critical groups up), by factoring on its optional groups.

    At each step the capabilities not yet settled are split by the undecided groups their routes can use:
    capabilities that share none are independent, so their probabilities multiply (exact), and a group no
    unsettled capability can use is never branched on.
    """
    if b.parallel:
        return 1.0 - math.prod(1.0 - up[v] for v in b.optional)
    compiled = _compiled(s, b)
    _, pred, bits, _, terminals, order, _ = compiled
    probs = [up[v] for v in order]
    # Look-alike cells give blocks of the same shape and figures: solve each shape once.
    key = (tuple(compiled[0]), tuple(bits), tuple(compiled[3]), tuple(terminals), tuple(probs))
    if memo is not None and key in memo:
        return memo[key]
    full = (1 << len(order)) - 1
    budget = [MAX_BRANCHES]
    size = len(bits)

    def solve(terms: list[int], fixed_up: int, fixed_down: int, sure: list | None = None,
              maybe: list | None = None) -> float:
        # A branch that fixes a group up leaves `maybe` as it was, one that fixes it down leaves `sure`.
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooMany
        if sure is None:
            sure = _seen(compiled, fixed_up)
        unsettled = [t for t in terms if not sure[t]]
        if not unsettled:
            return 1.0
        if maybe is None:
            maybe = _seen(compiled, full & ~fixed_down)
        if not all(maybe[t] for t in unsettled):
            return 0.0
        decided = fixed_up | fixed_down
        parts: list[list] = []  # [undecided groups (bits), capabilities]
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
        i = (mask & -mask).bit_length() - 1  # the undecided group nearest the sure set
        p = probs[i]
        return (p * solve(unsettled, fixed_up | 1 << i, fixed_down, None, maybe)
                + (1.0 - p) * solve(unsettled, fixed_up, fixed_down | 1 << i, sure, None))

    value = solve(list(terminals), 0, 0)
    if memo is not None:
        memo[key] = value
    return value


def _cuts(s: _Structure, b: _Block, max_order: int = 3, limit: int = 40) -> list[tuple[str, ...]]:
    """Minimal cut sets of order 2..max_order among a block's optional groups (critical ones are order 1)."""
    compiled = _compiled(s, b)
    order_of = compiled[5]
    full = (1 << len(order_of)) - 1
    terminals = compiled[4]
    found: list[int] = []
    top = max_order if len(order_of) <= limit else 2
    for size in range(2, top + 1):
        for combo in combinations(range(len(order_of)), size):
            gone = sum(1 << i for i in combo)
            if any(c & gone == c for c in found):
                continue
            seen = _seen(compiled, full & ~gone)
            if not all(seen[t] for t in terminals):
                found.append(gone)
    # Named in the block's drawing order.
    position = {x: k for k, x in enumerate(b.optional)}
    return [tuple(sorted((order_of[i] for i in range(len(order_of)) if c >> i & 1), key=position.__getitem__))
            for c in found]


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


def estimate(g: AnalysisGraph, entry: Entry, *, fixes: bool = True,
             failed: frozenset[str] = frozenset()) -> EntryAvailability:
    """The availability of one entry, its top contributors and what a replica of each would buy.

    `failed` are drawn nodes that are down (what-if): their instances are gone, the rest is estimated as usual.
    """
    s = _structure(g, entry.group)
    figures = {m: node_figure(g.nodes[m]) for x in s.critical + s.optional for m in g.groups[x].members}
    models = {x: group_model(g, g.groups[x], figures, failed) for x in s.critical + s.optional}
    value, method, contributors = _evaluate(s, models)
    total = sum(c.probability for c in contributors)
    # Thousands of groups each contribute a little: name and keep the largest only (ties in drawing order).
    contributors = heapq.nsmallest(TOP_CONTRIBUTORS, contributors, key=lambda c: (-c.probability, c.groups))
    for c in contributors:
        c.share = c.probability / total if total > 0 else 0.0
        c.names = [f"zone {x[5:]}" if x.startswith("zone:") else g.groups[x].name for x in c.groups]
        c.labels = list(dict.fromkeys(
            label for x in c.groups
            for label in ([f"zone {x[5:]}"] if x.startswith("zone:") else g.groups[x].labels)))
    contributors.sort(key=lambda c: (-c.probability, c.names))
    result = EntryAvailability(entry.group, g.groups[entry.group].name, value, entry_slo(g, entry.group), method,
                               contributors, assumption=getattr(entry, "assumption", "") or "")
    result._figures = (g, figures)
    if fixes:
        result.fixes = _fixes(g, s, models, contributors, value)
    return result


def _evaluate(s: _Structure, models: Mapping[str, GroupModel]) -> tuple[float, str, list[Contributor]]:
    zones = sorted({z for x in s.critical + s.optional for z in models[x].zones()})
    exact_zones = len(zones) <= MAX_ZONES
    za = ZONE_AVAILABILITY / 100.0
    states = list(product((True, False), repeat=len(zones))) if exact_zones else [()]
    approximated: set[int] = set()  # blocks where factoring would take too many branches: cut sets
    cuts: dict[int, list[tuple[str, ...]]] = {}
    memo: dict = {}
    total = 0.0
    for state in states:
        weight = math.prod(za if ok else 1.0 - za for ok in state)
        down = frozenset(z for z, ok in zip(zones, state) if not ok)
        if exact_zones:
            up = {x: models[x].up(down) for x in s.critical + s.optional}
        else:
            up = {x: models[x].up(zone_a=za) for x in s.critical + s.optional}
        value = math.prod(up[x] for x in s.critical)
        for i, blk in enumerate(s.blocks):
            if value == 0.0:
                break
            if i not in approximated and len(blk.optional) > MAX_FACTORED:
                approximated.add(i)
            if i not in approximated:
                try:
                    value *= _factor(s, blk, up, memo)
                    continue
                except _TooMany:
                    approximated.add(i)
            if i not in cuts:
                cuts[i] = _cuts(s, blk)
            value *= max(0.0, 1.0 - sum(math.prod(1.0 - up[x] for x in c) for c in cuts[i]))
        total += weight * value
    method = "cut sets" if approximated or s.dropped else "exact"
    return total, method, _contributors(s, models, zones, za, exact_zones, cuts, up if not zones else None)


def _contributors(s: _Structure, models: Mapping[str, GroupModel], zones: list[str], za: float, exact_zones: bool,
                  cuts: Mapping[int, list[tuple[str, ...]]], up: Mapping[str, float] | None = None,
                  ) -> list[Contributor]:
    """Cut sets with their probabilities: groups alone (their own instances, zones up), zones, and parallel routes."""
    if up is None:
        up = {x: models[x].up() for x in s.critical + s.optional}
    out = [Contributor((x,), [], 1.0 - up[x]) for x in s.critical if up[x] < 1.0]
    if exact_zones:
        for z in zones:
            gone = frozenset({z})
            if any(models[x].up(gone) == 0.0 for x in s.critical) or any(
                    not _block_reached(s, blk, lambda w, gone=gone: models[w].up(gone) > 0.0) for blk in s.blocks):
                out.append(Contributor((f"zone:{z}",), [], 1.0 - za))
    for i, blk in enumerate(s.blocks):
        found = cuts.get(i)
        if found is None:
            # For the names only (the estimate did not need them): parallel routes are one cut of all of them;
            # otherwise the pairs, in small blocks.
            if blk.parallel:
                found = [blk.optional] if len(blk.optional) <= 3 else []
            else:
                found = _cuts(s, blk, max_order=2) if len(blk.optional) <= 4 else []
        for c in found:
            p = math.prod(1.0 - up[x] for x in c)
            if p > 0.0:
                out.append(Contributor(tuple(c), [], p))
    return out


def _fixes(g: AnalysisGraph, s: _Structure, models: dict[str, GroupModel], contributors: list[Contributor],
           before: float, top: int = 3) -> list[Fix]:
    """One more instance of each of the top contributors that runs instances: the estimate it would give."""
    out: list[Fix] = []
    for c in contributors[:top]:
        if len(c.groups) != 1 or c.groups[0].startswith("zone:"):
            continue
        x = c.groups[0]
        model = models[x]
        if model.whole is not None or not model.instances:
            continue
        bigger = GroupModel(None, None, model.k, model.instances + (model.instances[-1],))
        if x in s.critical and not bigger.zones() and not any(models[y].zones() for y in s.critical + s.optional):
            # A critical group's own factor: the rest of the estimate does not change.
            value = before * bigger.up() / model.up() if model.up() > 0 else before
        else:
            more = dict(models)
            more[x] = bigger
            value, _, _ = _evaluate(s, more)
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
