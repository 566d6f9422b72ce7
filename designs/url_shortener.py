"""URL shortener (like bit.ly): create short links and redirect them at scale.

Key constraint: read-heavy, ~100 redirects per create, ~40k redirects/s at peak.
Shows the redirect path (edge cache -> ALB -> stateless API -> Redis -> Cassandra),
pre-generated keys from a key-generation service, and click analytics via Kafka.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS
from diagrams.aws.database import RDS
from diagrams.aws.network import ELB, CloudFront, Route53
from diagrams.onprem.client import Users
from diagrams.onprem.database import Cassandra, ClickHouse
from diagrams.onprem.inmemory import Redis
from diagrams.onprem.queue import Kafka

with Diagram(
    "URL Shortener",
    show=False,
    direction="LR",
    # wb_* keys are read by the workbench; Graphviz ignores them.
    graph_attr={"splines": "spline", "ranksep": "1.0",
                "wb_read_ratio": "100:1", "wb_qps": "40000"},
):
    users = Users("users")
    dns = Route53("DNS")
    cdn = CloudFront("edge cache\n(popular 301s)")
    lb = ELB("ALB")

    with Cluster("API tier (stateless)"):
        api = [ECS("api-1"), ECS("api-2"), ECS("api-3")]

    with Cluster("Key generation (pre-generated keys)"):
        kgs = ECS("kgs (x2)", replicas="2")
        # Small table of unused keys; Multi-AZ standby takes over on failure.
        key_pool = RDS("key pool\n(PostgreSQL, Multi-AZ)", multi_az="true")

    with Cluster("Redirect cache (Redis, cache-aside)"):
        # Sentinel promotes the replica if the primary dies.
        cache = Redis("cache primary", failover="auto")
        cache_replica = Redis("cache replica")
        cache - Edge(label="replication", style="dotted") - cache_replica

    with Cluster("URL store (Cassandra, RF=3): misses + creates"):
        urls = [Cassandra("urls-1"), Cassandra("urls-2"), Cassandra("urls-3")]
        urls[0] - Edge(label="replication", style="dotted") - urls[1]
        urls[1] - Edge(label="replication", style="dotted") - urls[2]

    with Cluster("Click analytics"):
        clicks = Kafka("click events\n(3 brokers)", replicas="3")
        consumers = [ECS("analytics-1"), ECS("analytics-2")]
        stats = ClickHouse("click stats\n(2 replicas)", replicas="2")

    users >> dns >> cdn >> Edge(label="cache miss") >> lb >> api
    # Fan-out edges stay unlabelled; the cluster titles say what each call is.
    api >> cache
    api >> urls[0]
    # API servers take keys in batches, so KGS is off the per-redirect path.
    api >> kgs
    kgs >> Edge(label="claim keys") >> key_pool
    api >> clicks
    clicks >> Edge(label="async", style="dashed") >> consumers
    consumers >> stats
