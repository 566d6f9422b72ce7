"""Case study: Twitter's home timeline (as described in the 2013 "Timelines at Scale" talk).

Key numbers: ~150M active users, ~300k timeline reads/s against ~5-12k tweets/s written, so
home timelines are precomputed: a fan-out daemon asks the social graph (Flock) for the author's
followers and pushes the tweet id into each follower's timeline list in a Redis cluster (3 copies).
Reads fetch the id list from Redis and hydrate it from the tweet service; accounts with millions of
followers are merged in at read time instead of fanned out.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.onprem.client import Users
from diagrams.onprem.compute import Server
from diagrams.onprem.database import Mysql
from diagrams.onprem.inmemory import Memcached, Redis
from diagrams.onprem.queue import Kafka

from workbench.sheet import Action, Api, Capacity, Entity, Event, FailureMode, Sheet

Sheet(
    title="Twitter home timeline",
    kind="case-study",
    prompt="How does Twitter serve ~300k home-timeline reads per second while tweets keep arriving?",
    slo="99.9%",
    functional=["post a tweet", "read the home timeline (tweets of followed accounts, newest first)",
                "a new tweet shows up in followers' timelines"],
    non_functional=["timeline read p99 < 200 ms", "a tweet reaches most followers' timelines within 5 s",
                    "reads keep working when the write path lags"],
    assumptions=["150M DAU; ~85 timeline reads and ~3.3 tweets per user a day (≈500M tweets/day)",
                 "a tweet lands in ~75 home timelines on average (30B timeline inserts a day ÷ 400M tweets)",
                 "a home timeline keeps the last 800 tweet ids; inactive users' timelines are dropped"],
    constraints=["timelines hold ids only; tweet bodies are hydrated at read time", "Redis is in memory: "
                 "150M × 800 × ~16 B ≈ 1.9 TB per copy, 3 copies"],
    capacity=Capacity(dau="150M", retention="5 years", actions={
        "read home timeline": Action(85, "read", "10KB"),
        "post tweet": Action(3.3, "write", "300B")}),
    apis=[Api("GET", "/home_timeline?count=20&max_id=", response="[tweet] hydrated"),
          Api("POST", "/tweets", request="{text ≤ 280 chars, media ids}", response="201 {tweet_id}"),
          Event("tweet.created", message="{tweet_id, author_id}", notes="read by the fan-out daemon; "
                "queues were Kestrel in 2013, Kafka-style logs later")],
    data_model=[
        Entity("tweet", fields={"id": "snowflake (time-ordered)", "author_id": "int64", "text": "≤ 280 chars",
                                "created_at": "time"}, keys=["id"], indexes=["author_id, id"],
               store="T-bird (sharded MySQL via Gizzard)", why="write once, read by id; sharded by time/id"),
        Entity("home timeline", fields={"user_id": "int64", "entries": "list of (tweet_id, author_id, flags)"},
               keys=["user_id"], store="Redis list, 3 replicas", why="O(1) append at fan-out, range read"),
        Entity("follow edge", fields=["follower_id", "followee_id", "created_at"],
               keys=["followee_id, follower_id"], store="FlockDB (sharded MySQL)", why="page through followers")],
    components={
        "clients (web, mobile, API)": "users reading and posting",
        "TFE (front-end proxies)": "terminates TLS, routes reads to timeline svc and writes to the write API",
        "timeline svc (x450)": "reads the id list from Redis, merges celebrity tweets, asks tweet svc to hydrate",
        "home timelines (Redis, x150)": "one list per user, last 800 ids; 50 shards × 3 copies",
        "tweet svc (x450)": "write API for new tweets; multi-get hydration of tweet bodies",
        "tweet cache (memcached, x20)": "tweet bodies by id",
        "tweet store shard k of 32 (T-bird)": "durable tweets; one of 32 MySQL shards, 3 replicas each",
        "tweet.created (Kafka)": "decouples posting from fan-out",
        "fan-out daemon (x24)": "follower lookup and timeline inserts, skipping accounts with huge followings",
        "social graph (FlockDB)": "who follows whom, paged follower lists"},
    scaling=["fan-out on write makes reads O(1) Redis calls; ~350k timeline inserts/s at peak across "
             "50 Redis shards", "accounts with millions of followers are not fanned out; their tweets are "
             "merged at read time (hybrid)", "tweet store is sharded 32 ways; memcached absorbs ~80% of "
             "hydration reads", "timeline svc and tweet svc are stateless fleets sized at ~1k requests/s per "
             "instance"],
    trade_offs=["fan-out on write: fast reads, but write amplification and a delay for big accounts",
                "Redis in memory: fast, but memory-bound, so only active users keep a timeline",
                "ids only in timelines: small lists and edits apply everywhere, but every read hydrates"],
    failure_modes=[FailureMode("a Redis shard copy fails", "two other copies serve; the copy is rebuilt"),
                   FailureMode("a user's timeline is missing (evicted or all copies lost)", "rebuilt on read "
                               "from the graph and the followees' recent tweets (slow first load)"),
                   FailureMode("fan-out falls behind (a burst of tweets)", "queue absorbs it; timelines are "
                               "late, reads unaffected"),
                   FailureMode("tweet store shard primary fails", "replica promoted; cache keeps serving reads")],
    open_questions=["ranking (not just reverse-chronological) moves work to read time: where?",
                    "where exactly is the celebrity threshold?", "deletes: remove ids or filter at hydration?"],
)

with Diagram("Twitter Home Timeline", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.0", "nodesep": "0.5"}):
    clients = Users("clients\n(web, mobile, API)")
    # Self-hosted proxies; 50k requests/s each is the spec's rule of thumb for a proxy.
    tfe = Server("TFE\n(front-end proxies)", role="load_balancer", replicas="12", capacity_qps="50000")

    with Cluster("Read path"):
        timeline = Server("timeline svc (x450)", replicas="450")
        # Memory-sized: 3 × 1.9 TB at ~40 GB per node; ~1.2M ops/s of reads and inserts.
        home = Redis("home timelines\n(Redis, x150)", replicas="150")

    with Cluster("Tweets"):
        tweet_svc = Server("tweet svc (x450)", replicas="450")
        tweet_cache = Memcached("tweet cache\n(memcached, x20)", replicas="20")
        tweets = Mysql("tweet store shard\nk of 32 (T-bird)", replicas="3", failover="auto")

    with Cluster("Fan-out on write"):
        created = Kafka("tweet.created\n(Kafka)", replicas="3")
        fanout = Server("fan-out daemon (x24)", replicas="24")
        graph = Mysql("social graph\n(FlockDB)", replicas="8", failover="auto")

    clients >> tfe
    tfe >> Edge(label="GET timeline", fraction="0.963") >> timeline
    tfe >> Edge(label="POST tweet", fraction="0.037") >> tweet_svc
    timeline >> Edge(label="ids") >> home
    # One batched hydration call per timeline read; also fetches followed celebrities' recent tweets.
    timeline >> Edge(xlabel="hydrate") >> tweet_svc
    tweet_svc >> tweet_cache
    tweet_svc >> Edge(label="by id", fraction="0.031") >> tweets
    tweet_svc >> Edge(label="new tweet", fraction="0.037") >> created
    created >> Edge(label="async", style="dashed") >> fanout
    fanout >> Edge(label="followers", read_ratio="1:0") >> graph  # follower lookups are reads
    fanout >> Edge(label="push id (~75x)", fraction="75") >> home  # each tweet becomes ~75 timeline inserts
