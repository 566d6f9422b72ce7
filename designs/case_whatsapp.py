"""Case study: WhatsApp messaging (Erlang chat servers, store-and-forward, end-to-end encryption).

Key facts from WhatsApp's public talks (2012-2018): Erlang/OTP on FreeBSD, one Erlang process per
connected phone and ~2M connections per box at the peak of density; ~60B messages a day by 2018;
messages stay on the server only until delivered; data lives in partitioned in-memory databases
("islands" of node pairs). Media goes over HTTPS to separate media servers as encrypted blobs.
"""
from diagrams import Cluster, Diagram, Edge
from diagrams.firebase.grow import Messaging
from diagrams.generic.database import SQL
from diagrams.generic.device import Mobile
from diagrams.generic.storage import Storage
from diagrams.onprem.compute import Server
from diagrams.programming.language import Erlang

from workbench.sheet import Action, Api, Capacity, Entity, FailureMode, Sheet

Sheet(
    title="WhatsApp messaging",
    kind="case-study",
    prompt="How does WhatsApp deliver ~60B end-to-end encrypted messages a day with a small server fleet?",
    slo="99.99%",
    functional=["1:1 and group text messages with sent / delivered / read receipts", "offline recipients get "
                "messages when they reconnect, plus a push notification", "photos, video and voice notes",
                "end-to-end encryption (Signal protocol): the server only sees ciphertext"],
    non_functional=["online delivery p99 < 500 ms", "no message lost once the server acked it",
                    "messages deleted from servers after delivery (30 days max if never delivered)"],
    assumptions=["1B DAU; ~60 messages sent and ~60 received per user a day; 5 media uploads, 8 downloads",
                 "~40% of users connected at peak (~400M connections)", "text ~100 B encrypted; media ~200 KB"],
    constraints=["the server cannot read or index content (E2E)", "phones are often offline or on poor networks",
                 "group messages: the sender encrypts once with a sender key; the server fans out"],
    # Messages are deleted once delivered (stored=0); media is kept for up to 30 days.
    capacity=Capacity(dau="1B", retention="30 days", actions={
        "send message": Action(60, "write", "100B", stored="0"), "receive message": Action(60, "read", "100B"),
        "upload media": Action(5, "write", "200KB"), "download media": Action(8, "read", "200KB")}),
    apis=[Api("FUNXMPP", "message(to, id, ciphertext)", response="ack(id) once stored",
              notes="binary XMPP over one persistent Noise-encrypted connection"),
          Api("FUNXMPP", "receipt(id, delivered|read)", notes="deletes the stored copy on delivery"),
          Api("FUNXMPP", "get_prekey_bundle(user)", response="identity key, signed prekey, one-time prekey"),
          Api("POST", "/media", request="encrypted blob", response="{url, sha256}", notes="key travels in the message")],
    data_model=[
        Entity("route", fields={"user_id": "phone number hash", "server": "node", "pid": "Erlang pid"},
               keys=["user_id"], store="Mnesia island (in RAM)", why="looked up on every delivery"),
        Entity("offline message", fields={"to": "user_id", "id": "msg id", "ciphertext": "bytes", "ts": "time"},
               keys=["to, id"], store="Mnesia island + disk", why="store-and-forward; deleted on delivery"),
        Entity("group", fields=["group_id", "members[]", "admins[]"], keys=["group_id"],
               store="Mnesia island", why="server-side fan-out list"),
        Entity("media blob", fields={"sha256": "key", "bytes": "encrypted"}, keys=["sha256"],
               store="blob store", why="large, write once, read by few")],
    components={
        "phones": "hold identity keys, encrypt and decrypt; one persistent connection each",
        "L4 load balancers": "spread new connections over chat servers",
        "chat servers (x420)": "Erlang: one process per connection; route, store, receipts, group fan-out",
        "routes, groups, prekeys (islands)": "partitioned in-memory DB, each partition on a primary/secondary pair",
        "offline messages (islands)": "messages not yet delivered; ~50% read within a minute, so mostly in RAM",
        "push gateway (x80)": "wakes offline phones",
        "APNs / FCM": "Apple and Google push services",
        "media servers (x240)": "HTTPS upload and download of encrypted media",
        "media blob store": "encrypted blobs, replicated 3x"},
    scaling=["scale by density: big SMP boxes, ~1M connections each with headroom (2M at most)",
             "chat servers are bounded by messages: ~10k user messages/s per box [H] → 420 boxes at 66%",
             "data partitioned by key hash into islands; add islands to grow", "media is bandwidth-bound "
             "(~2k × 200 KB/s per box at 40% of 10 GbE) and split from the chat path"],
    trade_offs=["store-and-forward with deletion: little storage and less to leak, but no server-side history "
                "(backups are the user's)", "Erlang: cheap processes and hot code loading, small talent pool",
                "E2E encryption: privacy, but no server-side search, spam filtering on content, or easy multi-device"],
    failure_modes=[FailureMode("chat server crashes", "its phones reconnect through the LB to another server "
                               "and re-register routes; unacked messages are resent by the phones"),
                   FailureMode("island primary fails", "secondary takes over; partitions are small, so "
                               "failover and reload are quick"),
                   FailureMode("recipient offline for days", "message waits in the offline store (≤30 days) "
                               "and a push wakes the app"),
                   FailureMode("push provider outage", "message still waits; delivered on the next connect")],
    open_questions=["multi-device: per-device sessions multiply fan-out; how far?", "cross-datacenter "
                    "routing when sender and recipient are on different continents?"],
)

# Logical view: every tier runs in several data centers, islands pair nodes across failure domains.
# wb: accept ZONE001 -- placement across data centers is not drawn in this logical view
with Diagram("WhatsApp Messaging", show=False, direction="LR",
             graph_attr={"splines": "spline", "ranksep": "1.0", "nodesep": "0.5"}):
    phones = Mobile("phones")
    # Packet-forwarding L4 LBs; ~1M packets/s per host assumed [H].
    lb = Server("L4 load balancers", role="load_balancer", replicas="8", capacity_qps="1000000")

    with Cluster("Chat (Erlang/FreeBSD)"):
        # Messages, not connections, bound a box: ~10k user messages/s each [H].
        chat = Erlang("chat servers (x420)", replicas="420", capacity_qps="10000")
        routes = SQL("routes, groups, prekeys\n(islands)", replicas="2", failover="auto")
        offline = SQL("offline messages\n(islands)", replicas="2", failover="auto")

    with Cluster("Push"):
        push = Server("push gateway (x80)", replicas="80")
        apns = Messaging("APNs / FCM", role="external_saas")

    with Cluster("Media (HTTPS)"):
        # Bandwidth-bound: ~2k × 200 KB requests/s per box at 40% of 10 GbE.
        media = Server("media servers (x240)", replicas="240", capacity_qps="2000")
        blobs = Storage("media blob store", role="object_storage", replicas="3")

    phones >> Edge(label="persistent connection", fraction="0.9") >> lb >> chat
    phones >> Edge(label="encrypted media", fraction="0.1") >> media >> blobs
    chat >> Edge(label="recipient's server?", fraction="0.5") >> routes
    chat >> Edge(label="store until delivered", fraction="0.5") >> offline
    # Delivery is an Erlang message to the process holding the recipient's connection.
    chat >> Edge(label="route to recipient", style="dashed", fraction="0.5") >> chat
    chat >> Edge(label="notify (recipient offline)", style="dashed", fraction="0.02") >> push >> apns
