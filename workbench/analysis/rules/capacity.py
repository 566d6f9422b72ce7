"""CAP rules: declared peak load against rule-of-thumb capacity and provider quotas (spec §6.8)."""

from __future__ import annotations

from workbench.analysis.elements import AnalysisGraph
from workbench.analysis.findings import Finding, Rule
from workbench.analysis.loads import (
    APIGATEWAY_QUOTA_TEXT,
    LAMBDA_QUOTA_TEXT,
    Load,
    Quota,
    dimension_load,
    quotas,
)
from workbench.analysis.rules.base import Check, Context, group_finding, names, qty

_LOADS = ("Load starts from qps= on the entry (client) nodes; without one, the diagram's wb_qps or the design "
          "sheet's peak QPS is split evenly over the entries [H]. It flows along synchronous and asynchronous "
          "edges, each carrying fraction= times its caller's load. fraction= is a multiplier, default 1.0 (every "
          "request touches every dependency once): \"0.1\" or \"10%\" is a tenth of the caller's requests, and a "
          "value above 1 is amplification, e.g. fraction=\"120\" when one post becomes 120 timeline inserts "
          "(fan-out); \"3x\" also works. A synchronous cycle counts as one unit. A loop that closes only through "
          "a queue (chat → queue ⇢ worker → chat) is not one unit: the load on the edge that returns into the "
          "loop is counted where it arrives but does not go round again [H]. Each flow carries its reads and "
          "writes separately: reads = load × ρ at the nearest declaration of read_ratio (store, then edge, then "
          "entry, then wb_read_ratio, then the sheet); work that a queue delivers counts as writes (messages are "
          "writes) unless the edge or the store declares read_ratio; requests of undeclared mix are compared "
          "with the read capacity and named as such [H]. A cache-aside cache in front of a store absorbs "
          "cache_hit= of the reads (default 0.8 [H]).")
_DEFAULTS = ("Default capacities per instance, orders of magnitude with a ±10× spread [H]: app server 1,000 "
             "requests/s [R1][R2]; relational primary (Postgres, MySQL, MariaDB, RDS, Aurora, Cloud SQL, Azure "
             "SQL) 10,000 reads/s and 1,000 writes/s, with one writer and reads spread over the members that "
             "callers reach (never an RDS Multi-AZ standby) [R1][R2][R3]; Redis/Memcached 100,000 ops/s per "
             "serving node, counting only the members callers reach (a replica drawn behind a replication edge "
             "serves nothing; replicas=\"N\" on a called node is N serving nodes) [R4]; MongoDB 10,000 queries/s "
             "[R1]; Elasticsearch/OpenSearch/Solr 5,000 queries/s [R1]; self-hosted HAProxy/Nginx/Envoy/Traefik "
             "50,000 requests/s [R2]. Managed elastic services (S3, DynamoDB, SQS, ELB, Lambda, ...) have no "
             "per-node capacity; only their quotas apply (CAP003). capacity_qps= on a node replaces the default "
             "with your measured per-instance figure. On a relational database it takes reads and writes: "
             "capacity_qps=\"50000:5000\" is 50,000 reads/s and 5,000 writes/s per instance, and a single number "
             "n is n reads/s and n/10 writes/s (the default 10:1 proportion) [H].")

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
        "declare capacity_qps= with the measured figure (capacity_qps=\"50000:5000\" for a database's reads and "
        "writes). If a fraction= is wrong, fix it: it multiplies the caller's load, so 120 means a 120-fold "
        "fan-out and 2% means 0.02.",
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
         "read as 5,000 requests/s at an assumed mean duration of 200 ms [H] [A7]. The API Gateway and Lambda "
         "quotas belong to the account and region, not to one API or function: every API Gateway (every Lambda "
         "function) of the diagram in the same declared region (or with none declared) uses the same quota, "
         "so their loads add up and one finding names them all. Requests of undeclared read/write mix are "
         "compared with DynamoDB's read quota. capacity_qps= replaces the quota: on DynamoDB a number replaces "
         "the request quota and \"R:W\" the read and write quotas; on a Lambda function it is the requests/s the "
         "whole concurrency quota allows for that function (1,000 executions at its real duration, e.g. 20000 "
         "for 50 ms), on an API Gateway the raised account quota; a function or API then uses load ÷ capacity_qps "
         "of the shared quota. " + _LOADS,
    why="Requests beyond a quota are throttled, whatever the service's own availability.",
    example='Users("users", qps="20000") >> APIGateway("api") >> Lambda("fn")\n'
            '# or two functions at 3,000 requests/s each: 6,000 > 5,000 together',
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
        yield gid, cap, load, rows


def _part(dim, value: float, u: float, load: Load) -> str:
    text = f"{u:.0%} ({qty(value)}/{qty(dim.limit)} {dim.name}/s"
    if dim.name == "reads" and not load.mix_known:
        text += f", {qty(load.unknown)} of them of undeclared read/write mix"
    return text + ")"


def check_cap001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for gid, cap, load, rows in _utilisation(g, ctx):
        over = [(dim, value, u) for dim, value, u in rows if u > 0.7]
        if not over:
            continue
        group = g.groups[gid]
        parts = [_part(dim, value, u, load) for dim, value, u in over]
        severity = "error" if any(u > 1.0 for _, _, u in over) else "warning"
        remediation = (f"scale out, cache, or shard `{group.name}`; assumed {cap.basis}; set capacity_qps= to use a "
                       "measured per-instance figure")
        if any(dim.name == "reads" for dim, _, _ in over) and not load.mix_known:
            remediation += "; declare read_ratio= (on the entry, the edge or the store) to split reads and writes"
        out.append(group_finding(
            g, "CAP001", severity, f"`{group.name}` at {'; '.join(parts)} at peak", remediation, group))
    return out


def check_cap002(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for gid, cap, _load, rows in _utilisation(g, ctx):
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


_QUOTA_REMEDIATION = "request a quota raise (then declare it with capacity_qps=), batch, or shard"
_ACCOUNT_DEFAULTS = {"lambda": (LAMBDA_QUOTA_TEXT, "[A7]"), "apigateway": (APIGATEWAY_QUOTA_TEXT, "[Q4]")}


def check_cap003(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    shared: dict[tuple, list[tuple[str, float, Quota]]] = {}
    for gid, group in g.groups.items():
        load = ctx.loads.get(gid)
        if load is None:
            continue
        for quota in quotas(g, group):
            value = dimension_load(load, quota.dim)
            if quota.account is not None:
                if value:
                    shared.setdefault(quota.account, []).append((gid, value, quota))
                continue
            if value is None or value <= quota.limit:
                continue
            # Requests of undeclared mix are compared with the (larger) read quota: say so.
            dim = "requests" if quota.dim == "reads" and not load.mix_known else quota.dim
            out.append(group_finding(
                g, "CAP003", "warning",
                f"`{group.name}` needs {qty(value)} {dim}/s; default quota is {quota.text} {quota.ref}",
                _QUOTA_REMEDIATION, group))
            break
    for account, users in shared.items():
        finding = _account_quota(g, account, users)
        if finding is not None:
            out.append(finding)
    return out


_LISTED = 6  # functions or APIs named one by one in a shared-quota message; the rest are counted


def _account_quota(g: AnalysisGraph, account: tuple, users: list[tuple[str, float, Quota]]) -> Finding | None:
    """One CAP003 per quota that a whole account and region shares (Lambda concurrency, API Gateway requests).

    Its target is the quota itself, so its fingerprint does not change when a function is added; its nodes are
    the members of every group that uses the quota.
    """
    share = sum(value / quota.limit for _, value, quota in users)
    if share <= 1.0 + 1e-9:
        return None
    users.sort(key=lambda u: (g.nodes[u[0]].file, g.nodes[u[0]].line, u[0]))
    groups = [g.groups[gid] for gid, _, _ in users]
    service, region = users[0][2].service, account[1]
    if len(users) == 1:
        (_, value, quota), = users
        message = f"`{groups[0].name}` needs {qty(value)} requests/s; default quota is {quota.text} {quota.ref}"
    else:
        text, ref = _ACCOUNT_DEFAULTS[account[0]]
        more = len(groups) - _LISTED
        who = names(f"`{grp.name}`" for grp in groups[:_LISTED]) + (f" and {more} more" if more > 0 else "")
        if len({quota.limit for _, _, quota in users}) == 1:
            each = [f"`{grp.name}` {qty(value)}" for grp, (_, value, _) in zip(groups, users)]
            head = f"{service} {who} need {qty(sum(v for _, v, _ in users))} requests/s together"
        else:
            each = [f"`{grp.name}` {qty(value)} of {qty(quota.limit)} requests/s"
                    for grp, (_, value, quota) in zip(groups, users)]
            head = f"{service} {who} need {share:.0%} of one account quota together"
        details = names(each[:_LISTED]) + (f", ... ({more} more)" if more > 0 else "")
        message = f"{head} ({details}); default quota is {text} {ref}"
    where = f" in {region}" if region else ""
    finding = group_finding(
        g, "CAP003", "warning", message,
        f"{service} share one quota per account and region{where}: {_QUOTA_REMEDIATION}", groups[0],
        extra_nodes=[m for grp in groups[1:] for m in grp.members])
    finding.target = f"(account quota)|{service}|{region or ''}"
    return finding


CHECKS = (Check(CAP001, check_cap001), Check(CAP002, check_cap002), Check(CAP003, check_cap003))
