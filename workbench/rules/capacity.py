"""CAP rules: declared peak load against rule-of-thumb capacity and provider quotas (spec §6.8)."""

from __future__ import annotations

from workbench.findings import Finding, Rule
from workbench.graph import AnalysisGraph
from workbench.loads import dimension_load, quotas
from workbench.rules.base import Check, Context, group_finding, qty

_LOADS = ("Load starts from qps= on the entry (client) nodes; without one, the diagram's wb_qps or the design "
          "sheet's peak QPS is split evenly over the entries [H]. It flows along synchronous and asynchronous "
          "edges, each carrying fraction= of its caller's load (default 1.0: every request touches every "
          "dependency once); a cycle counts as one unit. At stores, reads = load × ρ (read_ratio: store, then "
          "entry, then wb_read_ratio, then the sheet) and a cache-aside cache in front absorbs cache_hit= of the "
          "reads (default 0.8 [H]). Behind a queue the read mix is unknown unless the store declares read_ratio "
          "(messages are writes).")
_DEFAULTS = ("Default capacities per instance, orders of magnitude with a ±10× spread [H]: app server 1,000 "
             "requests/s [R1][R2]; relational primary (Postgres, MySQL, MariaDB, RDS, Aurora, Cloud SQL, Azure "
             "SQL) 10,000 reads/s and 1,000 writes/s, with one writer and reads spread over the members that "
             "callers reach (never an RDS Multi-AZ standby) [R1][R2][R3]; Redis/Memcached node 100,000 ops/s "
             "[R4]; MongoDB 10,000 queries/s [R1]; Elasticsearch/OpenSearch/Solr 5,000 queries/s [R1]; "
             "self-hosted HAProxy/Nginx/Envoy/Traefik 50,000 requests/s [R2]. Managed elastic services (S3, "
             "DynamoDB, SQS, ELB, Lambda, ...) have no per-node capacity; only their quotas apply (CAP003). "
             "capacity_qps= on a node replaces the default with your measured per-instance figure.")

CAP001 = Rule(
    code="CAP001",
    title="Capacity exceeded",
    severity="warning",
    what="A group whose peak load uses more than 70 % of its capacity in some dimension (warning), or more than "
         "100 % (error). One finding per group lists every dimension that is over. " + _LOADS + " " + _DEFAULTS,
    why="Above ~70 % utilisation latency climbs steeply and there is no room for a spike or a failure; above "
        "100 % requests queue up and time out.",
    example='Users("users", qps="5000") >> ALB("alb") >> ECS("api", replicas="3")',
    fix="Scale out (replicas=), add a cache, or shard. If your instances are bigger than the rule of thumb, "
        "declare capacity_qps= with the measured figure.",
    refs=("[R1] rules of thumb", "[R2] capacity sizing across tiers", "[R3] PostgreSQL scalability",
          "[R4] Redis benchmarks"),
)

CAP002 = Rule(
    code="CAP002",
    title="No headroom for one failure",
    severity="warning",
    what="A group with two or more serving instances that stays under 70 % at peak, but whose read or total "
         "load exceeds what r − 1 instances can serve, so losing one instance overloads the rest. The writer "
         "dimension of a single-leader database is not checked (failover keeps one writer). " + _LOADS,
    why="Instances fail and are taken down for maintenance; N+1 provisioning is the minimum for a tier that "
        "must survive one loss at peak (N+2 to survive a failure during maintenance).",
    example='Users("users", qps="1500") >> ALB("alb") >> ECS("api", replicas="2")',
    fix="Add an instance (N+1): raise replicas= by one.",
    refs=("[S2] SRE book",),
)

CAP003 = Rule(
    code="CAP003",
    title="Provider quota exceeded",
    severity="warning",
    what="A managed service whose peak load exceeds a documented default quota: DynamoDB 3,000 RCU and 1,000 "
         "WCU per partition (replicas= counts partitions) [Q1]; Kinesis 1,000 records/s per shard (replicas= "
         "counts shards) [Q2]; SQS FIFO (label or tier says fifo) 300 transactions/s per API action [Q3]; API "
         "Gateway 10,000 requests/s per account and region [Q4]; Lambda 1,000 concurrent executions per region, "
         "read as 5,000 requests/s at an assumed mean duration of 200 ms [H] [A7]. Without a declared read "
         "ratio, DynamoDB's total is compared with the read quota. capacity_qps= replaces the quota (for "
         "example after a quota raise, or to state the RPS your Lambda duration allows). " + _LOADS,
    why="Requests beyond a quota are throttled, whatever the service's own availability.",
    example='Users("users", qps="20000") >> APIGateway("api") >> Lambda("fn")',
    fix="Request a quota raise (and declare it with capacity_qps=), batch requests, or shard.",
    refs=("[Q1] DynamoDB", "[Q2] Kinesis", "[Q3] SQS FIFO", "[Q4] API Gateway quotas", "[A7] Lambda"),
)


def _utilisation(g: AnalysisGraph, ctx: Context):
    for gid, cap in ctx.capacities.items():
        load = ctx.loads.get(gid)
        if load is None:
            continue
        rows = []
        for dim in cap.dims:
            value = dimension_load(load, dim.name)
            if value is not None and dim.limit > 0:
                rows.append((dim, value, value / dim.limit))
        yield gid, cap, rows


def check_cap001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for gid, cap, rows in _utilisation(g, ctx):
        over = [(dim, value, u) for dim, value, u in rows if u > 0.7]
        if not over:
            continue
        group = g.groups[gid]
        parts = [f"{u:.0%} ({qty(value)}/{qty(dim.limit)} {dim.name}/s)" for dim, value, u in over]
        severity = "error" if any(u > 1.0 for _, _, u in over) else "warning"
        out.append(group_finding(
            g, "CAP001", severity, f"`{group.name}` at {'; '.join(parts)} at peak",
            f"scale out, cache, or shard `{group.name}`; assumed {cap.basis}; set capacity_qps= to use a "
            "measured per-instance figure", group))
    return out


def check_cap002(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for gid, cap, rows in _utilisation(g, ctx):
        if any(u > 0.7 for _, _, u in rows):
            continue  # CAP001 already covers it
        short = [(dim, value) for dim, value, _ in rows
                 if dim.name != "writes" and dim.instances >= 2 and value > dim.per_instance * (dim.instances - 1)]
        if not short:
            continue
        group = g.groups[gid]
        dim, value = short[0]
        out.append(group_finding(
            g, "CAP002", "warning",
            f"`{group.name}` cannot absorb the loss of one of {dim.instances} instances "
            f"({qty(value)} {dim.name}/s > {qty(dim.per_instance * (dim.instances - 1))} on "
            f"{dim.instances - 1})",
            f"add an instance to `{group.name}` (N+1: replicas=\"{dim.instances + 1}\"); assumed {cap.basis}",
            group))
    return out


def check_cap003(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for gid, group in g.groups.items():
        load = ctx.loads.get(gid)
        if load is None:
            continue
        for quota in quotas(g, group):
            value = dimension_load(load, quota.dim)
            if value is None or value <= quota.limit:
                continue
            # Without a read ratio the total is compared with the (larger) read quota: say so.
            dim = "requests" if quota.dim == "reads" and load.reads is None else quota.dim
            out.append(group_finding(
                g, "CAP003", "warning",
                f"`{group.name}` needs {qty(value)} {dim}/s; default quota is {quota.text} {quota.ref}",
                "request a quota raise (then declare it with capacity_qps=), batch, or shard", group))
            break
    return out


CHECKS = (Check(CAP001, check_cap001), Check(CAP002, check_cap002), Check(CAP003, check_cap003))
