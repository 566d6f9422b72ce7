"""News feed (Twitter/Facebook-style): post updates and read a home timeline.

Key constraint: feed reads dominate (~50:1), ~300k feed reads/s at peak; a post
must reach followers' feeds within seconds. Shows write-time fan-out through Kafka
into a Redis feed cache, replicated posts DB, media via S3 + CDN, async push.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS, Lambda
from diagrams.aws.database import Dynamodb, ElasticacheForRedis
from diagrams.aws.integration import SNS
from diagrams.aws.network import ELB, CloudFront
from diagrams.aws.storage import S3
from diagrams.onprem.client import Users
from diagrams.onprem.database import PostgreSQL
from diagrams.onprem.queue import Kafka

with Diagram(
    "News Feed",
    show=False,
    direction="LR",
    # wb_* keys are read by the workbench; Graphviz ignores them.
    graph_attr={"splines": "spline", "ranksep": "1.0",
                "wb_read_ratio": "50:1", "wb_qps": "300000"},
):
    users = Users("users")
    cdn = CloudFront("media CDN")
    lb = ELB("ALB")

    with Cluster("Post service (writes)"):
        post = [ECS("post-1"), ECS("post-2")]

    with Cluster("Feed service (reads)"):
        feed = [ECS("feed-1"), ECS("feed-2")]

    with Cluster("Posts DB (PostgreSQL)"):
        # Patroni promotes the replica if the primary fails.
        posts = PostgreSQL("posts primary", failover="auto")
        posts_replica = PostgreSQL("posts replica\n(hydrate, celebrity pull)")
        posts - Edge(label="replication", style="dotted") - posts_replica

    media = S3("media")

    with Cluster("Fan-out on write"):
        new_posts = Kafka("new-post events\n(3 brokers)", replicas="3")
        fanout = ECS("fan-out workers (x3)", replicas="3")

    with Cluster("User / graph service"):
        graph = ECS("graph svc (x2)", replicas="2")
        follows = Dynamodb("users + follows")

    # Cluster mode, each shard a primary + 2 replicas across AZs.
    feed_cache = ElasticacheForRedis("feed cache\n(Redis cluster, multi-AZ)",
                                     replicas="3", multi_az="true")

    with Cluster("Notifications (async)"):
        notifier = Lambda("notifier")
        push = SNS("mobile push")

    users >> cdn >> Edge(label="origin fetch") >> media
    users >> lb
    lb >> post
    lb >> feed

    post >> posts
    post >> media
    post >> new_posts
    new_posts >> Edge(label="async", style="dashed") >> fanout
    fanout >> Edge(label="followers") >> graph >> follows
    fanout >> Edge(label="push post id") >> feed_cache

    feed >> feed_cache
    # Celebrity posts are pulled at read time instead of fanned out.
    feed >> posts_replica

    new_posts >> Edge(label="event", style="dashed") >> notifier >> push
