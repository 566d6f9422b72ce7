"""SPOF001, SPOF002, REP001, REP002, REP003, REP010: required components and replication (spec §3, §5)."""

from __future__ import annotations

from archbuilder import Arch, active, analyse_arch, hits


def front(b: Arch, web_cls: str = "EC2", **web):
    users, lb = b.node("Users", "users"), b.node("ELB", "lb")
    web_node = b.node(web_cls, "web", **web)
    b.chain(users, lb, web_node)
    return users, web_node


def by_code(findings, code):
    return [f for f in findings if f.code == code]


# -- SPOF001 ------------------------------------------------------------------------------------------------------


def test_spof001_leaf_service_is_a_required_capability():
    b = Arch()
    front(b)
    f = by_code(analyse_arch(b).findings, "SPOF001")[0]
    assert f.severity == "error" and f.terminal == "web" and f.path == ["users", "lb", "web"]
    assert f.message == ("`web` is a single point of failure for `users`: it is a required capability "
                         "(`users → lb → web`)")


def test_spof001_not_for_replicated_siblings_managed_or_optional():
    for make in (
        lambda b: b.chain(b.node("Users", "u"), b.node("ELB", "lb"), b.node("EC2", "web", replicas="2")),
        lambda b: b.chain(b.node("Users", "u"), b.node("ELB", "lb"), b.nodes_of("EC2", "web-1", "web-2")),
        lambda b: b.chain(b.node("Users", "u"), b.node("ELB", "lb"), b.node("Lambda", "fn")),
        lambda b: b.chain(b.node("Users", "u"), b.node("EC2", "web", managed_ha="true")),
    ):
        b = Arch()
        make(b)
        assert not by_code(analyse_arch(b).findings, "SPOF001")


def test_spof001_merges_entries_and_skips_fallback_targets():
    b = Arch()
    web_users, mobile = b.node("Users", "web users"), b.node("Users", "mobile")
    api = b.node("EC2", "api")
    b.edge([web_users, mobile], api)
    b.edge(api, b.node("EC2", "recommender"), label="fallback: best effort")
    findings = by_code(analyse_arch(b).findings, "SPOF001")
    assert [(f.labels, f.entries) for f in findings] == [(["api"], ["web users", "mobile"])]


def test_spof001_provisional_service_is_info():
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("Run", "api"))
    f = by_code(analyse_arch(b).findings, "SPOF001")[0]
    assert f.severity == "info" and "managed_ha" in f.remediation


# -- SPOF002 ------------------------------------------------------------------------------------------------------


def worker_pipeline(worker_attrs=None, queue_attrs=None):
    b = Arch()
    users, api = b.node("Users", "users"), b.node("ECS", "api", replicas="2")
    jobs = b.node("SQS", "jobs", **(queue_attrs or {}))
    worker = b.node("EC2", "worker", **(worker_attrs or {}))
    db = b.node("RDS", "db", multi_az="true")
    b.chain(users, api, jobs, worker, db)
    return b


def test_spof002_single_consumer():
    f = by_code(analyse_arch(worker_pipeline()).findings, "SPOF002")[0]
    assert f.severity == "warning" and f.entries == ["jobs"]
    assert f.message == "if `worker` fails, work queued in `jobs` stops being processed"
    assert f.path == ["jobs", "worker", "db"]


def test_spof002_critical_queue_is_an_error_and_replicas_silence_it():
    f = by_code(analyse_arch(worker_pipeline(queue_attrs={"critical": "true"})).findings, "SPOF002")[0]
    assert f.severity == "error"
    assert not by_code(analyse_arch(worker_pipeline({"replicas": "2"})).findings, "SPOF002")


def test_spof002_yields_to_spof001_when_an_entry_also_needs_it():
    b = worker_pipeline()
    users = b.nodes[0]
    worker = next(n for n in b.nodes if n.label == "worker")
    b.edge(users, worker)
    found = hits(analyse_arch(b).findings)
    assert ("SPOF001", "worker") in found and ("SPOF002", "worker") not in found


# -- REP001 ------------------------------------------------------------------------------------------------------


def test_rep001_self_hosted_and_rds_single():
    for cls in ("PostgreSQL", "RDS"):
        b = Arch()
        _, web = front(b, replicas="2")
        b.edge(web, b.node(cls, "db"))
        f = by_code(analyse_arch(b).findings, "REP001")[0]
        assert (f.severity, f.terminal, f.entries) == ("error", "db", ["users"])


def test_rep001_aurora_single_is_a_warning_and_with_reader_silent():
    b = Arch()
    _, web = front(b, replicas="2")
    b.edge(web, b.node("Aurora", "db"))
    assert by_code(analyse_arch(b).findings, "REP001")[0].severity == "warning"
    b = Arch()
    _, web = front(b, replicas="2")
    writer, reader = b.node("Aurora", "db writer"), b.node("Aurora", "db reader")
    b.edge(web, [writer, reader])
    b.edge(writer, reader, label="replication")
    assert not by_code(analyse_arch(b).findings, "REP001")


def test_rep001_single_broker_for_producers_and_hard_cache():
    b = Arch()
    _, web = front(b, replicas="2")
    b.edge(web, b.node("Kafka", "events"))
    b.edge(web, b.node("Redis", "sessions"))
    found = hits(analyse_arch(b).findings)
    assert {("REP001", "events"), ("REP001", "sessions")} <= found
    assert ("CACHE002", "sessions") not in found


def test_rep001_in_async_domain_is_a_warning_not_user_facing():
    b = Arch()
    users, api = b.node("Users", "users"), b.node("ECS", "api", replicas="2")
    jobs, worker = b.node("SQS", "jobs"), b.node("EC2", "worker", replicas="2")
    b.chain(users, api, jobs, worker, b.node("PostgreSQL", "reports"))
    f = by_code(analyse_arch(b).findings, "REP001")[0]
    assert f.severity == "warning" and "not user-facing" in f.message and f.entries == ["jobs"]


def test_rep001_not_for_multi_az_replicated_managed_or_soft():
    b = Arch()
    _, web = front(b, replicas="2")
    p, r = b.node("PostgreSQL", "db primary"), b.node("PostgreSQL", "db replica")
    b.edge(web, p)
    b.edge(p, r, label="replication")
    b.edge(web, [b.node("RDS", "orders", multi_az="true"), b.node("S3", "files"), b.node("Dynamodb", "t")])
    b.edge(web, b.node("PostgreSQL", "audit", optional="true"))
    assert not by_code(analyse_arch(b).findings, "REP001")


def test_rep001_provisional_store_is_info():
    b = Arch()
    _, web = front(b, replicas="2")
    b.edge(web, b.node("Firestore", "docs"))
    assert by_code(analyse_arch(b).findings, "REP001")[0].severity == "info"


# -- REP002 ------------------------------------------------------------------------------------------------------


def replicated(cls, a, c, **attrs):
    b = Arch()
    _, web = front(b, replicas="2")
    primary, replica = b.node(cls, a, **attrs), b.node(cls, c, **attrs)
    b.edge(web, primary)
    b.edge(primary, replica, label="replication")
    return b


def test_rep002_self_hosted_and_rds_read_replica():
    for cls in ("PostgreSQL", "RDS"):
        f = by_code(analyse_arch(replicated(cls, "db primary", "db replica")).findings, "REP002")
        assert [x.severity for x in f] == ["info"]
        assert f[0].message == "`{db primary, db replica}` has replicas but no automatic failover for writes"


def test_rep002_silent_with_automatic_failover_or_without_a_drawn_replica():
    assert not by_code(analyse_arch(replicated("Aurora", "db writer", "db reader")).findings, "REP002")
    assert not by_code(analyse_arch(replicated("RDS", "db", "db standby", multi_az="true")).findings, "REP002")
    # A drawn RDS standby is the Multi-AZ standby: RDS promotes it. A self-hosted standby needs a tool to.
    assert not by_code(analyse_arch(replicated("RDS", "MySQL", "MySQL Standby")).findings, "REP002")
    assert by_code(analyse_arch(replicated("PostgreSQL", "pg", "pg standby")).findings, "REP002")
    assert not by_code(analyse_arch(replicated("PostgreSQL", "db primary", "db replica",
                                                failover="auto")).findings, "REP002")
    assert not by_code(analyse_arch(replicated("Cassandra", "ring-a", "ring-b")).findings, "REP002")
    b = Arch()
    b.node("PostgreSQL", "db primary", replicas="2")  # one drawn node: the topology is not drawn
    assert not by_code(analyse_arch(b).findings, "REP002")
    assert by_code(analyse_arch(replicated("Cassandra", "ring-a", "ring-b", failover="manual")).findings, "REP002")


# -- REP003 ------------------------------------------------------------------------------------------------------


def test_rep003_small_quorums():
    for replicas, expect in (("1", "`zk`: 1 members need 1; one failure loses quorum"),
                             ("2", "`zk`: 2 members need 2; one failure loses quorum"), ("3", None)):
        b = Arch()
        _, web = front(b, replicas="2")
        b.edge(web, b.node("Zookeeper", "zk", replicas=replicas))
        findings = analyse_arch(b).findings
        assert [f.message for f in by_code(findings, "REP003")] == ([expect] if expect else [])
        assert not by_code(findings, "REP001")
        if expect:
            assert by_code(findings, "REP003")[0].severity == "error"


def test_rep003_declared_majority_on_a_store():
    b = Arch()
    _, web = front(b, replicas="2")
    b.edge(web, b.node("Cassandra", "ring", replicas="2", quorum="majority"))
    assert ("REP003", "ring") in active(analyse_arch(b).findings)


# -- REP010 ------------------------------------------------------------------------------------------------------


def test_rep010_scaling_group_assumed_two():
    b = Arch()
    _, web = front(b, web_cls="EC2AutoScaling")
    findings = analyse_arch(b).findings
    assert hits(findings) >= {("REP010", "web")}
    assert by_code(findings, "REP010")[0].message == "`web` is assumed to run ≥2 instances"
    assert not by_code(findings, "SPOF001")


def test_rep010_silent_with_replicas():
    b = Arch()
    front(b, web_cls="EC2AutoScaling", replicas="3")
    assert not by_code(analyse_arch(b).findings, "REP010")


# -- Finding.nodes: only the subject and its group members (acceptance matches on them) ------------------------------


def test_group_findings_name_only_the_group_never_the_witness_path():
    """An accept= on a node of the witness path must not hide a SPOF or REP further along it."""
    from datetime import date

    from workbench.analysis.acceptance import apply

    b = Arch()
    users = b.node("Users", "users")
    proxy = b.node("Nginx", "proxy", accept="SPOF001: the proxy is a throwaway demo box")
    webs = b.nodes_of("EC2", "web-1", "web-2")
    api, db = b.node("EC2", "api"), b.node("PostgreSQL", "db")
    b.chain(users, proxy, webs, api, db)
    b.edge(api, b.node("Kafka", "events"))
    q_worker = b.node("EC2", "consumer")
    b.edge(b.nodes[-2], q_worker, style="dashed")
    b.edge(q_worker, db)
    d = b.diagram()
    a = analyse_arch(b)
    groups = {f.code + "@" + f.labels[0]: f for f in a.findings if f.code in ("SPOF001", "SPOF002", "REP001")}
    assert set(groups) >= {"SPOF001@proxy", "SPOF001@api", "REP001@db", "REP001@events", "SPOF002@consumer"}
    for f in a.findings:
        if f.code.startswith(("SPOF", "REP", "CACHE", "CAP", "ZONE")) and f.nodes:
            members = a.graph.group(f.nodes[0]).members
            assert set(f.nodes) <= set(members), (f.code, f.nodes)
            assert f.nodes[0] == members[0]
    # The path users → proxy → web → api → db runs through the accepting proxy: only the proxy's own
    # SPOF001 is accepted, the api's and the db's findings stay active.
    out = apply(a.findings, d, {}, today=date(2030, 1, 1))
    state = {(f.code, f.labels[0] if f.labels else None): f.accepted for f in out if f.code != "ACC001"}
    assert state[("SPOF001", "proxy")] is True
    assert state[("SPOF001", "api")] is False and state[("REP001", "db")] is False
    assert state[("SPOF002", "consumer")] is False
    spof_api = next(f for f in a.findings if f.code == "SPOF001" and f.labels == ["api"])
    assert "proxy" in spof_api.path and spof_api.nodes == [api.id]


def test_c4_containers_are_analysed_and_their_single_instances_are_questions():
    # C4 draws every Relationship dashed: that is its style, not asynchronous delivery.
    b = Arch()
    c4 = lambda kind, name, tech="": {"type": kind, "name": name, "technology": tech, "description": ""}
    user = b.node("Rack", "user", c4=c4("Person", "user"))
    api = b.node("Rack", "api", c4=c4("Container", "api", "Java"))
    db = b.node("Rack", "db", c4=c4("Database", "db", "PostgreSQL"))
    b.edge(user, api, style="dashed")
    b.edge(api, db, style="dashed")
    found = {(f.code, f.severity, f.terminal) for f in analyse_arch(b).findings if f.code in ("SPOF001", "REP001")}
    assert found == {("SPOF001", "info", "db"), ("REP001", "info", "db")}
    [spof] = [f for f in analyse_arch(b).findings if f.code == "SPOF001"]
    assert spof.nodes == ["api"] and "C4 element" in spof.remediation


def test_dashed_edges_are_decoration_and_kind_async_makes_them_asynchronous():
    # Issue 13 (R1): a dashed line alone no longer makes an edge async; kind=, a queue or an async label does.
    b = Arch()
    users, web = b.node("Users", "users"), b.node("EC2", "web", replicas="2")
    b.chain(users, b.node("ELB", "lb"), web)
    mailer = b.node("EC2", "mailer")
    b.edge(web, mailer, style="dashed")
    assert [f.labels for f in by_code(analyse_arch(b).findings, "SPOF001")] == [["mailer"]]
    b.edges[-1].analysis["kind"] = "async"
    assert not by_code(analyse_arch(b).findings, "SPOF001")
