"""What every rule family shares: the rule context, the check type and the finding builders."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from workbench.analysis import roles
from workbench.analysis.elements import AnalysisGraph, Arc, Group, NodeInfo
from workbench.analysis.findings import Finding, Rule, cap_for_assumptions
from workbench.analysis.loads import Capacity, Load, group_capacities, peak_loads

DEFAULT_READ_THRESHOLD = 0.8  # [H] CACHE001 fires from 80 % reads (4:1)
# Auxiliary roles whose edges act on what they point at (deploy, provision, run commands), unlike monitoring.
OPERATORS = frozenset({"tooling", "management"})
# Log shippers are monitoring nodes whose edges into a store or stream are writes (a scrape only reads).
LOG_SHIPPERS = frozenset({"Fluentd", "Fluentbit", "Logstash", "LogstashPipeline", "Beats", "Vector"})


def drives(g: AnalysisGraph, a: Arc) -> bool:
    """A side arc that acts on its target: an operator deploying or running it (a tool, or a person running a deploy
    command: `User("You") >> Edge(label="kubectl apply") >> eks`), or a log shipper writing into a store or stream.
    Other side arcs (monitoring, scrapes) fail open and reach nothing."""
    source = g.nodes[a.u]
    return a.kind == "side" and (source.role in OPERATORS or (
        source.cls in LOG_SHIPPERS and g.groups[g.group_of[a.v]].stateful) or (
        source.role == "client" and roles.deploy_command(a.label)))


@dataclass
class Context:
    """Settings and lazily computed, shared derived data for one analysis run (never global)."""

    graph: AnalysisGraph
    read_threshold: float = DEFAULT_READ_THRESHOLD
    _memo: dict = field(default_factory=dict, repr=False)

    @cached_property
    def loads(self) -> Mapping[str, Load]:
        return peak_loads(self.graph)

    @cached_property
    def capacities(self) -> Mapping[str, Capacity]:
        return group_capacities(self.graph)

    def memo(self, key: str, compute: Callable[[], object]) -> object:
        """Share a derived value between the rules of this run (computed on first use)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @cached_property
    def flow_succ(self) -> Mapping[str, list[str]]:
        """Group → the groups its sync, async and fallback arcs lead to (repeats are harmless)."""
        g = self.graph
        succ: dict[str, list[str]] = defaultdict(list)
        for a in g.arcs:
            if a.kind in ("sync", "async", "fallback"):
                u, v = g.group_of[a.u], g.group_of[a.v]
                if u != v:
                    succ[u].append(v)
        return succ

    def reach(self, roots: Iterable[str]) -> frozenset[str]:
        """Groups reachable from `roots` (included) over sync, async and fallback arcs."""
        succ = self.flow_succ
        stack = list(roots)
        seen = set(stack)
        while stack:
            v = stack.pop()
            for w in succ.get(v, ()):
                if w not in seen:
                    seen.add(w)
                    stack.append(w)
        return frozenset(seen)

    @cached_property
    def request_reach(self) -> frozenset[str]:
        """Groups reachable from a user entry or an async domain root over sync, async and fallback arcs (helpers,
        the sources nothing calls, are left out: what only they reach is not on a request path, R5)."""
        return self.reach([e.group for e in self.graph.entries if not e.helper or e.device] + list(self.graph.domains))


Runner = Callable[[AnalysisGraph, Context], list[Finding]]


@dataclass(frozen=True)
class Check:
    """A rule's documentation and the pure function that applies it (None: documented here, run elsewhere)."""

    rule: Rule
    run: Runner | None


def sync_callers(g: AnalysisGraph, accept: Callable[[Arc], bool]) -> dict[str, tuple[list[str], list[str]]]:
    """Callee group -> (caller node ids, edge ids) over the synchronous arcs that `accept` keeps, in arc order."""
    out: dict[str, tuple[list[str], list[str]]] = {}
    for a in g.arcs:
        if a.kind != "sync" or not accept(a):
            continue
        callers, edges = out.setdefault(g.group_of[a.v], ([], []))
        if a.u not in callers:
            callers.append(a.u)
        edges.append(a.edge)
    return out


# -- assumptions (R7) ---------------------------------------------------------------------------------------------------


def role_assumptions(g: AnalysisGraph, node_ids: Iterable[str]) -> list[str]:
    """"role `database` from the label `x`" for each node whose role was read from a guess (R4): its label, its
    icon file, its place, the arrows around it; and "read as one self-hosted instance" where its HA was."""
    out = []
    for nid in node_ids:
        info = g.nodes[nid]
        reading = _ROLE_READINGS.get(info.role_source)
        text = reading(info) if reading else None
        if text:
            out.append(text)
        if info.ha.guessed:
            out.append(f"`{info.label}` read as one self-hosted instance: {info.ha.basis}")
    return out


def _external_place(info: NodeInfo) -> str:
    where = next((f"the cluster `{c}`" for c in info.cluster_path
                  if roles.external_cluster(c) or roles.vendor_cluster(c) or roles.data_platform_cluster(c)),
                 "a cluster for external systems")
    return f"`{info.label}` read as an external service: drawn in {where}"


# How a role was read (NodeInfo.role_source) → what the finding says it assumed; None: nothing guessed.
_ROLE_READINGS: dict[str, Callable[[NodeInfo], str | None]] = {
    "label": lambda i: f"role `{i.role}` from the label `{i.label}`",
    "icon": lambda i: f"role `{i.role}` for `{i.label}` from the name of its icon file (the label names no role)",
    "called": lambda i: f"`{i.label}` read as a service on the internet, not where users come from: the design "
                        "calls it and it sends nothing",
    "fetched": lambda i: f"`{i.label}` read as the web that the components it exchanges arrows with fetch from, "
                         "not where users come from: the users are drawn elsewhere (set role=\"internet\" if they "
                         "come through it)",
    "sessions": lambda i: f"role `{i.role}` for `{i.label}`: an edge into it says it keeps the sessions, so it "
                          "holds them rather than caching a store's rows",
    "peer": lambda i: f"`{i.label}` read as a client: nothing calls it, and it sends requests to the front door "
                      "the drawn clients use (set role=\"service\" if it is a server)",
    "edge_label": lambda i: f"role `{i.role}` for `{i.label}`: an edge into it is labelled as queueing work and "
                            "workers take it out",
    "placement": lambda i: (f"`{i.label}` read as part of the client: drawn in a client cluster and called only "
                            "from inside it or by the clients") if i.role == "client" else (
                            f"`{i.label}` read as a service: its `{i.cls}` icon is a management icon, but it is "
                            "drawn called by and calling request-path components"),
    "browser": lambda i: f"`{i.label}` read as the app in the users' browsers: a `{i.cls}` front end that only "
                         "clients call, that a CDN, bucket or static host delivers, or the one front end of a "
                         "drawing with no client (set role=\"compute\" if a server renders it)",
    "cluster": _external_place,
    "feature": lambda i: f"`{i.label}` read as a service, though its label sounds like monitoring or tooling: the "
                         "drawing puts it on a request path (an API route leads to it, it calls the application, "
                         "or users open it)",
    "unknown": lambda i: (f"`{i.label}` read as a service: nothing drawn says what it is (a `{i.cls}` icon whose "
                          "label names no role; set role= to say)") if i.role == "service" else None,
}


def orientation_index(g: AnalysisGraph, ctx: Context) -> Mapping[tuple[str, str], str]:
    """(caller group, callee group) → how the engine chose that direction, for pairs the drawing left open."""
    def compute():
        out: dict[tuple[str, str], str] = {}
        for a in g.arcs:
            if a.assumed:
                out.setdefault((g.group_of[a.u], g.group_of[a.v]), a.assumed)
        return out

    return ctx.memo("orientation.index", compute)


def path_assumptions(g: AnalysisGraph, ctx: Context, path: list[str]) -> list[str]:
    """Orientation guesses along a witness path of group ids (entry first)."""
    index = orientation_index(g, ctx)
    if not index:
        return []
    return [index[(x, y)] for x, y in zip(path, path[1:]) if (x, y) in index]


def entry_assumptions(g: AnalysisGraph, roots: Iterable[str]) -> list[str]:
    """The entry guess a finding rests on: only when every entry that needs it was inferred by guess, or is a
    client only by the picture on its icon or by sending where the drawn clients do."""
    by_group = {e.group: e for e in g.entries}
    found = [by_group[r].assumption or _guessed_client(g, r) for r in dict.fromkeys(roots) if r in by_group]
    if found and all(found):
        return [found[0]]
    return []


def _guessed_client(g: AnalysisGraph, gid: str) -> str:
    members = g.groups[gid].members
    if all(g.nodes[m].role_source in ("icon", "peer") for m in members):
        return role_assumptions(g, members[:1])[0]
    return ""


# Words by which a copy's label says it is one ("RDS different AZ", "orders standby", "db (DR)"); left out when
# comparing what the copy and the original are named.
# Not "backup": a "Backup Service" does backups, it is no copy of the service.
_COPY_WORDS = frozenset({"az", "azs", "zone", "region", "dr", "failover", "different", "other", "second", "standby",
                         "replica", "secondary", "passive", "copy"})
_GENERIC_NAMES = frozenset({"instance", "db", "database", "server"})


def is_copy(copy: NodeInfo, of: NodeInfo) -> bool:
    """`copy` is drawn as another instance of `of`: the same icon and name, and either in another zone than `of`
    (`RDS("RDS Instance")` in each AZ's DB subnet) or labelled as a replica, a standby or in another place
    ("RDS different AZ"). The same default label in another product's or environment's cluster is not one."""
    if copy.cls != of.cls:
        return False
    words = set(roles.words(copy.label).split())
    # What the copy is named, without copy words, zone letters and numbers: "RDS different AZ" is named "rds".
    named = {w for w in words - _COPY_WORDS - _GENERIC_NAMES if len(w) > 1 and not w.isdigit()}
    if not named <= set(roles.words(of.label).split()):
        return False
    elsewhere = None not in (copy.location.zone, of.location.zone) and copy.location.zone != of.location.zone
    return elsewhere or bool(words & _COPY_WORDS) or bool(copy.marks & {"reader", "standby"})


def edgeless_copies(g: AnalysisGraph, group: Group) -> list[str]:
    """Copies of the group's only member drawn elsewhere that no edge uses: its possible standby."""
    if group.drawn != 1:
        return []
    info = g.nodes[group.members[0]]
    return [n for n in g.edgeless.get(info.cls, ()) if g.group_of[n] != group.id and is_copy(g.nodes[n], info)]


def copy_assumptions(g: AnalysisGraph, group: Group) -> list[str]:
    """A finding on a single component whose twin is drawn elsewhere with no edges rests on reading that twin as
    unused: a Multi-AZ pair is often drawn as one connected instance and its copy in the other zone [issue 13]."""
    copies = edgeless_copies(g, group)
    if not copies:
        return []
    twin = g.nodes[copies[0]]
    where = twin.location.zone or (twin.cluster_path[-1] if twin.cluster_path else None)
    at = f" (in `{where}`)" if where else ""
    what = "a second time" if twin.label == g.nodes[group.members[0]].label else f"again as `{twin.label}`"
    return [f"`{group.name}` is drawn {what}{at} and no edge uses that copy; read as a copy the design does not "
            f"use, not as a standby (if it is one, draw the replication edge or set replicas=\"2\")"]


def assume(finding: Finding, assumptions: Iterable[str]) -> Finding:
    """Attach assumptions (deduplicated, in order) and cap the severity at warning when there are any."""
    for text in assumptions:
        if text and text not in finding.assumptions:
            finding.assumptions.append(text)
    return cap_for_assumptions(finding)


# -- formatting -------------------------------------------------------------------------------------------------------


def qty(value: float) -> str:
    """1818.2 → "1,818"."""
    return f"{value:,.0f}"


def names(items: Iterable[str]) -> str:
    return ", ".join(items)


def entry_names(g: AnalysisGraph, entry_groups: Iterable[str]) -> list[str]:
    return [g.groups[e].name for e in dict.fromkeys(entry_groups)]


def path_names(g: AnalysisGraph, groups: Iterable[str]) -> list[str]:
    return [g.groups[x].name for x in groups]


def node_key(g: AnalysisGraph, node_id: str) -> str:
    """Target key of a single node, in the same shape as a group key: label | class | cluster path."""
    info = g.nodes[node_id]
    return f"{info.label}|{info.cls}|{'/'.join(info.cluster_path)}"


# -- finding builders --------------------------------------------------------------------------------------------------


def group_finding(g: AnalysisGraph, code: str, severity: str, message: str, remediation: str, group: Group, *,
                  entries: Iterable[str] = (), terminal: str | None = None, path: Iterable[str] = (),
                  extra_nodes: Iterable[str] = (), edges: Iterable[str] = ()) -> Finding:
    """A finding about a replica group; its members come first in `nodes`, the first member is the subject."""
    ids = list(dict.fromkeys(list(group.members) + list(extra_nodes)))
    subject = g.nodes[group.members[0]]
    return Finding(code=code, severity=severity, message=message, remediation=remediation,
                   diagram=g.diagram.name, target=group.key, nodes=ids, labels=[g.label(i) for i in ids],
                   entries=list(entries), terminal=terminal, path=list(path), file=subject.file,
                   line=subject.line, edges=list(dict.fromkeys(edges)))


def node_finding(g: AnalysisGraph, code: str, severity: str, message: str, remediation: str, node_id: str) -> Finding:
    info = g.nodes[node_id]
    return Finding(code=code, severity=severity, message=message, remediation=remediation,
                   diagram=g.diagram.name, target=node_key(g, node_id), nodes=[node_id], labels=[info.label],
                   file=info.file, line=info.line)


def edge_finding(g: AnalysisGraph, code: str, severity: str, message: str, remediation: str, target: str,
                 node_ids: Iterable[str], edge_ids: Iterable[str]) -> Finding:
    """A finding about drawn edges; the subject is the first edge (file and line)."""
    edge_ids = list(dict.fromkeys(edge_ids))
    ids = list(dict.fromkeys(node_ids))
    edge = g.edge_index[edge_ids[0]]
    return Finding(code=code, severity=severity, message=message, remediation=remediation,
                   diagram=g.diagram.name, target=target, nodes=ids, labels=[g.label(i) for i in ids],
                   file=edge.file, line=edge.line, edges=edge_ids)


def diagram_finding(g: AnalysisGraph, code: str, severity: str, message: str, remediation: str) -> Finding:
    """A finding about the whole diagram: no nodes or edges, so a comment on the Diagram statement accepts it."""
    d = g.diagram
    return Finding(code=code, severity=severity, message=message, remediation=remediation, diagram=d.name,
                   target="(diagram)", file=d.file, line=d.line)
