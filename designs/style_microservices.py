"""Architecture style: microservices.

Independently deployable services, each owning its data (database per service), behind an API gateway.
Example workload: a shop with 2M daily users, ~2,000 requests/s at peak: catalog browsing (80% of calls)
and orders (20%); placing an order asks the catalog for current prices.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS
from diagrams.aws.database import RDS, Dynamodb
from diagrams.aws.network import APIGateway
from diagrams.onprem.client import Users

from workbench.sheet import Api, Capacity, Entity, FailureMode, Sheet

Sheet(
    title="Microservices",
    kind="architecture",
    prompt="Architecture style: small services that deploy independently and own their data, behind an "
           "API gateway. When is it worth it, and what does it cost to run?",
    slo="99.95%",
    functional=["browse and search the product catalog", "place an order at the current price",
                "list my orders"],
    non_functional=["99.95% available", "catalog p99 < 150 ms, order placement p99 < 500 ms",
                    "each team deploys its service on its own schedule, several times a day"],
    assumptions=["2M daily users, 40 reads and 4 writes each per day (10:1)",
                 "80% of requests are catalog reads, 20% go to orders",
                 "every order call asks the catalog for current prices (one synchronous call)"],
    constraints=["a service's database is private: other services use its API or its events, never its tables",
                 "two teams: catalog and orders"],
    capacity=Capacity(dau="2M", reads_per_user=40, writes_per_user=4, payload="1KB", retention="5 years"),
    apis=[Api("GET", "/products/{id}", response="{id, name, price, stock}", notes="catalog svc"),
          Api("POST", "/orders", request="{lines: [{product_id, qty}]}", response="201 {order_id, total}",
              notes="orders svc; idempotency key header; calls GET /prices?ids= on the catalog")],
    data_model=[Entity("product", fields={"id": "uuid", "name": "text", "price": "decimal", "stock": "int"},
                       keys=["id"], store="DynamoDB", why="key lookups only, read-heavy, elastic"),
                Entity("order", fields={"id": "uuid", "user_id": "uuid", "lines": "jsonb", "total": "numeric",
                                        "status": "placed|paid|shipped"},
                       keys=["id"], indexes=["user_id, created_at"], store="PostgreSQL (RDS Multi-AZ)",
                       why="transactional writes, queries by user")],
    components={
        "users": "web and mobile clients",
        "API gateway": "managed entry: routing by path, auth, rate limits, request quotas per client",
        "catalog svc x4": "products and prices; stateless, 4 tasks (scaled on its own)",
        "orders svc x2": "order placement and history; stateless, 2 tasks; calls the catalog for prices",
        "catalog DB (DynamoDB)": "owned by the catalog team; managed, replicated across zones",
        "orders DB (RDS Multi-AZ)": "owned by the orders team; PostgreSQL with a synchronous standby",
    },
    scaling=[
        "each service scales on its own load: catalog x4 for ~2,040 req/s (1,630 browsing calls plus 408 price "
        "checks from orders), orders x2 for ~410 req/s; both N+1 at the 1,000 req/s-per-task rule of thumb",
        "catalog DB: ~2,020 reads/s at peak, within one DynamoDB partition's 3,000 RCU; no cache yet because "
        "orders must price at the current price (a cache would add staleness), see open questions",
        "each team picks the store that fits: DynamoDB for key lookups, PostgreSQL for order transactions",
        "operational: one pipeline, dashboard, on-call rota and SLO per service; distributed tracing "
        "(a trace id through the gateway and every hop) is needed to debug a request",
        "operational: API contracts are versioned; a breaking change ships as a new version next to the old",
    ],
    trade_offs=[
        "pro: independent deploys and scaling per service; a team owns its service end to end",
        "pro: fault isolation: a crash in one service degrades one feature, not the whole product",
        "pro: each service can use the store and language that fit its problem",
        "con: network calls replace function calls: latency, partial failure, retries and timeouts everywhere",
        "con: no cross-service transactions; consistency needs sagas, outbox events and idempotency",
        "con: much more to operate: many pipelines, service discovery, tracing, per-service on-call",
        "con: synchronous chains couple availability: orders is only as available as orders x catalog",
    ],
    failure_modes=[
        FailureMode("catalog svc slow or down, so orders cannot price a cart",
                    "timeouts and a circuit breaker on the price call; orders fails fast with a clear error "
                    "instead of piling up threads (no retry storms: retry budget + jitter)", "catalog svc x4"),
        FailureMode("one task of a service crashes",
                    "the container orchestrator replaces it; the gateway routes to the healthy tasks",
                    "orders svc x2"),
        FailureMode("orders DB primary fails", "Multi-AZ standby promoted automatically; order writes are "
                    "idempotent so client retries after failover do not double-book", "orders DB (RDS Multi-AZ)"),
        FailureMode("a bad deploy of one service", "per-service canary and rollback; other services unaffected"),
    ],
    open_questions=[
        "should orders keep a local copy of prices (catalog events) to remove the synchronous call?",
        "when does catalog need a cache (DAX) in front of DynamoDB?",
    ],
)

with Diagram("Microservices", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.3", "nodesep": "0.9"}):
    users = Users("users")
    gateway = APIGateway("API gateway")

    with Cluster("catalog team"):
        catalog = ECS("catalog svc x4", replicas="4")
        catalog_db = Dynamodb(
            "catalog DB (DynamoDB)", read_ratio="100:1",
            accept="CACHE001: ~2,020 reads/s fit one DynamoDB partition (3,000 RCU) at single-digit ms; "
                   "orders need current prices, so a cache would add staleness for no latency gain yet")

    with Cluster("orders team"):
        orders = ECS("orders svc x2", replicas="2")
        orders_db = RDS("orders DB (RDS Multi-AZ)", multi_az="true", read_ratio="2:1")

    users >> gateway
    gateway >> Edge(label="/products", fraction="0.8") >> catalog
    gateway >> Edge(label="/orders", fraction="0.2") >> orders
    orders >> Edge(label="prices\n(sync call)") >> catalog
    catalog >> Edge(label="key lookups") >> catalog_db
    orders >> Edge(label="SQL") >> orders_db
