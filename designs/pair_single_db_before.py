"""Before/after pair 1, BEFORE: one PostgreSQL server behind a redundant app tier.

Intentionally flawed: the database is a single point of failure. `workbench check` reports REP001 (error) on
`db`; see pair_single_db_after.py for the fix (primary + standby, streaming replication, automatic failover).
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import EC2
from diagrams.aws.network import ELB
from diagrams.onprem.client import Users
from diagrams.onprem.database import PostgreSQL

from workbench.sheet import Api, Capacity, Entity, FailureMode, Sheet

Sheet(
    title="Project tracker: database tier (before: single point of failure)",
    kind="architecture",
    prompt="A project-tracking web app runs two app servers behind a load balancer and keeps all data in "
           "one self-managed PostgreSQL server. Find the single point of failure.",
    slo="99.95%",
    functional=["create and update tasks", "list a project's tasks"],
    non_functional=["99.95% available (about 22 minutes of downtime a month)",
                    "no committed task is lost (RPO 0)"],
    assumptions=["1M daily users, 25 reads and 10 writes each per day",
                 "PostgreSQL runs on its own VM (not a managed service)"],
    constraints=["self-managed PostgreSQL on VMs (no managed database in this environment)"],
    capacity=Capacity(dau="1M", reads_per_user=25, writes_per_user=10, payload="1KB", retention="5 years"),
    apis=[Api("POST", "/projects/{id}/tasks", request="{title, assignee}", response="201 {task_id}"),
          Api("GET", "/projects/{id}/tasks?cursor=", response="[task] (50 per page)")],
    data_model=[Entity("task", fields={"id": "bigint", "project_id": "bigint", "title": "text",
                                       "status": "open|done", "assignee_id": "bigint"},
                       keys=["id"], indexes=["project_id, status"], store="PostgreSQL",
                       why="relational, transactional updates; small enough for one primary")],
    components={
        "users": "browsers",
        "ALB": "managed load balancer; health checks",
        "app-1": "stateless app server, zone a",
        "app-2": "stateless app server, zone b",
        "db": "the only PostgreSQL server: every read and write (SINGLE POINT OF FAILURE)",
    },
    scaling=[
        "the app tier is N+1: 811 requests/s at peak, 1,000 per server, either server carries it alone",
        "the database is not the bottleneck (~580 reads/s, ~230 writes/s at peak); its problem is availability",
    ],
    trade_offs=[
        "pro: one database server is the cheapest and simplest setup; no replication to monitor",
        "con: a single point of failure: the app tier is redundant, but every request still needs `db`",
        "con: recovery is a restore from the last backup: minutes to hours of downtime and data since the "
        "backup lost (RPO > 0), far outside the 99.95% target",
    ],
    failure_modes=[
        FailureMode("db server, its disk or its zone fails (before: single point of failure)",
                    "none: the whole app is down until a new server is built and restored from backup; "
                    "writes since the last backup are lost (REP001)", "db"),
        FailureMode("one app server fails", "ALB health checks send all traffic to the other one", "app-1"),
    ],
    open_questions=["how old is the newest restorable backup, and how long does a restore take?"],
)

with Diagram("Project tracker (before: single DB)", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.0"}):
    users = Users("users")
    alb = ELB("ALB")
    with Cluster("app tier"):
        apps = [EC2("app-1", zone="us-east-1a"), EC2("app-2", zone="us-east-1b")]
    with Cluster("database"):
        db = PostgreSQL("db", zone="us-east-1a")

    users >> alb >> apps
    apps >> Edge(label="SQL") >> db
