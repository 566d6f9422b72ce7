"""GRAPH and ENTRY rules: how the drawing was read (edge orientation, responses, entries; spec §1, §4)."""

from __future__ import annotations

from workbench.analysis.elements import AnalysisGraph
from workbench.analysis.findings import Finding, Rule
from workbench.analysis.rules.base import (
    Check,
    Context,
    diagram_finding,
    edge_finding,
    names,
)

GRAPH001 = Rule(
    code="GRAPH001",
    title="Undirected edge oriented",
    severity="info",
    what="An undirected edge (the `-` operator, dir=none) between two nodes of equal RANK. Undirected edges are "
         "oriented from the lower to the higher RANK (client 0, dns 1, cdn/edge security 2, load balancer/API "
         "gateway 3, compute and services 4, cache/queue/search/identity/secrets/coordination/external SaaS 5, "
         "stores and analytics 6; a network node takes its caller's rank). With equal ranks the line is read "
         "from the entries outward: the end fewer hops from a client (or an inferred entry) calls the other, and "
         "the findings that rest on that reading say so in their assumptions [issue 13: on published scripts "
         "drawn with `-` the call ran away from the users]. Only when neither end is nearer are both directions "
         "kept.",
    why="Direction decides what depends on what. Two directions make both nodes depend on each other, which can "
        "add a synchronous cycle (CYC001) and changes which components are required.",
    example='web = EC2("web"); api = EC2("api")\nweb - api',
    fix='Draw the call with `>>` or `<<`, or say what the edge is: Edge(kind="sync"|"async"|"replication"|'
        '"response"|"fallback"|"side").',
)

GRAPH002 = Rule(
    code="GRAPH002",
    title="Response arrow ignored",
    severity="info",
    what="Two opposite edges u→v and v→u, or a double-headed arrow (`a >> Edge() << b`): one direction is the "
         "request, the other its response, left out of the dependency graph. Which is which, first match wins: "
         "a label saying response/reply/ack/callback/result/rows/200/OK marks the response; a store (database, "
         "object or file storage, search, cache, coordination) answers and a client asks; the end nearer the "
         "entries calls (an assumption the findings state); otherwise the lower RANK calls. An arrow with "
         "`fraction=` or `kind=` is a call, never a reply. A queue's edge back to a node is never a response (it "
         "is delivery). A one-way arrow from a store to a service (`db >> app`, `S3 >> CloudFront`) is read as "
         "the service reading the store, and stated as an assumption [issue 13: pipelines drawn as data flow and "
         "reply chains drawn without their requests].",
    why="Diagrams often draw the reply (\"rows\", \"200 OK\"). Read as a call, it would make the caller depend on "
        "the store and create a false synchronous cycle.",
    example='web >> db\ndb >> Edge(label="rows") >> web',
    fix='Nothing to do if this is a response. If the callee really calls back, say so with Edge(kind="sync").',
)

ENTRY001 = Rule(
    code="ENTRY001",
    title="Entry inferred",
    severity="info",
    what="The diagram has no client or internet node and no `entry=\"true\"`. The entries are inferred: groups "
         "that call something, are not stateful, and receive neither a synchronous call nor a queue delivery or "
         "fallback edge (a queue's consumers are analysed in the queue's async domain instead). User-facing "
         "candidates come first: DNS, CDN, edge security, load balancers, gateways, and compute whose label names "
         "the web tier (web, www, site, frontend, portal, ui, gateway, ingress, proxy; not admin, cron, job, batch, "
         "report, sync, export, logger, sensor, backup). When there are any, the other candidates are helpers: "
         "their stores are checked (REP, QUE) but they are never 'where every request enters'. A virtual client "
         "is put in front of each user-facing entry, so the entry itself is analysed like any other component "
         "(a single self-hosted ingress is a SPOF; a managed load balancer is not). A sole user-facing entry is "
         "the drawing's plain meaning; otherwise the findings behind a guessed entry carry \"entry inferred\" "
         "and are at most warnings. With clients drawn, sources that the clients do not reach (a cron box) are "
         "helpers in the same way [issue 13: report jobs, admin UIs and sensors each became a front door], and "
         "ENTRY001 names only the doors inferred in parts of the drawing the clients are not linked to (\"no "
         "client drawn in front of them\"). A secrets store that nothing calls (Vault, a Secret, Secrets Manager) "
         "is never a source: it is configuration read at start.",
    why="Required components are computed per entry. A guessed entry can be wrong, and then so is everything "
        "that depends on it.",
    example='ELB("lb") >> [EC2("worker1"), EC2("worker2")] >> RDS("events")',
    fix='Draw who calls the system (onprem.client.Users, onprem.network.Internet), or mark the door with '
        'entry="true". `entry="false"` excludes a client node from the analysis.',
)


def check_graph001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    arcs: dict[str, list] = {}
    for arc in g.arcs:
        if arc.undirected_tie:
            arcs.setdefault(arc.edge, []).append(arc)
    for eid in g.equal_rank_edges:
        e = g.edge_index[eid]
        a, b = g.label(e.tail), g.label(e.head)
        found = arcs.get(eid, [])
        if len(found) == 1:  # decided from the entries outward (R2); the finding that rests on it says so too
            u, v = g.label(found[0].u), g.label(found[0].v)
            message = f"`{a} - {b}` read as `{u} → {v}`: `{u}` is nearer the entry"
        else:
            message = f"`{a} - {b}` treated as bidirectional"
        out.append(edge_finding(g, "GRAPH001", "info", message,
                                f'use `>>`/`<<` or Edge(kind=…) between `{a}` and `{b}`',
                                f"{a} - {b}", [e.tail, e.head], [eid]))
    return out


def check_graph002(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    pairs: dict[tuple[str, str], list] = {}
    for a in g.arcs:
        if a.kind == "response":
            pairs.setdefault((g.group_of[a.u], g.group_of[a.v]), []).append(a)
    out = []
    direct = {(g.group_of[a.u], g.group_of[a.v]) for a in g.arcs if a.kind != "response"} if pairs else set()
    for (responder, caller), arcs in pairs.items():
        v, u = g.groups[responder].name, g.groups[caller].name
        node_ids = [x for a in arcs for x in (a.u, a.v)]
        # An arrow closing a loop (`ingress >> app >> db`, `db >> ingress`) answers a request drawn in steps.
        request = f"`{u}→{v}`" if (caller, responder) in direct else f"the requests from `{u}` that reach `{v}`"
        out.append(edge_finding(
            g, "GRAPH002", "info", f"`{v}→{u}` read as the response to {request}",
            'nothing to do for a response; use Edge(kind="sync") if it really is a call back',
            f"{g.groups[responder].key} -> {g.groups[caller].key}", node_ids, [a.edge for a in arcs]))
    return out


def check_entry001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    # Where clients are drawn, a source read as a helper is no entry (TOP001 says nothing reaches it); only the
    # doors inferred in parts of the drawing the clients are not linked to are, and "no client drawn" is untrue.
    clients = any(not e.inferred and not e.helper for e in g.entries)
    inferred = [e.group for e in g.entries if e.inferred and not (clients and e.helper)]
    if not inferred:
        return []
    labels = [g.groups[e].name for e in inferred]
    where = " in front of them" if clients else ""
    finding = diagram_finding(
        g, "ENTRY001", "info", f"no client drawn{where}; using `{names(labels)}` as entry",
        'add a client (for example `Users()`) in front, or mark the real entry with entry="true"')
    members = [m for e in inferred for m in g.groups[e].members]
    finding.nodes, finding.labels = members, [g.label(m) for m in members]
    finding.entries = labels
    finding.target = "entries:" + ",".join(sorted(labels))
    first = g.nodes[members[0]]
    finding.file, finding.line = first.file, first.line
    return [finding]


CHECKS = (Check(GRAPH001, check_graph001), Check(GRAPH002, check_graph002), Check(ENTRY001, check_entry001))
