"""GRAPH001 (undirected edge oriented), GRAPH002 (response arrow ignored), ENTRY001 (entry inferred)."""

from __future__ import annotations

from archbuilder import Arch, analyse_arch, hits


def test_graph001_on_equal_ranks_only():
    b = Arch()
    users, web, api, db = b.node("Users", "users"), b.node("EC2", "web"), b.node("EC2", "api"), b.node("RDS", "db")
    b.edge(users, web)
    b.undirected(web, api)  # equal rank: read from the entry outward (issue 13, R2)
    b.undirected(api, db)  # ranks differ: oriented api → db, no finding
    x, y = b.node("EC2", "x"), b.node("EC2", "y")
    b.undirected(x, y)  # equal rank and nothing reaches either: both directions
    findings = [f for f in analyse_arch(b).findings if f.code == "GRAPH001"]
    assert [(f.message, f.edges, f.severity) for f in findings] == [
        ("`web - api` read as `web → api`: `web` is nearer the entry", ["e2"], "info"),
        ("`x - y` treated as bidirectional", ["e4"], "info")]


def test_graph001_not_for_replication_or_side_edges():
    b = Arch()
    b.undirected(b.node("PostgreSQL", "pg1"), b.node("PostgreSQL", "pg2"))
    b.undirected(b.node("Prometheus", "prom"), b.node("Grafana", "grafana"))
    assert "GRAPH001" not in {f.code for f in analyse_arch(b).findings}


def test_graph002_one_finding_per_group_pair():
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ELB", "lb")
    webs = b.nodes_of("EC2", "web1", "web2")
    db = b.node("RDS", "db", multi_az="true")
    b.chain(users, lb, webs, db)
    b.edge(db, webs, label="rows")
    findings = [f for f in analyse_arch(b).findings if f.code == "GRAPH002"]
    assert len(findings) == 1
    assert findings[0].message == "`db→{web1, web2}` read as the response to `{web1, web2}→db`"
    assert sorted(findings[0].edges) == ["e6", "e7"]


def test_graph002_silent_without_a_two_cycle_and_cycle_not_reported_for_responses():
    b = Arch()
    web, db = b.node("EC2", "web"), b.node("RDS", "db")
    b.edge(db, web)  # a lone arrow is a call, however odd
    codes = {f.code for f in analyse_arch(b).findings}
    assert "GRAPH002" not in codes

    b = Arch()
    web, db = b.node("EC2", "web"), b.node("RDS", "db")
    b.edge(web, db)
    b.edge(db, web)
    codes = {f.code for f in analyse_arch(b).findings}
    assert "GRAPH002" in codes and "CYC001" not in codes


def test_entry001_names_the_inferred_entries():
    b = Arch()
    b.chain(b.node("ELB", "lb"), b.node("EC2", "web", replicas="2"), b.node("RDS", "db", multi_az="true"))
    f = next(f for f in analyse_arch(b).findings if f.code == "ENTRY001")
    assert f.message == "no client drawn; using `lb` as entry" and f.entries == ["lb"] and f.nodes == ["lb"]


def test_entry001_silent_with_a_client_or_declared_entry():
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("ELB", "lb"))
    assert ("ENTRY001", "entries:users") not in hits(analyse_arch(b).findings)
    assert "ENTRY001" not in {f.code for f in analyse_arch(b).findings}
    b = Arch()
    b.chain(b.node("ELB", "lb", entry="true"), b.node("EC2", "web", replicas="2"))
    assert "ENTRY001" not in {f.code for f in analyse_arch(b).findings}


def test_inferred_self_hosted_ingress_is_a_spof_but_a_managed_one_is_not():
    """§4: the virtual client makes the inferred entry a component like any other."""
    for cls, expect in (("Nginx", True), ("ELB", False)):
        b = Arch()
        b.chain(b.node(cls, "ingress"), b.node("EC2", "web", replicas="2"), b.node("RDS", "db", multi_az="true"))
        findings = analyse_arch(b).findings
        assert (("SPOF001", "ingress") in hits(findings)) is expect
        if expect:
            [f] = [f for f in findings if f.code == "SPOF001"]
            assert f.message == ("`ingress` is a single point of failure: every request enters through it "
                                 "(`ingress → web → db`)")
            assert f.entries == ["ingress"] and f.path == ["ingress", "web", "db"]
