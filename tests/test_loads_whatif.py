"""What-if with load (issue 13 item 9, issue 16 item 4): no all-clear through what cannot carry the traffic."""

from __future__ import annotations

import json

import pytest
from archbuilder import Arch
from clirun import run

from workbench.analysis.graph import build_graph
from workbench.analysis.whatif import failed_nodes, outcome, zone_nodes


def what_if(b: Arch, *labels: str, zone: str | None = None):
    g = build_graph(b.diagram())
    failed, _ = failed_nodes(g, labels)
    if zone:
        failed |= zone_nodes(g, zone)
    return outcome(g, failed)


def two_routes(qps: str) -> Arch:
    """lb routes to web or api (different services); both reach the database."""
    b = Arch()
    users, lb = b.node("Users", "users", qps=qps), b.node("ALB", "lb")
    web, api = b.node("EC2", "web"), b.node("ECS", "api")
    db = b.node("Aurora", "db")
    b.chain(users, lb, [web, api])
    b.edge([web, api], db)
    return b


def test_a_reroute_through_a_route_that_cannot_carry_the_load_is_not_an_all_clear():
    result = what_if(two_routes("1500"), "web")
    assert not result.broken and [p.now for p in result.rerouted] == [["users", "lb", "api", "db"]]
    (over,) = result.overloaded
    assert over.text() == "`api` carries 1,500 requests/s on 1 instance: 150% of 1,000 (was 75%)"
    (strained,) = result.strained
    assert (strained.entry, strained.terminal) == ("users", "db")
    assert strained.reason == "the path runs through `api` at 150%"


def test_a_reroute_with_headroom_stays_clear():
    result = what_if(two_routes("800"), "web")
    assert not result.broken and not result.overloaded and not result.strained
    assert [n.text() for n in result.loads] == ["`api` carries 800 requests/s on 1 instance: 80% of 1,000 (was 40%)"]


def zoned(qps: str) -> Arch:
    b = Arch()
    users, lb = b.node("Users", "users", qps=qps), b.node("ALB", "lb")
    with b.cluster("us-east-1a"):
        app_a = b.node("ECS", "app-a", replicas="20")
    with b.cluster("us-east-1b"):
        app_b = b.node("ECS", "app-b", replicas="20")
    b.chain(users, lb, [app_a, app_b], b.node("Dynamodb", "table"))
    return b


def test_a_zone_failure_checks_that_what_is_left_carries_the_load():
    result = what_if(zoned("30000"), zone="us-east-1a")
    assert result.degraded == ["{app-a, app-b}: 20 of 40 instances left"]
    assert not result.broken
    (over,) = result.overloaded
    assert over.text() == ("`{app-a, app-b}` carries 30,000 requests/s on 20 instances: 150% of 20,000 "
                           "(was 75%)")
    assert result.strained


def test_a_zone_failure_with_room_to_spare_is_clear():
    result = what_if(zoned("15000"), zone="us-east-1a")
    assert not result.overloaded and not result.strained
    assert result.loads[0].utilisation == pytest.approx(0.75)


def test_the_availability_of_each_entry_with_the_failure():
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ALB", "lb", availability="100")
    apps = b.nodes_of("EC2", "app-1", "app-2", availability="99")
    b.chain(users, lb, apps, b.node("Dynamodb", "table", availability="100"))
    result = what_if(b, "app-1")
    assert result.availability == {"before": {"users": pytest.approx(99.99)}, "after": {"users": pytest.approx(99.0)}}
    assert what_if(b, "table").availability["after"] == {"users": 0.0}


DESIGN = """
    from diagrams import Cluster, Diagram
    from diagrams.aws.compute import ECS
    from diagrams.aws.database import Dynamodb
    from diagrams.aws.network import ALB
    from diagrams.onprem.client import Users

    with Diagram("Zones", show=False):
        with Cluster("us-east-1a"):
            a = ECS("app-a", replicas="20")
        with Cluster("us-east-1b"):
            b = ECS("app-b", replicas="20")
        Users("users", qps="30000") >> ALB("lb") >> [a, b] >> Dynamodb("table")
"""


@pytest.fixture
def ws(ws, write_design):
    write_design(ws, "zones", DESIGN)
    return ws


def test_check_fail_zone_reports_the_overload_and_exits_1(ws):
    result = run("check", "designs/zones.py", "--fail-zone", "us-east-1a")
    assert result.exit_code == 1, result.output
    assert ("OVERLOADED {app-a, app-b} carries 30,000 requests/s on 20 instances: 150% of 20,000 (was 75%)"
            in result.output)
    assert "no path breaks, but what is left cannot carry the load: {app-a, app-b} at 150%" in result.output
    assert "`" not in result.output  # code spans are for HTML and Markdown; the terminal shows names plain
    data = json.loads(run("check", "designs/zones.py", "--fail-zone", "us-east-1a", "--format", "json").output)
    (design,) = data["designs"]
    assert design["overloaded"] == 1 and design["broken"] == 0
    (diagram,) = design["diagrams"]
    assert diagram["overloaded"] == ["{app-a, app-b}"]
    assert diagram["loads"][0]["utilisation"] == 1.5 and diagram["loads"][0]["instances"] == 20
    assert set(diagram["availability"]) == {"before", "after"}


def test_check_fail_a_member_or_a_store_exits_1(ws):
    result = run("check", "designs/zones.py", "--fail", "app-a", "--format", "json")
    assert result.exit_code == 1  # app-a is all 20 instances of zone a: the same overload
    ok = run("check", "designs/zones.py", "--fail", "table")
    assert ok.exit_code == 1 and "BROKEN  users -> table" in ok.output
