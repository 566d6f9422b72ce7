"""AVAIL and LAT rules: the design against its own availability and latency targets (issue 16)."""

from __future__ import annotations

from workbench.analysis import availability as av
from workbench.analysis import latency as lat
from workbench.analysis.elements import AnalysisGraph
from workbench.analysis.findings import Finding, Rule
from workbench.analysis.rules.base import Check, Context, group_finding
from workbench.analysis.targets import reliability


def _figures_doc() -> str:
    rows = [f"{what} {pct:g} % {ref}" for (pct, ref, what) in dict.fromkeys(av._CLASS_FIGURES.values())]
    return (
        "Default figures when a node has no availability=: one instance of anything you run (a VM, a container, "
        "a pod, a self-hosted database, cache or broker) 99.5 % [AV1] (for a self-hosted store that is only its "
        "VM's figure [H]); RDS Single-AZ instance 99.5 %, RDS Multi-AZ 99.95 % [AV2]; an Aurora instance 99.5 % "
        "(counted as an RDS Single-AZ instance [H]); ElastiCache Single-AZ 99.5 %, Multi-AZ 99.99 % [AV3]; S3 "
        "Standard 99.9 % [AV5]; Elastic Load Balancing 99.99 % [AV6]; SQS and SNS 99.9 % [AV11]; Cloud SQL with "
        "HA 99.95 % and Memorystore Standard 99.9 % [AV13]; Azure Storage 99.9 % and Azure Cache for Redis "
        "Standard 99.9 % [AV14]; " + "; ".join(rows) + ". Heuristics [H]: a zonal Cloud SQL, a Memorystore or "
        "Azure Redis Basic instance 99.5 %; any other managed cloud service 99.9 % (the most common regional "
        "SLA); a provider's network fabric (CDN, DNS, network, edge security without a figure above) 99.99 %; "
        "an external service 99.9 %; a whole zone " f"{av.ZONE_AVAILABILITY:g} % (no provider publishes a "
        "zone-level SLA). Clients are not counted. A figure is a monthly uptime percentage; downtime is "
        "per 30-day month (43,200 minutes)."
    )


AVAIL001 = Rule(
    code="AVAIL001",
    title="Availability below the SLO",
    severity="warning",
    what="Estimates, for each user-facing entry, the probability that it reaches every required capability (the "
         "required set of SPOF001: soft dependencies, fallbacks, cache-aside caches and async consumers are not "
         "required, so they never lower the estimate; except a load-bearing cache, one whose store cannot take "
         "the reads without it (CACHE002's error), which requests need after all) and compares it with the "
         "SLO: slo= on the entry node, "
         "else the diagram's graph_attr wb_slo, else the design sheet's slo. Warning when the estimate is below "
         "the SLO; error when the expected downtime is more than 10 times the error budget. Each component has "
         "availability= (percent) if declared, else a default by class, role and managed status (below). A "
         "figure on a managed service is that service as a whole. A replica group of n instances is up while k "
         "are (k = 1 for stateless tiers and replicated stores, the majority for quorum groups); members in a "
         "declared zone also need the zone, and when no zone is declared the members are independent and no "
         "zone term is added. The estimate is exact for series-parallel structures (groups every route needs "
         "multiply; parallel routes are solved by factoring on one group at a time, exact for any structure up "
         f"to {av.MAX_BRANCHES:,} branches, and zone states are enumerated exactly up to {av.MAX_ZONES} zones, "
         "beyond which each group's zones are counted within the group only [H]); when factoring would take "
         "more branches, the minimal cut sets up to order 3 give the rare-event approximation, and the json "
         "says method \"cut sets\". The message names the components (and zones) with the largest share of the "
         "expected downtime, in minutes per month, and what one more instance of each would buy. "
         + _figures_doc(),
    why="Step 7 of a design answer is to find the single points of failure and mitigate their impact; a design "
        "whose parts cannot add up to its own SLO misses it by construction, and the largest shares of the "
        "downtime are where a replica buys the most.",
    example='with Diagram("web", graph_attr={"wb_slo": "99.95"}):\n'
            '    Users("users") >> ALB("lb") >> [EC2("app-1"), EC2("app-2")] >> PostgreSQL("db")  # 99.49 %',
    fix="Add a replica (or a Multi-AZ variant) to the largest contributors, spread replicas over zones, make a "
        "dependency optional or cache-aside where the product allows, or declare the figures you measured with "
        "availability=\"99.97\".",
    refs=tuple(f"{k} {v}" for k, v in av.SOURCES.items()),
)

AVAIL002 = Rule(
    code="AVAIL002",
    title="Availability estimate meets the SLO",
    severity="info",
    what="The estimate of AVAIL001 for an entry whose SLO it meets: the expected downtime per month against the "
         "error budget and the largest contributors. Without an SLO there is no finding; `check --format json` "
         "still carries the estimate.",
    why="The margin left in the error budget is what deployments, incidents and dependencies you did not draw "
        "will spend.",
    example='with Diagram("web", graph_attr={"wb_slo": "99.9"}):\n'
            '    Users("users") >> ALB("lb") >> [EC2("app-1"), EC2("app-2")] >> RDS("db", multi_az="true")',
    fix="Nothing to fix; it is information.",
    refs=("see AVAIL001",),
)


def _latency_doc() -> str:
    rows = [f"{role} {ms:g} ms {ref}" for role, (ms, ref, _) in lat.ROLE_MS.items()]
    classes = [f"{what} {ms:g} ms {ref}" for (ms, ref, what) in dict.fromkeys(lat._CLASS_MS.values())]
    return (f"Defaults (p99 of the component's own work, excluding the calls it makes) by role: {'; '.join(rows)}; "
            f"any other role {lat.DEFAULT_MS[0]:g} ms [H]; by class: {'; '.join(classes)}. Network per hop: "
            f"{lat.HOP_MS:g} ms within a zone [L1]; {lat.CROSS_ZONE_MS:g} ms when the caller has a declared zone "
            f"that the callee lacks [L2][H]; {lat.CROSS_REGION_MS:g} ms when their declared regions differ "
            "[L1][H]; the hop from the clients is not counted (their own network is outside the design) [H]. "
            "Everything marked [H] is a heuristic: declare latency_ms= with your measured p99.")


LAT001 = Rule(
    code="LAT001",
    title="Slowest path above the latency target",
    severity="warning",
    what="For each user-facing entry with a p99 latency target (latency_p99_ms= on the entry node, else the "
         "diagram's graph_attr wb_latency_p99_ms, else the design sheet's latency_p99_ms), the slowest required "
         "path: over the synchronous calls from the entry to a required capability (async hops, cache-aside "
         "caches and fallbacks are not on it), the sum of each component's latency_ms= (else its default) and "
         "of the network hops. Summing p99s bounds the chain's p99 from above [H]; a service that calls several "
         "dependencies one after another takes longer than its slowest chain. " + _latency_doc(),
    why="Step 1 set a latency target; a chain of synchronous calls whose parts add up to more will miss it, and "
        "the largest terms say where a cache, a parallel call or a closer placement helps.",
    example='Users("users", latency_p99_ms="100") >> ALB("lb") >> ECS("api") >> S3("media")  # 222 ms',
    fix="Cache the slow reads, call dependencies in parallel or asynchronously, keep a chain in one zone or "
        "region, or declare the measured figures with latency_ms=\"12\".",
    refs=tuple(f"{k} {v}" for k, v in lat.SOURCES.items()),
)


def _assume(finding: Finding, text: str) -> Finding:
    """A finding resting on an inferred entry says so and is at most a warning (errors are for what is drawn)."""
    if text and hasattr(finding, "assumptions"):
        finding.assumptions.append(text)
        if finding.severity == "error":
            finding.severity = "warning"
    return finding


def _extra(g: AnalysisGraph, groups) -> list[str]:
    return [m for x in groups if not x.startswith("zone:") for m in g.groups[x].members]


def _shares(e: av.EntryAvailability, n: int = 3) -> str:
    down = 1.0 - e.estimate
    parts = [f"{' + '.join(f'`{name}`' for name in c.names)} {c.share:.0%} "
             f"({av.minutes_text(c.share * down * av.MINUTES_PER_MONTH)})" for c in e.contributors[:n]]
    return ", ".join(parts)


def check_avail(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for e in reliability(g).availability.entries:
        if e.slo is None:
            continue
        group = g.groups[e.entry]
        top = e.contributors[:3]
        shares = _shares(e)
        down, budget = e.downtime_minutes, e.budget_minutes or 0.0
        if e.estimate + 1e-12 >= e.slo / 100.0:
            message = (f"`{e.name}` is estimated {av.percent_text(e.estimate)} available, meeting its SLO "
                       f"{e.slo:g}%: {av.minutes_text(down)} of expected downtime a month against a budget of "
                       f"{av.minutes_text(budget)}" + (f"; largest shares: {shares}" if shares else ""))
            remediation = ("nothing to fix; the margin is what deployments and incidents may spend: replace the "
                           "defaults with measured figures (availability=) to keep the estimate honest")
            finding = group_finding(g, "AVAIL002", "info", message, remediation, group, entries=[e.name],
                                    extra_nodes=_extra(g, [x for c in top for x in c.groups]))
        else:
            severity = "error" if down > 10.0 * budget else "warning"
            message = (f"`{e.name}` is estimated {av.percent_text(e.estimate)} available, below its SLO "
                       f"{e.slo:g}%: {av.minutes_text(down)} of expected downtime a month against a budget of "
                       f"{av.minutes_text(budget)}; largest shares: {shares}")
            fixes = "; ".join(f"{f.text} -> {av.percent_text(f.estimate)}" for f in e.fixes)
            remediation = (f"{fixes}; or " if fixes else "") + (
                "raise the figures of the largest contributors (a replica, Multi-AZ, a managed service), make "
                "what users can do without optional, or declare measured figures with availability=")
            if e.method == "cut sets":
                remediation += " (estimate by minimal cut sets up to order 3)"
            finding = group_finding(g, "AVAIL001", severity, message, remediation, group, entries=[e.name],
                                    extra_nodes=_extra(g, [x for c in top for x in c.groups]))
        out.append(_assume(finding, e.assumption))
    return out


def check_lat001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for e in reliability(g).latency.entries:
        if e.target_ms is None or e.p99_ms <= e.target_ms:
            continue
        terms = ", ".join(f"`{t.name}` {t.ms:g} ms" + (f" {t.source}" if t.source.startswith("[") else "")
                          for t in e.largest())
        message = (f"`{e.name}`: the slowest required path takes {e.p99_ms:g} ms at p99, above the target "
                   f"{e.target_ms:g} ms: {' -> '.join(e.path)}; largest terms: {terms}")
        remediation = ("cache the slow reads, call in parallel or asynchronously, keep the chain in one zone, or "
                       "declare measured figures with latency_ms=")
        group = g.groups[e.entry]
        out.append(_assume(group_finding(g, "LAT001", "warning", message, remediation, group, entries=[e.name],
                                         path=e.path, extra_nodes=_extra(g, e.ids)), e.assumption))
    return out


def check_avail001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    return [f for f in ctx.memo("avail.findings", lambda: check_avail(g, ctx)) if f.code == "AVAIL001"]


def check_avail002(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    return [f for f in ctx.memo("avail.findings", lambda: check_avail(g, ctx)) if f.code == "AVAIL002"]


CHECKS = (Check(AVAIL001, check_avail001), Check(AVAIL002, check_avail002), Check(LAT001, check_lat001))
