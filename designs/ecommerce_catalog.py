"""E-commerce catalog drill: browse and search products, with images from a CDN.

Key constraint: almost pure reads (~45,000:1); ~104k requests/s at peak, ~89% of them product images.
Shows a CDN in front of S3 images and the API, a cache-aside Redis over an Aurora catalog, an
OpenSearch index kept fresh from product-change events, and the merchant write path on the side.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECS, Lambda
from diagrams.aws.analytics import AmazonOpensearchService
from diagrams.aws.database import Aurora, ElasticacheForRedis
from diagrams.aws.network import ELB, APIGateway, CloudFront
from diagrams.aws.storage import S3
from diagrams.onprem.client import Users
from diagrams.onprem.queue import Kafka

from workbench.sheet import Action, Api, Capacity, Entity, Event, FailureMode, Sheet

Sheet(
    title="E-commerce catalog",
    kind="drill",
    prompt="Design the product catalog of a large online shop: category browsing, product pages, search.",
    slo="99.95%",
    functional=["browse categories with filters and sorting", "view a product page (details, price, images)",
                "full-text search with facets (brand, price range, rating)", "merchants create and update products"],
    non_functional=["product page API p99 < 100 ms; search p99 < 300 ms", "99.95% available",
                    "a merchant's change is searchable within 60 s", "images load from an edge near the user"],
    assumptions=["20M DAU; 50M products, ~5 KB of attributes each (~250 GB)", "each page shows ~10 images",
                 "price and stock shown on browse pages may be up to 60 s stale; checkout re-reads them"],
    constraints=["merchants update via API or bulk feed; feeds burst to ~200 updates/s",
                 "images ≤ 10 MB on upload, served as WebP in 3 sizes"],
    capacity=Capacity(dau="20M", retention="5 years", actions={
        "browse / product page": Action(20, "read", "20KB"),
        "search": Action(5, "read", "10KB"),
        "load image (CDN)": Action(200, "read", "100KB"),
        "update product": Action(0.005, "write", "5KB")}),
    apis=[Api("GET", "/products/{id}", response="{product, variants[], image_urls[]}", notes="ETag, 60 s TTL"),
          Api("GET", "/categories/{id}/products?filters&sort&cursor=", response="[product summary] (48/page)"),
          Api("GET", "/search?q&facets&cursor=", response="{hits[], facet_counts}"),
          Api("PUT", "/merchant/products/{sku}", request="{attributes, price, stock}", response="200 {version}",
              notes="merchant auth; If-Match version"),
          Event("product-changes", message="{product_id, version, changed_fields}", notes="outbox relay; keyed by "
                "product_id so versions stay ordered; consumed by the indexer")],
    data_model=[
        Entity("product", fields={"id": "bigint", "merchant_id": "bigint", "title": "text", "attributes": "jsonb",
                                  "price_cents": "int", "stock": "int", "version": "int"},
               keys=["id"], indexes=["merchant_id, sku (unique)", "category_id, popularity"],
               store="Aurora PostgreSQL", why="relational integrity for merchants, variants and categories"),
        Entity("search document", fields=["id", "title", "brand", "category_path", "price", "rating", "in_stock"],
               keys=["id"], store="OpenSearch", why="inverted index, facets, relevance ranking"),
        Entity("image", fields={"key": "product_id/hash/size.webp"}, keys=["key"], store="S3 behind CloudFront",
               why="immutable, content-hashed names cache forever at the edge")],
    components={
        "CDN (CloudFront)": "serves images (~95% hit) and forwards API calls; TLS at the edge",
        "product images": "resized WebP images, immutable keys",
        "ALB": "routes /products and /categories to catalog svc, /search to search svc",
        "catalog svc (x16)": "product and category reads, cache-aside over Aurora",
        "catalog cache (Redis, Multi-AZ)": "product JSON and category pages, 60 s TTL, invalidated on change",
        "catalog DB writer": "Aurora PostgreSQL writer for merchant updates",
        "catalog DB reader": "Aurora replica serving catalog svc reads",
        "search svc (x4)": "query parsing, facets, ranking tweaks over OpenSearch",
        "search index (3 data nodes)": "product documents, 1 replica per shard",
        "merchant API": "API Gateway: merchant auth, per-merchant throttling",
        "catalog admin svc (x2)": "validates and writes products, writes the outbox row in the same transaction",
        "product-changes (3 brokers)": "ordered change log per product",
        "indexer (x2)": "updates search documents and drops cached entries",
        "raw uploads": "original images uploaded with presigned PUTs",
        "image resizer": "makes 3 WebP sizes on each upload"},
    scaling=["images never touch the app tier: 95% CDN hits, immutable keys", "catalog reads: 80% Redis hits; "
             "Aurora adds readers (up to 15) if misses grow", "search: add OpenSearch data nodes and shard by "
             "product id; hot queries cached at the CDN for 30 s", "catalog svc and search svc scale on CPU"],
    trade_offs=["60 s cache TTL on browse pages: cheap reads, slightly stale price and stock (checkout re-reads)",
                "search is eventually consistent (outbox → Kafka → indexer) instead of dual writes",
                "Aurora over a document store: joins for variants/categories; attributes kept in jsonb"],
    failure_modes=[FailureMode("Redis node fails", "Multi-AZ replica promoted; misses go to the Aurora reader "
                               "(sized for 2× the cache-on load)"),
                   FailureMode("OpenSearch node fails", "replica shards serve; search svc degrades to "
                               "category browse if the cluster is red"),
                   FailureMode("indexer falls behind", "Kafka keeps 7 days; alert on lag > 60 s; reindex "
                               "from Aurora if needed"),
                   FailureMode("Aurora writer fails", "reader promoted in ~30 s; merchant writes retry")],
    open_questions=["personalised ranking in search: in scope?", "multi-currency and per-region prices?",
                    "how many categories and filter combinations to precompute?"],
)

with Diagram("E-commerce Catalog", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.0", "nodesep": "0.45"}):
    shoppers = Users("shoppers", qps="104000")
    cdn = CloudFront("CDN (CloudFront)")
    alb = ELB("ALB")
    images = S3("product images")

    with Cluster("Browse"):
        catalog = ECS("catalog svc (x16)", replicas="16")
        cache = ElasticacheForRedis("catalog cache\n(Redis, Multi-AZ)", multi_az="true")

    with Cluster("Search"):
        search = ECS("search svc (x4)", replicas="4")
        index = AmazonOpensearchService("search index\n(3 data nodes)", replicas="3")

    with Cluster("Catalog DB (Aurora PostgreSQL)"):
        writer = Aurora("catalog DB writer")
        reader = Aurora("catalog DB reader")
        writer - Edge(label="replication", style="dotted") - reader

    merchants = Users("merchants", qps="200", read_ratio="1:1")
    with Cluster("Merchant write path"):
        merchant_api = APIGateway("merchant API")
        admin = ECS("catalog admin svc (x2)", replicas="2")
        changes = Kafka("product-changes\n(3 brokers)", replicas="3")
        indexer = ECS("indexer (x2)", replicas="2")
        raw = S3("raw uploads")
        resizer = Lambda("image resizer")

    shoppers >> cdn
    # 200 of 225 requests per user are images; ~95% of those are edge hits.
    cdn >> Edge(label="image miss (~5%)", fraction="0.045") >> images
    cdn >> Edge(label="API", fraction="0.111") >> alb
    alb >> Edge(label="/products", fraction="0.8") >> catalog
    alb >> Edge(label="/search", fraction="0.2") >> search
    catalog >> cache
    catalog >> reader
    search >> index

    merchants >> merchant_api >> admin >> writer
    admin >> Edge(label="outbox") >> changes
    changes >> Edge(label="async", style="dashed") >> indexer
    indexer >> index
    indexer >> Edge(label="invalidate") >> cache
    merchants >> Edge(label="presigned PUT") >> raw
    raw >> Edge(label="ObjectCreated event", style="dashed") >> resizer >> images
