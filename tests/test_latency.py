"""p99 latency of the slowest required path (issue 16): defaults, declared figures, hops, LAT001."""

from __future__ import annotations

import pytest
from archbuilder import Arch, analyse_arch

from workbench.analysis import latency as lat
from workbench.analysis.graph import build_graph


def only(b: Arch, **inputs) -> lat.EntryLatency:
    g = build_graph(b.diagram(), inputs or None)
    (e,) = lat.diagram_latency(g).entries
    return e


def chain() -> tuple[Arch, list]:
    b = Arch()
    users, lb, api, db = (b.node("Users", "users"), b.node("ALB", "lb"), b.node("ECS", "api"),
                          b.node("PostgreSQL", "db"))
    b.chain(users, lb, api, db)
    return b, [users, lb, api, db]


def test_a_chain_adds_its_components_and_hops():
    e = only(chain()[0])
    # lb 1 + hop 0.5 + api 20 + hop 0.5 + db 10; the clients' own network is not counted.
    assert e.p99_ms == pytest.approx(32.0)
    assert e.path == ["users", "lb", "api", "db"]
    assert [(t.name, t.ms) for t in e.largest(2)] == [("api", 20.0), ("db", 10.0)]


def test_declared_latency_wins():
    b, (_, _, api, _) = chain()
    api.analysis["latency_ms"] = "120"
    assert only(b).p99_ms == pytest.approx(132.0)


def test_the_slowest_required_path_is_reported():
    b, (_, _, api, _) = chain()
    b.edge(api, b.node("S3", "media"))  # 200 ms first byte [L3]
    e = only(b)
    assert e.path == ["users", "lb", "api", "media"]
    assert e.p99_ms == pytest.approx(1 + 0.5 + 20 + 0.5 + 200)


def test_async_hops_and_cache_aside_caches_are_not_on_the_path():
    b, (_, _, api, _) = chain()
    b.edge(api, b.node("Redis", "cache", latency_ms="500"))
    queue = b.node("SQS", "jobs")
    b.edge(api, queue, kind="async")
    b.edge(queue, b.node("ECS", "worker", latency_ms="5000"))
    assert only(b).p99_ms == pytest.approx(32.0)


def test_hops_across_zones_and_regions_cost_more():
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ALB", "lb")
    api = b.node("ECS", "api", zone="us-east-1a")
    db = b.node("PostgreSQL", "db", zone="us-east-1b")
    b.chain(users, lb, api, db)
    e = only(b)
    assert e.p99_ms == pytest.approx(1 + 0.5 + 20 + lat.CROSS_ZONE_MS + 10)
    assert any(t.source == "cross-zone" for t in e.terms)
    db.analysis["zone"] = "eu-west-1a"
    assert only(b).p99_ms == pytest.approx(1 + 0.5 + 20 + lat.CROSS_REGION_MS + 10)


def lat001(b: Arch, **kw):
    return [(f.severity, f.message) for f in analyse_arch(b, **kw).findings if f.code == "LAT001"]


def test_lat001_names_the_path_and_its_largest_terms():
    b, (users, _, api, _) = chain()
    b.edge(api, b.node("S3", "media"))
    users.analysis["latency_p99_ms"] = "100"
    ((severity, message),) = lat001(b)
    assert severity == "warning"
    assert message == ("`users`: the slowest required path takes 222 ms at p99, above the target 100 ms: "
                       "users -> lb -> api -> media; largest terms: `media` 200 ms [L3], `api` 20 ms [H], "
                       "`lb` 1 ms [H]")


def test_lat001_reads_the_sheet_and_is_silent_under_the_target():
    b, _ = chain()
    assert lat001(b, design_inputs={"latency_p99_ms": "30"})[0][1].startswith("`users`: the slowest required path "
                                                                              "takes 32 ms")
    assert lat001(b, design_inputs={"latency_p99_ms": "200"}) == []
    assert lat001(b) == []  # no target, no finding


def test_a_cycle_does_not_loop():
    b, (_, _, api, _) = chain()
    other = b.node("ECS", "billing")
    b.edge(api, other)
    b.edge(other, api, kind="sync")
    e = only(b)
    assert e.p99_ms >= 32.0 and len(e.path) == len(set(e.path))
