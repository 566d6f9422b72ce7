"""Chat service (WhatsApp-style): 1:1 and group messaging with presence.

Key constraint: ~1.2M message frames/s at peak (463k sends, 694k deliveries; sheet below) over
~100M open websockets; a send is acked once Kafka has it.
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

from workbench.sheet import Action, Api, Capacity, Entity, Event, FailureMode, Sheet

Sheet(
    title="Chat service",
    kind="drill",
    prompt="Design a chat service like WhatsApp or Messenger: 1:1 and group conversations delivered in real "
           "time, with online presence, delivery receipts, offline push notifications, media, and history "
           "that follows the user to a new device.",
    slo="99.99%",
    functional=[
        "send a text message to a user or a group (up to 256 members)",
        "deliver it in real time to online recipients; push a notification to offline ones",
        "sent / delivered / read receipts",
        "online status and last seen of a contact",
        "send photos and videos",
        "conversation history on every device, including a new one",
    ],
    non_functional=[
        "99.99% available for sending and receiving",
        "end-to-end delivery p99 < 500 ms when both users are online (same region)",
        "no message lost once acknowledged to the sender; per-conversation order preserved",
        "at-least-once delivery, duplicates removed on the device by message id",
    ],
    assumptions=[
        "500M daily active users send 40 messages a day",
        "10% of messages go to groups (median 8 members), so each message reaches 1.5 recipients: "
        "60 receives per user per day",
        "peak = 2 × average (evening peak; New Year's Eve needs a planned scale-up, not this sizing)",
        "at peak 20% of daily users are connected: 100M open websockets; a mobile session lasts ~10 min",
        "a stored message is ~200 B (text ~100 B, ids, timestamps, flags); 2% of messages carry media "
        "(~200 KB)",
        "history is kept 1 year on the server; media 30 days after the last download",
    ],
    constraints=[
        "one persistent connection per device (websocket over TLS, through an NLB)",
        "messages stored encrypted at rest; media only through presigned URLs",
        "one AWS region over three availability zones; other regions are separate deployments",
    ],
    capacity=Capacity(
        dau="500M",
        actions={"send message": Action(40, "write", "200B"),
                 "receive message": Action(60, "read", "200B")},
        retention="1 year",
        peak_factor=2,
    ),
    apis=[
        Api("WS", "connect /v1/ws", request="auth token, device id, last_seen_message_id",
            response="missed messages since last_seen, then a live stream",
            notes="registers device → chat server in the session registry; heartbeats every 30 s on the socket"),
        Api("WS", "send", request="{client_msg_id, conversation_id, body | media_key}",
            response="ack {message_id, server_ts}",
            notes="acked once Kafka has the message (acks=all); client_msg_id makes retries idempotent"),
        Api("WS", "deliver (server → client)", response="{message_id, conversation_id, sender, body, ts}",
            notes="the device answers with a delivered receipt; a read receipt follows when it is shown"),
        Api("GET", "/v1/conversations/{id}/messages?before=&limit=50", response="[message]",
            notes="history for scrolling back and for a new device; served from Cassandra"),
        Api("POST", "/v1/media", request="{content_type, size}", response="{media_key, upload_url}",
            notes="presigned S3 PUT, 15 min; the message carries only media_key"),
        Event("messages", message="{message_id, conversation_id, sender_id, recipients, body, ts}",
              notes="partitioned by conversation_id (per-conversation order); consumed by delivery and "
                    "persistence workers in separate consumer groups; 7-day retention"),
    ],
    data_model=[
        Entity("message",
               fields={"conversation_id": "partition key (with a month bucket)",
                       "message_id": "snowflake id, clustering key DESC", "sender_id": "user id",
                       "body": "encrypted text or media_key", "ts": "timestamp"},
               keys=["(conversation_id, month)", "message_id"], indexes=[],
               store="Cassandra (RF=3, LOCAL_QUORUM)",
               why="append-heavy (463k writes/s at peak), reads are 'latest N of one conversation', which is "
                   "one partition slice; month buckets keep partitions bounded"),
        Entity("inbox entry",
               fields={"user_id": "partition key", "conversation_id": "clustering key",
                       "last_message_id": "snowflake id", "unread": "counter"},
               keys=["user_id", "conversation_id"], indexes=[],
               store="Cassandra", why="the conversation list of a device, updated by the persistence workers"),
        Entity("session",
               fields={"user_id:device_id": "key", "chat_server": "host:port", "connected_at": "timestamp"},
               keys=["user_id:device_id"], indexes=[], store="Redis cluster (session registry)",
               why="read on every delivery; expires with a TTL if a chat server dies without cleaning up"),
        Entity("presence",
               fields={"user_id": "key", "status": "online | offline", "last_seen": "timestamp"},
               keys=["user_id"], indexes=[], store="Redis cluster (presence cache)",
               why="small, hot, ephemeral; a TTL turns a missed disconnect into 'offline'"),
    ],
    components={
        "mobile clients": "apps that keep one websocket open while in the foreground",
        "NLB": "TCP/TLS load balancer for long-lived websockets; spreads new connections over chat servers",
        "media (presigned upload)": "S3: photos and videos, uploaded and downloaded with presigned URLs",
        "chat servers (×750)": "hold ~133k websockets each; take sends, write them to Kafka, push deliveries "
                               "to their connected devices, answer history requests",
        "presence svc (×150)": "online/offline and last seen: connect/disconnect events, lookups for open chats",
        "presence cache (Redis cluster, 8 shards × 3)": "user → status, last seen (TTL)",
        "session registry user -> chat server (Redis cluster, 16 shards × 3)": "user device → the chat server "
                                                                               "holding its socket",
        "messages (Kafka, 12 brokers, RF=3)": "durable log of sent messages; the send is acked when it is here",
        "delivery workers (×120)": "for each message and recipient: look up the session, forward to its chat "
                                   "server, or request a push if offline",
        "persistence workers (×80)": "batch-write messages and inbox updates to Cassandra",
        "message store (Cassandra, 600 nodes, RF=3) inbox + history": "messages by conversation and each "
                                                                     "user's inbox",
        "push (FCM / APNs)": "platform push for offline devices",
    },
    scaling=[
        "connections are the limit, not messages: 100M websockets at peak over 750 chat servers is ~133k "
        "each (tuned for 250k); losing a zone (250 servers) leaves 500 at 200k each",
        "message frames: 1.16M/s at peak (463k sends + 694k deliveries) ≈ 1.5k/s per chat server against "
        "~5k/s each",
        "Kafka: 463k messages/s × ~500 B with envelope ≈ 230 MB/s in, ×3 replicated, read by two consumer "
        "groups; 12 brokers, 600 partitions keyed by conversation id",
        "delivery: 694k deliveries/s at peak; a worker does ~10k/s (batched consume, pipelined registry "
        "lookups, streamed forwards), so 120 workers run at ~58% with room to drain a backlog",
        "persistence: 463k messages/s written in per-partition batches, ~10k/s per worker: 80 workers at ~58%",
        "registry: ~333k writes/s (connects and disconnects) + ~694k lookups/s ≈ 1M ops/s over 16 primaries "
        "(reads may go to replicas); presence: ~460k ops/s over 8 primaries",
        "message store: 4 TB/day, 1.46 PB a year, 4.4 PB with RF=3, ~2.2 PB on disk after compression: "
        "600 nodes at ~3.7 TB; writes are ~2.3k replica writes/s per node",
        "no message cache: most messages are delivered from the Kafka stream and never read back; history "
        "reads hit recent, memtable-resident partitions (the 1.2 TB 80/20 figure is not needed)",
        "media: 400M items/day × 200 KB ≈ 80 TB/day into S3 (~2.4 PB at 30 days), downloaded directly from S3",
        "heartbeats (every 30 s: ~3.3M/s at peak) end at the chat server; only state changes reach presence",
    ],
    trade_offs=[
        "ack after Kafka, not after Cassandra: lower send latency and one durable write on the hot path, "
        "but history can lag delivery by a second or two",
        "server-side history (multi-device, new phone) vs device-only storage like WhatsApp: much more "
        "storage and a larger target for attackers; end-to-end encryption would keep the server blind "
        "but complicates search and multi-device",
        "delivery workers route through a session registry instead of chat servers talking to each other: "
        "one extra hop, but chat servers stay independent and scale without a mesh",
        "group messages fan out on write (one delivery per member, capped at 256) instead of members "
        "pulling: simple and fast, but large groups multiply delivery load",
        "presence shown only for open chats, not pushed to every contact: much less traffic, slightly "
        "stale 'last seen' elsewhere",
    ],
    failure_modes=[
        FailureMode("a chat server dies",
                    "its ~133k clients reconnect through the NLB to other servers (jittered backoff) and "
                    "fetch missed messages from last_seen_message_id; stale registry entries expire by TTL",
                    "chat servers (×750)"),
        FailureMode("reconnect storm after a zone failure",
                    "jittered exponential backoff on clients; each chat server admits new connections at a capped "
                    "rate, so the wave spreads over minutes instead of overloading the registry and presence "
                    "(which have ~1.6× headroom at peak)",
                    "session registry user -> chat server (Redis cluster, 16 shards × 3)"),
        FailureMode("a Kafka broker fails",
                    "RF=3, min.insync.replicas=2: partitions fail over to in-sync replicas; producers "
                    "retry idempotently", "messages (Kafka, 12 brokers, RF=3)"),
        FailureMode("delivery workers fall behind",
                    "consumer lag alarms and autoscaling; recipients still get every message on reconnect "
                    "from Cassandra; order is per partition", "delivery workers (×120)"),
        FailureMode("Cassandra node or zone lost",
                    "RF=3 across 3 AZs with LOCAL_QUORUM; persistence workers retry from Kafka, which keeps "
                    "7 days", "message store (Cassandra, 600 nodes, RF=3) inbox + history"),
        FailureMode("registry shard primary fails",
                    "replica promoted automatically; deliveries for that shard retry; if an entry is lost the "
                    "message waits in Cassandra and a push is sent",
                    "session registry user -> chat server (Redis cluster, 16 shards × 3)"),
        FailureMode("push provider (FCM/APNs) unavailable",
                    "pushes are best-effort and retried; the message is already stored and arrives on the "
                    "next connect", "push (FCM / APNs)"),
    ],
    open_questions=[
        "end-to-end encryption (Signal protocol): do we keep server-side history, and how do new devices "
        "get old messages?",
        "multi-region: home region per user, or per conversation, and how are cross-region conversations "
        "routed?",
        "large groups and channels (thousands of members): fan-out on read instead?",
        "how long do we keep undelivered messages for a device that never comes back?",
    ],
)

# Every tier runs in three AZs of one region; zones are not drawn, to keep the diagram readable.
# wb: accept ZONE001 -- NLB, chat servers, Redis replicas, Kafka and Cassandra racks each span 3 AZs (see sheet)
with Diagram(
    "Chat Service",
    show=False,
    direction="LR",
    # Peak load and read ratio come from the sheet's capacity estimate (1.16M frames/s, 1.5:1).
    graph_attr={"splines": "spline", "ranksep": "1.0"},
):
    clients = Users("mobile clients")
    lb = NLB("NLB")
    media = S3("media\n(presigned upload)")

    # Connection-bound (~133k sockets each); message frames are cheap: ~5k/s per server.
    chat = ECS("chat servers (×750)", replicas="750", capacity_qps="5000")

    # Redis is the only store behind these, so each shard is a primary + 2 replicas (automatic failover).
    with Cluster("Presence + session registry"):
        # A Redis proxy: ~5k requests/s per task.
        presence = ECS("presence svc (×150)", replicas="150", capacity_qps="5000")
        presence_cache = Redis("presence cache\n(Redis cluster, 8 shards × 3)",
                               replicas="24", failover="auto")
        registry = Redis("session registry\nuser -> chat server\n(Redis cluster, 16 shards × 3)",
                         replicas="48", failover="auto")

    messages = Kafka("messages\n(Kafka, 12 brokers, RF=3)", replicas="12")

    with Cluster("Workers"):
        delivery = ECS("delivery workers (×120)", replicas="120", capacity_qps="10000")
        persist = ECS("persistence workers (×80)", replicas="80", capacity_qps="10000")

    # Partitioned by conversation id; every partition has 3 replicas.
    store = Cassandra("message store\n(Cassandra, 600 nodes, RF=3)\ninbox + history", replicas="600")

    with Cluster("External"):
        push = FCM("push (FCM / APNs)", role="external_saas")

    clients >> Edge(label="websocket") >> lb >> chat
    # About 2% of messages carry media.
    clients >> Edge(label="upload / download", fraction="0.02") >> media

    # Connects, disconnects and presence lookups: ~40% of the frame rate.
    chat >> Edge(label="status", fraction="0.4") >> presence
    presence >> Edge(label="status, TTL") >> presence_cache
    presence >> Edge(label="on connect", fraction="0.7") >> registry
    # Only sends (40% of frames) are written to Kafka.
    chat >> Edge(label="sends", fraction="0.4") >> messages
    # Catch-up after reconnect and scrolling back: a few % of frames.
    chat >> Edge(label="history", fraction="0.05") >> store

    messages >> Edge(label="async", style="dashed") >> delivery
    messages >> Edge(label="async", style="dashed") >> persist
    persist >> store
    # constraint=false only keeps the registry beside the presence service in the layout.
    delivery >> Edge(label="lookup", constraint="false") >> registry
    # Recipient online: hand to its chat server; offline: push notification.
    # Written as chat << delivery so Graphviz keeps chat servers on the left.
    chat << Edge(label="deliver") << delivery
    delivery >> Edge(label="offline", fraction="0.3") >> push
