"""Chat service (WhatsApp-style): 1:1 and group messaging with presence.

Key constraint: ~1:1 read/write (each message written once, delivered once),
~10M open websockets, ~1M messages/s at peak; a send is acked once Kafka has it.
Shows websocket chat servers behind an NLB, presence and session registry,
Kafka to delivery/persistence workers, Cassandra message store, push and media.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS
from diagrams.aws.network import NLB
from diagrams.aws.storage import S3
from diagrams.firebase.grow import FCM
from diagrams.onprem.client import Users
from diagrams.onprem.database import Cassandra
from diagrams.onprem.inmemory import Redis
from diagrams.onprem.queue import Kafka

with Diagram(
    "Chat Service",
    show=False,
    direction="LR",
    # wb_* keys are read by the workbench; Graphviz ignores them.
    graph_attr={"splines": "spline", "ranksep": "1.0",
                "wb_read_ratio": "1:1", "wb_qps": "1000000"},
):
    clients = Users("mobile clients")
    lb = NLB("NLB")
    media = S3("media\n(presigned upload)")

    with Cluster("Chat servers (hold websockets)"):
        chat = [ECS("chat-1"), ECS("chat-2")]

    # Redis is the only store behind these, so each is replicated (Sentinel failover).
    with Cluster("Presence + session registry"):
        presence = ECS("presence svc (x2)", replicas="2")
        presence_cache = Redis("presence cache\n(primary + 2 replicas)",
                               replicas="3", failover="auto")
        registry = Redis("session registry\nuser -> chat server\n(primary + 2 replicas)",
                         replicas="3", failover="auto")

    messages = Kafka("messages\n(3 brokers, RF=3)", replicas="3")

    with Cluster("Workers"):
        delivery = ECS("delivery workers (x2)", replicas="2")
        persist = ECS("persistence workers (x2)", replicas="2")

    # Partitioned by conversation id; every partition has 3 replicas.
    store = Cassandra("message store\n(Cassandra, RF=3)\ninbox + history", replicas="3")

    with Cluster("External"):
        push = FCM("push (FCM / APNs)", role="external_saas")

    clients >> Edge(label="websocket") >> lb >> chat
    clients >> Edge(label="upload / download") >> media

    # Fan-out edges stay unlabelled; node and cluster titles say what each call is.
    chat >> presence
    presence >> Edge(label="heartbeat, TTL") >> presence_cache
    presence >> Edge(label="on connect") >> registry
    chat >> messages
    chat >> store

    messages >> Edge(label="async", style="dashed") >> delivery
    messages >> Edge(label="async", style="dashed") >> persist
    persist >> store
    # constraint=false only keeps the registry beside the presence service in the layout.
    delivery >> Edge(label="lookup", constraint="false") >> registry
    # Recipient online: hand to its chat server; offline: push notification.
    # Written as chat << delivery so Graphviz keeps chat servers on the left.
    chat << Edge(label="deliver") << delivery
    delivery >> Edge(label="offline") >> push
