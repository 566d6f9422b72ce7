"""LB001 (clients call instances directly) and LB002 (internal callers call replicas directly)."""

from __future__ import annotations

from archbuilder import Arch, analyse_arch


def by_code(b, code):
    return [f for f in analyse_arch(b).findings if f.code == code]


def test_lb001_clients_pick_instances():
    b = Arch()
    users = b.node("Users", "users")
    apps = b.nodes_of("EC2", "app1", "app2")
    b.chain(users, apps, b.node("RDS", "db", multi_az="true"))
    [f] = by_code(b, "LB001")
    assert f.severity == "warning" and f.message == "clients call `{app1, app2}` instances directly"
    assert f.nodes == ["app1", "app2", "users"] and f.edges == ["e1", "e2"]


def test_lb001_also_for_internet_and_cdn_callers():
    for cls in ("Internet", "CloudFront"):
        b = Arch()
        b.chain(b.node("Users", "users"), caller := b.node(cls, "front"))
        b.edge(caller, b.nodes_of("EC2", "app1", "app2"))
        assert by_code(b, "LB001")


def test_lb001_silent_behind_a_balancer_for_one_node_with_replicas_and_for_stores():
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("ALB", "alb"), b.nodes_of("EC2", "app1", "app2"))
    assert not by_code(b, "LB001")
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("EC2", "app", replicas="3"))
    assert not by_code(b, "LB001")
    b = Arch()
    b.edge(b.node("Users", "users"), b.nodes_of("Redis", "cache-1", "cache-2"))
    assert not by_code(b, "LB001")


def test_lb002_internal_caller_is_info():
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("ALB", "alb"), api := b.node("ECS", "api", replicas="2"))
    b.edge(api, b.nodes_of("EC2", "worker1", "worker2"))
    [f] = by_code(b, "LB002")
    assert f.severity == "info" and f.message == "`api` calls replicas of `{worker1, worker2}` directly"
    assert not by_code(b, "LB001")


def test_lb002_silent_for_gateways_and_queues():
    b = Arch()
    gw = b.node("APIGateway", "gw")
    b.edge(gw, b.nodes_of("EC2", "worker1", "worker2"))
    q = b.node("SQS", "jobs")
    b.edge(q, b.nodes_of("EC2", "consumer1", "consumer2"))
    assert not by_code(b, "LB002")
