"""TOP001 (unreachable component), TOP002 (router with no targets), CYC001 (synchronous cycle)."""

from __future__ import annotations

from archbuilder import Arch, analyse_arch, hits


def found(b, prefix):
    return {h for h in hits(analyse_arch(b).findings) if h[0].startswith(prefix)}


def cycles(b):
    return [f.message for f in analyse_arch(b).findings if f.code == "CYC001"]


def test_top001_isolated_and_side_only_nodes():
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("ELB", "lb"), web := b.node("EC2", "web", replicas="2"))
    b.node("RDS", "orphan")
    b.edge(b.node("EC2", "batch", replicas="2"), b.node("Prometheus", "metrics"))
    b.edge(web, b.node("Grafana", "dash"))
    assert found(b, "TOP") == {("TOP001", "orphan"), ("TOP001", "batch")}


def test_top001_reached_via_async_fallback_or_queue_domain():
    b = Arch()
    users, api = b.node("Users", "users"), b.node("ECS", "api", replicas="2")
    b.chain(users, b.node("ALB", "alb"), api)
    b.edge(api, b.node("EC2", "mailer", replicas="2"), label="notify")
    b.edge(api, b.node("EC2", "backup", replicas="2"), label="fallback")
    b.chain(b.node("SQS", "orphan-queue"), b.node("Lambda", "consumer"))
    assert not found(b, "TOP001")


def test_top001_not_for_what_the_operations_plane_drives():
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("ELB", "lb"), b.node("EC2", "web", replicas="2"))
    pipeline = b.node("Codepipeline", "pipeline", provider="aws", module="devtools")
    b.edge(pipeline, artifacts := b.node("S3", "artifacts"))  # tooling writes its artifacts
    b.edge(b.node("SystemsManager", "ssm", provider="aws", module="management"), b.node("EC2", "bastion"))
    b.chain(b.node("Fluentbit", "shipper", provider="onprem", module="logging"), b.node("Elasticsearch", "logs"))
    b.edge(b.node("Prometheus", "metrics"), b.node("EC2", "scraped", replicas="2"))  # a scrape reaches nothing
    assert found(b, "TOP001") == {("TOP001", "scraped")} and artifacts


def test_top001_not_for_data_sources_or_network_captions():
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("ELB", "lb"), etl := b.node("EC2", "etl", replicas="2"))
    b.chain(b.node("MySQL", "legacy-db"), etl)  # a source store feeding the pipeline
    b.node("VPC", "VPC 10.0.0.0/16")  # an icon used as a caption
    b.chain(b.node("EC2", "orphan-job"), b.node("RDS", "orphan-db"))  # compute nothing calls is still reported
    assert found(b, "TOP001") == {("TOP001", "orphan-job"), ("TOP001", "orphan-db")}


def test_top001_silent_without_any_entry():
    b = Arch()
    x, y = b.node("EC2", "x"), b.node("EC2", "y")
    b.chain(x, y, x)
    b.node("RDS", "lonely")
    assert not found(b, "TOP001")


def test_top002_router_without_backend():
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("ELB", "lb"))
    b.chain(b.nodes[0], b.node("APIGateway", "gw"), b.node("Lambda", "fn"))
    assert found(b, "TOP") == {("TOP002", "lb")}


def test_cyc001_sync_cycle_with_readable_path():
    b = Arch()
    users = b.node("Users", "users")
    a, c, d = b.node("ECS", "orders", replicas="2"), b.node("ECS", "billing", replicas="2"), b.node(
        "ECS", "stock", replicas="2")
    b.chain(users, a, c, d, a)
    [f] = [f for f in analyse_arch(b).findings if f.code == "CYC001"]
    assert f.severity == "warning" and f.message == "synchronous cycle `orders → billing → stock → orders`"


def test_cyc001_self_loop_and_exclusions():
    b = Arch()
    svc = b.node("ECS", "svc", replicas="2")
    b.edge(svc, svc)
    assert found(b, "CYC") == {("CYC001", "svc")}
    b = Arch()  # through a queue: not synchronous
    api, q = b.node("ECS", "api", replicas="2"), b.node("SQS", "jobs")
    b.chain(api, q, api)
    assert not found(b, "CYC")
    b = Arch()  # a response arrow is not a call
    web, db = b.node("EC2", "web"), b.node("RDS", "db")
    b.chain(web, db, web)
    assert not found(b, "CYC")


def test_cyc001_not_for_one_edge_drawn_with_two_heads():
    """`a - b` and `a >> Edge() << b` show a connection; a cycle needs calls drawn as calls."""
    b = Arch()
    users = b.node("Users", "users")
    collector, docker = b.node("ECS", "collector", replicas="2"), b.node("ECS", "container", replicas="2")
    b.chain(users, collector)
    b.undirected(collector, docker)
    router = b.node("VPCRouter", "router", provider="aws", module="network")
    table = b.node("RouteTable", "table", provider="aws", module="network")
    b.chain(users, router)
    b.edge(router, table, dir="both")
    codes = {h[0] for h in hits(analyse_arch(b).findings)}
    assert "CYC001" not in codes and "GRAPH001" in codes


def test_cyc001_two_arrows_or_a_double_headed_arrow_closing_a_cycle_still_count():
    b = Arch()
    users = b.node("Users", "users")
    a, c = b.node("ECS", "orders", replicas="2"), b.node("ECS", "billing", replicas="2")
    b.chain(users, a, c)
    b.edge(c, a)  # issue 13 (R2): an arrow back from the far side of a pair is its reply ...
    assert cycles(b) == []
    b.edges[-1].analysis["kind"] = "sync"  # ... unless it says it is a call
    assert cycles(b) == ["synchronous cycle `orders → billing → orders`"]
    b = Arch()
    users = b.node("Users", "users")
    a, c, d = (b.node("ECS", name, replicas="2") for name in ("orders", "billing", "stock"))
    b.chain(users, a, c, d)
    b.undirected(d, a)  # a line closes no cycle: it shows a connection
    assert cycles(b) == []
    b.edge(d, a, dir="both")  # two heads: read from the entry outward (orders → stock), no cycle (R2)
    assert cycles(b) == []
    b.edges[-1].analysis["kind"] = "sync"  # said to be calls both ways: that closes one
    assert cycles(b) == ["synchronous cycle `orders → billing → stock → orders`"]
