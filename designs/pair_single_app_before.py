"""Before/after pair 2, BEFORE: one app server, no load balancer.

Intentionally flawed: users reach a single EC2 instance directly, so it is a single point of failure.
`workbench check` reports SPOF001 (error) on `app-1`; see pair_single_app_after.py for the fix (a managed load
balancer and two instances in two zones).
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import EC2
from diagrams.aws.database import RDS
from diagrams.onprem.client import Users

from workbench.sheet import Api, Capacity, Entity, FailureMode, Sheet

Sheet(
    title="Booking site: app tier (before: single point of failure)",
    kind="architecture",
    prompt="A small booking site runs its web app on one EC2 instance that users reach directly (DNS points "
           "at its IP); the database is already RDS Multi-AZ. Find the single point of failure.",
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
        "users": "browsers; DNS resolves to the instance's public IP",
        "app-1": "the only web/app server (SINGLE POINT OF FAILURE), zone a",
        "db (RDS Multi-AZ)": "bookings; synchronous standby in a second zone, automatic failover",
    },
    scaling=[
        "292 requests/s at peak against ~1,000 per server: load is fine, availability is not",
        "vertical scaling only: a bigger instance means a stop, resize, start",
    ],
    trade_offs=[
        "pro: cheapest and simplest: one server, no load balancer, deploy by copying files",
        "con: a single point of failure: an instance crash, a reboot for patching or a zone outage takes "
        "the whole site down, although the database would survive",
        "con: every deploy is downtime (no second server to drain to)",
    ],
    failure_modes=[
        FailureMode("the app instance crashes, is patched or its zone fails (before: single point of failure)",
                    "none: the site is down until the instance is repaired or replaced and DNS updated "
                    "(SPOF001)", "app-1"),
        FailureMode("database primary fails", "RDS Multi-AZ promotes the standby automatically",
                    "db (RDS Multi-AZ)"),
    ],
    open_questions=["how long does it take today to rebuild the instance from scratch?"],
)

with Diagram("Booking site (before: one app server)", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.0"}):
    users = Users("users")
    with Cluster("app tier"):
        apps = EC2("app-1", zone="us-east-1a")
    db = RDS("db (RDS Multi-AZ)", multi_az="true")

    users >> apps
    apps >> Edge(label="SQL") >> db
