"""CACHE rules: read-heavy stores without a cache, and single caches that the database relies on (spec §6.1)."""

from __future__ import annotations

from workbench.analysis.elements import AnalysisGraph
from workbench.analysis.findings import Finding, Rule
from workbench.analysis.loads import backing_stores, cache_off_reads, store_read_fraction
from workbench.analysis.redundancy import flag
from workbench.analysis.rules.base import Check, Context, group_finding, names, qty

CACHE001 = Rule(
    code="CACHE001",
    title="Missing cache on read-heavy path",
    severity="warning",
    what="A database that an entry requires, with a declared read share of at least 80 % (4:1) [H], where no "
         "caller of the database also calls a cache, no cache sits between the entry and those callers, and the "
         "database is not fronted by DAX or marked cache=\"true\". The read share is the nearest declaration: "
         "read_ratio on the store, then on the entry (client) node, then the diagram's wb_read_ratio, then the "
         "design sheet. Without a declared ratio the rule stays silent; load alone never triggers it (an "
         "overloaded store is CAP001). A CDN counts as a cache only with caches_api=\"true\".",
    why="Reads dominate, and every one of them reaches the database: latency and cost grow with traffic, and the "
        "database is the first thing to saturate.",
    example='Users("users", qps="1500", read_ratio="100:1") >> ALB("alb") >> ECS("api", replicas="3") '
            '>> RDS("db", multi_az="true")',
    fix="Add a cache-aside cache (Redis, Memcached) next to the callers, read replicas, or a CDN for static "
        'content. If a cache exists but is not drawn, set cache="true" on the database.',
    refs=("[R2] Capacity sizing across tiers",),
)

CACHE002 = Rule(
    code="CACHE002",
    title="Single cache node",
    severity="warning",
    what="A cache-aside cache (every caller also reaches a database or other store without it) that runs as "
         "one node and is not a managed HA tier (ElastiCache without multi_az=\"true\", Memorystore BASIC, "
         "Azure Cache for Redis Basic, any self-hosted Redis or Memcached). A cache-aside cache is not a SPOF: "
         "requests still succeed through the store. The rule becomes an error when the declared load shows that "
         "a backing store cannot take the full read load without the cache (its read capacity at 100 %): then "
         "the cache is load-bearing. A cache with no store behind it is not cache-aside; it is REP001.",
    why="When the cache fails, every read falls through to the store at once: latency jumps and, if the store "
        "cannot take it, the overload cascades (a failure that grows through positive feedback).",
    example='api >> Redis("cache")\napi >> PostgreSQL("db", replicas="2")',
    fix='Run cache replicas or a cluster (replicas="2", ElastiCache multi_az="true", Memorystore '
        'tier="standard"), or provision the store for the cache-off read load.',
    refs=("[A11] ElastiCache auto failover", "[S2] SRE book ch. 22, cascading failures"),
)


def _is_cache(g: AnalysisGraph, gid: str) -> bool:
    group = g.groups[gid]
    if group.role == "cache":
        return True
    return group.role == "cdn" and any(flag(g.nodes[m].analysis.get("caches_api")) for m in group.members)


def _forward(g: AnalysisGraph, starts) -> set[str]:
    seen = set(starts)
    stack = list(starts)
    while stack:
        v = stack.pop()
        for w in g.Q.successors(v):
            if w not in seen:
                seen.add(w)
                stack.append(w)
    return seen


def check_cache001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    hits: dict[str, list[tuple[str, float]]] = {}
    behind_cache: dict[str, set[str]] = {}  # per entry: groups downstream of a cache the entry reaches

    def downstream_of_caches(entry: str) -> set[str]:
        if entry not in behind_cache:
            caches = [c for c in _forward(g, [entry]) if _is_cache(g, c)]
            behind_cache[entry] = {w for c in caches for w in g.Q.successors(c)}
            behind_cache[entry] = _forward(g, behind_cache[entry])
        return behind_cache[entry]

    for entry in g.entries:
        if entry.helper:  # a job's reads are not a user's request path (R5)
            continue
        reach = g.reaches[entry.group]
        for gid in reach.critical:
            group = g.groups[gid]
            if group.role != "database":
                continue
            rho = store_read_fraction(g, gid, entry.group)
            if rho is None or rho < ctx.read_threshold:
                continue
            if any(flag(g.nodes[m].analysis.get("cache")) for m in group.members):
                continue
            callers = list(g.Q.predecessors(gid))
            if any(_is_cache(g, c) for c in callers):  # fronted by DAX or a read-through cache
                continue
            if any(_is_cache(g, s) for c in callers for s in g.Q.successors(c)):
                continue
            if any(c in downstream_of_caches(entry.group) for c in callers):
                continue
            hits.setdefault(gid, []).append((entry.group, rho))
    out = []
    for gid, found in hits.items():
        group = g.groups[gid]
        entries = [g.groups[e].name for e, _ in found]
        rho = found[0][1]
        out.append(group_finding(
            g, "CACHE001", "warning",
            f"`{group.name}` serves a {rho:.0%}-read workload from `{names(entries)}` with no cache",
            f"add a cache-aside cache (Redis/Memcached) for the callers of `{group.name}`, read replicas, or a CDN "
            'for static content; set cache="true" on the store if a cache exists but is not drawn',
            group, entries=entries, terminal=group.name))
    return out


def check_cache002(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for gid, group in g.groups.items():
        if group.soft_reason != "cache-aside" or group.tolerant or gid not in ctx.request_reach:
            continue
        stores = backing_stores(g, gid)
        if not stores:
            continue
        worst = cache_off_reads(g, gid, ctx.loads, ctx.capacities)
        severity, n = "warning", group.name
        if worst is not None:
            ratio, store, reads, limit = worst
            t = g.groups[store].name
            message = (f"cache `{n}` is a single node; on failure all {qty(reads)} reads/s hit `{t}` "
                       f"(capacity {qty(limit)})")
            if ratio > 1.0:
                severity = "error"
                message += f"; it is load-bearing ({qty(reads)} > {qty(limit)} reads/s)"
        else:
            t = g.groups[stores[0]].name
            message = f"cache `{n}` is a single node; on failure all its reads hit `{t}`"
        remediation = (f'run `{n}` with replicas or as a cluster (replicas="2", or a managed HA tier such as '
                       'ElastiCache multi_az="true"), or provision the store for the cache-off read load')
        if group.provisional:
            severity = "info"
        out.append(group_finding(g, "CACHE002", severity, message, remediation, group, terminal=t))
    return out


CHECKS = (Check(CACHE001, check_cache001), Check(CACHE002, check_cache002))
