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

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
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
MAX_BRANCHES = 4096  # factoring branches per entry before the cut-set method takes over
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
    defaults: list[str] = field(default_factory=list)  # "`db` 99.5 % [AV2] (RDS Single-AZ instance)"
    assumption: str = ""  # the entry guess this rests on, if any

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
class _Structure:
    root: str
    critical: tuple[str, ...]  # groups that must be up
    optional: tuple[str, ...]  # groups on some route to a capability that no capability needs alone
    terminals: tuple[str, ...]
    succ: Mapping[str, tuple[str, ...]]  # hard successors within the relevant set


def _structure(g: AnalysisGraph, root: str) -> _Structure:
    reach = g.reaches[root]
    terminals = tuple(reach.terminals)
    critical = tuple(x for x in reach.critical if g.groups[x].role not in SOURCE_ROLES)
    # Groups on some route root → terminal: reached from the root (reach) and reaching a terminal.
    back = set(terminals)
    stack = list(terminals)
    inside = reach.reach
    while stack:
        v = stack.pop()
        for p in g.hard_pred.get(v, ()):
            if p in inside and p not in back:
                back.add(p)
                stack.append(p)
    crit = set(critical)
    chosen = {x for x in reach.reach if x in back and x not in crit and x != root
              and g.groups[x].role not in SOURCE_ROLES}
    optional = tuple(x for x in g.groups if x in chosen) if chosen else ()  # drawing order: deterministic
    relevant = back | {root}
    succ = {v: tuple(w for w in g.hard_succ.get(v, ()) if w in relevant) for v in relevant} if optional else {}
    return _Structure(root, critical, optional, terminals, succ)


def _all_reached(s: _Structure, usable) -> bool:
    """Whether every terminal is reachable from the root through groups for which usable(group) holds."""
    seen = {s.root}
    stack = [s.root]
    while stack:
        v = stack.pop()
        for w in s.succ.get(v, ()):
            if w not in seen and usable(w):
                seen.add(w)
                stack.append(w)
    return all(t in seen for t in s.terminals)


class _TooMany(Exception):
    pass


def _factor(s: _Structure, up: Mapping[str, float], budget: list[int]) -> float:
    """P(every terminal reachable | the critical groups up), by factoring on the optional groups."""
    crit = set(s.critical)
    order = s.optional

    def solve(i: int, fixed_up: frozenset[str], fixed_down: frozenset[str]) -> float:
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooMany
        if _all_reached(s, lambda w: w in crit or w in fixed_up or w == s.root):
            return 1.0
        if not _all_reached(s, lambda w: w not in fixed_down):
            return 0.0
        while i < len(order) and (order[i] in fixed_up or order[i] in fixed_down):
            i += 1
        if i == len(order):
            return 0.0
        v = order[i]
        p = up[v]
        return p * solve(i + 1, fixed_up | {v}, fixed_down) + (1.0 - p) * solve(i + 1, fixed_up, fixed_down | {v})

    return solve(0, frozenset(), frozenset())


def _cuts(s: _Structure, max_order: int = 3, limit: int = 40) -> list[tuple[str, ...]]:
    """Minimal cut sets of order 2..max_order among the optional groups (the critical ones are the order-1 cuts)."""
    crit = set(s.critical)
    pool = list(s.optional)
    found: list[tuple[str, ...]] = []
    orders = range(2, max_order + 1) if len(pool) <= limit else range(2, 3)
    for order in orders:
        for combo in combinations(pool, order):
            gone = set(combo)
            if any(set(c) <= gone for c in found):
                continue
            if not _all_reached(s, lambda w, gone=gone: w in crit or w == s.root or w not in gone):
                found.append(combo)
        if len(pool) > limit:
            break
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
    for c in contributors:
        c.share = c.probability / total if total > 0 else 0.0
        c.names = [f"zone {x[5:]}" if x.startswith("zone:") else g.groups[x].name for x in c.groups]
        c.labels = list(dict.fromkeys(
            label for x in c.groups
            for label in ([f"zone {x[5:]}"] if x.startswith("zone:") else g.groups[x].labels)))
    contributors.sort(key=lambda c: (-c.probability, c.names))
    result = EntryAvailability(entry.group, g.groups[entry.group].name, value, entry_slo(g, entry.group), method,
                               contributors, assumption=getattr(entry, "assumption", "") or "")
    seen_defaults: dict[str, None] = {}
    for m in sorted(figures, key=lambda m: (g.nodes[m].file, g.nodes[m].line, m)):  # drawing order
        f = figures[m]
        if not f.declared:
            seen_defaults[f"`{g.nodes[m].label}` {f.value * 100:g} % {f.ref} ({f.what})"] = None
    result.defaults = list(seen_defaults)
    if fixes:
        result.fixes = _fixes(g, s, models, contributors, value)
    return result


def _evaluate(s: _Structure, models: Mapping[str, GroupModel]) -> tuple[float, str, list[Contributor]]:
    zones = sorted({z for x in s.critical + s.optional for z in models[x].zones()})
    exact_zones = len(zones) <= MAX_ZONES
    za = ZONE_AVAILABILITY / 100.0
    states = list(product((True, False), repeat=len(zones))) if exact_zones else [()]
    budget = [MAX_BRANCHES]
    total = 0.0
    for state in states:
        weight = math.prod(za if ok else 1.0 - za for ok in state)
        down = frozenset(z for z, ok in zip(zones, state) if not ok)
        if exact_zones:
            up = {x: models[x].up(down) for x in s.critical + s.optional}
        else:
            up = {x: models[x].up(zone_a=za) for x in s.critical + s.optional}
        base = math.prod(up[x] for x in s.critical)
        if base == 0.0 or not s.optional:
            total += weight * base
            continue
        try:
            total += weight * base * _factor(s, up, budget)
        except _TooMany:
            return _cut_set_estimate(s, models, zones, exact_zones, za)
    return total, "exact", _contributors(s, models, zones, za, exact_zones, None)


def _cut_set_estimate(s: _Structure, models, zones, exact_zones, za) -> tuple[float, str, list[Contributor]]:
    """Rare-event approximation: A ≈ Π critical × (1 − Σ over higher-order cuts of Π unavailability)."""
    up = {x: models[x].up(zone_a=za) for x in s.critical + s.optional}
    cuts = _cuts(s)
    base = math.prod(up[x] for x in s.critical)
    extra = sum(math.prod(1.0 - up[x] for x in c) for c in cuts)
    value = max(0.0, base * (1.0 - extra))
    return value, "cut sets", _contributors(s, models, zones, za, exact_zones, cuts, up)


def _contributors(s: _Structure, models: Mapping[str, GroupModel], zones: list[str], za: float, exact_zones: bool,
                  cuts: list[tuple[str, ...]] | None, up: Mapping[str, float] | None = None) -> list[Contributor]:
    """Cut sets with their probabilities: groups alone (their own instances, zones up), zones, and parallel routes."""
    if up is None:
        up = {x: models[x].up() for x in s.critical + s.optional}
    out = [Contributor((x,), [], 1.0 - up[x]) for x in s.critical if up[x] < 1.0]
    if exact_zones:
        for z in zones:
            gone = frozenset({z})
            if any(models[x].up(gone) == 0.0 for x in s.critical) or (
                    s.optional and not _all_reached(
                        s, lambda w, gone=gone: w not in s.optional or models[w].up(gone) > 0.0)):
                out.append(Contributor((f"zone:{z}",), [], 1.0 - za))
    if cuts is None and s.optional and len(s.optional) <= 12:
        cuts = _cuts(s)
    for c in cuts or ():
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
        more = dict(models)
        more[x] = GroupModel(None, None, model.k, model.instances + (model.instances[-1],))
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
