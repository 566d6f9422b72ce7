"""TOP and CYC rules: components no request reaches, routers that route nowhere, synchronous cycles (§6.6, §6.7)."""

from __future__ import annotations

import re

import networkx as nx

from workbench.analysis import roles
from workbench.analysis.elements import SOURCE_ROLES, AnalysisGraph, Arc, Group
from workbench.analysis.findings import Finding, Rule
from workbench.analysis.graph import strong_components
from workbench.analysis.rules.base import Check, Context, drives, group_finding

_ROUTERS = frozenset({"load_balancer", "api_gateway", "cdn"})

TOP001 = Rule(
    code="TOP001",
    title="Unreachable component",
    severity="warning",
    what="A request-path component of the design's own (not an external service) that is not an entry and that "
         "no entry and no queue's async domain reaches through synchronous, asynchronous or fallback edges. "
         "Isolated nodes count. Not reported: what a tooling or management node drives (a pipeline that deploys "
         "it, an agent that operates it), a store a log shipper writes into (Fluentd, Fluent Bit, Logstash), a "
         "store, external service or secrets store that nothing calls but that feeds others (a data source), a "
         "schedule (a scheduler or cron job), the head of a pipeline in a drawing with no user entry, and what "
         "those reach, nor what the people who run the system reach (an admin's console, a CMS's editors, a "
         "developer's pipeline), nor a DNS record, key, identity or network that leads only into an admin host "
         "(the operators' way in); network icons without request edges (a VPC or subnet drawn as a caption), a "
         "gateway to the internet itself (traffic from the internet comes in there; what only it leads to is "
         "reported). Monitoring edges into services (scrapes) reach nothing. Silent when the diagram has no entry "
         "and no queue at all.",
    why="Either an edge is missing from the drawing, and with it every dependency the analysis should see, or "
        "the component is dead weight.",
    example='Users("users") >> ELB("lb") >> EC2("web")\nRDS("db")   # nothing calls db',
    fix="Connect it to whatever calls it, or delete it.",
)

TOP002 = Rule(
    code="TOP002",
    title="Router with no targets",
    severity="warning",
    what="A load balancer, API gateway or CDN with no outgoing synchronous, asynchronous or fallback edge to "
         "another component.",
    why="A router with no backend serves nothing but errors; usually the backend edge is missing.",
    example='Users("users") >> ELB("lb")',
    fix="Draw its backends (`lb >> [web1, web2]`).",
)

CYC001 = Rule(
    code="CYC001",
    title="Synchronous call cycle",
    severity="warning",
    what="A cycle of synchronous calls between components (a strongly connected set of two or more groups, or "
         "a service calling itself) after responses are set aside. Cycles through a queue or a client (a push to "
         "the person who asked) are not reported, nor are optional nodes or cache-aside caches, nor an arrow "
         "from a store, cache, queue or client to itself (`redis >> Edge(label=\"cross-instance route\") >> "
         "redis` notes what happens inside it, not a call it waits on), nor a loop labelled as a retry or a "
         "redirect [issue 13]. Only calls drawn as calls "
         "count: a double-headed arrow (`a >> Edge() << b`) counts one way, as drawn, and an undirected line "
         "(`a - b`) not at all; both "
         "show a connection, not two calls. Two arrows between the same pair (`a >> b`, `b >> a`) are a request "
         "and its reply: the side nearer the entries calls (see GRAPH002) [H, issue 13: on published scripts "
         "the arrow back was a reply far more often than a call]. Draw mutual calls as two arrows and mark the "
         "one back Edge(kind=\"sync\").",
    why="Synchronous cycles amplify retries, can deadlock thread pools and turn one slow component into a "
        "cascading failure.",
    example='a >> b\nb >> c\nc >> a',
    fix='Break the cycle with asynchronous messaging or callbacks; if an arrow is a reply, mark it '
        'Edge(kind="response").',
    refs=("[S2] SRE book ch. 22, cascading failures",),
)


def check_top001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    if not g.entries and not g.domains:
        return []
    entries = {e.group for e in g.entries if not e.helper}  # a job nothing calls is still reported
    # An external service is someone else's: when nothing reaches it, TOP001 on its caller says what is missing.
    # A gateway to the internet (`InternetGateway("IGW") >> alb`) is where traffic from the internet comes in, no
    # component a request should reach; what only it leads to is still reported. A security group's rules are
    # enforced on the parts they guard, not reached.
    candidates = [gid for gid, grp in g.groups.items()
                  if gid not in entries and gid not in ctx.request_reach and grp.role in roles.REQUEST_ROLES
                  and grp.role not in SOURCE_ROLES and grp.role != "external_saas" and not _internet_door(grp)
                  and not (grp.role in ("network", "edge_security") and roles.security_group(grp.name))]
    if not candidates:
        return []
    # What a schedule starts, and in a drawing with no user entry the head of its pipeline (ENTRY001 names it), is
    # reached: by time, not by a request. Compute nothing calls beside the users' system is still reported.
    # What the people who run the system reach (an editor's CMS, an admin's console) is reached by them too.
    pipeline = not entries
    started = {e.group for e in g.entries
               if e.helper and (g.groups[e.group].role == "workflow" or (pipeline and e.inferred)
                                or g.groups[e.group].role == "client")}
    reached = ctx.reach(_other_roots(g) | started)
    return [group_finding(g, "TOP001", "warning", f"`{grp.name}` is not reachable from any entry",
                          f"connect `{grp.name}` to what calls it, or delete it", grp)
            for grp in (g.groups[gid] for gid in candidates if gid not in reached)]


_INTERNET_DOOR = re.compile(r"^(?:aws )?(?:internet gateway|igw)\b")  # not "isolated subnet (no IGW)"


def _internet_door(group: Group) -> bool:
    """A network's gateway to the internet (`InternetGateway("Internet Gateway")`, `Router("IGW")`)."""
    return group.role == "network" and (
        "InternetGateway" in group.classes or bool(_INTERNET_DOOR.match(roles.words(group.name))))


_WAYS_IN = frozenset({"dns", "secrets", "identity", "network", "edge_security"})


def _other_roots(g: AnalysisGraph) -> set[str]:
    """Groups that something other than a request starts from: what the operations plane drives, data sources."""
    roots, called, calls = set(), set(), set()
    to_ops, elsewhere = set(), set()  # groups with an arc into an admin host, or into anything else
    for a in g.arcs:
        u, v = g.group_of[a.u], g.group_of[a.v]
        if u == v:
            continue
        (to_ops if g.groups[v].role == "tooling" else elsewhere).add(u)
        if a.kind != "side":
            called.add(v)
            calls.add(u)
        elif (drives(g, a) or roles.telemetry_edge(a.label, g.groups[v].name)) and (
                g.groups[v].role in roles.REQUEST_ROLES):
            # ... and a sink only logs or metrics are drawn into (`app >> Edge(label="logs") >> Droplet("Log
            # Destination")`): the operations plane's, not a component requests should reach.
            roots.add(v)
    # Data sources: a store, an external service (`Internet("source") >> trainer`) or a secrets store
    # (`PV("Secrets") >> app`: what the app reads at start), that nothing calls.
    roots.update(gid for gid in calls - called
                 if g.groups[gid].stateful or g.groups[gid].role in ("external_saas", "secrets"))
    # A name, key or network that leads only into an admin host (`Route53("A Record") >> admin_host`,
    # `SecretsManager("SSH Key") >> admin_host`) is the operators' way in, not a component user requests should
    # reach [issue 13]. Compute that only logs (`Lambda("report") >> cloudwatch`) is still reported: nothing calls it.
    roots.update(gid for gid in to_ops - elsewhere - called if g.groups[gid].role in _WAYS_IN)
    # A VPC, subnet or route-table icon with no request edges is a caption for the drawing, not a component (side
    # edges from monitoring do not make it one: they change no finding).
    roots.update(gid for gid, grp in g.groups.items()
                 if grp.role == "network" and gid not in called and gid not in calls)
    return roots


def check_top002(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    routes = set()
    for a in g.arcs:
        if a.kind in ("sync", "async", "fallback") and g.group_of[a.u] != g.group_of[a.v]:
            routes.add(g.group_of[a.u])
    out = []
    for gid, grp in g.groups.items():
        if grp.role in _ROUTERS and gid not in routes and not all(g.nodes[m].unknown for m in grp.members):
            out.append(group_finding(g, "TOP002", "warning", f"`{grp.name}` routes traffic nowhere",
                                     f"draw the backends of `{grp.name}`", grp))
    return out


def _cycle_text(g: AnalysisGraph, members: tuple[str, ...], succ: dict[str, dict[str, None]]) -> list[str]:
    """One readable cycle through an SCC (`members` in drawing order), starting at its first-drawn group."""
    start, inside = members[0], set(members)
    # Edges in drawing order: among equally short cycles, shortest_path picks by adjacency order.
    sub = nx.DiGraph((u, v) for u in members for v in succ[u] if v in inside)
    path = nx.shortest_path(sub, start, next(p for p in members if sub.has_edge(p, start)))
    return [g.groups[x].name for x in path] + [g.groups[start].name]


def called_cycles(g: AnalysisGraph) -> tuple[list[tuple[str, ...]], dict[str, dict[str, None]]]:
    """The hard cycles that remain on the calls drawn as calls: a double-headed arrow counts one way, as
    drawn, and an undirected line (`a - b`, oriented by rank for the rest of the analysis) not at all. Both
    say that two components are connected, not that each calls the other; mutual calls are two arrows. Arrows
    into and out of clients are left out [issue 13]. Returns the cycles (members in drawing order) and the
    one-way successors they were found on."""
    if not g.hard_cycles:
        return [], {}
    position = {x: (i, j) for i, members in enumerate(g.hard_cycles) for j, x in enumerate(members)}
    lines = {e.id for e in g.diagram.edges if e.dir == "none"}
    kept: dict[str, Arc] = {}
    for a in g.arcs:
        if a.kind == "sync" and a.edge not in lines:
            kept.setdefault(a.edge, a)  # the first arc of an edge is its drawn direction
    succ: dict[str, dict[str, None]] = {x: {} for x in position}
    for a in kept.values():
        u, v = g.group_of[a.u], g.group_of[a.v]
        # A loop through a client is closed by a push or a reply to the person who asked (`user >> planner >> ...
        # >> report >> user`), not a call waiting on a call; a cycle among the services on the way still is one.
        if u != v and u in position and v in position and position[u][0] == position[v][0] and not (
                g.groups[u].role == "client" or g.groups[v].role == "client"):
            succ[u][v] = None
    found = (tuple(sorted(c, key=position.__getitem__)) for c in strong_components(succ) if len(c) > 1)
    return sorted(found, key=lambda c: position[c[0]]), succ


# A store, cache or client drawn looping to itself shows what happens inside it (a Redis pub/sub fan-out,
# "cross-instance route"): no thread waits on that call ...
_NO_SELF_CALL = roles.STATEFUL | SOURCE_ROLES | {"cache"}
# ... nor on a loop that says it retries its own job or redirects the client ("retry", "301 http->https").
_NO_WAIT = re.compile(r"\b(?:retr(?:y|ies|ied|ying)|redirect\w*|30[1278])\b")


def check_cyc001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    cycles, succ = called_cycles(g)
    for members in cycles:
        if any(g.groups[x].role == "queue" for x in members):
            continue
        cycle = _cycle_text(g, members, succ)
        first = g.groups[members[0]]
        finding = group_finding(
            g, "CYC001", "warning", f"synchronous cycle `{' → '.join(cycle)}`",
            "break the cycle with asynchronous messaging or callbacks", first,
            extra_nodes=[m for x in members for m in g.groups[x].members])
        finding.target = ";".join(sorted(g.groups[x].key for x in members))
        out.append(finding)
    seen = set()
    for a in g.arcs:
        if a.kind != "sync" or a.u != a.v:
            continue
        grp = g.group(a.u)
        if grp.id not in seen and grp.role not in _NO_SELF_CALL and not _NO_WAIT.search(
                roles.words(a.label or "")):
            seen.add(grp.id)
            label = g.label(a.u)
            out.append(group_finding(
                g, "CYC001", "warning", f"synchronous cycle `{label} → {label}`",
                f"`{label}` calls itself synchronously; break the loop with async messaging or callbacks", grp,
                edges=[a.edge]))
    return out


CHECKS = (Check(TOP001, check_top001), Check(TOP002, check_top002), Check(CYC001, check_cyc001))
