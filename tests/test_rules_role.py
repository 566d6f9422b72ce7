"""ROLE001 (unknown role) and ROLE002 (invalid role override)."""

from __future__ import annotations

from archbuilder import Arch, analyse_arch, hits


def test_unknown_custom_node_is_listed_once_with_the_hint():
    b = Arch()
    gate = b.node("Custom", "gatekeeper")
    b.chain(b.node("Users", "users"), gate)
    findings = [f for f in analyse_arch(b).findings if f.code == "ROLE001"]
    assert len(findings) == 1
    f = findings[0]
    assert f.severity == "info" and f.nodes == [gate.id]
    assert f.message == "`gatekeeper` (Custom) has no known role; treated as generic service"
    assert 'role="' in f.remediation


def test_known_and_overridden_roles_are_not_listed():
    b = Arch()
    b.node("Custom", "gatekeeper", role="api_gateway")
    b.node("Custom", "redis sessions")  # label keyword: cache
    b.node("EC2", "web")
    assert not [f for f in analyse_arch(b).findings if f.code == "ROLE001"]


def test_invalid_override_is_an_error_and_inference_still_runs():
    b = Arch()
    db = b.node("EC2", "orders", role="databse")
    a = analyse_arch(b)
    f = next(f for f in a.findings if f.code == "ROLE002")
    assert f.severity == "error" and f.nodes == [db.id]
    assert f.message == "role `databse` on `orders` is not recognised"
    assert a.graph.nodes[db.id].role == "compute"
    assert ("ROLE001", "orders") not in hits(a.findings)


def test_valid_override_wins():
    b = Arch()
    n = b.node("EC2", "orders", role="database")
    a = analyse_arch(b)
    assert a.graph.nodes[n.id].role == "database"
    assert not [f for f in a.findings if f.code.startswith("ROLE")]
