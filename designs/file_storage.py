"""File storage drill (Dropbox-like): chunked upload, metadata, object store, sync notifications.

Key constraint: files are split into content-addressed 4 MB blocks, so only changed blocks move and
identical blocks are stored once; ~23k requests/s at peak, 70% reads. Shows separate metadata and
block tiers, a sharded metadata DB behind a cache, S3 for blocks and Kafka-driven change notifications.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS
from diagrams.aws.database import RDS, Dynamodb, ElasticacheForRedis
from diagrams.aws.network import ELB
from diagrams.aws.storage import S3
from diagrams.onprem.client import Users
from diagrams.onprem.queue import Kafka

from workbench.sheet import Action, Api, Capacity, Entity, Event, FailureMode, Sheet

Sheet(
    title="File storage and sync (Dropbox-like)",
    kind="drill",
    prompt="Design a file storage service that keeps a user's files in sync across their devices.",
    slo="99.95%",
    functional=["upload and download files of any size, resumably", "sync changes to every device of the user",
                "keep file versions (restore the last 30 days)", "share folders with other users"],
    non_functional=["no acknowledged upload is ever lost (11 nines durability)", "metadata ops p99 < 200 ms",
                    "a change reaches the user's other online devices within 5 s", "99.95% available"],
    assumptions=["50M DAU, ~1.5 devices each; 40% of devices online at peak (~30M open connections)",
                 "the client chunks files into ≤4 MB blocks, hashes them (SHA-256) and uploads only unknown ones",
                 "average block after compression ~1 MB; ~30% of blocks deduplicate"],
    constraints=["a file is visible only after its commit succeeds (all blocks present)", "max file 50 GB"],
    capacity=Capacity(dau="50M", retention="5 years", actions={
        "list changes / get metadata": Action(10, "read", "2KB"),
        "commit file version": Action(2, "write", "1KB"),
        "upload block": Action(4, "write", "1MB"),
        "download block": Action(4, "read", "1MB")}),
    apis=[Api("POST", "/files/commit", request="{path, block_hashes[], parent_rev}",
              response="200 {rev} | 409 {missing_blocks[]}", notes="optimistic concurrency on parent_rev"),
          Api("PUT", "/blocks/{sha256}", request="≤4 MB body", response="201", notes="idempotent: key = hash"),
          Api("GET", "/blocks/{sha256}", response="block bytes"),
          Api("GET", "/changes?cursor=", response="{entries[], cursor, has_more}"),
          Api("GET", "/notify?cursor=", response="{changed: bool}", notes="long-poll, 60 s timeout"),
          Event("file-changes", message="{namespace_id, journal_id, rev}", notes="keyed by namespace_id")],
    data_model=[
        Entity("file_journal", fields={"namespace_id": "bigint", "journal_id": "bigint (per namespace)",
                                       "path": "text", "rev": "bigint", "block_hashes": "sha256[]",
                                       "deleted": "bool"},
               keys=["namespace_id, journal_id"], indexes=["namespace_id, path (latest)"],
               store="MySQL, sharded by namespace_id", why="ordered per-namespace log gives cursors for sync"),
        Entity("block", fields={"sha256": "32 bytes", "s3_key": "text", "size": "int", "refcount": "int"},
               keys=["sha256"], store="DynamoDB", why="point lookups for dedup, scales without sharding work"),
        Entity("block bytes", fields=["sha256 → up to 4 MB"], keys=["sha256"], store="S3",
               why="durable, cheap, immutable content-addressed objects")],
    components={
        "ALB": "TLS termination; routes /files and /changes, /blocks and /notify to their tiers",
        "metadata svc (x24)": "commits, listings, journal cursors, sharing ACLs",
        "metadata cache (Redis, Multi-AZ)": "namespace → shard map, hot folder listings, latest cursor",
        "metadata shard k of 8 (MySQL, Multi-AZ)": "file journal for the namespaces hashed to it",
        "file-change events (3 brokers)": "one event per commit, partitioned by namespace",
        "block svc (x30)": "verifies hash, deduplicates, encrypts, streams blocks to and from S3",
        "block index": "sha256 → S3 key and refcount",
        "block store": "immutable blocks; lifecycle to Infrequent Access after 90 days",
        "notification svc (x320)": "holds long-polls per device; wakes those whose namespace changed"},
    scaling=["metadata: 8 MySQL shards by namespace_id (a shared folder is its own namespace); resharding by "
             "moving whole namespaces", "blocks are bandwidth-bound: ~500 blocks/s per instance, so 30 instances",
             "notification svc is sized by connections (~100k per instance), not by request rate",
             "dedup and delta sync (only changed blocks) cut upload bandwidth by ~30%"],
    trade_offs=["block svc proxies bytes instead of presigned S3 URLs: costs bandwidth, buys per-block "
                "verification, encryption and dedup", "long-poll over push: works through proxies, costs "
                "idle connections", "commit after upload (two phases) keeps files atomic but needs a sweeper "
                "for orphaned blocks (refcount 0 for 7 days)"],
    failure_modes=[FailureMode("metadata shard primary fails", "Multi-AZ failover (~60 s); commits retry, "
                               "reads served from cache", "metadata shard k of 8 (MySQL, Multi-AZ)"),
                   FailureMode("notification instance dies", "clients reconnect via the ALB and resume from "
                               "their cursor; nothing is lost"),
                   FailureMode("Kafka unavailable", "commit still succeeds; clients fall back to polling "
                               "/changes every 60 s"),
                   FailureMode("upload interrupted", "blocks are idempotent by hash; client resumes with "
                               "the missing_blocks list")],
    open_questions=["LAN sync between devices of the same user?", "client-side encryption vs server dedup?",
                    "how long do we keep deleted files for non-paying users?"],
)

with Diagram("File Storage", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.1", "nodesep": "0.5"}):
    clients = Users("desktop + mobile\nclients")
    alb = ELB("ALB")

    with Cluster("Metadata tier"):
        meta = ECS("metadata svc (x24)", replicas="24")
        meta_cache = ElasticacheForRedis("metadata cache\n(Redis, Multi-AZ)", multi_az="true")
        # One of 8 identical shards is drawn; each gets 1/8 of metadata traffic. Commits are 1 in 6 requests.
        shard = RDS("metadata shard k of 8\n(MySQL, Multi-AZ)", multi_az="true", read_ratio="5:1")

    with Cluster("Sync notifications"):
        changes = Kafka("file-change events\n(3 brokers)", replicas="3")
        # ~30M open long-polls at ~100k per instance: sized by connections, not by request rate.
        notify = ECS("notification svc (x320)", replicas="320")

    with Cluster("Block tier"):
        # Bandwidth-bound: ~1 MB blocks, 10 GbE kept under ~50% with TLS -> ~500 blocks/s per instance.
        blocks = ECS("block svc (x30)", replicas="30", capacity_qps="500")
        # On-demand table: default quota is 40,000 read and 40,000 write request units per table.
        block_index = Dynamodb("block index", capacity_qps="40000", read_ratio="2:1")
        block_store = S3("block store")

    clients >> alb
    alb >> Edge(label="commit / list", fraction="0.6") >> meta
    alb >> Edge(label="long-poll") >> notify
    alb >> Edge(label="PUT / GET blocks", fraction="0.4") >> blocks

    meta >> meta_cache
    meta >> Edge(label="by namespace", fraction="0.125") >> shard
    meta >> Edge(label="on commit", fraction="0.17") >> changes
    blocks >> Edge(label="dedup lookup") >> block_index
    blocks >> block_store
    # constraint=false only lets the notification tier sit beside the other tiers in the layout.
    changes >> Edge(label="async", style="dashed", constraint="false") >> notify
