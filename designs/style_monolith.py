"""Architecture style: the modular monolith.

One deployable holds every module (accounts, orders, invoicing, background jobs) and shares one relational
database. It scales out as identical copies behind a load balancer; the database is the part to protect.
Example workload: a B2B invoicing app, 500k daily users, ~460 requests/s at peak, 3:1 reads to writes.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import EC2
from diagrams.aws.database import RDS
from diagrams.aws.network import ELB
from diagrams.aws.storage import S3
from diagrams.onprem.client import Users

from workbench.sheet import Api, Capacity, Entity, FailureMode, Sheet

Sheet(
    title="Modular monolith",
    kind="architecture",
    prompt="Architecture style: one deployable with internal modules and one shared relational database. "
           "When is it the right call, and how is it run in production?",
    slo="99.9%", latency_p99_ms=300,
    functional=["users manage customers, orders and invoices in one web app",
                "background jobs (PDF invoices, reminder e-mails) run inside the same deployable"],
    non_functional=["99.9% available", "p99 < 300 ms for page loads",
                    "one team of ~10 engineers ships daily"],
    assumptions=["500k daily users, 30 reads and 10 writes each per day",
                 "a row is ~500 B; attachments go to object storage, not the database"],
    constraints=["one codebase, one build, one deploy pipeline",
                 "all modules share one PostgreSQL schema (module-owned tables, no cross-module writes)"],
    capacity=Capacity(dau="500k", reads_per_user=30, writes_per_user=10, payload="500B",
                      retention="3 years"),
    apis=[Api("POST", "/invoices", request="{customer_id, lines}", response="201 {id}",
              notes="one transaction writes the invoice, its lines and the ledger entry"),
          Api("GET", "/invoices?customer=&cursor=", response="[invoice] (50 per page)")],
    data_model=[Entity("invoice", fields={"id": "bigint", "customer_id": "bigint", "total": "numeric",
                                          "status": "draft|sent|paid"},
                       keys=["id"], indexes=["customer_id, created_at"], store="PostgreSQL",
                       why="relational, transactional with customers and ledger rows in the same database")],
    components={
        "users": "browsers of the customer companies",
        "ALB": "managed load balancer over two zones; health checks take a bad copy out of rotation",
        "app (monolith) x3": "the whole application: every module plus the job runner, stateless "
                             "(sessions in signed cookies), 3 identical copies",
        "PostgreSQL (Multi-AZ)": "the one database, with a synchronous standby in a second zone",
        "attachments (S3)": "uploaded files and generated invoice PDFs, served by presigned URLs",
    },
    scaling=[
        "scale out by adding identical copies: every copy runs every module, so capacity is planned for "
        "the busiest module (3 copies: 463 req/s peak against ~3,000 req/s; any one copy carries it, so N+2)",
        "the database scales up first (bigger instance), then read replicas for reports; writes "
        "(116/s peak against ~1,000/s) leave years of headroom at this size",
        "heavy jobs run on the same copies with a concurrency cap, so a PDF burst cannot starve web requests; "
        "move them to a worker pool of the same build when they do",
        "operational: one deploy pipeline, rolling deploys behind the ALB, one set of dashboards and logs",
    ],
    trade_offs=[
        "pro: simplest to build, test, deploy and debug: one codebase, in-process calls, one stack trace",
        "pro: ACID transactions across modules in one database; no distributed consistency problems",
        "pro: cheapest to run: few moving parts, little network, one thing to monitor",
        "con: scales only as a whole: a hot module forces scaling every module with it",
        "con: one deploy unit: a bad change anywhere takes down everything, and release cadence is shared",
        "con: the shared database couples modules; without discipline the boundaries erode into a big ball of mud",
        "con: one technology stack for every problem",
    ],
    failure_modes=[
        FailureMode("one app copy crashes or its zone fails",
                    "ALB health checks drain it; the other copies (in other zones) absorb the load",
                    "app (monolith) x3"),
        FailureMode("a bad release breaks every feature at once",
                    "rolling deploy with health-checked batches and one-click rollback; feature flags",
                    "app (monolith) x3"),
        FailureMode("database primary fails",
                    "Multi-AZ standby promoted automatically (typically 1-2 minutes; clients reconnect)",
                    "PostgreSQL (Multi-AZ)"),
        FailureMode("a runaway report query saturates the shared database",
                    "statement timeouts; reports moved to a read replica", "PostgreSQL (Multi-AZ)"),
    ],
    open_questions=[
        "at what team size or module load do we split a module out (strangler pattern)?",
        "do reports need a read replica yet, or a separate analytics store?",
    ],
)

with Diagram("Modular monolith", show=False, direction="LR", graph_attr={"ranksep": "1.0"}):
    users = Users("users")
    alb = ELB("ALB")
    with Cluster("one deployable (all modules)"):
        app = EC2("app (monolith) x3", replicas="3")
    db = RDS("PostgreSQL (Multi-AZ)", multi_az="true")
    files = S3("attachments (S3)")

    users >> alb >> app
    app >> Edge(label="SQL") >> db
    app >> Edge(label="files", fraction="0.05") >> files
