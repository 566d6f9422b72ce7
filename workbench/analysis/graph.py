"""The analysis graph of one diagram: put the parts together, then the quotient graph, soft dependencies and entries."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType

import networkx as nx

from workbench.analysis import roles
from workbench.analysis.elements import (
    SOURCE_ROLES,
    AnalysisGraph,
    Arc,
    DesignInputs,
    Entry,
    Group,
    NodeInfo,
)
from workbench.analysis.groups import replica_groups
from workbench.analysis.orient import node_infos, numbered_parts, orient_and_type, reached
from workbench.analysis.redundancy import (
    FABRIC_ROLES,
    flag,
    label_stem,
    number,
    read_fraction,
    slo_percent,
)
from workbench.design.model import Diagram

# Stateful roles that cannot stand behind a cache as the store of record (§4 cache-aside test) [H].
_NOT_BACKING = frozenset({"cache", "queue", "coordination"})


def build_graph(diagram: Diagram, design_inputs: Mapping[str, object] | None = None) -> AnalysisGraph:
    """Build the analysis graph of `diagram` (spec §1-§5).

    Parameters
    ----------
    diagram : Diagram
        The captured model diagram.
    design_inputs : mapping, optional
        Design-level `qps`, `read_ratio` and `slo` from the capacity sheet; the diagram's `wb_*` keys win.

    Returns
    -------
    AnalysisGraph
    """
    from workbench.analysis.criticality import (
        analyse_root,  # late: criticality imports this module's dataclasses
    )

    inputs = resolve_inputs(diagram, design_inputs or {})
    # One canonical order (source line, then id) for everything built below: groups, entries and witness paths
    # follow the order they are met in, and the findings must not depend on the order the drawing used.
    diagram = replace(diagram, nodes=sorted(diagram.nodes, key=lambda n: (n.line, n.id)),
                      edges=sorted(diagram.edges, key=lambda e: (e.line, e.id)))
    nodes = node_infos(diagram)
    arcs = orient_and_type(diagram, nodes)
    group_of, groups = replica_groups(nodes, arcs)
    Q = quotient(groups, group_of, arcs)
    groups = mark_soft(groups, Q, nodes)
    hard_succ, hard_pred = hard_adjacency(Q, groups)
    entries = tied_entries(find_entries(groups, Q, nodes, fed_groups(group_of, arcs),
                                        drawn_parts(group_of, arcs, nodes), provisioned(groups, group_of, arcs)),
                           groups, group_of, arcs)
    delivery = delivery_map(groups, group_of, arcs)
    components = strong_components(hard_succ)
    sinks = frozenset(h for h in sink_groups(components, hard_succ, groups) if not _network_dead_end(h, groups, Q)) | (
        route_features(groups, group_of, arcs))
    # Only what the gateway rule adds rests on its guess: a leaf behind the gateway is required anyway.
    guessed = {h: why for h, why in gateway_routes(groups, group_of, arcs).items() if h not in sinks}
    on_guess = frozenset(guessed)
    sinks |= on_guess
    reaches = {e.group: analyse_root(e.group, "entry", e.virtual, groups, hard_succ, hard_pred, {}, sinks, on_guess)
               for e in entries}
    domains = {q: analyse_root(q, "async", False, groups, hard_succ, hard_pred, delivery, sinks, on_guess)
               for q in delivery}
    equal = tuple(dict.fromkeys(a.edge for a in arcs if a.undirected_tie and a.kind not in ("replication", "side")))
    return AnalysisGraph(
        diagram=diagram, inputs=inputs, nodes=MappingProxyType(nodes), arcs=tuple(arcs),
        groups=MappingProxyType(groups), group_of=MappingProxyType(group_of), Q=Q,
        hard_succ=MappingProxyType(hard_succ), hard_pred=MappingProxyType(hard_pred),
        hard_cycles=cycle_components(components, groups), delivery=MappingProxyType(delivery),
        entries=tuple(entries), reaches=MappingProxyType(reaches), domains=MappingProxyType(domains),
        equal_rank_edges=equal, guessed_routes=MappingProxyType(guessed),
    )


def resolve_inputs(diagram: Diagram, design: Mapping[str, object]) -> DesignInputs:
    """Diagram `wb_qps`/`wb_read_ratio`/`wb_slo` first, then the design sheet's `qps`/`read_ratio`/`slo`."""

    def pick(key: str) -> str | None:
        value = diagram.analysis.get(f"wb_{key}")
        if value is None and design.get(key) is not None:
            value = str(design[key])
        return value

    return DesignInputs(qps=number(pick("qps")), read_ratio=read_fraction(pick("read_ratio")),
                        slo=slo_percent(pick("slo")), latency_p99_ms=number(pick("latency_p99_ms")))


# -- quotient graph, soft dependencies, entries ----------------------------------------------------------------------


def quotient(groups: Mapping[str, Group], group_of: Mapping[str, str], arcs: list[Arc]) -> nx.DiGraph:
    """Q: an edge g→h for every sync arc u→v with u∈g, v∈h, g≠h; `fraction` is the largest member fraction."""
    fractions: dict[tuple[str, str], float] = {}  # in order of first arc, as Q's adjacency then is
    for a in arcs:
        if a.kind != "sync":
            continue
        g, h = group_of[a.u], group_of[a.v]
        if g == h:
            continue
        found = fractions.get((g, h))
        fractions[(g, h)] = a.fraction if found is None else max(found, a.fraction)
    Q = nx.DiGraph()
    Q.add_nodes_from(groups)
    # One bulk insertion: networkx's per-edge look-ups and views cost more than the edges themselves.
    Q.add_edges_from((g, h, {"fraction": f}) for (g, h), f in fractions.items())
    return Q


def mark_soft(groups: dict[str, Group], Q: nx.DiGraph, nodes: Mapping[str, NodeInfo]) -> dict[str, Group]:
    """Flag soft groups (§4): `optional="true"` and cache-aside caches; a cache with no store behind it is hard.

    A cache c is cache-aside when every sync predecessor of c also reaches a non-cache stateful group in Q − c.
    Queues and coordination services do not count as that store [H]: they cannot answer the reads a cache
    holds, so a Redis next to a Kafka producer is still the only copy of its data.
    """
    store = {g for g, grp in groups.items() if grp.stateful and grp.role not in _NOT_BACKING}
    # Groups that reach a store without passing through any cache: the fast path of the cache-aside test.
    direct = _reverse_closure(Q, store, blocked={g for g, grp in groups.items() if grp.role == "cache"})
    out: dict[str, Group] = {}
    for gid, grp in groups.items():
        if any(flag(nodes[m].analysis.get("optional")) for m in grp.members):
            out[gid] = replace(grp, soft=True, soft_reason="optional")
        elif _orchestrated_task(gid, grp, groups, Q):
            out[gid] = replace(grp, soft=True, soft_reason="orchestrated task")
        elif grp.role == "cache" and not grp.stateful:
            aside = all(p in direct or _reaches_without(Q, p, store, gid) for p in Q.predecessors(gid))
            out[gid] = replace(grp, soft=aside, soft_reason="cache-aside" if aside else None, hard_cache=not aside)
        else:
            out[gid] = grp
    return out


_TASK_LABEL = re.compile(r"\b(?:tasks?|jobs?|steps?|dags?|operators?)\b")


def _orchestrated_task(gid: str, grp: Group, groups: Mapping[str, Group], Q: nx.DiGraph) -> bool:
    """A stateless task that only a workflow orchestrator runs (`airflow >> [Python("Task"), Bash("Task")]`): the
    orchestrator retries it, so its failure delays the batch and takes no caller down; not required [H, issue 13]."""
    if grp.stateful or grp.role not in ("compute", "service") or Q.out_degree(gid):
        return False
    preds = list(Q.predecessors(gid))
    return (bool(preds) and all(groups[p].role == "workflow" for p in preds)
            and bool(_TASK_LABEL.search(roles.words(" ".join(grp.labels)))))


def _reverse_closure(Q: nx.DiGraph, targets: set[str], blocked: set[str]) -> set[str]:
    seen = set(targets)
    stack = list(targets)
    while stack:
        v = stack.pop()
        for p in Q.predecessors(v):
            if p not in seen and p not in blocked:
                seen.add(p)
                stack.append(p)
    return seen


def _reaches_without(Q: nx.DiGraph, start: str, targets: set[str], removed: str) -> bool:
    seen = {start, removed}
    stack = [start]
    while stack:
        v = stack.pop()
        for s in Q.successors(v):
            if s in targets:
                return True
            if s not in seen:
                seen.add(s)
                stack.append(s)
    return False


def hard_adjacency(Q: nx.DiGraph, groups: Mapping[str, Group]) -> tuple[dict, dict]:
    """Successor and predecessor tuples of Q restricted to hard (non-soft) groups."""
    soft = {g for g, grp in groups.items() if grp.soft}
    succ = {g: tuple(h for h in Q.successors(g) if h not in soft) for g in Q if g not in soft}
    pred = {g: tuple(h for h in Q.predecessors(g) if h not in soft) for g in Q if g not in soft}
    return succ, pred


def provisioned(groups: Mapping[str, Group], group_of: Mapping[str, str], arcs: list[Arc]) -> frozenset[str]:
    """Groups a tooling group (Terraform, Ansible, CI) points at: what it provisions or deploys."""
    return frozenset(group_of[a.v] for a in arcs if a.kind == "side" and groups[group_of[a.u]].role == "tooling"
                     and group_of[a.u] != group_of[a.v])


def tied_entries(entries: list[Entry], groups: Mapping[str, Group], group_of: Mapping[str, str],
                 arcs: list[Arc]) -> list[Entry]:
    """R7: a lone server read as the web tier with no client drawn is the plain entry when its arrows say so; when
    it leads on only through an undirected link whose direction was chosen (`EC2("web-1") - Lambda("fn")`), which
    end users come in by is a guess, so its findings say so (a balancer or gateway stays the plain meaning)."""
    tied = {group_of[a.u] for a in arcs if a.undirected_tie}
    if not tied:
        return entries
    leads = {group_of[a.u] for a in arcs if not a.undirected_tie and group_of[a.u] != group_of[a.v]}
    return [replace(e, assumption=f"entry inferred: `{groups[e.group].name}` (no client drawn; which end of an "
                                  "undirected link users come in by is a guess)")
            if e.inferred and not e.helper and not e.assumption and e.group in tied and e.group not in leads
            and groups[e.group].role not in _FACING_ROLES else e for e in entries]


def fed_groups(group_of: Mapping[str, str], arcs: list[Arc]) -> frozenset[str]:
    """Groups that receive async delivery or fallback arcs from another group: consumers, never entries."""
    return frozenset(group_of[a.v] for a in arcs
                     if a.kind in ("async", "fallback") and group_of[a.u] != group_of[a.v])


def find_entries(groups: Mapping[str, Group], Q: nx.DiGraph, nodes: Mapping[str, NodeInfo],
                 fed: frozenset[str] = frozenset(), drawn: Mapping[str, int] | None = None,
                 tooled: frozenset[str] = frozenset()) -> list[Entry]:
    """The entries in an order that does not depend on the order of the drawing: user doors before helpers, then
    by source line (the order the design file wrote them), then name.

    Findings name their entries and take their witness path from the first one, so this order is what keeps
    the output the same when the nodes are drawn in another order.
    """
    def key(e: Entry):
        grp = groups[e.group]
        return e.helper, min(nodes[m].line for m in grp.members), grp.name, e.group

    return sorted(_find_entries(groups, Q, nodes, fed, drawn, tooled), key=key)


def _find_entries(groups: Mapping[str, Group], Q: nx.DiGraph, nodes: Mapping[str, NodeInfo],
                  fed: frozenset[str] = frozenset(), drawn: Mapping[str, int] | None = None,
                  tooled: frozenset[str] = frozenset()) -> list[Entry]:
    """Entries (§4): client/internet groups and `entry="true"`; else inferred fronts with a virtual client.

    Inferred entries have no incoming sync edge in Q, as the spec says, and also no incoming async delivery or
    fallback edge: a queue's consumer is analysed in the queue's async domain, not as a front door.
    """
    found: list[Entry] = []
    for gid, grp in groups.items():
        declared = [flag(nodes[m].analysis.get("entry")) for m in grp.members]
        if False in declared:
            continue
        if True in declared:
            found.append(Entry(gid, inferred=False, virtual=grp.role not in SOURCE_ROLES))
        elif grp.role in SOURCE_ROLES and all(is_device(nodes[m]) or is_feed(nodes[m]) for m in grp.members) and (
                all(is_device(nodes[m]) for m in grp.members) or _read_by_a_scraper(gid, groups, Q)):
            # A camera or sensor sends readings, not user requests: what it feeds still needs its stores
            # replicated (REP), but the edge box next to it is not a door every request comes through (R5). So do
            # the websites or feeds a scraper reads, drawn with a people icon (`Users("Dow 30 IR Sites")`).
            what = ("a device or sensor" if all(is_device(nodes[m]) for m in grp.members)
                    else "a data source (the sites or feeds a job reads)")
            found.append(Entry(gid, inferred=False, virtual=False, helper=True, device=True,
                               assumption=f"`{grp.name}` is {what}, not a user: analysed for the stores it needs"))
        elif grp.role in SOURCE_ROLES:
            found.append(Entry(gid, inferred=False, virtual=False))
    declared = {gid for gid, grp in groups.items() if any(flag(nodes[m].analysis.get("entry")) for m in grp.members)}
    found = _people_who_run_it(found, groups, declared, Q)
    candidates = [gid for gid, grp in groups.items()
                  if Q.in_degree(gid) == 0 and Q.out_degree(gid) > 0 and not grp.effective_stateful and not grp.soft
                  and grp.role in roles.REQUEST_ROLES and grp.role not in _NEVER_SOURCES and gid not in fed]
    if found:
        # Sources the users' entries do not reach (a cron box, a sync job, an importer): analysed for the stores
        # they need (REP), never as a door every request comes through (R5). Only where a client is drawn
        # connected to them: a part of the drawing no client is linked to (clients drawn with no edge at all, a
        # "Users" icon beside the system) is read as if no client were drawn [issue 13].
        reached_by_users = reached([e.group for e in found], Q.succ)
        users = ", ".join(f"`{groups[e.group].name}`" for e in found)
        if drawn is None:
            near = candidates
        else:
            linked = {drawn[e.group] for e in found if e.group in drawn}
            near = [gid for gid in candidates if gid in drawn and drawn[gid] in linked]
        helpers = [Entry(gid, inferred=False, virtual=False, helper=True,
                         assumption=f"`{groups[gid].name}` is a helper: nothing calls it and {users} does not "
                                    "reach it; analysed for the stores it needs")
                   for gid in near if gid not in reached_by_users]
        rest = [gid for gid in candidates if gid not in near]
        found = _messaged_by_a_job(found, helpers, groups, nodes, declared, Q)
        return found + helpers + (_inferred(groups, Q, rest, clients_elsewhere=True, tooled=tooled) if rest else [])
    if not candidates:
        # No request edge at all around the one service drawn (an app with only its monitoring): it is the system.
        lone = [gid for gid, grp in groups.items() if grp.role in ("compute", "service") and not grp.soft
                and grp.drawn == 1 and not grp.effective_stateful and Q.degree(gid) == 0 and gid not in fed]
        if len(lone) == 1:
            return [Entry(lone[0], inferred=True, virtual=True, assumption=f"entry inferred: `{groups[lone[0]].name}`"
                          " is the only service drawn, with no request edge")]
        # Where every source sits in a loop, which side users come in by is anyone's guess: the loop's first-drawn
        # component is analysed for the stores it needs (REP), never as a door every request comes through.
        return [Entry(gid, inferred=True, virtual=False, helper=True,
                      assumption=f"`{groups[gid].name}` is drawn first of a loop that nothing else calls (no client "
                                 "drawn); analysed as a helper for the stores it needs")
                for gid in _cycle_heads(groups, Q, nodes, fed)]
    return _inferred(groups, Q, candidates, tooled=tooled)


# Clients and the internet are entries already; a secrets store nothing calls (`Vault >> app`, `PV("Secrets") >> app`)
# is configuration read at start, no source of requests.
_NEVER_SOURCES = SOURCE_ROLES | {"secrets"}


def _cycle_heads(groups: Mapping[str, Group], Q: nx.DiGraph, nodes: Mapping[str, NodeInfo],
                 fed: frozenset[str]) -> list[str]:
    """When every source sits in a loop (`airflow >> mlflow`, `airflow << mlflow`; `laptop - app` read both ways),
    nothing has in-degree 0 and no entry would be found, so nothing would be checked: of each loop that nothing
    outside calls, the component drawn first that could be an entry [issue 13]."""
    heads = []
    for comp in nx.strongly_connected_components(Q):
        if len(comp) < 2 or any(u not in comp for v in comp for u in Q.predecessors(v)):
            continue
        able = [gid for gid in comp if not groups[gid].effective_stateful and not groups[gid].soft
                and groups[gid].role in roles.REQUEST_ROLES and gid not in fed]
        if able:
            heads.append(min(able, key=lambda gid: (min(nodes[m].line for m in groups[gid].members), gid)))
    return sorted(heads)


def _people_who_run_it(found: list[Entry], groups: Mapping[str, Group], declared: set[str],
                       Q: nx.DiGraph) -> list[Entry]:
    """Drawn clients who build or operate the system walk its delivery or operations paths, not a request path: a
    developer always (`Users("Developer") >> local_build >> push >> deploy`), an admin or operator beside other
    clients (`User("Admin") >> nginx >> web_admin` beside `Client("Player") >> game`; alone, the admin is the
    user). They become helpers: the stores on their paths are still checked (R5) [issue 13]. An `entry="true"`
    says otherwise and wins. Engineers who are the only clients drawn and come in through a front door
    (`Users("Network Engineers") >> Nginx("ingress") >> api`) use the system: an internal tool's users."""
    def says(pattern: re.Pattern[str], e: Entry) -> bool:
        return (not e.helper and e.group not in declared
                and bool(pattern.search(roles.words(" ".join(groups[e.group].labels)))))

    # ... not a population that names its end users among the engineers ("End Users\n• Data Engineers\n• Business
    # Analysts"): those use the product.
    builders = {e.group for e in found if says(_BUILDER_LABEL, e) and not says(_END_USERS, e)} | {
        # Maintainers deploy (`Client("Maintainer") >> Bash("deploy.sh")`) or publish ("Package maintainers >>
        # upload-api", the product's path): builders only when all they reach is tooling or a delivery step.
        e.group for e in found if says(_MAINTAINER, e) and all(
            groups[h].role in roles.AUXILIARY_ROLES or _DELIVERY_STEP.search(roles.words(" ".join(groups[h].labels)))
            for h in Q.successors(e.group) if h in groups)}
    if builders and sum(not e.helper for e in found) == len(builders):
        # Engineers who are the only clients and reach a front door, or an application no delivery step names
        # (`ui >> Edge(label="browser") >> Users("OFS Engineers")`), use the system; "Local Build
        # (manage-images.sh)" and "make deploy" are their pipeline.
        builders = {gid for gid in builders
                    if not any(groups[h].role in _FACING_ROLES or (
                                   groups[h].role in _APP_ROLES
                                   and not _DELIVERY_STEP.search(roles.words(" ".join(groups[h].labels))))
                               for h in Q.successors(gid) if h in groups)}
    # ... and whoever a client icon named for a console stands for (`Client("Kafbat UI") >> kafka`): the console
    # opens a store for its operators.
    operators = {e.group for e in found if (says(_OPERATOR_LABEL, e) or (
        not e.helper and e.group not in declared and roles.console_client(groups[e.group].labels[0])))
                 and e.group not in builders}
    users = sum(not e.helper and e.group not in builders and not _relay(e.group, groups, Q) for e in found)
    if not operators or len(operators) >= users:
        operators = set()
    out = []
    for e in found:
        name = groups[e.group].name
        if e.group in builders:
            e = replace(e, helper=True, assumption=f"`{name}` builds the system, not a user: the paths from it are "
                                                   "the delivery pipeline; analysed for the stores they need")
        elif e.group in operators:
            e = replace(e, helper=True, assumption=f"`{name}` is an operator, not a user: the paths from it are for "
                                                   "running the system; analysed for the stores they need")
        out.append(e)
    return out


def _relay(gid: str, groups: Mapping[str, Group], Q: nx.DiGraph) -> bool:
    """A client icon that the design's servers send to and that passes the flow on to other parts (`gateway >>
    Client("Interactive Brokers") >> reconciliation`): an outside party the system talks to, not a second user
    beside whom a drawn operator would be staff. Not an audience ("Viewers", "Subscribers") that a CDN or a mail
    service delivers to before they come in, nor a user who is sent to and answers the same part (`server >> bob`,
    `bob >> server`)."""
    callers = {p for p in Q.predecessors(gid) if groups[p].role in _RELAY_SENDERS}
    onward = set(Q.successors(gid))
    return (bool(callers) and bool(onward) and not callers & onward
            and not roles.client_phrase(groups[gid].labels[0]) and not _AUDIENCE.search(
                roles.words(groups[gid].labels[0]))
            # A user type that is notified and answers through a front door (`notifier >> Users("Sellers") >>
            # seller_api`, `dispatch >> Client("Courier") >> alb`) is a user.
            and not any(groups[h].role in _FACING_ROLES or _FRONT_DOOR.search(roles.words(" ".join(groups[h].labels)))
                        for h in onward))


_FRONT_DOOR = re.compile(r"\b(?:apis?|gateway|portal|app|backend|bff|server)\b")


# What sends to an outside party in a flow: the design's servers, not a CDN or a mail service delivering to users.
_RELAY_SENDERS = frozenset({"compute", "service", "network", "ml", "workflow"})


# Labels naming the product's audience or their apps: a job that mails "Subscribers" mails the product's users.
_AUDIENCE = re.compile(rf"\b(?:{roles.AUDIENCE}|users?|clients?|people|patients?|students?|employees?|drivers?|"
                       r"riders?|passengers?|browsers?|apps?|mobile|web)\b")


# A client named as the drawing's author or reader ("Me (Telegram)", "You"): the person who runs it.
_THE_AUTHOR = re.compile(r"^(?:me|you|myself)\b")


def _messaged_by_a_job(found: list[Entry], helpers: list[Entry], groups: Mapping[str, Group],
                       nodes: Mapping[str, NodeInfo], declared: set[str], Q: nx.DiGraph) -> list[Entry]:
    """A drawn client that a scheduled job's flow sends to, not in answer to anything the client sent, and that
    answers the stage that asked it (`cron >> ... >> reporter >> Client("You\n(Telegram)") >> approver`, reporter
    and approver drawn in one "Notify / Approval" cluster) or is named as the author ("Me", "You"), may be the
    person who runs the job rather than a user of a product: whether its paths are user request paths is a guess,
    so findings that rest on it alone say so and stay warnings. Not when its label names an audience
    ("Subscribers", "Mobile App"), when it comes in through a front door of its own (a statement mailed to an
    account holder who signs in through the load balancer), when what it calls is drawn apart from the sender
    and it is not named as the author, nor when a user's flow reaches the sender (a driver's app a rider's
    booking notifies) [issue 13]."""
    jobs = [e.group for e in helpers if groups[e.group].role == "workflow"]  # a schedule, an orchestrator
    if not jobs:
        return found
    from_jobs = reached(jobs, Q.succ)

    def stages(gid: str) -> set[str]:  # the innermost clusters its members are drawn in
        return {nodes[m].cluster_path[-1] for m in groups[gid].members if nodes[m].cluster_path}

    out = []
    for e in found:
        name = groups[e.group].name
        senders = set() if e.helper or e.assumption or e.group in declared else (
            set(Q.predecessors(e.group)) - reached([e.group], Q.succ))
        asked = set().union(*(stages(s) for s in senders)) if senders else set()
        answers = list(Q.successors(e.group))
        text = roles.words(" ".join(groups[e.group].labels))
        if (senders and senders <= from_jobs and answers
                and all(groups[a].role not in _FACING_ROLES and (_THE_AUTHOR.match(text) or stages(a) & asked)
                        for a in answers)
                and not senders & reached([x.group for x in found if not x.helper and x.group != e.group], Q.succ)
                and not _AUDIENCE.search(text)):
            e = replace(e, assumption=f"`{name}` read as a user, though a scheduled job's flow sends to it "
                                      f"(`{groups[min(senders)].name}` → `{name}`): it may be the person who runs "
                                      "the job answering it (set entry=\"true\" if it is a user)")
        out.append(e)
    return out


def _inferred(groups: Mapping[str, Group], Q: nx.DiGraph, candidates: list[str],
              clients_elsewhere: bool = False, tooled: frozenset[str] = frozenset()) -> list[Entry]:
    """Entries among `candidates` when no client is drawn in front of them (R5).

    `clients_elsewhere`: clients are drawn, but not linked to these candidates' parts of the drawing. Then only
    user-facing sources are doors; every other source there (a provisioning tool, a legend) is a helper."""
    facing = [gid for gid in candidates if user_facing(groups[gid])]

    def helper_like(gid: str) -> bool:
        # Its label says it is a helper, or a provisioning tool points at it (`terraform >> docker >> k3d`):
        # infrastructure that runs the system, not a door [issue 13].
        text = roles.words(" ".join(groups[gid].labels))
        return gid in tooled or bool(_HELPER_LABEL.search(text) or roles.FEED_LABEL.search(text))
    if clients_elsewhere:
        return [Entry(gid, inferred=True, virtual=True, assumption=f"entry inferred: `{groups[gid].name}` (user-"
                      "facing; the clients drawn are not linked to it)")
                if gid in facing else
                Entry(gid, inferred=True, virtual=False, helper=True, assumption=f"`{groups[gid].name}` is a helper: "
                      "nothing calls it, no client drawn reaches it; analysed for the stores it needs")
                for gid in candidates]
    if not facing:
        # Nothing says where users come in: every source is a guess, and its findings say so. A data-processing
        # step or an orchestrator at the head of a pipeline (Spark, Dataflow, Airflow) is no door for users: its
        # stores are checked, nothing is "where every request enters" [issue 13: pure data pipelines].
        return [_support_helper(gid, groups) if _supports_only(gid, groups, Q) else
                Entry(gid, inferred=True, virtual=False, helper=True,
                      assumption=f"entry inferred: `{groups[gid].name}` heads a data pipeline (no client drawn, "
                                 "nothing user-facing); analysed for the stores it needs")
                if groups[gid].role in _PIPELINE_ROLES else
                Entry(gid, inferred=True, virtual=False, helper=True,
                      assumption=f"entry inferred: `{groups[gid].name}` is a helper (its label says so, or a "
                                 "provisioning tool points at it), analysed for the stores it needs")
                if helper_like(gid) else
                Entry(gid, inferred=True, virtual=True, assumption=f"entry inferred: `{groups[gid].name}` (no "
                      "client drawn, nothing user-facing; it calls others and nothing calls it)")
                for gid in candidates]
    # R5: user-facing sources are the doors; other sources (jobs, admin tools, loggers, sensors) are analysed as
    # what they are: their stores still need replicas, but they are not where every request enters. A source
    # whose label does not say it is a helper, in a part of the drawing that no user-facing source is connected
    # to, is still a guess of its own: what is drawn elsewhere does not decide it.
    sole = len(facing) == 1
    others = [gid for gid in candidates if gid not in facing and groups[gid].role != "workflow"
              and not helper_like(gid)]
    part = _parts(Q) if others else {}
    doors = {part.get(gid) for gid in facing}
    out = []
    for gid in candidates:
        name = groups[gid].name
        if gid in others and part.get(gid) not in doors and _supports_only(gid, groups, Q):
            out.append(_support_helper(gid, groups))
        elif gid in others and part.get(gid) not in doors:
            out.append(Entry(gid, inferred=True, virtual=True, assumption=f"entry inferred: `{name}` (no client "
                             "drawn, nothing user-facing in its part of the drawing; it calls others and nothing "
                             "calls it)"))
        elif gid in facing and groups[gid].role == "analytics":
            # A BI tool is where analysts come in, but whether it is self-hosted and on anyone's request path is
            # less plain than for a load balancer or a web tier: a guess either way.
            out.append(Entry(gid, inferred=True, virtual=True,
                             assumption=f"entry inferred: `{name}` (a BI front end, read as where users come in; "
                                        "no client drawn)"))
        elif gid in facing:
            out.append(Entry(gid, inferred=True, virtual=True,
                             assumption="" if sole else f"entry inferred: `{name}` (one of "
                             f"{len(facing)} user-facing sources, no client drawn)"))
        else:
            out.append(Entry(gid, inferred=True, virtual=False, helper=True,
                             assumption=f"entry inferred: `{name}` is a helper (a source that is not user-facing), "
                                        "analysed for the stores it needs"))
    return out


# Clients that are machines reporting readings: AWS IoT device icons (IotCamera, IotSensor, IotThing...) and labels
# that name a sensor, a camera or a simulator of one [H, issue 13].
_DEVICE_LABEL = re.compile(rf"\b(?:{roles.DEVICE_NOUNS}|meters?|detectors?|simulators?|edge devices?|plcs?|"
                           r"telemetry devices?|trackers?|beacons?)\b|"
                           # "Simulated IoT\nSensors (0-2)": the name's line ends in IoT ("io t" by words()), or
                           # IoT before a device word; not "IoT Mobile App", "IoT Users" or "End User (IoT)".
                           r"^(?!.*\b(?:users?|customers?|apps?|web|mobile|portals?|ui|frontend|admin|operators?|"
                           r"engineers?|clients?|dashboards?|consoles?)\b).*\bi?io ?t(?: (?:sensors?|devices?|things?|"
                           r"nodes?|gateways?|simulators?)\b|$)")


def is_device(info: NodeInfo) -> bool:
    """A client node that is a device or sensor rather than a person or a person's app."""
    if info.provider == "aws" and info.cls.startswith("Iot"):
        return True
    # The name's line says what it is: "Studio / OBS\nmic · SRT · RTMP" is a studio, not its microphone.
    return bool(_DEVICE_LABEL.search(roles.words(info.name)))


# Sources a job reads, named so on a client icon: "Dow 30 IR Sites", "News websites", "RSS feeds", "Data sources";
# not "Client / Data Source", which names the clients too.
_FEED_LABEL = re.compile(r"\b(?:sites|websites|web ?pages|feeds|rss|data sources?)$")
_PEOPLE_WORDS = re.compile(r"\b(?:clients?|users?|customers?|people|visitors?|browsers?|apps?)\b")


def is_feed(info: NodeInfo) -> bool:
    """A client node whose name says it is the websites or feeds a job reads, not people."""
    name = roles.words(roles.BRACKETED.sub(" ", info.name))
    return bool(_FEED_LABEL.search(name)) and not _PEOPLE_WORDS.search(name)


# What reads sites: a scraper, not a widget API or an event collector the sites' readers call.
_SCRAPER = re.compile(r"\b(?:scrap(?:er|ers|ing)|crawl(?:er|ers|ing)|extract(?:or|ors|ion)|fetch(?:er|ers)|"
                      r"download(?:er|ers)|spiders?|parsers?|ingest(?:or|ors|er|ers|ion))\b")


def _read_by_a_scraper(gid: str, groups: Mapping[str, Group], Q: nx.DiGraph) -> bool:
    return any(_SCRAPER.search(roles.words(" ".join(groups[w].labels))) for w in Q.successors(gid))


def drawn_parts(group_of: Mapping[str, str], arcs: list[Arc], nodes: Mapping[str, NodeInfo]) -> dict[str, int]:
    """Group → number of its connected part of the drawing, over every drawn edge of any kind except edges to
    monitoring (which fails open and changes nothing, §4) and self-loops. Groups with no such edge are absent."""
    adj: dict[str, set[str]] = {}
    for a in arcs:
        g, h = group_of[a.u], group_of[a.v]
        if g == h or "observability" in (nodes[a.u].role, nodes[a.v].role):
            continue
        adj.setdefault(g, set()).add(h)
        adj.setdefault(h, set()).add(g)
    return numbered_parts(adj)


def _parts(Q: nx.DiGraph) -> dict[str, int]:
    """Group → number of its weakly connected part of Q."""
    return numbered_parts({v: (*Q.successors(v), *Q.predecessors(v)) for v in Q})


# Roles that support the services users call but hold nothing users come for: a secret store, a network box.
_SUPPORT_ROLES = frozenset({"secrets", "network"})


_MANAGEMENT_NET = re.compile(r"\b(?:management|mgmt|oob|out of band|ipmi|bmc)\b")
_VPN_LABEL = re.compile(r"\b(?:vpn|open ?vpn|wire ?guard|ipsec|tailscale|head ?scale|zero ?tier|netbird|"
                        r"subnet router)\b")
# What a network box at the end of a path hangs off when it is part of the network map, not of an application.
_NETWORK_MAP = frozenset({"network", "edge_security", "dns", "client", "internet"})


def _network_dead_end(gid: str, groups: Mapping[str, Group], Q: nx.DiGraph) -> bool:
    """A network box with nothing behind it but monitoring or tools, that only the network map leads to (`dns >>
    Custom("VPN")`, the operators' way in; a switch leading only to a management server; a Wi-Fi access point no
    user is drawn reaching), serves nothing users come for: no capability [issue 13]. A VPN tunnel an application
    calls (to an on-premises backend) is one, and so is a box users are drawn reaching the network through."""
    grp = groups[gid]
    if grp.role != "network" or any(groups[w].role not in roles.AUXILIARY_ROLES for w in Q.successors(gid)):
        return False
    named = roles.words(" ".join(grp.labels))
    if _VPN_LABEL.search(named):
        # A VPN server behind the firewall is how remote staff reach the systems: a capability, unless only DNS or
        # the clients point at it.
        preds = list(Q.predecessors(gid))
        return bool(preds) and all(groups[p].role in ("dns", "client", "internet") for p in preds)
    # Users drawn reaching the network through it (`staff >> Switch("Access Point")`) make it their way in; a
    # management switch the staff reach (monitoring behind it) is still the operators'.
    if any(groups[p].role == "client" for p in Q.predecessors(gid)) and not _MANAGEMENT_NET.search(named):
        return False
    # Back along the network boxes that lead to it: an application anywhere on that way (`ec2 >> nat >> igw`)
    # makes it the application's way out, which findings follow as before.
    seen, stack = {gid}, [gid]
    while stack:
        for p in Q.predecessors(stack.pop()):
            if groups[p].role not in _NETWORK_MAP:
                return False
            if p not in seen and groups[p].role in FABRIC_ROLES:
                seen.add(p)
                stack.append(p)
    return Q.in_degree(gid) > 0


def _support_helper(gid: str, groups: Mapping[str, Group]) -> Entry:
    """`ec2 - vault` drawn apart: a box beside a secret store reaches nothing users come for [issue 13]."""
    return Entry(gid, inferred=True, virtual=False, helper=True,
                 assumption=f"`{groups[gid].name}` is a helper: what it reaches holds no data or service users come "
                            "for (only secrets or network); analysed for the stores it needs")


def _supports_only(gid: str, groups: Mapping[str, Group], Q: nx.DiGraph) -> bool:
    """True when everything `gid` reaches (at least one group) is a secret store or a network box."""
    seen, stack = {gid}, [gid]
    while stack:
        for w in Q.successors(stack.pop()):
            if w not in seen:
                if groups[w].role not in _SUPPORT_ROLES:
                    return False  # stops at the first group users may come for
                seen.add(w)
                stack.append(w)
    return len(seen) > 1


# Labels of compute nodes that face users (R5), and labels of helpers: shared with orient (roles.FACING_LABEL).
_FACING_LABEL = roles.FACING_LABEL
_HELPER_LABEL = roles.HELPER_LABEL
# Business-intelligence front ends: the part of a data platform that people use (Superset, Power BI, Tableau).
_BI_LABEL = re.compile(r"\b(?:superset|power ?bi|powerbi|tableau|looker|metabase|quicksight|redash|"
                       r"visuali[sz]ations?|dashboards?|reports? portal)\b")
_PIPELINE_ROLES = frozenset({"analytics", "workflow"})
_BUILDER_LABEL = roles.BUILDER_LABEL
_OPERATOR_LABEL = roles.OPERATOR_LABEL
_FACING_ROLES = frozenset({"dns", "cdn", "edge_security", "load_balancer", "api_gateway"})
_APP_ROLES = frozenset({"compute", "service", "analytics", "ml"})
_MAINTAINER = re.compile(r"\bmaintainers?\b")
_END_USERS = re.compile(r"\b(?:end users?|users|customers?|visitors?)\b")
_DELIVERY_STEP = re.compile(r"\b(?:builds?|push(?:es)?|deploy(?:s|ment)?|make|release|pipelines?|ci|cd|commits?|"
                            r"git|sh|py|scripts?|ide|laptop|workstation)\b|"
                            # a developer's own container, named as just that ("Dev Container (local)")
                            r"^(?:local )?dev ?containers?(?: local)?$")


def user_facing(group: Group) -> bool:
    """A group that user traffic enters through when no client is drawn: DNS, CDN, edge security, load
    balancers and gateways, and compute whose label names the web tier."""
    text = roles.words(" ".join(group.labels))
    if _HELPER_LABEL.search(text):
        return False
    return (group.role in _FACING_ROLES or (group.role in ("compute", "service") and (
                bool(_FACING_LABEL.search(text)) or any(c in roles.FRONTEND_CLASSES for c in group.classes)))
            or (group.role == "analytics" and bool(_BI_LABEL.search(" ".join((text, roles.words(" ".join(
                group.classes))))))))


def delivery_map(groups: Mapping[str, Group], group_of: Mapping[str, str], arcs: list[Arc]) -> dict:
    """Queue group → the groups its async delivery arcs reach (the consumers, §5.4)."""
    out: dict[str, dict[str, None]] = {}
    for a in arcs:
        if a.kind != "async":
            continue
        q, c = group_of[a.u], group_of[a.v]
        if q != c and groups[q].role == "queue" and groups[c].role in roles.REQUEST_ROLES:
            out.setdefault(q, {})[c] = None
    return {q: tuple(cs) for q, cs in out.items()}


# Routers send each request to one of their routes; stateless tiers behind them serve a feature each.
_ROUTERS = frozenset({"load_balancer", "api_gateway"})
_FEATURE_ROLES = frozenset({"compute", "service", "workflow", "ml"})
# ... and orchestrators, which run each step drawn (`step_functions >> [market_data, research]`).
_FANS_OUT = frozenset({"compute", "service", "ml", "workflow"})
# ... and clients, which open one app or another (`users >> [Python("Vote App"), NodeJS("Result App")]`), and CDNs,
# which forward each path to one origin (`cdn >> [Django("web api server"), Vue("web server")]`): only services
# named for different things are read as routes of their own there (below).
_CALLERS = _ROUTERS | _FANS_OUT | {"client", "cdn"}


def route_features(groups: Mapping[str, Group], group_of: Mapping[str, str], arcs: list[Arc]) -> frozenset[str]:
    """The services behind a router whose edges name two or more different routes
    (`lb >> Edge(label="/search") >> search`, `lb >> Edge(label="/businesses") >> business`): each is required
    for its own routes even when they share a store further on, where the dominators alone would read them as
    alternative paths to the store and flag neither [H, issue 13]. Unlabelled edges say nothing about routes:
    two services behind one balancer may also serve the same requests."""
    routes: dict[str, dict[str, set[str]]] = {}
    for a in arcs:
        if a.kind != "sync" or not a.label.strip():
            continue
        r, h = group_of[a.u], group_of[a.v]
        if r != h and groups[r].role in _ROUTERS and groups[h].role in _FEATURE_ROLES and not groups[h].soft:
            routes.setdefault(r, {}).setdefault(h, set()).add(a.label.strip().lower())
    found: set[str] = set()
    for targets in routes.values():
        if len(targets) >= 2 and len({frozenset(x) for x in targets.values()}) >= 2:
            found.update(targets)
    return frozenset(found)


def gateway_routes(groups: Mapping[str, Group], group_of: Mapping[str, str], arcs: list[Arc]) -> dict[str, str]:
    """Different services behind one API gateway (`krakend >> [Nodejs("nodejs"), Go("go")]`): a gateway routes
    each request to one service by its path, so each serves routes of its own and is required for them, even
    when they share a store further on [H, issue 13]. A guess when no edge names the routes: group → the
    assumption. Behind a load balancer only services named for different domains are (`named_services`): other
    targets of a balancer may serve the same requests (what-if reroutes through the other); so are the apps
    that clients open. Whatever the caller,
    one of its targets that calls another of them is a tier of its own (a front end calling the API)."""
    behind: dict[str, dict[str, None]] = {}
    calls: dict[str, set[str]] = {}
    for a in arcs:
        if a.kind != "sync":
            continue
        r, h = group_of[a.u], group_of[a.v]
        if r != h:
            calls.setdefault(r, set()).add(h)
        if (r != h and groups[r].role in _CALLERS and groups[h].role in _FEATURE_ROLES
                and not groups[h].soft and not groups[h].effective_stateful):
            behind.setdefault(r, {})[h] = None
    out: dict[str, str] = {}
    for r, targets in behind.items():
        if groups[r].role in _FANS_OUT:
            # A service calls each dependency it is drawn calling (`frontend >> [search, orders]`, `backend >>
            # [db, evalserver]`); only a router picks one. Each service it calls beside its other dependencies
            # serves a feature of its own, even when they share a store further on [issue 13, item 7]. The one
            # service a service calls (`orders >> pricing >> db`) is the next hop of its chain: required exactly
            # when the caller is, which the dominators already say.
            if len(calls[r]) >= 2 and len({_dependency(groups[h], groups[r].role == "workflow")
                                           for h in targets}) == len(targets):
                why = ("an orchestrator runs each step drawn" if groups[r].role == "workflow"
                       else "a service calls each dependency drawn")
                for h in targets:
                    out.setdefault(h, f"read `{groups[h].name}` as a feature `{groups[r].name}` calls ({why}; only "
                                      "a balancer or gateway picks one)")
        elif groups[r].role == "api_gateway":
            kinds = {(groups[h].classes, label_stem(groups[h].labels[0])) for h in targets}
            if len(targets) >= 2 and len(kinds) >= 2:
                for h in targets:
                    out.setdefault(h, f"read `{groups[h].name}` as serving routes of its own behind the gateway "
                                      f"`{groups[r].name}` (a gateway routes each request to one service)")
        elif len(targets) >= 2 and (named_services([groups[h].labels[0] for h in targets]) or (
                groups[r].role == "client" and _different_apps([groups[h] for h in targets]))):
            for h in targets:
                out.setdefault(h, f"read `{groups[h].name}` as an app of its own that `{groups[r].name}` open (the "
                                  "apps they reach are named for different things)" if groups[r].role == "client"
                               else f"read `{groups[h].name}` as serving routes of its own behind `{groups[r].name}`"
                                    " (the services behind it are named for different things)")
    # `ingress >> [frontend, api]` and `frontend >> api`: a copy of a service does not call another copy, so the
    # front end serves routes of its own (the pages), whatever routes requests to both (a balancer, an internet
    # gateway, the clients), and is no alternative way to the api.
    for r, hops in calls.items():
        if len(hops) < 2 or groups[r].role in roles.AUXILIARY_ROLES or groups[r].role in _FANS_OUT:
            continue  # a service's calls are read above: each different dependency is a feature
        for h in sorted(hops):
            if groups[h].role not in _FEATURE_ROLES or groups[h].soft or groups[h].effective_stateful:
                continue
            tiers = sorted((calls.get(h, set()) & hops) - {h})
            if tiers:
                tier = tiers[0]
                out.setdefault(h, f"read `{groups[h].name}` as serving routes of its own behind `{groups[r].name}`: "
                                  f"it calls `{groups[tier].name}`, which `{groups[r].name}` also sends requests to, "
                                  "so the two are no copies of one service")
    return out


def _dependency(group: Group, step: bool) -> tuple:
    """What a call names: icon and label stem. An orchestrator's steps are compared without notes in brackets and
    words of copies (`airflow >> [Server("worker (spot)"), Server("worker (on-demand)")]`, "transcoder-east" and
    "transcoder-west" are copies of one step, run one or the other)."""
    if step:
        return group.classes, " ".join(_name_words(roles.BRACKETED.sub(" ", group.labels[0])))
    return group.classes, label_stem(group.labels[0])


# "user service", "OrderService", "payment-api": a service named for its domain.
_NAMED_SERVICE = re.compile(r"^(.+?)[\s_-]*(?:service|svc|microservice|micro[\s_-]service|api|app|application|server)$",
                            re.IGNORECASE)
# Qualifiers that name a copy, a variant or an audience of one service, not a domain of its own.
_VARIANT = re.compile(r"blue|green|canary|stable|primary|secondary|public|internal|private|external|v\d+|"
                      r"east|west|north|south|new|old|legacy|main|backup|shadow|"
                      # standby and failover copies, regions and platforms: "failover server", "EU server",
                      # "Linux server", "Gunicorn server" are copies of one, not services of their own
                      r"failover|fallback|spare|cold|dr|origin|us|eu|uk|apac|asia|na|emea|latam|"
                      r"linux|windows|gunicorn|uvicorn|nginx|apache|iis")


def _different_apps(targets: list[Group]) -> bool:
    """Apps a client opens drawn with different icons and names (`user << [Python("FastAPI\n(app.py)"),
    Custom("Streamlit")]`): each is an app of its own, as a service calls each dependency drawn [issue 13]. Names
    are compared without notes in brackets and words of copies, standbys, regions or platforms: "primary server"
    and "failover server", "api" and "api fallback", "app (AWS)" and "app (GCP)" are copies on two icons; two
    servers on one icon are judged by named_services."""
    names = set()
    for g in targets:
        name = " ".join(_name_words(roles.BRACKETED.sub(" ", g.labels[0])))
        if not name:
            return False
        names.add(name)
    return len({g.classes for g in targets}) == len(targets) and len(names) == len(targets)


def named_services(labels: list[str]) -> bool:
    """True when every label names a service for a different domain ("user service", "group service", "todo
    service"): a balancer in front of them routes by path, and they are no copies of one another. Unnamed,
    numbered or regional targets ("web", "api", "app-1 service", "us-east-1 api") and variants ("blue api",
    "internal api") say nothing, and a balancer's targets stay alternatives."""
    stems = []
    # Notes in brackets say what runs it ("User Service\n(FastAPI)"), not what it serves.
    labels = [" ".join(roles.BRACKETED.sub(" ", label).split()) or label for label in labels]
    if _disjoint_names(labels):
        return True
    for label in labels:
        m = _NAMED_SERVICE.match(" ".join(label.split()))
        stem = label_stem(m.group(1)) if m else ""
        if not stem or _VARIANT.fullmatch(stem):
            return False
        # A qualifier heading the name ("canary app server", "backup web server", "EU server") names a copy of
        # what the rest of the name says: two targets the same once it is dropped are copies.
        first, _, rest = stem.partition(" ")
        stems.append(rest if _VARIANT.fullmatch(first) else stem)
    return len(set(stems)) == len(stems)


def _disjoint_names(labels: list[str]) -> bool:
    """Names that share no word once copies' words are dropped ("Engagement Tracker", "Learning Style Predictor",
    "XAI Engine"): each names a thing of its own [issue 13]. Numbered or lettered copies ("node 1", "node 2"),
    regions and standbys ("web east", "web west") share their name and are no such thing; nor are names of the
    machine or tier only ("vm", "web", "api") or one letter apart ("vm" and its typo "vmm"). A one-word name may be
    a host's pet name ("zeus", "hera" are two copies), so each name needs two words ("user service" has)."""
    seen: set[str] = set()
    names: list[str] = []
    for label in labels:
        m = _NAMED_SERVICE.match(label)
        words = set(_name_words(m.group(1) if m else label))
        if len(words) + bool(m) < 2 or words & seen or words <= _UNNAMED_WORDS:
            return False
        seen |= words
        name = " ".join(sorted(words))
        if any(_one_edit_apart(name, other) for other in names):
            return False
        names.append(name)
    return True


# Names of a machine, a tier or a service only name no domain (`lb >> [web, api]`).
_UNNAMED_WORDS = roles.MACHINE_WORDS | roles.TIER_WORDS | {"service", "services", "svc", "microservice"}


def _name_words(text: str) -> list[str]:
    """The words of a name without its index, zone or role words (label_stem) and without copies' words."""
    return [w for w in label_stem(text).split() if not _VARIANT.fullmatch(w)]


def _one_edit_apart(a: str, b: str) -> bool:
    """True when one letter added, dropped or changed turns `a` into `b`."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def sink_groups(components: list[list[str]], hard_succ: Mapping[str, tuple[str, ...]],
                groups: Mapping[str, Group] | None = None) -> frozenset[str]:
    """Groups in a sink SCC of the hard quotient graph (leaf services and terminal cycles). A service that only
    pushes to clients (`app >> [speaker, laptop]`) is a leaf too: a push ends at the audience [issue 13]."""
    sinks: set[str] = set()
    for scc in components:
        inside = set(scc)
        if all(h in inside or (groups is not None and groups[h].role == "client" and groups[g].role != "client")
               for g in scc for h in hard_succ[g]):
            sinks |= inside
    return frozenset(sinks)


def cycle_components(components: list[list[str]], groups: Mapping[str, Group]) -> tuple[tuple[str, ...], ...]:
    """The components of two or more groups, members in drawing order, ordered by their first-drawn member."""
    found = [scc for scc in components if len(scc) > 1]
    if not found:
        return ()
    position = {gid: i for i, gid in enumerate(groups)}
    return tuple(sorted((tuple(sorted(scc, key=position.__getitem__)) for scc in found),
                        key=lambda members: position[members[0]]))


def strong_components(succ: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected components of the graph whose successor lists are `succ` (every node is a key).

    Tarjan's algorithm, iterative, on the mapping itself: building a networkx graph only to search it took
    longer than the search (as for `criticality.immediate_dominators`). Components are lists, not sets: most
    have one member, and thousands of sets held at once cost more memory than the search itself.
    """
    index: dict[str, int] = {}  # visiting order
    low: dict[str, int] = {}  # lowest index reachable through the DFS subtree and one back edge
    stack: list[str] = []  # visited nodes whose component is not complete yet
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in succ:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(succ[root]))]
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(succ[w])))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
                if low[v] == index[v]:  # v is the root of a component: everything above it on the stack
                    component: list[str] = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    found.append(component)
    return found
