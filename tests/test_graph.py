"""The analysis graph: orientation, edge kinds, replica groups, managed HA, soft dependencies, entries, Crit."""

from __future__ import annotations

import networkx as nx
import pytest
from archbuilder import Arch, analyse_arch
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.analysis.criticality import immediate_dominators
from workbench.analysis.graph import build_graph, strong_components
from workbench.analysis.redundancy import (
    cluster_location,
    fraction,
    is_placement_cluster,
    label_stem,
    multiplier,
    node_ha,
    read_fraction,
)


def build(b: Arch, **kw):
    return build_graph(b.diagram(), **kw)


def kinds(g) -> dict[tuple[str, str], str]:
    return {(g.label(a.u), g.label(a.v)): a.kind for a in g.arcs}


def groups_by_labels(g) -> set[frozenset[str]]:
    return {frozenset(grp.labels) for grp in g.groups.values()}


# -- orientation (§1) --------------------------------------------------------------------------------------------


def test_back_edge_means_the_head_calls_the_tail():
    b = Arch()
    db, lb = b.node("RDS", "db"), b.node("ELB", "lb")
    b.back(db, lb)  # db << lb: lb calls db
    assert list(kinds(build(b))) == [("lb", "db")]


def test_undirected_edges_follow_rank_and_ties_keep_both_directions():
    b = Arch()
    users, lb, web, api = b.node("Users", "users"), b.node("ELB", "lb"), b.node("EC2", "web"), b.node("ECS", "api")
    b.undirected(lb, users)
    b.undirected(web, api)
    g = build(b)
    assert set(kinds(g)) == {("users", "lb"), ("web", "api"), ("api", "web")}
    assert g.equal_rank_edges == ("e2",)


def test_both_gives_two_arcs_and_the_higher_rank_one_is_a_response():
    b = Arch()
    web, db = b.node("EC2", "web"), b.node("RDS", "db")
    b.edge(web, db, dir="both")
    assert kinds(build(b)) == {("web", "db"): "sync", ("db", "web"): "response"}


def test_network_node_takes_the_rank_of_its_caller():
    b = Arch()
    users, vpc, web = b.node("Users", "users"), b.node("VPC", "vpc"), b.node("EC2", "web")
    b.chain(users, vpc)
    b.undirected(web, vpc)  # vpc ranks as its caller (users, 0) < web (4): vpc → web
    g = build(b)
    assert g.nodes["vpc"].rank == 0
    assert ("vpc", "web") in kinds(g)


# -- edge kinds (§4) ----------------------------------------------------------------------------------------------


def test_edge_kind_assignment_order():
    b = Arch()
    api, db, prom = b.node("ECS", "api"), b.node("PostgreSQL", "db"), b.node("Prometheus", "metrics")
    q, worker = b.node("SQS", "jobs"), b.node("EC2", "worker")
    rec, cache = b.node("EC2", "recommender"), b.node("Redis", "cache")
    b.edge(api, db, kind="async")  # explicit wins
    b.edge(api, prom, label="replication")  # side: an auxiliary endpoint
    b.edge(api, q, label="publish", style="dashed")  # into a queue: stays sync (enqueue)
    b.edge(q, worker)  # out of a queue: delivery
    b.edge(api, rec, label="fallback")
    b.edge(api, cache, label="notify")
    assert kinds(build(b)) == {
        ("api", "db"): "async", ("api", "metrics"): "side", ("api", "jobs"): "sync", ("jobs", "worker"): "async",
        ("api", "recommender"): "fallback", ("api", "cache"): "async",
    }


def test_replication_needs_the_same_role_on_both_ends():
    b = Arch()
    api, primary, replica = b.node("ECS", "api"), b.node("PostgreSQL", "db"), b.node("PostgreSQL", "db replica")
    b.edge(api, replica, label="reads from replica")  # a request, not replication
    b.edge(primary, replica, label="streaming replication")
    b.undirected(b.node("MySQL", "m1"), b.node("MySQL", "m2"))  # `-` between stateful nodes of one class
    assert kinds(build(b)) == {("api", "db replica"): "sync", ("db", "db replica"): "replication",
                               ("m1", "m2"): "replication", ("m2", "m1"): "replication"}


def test_undirected_caches_of_one_class_replicate():
    b = Arch()
    b.undirected(b.node("Redis", "session"), b.node("Redis", "replica"))
    g = build(b)
    assert {a.kind for a in g.arcs} == {"replication"} and g.group("session").r == 2


def test_response_needs_a_two_cycle_and_a_queue_never_answers():
    b = Arch()
    web, db, kafka = b.node("EC2", "web"), b.node("RDS", "db"), b.node("Kafka", "events")
    b.edge(web, db)
    b.edge(db, web, label="rows")
    b.edge(web, kafka)
    b.edge(kafka, web)  # web consumes what it produced: delivery
    k = kinds(build(b))
    assert k[("db", "web")] == "response" and k[("events", "web")] == "async"


def test_pull_label_into_a_queue_reads_as_delivery_to_the_consumer():
    b = Arch()
    worker, q = b.node("EC2", "worker"), b.node("SQS", "jobs")
    b.edge(worker, q, label="poll")
    g = build(b)
    assert kinds(g) == {("jobs", "worker"): "async"}
    assert g.delivery == {"jobs": ("worker",)}


# -- label stems and locations (§3.2) -----------------------------------------------------------------------------


@pytest.mark.parametrize("label, stem", [
    ("web-1", "web"), ("web 2", "web"), ("web-us-east-1b", "web"), ("Web_3", "web"), ("worker5", "worker"),
    ("userdb ro", "userdb"), ("db primary", "db"), ("users-db", "users db"), ("orders-db", "orders db"),
    ("web", "web"), ("a", ""), ("b", ""), ("web-a", "web"), ("my-service-1", "my service"),
    ("api europe-west1-b", "api"), ("cache AZ a", "cache"), ("azure-func", "azure func"),
])
def test_label_stem(label, stem):
    assert label_stem(label) == stem


@pytest.mark.parametrize("label, zone, region", [
    ("us-east-1", None, "us-east-1"), ("us-east-1a", "us-east-1a", "us-east-1"), ("AZ a", "az a", None),
    ("zone-1", "zone 1", None), ("dc1", "dc1", None), ("EU region", None, "eu region"),
    ("europe-west1", None, "europe-west1"), ("web", None, None), ("Services", None, None),
])
def test_cluster_location(label, zone, region):
    loc = cluster_location(label, {})
    assert (loc.zone, loc.region) == (zone, region)


@pytest.mark.parametrize("label, zone, region", [
    # §3.1 location labels with a word after zone / az / region / dc, and region codes without a number
    ("zone West", "zone west", None), ("Zone A", "zone a", None), ("West zone", "west zone", None),
    ("AZ 1b", "az 1b", None), ("az-2", "az 2", None), ("Zone Alpha", "zone alpha", None),
    ("dc east", "dc east", None), ("DC 2", "dc 2", None), ("datacenter Frankfurt", "datacenter frankfurt", None),
    ("us-west", None, "us-west"), ("eu-central", None, "eu-central"), ("ap-southeast", None, "ap-southeast"),
    ("europe-west", None, "europe-west"), ("Region eu", None, "region eu"), ("region West", None, "region west"),
    ("us-west (Oregon)", None, "us-west"),
])
def test_cluster_location_words_after_the_location_keyword(label, zone, region):
    loc = cluster_location(label, {})
    assert (loc.zone, loc.region) == (zone, region)


@pytest.mark.parametrize("label", [
    "DNS zone records", "hosted zone", "Zone service", "zone manager", "trusted zone", "DMZ", "ui-west",
    "api-west", "Azure Functions", "Ozone sensors", "Data center migration tools", "dc comics api",
    "Western services", "eastwest gateway", "Frontend", "Amazon", "web", "checkout-east-service",
])
def test_ordinary_service_names_are_not_locations(label):
    assert not cluster_location(label, {}).known


@pytest.mark.parametrize("label, stem", [
    ("web zone west", "web"), ("web zone east", "web"), ("web-us-west", "web"), ("api eu-central", "api"),
    ("zone service", "zone service"), ("ui-west", "ui west"),
])
def test_label_stem_drops_the_new_location_words(label, stem):
    assert label_stem(label) == stem


def test_a_location_cluster_with_a_word_sets_the_zone_of_its_members():
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ALB", "alb")
    with b.cluster("zone West"):
        web = b.nodes_of("EC2", "web-1", "web-2")
    b.edge(users, lb)
    b.edge(lb, web)
    g = build(b)
    assert {g.nodes[w.id].location.zone for w in web} == {"zone west"}
    assert g.nodes[web[0].id].cluster_path == ()  # a location, not a grouping box


def test_read_fraction_forms():
    assert read_fraction("10:1") == pytest.approx(10 / 11)
    assert read_fraction("0.9") == pytest.approx(0.9) and read_fraction("90%") == pytest.approx(0.9)
    assert read_fraction("x:y") is None and read_fraction(None) is None
    # A bare number above 1 is not a share: "10" is unreadable (ATTR001), never silently 10 %.
    assert read_fraction("10") is None and read_fraction("150%") is None


def test_fraction_and_multiplier_forms():
    assert fraction("0.8") == 0.8 and fraction("80%") == pytest.approx(0.8) and fraction("80") is None
    assert multiplier("0.1") == 0.1 and multiplier("120") == 120 and multiplier("2%") == pytest.approx(0.02)
    assert multiplier("3x") == 3 and multiplier("1.5×") == 1.5 and multiplier("0") == 0
    assert multiplier("-1") is None and multiplier("x") is None and multiplier(None) is None


def test_edge_fraction_is_a_multiplier_on_the_arc():
    b = Arch()
    post, fan = b.node("ECS", "post"), b.node("ECS", "timeline")
    b.edge(post, fan, fraction="120")
    b.edge(post, b.node("ECS", "audit"), fraction="2%")
    b.edge(post, b.node("ECS", "bad"), fraction="-1")
    assert [a.fraction for a in build(b).arcs] == [120, pytest.approx(0.02), 1.0]


# -- replica groups (§3) --------------------------------------------------------------------------------------------


def test_stateless_siblings_merge_and_stateful_siblings_do_not():
    b = Arch()
    lb = b.node("ELB", "lb")
    webs = b.nodes_of("EC2", "web-1", "web-2")
    dbs = b.nodes_of("PostgreSQL", "db-1", "db-2")
    b.chain(lb, webs, dbs)
    g = build(b)
    assert groups_by_labels(g) == {frozenset({"lb"}), frozenset({"web-1", "web-2"}), frozenset({"db-1"}),
                                   frozenset({"db-2"})}
    assert g.group("web-1").r == 2


def test_stateless_nodes_in_front_of_different_stores_stay_apart():
    """Two shards' web tiers look alike, but they call different stores: not replicas of each other."""
    b = Arch()
    users = b.node("Users", "users")
    web1, web2 = b.node("EC2", "web-1"), b.node("EC2", "web-2")
    b.edge(users, [web1, web2])
    b.edge(web1, b.node("PostgreSQL", "db-1"))
    b.edge(web2, b.node("PostgreSQL", "db-2"))
    g = build(b)
    assert g.group_of["web-1"] != g.group_of["web-2"]


def test_evidence_unions_shards_clients_and_location_clusters():
    b = Arch()
    users = b.nodes_of("Users", "users-1", "users-2")
    with b.cluster("AZ a"):
        w1 = b.node("EC2", "web-1")
    with b.cluster("AZ b"):
        w2 = b.node("EC2", "web-2")
    shards = b.nodes_of("EC2", "shard-1", "shard-2")
    grouped = [b.node("Cassandra", "c-east", group="ring"), b.node("Cassandra", "c-west", group="ring")]
    b.edge(users, [w1, w2])
    g = build(b)
    labels = groups_by_labels(g)
    assert frozenset({"web-1", "web-2"}) in labels  # location clusters do not separate replicas
    assert frozenset({"users-1"}) in labels  # two audiences, not replicas
    assert {frozenset({"shard-1"}), frozenset({"shard-2"})} <= labels  # shards are never merged
    assert frozenset({"c-east", "c-west"}) in labels
    assert g.group("web-1").zones == ("az a", "az b")
    assert g.group("shard-1").r == 1 and shards


def test_one_instance_per_zone_in_its_own_subnet_is_one_replica_group():
    # The usual AWS layout: an ALB in front of one EC2 per AZ, each in that AZ's subnet box.
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ELB", "alb")
    servers = []
    for zone, subnet in (("ap-south-1a (AZ)", "app-public-1 (subnet)"), ("ap-south-1b (AZ)", "app-public-2 (subnet)")):
        with b.cluster(zone), b.cluster(subnet):
            servers.append(b.node("EC2", f"app-server-{len(servers) + 1}"))
    b.chain(users, lb, servers)
    g = build(b)
    assert frozenset({"app-server-1", "app-server-2"}) in groups_by_labels(g)
    assert g.nodes[servers[0].id].cluster_path == ()
    assert not [f for f in analyse_arch(b).findings if f.code == "SPOF001"]


@pytest.mark.parametrize("label", ["app-1-public-1 (subnet)", "Private Subnet", "subnet-2", "Subnets"])
def test_subnet_clusters_are_placement(label):
    assert is_placement_cluster(label)


@pytest.mark.parametrize("label", ["subnetwork manager", "web", "public api"])
def test_other_clusters_are_not_placement(label):
    assert not is_placement_cluster(label)


def test_replica_counts_from_node_cluster_and_scaling_group():
    b = Arch()
    with b.cluster("web tier", wb_replicas="3"):
        web = b.node("EC2", "web")
        b.node("ELB", "lb")
    with b.cluster("pair", wb_replicas="3"):
        b.nodes_of("PostgreSQL", "p-1", "p-2")  # the class is not single: wb_replicas does not apply
    asg = b.node("EC2AutoScaling", "asg")
    deploy = b.node("Deploy", "api")
    declared = b.node("EC2", "batch", replicas="5")
    g = build(b)
    assert (g.nodes[web.id].replicas, g.nodes[web.id].replicas_source) == (3, "cluster")
    assert g.nodes["p-1"].replicas == 1
    assert (g.nodes[asg.id].replicas, g.nodes[asg.id].replicas_source) == (2, "scaling_group")
    assert g.nodes[deploy.id].replicas == 1  # a Deployment counts only with replicas=
    assert g.nodes[declared.id].replicas == 5


def test_quorum_groups():
    b = Arch()
    zk3, zk2 = b.node("Zookeeper", "zk", replicas="3"), b.node("Zookeeper", "zk-small", replicas="2")
    maj = b.node("Cassandra", "ring", replicas="4", quorum="majority")
    g = build(b)
    assert (g.group(zk3.id).k, g.group(zk3.id).tolerant) == (2, True)
    assert (g.group(zk2.id).k, g.group(zk2.id).tolerant) == (2, False)
    assert (g.group(maj.id).k, g.group(maj.id).tolerant) == (3, True)


@pytest.mark.parametrize("cls, provider, attrs, status", [
    ("SimpleStorageServiceS3", "aws", {}, "managed"),
    ("Dynamodb", "aws", {}, "managed"),
    ("SimpleQueueServiceSqs", "aws", {}, "managed"),
    ("ElbApplicationLoadBalancer", "aws", {}, "managed"),
    ("RDS", "aws", {}, "single"),
    ("RDS", "aws", {"multi_az": "true"}, "managed"),
    ("Aurora", "aws", {}, "single"),
    ("Elasticache", "aws", {}, "single"),
    ("Elasticache", "aws", {"multi_az": "true"}, "managed"),
    ("SQL", "gcp", {}, "single"),
    ("Memorystore", "gcp", {"tier": "standard"}, "managed"),
    ("CacheForRedis", "azure", {}, "managed"),
    ("CacheForRedis", "azure", {"tier": "basic"}, "single"),
    ("SimpleNotificationServiceSns", "aws", {}, "provisional"),
    ("CloudFront", "aws", {}, "managed"),  # [H] a provider's CDN is an edge network (spec A05)
    ("Nginx", "onprem", {}, "single"),
    ("EC2", "aws", {}, "single"),
    ("Lambda", "aws", {}, "managed"),
    ("Functions", "gcp", {}, "provisional"),
    ("Cognito", "aws", {}, "provisional"),
    ("AppEngine", "gcp", {}, "provisional"),
    ("SVC", "k8s", {}, "managed"),  # [H] a Service is a virtual IP on every node
    ("Ing", "k8s", {}, "single"),
    ("Nginx", "onprem", {"managed_ha": "true"}, "managed"),
    ("SimpleStorageServiceS3", "aws", {"managed_ha": "false"}, "single"),
])
def test_managed_ha_table(cls, provider, attrs, status):
    from workbench.analysis.roles import class_role

    role = {"Cognito": "identity"}.get(cls) or class_role(provider, "x", cls)
    assert node_ha(provider, cls, role, attrs).status == status


def test_one_zone_s3_is_managed_but_zone_confined():
    ha = node_ha("aws", "SimpleStorageServiceS3", "object_storage", {"storage_class": "one_zone"})
    assert ha.status == "managed" and ha.zone_confined


# -- soft dependencies and entries (§4) -----------------------------------------------------------------------------


def test_cache_aside_is_soft_and_a_cache_without_store_is_hard():
    b = Arch()
    users, api = b.node("Users", "users"), b.node("ECS", "api", replicas="2")
    aside, sessions, db = b.node("Redis", "cache"), b.node("Redis", "sessions"), b.node("RDS", "db")
    b.chain(users, api)
    b.edge(api, [aside, db])
    worker = b.node("EC2", "session-svc", replicas="2")
    b.edge(users, worker)
    b.edge(worker, sessions)
    g = build(b)
    assert g.group(aside.id).soft and g.group(aside.id).soft_reason == "cache-aside"
    assert not g.group(sessions.id).soft and g.group(sessions.id).effective_stateful


def test_read_through_cache_is_hard():
    b = Arch()
    api, cache, db = b.node("ECS", "api"), b.node("Redis", "cache"), b.node("RDS", "db")
    b.chain(api, cache, db)
    assert build(b).group(cache.id).hard_cache


def test_optional_nodes_and_what_only_they_reach_are_not_required():
    b = Arch()
    users, lb, api = b.node("Users", "users"), b.node("ELB", "lb"), b.node("ECS", "api", replicas="2")
    rec, recdb, db = b.node("EC2", "recommender", optional="true"), b.node("PostgreSQL", "rec-db"), b.node(
        "RDS", "db", multi_az="true")
    b.chain(users, lb, api, db)
    b.chain(api, rec, recdb)
    g = build(b)
    crit = g.reaches["users"].critical
    assert "recommender" not in crit and "rec-db" not in crit and "db" in crit


def test_entries_declared_inferred_and_excluded():
    b = Arch()
    users, admin = b.node("Users", "users"), b.node("Users", "admins", entry="false")
    ingress = b.node("Nginx", "ingress", entry="true")
    b.chain(users, ingress, b.node("EC2", "web", replicas="2"))
    b.edge(admin, ingress)
    entries = {(e.group, e.inferred, e.virtual) for e in build(b).entries}
    assert entries == {("users", False, False), ("ingress", False, True)}

    b = Arch()
    lb, db = b.node("ELB", "lb"), b.node("RDS", "db")
    b.chain(lb, b.node("EC2", "web"), db)
    b.node("RDS", "orphan")
    assert [(e.group, e.inferred, e.virtual) for e in build(b).entries] == [("lb", True, True)]


def test_queue_consumers_are_never_inferred_entries():
    b = Arch()
    src, q, fn = b.node("ECS", "producer"), b.node("SQS", "jobs"), b.node("Lambda", "consumer")
    b.chain(src, q, fn, b.node("RDS", "db"))
    assert [e.group for e in build(b).entries] == ["producer"]


def test_kubernetes_controllers_that_own_pods_are_management():
    b = Arch()
    svc = b.node("Service", "svc")
    pods = b.nodes_of("Pod", "pod1", "pod2")
    rs, dp = b.node("ReplicaSet", "rs"), b.node("Deployment", "dp")
    api = b.node("Deployment", "api", replicas="3")
    b.chain(svc, pods)
    b.back(pods, rs)
    b.back(rs, dp)
    b.edge(svc, api)  # called by something: stays a workload
    b.edge(api, b.node("Pod", "worker"))
    g = build(b)
    assert (g.nodes["rs"].role, g.nodes["dp"].role, g.nodes["api"].role) == ("management", "management", "compute")
    assert {a.kind for a in g.arcs if "rs" in (a.u, a.v)} == {"side"}


def test_quotient_graph_drops_intra_group_edges_and_keeps_the_largest_fraction():
    b = Arch()
    lb = b.node("ELB", "lb")
    webs = b.nodes_of("EC2", "web1", "web2")
    db = b.node("RDS", "db")
    b.edge(lb, webs)
    b.edge(webs[0], db, fraction="0.2")
    b.edge(webs[1], db, fraction="0.5")
    b.edge(webs[0], webs[1], dir="none")
    g = build(b)
    assert set(g.Q.edges) == {("lb", "web1"), ("web1", "db")}
    assert g.Q.edges["web1", "db"]["fraction"] == 0.5


# -- Crit: dominators per entry (§5) -----------------------------------------------------------------------------------


def test_a_bypassable_proxy_is_not_required():
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ELB", "lb")
    proxy, api, db = b.node("Nginx", "proxy"), b.node("ECS", "api", replicas="2"), b.node("RDS", "db")
    b.chain(users, lb, proxy, api, db)
    b.edge(lb, api)
    crit = build(b).reaches["users"].critical
    assert "proxy" not in crit and set(crit) >= {"lb", "api", "db"}


def test_each_entry_is_analysed_on_its_own():
    """A CDN route for web users must not hide the mobile entry's single gateway."""
    b = Arch()
    web_users, mobile = b.node("Users", "web users"), b.node("Users", "mobile")
    cdn, gw = b.node("CloudFront", "cdn"), b.node("Nginx", "gateway")
    api, db = b.node("ECS", "api", replicas="2"), b.node("RDS", "db", multi_az="true")
    b.chain(web_users, cdn, api, db)
    b.chain(mobile, gw, api)
    g = build(b)
    assert "gateway" in g.reaches["mobile"].critical
    assert "gateway" not in g.reaches["web-users"].critical


def test_terminals_and_witness_path():
    b = Arch()
    users, lb, web = b.node("Users", "users"), b.node("ELB", "lb"), b.node("EC2", "web")
    auth, leaf = b.node("Cognito", "auth"), b.node("EC2", "thumbs")
    b.chain(users, lb, web, auth)
    b.edge(web, leaf)
    reach = build(b).reaches["users"]
    assert set(reach.terminals) == {"auth", "thumbs"}
    assert reach.critical["web"] in ("auth", "thumbs")
    assert reach.path("thumbs") == ["users", "lb", "web", "thumbs"]


def test_inferred_entry_is_itself_required():
    b = Arch()
    b.chain(b.node("Nginx", "ingress"), b.node("EC2", "web", replicas="2"))
    reach = build(b).reaches["ingress"]
    assert reach.virtual and "ingress" in reach.critical


def test_design_inputs_lose_to_diagram_keys():
    b = Arch(wb_qps="100")
    g = build(b, design_inputs={"qps": 5000, "read_ratio": "4:1", "slo": "99.9"})
    assert (g.inputs.qps, g.inputs.read_ratio, g.inputs.slo) == (100.0, 0.8, 99.9)


def test_c4_nodes_use_their_name():
    b = Arch()
    n = b.node("Rack", "<b>API</b><br/>…", c4={"name": "API", "type": "Container", "technology": "Python"})
    assert build(b).nodes[n.id].label == "API"


def test_build_is_deterministic():
    from archbuilder import Arch as A

    def make():
        b = A()
        users = b.node("Users", "users")
        webs = b.nodes_of("EC2", "web1", "web2")
        b.chain(users, b.node("ELB", "lb"), webs, b.node("RDS", "db"))
        return b

    g1, g2 = build(make()), build(make())
    assert dict(g1.group_of) == dict(g2.group_of)
    assert {k: dict(v.critical) for k, v in g1.reaches.items()} == {k: dict(v.critical) for k, v in g2.reaches.items()}


# -- dominators against networkx ------------------------------------------------------------------------------------


@st.composite
def digraphs(draw):
    n = draw(st.integers(1, 12))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges)
    return G


@settings(max_examples=300, deadline=None)
@given(digraphs())
def test_immediate_dominators_match_networkx(G):
    ours = immediate_dominators(0, lambda v: list(G.successors(v)), lambda v: list(G.predecessors(v)))
    theirs = nx.immediate_dominators(G, 0)
    theirs.pop(0, None)  # networkx < 3.6 maps the start to itself (§0.6)
    assert ours == theirs


@settings(max_examples=300, deadline=None)
@given(digraphs())
def test_strong_components_match_networkx(G):
    ours = strong_components({v: list(G.successors(v)) for v in G})
    assert sorted(map(sorted, ours)) == sorted(map(sorted, nx.strongly_connected_components(G)))


# -- colour refinement against the textbook version ------------------------------------------------------------------


def naive_refinement(nodes, arcs, uf):
    """§3.2 step 3 as written: recolour every node until the number of colours stops changing."""
    from workbench.analysis.groups import mergeable

    preds, succs = {n: set() for n in nodes}, {n: set() for n in nodes}
    for a in arcs:
        if a.kind == "sync" and a.u != a.v:
            succs[a.u].add(a.v)
            preds[a.v].add(a.u)
    colour = {nid: ("m", i.cls, label_stem(i.label), i.cluster_path) if mergeable(i) else ("f", uf.find(nid))
              for nid, i in nodes.items()}
    count = len(set(colour.values()))
    while True:
        colour = {n: (colour[n], frozenset(colour[p] for p in preds[n]), frozenset(colour[s] for s in succs[n]))
                  for n in nodes}
        if len(set(colour.values())) == count:
            return colour
        count = len(set(colour.values()))


def partition(colour) -> list[list[str]]:
    blocks: dict = {}
    for nid, c in colour.items():
        blocks.setdefault(c, []).append(nid)
    return sorted(sorted(b) for b in blocks.values())


@st.composite
def sketches(draw):
    b = Arch()
    nodes = [b.node(draw(st.sampled_from(["EC2", "EC2", "ECS", "RDS", "Redis"])),
                    draw(st.sampled_from(["web-1", "web-2", "web", "api", "db"])))
             for _ in range(draw(st.integers(1, 14)))]
    for _ in range(draw(st.integers(0, 3 * len(nodes)))):
        b.edge(draw(st.sampled_from(nodes)), draw(st.sampled_from(nodes)),
               dir=draw(st.sampled_from(["forward", "back", "none"])))
    return b.diagram()


@settings(max_examples=300, deadline=None)
@given(sketches())
def test_incremental_refinement_matches_the_textbook_partition(d):
    from workbench.analysis.groups import _UnionFind, refine_colours
    from workbench.analysis.orient import node_infos, orient_and_type

    nodes = node_infos(d)
    arcs = orient_and_type(d, nodes)
    uf = _UnionFind(nodes)
    assert partition(refine_colours(nodes, arcs, uf)) == partition(naive_refinement(nodes, arcs, uf))


def test_refinement_of_a_long_look_alike_chain_is_fast():
    """A 3,000-hop pipeline of "hop-N" nodes needs 3,000 naive rounds; the incremental version is linear."""
    import time

    b = Arch()
    b.chain(b.node("Users", "users"), *[b.node("EC2", f"hop-{i}") for i in range(3000)])
    start = time.perf_counter()
    g = build(b)
    assert time.perf_counter() - start < 5
    assert len(g.groups) == 3001
