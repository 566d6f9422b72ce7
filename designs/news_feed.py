"""News feed (Twitter/Facebook-style): post updates and read a home timeline.

Key constraint: feed reads dominate (50:1), ~310k feed reads/s at peak (sheet below); a post
must reach followers' feeds within seconds. Shows write-time fan-out through Kafka into a
Redis timeline cache, a post cache in front of a Cassandra posts store, media via S3 + CDN,
and async push notifications.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS, Lambda
from diagrams.aws.database import Dynamodb, ElasticacheForMemcached, ElasticacheForRedis
from diagrams.aws.integration import SNS
from diagrams.aws.network import ELB, CloudFront
from diagrams.aws.storage import S3
from diagrams.onprem.client import Users
from diagrams.onprem.database import Cassandra
from diagrams.onprem.queue import Kafka

from workbench.sheet import Action, Api, Capacity, Entity, Event, FailureMode, Sheet

Sheet(
    title="News feed",
    kind="drill",
    prompt="Design the home timeline of a social network (Twitter/Facebook-style): users post short updates "
           "with optional photos, follow other users, and read a feed of the posts of the accounts they "
           "follow, newest first.",
    slo="99.95%",
    functional=[
        "publish a post (text up to 280 characters, optionally one photo)",
        "read the home feed: posts of followed accounts, newest first, paginated",
        "follow and unfollow accounts",
        "push notification to followers who turned notifications on for an account",
    ],
    non_functional=[
        "feed read p99 < 200 ms",
        "99.95% available for feed reads; posting may degrade (queued) before reading does",
        "a post appears in followers' feeds within 5 s (p99), celebrities included",
        "eventual consistency is fine for feeds; a user always sees their own post at once",
    ],
    assumptions=[
        "300M daily active users; each opens the feed ~30 times a day (a page of 20 posts each)",
        "0.6 posts per user per day (most users only read), so feed reads outnumber posts 50:1",
        "peak = 3 × average (evening peaks and live events)",
        "200 followed accounts on average; 60% of a post's followers were active in the last 30 days",
        "~1,000 celebrity accounts with > 1M followers; they are pulled at read time, not fanned out",
        "20% of posts carry one photo (~300 KB after compression); a user loads ~50 photos a day from the CDN",
    ],
    constraints=[
        "post text ≤ 280 characters (≤ 1 KB UTF-8); stored posts ~500 B with metadata",
        "photos are uploaded straight to object storage with presigned URLs, never through the API",
        "one AWS region over three availability zones",
    ],
    capacity=Capacity(
        dau="300M",
        actions={"read feed page": Action(30, "read", "10KB"),
                 "publish post": Action(0.6, "write", "1KB", stored="500B")},
        retention="5 years",
        peak_factor=3,
    ),
    apis=[
        Api("POST", "/v1/posts", request="{text, media_key?}", response="201 {post_id, created_at}",
            notes="Idempotency-Key header; 300 posts/day per user; returns once the post is stored and "
                  "post.created is published"),
        Api("POST", "/v1/media/uploads", request="{content_type, size}",
            response="200 {media_key, presigned_put_url}", notes="URL valid 10 min, ≤ 10 MB"),
        Api("GET", "/v1/feed?cursor=&limit=20",
            response="{posts: [{post_id, author, text, media_url, created_at, counts}], next_cursor}",
            notes="cursor = last post id (snowflake ids sort by time); merges the cached timeline with the "
                  "recent posts of followed celebrities and of the reader (who sees their own post at once)"),
        Api("PUT", "/v1/users/{id}/follow", response="204", notes="DELETE to unfollow; backfills the last "
                                                                  "20 posts of that account into the timeline"),
        Event("post.created", message="{post_id, author_id, created_at, has_media}",
              notes="partitioned by author_id; consumed by fan-out workers and the notifier; at-least-once, "
                    "timeline inserts are idempotent (sorted set keyed by post id)"),
    ],
    data_model=[
        Entity("post",
               fields={"post_id": "snowflake id (time-ordered)", "author_id": "user id", "text": "≤ 1 KB",
                       "media_key": "S3 key?", "created_at": "timestamp"},
               keys=["post_id (posts table)", "author_id, post_id DESC (posts_by_author table)"],
               indexes=["none: the two tables are the two access paths"],
               store="Cassandra (RF=3, LOCAL_QUORUM)",
               why="write-heavy, append-only, 493 TB replicated over 5 years; by-id and by-author reads map "
                   "onto partitions; no joins"),
        Entity("home timeline",
               fields={"user_id": "key", "entries": "sorted set of post_id, capped at 500"},
               keys=["user_id"], indexes=[],
               store="Redis cluster (ElastiCache)",
               why="the precomputed feed: one range read per page; rebuilt from posts_by_author of followed "
                   "accounts if lost"),
        Entity("follow edge",
               fields={"follower_id": "user id", "followee_id": "user id", "notify": "bool",
                       "created_at": "timestamp"},
               keys=["followee_id, follower_id (followers)", "follower_id, followee_id (following)"],
               indexes=["GSI: following, for 'who do I follow'"],
               store="DynamoDB",
               why="simple key-range reads of follower lists in pages; managed, multi-AZ, scales with the "
                   "graph (~60B edges)"),
        Entity("photo", fields={"media_key": "S3 key", "variants": "thumbnail, 1080p"},
               keys=["media_key"], store="S3 (Standard, then Infrequent Access after 30 days)",
               why="immutable blobs, 20 PB over 5 years; served through the CDN"),
    ],
    components={
        "users": "mobile and web clients",
        "media CDN": "CloudFront: serves photos from the edge (~95% hit ratio)",
        "ALB": "routes /v1/posts and /v1/media to the post service, /v1/feed to the feed service",
        "post svc (×16)": "validates and stores posts, issues presigned upload URLs, publishes post.created",
        "feed svc (×500)": "reads the timeline ids, merges celebrity posts, hydrates posts from the post "
                           "cache, returns a page",
        "posts store (Cassandra, 200 nodes, RF=3)": "system of record for posts (by id and by author)",
        "post cache (Memcached, 40 nodes)": "cache-aside post objects by id, for hydration (~95% hit)",
        "media (S3)": "photos, uploaded by clients with presigned PUTs",
        "new-post events (Kafka, 6 brokers)": "post.created stream that decouples posting from fan-out",
        "fan-out workers (×64)": "for each post, page through the author's active followers and push the "
                                 "post id into their timelines (skipped for celebrities)",
        "graph svc (×24)": "follower and following lists, paged",
        "users + follows (DynamoDB)": "profiles and the follow graph",
        "timeline cache (Redis cluster, 64 shards × 3)": "the precomputed home timelines: post ids per user",
        "notifier": "Lambda on post.created: asks the graph service for followers with notifications on, "
                    "sends push requests",
        "mobile push (SNS)": "SNS mobile push, forwarding to APNs and FCM",
    },
    scaling=[
        "feed reads: 312k/s at peak on 500 feed-service tasks at ~1,000 req/s each (63%); each read is one "
        "Redis range read and one Memcached multi-get of 20 posts (~6M post lookups/s, ~95% hits)",
        "fan-out on write: 6,250 posts/s at peak × 200 followers × 60% active ≈ 750k timeline inserts/s, "
        "pipelined per shard; 64 workers at ~250 posts/s each (~30k Redis writes/s per worker, 40% busy); the "
        "fan-out edge carries fraction=120, so the analysis sees 750k writes + 312k reads ≈ 1.1M ops/s over "
        "64 primaries (~17k each)",
        "timeline cache memory: 500 ids × ~25 B with overhead ≈ 12 KB per user, ~400M monthly actives "
        "≈ 5 TB, ×3 copies; 64 shards × 3 nodes. The 80/20 estimate (18 TB) counts whole pages; we cache "
        "ids per user and each post object only once (post cache: 3 days of posts ≈ 540M × 1 KB ≈ 0.5 TB)",
        "celebrities (> 1M followers) are not fanned out: their recent posts are read from the post cache at "
        "feed time and merged, which caps a single post's fan-out at ~600k writes",
        "posts store: 90 GB/day, 164 TB over 5 years, 493 TB with RF=3 ≈ 200 nodes at 2.5 TB; writes are "
        "6,250/s (trivial for Cassandra); reads are post-cache misses, ~5% of ~6M post lookups/s ≈ 300k/s "
        "or ~1.5k per node",
        "media (outside the API estimate): 36M photos/day × 300 KB ≈ 11 TB/day into S3, ~20 PB over 5 years; "
        "~15B photo loads/day ≈ 520k/s at peak and ~100 GB/s egress, ~95% from the CDN",
        "inactive users (no visit in 30 days) get no fan-out; their timeline is rebuilt on the next visit "
        "from posts_by_author of the accounts they follow",
    ],
    trade_offs=[
        "fan-out on write (push) vs on read (pull): fast, cheap feed reads (one range read) at the cost of "
        "write amplification and up to seconds of delay; hybrid pull for celebrities bounds the worst case",
        "precomputed timelines hold only ids: feeds always show fresh post content (edits, deletes) at the "
        "cost of a hydration multi-get per page",
        "Cassandra for posts vs sharded PostgreSQL: simple scale-out and multi-zone writes, but no ad-hoc "
        "queries; search and analytics go to separate systems fed from the event stream",
        "chronological order only: ranking (ML scoring) would add a ranking service and feature store "
        "between the timeline and hydration",
        "timelines capped at 500 entries: older posts come from a slower pull path when a user scrolls "
        "that far (rare)",
    ],
    failure_modes=[
        FailureMode("a timeline-cache shard primary fails",
                    "ElastiCache promotes a replica in another AZ in seconds; fan-out writes for that shard "
                    "retry from Kafka", "timeline cache (Redis cluster, 64 shards × 3)"),
        FailureMode("timeline cache lost entirely (bad deploy, region event)",
                    "feed service falls back to pull (posts_by_author of followed accounts, slower); timelines "
                    "rebuilt lazily on each user's next visit", "timeline cache (Redis cluster, 64 shards × 3)"),
        FailureMode("fan-out falls behind (celebrity burst, worker crash)",
                    "Kafka buffers 7 days; workers autoscale on consumer lag; the author still sees their post at "
                    "once because the feed service merges the reader's own recent posts", "fan-out workers (×64)"),
        FailureMode("post-cache node lost",
                    "consistent hashing moves its keys to neighbours; the extra misses (1/40 of the hot set) go to "
                    "Cassandra, which runs at ~1.5k reads/s per node and has room for several times that", "post cache (Memcached, 40 nodes)"),
        FailureMode("Cassandra node or zone lost",
                    "RF=3 across 3 AZs with LOCAL_QUORUM: every partition keeps 2 replicas",
                    "posts store (Cassandra, 200 nodes, RF=3)"),
        FailureMode("hot post (a celebrity's post read by millions)",
                    "served from the post cache; the key is replicated to several Memcached nodes (hot-key "
                    "replication) and to an in-process cache in the feed service for a few seconds"),
        FailureMode("push provider (APNs/FCM) throttles or fails",
                    "notifications are best-effort: SNS retries; the notifier drops stale notifications after "
                    "1 h", "mobile push (SNS)"),
    ],
    open_questions=[
        "ranked feed instead of chronological: which signals, and what latency budget for scoring?",
        "where is the celebrity threshold, and should it adapt to follower activity rather than count?",
        "how long do we keep deleted posts (legal holds) and how fast must a delete vanish from timelines?",
        "image resizing: at upload (S3 event → workers) or on the fly at the edge?",
    ],
)

with Diagram(
    "News Feed",
    show=False,
    direction="LR",
    # Peak load and read ratio come from the sheet's capacity estimate (319k requests/s, 50:1).
    graph_attr={"splines": "spline", "ranksep": "1.0"},
):
    users = Users("users")
    cdn = CloudFront("media CDN")
    lb = ELB("ALB")
    media = S3("media (S3)")

    post = ECS("post svc (×16)", replicas="16")
    feed = ECS("feed svc (×500)", replicas="500")

    with Cluster("Posts"):
        # Cache-aside post objects for hydration; distributed over 40 nodes (consistent hashing).
        post_cache = ElasticacheForMemcached("post cache\n(Memcached, 40 nodes)", replicas="40")
        posts = Cassandra("posts store\n(Cassandra, 200 nodes, RF=3)", replicas="200")

    with Cluster("Fan-out on write"):
        new_posts = Kafka("new-post events\n(Kafka, 6 brokers)", replicas="6")
        # ~250 posts/s per worker: each post is ~120 pipelined timeline inserts (~30k Redis writes/s).
        fanout = ECS("fan-out workers (×64)", replicas="64", capacity_qps="250")

    with Cluster("User / graph service"):
        graph = ECS("graph svc (×24)", replicas="24")
        # On-demand table: default quota 40,000 read units per table, far above ~13k follower pages/s
        # (fan-out and notifier).
        follows = Dynamodb("users + follows\n(DynamoDB)", capacity_qps="40000")

    # Cluster mode: 64 shards, each a primary + 2 replicas across AZs.
    timelines = ElasticacheForRedis("timeline cache\n(Redis cluster, 64 shards × 3)",
                                    replicas="192", multi_az="true")

    with Cluster("Notifications (async)"):
        # Kafka event source: one concurrent batch of 100 events per partition (64): ~20k events/s.
        notifier = Lambda("notifier", capacity_qps="20000")
        push = SNS("mobile push (SNS)", role="external_saas")

    # Photo traffic is outside the API estimate (see the sheet's scaling notes); CloudFront and S3 are
    # managed services with no per-node capacity.
    users >> Edge(label="photos") >> cdn >> Edge(label="origin fetch") >> media
    users >> Edge(label="presigned upload") >> media
    users >> lb
    # 1 in 51 requests is a post; the rest are feed pages.
    lb >> Edge(label="posts", fraction="0.02") >> post
    lb >> Edge(label="feed pages", fraction="0.98") >> feed

    post >> posts
    post >> new_posts
    new_posts >> Edge(label="async", style="dashed") >> fanout
    fanout >> Edge(label="followers", read_ratio="1:0") >> graph >> follows  # follower lookups are reads
    fanout >> Edge(label="push post id", fraction="120") >> timelines  # 200 followers × 60% active

    feed >> Edge(label="timeline ids") >> timelines
    feed >> Edge(label="hydrate") >> post_cache
    # Misses, and the recent posts of followed celebrities (pulled at read time, not fanned out).
    feed >> Edge(label="misses, celebrity posts") >> posts

    new_posts >> Edge(label="event", style="dashed") >> notifier >> push
    notifier >> Edge(label="subscribers") >> graph
