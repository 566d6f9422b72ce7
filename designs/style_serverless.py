"""Architecture style: serverless.

Managed building blocks only: an API gateway invokes functions, state lives in a managed database, background
work goes through a managed queue to another function. No servers to patch or scale; you pay per request.
Example workload: event RSVPs with very spiky traffic (announcements), 200k daily users, ~185 requests/s at
peak (10x the average).
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import Lambda
from diagrams.aws.database import Dynamodb
from diagrams.aws.integration import SQS
from diagrams.aws.network import APIGateway
from diagrams.onprem.client import Users

from workbench.sheet import Api, Capacity, Entity, Event, FailureMode, Sheet

Sheet(
    title="Serverless",
    kind="architecture",
    prompt="Architecture style: API gateway, functions, a managed queue and a managed database; no servers "
           "to run. Where does it fit, and what are its operational limits?",
    slo="99.95%",
    functional=["view an event and RSVP to it", "receive a confirmation e-mail after an RSVP"],
    non_functional=["99.95% available", "RSVP p99 < 500 ms including cold starts",
                    "absorb 10x spikes after an announcement without capacity planning",
                    "cost close to zero when idle"],
    assumptions=["200k daily users, 6 reads and 2 writes each per day",
                 "traffic is spiky: peak is 10x the daily average (peak_factor 10)",
                 "functions run ~100-200 ms on average"],
    constraints=["functions are stateless and short (API Gateway integration timeout 29 s)",
                 "one AWS account and region; default quotas unless raised"],
    capacity=Capacity(dau="200k", reads_per_user=6, writes_per_user=2, payload="1KB", retention="1 year",
                      peak_factor=10),
    apis=[Api("GET", "/events/{id}", response="{event, rsvp_count}"),
          Api("POST", "/events/{id}/rsvps", request="{name, email}", response="201 {rsvp_id}",
              notes="idempotency key = (event_id, email): a conditional put, so retries do not double-count"),
          Event("confirmations (SQS)", message="{rsvp_id, email}",
                notes="standard queue, at least once; worker batch size 10; DLQ after 5 receives")],
    data_model=[Entity("rsvp", fields={"event_id": "string", "email": "string", "name": "string",
                                       "confirmed_at": "timestamp"},
                       keys=["event_id (partition)", "email (sort)"], store="DynamoDB on-demand",
                       why="key-value access per event, pay per request, scales with the spike")],
    components={
        "users": "browsers",
        "API Gateway": "managed HTTPS entry: routing, throttling, request validation, auth",
        "api fn (Lambda)": "handles reads and RSVPs; one invocation per request, scales by concurrency",
        "RSVPs (DynamoDB)": "events and RSVPs, on-demand capacity, replicated across zones",
        "confirmations (SQS)": "buffers confirmation jobs so e-mail sending never slows an RSVP",
        "worker fn (Lambda)": "sends confirmation e-mails in batches and marks the RSVP confirmed",
    },
    scaling=[
        "scales per request with no capacity planning: 185 requests/s at peak need ~37 concurrent executions "
        "at 200 ms, far below the default 1,000 per region; reserved concurrency caps the worker so a backlog "
        "cannot starve the API",
        "DynamoDB on-demand follows the spike; ~140 reads/s and ~90 writes/s at peak (RSVPs plus the "
        "worker's updates) are well within one partition (3,000 RCU / 1,000 WCU)",
        "operational: no servers, patching or autoscaling policies; the work moves to quotas (Lambda "
        "concurrency, API Gateway 10,000 requests/s per region), timeouts, and per-function alarms on errors, "
        "throttles and duration",
        "operational: observe through the provider's logs and traces (one trace per request across gateway, "
        "function, table and queue); test locally with emulators or in a per-developer stack",
    ],
    trade_offs=[
        "pro: no servers to run; availability across zones and scaling are the provider's job",
        "pro: pay per request: near-zero cost when idle, no over-provisioning for spikes",
        "pro: fast to build for event-shaped, spiky or low-volume workloads",
        "con: cold starts add latency (hundreds of ms, more in a VPC or with heavy runtimes)",
        "con: limits shape the design: execution time, payload size, concurrency quotas per account",
        "con: vendor lock-in: APIs, event formats and tooling are provider-specific",
        "con: at steady high volume, per-request pricing costs more than always-on containers",
        "con: harder to debug and test locally; the system is spread over many managed pieces",
    ],
    failure_modes=[
        FailureMode("announcement spike exceeds the concurrency quota",
                    "API Gateway throttling returns 429 with Retry-After; a quota raise requested ahead of "
                    "big announcements; reserved concurrency protects the API from the worker",
                    "api fn (Lambda)"),
        FailureMode("e-mail provider down",
                    "jobs stay in SQS and are retried with backoff; after 5 receives they go to the DLQ "
                    "and an alarm fires; RSVPs keep succeeding", "worker fn (Lambda)"),
        FailureMode("a bad function version deployed",
                    "weighted alias (canary 10%) with automatic rollback on error alarms", "api fn (Lambda)"),
        FailureMode("one availability zone lost",
                    "all five services are regional and multi-AZ; nothing to do"),
    ],
    open_questions=[
        "is provisioned concurrency worth its cost to remove cold starts before announcements?",
        "at what steady traffic does a container service become cheaper?",
    ],
)

with Diagram("Serverless", show=False, direction="LR", graph_attr={"splines": "spline", "ranksep": "1.1"}):
    users = Users("users")
    with Cluster("request path (synchronous)"):
        gateway = APIGateway("API Gateway")
        api = Lambda("api fn (Lambda)")
    table = Dynamodb("RSVPs (DynamoDB)")
    with Cluster("background (asynchronous)"):
        jobs = SQS("confirmations (SQS)")
        worker = Lambda("worker fn (Lambda)")

    users >> gateway >> api
    api >> Edge(label="get / put") >> table
    api >> Edge(label="enqueue", fraction="0.25") >> jobs
    jobs >> Edge(label="batch of 10", style="dashed") >> worker
    worker >> Edge(label="mark confirmed") >> table
