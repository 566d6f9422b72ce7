"""Before/after pair 2, AFTER: an application load balancer and two app instances in two zones.

The fix for pair_single_app_before.py: users reach a managed ALB (nodes in every enabled zone), which
health-checks two identical instances in different zones. `workbench check` reports no error.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import EC2
from diagrams.aws.database import RDS
from diagrams.aws.network import ELB
from diagrams.onprem.client import Users

from workbench.sheet import Api, Capacity, Entity, FailureMode, Sheet

Sheet(
    title="Booking site: app tier (after: ALB + two instances in two zones)",
    kind="architecture",
    prompt="A small booking site runs its web app on one EC2 instance that users reach directly (DNS points "
           "at its IP); the database is already RDS Multi-AZ. Remove the app server as a single point of failure.",
    slo="99.9%", latency_p99_ms=400,
    functional=["search free slots", "book and cancel a slot"],
    non_functional=["99.9% available (about 43 minutes of downtime a month)", "p99 < 400 ms"],
    assumptions=["600k daily users, 15 reads and 6 writes each per day",
                 "the app keeps no local state (sessions in signed cookies, files in S3)"],
    constraints=["AWS, one region"],
    capacity=Capacity(dau="600k", reads_per_user=15, writes_per_user=6, payload="1KB", retention="3 years"),
    apis=[Api("GET", "/slots?date=", response="[slot]"),
          Api("POST", "/bookings", request="{slot_id, name}", response="201 {booking_id}",
              notes="a unique constraint on slot_id prevents double booking")],
    data_model=[Entity("booking", fields={"id": "bigint", "slot_id": "bigint", "name": "text",
                                          "created_at": "timestamp"},
                       keys=["id"], indexes=["slot_id (unique)"], store="RDS PostgreSQL",
                       why="transactions and a unique constraint against double booking")],
    components={
        "users": "browsers; DNS (alias record) resolves to the ALB",
        "ALB": "managed application load balancer in both zones; health check every 10 s (3 failures "
               "mark an instance unhealthy), drains a failing instance, spreads requests over the healthy ones",
        "app-1": "app server, zone a (identical build, no local state); with app-2, an Auto Scaling "
                 "group of min 2, one per zone",
        "app-2": "app server, zone b (identical build, no local state)",
        "db (RDS Multi-AZ)": "bookings; synchronous standby in a second zone, automatic failover",
    },
    scaling=[
        "292 requests/s at peak against ~1,000 per server: either instance carries the whole load alone "
        "(N+1), so one can fail or be patched at peak",
        "horizontal scaling: the Auto Scaling group adds instances, alternating zones, when request count "
        "per target rises",
    ],
    trade_offs=[
        "pro: no single point of failure in the app tier: an instance or a whole zone can fail",
        "pro: zero-downtime deploys: the ALB drains one instance while the other serves",
        "con: about twice the compute cost plus the ALB (hourly + per-LCU charges)",
        "con: the app must stay stateless (no local sessions or files), or users lose state on failover",
    ],
    failure_modes=[
        FailureMode("one app instance crashes, is patched or its zone fails",
                    "mitigated: ALB health checks stop routing to it within ~30 s; the other zone's instance "
                    "carries the full load; the Auto Scaling group replaces the lost one", "app-1"),
        FailureMode("database primary fails", "RDS Multi-AZ promotes the standby automatically",
                    "db (RDS Multi-AZ)"),
    ],
    open_questions=["two instances are N+1; is a third worth it to survive a failure during a deploy?"],
)

with Diagram("Booking site (after: ALB + two zones)", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.0"}):
    users = Users("users")
    alb = ELB("ALB")
    with Cluster("app tier"):
        apps = [EC2("app-1", zone="us-east-1a"), EC2("app-2", zone="us-east-1b")]
    db = RDS("db (RDS Multi-AZ)", multi_az="true")

    users >> alb >> apps
    apps >> Edge(label="SQL") >> db
