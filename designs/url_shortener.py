"""URL shortener (like bit.ly): create short links and redirect them at scale.

Key constraint: read-heavy, 100 redirects per create, ~35k requests/s at peak (sheet below).
Shows the redirect path (edge cache -> ALB -> stateless API -> Redis -> Cassandra),
pre-generated keys from a key-generation service, and click analytics via Kafka.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS
from diagrams.aws.database import RDS
from diagrams.aws.network import ELB, CloudFront, Route53
from diagrams.onprem.client import Users
from diagrams.onprem.database import Cassandra, ClickHouse
from diagrams.onprem.inmemory import Redis
from diagrams.onprem.queue import Kafka

from workbench.sheet import Action, Api, Capacity, Entity, Event, FailureMode, Sheet

Sheet(
    title="URL shortener",
    kind="drill",
    prompt="Design a URL shortening service like bit.ly: turn a long URL into a short link, redirect anyone "
           "who opens the short link, and show link owners how often their links are clicked.",
    slo="99.99%",
    functional=[
        "create a short link for a long URL (optionally a custom alias and an expiry date)",
        "redirect a short link to its long URL",
        "show the owner click counts per link (per day, country, referrer)",
        "delete or disable a link (abuse, owner request)",
    ],
    non_functional=[
        "redirects 99.99% available: a broken short link breaks every page and message it appears in",
        "redirect p99 < 50 ms at the origin (a few ms when served from the edge)",
        "a new link works everywhere within 1 s of creation",
        "short keys are unguessable in sequence and never reused while a link exists",
        "click stats may lag by up to 5 minutes",
    ],
    assumptions=[
        "100M daily active users follow 10 short links a day; 1 in 10 of them creates a link (0.1/user/day)",
        "so reads outnumber writes 100:1; traffic is bursty (a link goes viral), so peak = 3 × average",
        "a stored link is ~500 B (7-char key, long URL of ~200 B on average, owner, timestamps, flags)",
        "links live 5 years unless they expire earlier; click popularity is heavily skewed to recent links",
        "the CDN serves ~40% of redirects from its cache (hot links, 60 s TTL); the origin sees the rest",
    ],
    constraints=[
        "short key: 7 characters of base62 (62^7 ≈ 3.5 trillion keys, ~200× the 18B links of 5 years)",
        "long URLs up to 2 KB; redirects are 302 with Cache-Control s-maxage=60 (CDN only, browsers do not "
        "cache), so a disabled link stops working within a minute and every click reaches the CDN",
        "one AWS region over three availability zones",
    ],
    capacity=Capacity(
        dau="100M",
        actions={"redirect": Action(10, "read", "500B"),
                 "create link": Action(0.1, "write", "500B")},
        retention="5 years",
        peak_factor=3,
    ),
    apis=[
        Api("POST", "/api/v1/links", request="{long_url, custom_alias?, expires_at?}",
            response="201 {short_url, key, expires_at}",
            notes="authenticated (API key or session); 100 creates/min per user; Idempotency-Key header; "
                  "URL checked against a malware/phishing list before it is accepted"),
        Api("GET", "/{key}", response="302 Location: long_url (404 if unknown, 410 if expired or disabled)",
            notes="public, unauthenticated; Cache-Control: s-maxage=60, max-age=0 so the CDN can serve hot "
                  "links while browsers come back every time"),
        Api("GET", "/api/v1/links/{key}/stats?from=&to=&group_by=day|country|referrer",
            response="{total, series: [{bucket, clicks}]}", notes="owner only; served from ClickHouse"),
        Api("DELETE", "/api/v1/links/{key}", response="204",
            notes="owner or abuse team; deletes the cache entry and issues a CDN invalidation"),
        Event("clicks", message="{key, ts, country, referrer, user_agent_class, edge_hit}",
              notes="produced by the API on every origin redirect and from CDN real-time logs for edge hits; "
                    "keyed by request id so a viral link spreads over all partitions; at-least-once, consumers "
                    "de-duplicate by request id"),
    ],
    data_model=[
        Entity("link",
               fields={"key": "7-char base62 (partition key)", "long_url": "text ≤ 2 KB",
                       "owner_id": "user id", "created_at": "timestamp", "expires_at": "timestamp?",
                       "disabled": "bool"},
               keys=["key"], indexes=["owner_id, created_at (separate links_by_owner table)"],
               store="Cassandra (RF=3, LOCAL_QUORUM)",
               why="single-key lookups at high read rates, 27 TB replicated over 5 years, linear scale-out; "
                   "no joins or multi-row transactions needed; TTL column handles expiry"),
        Entity("unused key block",
               fields={"block_start": "bigint", "block_end": "bigint", "claimed_by": "kgs instance?",
                       "claimed_at": "timestamp?"},
               keys=["block_start"], indexes=["claimed_by IS NULL (partial index)"],
               store="PostgreSQL (RDS Multi-AZ)",
               why="tiny table where a claim must be exactly-once: SELECT ... FOR UPDATE SKIP LOCKED in a "
                   "transaction guarantees two KGS instances never hand out the same key"),
        Entity("click (aggregated)",
               fields={"key": "string", "bucket": "minute", "country": "ISO code", "referrer": "domain",
                       "clicks": "count"},
               keys=["key, bucket, country, referrer"], indexes=["ORDER BY (key, bucket)"],
               store="ClickHouse (SummingMergeTree, 2 replicas)",
               why="append-only events aggregated by time; columnar scans answer owner dashboards in ms"),
    ],
    components={
        "users": "browsers and apps following links; link owners creating them",
        "DNS": "Route 53: resolves the short domain to the CDN; health-checked records",
        "edge cache (hot redirects, 60 s)": "CloudFront: TLS and DDoS protection at the edge; caches hot redirects "
                                     "for 60 s (~40% hit) and streams its access logs for edge-hit clicks",
        "ALB": "spreads origin traffic over the API tasks in three zones; health checks",
        "redirect / create API (×16)": "stateless service: resolves key → long URL (cache, then Cassandra), "
                                       "creates links with keys from its local batch, emits click events",
        "kgs (×2)": "key-generation service: claims blocks of unused keys from the pool and hands API tasks "
                    "batches of 1,000 keys, so creates never coordinate",
        "key pool (PostgreSQL, Multi-AZ)": "the ranges of keys not yet handed out; the only place a claim "
                                           "must be exactly-once",
        "redirect cache (Redis cluster: 3 shards × primary + replica)": "cache-aside key → long URL for hot "
                                                                        "links; 1 h TTL, deleted on disable",
        "URL store (Cassandra, 12 nodes, RF=3)": "system of record for links",
        "click events (Kafka, 3 brokers)": "buffers click events so redirects never wait for analytics",
        "click consumers (×6)": "read click events in batches, de-duplicate, pre-aggregate per minute and "
                                "insert into ClickHouse",
        "click stats (ClickHouse, 2 replicas)": "per-link click aggregates for the owner dashboard",
    },
    scaling=[
        "origin load: 35k requests/s at peak, 60% after the edge cache ≈ 21k/s; 16 API tasks at ~2,500 req/s "
        "each (a redirect is one cache GET and a buffered Kafka send) run at ~52%, and at ~88% if the CDN "
        "is purged and every redirect reaches the origin; autoscaling on CPU adds tasks within minutes",
        "the redirect cache holds the hot set: the 80/20 estimate of 100 GB counts repeated clicks, the "
        "distinct hot links are ~20M × 300 B ≈ 6 GB; 3 shards × 16 GB leave room to grow; ~80% hit ratio "
        "leaves ~4k reads/s for Cassandra",
        "Cassandra: 9 TB of links over 5 years, 27 TB with RF=3, ~2.3 TB per node on 12 nodes; add nodes as "
        "data grows (consistent hashing moves only a share of the ranges)",
        "creates (347/s at peak) never touch a shared counter: each API task spends keys from a local "
        "batch of 1,000, so KGS sees < 1 request/s and the key pool far less",
        "click pipeline: 35k events/s at peak (~7 MB/s) over 12 partitions; 6 consumers at ~10k events/s "
        "each, inserting into ClickHouse in batches of 10k rows every second",
    ],
    trade_offs=[
        "pre-generated keys (KGS) vs hashing the URL: no collision checks and no hot counter, at the cost of "
        "a small extra service and up to 1,000 keys lost per crashed task (0.00000003% of the keyspace)",
        "302 cached 60 s at the edge only vs a permanent 301: slightly more origin traffic, but clicks are counted "
        "and a disabled link stops redirecting within a minute",
        "edge caching hot redirects: lower latency and origin load, but edge hits reach analytics only "
        "through CDN real-time logs (seconds late) and a disable waits for the TTL or an invalidation",
        "Cassandra vs a relational database: scale-out and multi-zone writes without a failover, but "
        "custom aliases need a lightweight transaction (IF NOT EXISTS) to stay unique",
        "async click analytics: redirects never wait for analytics; counts lag by seconds to minutes and "
        "are at-least-once (de-duplicated downstream)",
    ],
    failure_modes=[
        FailureMode("an API task or a whole zone fails",
                    "ALB health checks drain it; 16 tasks over 3 zones keep the load under ~80% with one zone "
                    "gone; the lost task's unused key batch is simply skipped", "redirect / create API (×16)"),
        FailureMode("the redirect cache loses a shard",
                    "replica promoted automatically (cluster failover); during the gap misses go to "
                    "Cassandra, which is sized for the cache-off read load (~21k reads/s over 12 nodes)",
                    "redirect cache (Redis cluster: 3 shards × primary + replica)"),
        FailureMode("a Cassandra node fails",
                    "RF=3 with LOCAL_QUORUM reads and writes: every key still has 2 live replicas; "
                    "hinted handoff and repair restore the third", "URL store (Cassandra, 12 nodes, RF=3)"),
        FailureMode("the key pool database or KGS is down",
                    "redirects are unaffected; creates continue from the batches the API tasks hold "
                    "(minutes of headroom at peak); RDS Multi-AZ fails over in 1-2 minutes",
                    "key pool (PostgreSQL, Multi-AZ)"),
        FailureMode("Kafka or the click consumers fall behind",
                    "the API buffers and drops click events rather than blocking redirects; Kafka keeps 7 days, "
                    "consumers catch up and dashboards show the lag", "click events (Kafka, 3 brokers)"),
        FailureMode("a short link is abused (phishing, malware)",
                    "abuse team disables it: row flagged, cache key deleted, CDN invalidation; "
                    "Safe Browsing check at creation time", "redirect / create API (×16)"),
        FailureMode("a link goes viral (one key gets 50k+ requests/s)",
                    "the CDN absorbs it after the first request per edge location each minute; the cache "
                    "key sits on one Redis shard, which handles ~100k ops/s"),
    ],
    open_questions=[
        "do we need a second region for redirects (Route 53 failover to a read-only copy) to go beyond 99.99%?",
        "how long do we keep raw click events versus only the per-minute aggregates?",
        "can free-tier links expire after 1 year of no clicks to reclaim keys?",
        "custom aliases: reserved words, profanity filter, and who may take a brand name?",
    ],
)

# Every tier runs in three AZs of one region; zones are not drawn, to keep the diagram readable.
# wb: accept ZONE001 -- ALB, ECS service, Redis replicas and Cassandra racks each span 3 AZs (see sheet)
with Diagram(
    "URL Shortener",
    show=False,
    direction="LR",
    # Peak load and read ratio come from the sheet's capacity estimate (35k requests/s, 100:1).
    graph_attr={"splines": "spline", "ranksep": "1.0"},
):
    users = Users("users")
    dns = Route53("DNS")
    cdn = CloudFront("edge cache\n(hot redirects, 60 s)")
    lb = ELB("ALB")

    # Stateless. A redirect is one cache GET and a buffered Kafka send: ~2,500 req/s per 2-vCPU task.
    api = ECS("redirect / create API\n(×16)", replicas="16", capacity_qps="2500")

    with Cluster("Key generation (pre-generated keys)"):
        kgs = ECS("kgs (×2)", replicas="2")
        # Small table of unused keys; Multi-AZ standby takes over on failure. Key claims are writes.
        key_pool = RDS("key pool\n(PostgreSQL, Multi-AZ)", multi_az="true", read_ratio="0:1")

    # Cache-aside: every shard is a primary + replica with automatic failover.
    cache = Redis("redirect cache\n(Redis cluster:\n3 shards × primary + replica)",
                  replicas="6", failover="auto")

    urls = Cassandra("URL store\n(Cassandra, 12 nodes, RF=3)", replicas="12")

    with Cluster("Click analytics"):
        clicks = Kafka("click events\n(Kafka, 3 brokers)", replicas="3")
        # Batched consumers: ~10k events/s each.
        consumers = ECS("click consumers (×6)", replicas="6", capacity_qps="10000")
        stats = ClickHouse("click stats\n(ClickHouse, 2 replicas)", replicas="2")

    users >> dns >> cdn
    # ~40% of redirects are answered at the edge; creates always reach the origin.
    cdn >> Edge(label="cache miss", fraction="0.6") >> lb >> api
    # Edge hits are still counted: CloudFront real-time logs feed the click stream.
    cdn >> Edge(label="edge-hit logs", style="dashed", fraction="0.4") >> clicks
    api >> Edge(label="get / set") >> cache
    api >> Edge(label="misses, creates") >> urls
    # Only creates need keys (~2% of origin requests), and they take them 1,000 at a time.
    api >> Edge(label="key batches", fraction="0.02") >> kgs
    kgs >> Edge(label="claim key blocks") >> key_pool
    api >> clicks
    clicks >> Edge(label="async", style="dashed") >> consumers
    consumers >> stats
