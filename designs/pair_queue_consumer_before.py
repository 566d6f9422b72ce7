"""Before/after pair 4, BEFORE: one worker consumes a critical queue.

Intentionally flawed: payment captures are queued (SQS is replicated across zones), but a single worker
instance processes them. If it dies, captures stop and the backlog grows until someone notices.
`workbench check` reports SPOF002 (raised to error because the queue is marked critical="true"); see
pair_queue_consumer_after.py for the fix (a consumer group of three workers in different zones, plus a DLQ).
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import EC2, ECS
from diagrams.aws.database import RDS
from diagrams.aws.integration import SQS
from diagrams.aws.network import ELB
from diagrams.onprem.client import Users

from workbench.sheet import Capacity, Event, FailureMode, Sheet

Sheet(
    title="Checkout: payment capture (before: single point of failure)",
    kind="architecture",
    prompt="Checkout accepts an order at once and queues the payment capture; one worker captures payments "
           "with the card processor and records the result. Find the single point of failure.",
    slo="99.95%",
    functional=["place an order (answered at once)", "capture the payment within 5 minutes of the order"],
    non_functional=["checkout 99.95% available", "every capture done within 5 minutes, none lost or doubled"],
    assumptions=["1M daily users, 15 reads and 5 writes each per day; 1 in 5 writes is an order "
                 "that queues one capture (5% of requests)"],
    constraints=["card authorisations expire: a capture that waits for days fails"],
    capacity=Capacity(dau="1M", reads_per_user=15, writes_per_user=5, payload="1KB", retention="7 years"),
    apis=[Event("captures (SQS)", message="{order_id, amount, auth_id}",
                notes="standard queue, at least once; visibility timeout 60 s; the worker is idempotent "
                      "(capture keyed by order_id)")],
    components={
        "users": "shoppers",
        "ALB": "managed load balancer",
        "checkout x3": "stateless checkout API; writes the order and queues the capture",
        "captures (SQS)": "capture jobs; replicated across zones by SQS; critical: a backlog delays money",
        "worker-1": "the only capture worker (SINGLE POINT OF FAILURE for the queue), zone a",
        "orders DB (RDS Multi-AZ)": "orders and capture results",
    },
    scaling=[
        "checkout: 463 requests/s at peak over 3 tasks (15%), N+2",
        "captures: ~23 jobs/s at peak; one worker has the throughput, but not the availability",
    ],
    trade_offs=[
        "pro: queueing decouples checkout from the card processor: checkout stays up when the processor is slow",
        "pro: one worker is simple: no concurrency between workers to think about",
        "con: a single point of failure for the queue: users do not see it at once, but captures stop and "
        "authorisations start expiring (SPOF002, critical)",
    ],
    failure_modes=[
        FailureMode("the worker crashes, hangs or its zone fails (before: single point of failure)",
                    "none: jobs pile up in SQS unprocessed until a person restarts or rebuilds the worker; "
                    "captures miss the 5-minute target (SPOF002)", "worker-1"),
        FailureMode("orders DB primary fails", "RDS Multi-AZ promotes the standby automatically",
                    "orders DB (RDS Multi-AZ)"),
    ],
    open_questions=["is there an alarm on the age of the oldest message in the queue?"],
)

with Diagram("Payment capture (before: one worker)", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.0"}):
    users = Users("users")
    alb = ELB("ALB")
    checkout = ECS("checkout x3", replicas="3")
    captures = SQS("captures (SQS)", critical="true")
    db = RDS("orders DB (RDS Multi-AZ)", multi_az="true")
    with Cluster("capture workers"):
        workers = EC2("worker-1", zone="us-east-1a")

    users >> alb >> checkout
    checkout >> Edge(label="order") >> db
    checkout >> Edge(label="enqueue", fraction="0.05") >> captures
    captures >> Edge(label="poll", style="dashed") >> workers
    workers >> Edge(label="capture result") >> db
