"""Before/after pair 4, AFTER: a group of three workers in three zones consumes the critical queue.

The fix for pair_queue_consumer_before.py: three identical, idempotent workers poll the same SQS queue
(competing consumers), one per zone, with a dead-letter queue for poison messages. Losing a worker or a
zone only slows captures down. `workbench check` reports no error.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import EC2, ECS
from diagrams.aws.database import RDS
from diagrams.aws.integration import SQS
from diagrams.aws.network import ELB
from diagrams.onprem.client import Users

from workbench.sheet import Capacity, Event, FailureMode, Sheet

Sheet(
    title="Checkout: payment capture (after: consumer group of three workers)",
    kind="architecture",
    prompt="Checkout accepts an order at once and queues the payment capture; one worker captures payments "
           "with the card processor and records the result. Remove the worker as a single point of failure.",
    slo="99.95%",
    functional=["place an order (answered at once)", "capture the payment within 5 minutes of the order"],
    non_functional=["checkout 99.95% available", "every capture done within 5 minutes, none lost or doubled"],
    assumptions=["1M daily users, 15 reads and 5 writes each per day; 1 in 5 writes is an order "
                 "that queues one capture (5% of requests)"],
    constraints=["card authorisations expire: a capture that waits for days fails"],
    capacity=Capacity(dau="1M", reads_per_user=15, writes_per_user=5, payload="1KB", retention="7 years"),
    apis=[Event("captures (SQS)", message="{order_id, amount, auth_id}",
                notes="standard queue, at least once; visibility timeout 60 s; workers are idempotent "
                      "(capture keyed by order_id); after 5 receives a message moves to the DLQ")],
    components={
        "users": "shoppers",
        "ALB": "managed load balancer",
        "checkout x3": "stateless checkout API; writes the order and queues the capture",
        "captures (SQS)": "capture jobs; replicated across zones by SQS; critical: a backlog delays money",
        "worker-1": "capture worker, zone a; the three workers compete for messages (each message is "
                    "processed by one of them at a time)",
        "worker-2": "capture worker, zone b",
        "worker-3": "capture worker, zone c",
        "orders DB (RDS Multi-AZ)": "orders and capture results",
    },
    scaling=[
        "checkout: 463 requests/s at peak over 3 tasks (15%), N+2",
        "captures: ~23 jobs/s at peak; any one worker has the throughput, so two can be lost (N+2: a "
        "failure during a deploy still leaves one)",
        "scale the workers on queue depth and the age of the oldest message (Auto Scaling on the SQS metric)",
    ],
    trade_offs=[
        "pro: queueing decouples checkout from the card processor: checkout stays up when the processor is slow",
        "pro: no single point of failure in the capture path: a worker or a zone can fail and captures continue",
        "pro: workers scale out with the backlog; deploys roll one worker at a time",
        "con: workers process messages concurrently and out of order, so captures must be idempotent and "
        "must not assume ordering (keyed by order_id; a retried capture is a no-op)",
        "con: three instances cost more than one, for a workload one could carry",
    ],
    failure_modes=[
        FailureMode("one worker crashes, hangs or its zone fails",
                    "mitigated: its in-flight messages become visible again after the 60 s visibility timeout "
                    "and the other workers take them; the Auto Scaling group replaces it", "worker-1"),
        FailureMode("a poison message fails on every worker",
                    "after 5 receives SQS moves it to the dead-letter queue; an alarm on the DLQ depth pages "
                    "on-call", "captures (SQS)"),
        FailureMode("orders DB primary fails", "RDS Multi-AZ promotes the standby automatically",
                    "orders DB (RDS Multi-AZ)"),
    ],
    open_questions=["what age of the oldest message should page on-call (e.g. 2 minutes)?"],
)

with Diagram("Payment capture (after: worker group)", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.0"}):
    users = Users("users")
    alb = ELB("ALB")
    checkout = ECS("checkout x3", replicas="3")
    captures = SQS("captures (SQS)", critical="true")
    db = RDS("orders DB (RDS Multi-AZ)", multi_az="true")
    with Cluster("capture workers"):
        workers = [EC2("worker-1", zone="us-east-1a"), EC2("worker-2", zone="us-east-1b"),
                   EC2("worker-3", zone="us-east-1c")]

    users >> alb >> checkout
    checkout >> Edge(label="order") >> db
    checkout >> Edge(label="enqueue", fraction="0.05") >> captures
    captures >> Edge(label="poll", style="dashed") >> workers
    workers >> Edge(label="capture result") >> db
