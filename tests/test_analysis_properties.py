"""Properties of the analysis on random architectures (hypothesis).

- it never crashes, and every finding is well formed;
- its output is deterministic, and does not depend on the order in which nodes and edges were drawn;
- giving a flagged component a second replica never adds a SPOF or REP finding;
- removing an edge never creates a SPOF or REP finding on an unrelated node, where "unrelated" means: in a
  different connected part of the drawing (drawn edges in either direction, plus replica-group membership,
  which the sibling heuristic can extend across parts). Within one part, removing an edge can legitimately
  create a SPOF anywhere (an alternative route disappears), so that is the strongest true locality statement.
  One stated guess is global by design: when the last request edge goes, the only service left drawn becomes the
  entry ("the only service drawn"); findings that rest on that guess are left out;
- removing a side edge (to monitoring or tooling) changes nothing at all;
- the failure budget β(e, t) is 1 exactly when a non-tolerant group is t or dominates it (§5.3 vs §5.2).
"""

from __future__ import annotations

import copy
import os

import networkx as nx
import pytest
from archbuilder import cluster, edge, node
from hypothesis import HealthCheck, Phase, assume, find, given, settings
from hypothesis import strategies as st

from workbench.analysis.criticality import failure_budget
from workbench.analysis.elements import SOURCE_ROLES
from workbench.analysis.engine import analyse
from workbench.analysis.findings import SEVERITIES
from workbench.analysis.rules import CATALOGUE
from workbench.design.model import Diagram

PALETTE = [
    ("Users", ["users", "mobile"]), ("Internet", ["internet"]),
    ("ELB", ["lb"]), ("Nginx", ["proxy", "ingress"]), ("CloudFront", ["cdn"]), ("APIGateway", ["gw"]),
    ("EC2", ["web-1", "web-2", "web", "api", "worker", "shard-1", "shard-2", "a", "b"]),
    ("ECS", ["api-1", "api-2", "svc"]), ("Lambda", ["fn"]), ("EC2AutoScaling", ["asg"]),
    ("RDS", ["db", "db replica", "db standby"]), ("PostgreSQL", ["db primary", "db replica", "orders-db"]),
    ("Aurora", ["db writer", "db reader"]), ("Redis", ["cache", "sessions", "cache-1", "cache-2"]),
    ("ElastiCache", ["cache"]), ("Kafka", ["events"]), ("SQS", ["jobs", "jobs fifo"]), ("SNS", ["topic"]),
    ("Zookeeper", ["zk"]), ("S3", ["files"]), ("Dynamodb", ["table"]), ("Prometheus", ["metrics"]),
    ("Custom", ["thing", "redis-ish"]), ("Cognito", ["auth"]), ("Run", ["run"]), ("VPC", ["vpc"]),
    ("DynamodbDax", ["dax"]), ("Stripe", ["payments"]),
]
CLUSTERS = [cluster("web", id="c-web"), cluster("us-east-1", id="c-region"),
            cluster("AZ a", id="c-aza", parent="c-region"), cluster("DB Cluster", id="c-db", wb_replicas="2")]
CHAINS = [[], [], ["c-web"], ["c-region", "c-aza"], ["c-db"], ["c-region"]]

ATTRS = st.fixed_dictionaries({}, optional={
    "replicas": st.sampled_from(["1", "2", "3", "x"]), "multi_az": st.just("true"), "optional": st.just("true"),
    "qps": st.sampled_from(["100", "5000", "30000"]), "read_ratio": st.sampled_from(["10:1", "1:4", "bad"]),
    "zone": st.sampled_from(["a", "b", "us-east-1a"]), "entry": st.sampled_from(["true", "false"]),
    "quorum": st.sampled_from(["majority", "2", "9"]), "critical": st.just("true"),
    "role": st.sampled_from(["database", "cache", "queue", "bogus"]), "group": st.just("g1"),
    "capacity_qps": st.sampled_from(["50", "100000"]), "cache_hit": st.sampled_from(["0.9", "95%"]),
    "failover": st.sampled_from(["auto", "manual"]), "managed_ha": st.sampled_from(["true", "false"]),
    "storage_class": st.just("one_zone"), "tier": st.sampled_from(["basic", "standard"]),
    "fraction": st.sampled_from(["0.5"]), "cache": st.just("true"), "caches_api": st.just("true"),
})
EDGE_LABELS = ["", "", "", "rows", "replication", "publish", "fallback", "poll", "reads from replica", "event"]


@st.composite
def designs(draw, max_components: int = 8) -> Diagram:
    """Components (some drawn as two siblings, like `lb >> [web-1, web-2]`), list-style edges between them,
    a few raw node-level edges for noise, sparse analysis attributes, and optional diagram keys."""
    nodes, groups = [], []
    for c in range(draw(st.integers(1, max_components))):
        cls, labels = draw(st.sampled_from(PALETTE))
        label = draw(st.sampled_from(labels))
        attrs = draw(st.one_of(st.just({}), st.just({}), ATTRS))
        attrs.pop("fraction", None)
        chain = draw(st.sampled_from(CHAINS))
        copies = draw(st.sampled_from([1, 1, 1, 2]))
        members = []
        for k in range(copies):
            text = label if copies == 1 else f"{label}-{k + 1}"
            members.append(node(cls, text, id=f"n{len(nodes)}", clusters=chain, line=len(nodes) + 2, **attrs))
            nodes.append(members[-1])
        groups.append(members)
    n = len(nodes)
    edges = []

    def add(a, b):
        extra = {}
        if draw(st.integers(0, 9)) == 0:
            extra["kind"] = draw(st.sampled_from(["sync", "async", "replication", "response", "fallback", "side",
                                                  "bogus"]))
        if draw(st.integers(0, 9)) == 0:
            extra["fraction"] = draw(st.sampled_from(["0.5", "2", "x"]))
        edges.append(edge(a, b, id=f"e{len(edges)}", line=100 + len(edges),
                          dir=draw(st.sampled_from(["forward", "forward", "forward", "back", "none", "both"])),
                          label=draw(st.sampled_from(EDGE_LABELS)), style=draw(st.sampled_from(["", "", "", "dashed"])),
                          **extra))

    for _ in range(draw(st.integers(0, 2 * len(groups)))):
        a, b = draw(st.sampled_from(groups)), draw(st.sampled_from(groups))
        for x in a:
            for y in b:
                add(x, y)
    for _ in range(draw(st.integers(0, 2))):
        add(nodes[draw(st.integers(0, n - 1))], nodes[draw(st.integers(0, n - 1))])
    wb = draw(st.fixed_dictionaries({}, optional={
        "wb_qps": st.sampled_from(["1000", "50000"]), "wb_slo": st.sampled_from(["99.9", "99.99", "99.999"]),
        "wb_read_ratio": st.sampled_from(["20:1", "1:1"])}))
    return Diagram(name="random", slug="random", attrs={"graph": {}, "node": {}, "edge": {}}, analysis=wb,
                   strict=False, file="design.py", line=1, nodes=nodes, edges=edges, clusters=list(CLUSTERS))


def keyed(findings, prefixes=None) -> set[tuple[str, str]]:
    return {(f.code, f.target) for f in findings if prefixes is None or f.code.startswith(prefixes)}


# WB_PROPERTY_EXAMPLES=2000 for a deeper run than the default CI budget. The test suite draws a fixed sample, so a
# red build means a change broke a property, not that a new random draw found an old counterexample;
# WB_PROPERTY_RANDOM=1 draws fresh examples to look for more (what such runs find goes on the issue tracker).
PROPS = settings(max_examples=int(os.environ.get("WB_PROPERTY_EXAMPLES", "150")), deadline=None,
                 suppress_health_check=[HealthCheck.too_slow],
                 derandomize=not os.environ.get("WB_PROPERTY_RANDOM"))


@PROPS
@given(designs())
def test_never_crashes_and_findings_are_well_formed(d):
    a = analyse(d)
    ids = {n.id: n for n in d.nodes}
    edge_ids = {e.id for e in d.edges}
    for f in a.findings:
        assert f.code in CATALOGUE, f
        assert f.severity in SEVERITIES
        assert f.message and f.remediation and f.target and f.diagram == "random"
        assert len(f.nodes) == len(f.labels) and set(f.nodes) <= set(ids)
        assert set(f.edges) <= edge_ids
        if f.nodes:
            assert f.line > 0 and f.file == "design.py"
        if f.path:
            assert f.path[-1] == f.terminal
    assert a.graph is not None
    assert len({f.fingerprint for f in a.findings}) == len(a.findings)


@PROPS
@given(designs(), st.randoms(use_true_random=False))
def test_deterministic_and_independent_of_drawing_order(d, rnd):
    first = [f.to_dict() for f in analyse(d).findings]
    assert [f.to_dict() for f in analyse(copy.deepcopy(d)).findings] == first
    shuffled = copy.deepcopy(d)
    rnd.shuffle(shuffled.nodes)
    rnd.shuffle(shuffled.edges)
    assert {(f["code"], f["target"], f["severity"]) for f in first} == {
        (f.code, f.target, f.severity) for f in analyse(shuffled).findings}


@PROPS
@given(designs(), st.integers(0, 1000))
def test_second_replica_never_adds_spof_or_rep(d, pick):
    before = analyse(d).findings
    flagged = [f for f in before if f.code.startswith(("SPOF", "REP"))]
    assume(flagged)
    subject = flagged[pick % len(flagged)].nodes[0]
    target = next(n for n in d.nodes if n.id == subject)
    current = target.analysis.get("replicas", "1")
    target.analysis["replicas"] = str(int(current) + 1) if current.isdigit() else "2"
    after = analyse(d).findings
    assert keyed(after, ("SPOF", "REP")) <= keyed(before, ("SPOF", "REP"))


def related_nodes(d: Diagram, a, e) -> set[str]:
    """Nodes in the same connected part as the edge: drawn edges either way plus replica-group links."""
    G = nx.Graph()
    G.add_nodes_from(n.id for n in d.nodes)
    G.add_edges_from((x.tail, x.head) for x in d.edges)
    by_group: dict[str, list[str]] = {}
    for nid, gid in a.graph.group_of.items():
        by_group.setdefault(gid, []).append(nid)
    for members in by_group.values():
        G.add_edges_from((members[0], m) for m in members[1:])
    return nx.node_connected_component(G, e.tail) | nx.node_connected_component(G, e.head)


@PROPS
@given(designs(), st.integers(0, 1000))
def test_removing_an_edge_creates_no_spof_or_rep_on_unrelated_nodes(d, pick):
    assume(d.edges)
    a = analyse(d)
    removed = d.edges[pick % len(d.edges)]
    related = related_nodes(d, a, removed)
    before = keyed(a.findings, ("SPOF", "REP"))
    d.edges.remove(removed)
    new = [f for f in analyse(d).findings
           if f.code.startswith(("SPOF", "REP")) and (f.code, f.target) not in before]
    # Which source is the entry when no client is drawn is read from the whole drawing, so an edge elsewhere can
    # change it; a finding that rests on that guess says so and is at most a warning (R7).
    stated_guess = ("is the only service drawn", "entry inferred")
    assert not [f for f in new if not set(f.nodes) & related
                and not (f.severity != "error" and any(g in a for a in f.assumptions for g in stated_guess))]


@PROPS
@given(designs(), st.lists(st.tuples(st.integers(0, 1000), st.sampled_from(["forward", "back", "none", "both"]),
                                     st.sampled_from(EDGE_LABELS)), min_size=1, max_size=4))
def test_side_edges_change_nothing(d, links):
    """Monitoring fails open: wiring a design to an observability node changes no finding."""
    before = {(f.code, f.target, f.severity) for f in analyse(d).findings}
    metrics = node("Prometheus", "metrics-probe", id="probe", line=99)
    d.nodes.append(metrics)
    for k, (pick, direction, label) in enumerate(links):
        other = d.nodes[pick % len(d.nodes)]
        d.edges.append(edge(other, metrics, id=f"side{k}", dir=direction, label=label, line=200 + k))
    assert {(f.code, f.target, f.severity) for f in analyse(d).findings} == before


@PROPS
@given(designs(max_components=6))
def test_failure_budget_is_one_exactly_at_a_spof(d):
    g = analyse(d).graph
    for entry in g.entries:
        reach = g.reaches[entry.group]
        H = nx.DiGraph()
        H.add_nodes_from(reach.reach)
        H.add_edges_from((u, v) for u in reach.reach for v in g.hard_succ.get(u, ()) if v in reach.reach)
        idom = nx.immediate_dominators(H, reach.root)
        idom.pop(reach.root, None)
        for t in reach.terminals:
            chain, v = [], t
            while v is not None and v != reach.root:
                chain.append(v)
                v = idom.get(v)
            if reach.virtual:
                chain.append(reach.root)
            spof = any(not g.groups[x].tolerant for x in chain if g.groups[x].role not in SOURCE_ROLES)
            assert (failure_budget(g, reach, t) == 1) is spof, (entry, t, chain)


@pytest.mark.parametrize("code", ["SPOF001", "SPOF002", "REP001", "REP002", "REP003", "CACHE002", "LB001", "GRAPH002",
                                  "CYC001", "TOP001", "CAP001"])
def test_generator_reaches_the_interesting_cases(code):
    """Guard: the properties above mean little if random designs never produce these findings."""
    # Generate only: shrinking the example found would cost far more than finding it. Derandomized: rare codes
    # (LB001) were missed in 3,000 random examples now and then, and a guard that fails by chance blocks CI.
    found = find(designs(), lambda d: any(f.code == code for f in analyse(d).findings),
                 settings=settings(max_examples=3000, deadline=None, database=None, phases=[Phase.generate],
                                   suppress_health_check=list(HealthCheck), derandomize=True))
    assert found.nodes
