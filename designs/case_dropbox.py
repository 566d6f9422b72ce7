"""Case study: Dropbox (metadata in Edgestore, file content in Magic Pocket).

Public facts (Dropbox engineering blog): files are split into immutable, content-addressed blocks of
up to 4 MB; file versions live in a journal in Edgestore, a metadata store on sharded MySQL; block
content lives in Magic Pocket, Dropbox's own exabyte-scale store: frontends, a Block Index (MySQL,
hash → cell), cells of OSD storage machines, and a daemon that copies blocks to another zone.
Clients learn about changes from notification servers and then pull metadata and blocks.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.generic.storage import Storage
from diagrams.onprem.client import Users
from diagrams.onprem.compute import Server
from diagrams.onprem.database import Mysql
from diagrams.onprem.inmemory import Memcached
from diagrams.onprem.network import Envoy

from workbench.sheet import Action, Api, Capacity, Entity, FailureMode, Sheet

Sheet(
    title="Dropbox: Edgestore metadata and Magic Pocket block storage",
    kind="case-study",
    prompt="How does Dropbox keep files in sync for hundreds of millions of users and store exabytes durably?",
    slo="99.9%",
    functional=["sync a folder across devices; upload only changed blocks", "file history and restore",
                "shared folders", "notify online devices of changes"],
    non_functional=["durability well beyond 11 nines for acknowledged blocks", "metadata p99 < 300 ms",
                    "survive the loss of a whole storage zone without losing data"],
    assumptions=["700M registered users; ~100M DAU (assumed), ~1.5 devices each, 40% online at peak",
                 "per user a day: 30 metadata reads, 10 commits, 6 block uploads, 10 block downloads",
                 "average block ~1 MB after compression; ~5 EB stored (public figure)"],
    constraints=["blocks are immutable and keyed by SHA-256: a change writes new blocks",
                 "Dropbox runs its own data centers (moved most content off S3 in 2015-16)"],
    capacity=Capacity(dau="100M", retention="10 years", actions={
        "list / sync metadata": Action(30, "read", "2KB"), "commit": Action(10, "write", "1KB"),
        "upload block": Action(6, "write", "1MB"), "download block": Action(10, "read", "1MB")}),
    apis=[Api("POST", "commit_batch", request="{ns_id, path, block_hashes[], parent}",
              response="ok | need_blocks[]"),
          Api("GET", "list(ns_id, cursor)", response="journal entries since cursor"),
          Api("PUT", "store_block(hash)", request="≤4 MB, encrypted"), Api("GET", "retrieve_block(hash)"),
          Api("GET", "subscribe(ns_ids, cursors)", response="changed ns_ids", notes="long-poll to a notserver")],
    data_model=[
        Entity("file journal", fields={"ns_id": "namespace", "journal_id": "int64", "path": "text",
                                       "blocklist": "sha256[]"}, keys=["ns_id, journal_id"],
               store="Edgestore (sharded MySQL)", why="an append-only log per namespace gives sync cursors"),
        Entity("block index", fields={"hash": "sha256", "cell": "id", "bucket": "id", "checksum": "crc"},
               keys=["hash"], store="MySQL, sharded by hash", why="dedup check and placement lookup"),
        Entity("block", fields={"hash": "sha256", "data": "≤4 MB"}, keys=["hash"],
               store="Magic Pocket cells", why="4 copies while hot, then erasure coded; plus another zone")],
    components={
        "desktop, mobile, web clients": "sync engine: hashes blocks, commits, long-polls for changes",
        "edge proxies (Envoy, x24)": "TLS and routing; sized for ~37 GB/s of block traffic, not requests",
        "meta servers (x140)": "API and commit logic over Edgestore",
        "Edgestore cache (memcached, x8)": "hot namespace and journal reads",
        "metadata shard k of 64 (MySQL)": "journal rows for the namespaces hashed to this shard",
        "notification servers (x320)": "hold ~60M long-polls (~200k each), wake a device when its namespace "
                                       "changes",
        "block servers (x110)": "authorise block access and stream blocks to and from Magic Pocket",
        "MP frontends (x110)": "dedup check, choose a cell, write and read blocks",
        "block index shard k of 32 (MySQL)": "hash → cell, bucket, checksum",
        "cell OSDs, zone West": "storage machines of one cell; volumes replicated, then erasure coded",
        "cell OSDs, zone Central": "copy of every block in a second zone"},
    scaling=["metadata and content are separate planes: ~93k metadata requests/s vs ~37k blocks/s at peak",
             "blocks are bandwidth-bound (~500 × 1 MB blocks/s per box), so block tiers are sized in bytes",
             "Edgestore and the Block Index scale by adding MySQL shards (64 and 32 drawn as 1 of N)",
             "storage grows by adding cells; a cell is the unit of repair and of failure isolation"],
    trade_offs=["own storage (Magic Pocket) over S3: large cost savings and control, but a storage team "
                "and hardware to run", "immutable blocks: simple replication and dedup, but garbage "
                "collection of unreferenced blocks", "long-poll notifications: simple and proxy friendly, "
                "but millions of idle connections"],
    failure_modes=[FailureMode("OSD disk or machine fails", "cell master re-replicates its volumes from the "
                               "other copies; erasure coding tolerates several losses"),
                   FailureMode("a whole zone is lost", "every block also lives in another zone; reads fail over"),
                   FailureMode("metadata shard primary fails", "replica promoted; commits retry"),
                   FailureMode("notification server dies", "clients reconnect and resume from their cursor")],
    open_questions=["is a block acknowledged before or after its cross-zone copy exists?",
                    "how are deleted blocks found and collected safely across zones?"],
)

with Diagram("Dropbox Case Study", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.0", "nodesep": "0.45"}):
    clients = Users("desktop, mobile,\nweb clients")
    edge = Envoy("edge proxies\n(Envoy, x24)", replicas="24")

    with Cluster("Metadata (Edgestore)"):
        meta = Server("meta servers (x140)", replicas="140")
        meta_cache = Memcached("Edgestore cache\n(memcached, x8)", replicas="8")
        meta_db = Mysql("metadata shard\nk of 64 (MySQL)", replicas="3", failover="auto", read_ratio="3:1")

    with Cluster("Notifications"):
        # ~60M open long-polls at ~200k per server: sized by connections, not by request rate.
        notify = Server("notification servers (x320)", replicas="320")

    with Cluster("Blocks"):
        # Bandwidth-bound: ~1 MB blocks at ~50% of 10 GbE -> ~500 blocks/s per box.
        blocks = Server("block servers (x110)", replicas="110", capacity_qps="500")

    with Cluster("Magic Pocket"):
        frontends = Server("MP frontends (x110)", replicas="110", capacity_qps="500")
        # Uploads do a dedup read and maybe a write; downloads only read: ~8 reads per 3 writes.
        index = Mysql("block index shard\nk of 32 (MySQL)", replicas="3", failover="auto", read_ratio="8:3")
        with Cluster("zone West", graph_attr={"wb_zone": "west"}):
            west = Storage("cell OSDs,\nzone West", role="object_storage", replicas="4")
        with Cluster("zone Central", graph_attr={"wb_zone": "central"}):
            central = Storage("cell OSDs,\nzone Central", role="object_storage", replicas="4")
        west >> Edge(label="cross-zone replication", style="dotted") >> central

    clients >> edge
    edge >> Edge(label="metadata", fraction="0.714") >> meta
    edge >> Edge(label="long-poll") >> notify
    edge >> Edge(label="blocks", fraction="0.286") >> blocks
    meta >> meta_cache
    meta >> Edge(label="by namespace", fraction="0.0156") >> meta_db
    meta >> Edge(label="ping namespace (on commit)", style="dashed", fraction="0.25") >> notify
    blocks >> frontends
    frontends >> Edge(label="by hash", fraction="0.031") >> index
    frontends >> Edge(label="put / get") >> west
