"""CAP001 (capacity exceeded), CAP002 (no headroom for one failure), CAP003 (provider quota exceeded)."""

from __future__ import annotations

from archbuilder import Arch, analyse_arch


def cap(b, **kw):
    return [(f.code, f.severity, f.message) for f in analyse_arch(b, **kw).findings if f.code.startswith("CAP")]


def api_tier(qps, replicas, ratio=None, **api):
    b = Arch()
    users = b.node("Users", "users", qps=qps, **({"read_ratio": ratio} if ratio else {}))
    b.chain(users, b.node("ALB", "alb"), b.node("ECS", "api", replicas=replicas, **api))
    return b


def test_cap001_warning_above_70_and_error_above_100():
    assert cap(api_tier("2200", "3")) == [
        ("CAP001", "warning", "`api` at 73% (2,200/3,000 requests/s) at peak")]
    assert cap(api_tier("3500", "3")) == [
        ("CAP001", "error", "`api` at 117% (3,500/3,000 requests/s) at peak")]
    assert cap(api_tier("2000", "3")) == []  # 67 %; 2,000 ≤ 2 × 1,000 so one loss is absorbed too


def test_cap001_declared_capacity_and_remediation_names_the_assumption():
    assert cap(api_tier("2200", "3", capacity_qps="5000")) == []
    f = next(f for f in analyse_arch(api_tier("2200", "3")).findings if f.code == "CAP001")
    assert "1,000 requests/s per instance" in f.remediation and "capacity_qps" in f.remediation


def test_cap001_database_dimensions_and_standby_does_not_serve_reads():
    b = Arch()
    users = b.node("Users", "users", qps="3000", read_ratio="1:1")
    b.chain(users, b.node("ALB", "alb"), b.node("ECS", "api", replicas="6"), b.node("RDS", "db", multi_az="true"))
    assert cap(b) == [("CAP001", "error", "`db` at 150% (1,500/1,000 writes/s) at peak")]


def test_cap002_no_headroom():
    assert cap(api_tier("1300", "2")) == [
        ("CAP002", "warning", "`api` cannot absorb the loss of one of 2 instances (1,300 requests/s > 1,000 on 1)")]
    assert cap(api_tier("1500", "2"))[0][0] == "CAP001"  # 75 %: CAP001 covers it, no CAP002
    assert cap(api_tier("900", "2")) == []
    assert cap(api_tier("600", "1")) == []  # one instance: SPOF territory, not CAP002


def test_design_qps_is_split_over_entries():
    b = Arch(wb_qps="3000")
    api = b.node("ECS", "api", replicas="2")
    b.edge([b.node("Users", "web"), b.node("Users", "mobile")], api)
    assert cap(b) == [("CAP001", "error", "`api` at 150% (3,000/2,000 requests/s) at peak")]
    b = Arch()
    api = b.node("ECS", "api", replicas="4")
    b.edge(b.node("Users", "web"), api)
    assert cap(b, design_inputs={"qps": 3500}) == [
        ("CAP001", "warning", "`api` at 88% (3,500/4,000 requests/s) at peak")]


def test_fraction_scales_the_load():
    b = api_tier("3000", "6")
    api = b.nodes[-1]
    b.edge(api, b.node("ECS", "search", replicas="1"), fraction="0.1")
    assert cap(b) == []
    b.edges[-1].analysis["fraction"] = "0.9"
    assert cap(b) == [("CAP001", "error", "`search` at 270% (2,700/1,000 requests/s) at peak")]


def test_cap003_quotas():
    b = Arch()
    b.chain(b.node("Users", "users", qps="12000"), b.node("APIGateway", "gw"), b.node("Lambda", "fn"))
    msgs = cap(b)
    assert ("CAP003", "warning",
            "`gw` needs 12,000 requests/s; default quota is 10,000 requests/s per account and region [Q4]") in msgs
    assert any(m[2].startswith("`fn` needs 12,000 requests/s; default quota is 1,000 concurrent") for m in msgs)
    b = Arch()
    b.chain(b.node("Users", "users", qps="4000"), b.node("APIGateway", "gw"), b.node("Lambda", "fn"))
    assert cap(b) == []  # 4,000 requests/s fit 1,000 executions at the assumed 200 ms
    b = Arch()
    b.chain(b.node("Users", "users", qps="12000"), b.node("APIGateway", "gw", capacity_qps="20000"))
    assert cap(b) == []


def test_cap003_dynamodb_writes_per_partition():
    b = Arch()
    b.chain(b.node("Users", "users", qps="4000", read_ratio="1:1"), b.node("Lambda", "fn", capacity_qps="10000"),
            b.node("Dynamodb", "table"))
    assert cap(b) == [("CAP003", "warning",
                       "`table` needs 2,000 writes/s; default quota is 1,000 WCU per partition × 1 [Q1]")]


def test_no_load_no_capacity_findings():
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("ECS", "api"), b.node("RDS", "db"))
    assert cap(b) == []


def test_read_mix_does_not_leak_through_a_queue():
    """Users read 100:1, but the click counter behind a queue only writes: its mix is unknown, not 99 % reads."""
    b = Arch()
    users = b.node("Users", "users", qps="5000", read_ratio="100:1")
    api = b.node("ECS", "api", replicas="8")
    b.chain(users, api, b.node("SQS", "clicks"), b.node("Lambda", "counter"), b.node("Dynamodb", "stats"))
    [msg] = [m for m in cap(b) if "stats" in m[2]]
    assert msg[2] == "`stats` needs 5,000 requests/s; default quota is 3,000 RCU per partition × 1 [Q1]"
    b.nodes[-1].analysis["read_ratio"] = "0:1"  # the store says: writes only
    [msg] = [m for m in cap(b) if "stats" in m[2]]
    assert msg[2] == "`stats` needs 5,000 writes/s; default quota is 1,000 WCU per partition × 1 [Q1]"
