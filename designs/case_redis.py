"""Case study: Redis high availability and scale-out, as a session and rate-limit store.

Two deployments of the same workload (~60k ops/s at peak, ~80 GB of keys):
1. one primary with two asynchronous replicas, watched by 3 Sentinels that vote a replica up when
   the primary is down (HA, but one node's memory and one writer);
2. Redis Cluster: 16,384 hash slots over 3 shards, each a primary with a replica; the primaries
   gossip on the cluster bus and vote a replica up when a primary fails (HA and scale-out).
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS
from diagrams.onprem.inmemory import Redis

from workbench.sheet import Action, Api, Capacity, Entity, FailureMode, Sheet

Sheet(
    title="Redis: replication, Sentinel and Redis Cluster",
    kind="case-study",
    prompt="How does Redis stay available when a node dies, and how does it scale past one node?",
    slo="99.95%",
    functional=["get/set sessions with a TTL", "sliding-window rate limits (INCR + EXPIRE, Lua)",
                "clients find the current primary (Sentinel) or the right shard (Cluster) by themselves"],
    non_functional=["p99 < 2 ms inside the AZ", "automatic failover in < 30 s", "losing one node loses "
                    "at most ~1 s of writes (async replication, AOF everysec)"],
    assumptions=["20M DAU; ~130 requests per user a day, each one Redis op: ~100 session reads, ~30 writes", "~80 GB of keys (20M sessions × ~4 KB)",
                 "losing the last second of session writes is acceptable (users log in again)"],
    constraints=["replication is asynchronous: an acked write can be lost on failover (WAIT narrows it)",
                 "Cluster: multi-key commands only within one hash slot (use {hash tags})",
                 "Sentinel needs ≥3 voters in separate failure domains"],
    # Keys are overwritten, not accumulated (stored=0); the working set is all ~80 GB (1% of daily reads).
    capacity=Capacity(dau="20M", cache_share="1%", actions={
        "read session": Action(100, "read", "4KB"),
        "write session / counter": Action(30, "write", "4KB", stored="0")}),
    apis=[Api("RESP", "GET/SET session:{id} EX 1800", response="value | nil"),
          Api("RESP", "EVALSHA ratelimit {user}:{window}", response="allowed, remaining",
              notes="keys share a hash tag so the script runs on one shard"),
          Api("RESP", "SENTINEL get-master-addr-by-name sessions", response="ip, port",
              notes="clients ask on connect and on +switch-master"),
          Api("RESP", "CLUSTER SHARDS / MOVED slot ip:port", notes="clients cache the slot map, refresh on MOVED")],
    data_model=[Entity("session", fields={"key": "session:{id}", "value": "hash (~4 KB)", "ttl": "30 min"},
                       keys=["session id"], store="Redis", why="in-memory, TTL eviction built in"),
                Entity("rate-limit counter", fields={"key": "rl:{user}:{window}", "value": "int", "ttl": "window"},
                       keys=["user, window"], store="Redis", why="atomic INCR; {user} tag keeps a user on one shard")],
    components={
        "app servers (x90)": "web tier (~60k requests/s); Sentinel-aware or cluster-aware client, pooled",
        "redis primary": "all writes; reads that must see the latest write",
        "redis replica 1": "async copy of the primary in a second AZ; failover candidate",
        "redis replica 2": "second copy, in a third AZ",
        "sentinel 1": "pings primary and replicas; votes on failover (quorum 2 of 3)",
        "sentinel 2": "Sentinel voter", "sentinel 3": "Sentinel voter",
        "shard 1 primary (slots 0-5460)": "owns a third of the hash slots",
        "shard 2 primary (slots 5461-10922)": "owns a third of the hash slots",
        "shard 3 primary (slots 10923-16383)": "owns a third of the hash slots",
        "shard 1 replica": "promoted by a majority of primaries if shard 1's primary fails",
        "shard 2 replica": "replica of shard 2", "shard 3 replica": "replica of shard 3"},
    scaling=["one node does ~100k simple ops/s, so 60k ops/s fits one primary; 80 GB does not fit well "
             "(fork for RDB/AOF rewrite needs memory headroom), which is what pushes to Cluster",
             "Cluster scales by adding shards and moving slots (resharding) online",
             "replicas add read capacity only for reads that tolerate lag"],
    trade_offs=["Sentinel: simple, all commands work, but one writer and one node's memory",
                "Cluster: scale-out, but multi-key ops need hash tags and clients must follow MOVED/ASK",
                "async replication: low latency, but a failover can drop the last acked writes"],
    failure_modes=[FailureMode("primary dies (Sentinel)", "2 of 3 Sentinels agree it is down (down-after 5 s), "
                               "elect a leader Sentinel, promote the freshest replica, clients reconnect"),
                   FailureMode("network partition isolates the old primary", "min-replicas-to-write 1 makes it "
                               "stop taking writes, limiting split-brain loss"),
                   FailureMode("a shard primary dies (Cluster)", "its replica is promoted after node-timeout "
                               "by a majority of primaries; slots stay served"),
                   FailureMode("a shard loses primary and replica", "those slots are down "
                               "(cluster-require-full-coverage no keeps the others up); restore from RDB")],
    open_questions=["AOF everysec or always for rate limits?", "one replica per shard or two across 3 AZs?",
                    "managed (ElastiCache / MemoryDB) instead of self-hosted?"],
)

with Diagram("Redis Sentinel", show=False, direction="LR", graph_attr={"splines": "spline", "ranksep": "1.0"}):
    app = ECS("app servers (x90)", replicas="90", entry="true")
    with Cluster("Sentinel quorum (3 voters, quorum 2)"):
        sentinels = [Redis(f"sentinel {i}", role="coordination", group="sentinels") for i in (1, 2, 3)]
    with Cluster("Replication group"):
        # Sentinel promotes a replica when the primary is down.
        primary = Redis("redis primary", failover="auto")
        replicas = [Redis("redis replica 1"), Redis("redis replica 2")]
        for r in replicas:
            primary >> Edge(label="async replication", style="dotted") >> r
    app >> Edge(label="reads + writes") >> primary
    # Clients ask a Sentinel only on connect and on failover, not per request.
    app >> Edge(label="where is the primary?", fraction="0.001") >> sentinels[1]
    for s in sentinels:
        s >> Edge(label="monitor" if s is sentinels[0] else "", style="dashed", color="gray") >> primary

with Diagram("Redis Cluster", show=False, direction="LR", graph_attr={"splines": "spline", "ranksep": "1.2"}):
    app = ECS("app servers (x90)", replicas="90", entry="true")
    with Cluster("Redis Cluster: 16,384 slots, cluster bus gossip + failover votes"):
        for i, slots in enumerate(("0-5460", "5461-10922", "10923-16383"), start=1):
            with Cluster(f"shard {i}"):
                # A majority of primaries promotes the replica when this primary fails.
                shard = Redis(f"shard {i} primary\n(slots {slots})", failover="auto")
                shard >> Edge(label="async replication", style="dotted") >> Redis(f"shard {i} replica")
            app >> Edge(label="CRC16(key) mod 16384" if i == 1 else "", fraction="0.333") >> shard
