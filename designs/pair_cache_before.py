"""Before/after pair 3, BEFORE: one cache node that the database cannot live without.

Intentionally flawed: at ~11,600 reads/s the database (10,000 reads/s) survives only because a single Redis
node answers 80% of the reads. When that node fails, every read falls through at once and overloads the
database (a cascading failure). `workbench check` reports CACHE002 as an error (load-bearing cache); see
pair_cache_after.py for the fix (a replicated ElastiCache group with automatic failover).
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS
from diagrams.aws.database import RDS, ElastiCache
from diagrams.aws.network import ELB
from diagrams.onprem.client import Users

from workbench.sheet import Api, Capacity, Entity, FailureMode, Sheet

Sheet(
    title="Product pages: cache tier (before: single point of failure)",
    kind="architecture",
    prompt="A read-heavy product-page API serves ~11,800 requests/s at peak from RDS behind a cache-aside "
           "cache on one ElastiCache node. Is the single cache node acceptable?",
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
        "cache": "one ElastiCache Redis node, zone a: answers 80% of reads (SINGLE POINT OF FAILURE: "
                 "load-bearing)",
        "db (RDS Multi-AZ)": "products; one primary (10,000 reads/s, 1,000 writes/s rule of thumb) with a "
                             "standby that serves no reads",
    },
    scaling=[
        "api: 11,806 requests/s at peak over 20 tasks (59%), N+1",
        "with the cache: the database sees ~2,300 reads/s (23%) and ~230 writes/s",
        "without the cache: ~11,600 reads/s against 10,000, so the database only copes because the cache "
        "is up: the cache is load-bearing",
    ],
    trade_offs=[
        "pro: one cache node is cheap and simple, and it cuts database reads by 80%",
        "con: a single point of failure in practice: cache-aside means requests could still reach the "
        "database, but the database cannot take the full read load (CACHE002 error)",
        "con: a restarted node comes back empty (cold), so even a quick restart sends every read to the database",
    ],
    failure_modes=[
        FailureMode("the cache node fails or is replaced for maintenance (before: single point of failure)",
                    "none: ~11,600 reads/s hit a database sized for 10,000; latency climbs, connections pile "
                    "up, timeouts and retries add load: a cascading failure of the whole API (CACHE002)",
                    "cache"),
        FailureMode("database primary fails", "RDS Multi-AZ promotes the standby automatically",
                    "db (RDS Multi-AZ)"),
    ],
    open_questions=["could the database be provisioned for the cache-off read load instead (read replicas)?"],
)

with Diagram("Product pages (before: one cache node)", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.0"}):
    users = Users("users")
    alb = ELB("ALB")
    api = ECS("api x20", replicas="20")
    with Cluster("cache (cache-aside)"):
        cache = ElastiCache("cache", zone="us-east-1a")
    db = RDS("db (RDS Multi-AZ)", multi_az="true")

    users >> alb >> api
    api >> Edge(label="get / set") >> cache
    api >> Edge(label="miss + writes") >> db
