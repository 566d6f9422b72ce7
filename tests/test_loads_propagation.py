"""Load propagation (issue 13 item 7): routers split, services fan out, replies carry nothing, never copied."""

from __future__ import annotations

import pytest
from archbuilder import Arch, analyse_arch

from workbench.analysis.graph import build_graph
from workbench.analysis.loads import propagate


def loads(b: Arch) -> dict[str, float]:
    g = build_graph(b.diagram())
    return {g.groups[gid].name: round(load.total, 6) for gid, load in propagate(g).items()}


def cap(b: Arch) -> list[tuple[str, str, str]]:
    return [(f.code, f.severity, f.message) for f in analyse_arch(b).findings if f.code.startswith("CAP")]


@pytest.mark.parametrize("router", ["ALB", "APIGateway", "Ingress", "CloudFront"])
def test_a_router_sends_each_request_to_one_of_its_routes(router):
    b = Arch()
    gw = b.node(router, "front")
    b.chain(b.node("Users", "users", qps="3000"), gw, [b.node("ECS", "orders"), b.node("ECS", "users-svc"),
                                                        b.node("ECS", "search")])
    got = loads(b)
    assert got["front"] == 3000
    assert got["orders"] == got["users-svc"] == got["search"] == 1000  # not 3,000 each
    assert sum(got[x] for x in ("orders", "users-svc", "search")) == 3000  # never copied


def test_a_service_calls_each_of_its_dependencies():
    b = Arch()
    api = b.node("ECS", "api", replicas="4")
    b.chain(b.node("Users", "users", qps="2000"), b.node("ALB", "lb"), api)
    b.edge(api, [b.node("RDS", "db"), b.node("Elasticsearch", "search"), b.node("ECS", "auth")])
    got = loads(b)
    assert got["db"] == got["search"] == got["auth"] == 2000


def test_declared_route_shares_are_kept_and_the_rest_is_split_equally():
    b = Arch()
    gw = b.node("APIGateway", "gw")
    b.chain(b.node("Users", "users", qps="1000"), gw)
    admin, a, c = b.node("ECS", "admin"), b.node("ECS", "orders"), b.node("ECS", "catalog")
    b.edge(gw, admin, fraction="0.2")
    b.edge(gw, [a, c])
    got = loads(b)
    assert (got["admin"], got["orders"], got["catalog"]) == (200, 400, 400)


def test_a_call_every_request_makes_through_a_router_does_not_starve_the_routes():
    """fraction="1" to an auth check on a gateway is an extra call, not a route taking all the requests [H]."""
    b = Arch()
    gw = b.node("APIGateway", "gw")
    b.chain(b.node("Users", "users", qps="1000"), gw)
    b.edge(gw, b.node("Cognito", "auth"), fraction="1")
    b.edge(gw, [b.node("ECS", "orders"), b.node("ECS", "catalog")])
    got = loads(b)
    assert (got["auth"], got["orders"], got["catalog"]) == (1000, 500, 500)


def test_fractions_to_members_of_one_replica_group_add_up():
    b = Arch()
    lb = b.node("ALB", "lb")
    b.chain(b.node("Users", "users", qps="3000"), lb)
    web = b.nodes_of("EC2", "web-1", "web-2")
    b.edge(lb, web, fraction="0.5")
    got = loads(b)
    assert got["{web-1, web-2}"] == 3000  # halves of one group's traffic, not half of it
    assert cap(b) == [("CAP001", "error", "`{web-1, web-2}` at 150% (3,000/2,000 requests/s) at peak")]


def test_a_whole_replica_group_behind_a_service_is_one_dependency():
    b = Arch()
    api = b.node("ECS", "api", replicas="4")
    b.chain(b.node("Users", "users", qps="2000"), b.node("ALB", "lb"), api)
    b.edge(api, b.nodes_of("EC2", "worker-1", "worker-2"))
    assert loads(b)["{worker-1, worker-2}"] == 2000  # not 4,000: one call per request to the group


@pytest.mark.parametrize("push", [{}, {"label": "push notification"}, {"kind": "async"}])
def test_pushes_to_the_clients_carry_no_request_load(push):
    """A ride-hailing design: the dispatcher pushes to the riders; the 150 % overload must stay visible."""
    b = Arch()
    riders = b.node("Users", "riders", qps="3000")
    api = b.node("ECS", "dispatch", replicas="2")
    b.chain(riders, b.node("ALB", "lb"), api)
    b.edge(api, riders, **push)
    got = loads(b)
    assert got["riders"] == 3000
    assert got["dispatch"] == 3000
    assert ("CAP001", "error", "`dispatch` at 150% (3,000/2,000 requests/s) at peak") in cap(b)


def test_an_entry_router_splits_the_design_qps():
    b = Arch(wb_qps="900")
    lb = b.node("ALB", "lb", entry="true")
    b.edge(lb, [b.node("ECS", "orders"), b.node("ECS", "catalog"), b.node("ECS", "search")])
    got = loads(b)
    assert got["orders"] == got["catalog"] == got["search"] == 300


def test_the_design_qps_is_split_over_user_entries_only():
    """A job nothing calls is a helper entry: it carries none of the users' QPS (the way availability picks
    user entries)."""
    b = Arch(wb_qps="1000")
    db = b.node("RDS", "db")
    b.chain(b.node("Users", "users"), b.node("ALB", "lb"), b.node("EC2", "web", replicas="2"), db)
    b.chain(b.node("EC2", "nightly report job"), db)
    g = build_graph(b.diagram())
    assert [g.groups[e.group].name for e in g.entries if e.helper] == ["nightly report job"]
    got = loads(b)
    assert got["lb"] == got["web"] == 1000  # not 500: the job is not a door users come in by
    assert got.get("nightly report job", 0) == 0
    assert got["db"] == 1000


def test_without_a_drawn_client_the_design_qps_goes_to_the_user_facing_sources():
    b = Arch(wb_qps="600")
    db = b.node("RDS", "db")
    b.chain(b.node("ALB", "lb"), b.node("EC2", "web", replicas="2"), db)
    b.chain(b.node("EC2", "report exporter"), db)
    got = loads(b)
    assert got["lb"] == got["web"] == 600
    assert got.get("report exporter", 0) == 0
