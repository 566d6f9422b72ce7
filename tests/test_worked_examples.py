"""The labelled cases of analysis spec §9 (A01-A10b): exact active findings, required infos, forbidden findings."""

from __future__ import annotations

import pytest
from archbuilder import Arch, active, analyse_arch, hits


def a01(**web_attrs) -> Arch:
    b = Arch("A01")
    users, lb = b.node("Users", "users"), b.node("ELB", "lb")
    web, db = b.node("EC2", "web", **web_attrs), b.node("RDS", "db")
    b.chain(users, lb, web, db)
    return b


def a02() -> Arch:
    b = Arch("A02")
    users, lb = b.node("Users", "users"), b.node("ALB", "lb")
    with b.cluster("web"):
        web = b.nodes_of("EC2", "web1", "web2", "web3")
    db = b.node("RDS", "db", multi_az="true")
    b.chain(users, lb, web, db)
    b.edge(db, web, label="rows")  # db >> Edge(label="rows") >> [web1, web2, web3]
    return b


def a03() -> Arch:
    # diagrams docs, "Grouped Workers"
    b = Arch("Grouped Workers")
    lb = b.node("ELB", "lb")
    workers = b.nodes_of("EC2", "worker1", "worker2", "worker3", "worker4", "worker5")
    b.chain(lb, workers, b.node("RDS", "events"))
    return b


def a04() -> Arch:
    # diagrams docs, "Clustered Web Services"
    b = Arch("Clustered Web Services")
    dns, lb = b.node("Route53", "dns"), b.node("ELB", "lb")
    with b.cluster("Services"):
        svc = b.nodes_of("ECS", "web1", "web2", "web3")
    with b.cluster("DB Cluster"):
        primary = b.node("RDS", "userdb")
        b.undirected(primary, [b.node("RDS", "userdb ro")])
    memcached = b.node("ElastiCache", "memcached")
    b.chain(dns, lb, svc)
    b.edge(svc, primary)
    b.edge(svc, memcached)
    return b


def a05() -> Arch:
    b = Arch("A05")
    users, cdn = b.node("Users", "users"), b.node("CloudFront", "cdn")
    site, uploads = b.node("S3", "site"), b.node("S3", "uploads")
    b.chain(users, cdn, site)
    b.edge(users, uploads, label="presigned PUT")
    return b


def a06() -> Arch:
    b = Arch("A06")
    users, alb = b.node("Users", "users"), b.node("ALB", "alb")
    pair = [b.node("EC2", "a"), b.node("EC2", "b")]
    b.chain(users, alb, pair, b.node("PostgreSQL", "db"))
    return b


def a07() -> Arch:
    b = Arch("A07")
    users = b.node("Users", "users")
    apps = b.nodes_of("EC2", "app1", "app2")
    primary, replica = b.node("PostgreSQL", "db primary"), b.node("PostgreSQL", "db replica")
    b.chain(users, apps, primary)
    b.edge(primary, replica, label="replication")
    return b


def a08(with_cache: bool = True) -> Arch:
    b = Arch("A08")
    users = b.node("Users", "users", qps="2000", read_ratio="10:1")
    api = b.node("ECS", "api", replicas="4")
    b.chain(users, b.node("ALB", "alb"), api)
    if with_cache:
        b.edge(api, b.node("Redis", "cache"))
    writer, reader = b.node("Aurora", "db writer"), b.node("Aurora", "db reader")
    b.edge(api, [writer, reader])
    b.edge(writer, reader, label="replication")
    return b


def a09() -> Arch:
    b = Arch("A09")
    users = b.node("Users", "users", qps="22000", read_ratio="50:1")
    api = b.node("ECS", "api", replicas="40")
    b.chain(users, b.node("ALB", "alb"), api)
    b.edge(api, b.node("Memcached", "cache"))
    primary, replica = b.node("PostgreSQL", "pg primary"), b.node("PostgreSQL", "pg replica")
    b.edge(api, [primary, replica])
    b.edge(primary, replica, label="replication")
    return b


def a10(qps: str = "1500", ratio: str = "100:1") -> Arch:
    b = Arch("A10")
    users = b.node("Users", "users", qps=qps, read_ratio=ratio)
    b.chain(users, b.node("ALB", "alb"), b.node("ECS", "api", replicas="3"), b.node("RDS", "db", multi_az="true"))
    return b


# (design, exact active set, infos that must appear, findings that must not appear at any severity)
CASES = {
    "A01": (a01, {("SPOF001", "web"), ("REP001", "db")}, set(),
            {("SPOF001", "lb"), ("LB001", "web"), ("CACHE001", "db")}),
    "A02": (a02, set(), {("GRAPH002", "db -> web1,web2,web3")},
            {("SPOF001", "web1,web2,web3"), ("REP001", "db"), ("LB001", "web1,web2,web3")}),
    "A03": (a03, {("REP001", "events")}, {("ENTRY001", "entries:lb")},
            {("SPOF001", "lb"), ("SPOF001", "worker1,worker2,worker3,worker4,worker5")}),
    "A04": (a04, {("CACHE002", "memcached")}, {("ENTRY001", "entries:dns"), ("REP002", "userdb,userdb ro")},
            {("REP001", "userdb,userdb ro"), ("REP001", "userdb"), ("SPOF001", "memcached"),
             ("REP001", "memcached")}),
    "A05": (a05, set(), set(),
            {("REP001", "site"), ("REP001", "uploads"), ("SPOF001", "cdn"), ("DATA001", "uploads")}),
    "A06": (a06, {("REP001", "db")}, set(),
            {("SPOF001", "alb"), ("SPOF001", "a"), ("SPOF001", "b"), ("SPOF001", "a,b")}),
    "A07": (a07, {("LB001", "app1,app2")}, {("REP002", "db primary,db replica")},
            {("SPOF001", "app1,app2"), ("SPOF001", "app1"), ("SPOF001", "app2"),
             ("REP001", "db primary,db replica")}),
    "A08": (a08, {("CACHE002", "cache")}, set(),
            {("SPOF001", "cache"), ("CACHE001", "db reader,db writer"), ("CAP001", "api"),
             ("CAP001", "db reader,db writer"), ("CAP002", "api"), ("REP001", "db reader,db writer")}),
    "A09": (a09, {("CACHE002", "cache")}, {("REP002", "pg primary,pg replica")},
            {("CAP001", "api"), ("CAP001", "pg primary,pg replica"), ("CAP001", "cache"),
             ("CACHE001", "pg primary,pg replica")}),
    "A10": (a10, {("CACHE001", "db")}, set(),
            {("CAP001", "db"), ("CAP002", "api"), ("SPOF001", "db"), ("REP001", "db")}),
    "A10b": (lambda: a10("500", "1:4"), set(), set(), {("CACHE001", "db"), ("CAP001", "db")}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_worked_example(case):
    make, expect, infos, forbidden = CASES[case]
    findings = analyse_arch(make()).findings
    assert active(findings) == expect
    assert infos <= hits(findings, "info")
    assert not (forbidden & hits(findings))
    assert not [f for f in findings if f.code == "WB000"]


def test_a01_severities_witness_and_source():
    findings = {f.code: f for f in analyse_arch(a01()).findings}
    spof, rep = findings["SPOF001"], findings["REP001"]
    assert (spof.severity, rep.severity) == ("error", "error")
    assert spof.entries == ["users"] and spof.terminal == "db"
    assert spof.path == ["users", "lb", "web", "db"]
    assert spof.message == ("`web` is a single point of failure for `users`: every path to `db` needs it "
                            "(`users → lb → web → db`)")
    assert spof.labels == ["web"] and spof.nodes == ["web"]
    assert (spof.file, spof.line) == ("design.py", 4)  # web is the third node drawn
    assert spof.target == "web|EC2|" and spof.diagram == "A01"
    assert rep.message == ("`db` is a single stateful instance and a single point of failure: requests via `users` "
                           "lose `db` and its data on failure")


def test_a01b_finding_carries_the_accepting_node():
    """Acceptance itself lives in acceptance.py: the finding must name the node that carries accept=."""
    b = a01(accept="SPOF001: demo box")
    findings = analyse_arch(b).findings
    spof = [f for f in findings if f.code == "SPOF001"]
    assert len(spof) == 1 and spof[0].severity == "error"
    web = next(n for n in b.nodes if n.label == "web")
    assert web.id in spof[0].nodes and web.analysis["accept"].startswith("SPOF001")
    assert ("REP001", "db") in active(findings)  # stays active, so the run still fails


def test_a08_without_cache_reads_1818_against_20000():
    """§9 A08: without the cache the store takes 1,818 reads/s against a read capacity of 20,000."""
    findings = analyse_arch(a08()).findings
    cache002 = next(f for f in findings if f.code == "CACHE002")
    assert "1,818 reads/s" in cache002.message and "capacity 20,000" in cache002.message
    assert cache002.severity == "warning"


def test_a09_cache_is_load_bearing():
    cache002 = next(f for f in analyse_arch(a09()).findings if f.code == "CACHE002")
    assert cache002.severity == "error"
    assert "21,569" in cache002.message and "20,000" in cache002.message


def test_a06_articulation_point_trap():
    """networkx articulation points flag the managed ALB and miss the database (§0.8); the engine does not."""
    import networkx as nx

    b = a06()
    G = nx.Graph((e.tail, e.head) for e in b.edges)
    assert set(nx.articulation_points(G)) == {"alb"}
    assert active(analyse_arch(b).findings) == {("REP001", "db")}


# -- official diagrams examples beyond §9: precision regressions ---------------------------------------------------
# Each is built as the capture hook records it (edge directions included). "Expect" is the exact active set.


def event_processing() -> Arch:
    b = Arch("Event Processing")
    source = b.node("EKS", "k8s source")
    with b.cluster("Event Flows"):
        with b.cluster("Event Workers"):
            workers = b.nodes_of("ECS", "worker1", "worker2", "worker3")
        queue = b.node("SQS", "event queue")
        with b.cluster("Processing"):
            handlers = b.nodes_of("Lambda", "proc1", "proc2", "proc3")
    store, dw = b.node("S3", "events store"), b.node("Redshift", "analytics")
    b.chain(source, workers, queue, handlers)
    b.edge(handlers, [store, dw])
    return b


def exposed_pods() -> Arch:
    b = Arch("Exposed Pod with 3 Replicas")
    ing, svc = b.node("Ingress", "domain.com"), b.node("Service", "svc")
    pods = b.nodes_of("Pod", "pod1", "pod2", "pod3")
    rs, dp, hpa = b.node("ReplicaSet", "rs"), b.node("Deployment", "dp"), b.node("HPA", "hpa")
    b.chain(ing, svc, pods)
    b.back(pods, rs)  # [pods] << rs << dp << hpa
    b.back(rs, dp)
    b.back(dp, hpa)
    return b


def onprem_web_service() -> Arch:
    b = Arch("Advanced Web Service with On-Premises (colored)")
    ingress, metrics, grafana = b.node("Nginx", "ingress"), b.node("Prometheus", "metric"), b.node("Grafana", "monitoring")
    b.back(metrics, grafana, style="dashed")
    with b.cluster("Service Cluster"):
        grpc = b.nodes_of("Server", "grpc1", "grpc2", "grpc3")
    with b.cluster("Sessions HA"):
        session, replica = b.node("Redis", "session"), b.node("Redis", "replica")
        b.undirected(session, replica, style="dashed")
        b.back(replica, metrics, label="collect")
        b.edge(grpc, session)
    with b.cluster("Database HA"):
        users, db_replica = b.node("PostgreSQL", "users"), b.node("PostgreSQL", "replica")
        b.undirected(users, db_replica, style="dotted")
        b.back(db_replica, metrics, label="collect")
        b.edge(grpc, users)
    logging, stream, spark = b.node("Fluentd", "logging"), b.node("Kafka", "stream"), b.node("Spark", "analytics")
    b.edge(logging, stream, label="parse")
    b.edge(stream, spark, style="bold")
    b.edge(ingress, grpc, dir="both")
    b.edge(grpc, logging)
    return b


def message_collecting() -> Arch:
    b = Arch("Message Collecting")
    pubsub = b.node("PubSub", "pubsub")
    with b.cluster("Source of Data"):
        b.edge(b.nodes_of("IotCore", "core1", "core2", "core3"), pubsub)
    with b.cluster("Targets"):
        with b.cluster("Data Flow"):
            flow = b.node("Dataflow", "data flow")
        with b.cluster("Data Lake"):
            b.edge(flow, [b.node("BigQuery", "bq"), b.node("GCS", "storage")])
        with b.cluster("Event Driven"):
            with b.cluster("Processing"):
                b.chain(flow, b.node("AppEngine", "engine"), b.node("BigTable", "bigtable"))
            with b.cluster("Serverless"):
                b.chain(flow, b.node("Functions", "func"), b.node("AppEngine", "appengine"))
    b.edge(pubsub, flow)
    return b


def stateful_architecture() -> Arch:
    b = Arch("Stateful Architecture")
    with b.cluster("Apps"):
        svc, sts = b.node("Service", "svc"), b.node("StatefulSet", "sts")
        claims = []
        for _ in range(3):  # `pod - sts - pvc`, then `svc >> pod >> pvc`
            pod, pvc = b.node("Pod", "pod"), b.node("PVC", "pvc")
            b.undirected(pod, sts)
            b.undirected(sts, pvc)
            b.chain(svc, pod, pvc)
            claims.append(pvc)
    pv, sc = b.node("PV", "pv"), b.node("StorageClass", "sc")
    b.back(claims, pv)  # apps << PV("pv") << StorageClass("sc")
    b.back(pv, sc)
    return b


DOCS = {
    # an inferred EKS source is analysed like any component (§4), but an EKS cluster is managed (provisional
    # HA, so info); queue consumers are not entries
    "event processing": (event_processing, set(), {("REP001", "analytics"), ("SPOF001", "k8s source")},
                         {("SPOF001", "proc1,proc2,proc3"), ("ENTRY001", "entries:k8s source,proc1,proc2,proc3")}),
    # each pod owns its claim: a volume per replica is tolerated like the pod; the StatefulSet, the PV and the
    # StorageClass are control-plane objects, not request hops
    "stateful architecture": (stateful_architecture, set(), {("ENTRY001", "entries:svc")},
                              {("REP001", "pvc"), ("SPOF001", "pod"), ("TOP001", "pv"), ("TOP001", "sc"),
                               ("CYC001", "pod,sts"), ("GRAPH001", "pod - sts")}),
    # a k8s Service is a virtual IP; ReplicaSet/Deployment only own the pods
    "exposed pods": (exposed_pods, {("SPOF001", "domain.com")}, {("ENTRY001", "entries:domain.com")},
                     {("SPOF001", "svc"), ("SPOF001", "rs"), ("SPOF001", "dp"), ("TOP001", "rs"), ("TOP001", "dp"),
                      ("LB002", "pod1,pod2,pod3")}),
    # Redis - Redis is replication; Prometheus "collect" edges are side edges; the one Kafka broker that the
    # log shipper feeds is the only copy of the queued logs (REP001 warning, as for its one consumer's SPOF002)
    "on-prem web service": (onprem_web_service, {("SPOF001", "ingress"), ("SPOF002", "analytics"),
                                                 ("REP001", "stream")},
                            {("REP002", "replica,users"), ("GRAPH002", "grpc1,grpc2,grpc3 -> ingress")},
                            {("CACHE002", "session"), ("GRAPH001", "session - replica"), ("REP001", "replica,users")}),
    # everything is fed by Pub/Sub: async domains, managed-but-uncited services at info level
    "message collecting": (message_collecting, set(), {("SPOF002", "engine")},
                           {("ENTRY001", "entries:data flow"), ("SPOF001", "engine")}),
}


@pytest.mark.parametrize("case", sorted(DOCS))
def test_official_diagrams_examples(case):
    make, expect, infos, forbidden = DOCS[case]
    findings = analyse_arch(make()).findings
    assert active(findings) == expect
    assert infos <= hits(findings, "info")
    assert not (forbidden & hits(findings))
