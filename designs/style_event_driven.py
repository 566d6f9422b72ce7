"""Architecture style: event-driven.

A service records a fact ("order placed") and publishes it as an event to a durable log; other services react
in their own time without the producer knowing them. Example workload: order placement, 1M daily users,
~185 requests/s at peak, of which a quarter are writes that each publish one event.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS
from diagrams.aws.database import RDS
from diagrams.onprem.client import Users
from diagrams.onprem.queue import Kafka

from workbench.sheet import Api, Capacity, Event, FailureMode, Sheet

Sheet(
    title="Event-driven architecture",
    kind="architecture",
    prompt="Architecture style: services communicate by publishing events to a durable log and reacting to "
           "them asynchronously. What does it buy, and what does it cost to operate?",
    slo="99.95%",
    functional=["place an order (synchronous, answered at once)",
                "reserve stock and send the confirmation e-mail after the order is placed (asynchronous)"],
    non_functional=["order placement 99.95% available, p99 < 300 ms",
                    "stock reserved and e-mail sent within 30 s of the order, at least once, never lost"],
    assumptions=["1M daily users, 6 reads and 2 writes each per day",
                 "each write (order placed, cancelled) publishes exactly one event"],
    constraints=["consumers must be idempotent (delivery is at least once)",
                 "events are versioned; consumers ignore fields they do not know"],
    capacity=Capacity(dau="1M", reads_per_user=6, writes_per_user=2, payload="1KB", retention="2 years"),
    apis=[Api("POST", "/orders", request="{lines}", response="201 {order_id}",
              notes="order row and outbox row in one transaction; a relay publishes the outbox"),
          Event("order-events", message="{event_id, type: placed|cancelled, order_id, lines, at}",
                notes="partitioned by order_id (per-order ordering); 7-day retention; consumer groups: "
                      "inventory, email")],
    components={
        "users": "web and mobile clients",
        "orders API x2": "accepts orders (behind the platform load balancer), writes each with an outbox row; "
                         "its outbox relay publishes the event; it knows nothing about who consumes it",
        "orders DB (Multi-AZ)": "orders and the transactional outbox; synchronous standby in a second zone",
        "order events (Kafka x3)": "durable, replicated log (3 brokers, replication factor 3, min.insync 2); "
                                   "the buffer between producer and consumers",
        "inventory svc x2": "consumer group: reserves stock for each placed order, releases it on cancel",
        "email svc x2": "consumer group: sends the confirmation e-mail, deduplicated by event_id",
    },
    scaling=[
        "producer and consumers scale independently; a consumer group scales up to one consumer per "
        "partition (12 partitions leave room to grow from 2 consumers)",
        "bursts are absorbed by the log: consumers fall behind and catch up instead of failing requests "
        "(46 events/s at peak here, far below what 3 brokers take)",
        "a new reaction (fraud check, analytics) is a new consumer group; the producer does not change",
        "operational: watch consumer lag per group (the key SLI), dead-letter topic per consumer, "
        "replay from an offset to rebuild a consumer's state; a schema registry guards event formats",
    ],
    trade_offs=[
        "pro: loose coupling: producers do not know consumers; adding one needs no change upstream",
        "pro: resilience: a consumer outage delays its work but never fails an order; the log keeps the backlog",
        "pro: absorbs load spikes and allows replay (rebuild state, backfill a new service)",
        "con: eventual consistency: the user sees 'order placed' before stock is reserved; the UI must say so",
        "con: harder to reason about and debug: the flow is spread over consumers; needs tracing by event id",
        "con: at-least-once delivery means duplicates: every consumer must be idempotent",
        "con: ordering only within a partition; the log cluster itself is one more stateful system to run",
    ],
    failure_modes=[
        FailureMode("email svc down for an hour",
                    "orders keep succeeding; events wait in the log (7-day retention); the consumer resumes from "
                    "its committed offset and drains the lag", "email svc x2"),
        FailureMode("a poison event crashes a consumer on every retry",
                    "after N attempts move it to a dead-letter topic and alert; the group keeps going",
                    "inventory svc x2"),
        FailureMode("one Kafka broker lost",
                    "replication factor 3, min.insync.replicas 2: partitions fail over to in-sync replicas",
                    "order events (Kafka x3)"),
        FailureMode("orders API crashes after the DB commit but before publishing",
                    "transactional outbox: the relay publishes the outbox row later, so no event is lost",
                    "orders API x2"),
        FailureMode("orders DB primary fails", "Multi-AZ standby promoted automatically", "orders DB (Multi-AZ)"),
    ],
    open_questions=[
        "do we need exactly-once effects anywhere (payments), or is idempotent at-least-once enough?",
        "how long must events be kept for replay: 7 days, or forever in a compacted topic?",
    ],
)

with Diagram("Event-driven architecture", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.2", "nodesep": "0.8"}):
    users = Users("users")
    with Cluster("orders (producer)"):
        orders = ECS("orders API x2", replicas="2")
        orders_db = RDS("orders DB (Multi-AZ)", multi_az="true")
    events = Kafka("order events (Kafka x3)", replicas="3")
    with Cluster("consumers (one group each)"):
        inventory = ECS("inventory svc x2", replicas="2")
        email = ECS("email svc x2", replicas="2")

    users >> orders
    orders >> Edge(label="order + outbox") >> orders_db
    orders >> Edge(label="publish", fraction="0.25") >> events
    events >> Edge(label="subscribe", style="dashed") >> inventory
    events >> Edge(label="subscribe", style="dashed") >> email
