"""Before/after pair 1, AFTER: PostgreSQL primary + standby with replication and automatic failover.

The fix for pair_single_db_before.py: a hot standby in a second zone receives synchronous streaming
replication, and a failover manager (Patroni with an etcd quorum) promotes it automatically when the
primary fails. `workbench check` reports no error.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import EC2
from diagrams.aws.network import ELB
from diagrams.onprem.client import Users
from diagrams.onprem.database import PostgreSQL

from workbench.sheet import Api, Capacity, Entity, FailureMode, Sheet

Sheet(
    title="Project tracker: database tier (after: primary + standby, automatic failover)",
    kind="architecture",
    prompt="A project-tracking web app runs two app servers behind a load balancer and keeps all data in "
           "one self-managed PostgreSQL server. Remove the database as a single point of failure.",
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
        "db": "PostgreSQL primary, zone a: every read and write",
        "db standby": "hot standby, zone b: synchronous streaming replication; promoted by Patroni when "
                      "the primary fails (the app reconnects through the Patroni-managed endpoint)",
    },
    scaling=[
        "the app tier is N+1: 811 requests/s at peak, 1,000 per server, either server carries it alone",
        "the database is not the bottleneck (~580 reads/s, ~230 writes/s at peak); the standby is for "
        "availability, not capacity: it serves no reads, so either server can carry the full load alone",
    ],
    trade_offs=[
        "pro: losing the primary costs ~30 s of failed writes (detection + promotion), not a restore",
        "pro: synchronous replication: a committed write is on both servers, so failover loses nothing (RPO 0)",
        "con: twice the database cost, plus a failover manager (Patroni + a 3-node etcd) to run and test",
        "con: synchronous commit adds a cross-zone round trip (~1 ms) to every write; if the standby is down, "
        "Patroni must drop to asynchronous mode or writes stall",
    ],
    failure_modes=[
        FailureMode("db (the primary), its disk or its zone fails",
                    "mitigated: Patroni promotes the standby within ~30 s; no committed write is lost; "
                    "a new standby is rebuilt from the new primary", "db"),
        FailureMode("network partition between the two database servers",
                    "Patroni's leader lock in etcd (quorum of 3) prevents two primaries (no split brain)",
                    "db standby"),
        FailureMode("one app server fails", "ALB health checks send all traffic to the other one", "app-1"),
    ],
    open_questions=["do we rehearse failover regularly (a game day) to prove the ~30 s?",
                    "is a third replica worth it for N+2 during maintenance?"],
)

with Diagram("Project tracker (after: primary + standby)", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.0"}):
    users = Users("users")
    alb = ELB("ALB")
    with Cluster("app tier"):
        apps = [EC2("app-1", zone="us-east-1a"), EC2("app-2", zone="us-east-1b")]
    with Cluster("database"):
        db = PostgreSQL("db", zone="us-east-1a", failover="auto")
        standby = PostgreSQL("db standby", zone="us-east-1b")
        db >> Edge(label="sync replication\nauto failover", style="dotted") >> standby

    users >> alb >> apps
    apps >> Edge(label="SQL") >> db
