"""Required capabilities per entry: terminals, dominators and failure budgets over the hard quotient graph (§5)."""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

import networkx as nx

from workbench.analysis.elements import SOURCE_ROLES, AnalysisGraph, Group, Reach
from workbench.analysis.redundancy import cloud_region, is_shard, label_stem

TERMINAL_ROLES = frozenset({"external_saas", "identity"})
# What sends each request to one region: DNS (failover, latency or geo records), a global balancer, a CDN.
_REGION_ROUTERS = frozenset({"dns", "load_balancer", "cdn", "api_gateway", "edge_security"})


def analyse_root(root: str, kind: str, virtual: bool, groups: Mapping[str, Group],
                 hard_succ: Mapping[str, tuple[str, ...]], hard_pred: Mapping[str, tuple[str, ...]],
                 delivery: Mapping[str, tuple[str, ...]], sinks: frozenset[str],
                 guessed: frozenset[str] = frozenset()) -> Reach:
    """Crit(root) of §5.1: terminals plus their strict dominators, each with its nearest witness terminal.

    Parameters
    ----------
    root : str
        An entry group, or a queue group whose async domain is analysed (then `delivery[root]` are its
        first hops).
    virtual : bool
        A virtual client stands in front of the root, so the root itself is a required component.
    guessed : frozenset
        Sinks that rest on a guess (`graph.gateway_routes`): witnesses of last resort, so a component that the
        drawing shows to be required anyway is not reported as resting on the guess.
    """
    first_hops = tuple(h for h in delivery.get(root, ()) if not groups[h].soft)

    def succ(v: str) -> Iterable[str]:
        if v == root:
            return tuple(dict.fromkeys(first_hops + hard_succ.get(v, ())))
        return hard_succ.get(v, ())

    parent, order = _bfs(root, succ)
    reach = frozenset(order)

    def pred(v: str) -> Iterable[str]:
        # Unreached predecessors included: immediate_dominators drops them anyway.
        extra = (root,) if v in first_hops else ()
        return extra + hard_pred.get(v, ())

    idom = immediate_dominators(root, succ, pred)
    terminals = tuple(v for v in order if v != root and groups[v].role not in SOURCE_ROLES
                      and (groups[v].effective_stateful or groups[v].role in TERMINAL_ROLES or v in sinks))
    if guessed:
        terminals = tuple(sorted(terminals, key=lambda v: v in guessed))  # stable: BFS order otherwise
    critical: dict[str, str] = {}
    if virtual:
        critical[root] = terminals[0] if terminals else root
    pools = served_from_either_region(terminals, groups, root, idom)
    pooled = {t for pool, _ in pools for t in pool}
    for t in terminals:
        if t in pooled:
            continue
        v: str | None = t
        while v is not None and v != root and v not in critical:
            if groups[v].role not in SOURCE_ROLES:
                critical[v] = t
            v = idom.get(v)
    for pool, shared in pools:
        for v in shared:  # only what every copy needs is required
            if v not in critical and groups[v].role not in SOURCE_ROLES:
                critical[v] = pool[0]
    if kind == "async":
        # Every consumer group a queue delivers to gets every message it subscribes to: each is required for its
        # own processing, even when several consumers write to one store (pub/sub fan-out) [issue 13].
        for h in first_hops:
            if groups[h].role not in SOURCE_ROLES:
                critical.setdefault(h, h)
    return Reach(root=root, kind=kind, virtual=virtual, reach=reach, terminals=terminals,
                 critical=MappingProxyType(critical), parent=MappingProxyType(parent))


def served_from_either_region(terminals: tuple[str, ...], groups: Mapping[str, Group], root: str,
                              idom: Mapping[str, str | None]) -> list[tuple[tuple[str, ...], list[str]]]:
    """Stateless terminals that are look-alike copies of one capability in different cloud regions, whose paths
    from `root` part at the root or at a DNS, balancer, gateway or CDN that sends each request to one region
    (`ECS("ECS cluster")` in the primary and in the DR region behind Route 53 failover): (the copies in reach
    order, the dominators every copy needs, nearest first). Each copy alone serves the capability, so a
    component only one region's path needs is not required [issue 13]. Stores we run are never pooled: two
    regional databases hold different data unless a replication edge makes them one group (RDS Multi-AZ too); a
    managed store the provider spreads itself (`Dynamodb("bunshin-runners")` in each region) is pooled, as a
    global table; shards never are copies; copies an application picks between are each its dependency, as
    usual."""
    if not any(groups[t].regions for t in terminals):
        return []
    by_kind: dict[tuple, list[str]] = {}
    for t in terminals:
        g = groups[t]
        if (len(g.regions) == 1 and cloud_region(next(iter(g.regions))) and (
                (g.managed and g.elastic) or not g.effective_stateful)
                and not is_shard(g.labels[0])):
            by_kind.setdefault((g.classes, _copy_stem(g.labels[0])), []).append(t)
    out = []
    for copies in by_kind.values():
        if len(copies) < 2 or len(set().union(*(groups[t].regions for t in copies))) != len(copies):
            continue
        chains = [_chain(t, root, idom) for t in copies]
        common = set(chains[0]).intersection(*chains[1:])
        shared = [v for v in chains[0] if v in common]
        if not shared or groups[shared[0]].role in _REGION_ROUTERS:
            out.append((tuple(copies), shared))
    return out


# Notes on how many run in each region ("ECS @ 1 task", "ECS @ 0 tasks (failover scales to 2)", "web (2 instances)"):
# the standby region of a pilot-light design runs fewer, or none until it fails over, of the same service. Only
# notes with a number: "ECS (orders)" and "ECS (payments)" are two services, "App (EU customers)" one region's.
_COUNT_NOTE = re.compile(r"\([^)]*\d[^)]*\)|@?\s*\b\d+\s*(?:tasks?|instances?|replicas?|nodes?|pods?|containers?|"
                         r"vms?)\b", re.IGNORECASE)


def _copy_stem(label: str) -> str:
    """What a regional copy is named, without the notes on how many of it run there."""
    return label_stem(_COUNT_NOTE.sub(" ", label)) or label_stem(label)


def _chain(t: str, root: str, idom: Mapping[str, str | None]) -> list[str]:
    """`t` and its strict dominators up to (not including) `root`, nearest first."""
    out: list[str] = []
    v: str | None = t
    while v is not None and v != root:
        out.append(v)
        v = idom.get(v)
    return out


def _bfs(root: str, succ: Callable[[str], Iterable[str]]) -> tuple[dict[str, str | None], list[str]]:
    parent: dict[str, str | None] = {root: None}
    order = [root]
    queue = deque([root])
    while queue:
        v = queue.popleft()
        for w in succ(v):
            if w not in parent:
                parent[w] = v
                order.append(w)
                queue.append(w)
    return parent, order


def immediate_dominators(root: str, succ: Callable[[str], Iterable[str]],
                         pred: Callable[[str], Iterable[str]]) -> dict[str, str]:
    """Immediate dominators of the nodes reachable from `root` (root excluded), Cooper-Harvey-Kennedy.

    Same algorithm as `networkx.immediate_dominators`, on integer reverse-postorder numbers and adjacency
    callables, so no subgraph view is built per entry. Near-linear in practice.
    """
    post: list[str] = []
    seen = {root}
    stack: list[tuple[str, Iterable]] = [(root, iter(succ(root)))]
    while stack:
        v, it = stack[-1]
        for w in it:
            if w not in seen:
                seen.add(w)
                stack.append((w, iter(succ(w))))
                break
        else:
            stack.pop()
            post.append(v)
    rpo = post[::-1]
    index = {v: i for i, v in enumerate(rpo)}
    preds = [[index[p] for p in pred(v) if p in index] for v in rpo]
    idom: list[int] = [-1] * len(rpo)
    idom[0] = 0
    changed = True
    while changed:
        changed = False
        for i in range(1, len(rpo)):
            new = -1
            for p in preds[i]:
                if idom[p] == -1:
                    continue
                if new == -1:
                    new = p
                    continue
                a, b = p, new
                while a != b:
                    while a > b:
                        a = idom[a]
                    while b > a:
                        b = idom[b]
                new = a
            if idom[i] != new:
                idom[i] = new
                changed = True
    return {rpo[i]: rpo[idom[i]] for i in range(1, len(rpo))}


# -- failure budget (§5.3) ---------------------------------------------------------------------------------------------


def instance_capacity(group: Group) -> float:
    """Instance failures that take a group down: r − k + 1, unbounded for managed services."""
    return math.inf if group.managed else float(group.r - group.k + 1)


def failure_budget(g: AnalysisGraph, reach: Reach, terminal: str) -> float:
    """β(e, t): the minimum number of instance failures that cuts `terminal` off from the root or takes it down.

    Node-split max-flow network: v_in→v_out with capacity r(v)−k(v)+1 (∞ for managed groups and for the root,
    unless a virtual client stands in front of it), u_out→v_in with ∞ for every hard sync edge. β = 1 exactly
    when some group in {t} ∪ Dom(t) is not tolerant, the consistency check against §5.2.
    """
    H = nx.DiGraph()
    for v in reach.reach:
        cap = instance_capacity(g.groups[v])
        if v == reach.root and not reach.virtual:
            cap = math.inf
        if g.groups[v].role in SOURCE_ROLES:
            cap = math.inf
        if math.isinf(cap):
            H.add_edge((v, "in"), (v, "out"))
        else:
            H.add_edge((v, "in"), (v, "out"), capacity=cap)
    first = set(g.delivery.get(reach.root, ())) if reach.kind == "async" else set()
    for v in reach.reach:
        for w in g.hard_succ.get(v, ()):
            if w in reach.reach:
                H.add_edge((v, "out"), (w, "in"))
        if v == reach.root:
            for w in first & reach.reach:
                H.add_edge((v, "out"), (w, "in"))
    source = (reach.root, "in") if reach.virtual else (reach.root, "out")
    try:
        return float(nx.maximum_flow_value(H, source, (terminal, "out")))
    except nx.NetworkXUnbounded:  # an all-managed route: no number of instance failures cuts it
        return math.inf


def margins(g: AnalysisGraph) -> dict[str, float]:
    """Resilience margin per entry label: min over its terminals of β(e, t) (∞ when it has none)."""
    out: dict[str, float] = {}
    for entry in g.entries:
        reach = g.reaches[entry.group]
        budgets = [failure_budget(g, reach, t) for t in reach.terminals]
        out[g.groups[entry.group].name] = min(budgets) if budgets else math.inf
    return out
