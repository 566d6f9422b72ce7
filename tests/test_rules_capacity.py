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
    """Users read 100:1, but the click counter behind a queue only writes: messages are writes, not 99 % reads."""
    b = Arch()
    users = b.node("Users", "users", qps="5000", read_ratio="100:1")
    api = b.node("ECS", "api", replicas="8")
    b.chain(users, api, b.node("SQS", "clicks"), b.node("Lambda", "counter"), b.node("Dynamodb", "stats"))
    [msg] = [m for m in cap(b) if "stats" in m[2]]
    assert msg[2] == "`stats` needs 5,000 writes/s; default quota is 1,000 WCU per partition × 1 [Q1]"
    b.nodes[-1].analysis["read_ratio"] = "1:0"  # the store says: reads only (nearest declaration wins)
    [msg] = [m for m in cap(b) if "stats" in m[2]]
    assert msg[2] == "`stats` needs 5,000 reads/s; default quota is 3,000 RCU per partition × 1 [Q1]"


# -- load propagation over loops, read/write mix, cache members, shared quotas, attribute values ---------------------


def loads_of(b, **kw):
    """Peak load per group, keyed by the group's display name."""
    from workbench.analysis.loads import propagate

    g = analyse_arch(b, **kw).graph
    return {g.groups[gid].name: load for gid, load in propagate(g).items()}


def chat_loop(worker_replicas="2"):
    """chat → q (10 % of requests are sends) ⇢ worker → chat (deliver): a loop closing only through a queue."""
    b = Arch(wb_qps="10000")
    chat = b.node("ECS", "chat", replicas="20")
    q, worker = b.node("Kafka", "q", replicas="3"), b.node("ECS", "worker", replicas=worker_replicas)
    b.chain(b.node("Users", "users"), b.node("NLB", "nlb"), chat)
    b.edge(chat, q, fraction="0.1")
    b.edge(q, worker, style="dashed")
    b.back(chat, worker, label="deliver")
    return b


def test_a_loop_that_closes_through_a_queue_is_not_costed_as_one_unit():
    """§6.8 condenses Q, which holds sync edges only: the async delivery edge does not make one SCC of the loop."""
    assert cap(chat_loop()) == []
    loads = loads_of(chat_loop())
    assert loads["worker"].total == 1_000 and loads["q"].total == 1_000
    # The deliveries come back to chat and are counted there, but do not travel round the loop again.
    assert loads["chat"].total == 11_000
    assert cap(chat_loop(worker_replicas="1")) == [
        ("CAP001", "warning", "`worker` at 100% (1,000/1,000 requests/s) at peak")]


def test_a_synchronous_cycle_is_still_one_unit():
    b = Arch(wb_qps="1000")
    a, c = b.node("ECS", "orders", replicas="4"), b.node("ECS", "billing", replicas="4")
    b.chain(b.node("Users", "users"), b.node("ALB", "alb"), a)
    b.edge(a, c, fraction="0.5")
    b.edge(c, a, fraction="0.5")
    loads = loads_of(b)
    assert loads["orders"].total == loads["billing"].total == 1_000


def mixed_store():
    """api writes to db directly and, for 1 % of requests, through a queue and a worker."""
    b = Arch()
    users = b.node("Users", "users", qps="10000", read_ratio="1:1")
    api = b.node("ECS", "api", replicas="20")
    db = b.node("PostgreSQL", "db", multi_az="true", replicas="2", failover="auto")
    b.chain(users, b.node("ALB", "alb"), api, db)
    queue, worker = b.node("SQS", "jobs"), b.node("ECS", "worker", replicas="2")
    b.edge(api, queue, fraction="0.01")
    b.chain(queue, worker, db)
    return b


def test_reads_and_writes_are_tracked_per_flow_and_queue_work_counts_as_writes():
    loads = loads_of(mixed_store())
    db = loads["db"]
    assert (db.total, db.reads, db.writes) == (10_100, 5_000, 5_100)
    assert cap(mixed_store()) == [("CAP001", "error", "`db` at 510% (5,100/1,000 writes/s) at peak")]


def test_an_edge_read_ratio_overrides_the_queue_default():
    b = mixed_store()
    b.edges[-1].analysis["read_ratio"] = "1:0"  # the worker only reads from db
    db = loads_of(b)["db"]
    assert (db.reads, db.writes) == (5_100, 5_000)


def test_unknown_mix_stays_apart_from_the_known_mix():
    b = mixed_store()
    b.nodes[0].analysis.pop("read_ratio")  # the users' mix is unknown; the queue's work is still writes
    db = loads_of(b)["db"]
    assert (db.total, db.writes, db.unknown) == (10_100, 100, 10_000)
    assert db.reads == 10_000  # unknown mix is compared with the read capacity, as before


def cache_pair(qps="150000", **cache):
    b = Arch()
    users = b.node("Users", "users", qps=qps, read_ratio="1000:1")
    api = b.node("ECS", "api", replicas="200")
    b.chain(users, b.node("ALB", "alb"), api)
    if cache:
        b.edge(api, b.node("Redis", "cache", **cache))
    else:
        primary, replica = b.node("Redis", "cache primary"), b.node("Redis", "cache replica")
        b.edge(api, primary)
        b.edge(primary, replica, label="replication")
    b.edge(api, b.node("PostgreSQL", "db", replicas="3", failover="auto", capacity_qps="1M:1M"))
    return b


def test_cache_capacity_counts_serving_members_only():
    msgs = [m for m in cap(cache_pair()) if "cache" in m[2]]
    assert msgs == [("CAP001", "error",
                     "`{cache primary, cache replica}` at 150% (150,000/100,000 ops/s) at peak")]
    # replicas="2" on one drawn node: both instances serve
    msgs = [m for m in cap(cache_pair(replicas="2")) if "cache" in m[2]]
    assert msgs == [("CAP001", "warning", "`cache` at 75% (150,000/200,000 ops/s) at peak")]


def lambdas(*qps, regions=()):
    b = Arch()
    users = b.node("Users", "users", qps=str(sum(qps)))
    gw = b.node("APIGateway", "gw")
    b.edge(users, gw)
    for k, (name, q) in enumerate(zip(("orders", "search", "thumbs"), qps)):
        extra = {"region": regions[k]} if regions else {}
        b.edge(gw, b.node("Lambda", name, **extra), fraction=str(q / sum(qps)))
    return b


def test_cap003_lambda_concurrency_is_shared_by_the_account_and_region():
    a = analyse_arch(lambdas(3000, 3000))
    [f] = [f for f in a.findings if f.code == "CAP003"]
    assert f.severity == "warning" and f.labels == ["orders", "search"]
    assert f.message == ("Lambda functions `orders`, `search` need 6,000 requests/s together (`orders` 3,000, "
                         "`search` 3,000); default quota is 1,000 concurrent executions per region, i.e. 5,000 "
                         "requests/s at an assumed mean duration of 200 ms [H] [A7]")
    assert [m for m in cap(lambdas(2000, 2000))] == []
    assert cap(lambdas(3000, 3000, regions=("us-east-1", "eu-west-1"))) == []


def test_cap003_declared_function_capacity_is_its_share_of_the_account_quota():
    b = lambdas(3000, 3000)
    b.nodes[2].analysis["capacity_qps"] = "20000"  # orders runs in 50 ms: the quota allows 20,000 requests/s
    assert cap(b) == []  # 3,000/20,000 + 3,000/5,000 = 75 % of the concurrency
    b.nodes[3].analysis["capacity_qps"] = "3500"
    [msg] = cap(b)
    assert msg[2] == ("Lambda functions `orders`, `search` need 101% of one account quota together (`orders` "
                      "3,000 of 20,000 requests/s, `search` 3,000 of 3,500 requests/s); default quota is 1,000 "
                      "concurrent executions per region, i.e. 5,000 requests/s at an assumed mean duration of 200 "
                      "ms [H] [A7]")


def test_cap003_api_gateways_share_the_account_quota():
    b = Arch()
    for name in ("public api", "partner api"):
        b.chain(b.node("Users", name + " users", qps="6000"), b.node("APIGateway", name),
                b.node("Lambda", name + " fn", capacity_qps="100000"))
    [f] = [f for f in analyse_arch(b).findings if f.code == "CAP003"]
    assert f.message.startswith("API Gateway APIs `public api`, `partner api` need 12,000 requests/s together")


def test_fraction_is_a_multiplier():
    def fan_out(value):
        b = Arch()
        post = b.node("ECS", "post svc", replicas="2")
        b.chain(b.node("Users", "users", qps="1000"), b.node("ALB", "alb"), post)
        b.edge(post, b.node("ECS", "timeline writer", replicas="100"), fraction=value)
        return loads_of(b).get("timeline writer")

    assert fan_out("120").total == 120_000  # 1 post → 120 timeline inserts
    assert fan_out("2").total == 2_000
    assert fan_out("2%").total == 20
    assert fan_out("0.5").total == 500
    assert fan_out("3x").total == 3_000
    assert fan_out("-1").total == 1_000  # unreadable: ATTR001, and the default 1.0 applies
    assert fan_out("200").total == 200_000


def _declared_db(declared):
    b = Arch()
    b.chain(b.node("Users", "users", qps="6000", read_ratio="1:1"), b.node("ALB", "alb"),
            b.node("ECS", "api", replicas="20"), b.node("RDS", "db", multi_az="true", capacity_qps=declared))
    return b


def test_relational_capacity_qps_takes_reads_and_writes():
    """3,000 reads/s and 3,000 writes/s reach one RDS instance (its Multi-AZ standby serves nothing)."""
    assert cap(_declared_db("50000:5000")) == []  # writes at 60 %
    assert cap(_declared_db("50000:3000")) == [("CAP001", "warning", "`db` at 100% (3,000/3,000 writes/s) at peak")]
    assert cap(_declared_db("2000:50000")) == [("CAP001", "error", "`db` at 150% (3,000/2,000 reads/s) at peak")]
    # A single number n is the read figure; writes keep the default 10:1 proportion (n / 10).
    assert cap(_declared_db("20000")) == [("CAP001", "error", "`db` at 150% (3,000/2,000 writes/s) at peak")]
    [f] = [f for f in analyse_arch(_declared_db("20000")).findings if f.code == "CAP001"]
    assert "20,000 reads/s and 2,000 writes/s per instance" in f.remediation
