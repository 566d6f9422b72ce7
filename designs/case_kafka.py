"""Case study: Apache Kafka, a replicated, partitioned commit log.

One topic with 3 partitions, replication factor 3, on 3 brokers: each partition has a leader that
serves all produce and fetch traffic and two followers that copy it; followers that keep up form the
in-sync replica set (ISR). A 3-voter KRaft controller quorum elects leaders. Producers write with
acks=all; two consumer groups each read every partition once.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS
from diagrams.onprem.queue import Kafka

from workbench.sheet import Action, Api, Capacity, Entity, Event, FailureMode, Sheet

Sheet(
    title="Apache Kafka: partitions, replication and consumer groups",
    kind="case-study",
    prompt="How does Kafka store, replicate and serve a partitioned log, and what happens when a broker dies?",
    slo="99.95%",
    functional=["producers append records to a topic; the key picks the partition", "records in a partition "
                "are ordered and kept for the retention period", "each consumer group reads every partition; "
                "within a group a partition has one consumer", "consumers commit offsets and resume from them"],
    non_functional=["an acknowledged record survives the loss of any one broker", "produce p99 < 20 ms at "
                    "30k records/s", "leader failover within seconds, without losing acked records"],
    assumptions=["2M devices each emit ~650 click events a day (~1 KB)", "2 consumer groups (analytics, billing)",
                 "replication.factor=3, min.insync.replicas=2, acks=all, unclean leader election off"],
    constraints=["order is guaranteed per partition only", "a group has at most as many active consumers as "
                 "the topic has partitions", "KRaft mode (Kafka ≥ 3.3); ZooKeeper is gone in 4.0"],
    capacity=Capacity(dau="2M", retention="7 days", actions={
        "produce event": Action(650, "write", "1KB"),
        "consume event (2 groups)": Action(1300, "read", "1KB")}),
    apis=[Api("RPC", "Produce(topic, partition, records[], acks=all)", response="{base_offset}",
              notes="idempotent producer: (producer_id, epoch, sequence) drops retried duplicates"),
          Api("RPC", "Fetch(topic, partition, offset, max_bytes)", response="records[]",
              notes="consumers and followers use the same call; long-polls up to fetch.max.wait.ms"),
          Api("RPC", "OffsetCommit(group, partition, offset)", notes="stored in __consumer_offsets"),
          Api("RPC", "JoinGroup / SyncGroup / Heartbeat", notes="group coordinator assigns partitions"),
          Event("clicks", message="{user_id (key), url, ts}", notes="3 partitions; key hash keeps a user's "
                "events in order")],
    data_model=[
        Entity("partition log", fields={"offset": "int64", "key": "bytes", "value": "bytes", "timestamp": "int64"},
               keys=["topic, partition, offset"], store="segment files + offset/time indexes on each replica",
               why="sequential appends and reads; page cache does the caching"),
        Entity("partition state", fields={"leader": "broker id", "leader_epoch": "int", "isr": "broker ids"},
               keys=["topic, partition"], store="KRaft metadata log (__cluster_metadata)",
               why="one Raft-replicated source of truth for leadership"),
        Entity("committed offset", fields={"group": "text", "offset": "int64"}, keys=["group, topic, partition"],
               store="__consumer_offsets (compacted topic)")],
    components={
        "producer apps (x50)": "web services that emit one click event per request (batched, compressed)",
        "P0 leader (broker 1)": "serves all P0 produce and fetch; commits a record when the whole ISR has it",
        "P1 leader (broker 2)": "same for P1", "P2 leader (broker 3)": "same for P2",
        "P0 follower (broker 2)": "fetches from the P0 leader; in the ISR while < 30 s behind",
        "P0 follower (broker 3)": "P0 follower", "P1 follower (broker 3)": "P1 follower",
        "P1 follower (broker 1)": "P1 follower", "P2 follower (broker 1)": "P2 follower",
        "P2 follower (broker 2)": "P2 follower",
        "controller 1 (active)": "active KRaft controller: broker liveness, leader and ISR changes",
        "controller 2": "Raft voter; takes over if the active controller fails",
        "controller 3": "Raft voter",
        "analytics consumer 1": "analytics group: 1 partition per consumer",
        "analytics consumer 2": "analytics group", "analytics consumer 3": "analytics group",
        "billing consumer 1": "billing group: 1 partition per consumer",
        "billing consumer 2": "billing group", "billing consumer 3": "billing group"},
    scaling=["throughput scales with partitions: add partitions (re-keys new data) and brokers, then move "
             "replicas with partition reassignment", "consumers scale up to one per partition; more "
             "partitions for more parallelism", "leaders are spread so each broker leads 1/3 of partitions"],
    trade_offs=["acks=all + min.insync.replicas=2: no acked loss after one failure, but produce fails when "
                "two replicas are down", "page cache and zero-copy sends over an app-level cache: fast, but "
                "reads of old data compete for memory", "KRaft over ZooKeeper: one system to run, faster "
                "failover, metadata as a log"],
    failure_modes=[FailureMode("broker 1 dies", "controller makes an ISR follower the leader of P0 (new "
                               "epoch); producers and consumers refresh metadata and retry"),
                   FailureMode("follower falls behind", "dropped from the ISR after 30 s; produce continues "
                               "while ISR ≥ 2"),
                   FailureMode("active controller dies", "Raft elects another voter (2 of 3 needed)"),
                   FailureMode("consumer dies", "heartbeats stop; cooperative rebalance moves its "
                               "partition; processing resumes from the committed offset (at least once)")],
    open_questions=["exactly-once to the billing sink: transactions or idempotent writes?",
                    "rack-aware replica placement across 3 AZs?", "tiered storage for longer retention?"],
)

with Diagram("Kafka Case Study", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.1", "nodesep": "0.3"}):
    # Producers carry only the writes (30k/s at peak); consumer load follows from them.
    producers = ECS("producer apps (x50)", replicas="50", entry="true", qps="30100")

    with Cluster("KRaft controller quorum (3 voters)"):
        ctl = [Kafka("controller 1 (active)", role="coordination"),
               Kafka("controller 2", role="coordination"), Kafka("controller 3", role="coordination")]
        ctl[0] - Edge(label="Raft quorum", style="dotted", constraint="false") - ctl[1]
        ctl[0] - Edge(label="Raft quorum", style="dotted", constraint="false") - ctl[2]

    leaders = []
    with Cluster("topic clicks: 3 partitions x RF 3 on brokers 1-3"):
        for p in range(3):
            with Cluster(f"partition P{p}"):
                # Leaders are spread: broker p+1 leads P{p} and follows the other two partitions.
                leader = Kafka(f"P{p} leader\n(broker {p + 1})", failover="auto")
                for b in (p + 1) % 3, (p + 2) % 3:
                    leader - Edge(label="replicate (ISR)" if p == 0 else "", style="dotted") - \
                        Kafka(f"P{p} follower\n(broker {b + 1})")
            leaders.append(leader)
            producers >> Edge(label="key hash → P0" if p == 0 else "", fraction="0.333") >> leader
            # The leader asks the controller to shrink or grow its ISR (AlterPartition); written with <<
            # so that the quorum sits on the left, beside the producers.
            ctl[0] << Edge(label="ISR changes" if p == 0 else "", style="dashed", color="gray") << leader

    for group in ("analytics", "billing"):
        with Cluster(f"consumer group: {group}"):
            # Batched fetches (max.poll.records=500), ~50 µs of work per record: ~20k records/s each [H].
            consumers = [ECS(f"{group} consumer {i + 1}", capacity_qps="20000") for i in range(3)]
        for p in range(3):
            leaders[p] >> Edge(label="fetch" if p == 0 else "", style="dashed", minlen="2") >> consumers[p]
