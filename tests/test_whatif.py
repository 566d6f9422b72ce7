"""What-if (`workbench check --fail`, `--fail-zone`): which entry-to-capability paths break when components fail."""

from __future__ import annotations

import json

import pytest
from archbuilder import Arch
from clirun import run

from workbench.analysis.graph import build_graph
from workbench.analysis.whatif import expand, failed_nodes, outcome, zone_nodes

KNOWN = """
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.aws.network import ALB
    from diagrams.onprem.client import Users

    with Diagram("Web", show=False):
        Users("Users") >> ALB("ALB") >> [EC2("a"), EC2("b")] >> RDS("db")
"""


def known_arch() -> Arch:
    b = Arch("Web")
    users, lb = b.node("Users", "Users"), b.node("ALB", "ALB")
    apps = b.nodes_of("EC2", "a", "b")
    db = b.node("RDS", "db")
    b.chain(users, lb, apps, db)
    return b


def what_if(b: Arch, *labels: str, zone: str | None = None):
    g = build_graph(b.diagram())
    failed, found = failed_nodes(g, labels)
    assert found == set(labels), f"labels not found: {set(labels) - found}"
    if zone:
        failed |= zone_nodes(g, zone)
    return outcome(g, failed)


def broken(result) -> set[tuple[str, str]]:
    return {(p.entry, p.terminal) for p in result.broken}


# -- the analysis on model diagrams -------------------------------------------------------------------------


def test_one_replica_of_two_breaks_nothing():
    result = what_if(known_arch(), "a")
    assert broken(result) == set()
    assert result.intact == 1
    assert result.down == []
    assert result.degraded == ["{a, b}: 1 of 2 instances left"]


def test_the_database_down_breaks_users_to_db_with_the_witness_path():
    result = what_if(known_arch(), "db")
    assert broken(result) == {("Users", "db")}
    (pair,) = result.broken
    assert pair.path == ["Users", "ALB", "{a, b}", "db"]
    assert "`db` is down" in pair.reason


def test_both_replicas_down_cut_every_path():
    result = what_if(known_arch(), "a", "b")
    assert broken(result) == {("Users", "db")}
    assert result.down == ["{a, b}"]
    assert "every path passes a failed component" in result.broken[0].reason


def test_a_second_route_survives_and_is_reported_as_rerouted():
    # Two different services (not replicas of one another) each reach the database.
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ALB", "lb")
    web, api = b.node("EC2", "web"), b.node("Lambda", "api")
    db = b.node("Aurora", "db")
    b.chain(users, lb, [web, api])
    b.edge([web, api], db)
    result = what_if(b, "web")
    assert broken(result) == set()
    (pair,) = result.rerouted
    assert pair.path[-1] == "db" and "web" in pair.path
    assert pair.now == ["users", "lb", "api", "db"]


def test_a_cache_aside_cache_failing_is_absorbed():
    b = Arch()
    users, lb, app = b.node("Users", "users"), b.node("ALB", "lb"), b.nodes_of("EC2", "app-1", "app-2")
    cache, db = b.node("Redis", "cache"), b.node("Aurora", "db")
    b.chain(users, lb, app)
    b.edge(app, cache)
    b.edge(app, db)
    result = what_if(b, "cache")
    assert broken(result) == set()
    assert result.absorbed == ["cache (cache-aside)"]


def test_a_quorum_group_goes_down_when_the_majority_is_lost():
    b = Arch()
    users, api = b.node("Users", "users"), b.node("Lambda", "api")
    zk = [b.node("Zookeeper", f"zk-{i}", group="zk") for i in (1, 2, 3)]
    b.chain(users, api, zk)
    assert broken(what_if(b, "zk-1")) == set()
    assert broken(what_if(b, "zk-1", "zk-2")) == {("users", "{zk-1, zk-2, zk-3}")}


def test_a_zone_failure_spares_replicas_in_the_other_zone_and_multi_az_services():
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ALB", "lb")
    with b.cluster("AZ a"):
        web_a = b.node("EC2", "web-1")
        db = b.node("RDS", "db", multi_az="true")
    with b.cluster("AZ b"):
        web_b = b.node("EC2", "web-2")
    b.chain(users, lb, [web_a, web_b], db)
    result = what_if(b, zone="AZ a")
    assert result.failed == ["web-1"]  # the Multi-AZ database fails over
    assert broken(result) == set()


def test_a_zone_holding_every_replica_breaks_the_path():
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ALB", "lb")
    with b.cluster("AZ a"):
        web = b.nodes_of("EC2", "web-1", "web-2")
    db = b.node("Dynamodb", "table")
    b.chain(users, lb, web, db)
    assert broken(what_if(b, zone="az-a")) == {("users", "table")}


def test_a_label_with_commas_is_taken_whole_when_it_names_a_component():
    assert expand(["store (Cassandra, RF=3)", "a,b"], {"store (Cassandra, RF=3)", "a", "b"}) == [
        "store (Cassandra, RF=3)", "a", "b"]


# -- the command ------------------------------------------------------------------------------------------------


@pytest.fixture
def ws(ws, write_design):
    write_design(ws, "web", KNOWN)
    return ws


def test_check_fail_on_the_known_design(ws):
    ok = run("check", "designs/web.py", "--fail", "a")
    assert ok.exit_code == 0, ok.output
    assert "nothing breaks" in ok.output

    db = run("check", "designs/web.py", "--fail", "db")
    assert db.exit_code == 1, db.output
    assert "BROKEN  Users -> db: db is down" in db.output
    assert "was: Users -> ALB -> {a, b} -> db" in db.output

    both = run("check", "designs/web.py", "--fail", "a,b", "--format", "json")
    assert both.exit_code == 1, both.output
    data = json.loads(both.output)
    (design,) = data["designs"]
    (diagram,) = design["diagrams"]
    assert diagram["failed"] == ["a", "b"]
    assert [(p["entry"], p["terminal"], p["path"]) for p in diagram["broken"]] == [
        ("Users", "db", ["Users", "ALB", "{a, b}", "db"])]


def test_check_fail_writes_the_report_to_a_file(ws):
    result = run("check", "designs/web.py", "--fail-zone", "nowhere", "--fail", "db", "-o", "what-if.txt")
    assert result.exit_code == 2  # no such zone: nothing is written
    assert not (ws / "what-if.txt").exists()
    result = run("check", "designs/web.py", "--fail", "db", "-o", "what-if.txt")
    assert result.exit_code == 1
    assert "BROKEN  Users -> db" in (ws / "what-if.txt").read_text()


def test_check_fail_with_an_unknown_label_names_the_components(ws):
    result = run("check", "designs/web.py", "--fail", "nope")
    assert result.exit_code == 2
    assert "no component labelled 'nope'" in result.output
    assert "`ALB`" in result.output


def test_check_fail_zone_without_zones_says_none_are_declared(ws):
    result = run("check", "designs/web.py", "--fail-zone", "us-east-1a")
    assert result.exit_code == 2
    assert "no zone is declared" in result.output


def test_check_fail_does_not_record_a_check_in_the_history(ws):
    run("check", "designs/web.py", "--fail", "a")
    assert not (ws / ".workbench" / "history.jsonl").exists()
