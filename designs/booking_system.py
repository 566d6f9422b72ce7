"""Booking system drill (hotel rooms or event tickets): search, hold, pay, confirm.

Key constraint: never sell the same unit twice. Availability search is 99% of ~8.8k requests/s at
peak and may be slightly stale; holds and bookings go to one strongly consistent Aurora writer with
conditional updates. Holds expire by TTL (delay queue), payments are external (Stripe), and every
write is idempotent.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.analytics import AmazonOpensearchService
from diagrams.aws.compute import ECS, Lambda
from diagrams.aws.database import Aurora, ElasticacheForRedis
from diagrams.aws.engagement import SimpleEmailServiceSes
from diagrams.aws.integration import SQS
from diagrams.aws.network import ELB
from diagrams.onprem.client import Users
from diagrams.saas.payment import Stripe

from workbench.sheet import Action, Api, Capacity, Entity, Event, FailureMode, Sheet

Sheet(
    title="Booking system (hotels / tickets)",
    kind="drill",
    prompt="Design a booking system: users search availability, hold rooms or seats, pay, and get a confirmation.",
    slo="99.95%", latency_p99_ms=500,  # the hold-and-pay path (search: 300 ms)
    functional=["search availability by place and dates", "hold units for 10 minutes while the user pays",
                "pay with an external provider and confirm the booking", "cancel a booking; release expired holds",
                "email a confirmation"],
    non_functional=["no double booking, ever (strong consistency on inventory)", "search p99 < 300 ms, "
                    "hold p99 < 500 ms", "retries never charge or book twice (idempotency)", "99.95% available"],
    assumptions=["10M DAU; 1M properties or events; inventory rows per (unit type, date)",
                 "on-sale events spike traffic 5× over the daily average", "search may be up to 30 s stale"],
    constraints=["payments via Stripe (PCI scope stays there)", "a hold lasts 10 minutes",
                 "SQS delays a message by at most 15 minutes"],
    capacity=Capacity(dau="10M", peak_factor=5, retention="7 years", actions={
        "search availability": Action(10, "read", "10KB"),
        "view property / event": Action(5, "read", "20KB"),
        "create hold": Action(0.1, "write", "1KB"),
        "confirm booking": Action(0.05, "write", "2KB")}),
    apis=[Api("GET", "/availability?place&from&to&guests", response="[property, unit_type, price, left]"),
          Api("POST", "/holds", request="{unit_type_id, dates, qty} + Idempotency-Key",
              response="201 {hold_id, expires_at} | 409 sold out"),
          Api("POST", "/bookings", request="{hold_id, payment_method} + Idempotency-Key",
              response="202 {booking_id, status: PENDING_PAYMENT}", notes="same key reused with Stripe"),
          Api("POST", "/webhooks/stripe", request="payment_intent.succeeded | failed", response="200",
              notes="signature checked; deduplicated by event id"),
          Event("hold-expiry", message="{hold_id}", notes="SQS delay 10 min; release if still HELD"),
          Event("booking-confirmed", message="{booking_id, user_id}", notes="email sender, at least once")],
    data_model=[
        Entity("inventory", fields={"unit_type_id": "bigint", "date": "date", "total": "int", "held": "int",
                                    "booked": "int"}, keys=["unit_type_id, date"],
               store="Aurora PostgreSQL", why="hold = UPDATE ... SET held = held + n WHERE total - held - booked "
                                                ">= n, one transaction over all dates"),
        Entity("hold", fields={"id": "uuid", "user_id": "bigint", "items": "jsonb", "status": "HELD|BOOKED|"
                               "EXPIRED", "expires_at": "timestamptz"}, keys=["id"],
               indexes=["status, expires_at"], store="Aurora PostgreSQL", why="same transaction as inventory"),
        Entity("booking", fields={"id": "uuid", "hold_id": "uuid", "payment_intent": "text", "status": "text"},
               keys=["id"], indexes=["hold_id (unique)", "user_id, created_at"], store="Aurora PostgreSQL"),
        Entity("idempotency_key", fields={"key": "uuid", "user_id": "bigint", "request_hash": "sha256",
                                          "response": "jsonb"}, keys=["user_id, key"],
               store="Aurora PostgreSQL", why="inserted in the same transaction as the write it guards; 24 h TTL")],
    components={
        "ALB": "routes /availability to search, /holds, /bookings and webhooks to booking",
        "availability svc (x14)": "search by place and dates: index + cached availability counts",
        "availability cache (Redis, Multi-AZ)": "free units per (unit type, date), 30 s TTL",
        "property index (3 data nodes)": "geo and text search over properties and events",
        "inventory DB writer": "the only place holds and bookings are decided (conditional updates)",
        "inventory DB reader": "Aurora replica for availability reads",
        "booking svc (x3)": "holds, bookings, idempotency keys, Stripe calls and webhooks",
        "Stripe": "payment intents; calls back with a signed webhook",
        "hold-expiry (delay 10 min)": "one delayed message per hold",
        "expiry worker (x2)": "releases a hold still HELD at expiry (conditional update)",
        "booking-confirmed": "queue of confirmed bookings", "email sender": "renders and sends the email",
        "SES": "email delivery"},
    scaling=["reads scale out: Redis and Aurora readers (up to 15); writes are ~260/s (3 per hold/booking), far "
             "below one writer", "on-sale spikes: a virtual waiting room admits users at the rate the writer "
             "sustains; hot events get per-seat rows to avoid one hot counter", "shard inventory by region if "
             "writes ever outgrow one writer"],
    trade_offs=["pessimistic hold (reserve at hold time) over optimistic booking at pay time: fewer failed "
                "payments, some inventory locked for 10 min", "stale search (30 s) vs exact search: cheap reads; "
                "a hold can still fail with 409", "SQL over NoSQL: multi-row transactions across dates"],
    failure_modes=[FailureMode("Aurora writer fails", "reader promoted in ~30 s; holds return 503 and clients "
                               "retry with the same Idempotency-Key"),
                   FailureMode("Stripe timeout after charging", "retry with the same idempotency key; the "
                               "webhook confirms; reconcile PENDING_PAYMENT older than 1 h"),
                   FailureMode("webhook lost or duplicated", "Stripe retries for 3 days; events deduplicated "
                               "by id; booking svc polls the intent if no webhook in 5 min"),
                   FailureMode("expiry message lost or early", "worker re-checks expires_at; a nightly sweep "
                               "releases HELD rows past expiry")],
    open_questions=["overbooking allowed for hotels (as airlines do)?", "refund and cancellation policy?",
                    "seat maps: pick a seat or best available?"],
)

with Diagram("Booking System", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.0", "nodesep": "0.45"}):
    users = Users("users")
    alb = ELB("ALB")

    with Cluster("Search (stale ok)"):
        avail = ECS("availability svc (x14)", replicas="14")
        avail_cache = ElasticacheForRedis("availability cache\n(Redis, Multi-AZ)", multi_az="true")
        index = AmazonOpensearchService("property index\n(3 data nodes)", replicas="3")

    with Cluster("Booking (strongly consistent)"):
        booking = ECS("booking svc (x3)", replicas="3")
        expiry_q = SQS("hold-expiry\n(delay 10 min)")
        expiry = ECS("expiry worker (x2)", replicas="2")

    with Cluster("Inventory DB (Aurora PostgreSQL)"):
        reader = Aurora("inventory DB reader")
        writer = Aurora("inventory DB writer")
        # constraint=false stacks writer and reader instead of chaining them left to right.
        writer - Edge(label="replication", style="dotted", constraint="false") - reader

    with Cluster("External payments"):
        stripe = Stripe("Stripe")

    with Cluster("Confirmation email"):
        confirmed = SQS("booking-confirmed")
        mailer = Lambda("email sender")
        # SES is regional and runs across several AZs (SES guide, "Regions and Amazon SES").
        ses = SimpleEmailServiceSes("SES", managed_ha="true")

    users >> alb
    alb >> Edge(label="search", fraction="0.99") >> avail
    alb >> Edge(label="hold / book", fraction="0.01") >> booking
    avail >> index
    avail >> avail_cache
    avail >> reader

    booking >> Edge(label="hold / confirm (tx)") >> writer
    booking >> Edge(label="payment intent\n(idempotency key)") >> stripe
    stripe >> Edge(label="webhook", style="dashed", kind="async") >> booking
    booking >> Edge(label="on hold") >> expiry_q
    expiry_q >> Edge(label="after 10 min", style="dashed") >> expiry
    expiry >> Edge(label="release if HELD") >> writer
    booking >> Edge(label="on confirm") >> confirmed
    confirmed >> Edge(label="async", style="dashed") >> mailer >> ses
