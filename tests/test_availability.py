"""Availability per entry (issue 16): exact series-parallel figures, what is not required, zones, AVAIL rules."""

from __future__ import annotations

import math

import pytest
from archbuilder import Arch, analyse_arch

from workbench.analysis import availability as av
from workbench.analysis.graph import build_graph


def entries(b: Arch, **inputs) -> dict[str, av.EntryAvailability]:
    g = build_graph(b.diagram(), inputs or None)
    return {e.name: e for e in av.diagram_availability(g).entries}


def only(b: Arch, **inputs) -> av.EntryAvailability:
    (e,) = entries(b, **inputs).values()
    return e


def web(app_availability="99.5", **db) -> tuple[Arch, list]:
    """users -> LB 99.99% -> two app servers -> database 99.95% (the issue's example)."""
    b = Arch("web")
    users, lb = b.node("Users", "users"), b.node("ALB", "lb", availability="99.99")
    apps = b.nodes_of("EC2", "app-1", "app-2", availability=app_availability)
    db_node = b.node("RDS", "db", **({"availability": "99.95"} | db))
    b.chain(users, lb, apps, db_node)
    return b, apps


def test_the_issue_example_is_exact():
    e = only(web()[0])
    expected = 0.9999 * (1 - 0.005 ** 2) * 0.9995
    assert e.estimate == pytest.approx(expected, abs=1e-15)
    assert av.percent_text(e.estimate) == "99.9375%"
    assert e.method == "exact"
    assert [c.names for c in e.contributors] == [["db"], ["lb"], ["{app-1, app-2}"]]
    assert sum(c.share for c in e.contributors) == pytest.approx(1.0)
    assert e.contributors[0].share == pytest.approx(0.0005 / (0.0005 + 0.0001 + 0.000025), rel=1e-3)


def test_clients_are_not_counted():
    b, _ = web()
    b.nodes[0].analysis["availability"] = "50"
    assert av.percent_text(only(b).estimate) == "99.9375%"


def test_a_cache_aside_cache_does_not_lower_the_estimate():
    b, apps = web()
    b.edge(apps, b.node("Redis", "cache", availability="90"))
    assert av.percent_text(only(b).estimate) == "99.9375%"


def cached_reads(qps: str, cache_attrs: dict) -> Arch:
    """users (100:1 reads) -> api -> one RDS instance (10,000 reads/s) with a cache-aside cache beside it."""
    b = Arch("cached")
    api = b.node("ECS", "api", replicas="3", availability="99.99")
    b.chain(b.node("Users", "users", qps=qps, read_ratio="100:1"), api)
    b.edge(api, [b.node("Redis", "cache", **cache_attrs), b.node("RDS", "db", availability="99.95")])
    return b


def test_a_load_bearing_cache_is_required_and_its_replicas_count():
    # Below the store's read capacity the cache is optional; above it (CACHE002's error) requests fail with it.
    light = only(cached_reads("5000", {"availability": "90"}))
    assert av.percent_text(light.estimate) == av.percent_text(0.9995)
    single = only(cached_reads("12000", {"availability": "90"}))
    assert single.estimate == pytest.approx(0.9995 * 0.90, rel=1e-9)
    assert single.contributors[0].names == ["cache"]
    paired = only(cached_reads("12000", {"availability": "90", "replicas": "2"}))
    assert paired.estimate == pytest.approx(0.9995 * (1 - 0.1 ** 2), rel=1e-9)


def test_async_consumers_do_not_lower_the_estimate():
    b, apps = web()
    queue = b.node("SQS", "jobs", availability="99.9")
    b.edge(apps, queue, kind="async")
    worker = b.node("ECS", "worker", availability="90")
    b.edge(queue, worker)
    b.edge(worker, b.node("PostgreSQL", "reports", availability="90"))
    assert av.percent_text(only(b).estimate) == "99.9375%"


def test_a_queue_published_to_synchronously_is_required_but_its_consumers_are_not():
    b, apps = web()
    queue = b.node("SQS", "jobs")  # 99.9 % by default (SQS SLA)
    b.edge(apps, queue)
    b.edge(queue, b.node("ECS", "worker", availability="90"))
    e = only(b)
    assert e.estimate == pytest.approx(0.9999 * (1 - 0.005 ** 2) * 0.9995 * 0.999, abs=1e-15)
    assert "`jobs` 99.9 % [AV11] (SQS/SNS)" in e.defaults


def test_two_different_routes_to_the_store_are_solved_exactly():
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ALB", "lb", availability="99.99")
    webs, api = b.node("EC2", "web", availability="99"), b.node("Lambda", "api", availability="98")
    db = b.node("Aurora", "db", availability="99.9")
    b.chain(users, lb, [webs, api])
    b.edge([webs, api], db)
    e = only(b)
    assert e.method == "exact"
    assert e.estimate == pytest.approx(0.9999 * (1 - 0.01 * 0.02) * 0.999, abs=1e-15)
    assert ["web", "api"] in [c.names for c in e.contributors]  # the pair is an order-2 cut


def test_a_quorum_group_needs_a_majority():
    b = Arch()
    users, api = b.node("Users", "users"), b.node("Lambda", "api", availability="100")
    zk = [b.node("Zookeeper", f"zk-{i}", group="zk", availability="99") for i in (1, 2, 3)]
    b.chain(users, api, zk)
    a = 0.99
    assert only(b).estimate == pytest.approx(3 * a * a * (1 - a) + a ** 3, abs=1e-15)


def test_replicas_count_as_instances():
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ALB", "lb", availability="100")
    b.chain(users, lb, b.node("ECS", "api", replicas="3", availability="99"))
    assert only(b).estimate == pytest.approx(1 - 0.01 ** 3, abs=1e-15)


def test_a_figure_on_a_managed_service_is_the_service_as_a_whole():
    b = Arch()
    users, fn = b.node("Users", "users"), b.node("Lambda", "fn", availability="100")
    b.chain(users, fn, b.node("S3", "media", availability="99.99"))
    assert only(b).estimate == pytest.approx(0.9999, abs=1e-15)
    b.nodes[-1].analysis.pop("availability")
    e = only(b)
    assert e.estimate == pytest.approx(0.999, abs=1e-15)  # the S3 SLA
    assert "`media` 99.9 % [AV5] (S3 Standard)" in e.defaults


def test_defaults_follow_the_cited_slas():
    b = Arch()
    users = b.node("Users", "users")
    b.chain(users, b.node("ALB", "lb"), b.node("EC2", "app"), b.node("RDS", "db", multi_az="true"))
    e = only(b)
    assert e.estimate == pytest.approx(0.9999 * 0.995 * 0.9995, abs=1e-15)
    assert e.defaults == ["`lb` 99.99 % [AV6] (Elastic Load Balancing)",
                          "`app` 99.5 % [AV1] (one instance: the EC2 Instance-Level SLA)",
                          "`db` 99.95 % [AV2] (RDS Multi-AZ)"]


def test_members_in_declared_zones_also_need_their_zone():
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ALB", "lb", availability="100")
    with b.cluster("AZ a"):
        app_a = b.node("EC2", "app-1", availability="99.5")
    with b.cluster("AZ b"):
        app_b = b.node("EC2", "app-2", availability="99.5")
    db = b.node("Dynamodb", "table", availability="100")
    b.chain(users, lb, [app_a, app_b], db)
    z, a = av.ZONE_AVAILABILITY / 100, 0.995
    expected = z * z * (1 - (1 - a) ** 2) + 2 * z * (1 - z) * a
    assert only(b).estimate == pytest.approx(expected, abs=1e-15)


def test_a_zone_shared_by_two_tiers_is_counted_once_exactly():
    """app-1 and the database share zone a: losing it takes both, which independent terms would miss."""
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ALB", "lb", availability="100")
    with b.cluster("AZ a"):
        app_a = b.node("EC2", "app-1", availability="99.5")
        db = b.node("PostgreSQL", "db", availability="99.9")
    with b.cluster("AZ b"):
        app_b = b.node("EC2", "app-2", availability="99.5")
    b.chain(users, lb, [app_a, app_b], db)
    z, a, d = av.ZONE_AVAILABILITY / 100, 0.995, 0.999
    expected = z * z * (1 - (1 - a) ** 2) * d + z * (1 - z) * a * d
    e = only(b)
    assert e.estimate == pytest.approx(expected, abs=1e-15)
    assert ["zone AZ a"] in [c.names for c in e.contributors] or ["zone az a"] in [c.names for c in e.contributors]


def test_cut_sets_take_over_when_factoring_would_branch_too_much(monkeypatch):
    """lb -> a -> b -> db and lb -> c -> db: not plain parallel routes, so factoring runs; cut it short."""
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ALB", "lb", availability="100")
    first, second = b.node("ECS", "orders", availability="99"), b.node("ECS", "pricing", availability="99")
    other = b.node("Lambda", "legacy", availability="99")
    db = b.node("Aurora", "db", availability="100")
    b.chain(users, lb, first, second, db)
    b.chain(lb, other, db)
    exact = only(b)
    assert exact.method == "exact"
    assert exact.estimate == pytest.approx(1 - (1 - 0.99 * 0.99) * 0.01, abs=1e-15)
    assert [["orders", "legacy"], ["pricing", "legacy"]] == [c.names for c in exact.contributors]
    monkeypatch.setattr(av, "MAX_BRANCHES", 1)
    approx = only(b)
    assert approx.method == "cut sets"
    assert approx.estimate == pytest.approx(1 - 2 * 0.01 * 0.01, abs=1e-15)  # the two order-2 cuts
    assert approx.estimate == pytest.approx(exact.estimate, abs=1e-5)


def test_four_disjoint_routes_are_beyond_the_order_3_cut_sets():
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ALB", "lb", availability="100")
    routes = [b.node("ECS", name, availability="99") for name in ("orders", "catalog", "search", "profile")]
    db = b.node("Aurora", "db", availability="100")
    b.chain(users, lb, routes)
    b.edge(routes, db)
    e = only(b)
    assert e.method == "cut sets" and e.estimate == 1.0  # 1e-8 left out: an order-4 cut
    routes[-1].analysis["availability"] = "0"
    b.edges = [x for x in b.edges if x.head != routes[-1].id]  # three routes: exact again
    e = only(b)
    assert e.method == "exact" and e.estimate == pytest.approx(1 - 0.01 ** 3, abs=1e-15)


def test_a_fix_says_what_a_replica_would_buy():
    b, _ = web()
    e = only(b)
    (best, *_) = e.fixes
    assert best.text == "a replica of `db`"
    assert best.estimate == pytest.approx(0.9999 * (1 - 0.005 ** 2) * (1 - 0.0005 ** 2), abs=1e-15)


# -- the rules --------------------------------------------------------------------------------------------------


def found(b: Arch, **kw):
    return [(f.code, f.severity, f.message, f.remediation) for f in analyse_arch(b, **kw).findings
            if f.code.startswith("AVAIL")]


def test_avail001_warns_below_the_slo_and_names_the_largest_shares():
    b, _ = web()
    b.wb["wb_slo"] = "99.95"
    ((code, severity, message, remediation),) = found(b)
    assert (code, severity) == ("AVAIL001", "warning")
    assert message.startswith("`users` is estimated 99.9375% available, below its SLO 99.95%: 27 min of "
                              "expected downtime a month against a budget of 22 min; largest shares: `db` 80% (22 min), `lb` 16% (4 min), "
                              "`{app-1, app-2}` 4% (1 min)")
    assert remediation.startswith("a replica of `db` -> 99.9875%")


def test_avail001_is_an_error_when_the_downtime_is_ten_times_the_budget():
    b, _ = web()
    b.nodes[-1].analysis["availability"] = "99"
    b.nodes[0].analysis["slo"] = "99.95"  # on the entry node
    ((code, severity, message, _),) = found(b)
    assert (code, severity) == ("AVAIL001", "error")
    assert "below its SLO 99.95%" in message


def test_avail002_reports_the_estimate_when_it_meets_the_slo_from_the_sheet():
    b, _ = web()
    ((code, severity, message, _),) = found(b, design_inputs={"slo": "99.9"})
    assert (code, severity) == ("AVAIL002", "info")
    assert message.startswith("`users` is estimated 99.9375% available, meeting its SLO 99.9%")


def test_no_slo_no_finding():
    assert found(web()[0]) == []


def test_percent_text_never_rounds_up_to_100():
    assert av.percent_text(0.99999999) == "99.999999%"
    assert av.percent_text(1.0) == "100%"
    assert math.isclose(av.MINUTES_PER_MONTH, 43_200)
