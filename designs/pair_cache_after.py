"""Before/after pair 3, AFTER: the load-bearing cache becomes a replicated group with automatic failover.

The fix for pair_cache_before.py: an ElastiCache (Redis) replication group with a primary in one zone, a
replica in another, and Multi-AZ automatic failover. Losing a node promotes a warm replica in seconds
instead of sending ~11,600 reads/s to a database sized for 10,000. `workbench check` reports no error.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS
from diagrams.aws.database import RDS, ElastiCache
from diagrams.aws.network import ELB
from diagrams.onprem.client import Users

from workbench.sheet import Api, Capacity, Entity, FailureMode, Sheet

Sheet(
    title="Product pages: cache tier (after: replicated cache with automatic failover)",
    kind="architecture",
    prompt="A read-heavy product-page API serves ~11,800 requests/s at peak from RDS behind a cache-aside "
           "cache on one ElastiCache node. Make the cache tier survive a node failure.",
    slo="99.95%",
    functional=["show a product page (price, stock, rating)", "rate a product (updates its counters)"],
    non_functional=["99.95% available", "p99 < 100 ms"],
    assumptions=["10M daily users, 50 page reads and 1 rating each per day (50:1)",
                 "cache-aside with an 80% hit rate (TTL 60 s, invalidated on update)"],
    constraints=["AWS, one region; RDS PostgreSQL (one writer, standby serves no reads)"],
    capacity=Capacity(dau="10M", reads_per_user=50, writes_per_user=1, payload="500B", retention="2 years"),
    apis=[Api("GET", "/products/{id}", response="{id, name, price, stock, rating}",
              notes="cache-aside: GET product:{id}; on a miss read the database and SET with a 60 s TTL"),
          Api("POST", "/products/{id}/ratings", request="{stars}", response="201",
              notes="updates the counters in the database, then DEL product:{id}")],
    data_model=[Entity("product", fields={"id": "bigint", "name": "text", "price": "numeric",
                                          "rating_sum": "bigint", "rating_count": "bigint"},
                       keys=["id"], store="RDS PostgreSQL (cached in Redis as product:{id}, 60 s TTL)",
                       why="relational source of truth; the cache holds the hot read path")],
    components={
        "users": "browsers and apps",
        "ALB": "managed load balancer",
        "api x20": "stateless product API; reads through the cache; writes go to the database and delete "
                   "the cached key",
        "cache": "ElastiCache Redis primary, zone a: answers 80% of reads, takes the sets",
        "cache replica": "replica in zone b, asynchronous replication; Multi-AZ automatic failover promotes "
                         "it (warm) if the primary fails; the API uses the group's primary endpoint",
        "db (RDS Multi-AZ)": "products; one primary (10,000 reads/s, 1,000 writes/s rule of thumb) with a "
                             "standby that serves no reads",
    },
    scaling=[
        "api: 11,806 requests/s at peak over 20 tasks (59%), N+1",
        "with the cache: the database sees ~2,300 reads/s (23%) and ~230 writes/s",
        "without the cache: ~11,600 reads/s against 10,000, so the cache is load-bearing and must not go "
        "down as a whole: two nodes in two zones, either of which holds the full data set",
        "the cache itself is lightly loaded (~11,800 ops/s against ~100,000 per node); more replicas or "
        "cluster mode (shards) are for growth, not for this load",
    ],
    trade_offs=[
        "pro: a node failure costs seconds of failover with a warm replica, not a cold cache and a database "
        "overload",
        "pro: maintenance (patching, node replacement) fails over instead of emptying the cache",
        "con: twice the cache cost",
        "con: replication is asynchronous: writes acknowledged just before a failover can be lost, which is "
        "acceptable for a cache (entries expire in 60 s and are rebuilt from the database)",
        "con: losing both zones' nodes at once still overloads the database; the last line of defence is "
        "load shedding at the API (serve stale or 503) rather than a bigger database",
    ],
    failure_modes=[
        FailureMode("the cache primary (`cache`) fails or is replaced for maintenance",
                    "mitigated: Multi-AZ automatic failover promotes the warm replica (typically under a "
                    "minute); during the switch the API serves misses from the database with a concurrency "
                    "cap so it stays under 10,000 reads/s", "cache"),
        FailureMode("the cache replica fails", "no user impact; ElastiCache replaces it and it resyncs",
                    "cache replica"),
        FailureMode("database primary fails", "RDS Multi-AZ promotes the standby automatically",
                    "db (RDS Multi-AZ)"),
    ],
    open_questions=["should we also add an RDS read replica so the database alone survives a full cache "
                    "outage (defence in depth)?"],
)

with Diagram("Product pages (after: replicated cache)", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.0"}):
    users = Users("users")
    alb = ELB("ALB")
    api = ECS("api x20", replicas="20")
    with Cluster("cache (cache-aside)"):
        cache = ElastiCache("cache", zone="us-east-1a", multi_az="true", failover="auto")
        replica = ElastiCache("cache replica", zone="us-east-1b")
        cache >> Edge(label="replication", style="dotted") >> replica
    db = RDS("db (RDS Multi-AZ)", multi_az="true")

    users >> alb >> api
    api >> Edge(label="get / set") >> cache
    api >> Edge(label="miss + writes") >> db
