"""Replica groups: which nodes are instances of one component (look-alikes, replication, counts)."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from workbench.analysis import roles
from workbench.analysis.elements import SOURCE_ROLES, Arc, Group, NodeInfo
from workbench.analysis.redundancy import (
    AURORA_CLASSES,
    FABRIC_ROLES,
    RDS_CLASSES,
    is_shard,
    label_stem,
    role_marks,
)

# Stateless request roles whose look-alike siblings form one replica group (§3.1). Clients are excluded (two
# user icons are two audiences, not replicas) and so are external services (not ours to replicate).
_NOT_MERGEABLE = SOURCE_ROLES | {"external_saas"}
# Callees that are the way out of the network or beside the request path (a NAT, an endpoint, logs).
_EGRESS = FABRIC_ROLES | roles.AUXILIARY_ROLES

# -- replica groups ---------------------------------------------------------------------------------------------------


class _UnionFind:
    def __init__(self, items: Iterable[str]) -> None:
        self.parent = {i: i for i in items}
        self.order = {i: n for n, i in enumerate(self.parent)}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The earlier-drawn node stays the root, so group ids follow drawing order.
            if self.order[rb] < self.order[ra]:
                ra, rb = rb, ra
            self.parent[rb] = ra


def replica_groups(nodes: Mapping[str, NodeInfo], arcs: list[Arc]) -> tuple[dict[str, str], dict[str, Group]]:
    """Group drawn nodes into replica groups (§3.2): evidence unions, then colour refinement for stateless nodes."""
    uf = _UnionFind(nodes)
    by_group: dict[str, list[str]] = defaultdict(list)
    for nid, info in nodes.items():
        value = str(info.analysis.get("group", "")).strip()
        if value:
            by_group[value].append(nid)
    for members in by_group.values():
        for other in members[1:]:
            uf.union(members[0], other)
    for a in arcs:
        if a.kind == "replication" and nodes[a.u].role == nodes[a.v].role and a.u != a.v:
            uf.union(a.u, a.v)
    merge_instance_volumes(nodes, arcs, uf)
    scope = _Scopes(nodes)  # one reading of the cluster paths for every pass below
    merge_named_ensembles(nodes, uf, scope)
    colours = refine_colours(nodes, arcs, uf, scope)
    first: dict[int, str] = {}
    for nid, colour in colours.items():
        if not mergeable(nodes[nid]):
            continue
        if colour in first:
            uf.union(first[colour], nid)
        else:
            first[colour] = nid
    merge_cluster_lookalikes(nodes, arcs, uf, scope)
    merge_numbered_hosts(nodes, arcs, uf, scope)
    merge_owned_pods(nodes, arcs, uf)
    merge_worker_nodes(nodes, arcs, uf)
    merge_ellipses(nodes, arcs, uf)
    members: dict[str, list[str]] = defaultdict(list)
    for nid in nodes:
        members[uf.find(nid)].append(nid)
    group_of: dict[str, str] = {}
    groups: dict[str, Group] = {}
    for ids in members.values():
        # Members in source order: the first is the subject (file, line) and names the group, whatever the
        # order in which the nodes were collected.
        ids.sort(key=lambda i: (nodes[i].file, nodes[i].line, i))
        gid = ids[0]
        for nid in ids:
            group_of[nid] = gid
        groups[gid] = make_group(gid, [nodes[i] for i in ids])
    return group_of, groups


# A node labelled only with an ellipsis stands for "and more of these": `EC2("...")` beside `EC2("Pod 1")`.
_ELLIPSIS = re.compile(r"^\s*(?:\.{2,}|…|etc\.?|and more)\s*$", re.IGNORECASE)


def merge_ellipses(nodes: Mapping[str, NodeInfo], arcs: list[Arc], uf: _UnionFind) -> None:
    """An ellipsis node drawn like its siblings (same class and cluster, the same neighbours) is one more of them
    [H, issue 13]: `labels = ["...", "Pod 1", "Pod 5"]` draws three pods, not two and a single point of failure."""
    dots = [nid for nid, info in nodes.items() if _ELLIPSIS.match(info.label or "")]
    if not dots:
        return
    links: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for a in arcs:
        if a.u != a.v:
            links[a.u].add(("out", a.v))
            links[a.v].add(("in", a.u))

    def shape(nid: str) -> tuple:
        info = nodes[nid]
        return info.cls, info.cluster_path, frozenset((d, uf.find(o)) for d, o in links[nid])

    wanted = {shape(nid): nid for nid in dots}
    for nid in nodes:
        if nid not in dots and (match := wanted.get(shape(nid))) is not None:
            uf.union(match, nid)


def merge_instance_volumes(nodes: Mapping[str, NodeInfo], arcs: list[Arc], uf: _UnionFind) -> None:
    """Look-alike volumes that each belong to one look-alike instance share that instance's fate [H].

    `for i in range(3): svc >> Pod("pod") >> PVC("pvc")` draws a StatefulSet: each pod has its own volume,
    and losing one volume loses one replica, which the group tolerates. Stateful siblings otherwise need
    replication evidence (§3.1); this is the one case where the drawing itself is that evidence: block or
    file volumes (not databases), each called by exactly one caller, the callers look-alike stateless
    siblings. Unioned before colour refinement, so the instances then merge as one group too.
    """
    callers: dict[str, set[str]] = {nid: set() for nid, info in nodes.items() if info.role == "file_storage"}
    if not callers:
        return
    for a in arcs:
        if a.kind == "sync" and a.u != a.v and a.v in callers:
            callers[a.v].add(a.u)
    candidates: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
    for nid, owner in callers.items():
        info = nodes[nid]
        if len(owner) != 1 or is_shard(info.label):
            continue
        (member,) = owner
        m = nodes[member]
        if mergeable(m):
            key = (info.cls, info.stem, info.cluster_path, m.cls, m.stem, m.cluster_path)
            candidates[key].append((nid, member))
    for pairs in candidates.values():
        if len(pairs) >= 2 and len({member for _, member in pairs}) == len(pairs):
            for volume, _ in pairs[1:]:
                uf.union(pairs[0][0], volume)


def merge_named_ensembles(nodes: Mapping[str, NodeInfo], uf: _UnionFind,
                          scope: _Scopes | None = None) -> None:
    """Stateful look-alikes drawn together whose labels say they are one ensemble [H, issue 13]: numbered or
    identically labelled members of a coordination service in one cluster (`[ETCD("etcd-0"), ETCD("etcd-1"),
    ETCD("etcd-2")]` in an "etcd" cluster: a quorum, whatever edges reach each member), and a store labelled
    primary or master beside ones labelled replica, slave or standby in the same cluster or none
    (`PostgreSQL("psql-master")`, `PostgreSQL("psql-slave")`; `RDSInstance("RDS Primary (write)")`,
    `RDSInstance("RDS Read Replica")`: the labels state the replication that no edge draws), also where the
    labels name only the product (`Aurora("Primary Instance")` beside `Aurora("Aurora Replica")` in one cluster). Other
    stateful siblings still need replication evidence (§3.1), so two shards or two services' databases never
    merge."""
    keys: dict[tuple, list[str]] = defaultdict(list)
    scope = scope or _Scopes(nodes)
    unnamed: dict[tuple, list[str]] = defaultdict(list)
    for nid, info in nodes.items():
        if info.stateful and not is_shard(info.label):
            keys[(info.cls, info.role, info.stem, scope(info.cluster_path))].append(nid)
            if info.marks and info.cluster_path and _names_only_the_product(info):  # only marked members pair
                unnamed[(info.cls, info.cluster_path)].append(nid)
    _merge_replica_clusters(nodes, uf, scope)
    # Labels that name no service ("Primary Instance" beside "Aurora Replica" in an "Aurora Cluster") pair inside
    # one cluster, on the primary/replica words only.
    for ids in unnamed.values():
        if len(ids) >= 2 and _labelled_pair([nodes[i].marks for i in ids]):
            for other in ids[1:]:
                uf.union(ids[0], other)
    for (_, role, stem, _), ids in keys.items():
        if len(ids) < 2 or not stem:
            continue
        labelled_pair = _labelled_pair([nodes[i].marks for i in ids])
        labels = [nodes[i].label for i in ids]
        # Members drawn loose (no cluster) merge only on the primary/replica words, never on numbering.
        numbered = role == "coordination" and bool(nodes[ids[0]].cluster_path) and (
            len(set(labels)) == 1 or all(_INSTANCE_INDEX.search(x) for x in labels))
        if labelled_pair or numbered:
            for other in ids[1:]:
                uf.union(ids[0], other)


def _merge_replica_clusters(nodes: Mapping[str, NodeInfo], uf: _UnionFind, scope: _Scopes) -> None:
    """A store drawn once in each of sibling clusters named for the leader and its followers ("Replica 1
    (Leader)", "Replica 2 (Follower)" under "Mox Cluster") is one replicated store, even where the leader's copy
    sits a cluster deeper (in its "Components"): the cluster names state the replication [issue 13]. Only the
    words of replication (leader, primary, master beside follower, replica, standby): "Jenkins Slave 1", "Secondary
    Application" or "Reader Service" are other machines and services with stores of their own, and so are
    numbered copies ("Worker 1"), two stores of one label in the leader's cluster, and quorum members."""
    found: dict[tuple, dict[tuple[str, ...], list[str]]] = defaultdict(lambda: defaultdict(list))
    for nid, info in nodes.items():
        if not info.stateful or info.role == "coordination" or is_shard(info.label):
            continue
        path = info.cluster_path
        at = next((i for i in range(len(path) - 1, -1, -1) if _REPLICATION_NAME.search(path[i].lower())), None)
        if at is not None:
            found[(info.cls, info.role, info.label, scope(path[:at]))][path[:at + 1]].append(nid)
    for clusters in found.values():
        marks = [role_marks(path[-1], "") for path in clusters]
        if len(clusters) >= 2 and all(len(ids) == 1 for ids in clusters.values()) and _labelled_pair(marks):
            ids = [i for (i,) in clusters.values()]
            for other in ids[1:]:
                uf.union(ids[0], other)


_REPLICATION_NAME = re.compile(r"\b(?:leader|primary|master|follower|replica|standby)\b")


def _labelled_pair(marks: list[frozenset[str]]) -> bool:
    """One member marked the writer, every other one a reader or standby."""
    return sum(1 for m in marks if "writer" in m) == 1 and all(m & {"writer", "reader", "standby"} for m in marks)


def _names_only_the_product(info: NodeInfo) -> bool:
    """A stem that names no service: empty, or only the icon's product and engine words ("aurora" of
    `Aurora("Aurora Replica")`, "aurora postgresql"; not "postgresql orders" or "mongodb model")."""
    product = roles.words(info.cls).replace(" ", "")
    return all(w in _PRODUCT_WORDS or len(w) >= 3 and product.startswith(w) for w in info.stem.split())


_PRODUCT_WORDS = frozenset({"db", "database", "cluster", "instance", "node", "server", "aurora", "rds", "postgres",
                            "postgresql", "mysql", "mariadb", "mongo", "mongodb", "redis", "sql"})


def merge_cluster_lookalikes(nodes: Mapping[str, NodeInfo], arcs: list[Arc], uf: _UnionFind,
                             scope: _Scopes | None = None) -> None:
    """Look-alikes drawn together in one cluster whose edges differ are still one component [H, issue 13].

    Published drawings put three `Go("app-1")`..`Go("app-3")` in an "App Servers" cluster and draw the edges
    to one of them only, or give one of two `review` pods one extra call. Colour refinement keeps them apart
    (their neighbours differ), so within one cluster and one (class, label stem): when some member has no
    request edge at all, all members are one group (the edges drawn stand for the cluster's); otherwise members
    that share a caller and whose calls, leaving out the way out (NAT, endpoints) and monitoring, do not differ
    (one's include the other's) are one group. Look-alikes outside any cluster are judged so only when their
    labels number machines ("VM Instance 1", "VM Instance 2"; not "Microservice 1" or "Step 2", which number
    different things), and never by the missing edges of one; others keep colour refinement's stricter reading,
    and so do shards (never mergeable)."""
    keys: dict[tuple, list[str]] = defaultdict(list)
    scope = scope or _Scopes(nodes)
    for nid, info in nodes.items():
        # Numbered look-alikes drawn loose ("VM Instance 1", "VM Instance 2" in subnets, which are places) are
        # judged alike, by their callers only [issue 13].
        if (info.cluster_path or _INSTANCE_INDEX.search(info.label) and set(info.stem.split()) <= _MACHINE_STEMS) \
                and mergeable(info):
            keys[(info.cls, info.stem, scope(info.cluster_path))].append(nid)
    keys = {k: ids for k, ids in keys.items() if len(ids) >= 2 and len({uf.find(i) for i in ids}) >= 2}
    if not keys:
        return
    wanted = {i for ids in keys.values() for i in ids}
    preds: dict[str, set[str]] = defaultdict(set)
    succs: dict[str, set[str]] = defaultdict(set)
    routes: dict[str, set[str]] = defaultdict(set)  # the labels of the calls into a member
    for a in arcs:
        if a.kind == "sync" and a.u != a.v:
            if a.v in wanted:
                preds[a.v].add(a.u)
                label = " ".join(a.label.lower().split())
                if label and not _NOT_A_ROUTE.search(label):  # "shop.example.com", "v1", "tenant A"; not "AZ a"
                    routes[a.v].add(label)
            if a.u in wanted:
                succs[a.u].add(a.v)
    # A store drawn alike, label for label, in each numbered copy of a cluster (`Mysql("Database")` in "Worker 1"
    # and in "Worker2") is that copy's part of one stack: callers that each call their own are copies too.
    # Only machines numbered so ("Worker 1", "node-2"): "Tenant 1", "Customer A" or "Cell 2" hold different data.
    copies: dict[tuple, list[str]] = defaultdict(list)
    for x in sorted({x for xs in succs.values() for x in xs}):
        info = nodes[x]
        if info.stateful and info.cluster_path and set(scope(info.cluster_path)) & roles.MACHINE_WORDS:
            copies[(info.cls, info.label, scope(info.cluster_path))].append(x)
    twin = {x: uf.find(xs[0]) for xs in copies.values() if len(xs) >= 2 for x in xs}
    for (_, _, where), ids in keys.items():
        if where and any(not preds[i] and not succs[i] for i in ids):
            for other in ids[1:]:
                uf.union(ids[0], other)
            continue
        # Only members that share a caller can merge: compare within each caller's members, not all pairs (a
        # drawing with thousands of look-alikes in numbered clusters would otherwise be quadratic).
        callers: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for a in ids:
            for p in {_caller_key(nodes, uf, x) for x in preds[a]}:
                callers[p].append(a)
        # The way out tells no member apart: `tasks[0] >> nat` and `tasks[1] >> vpc_endpoint` are one sample edge
        # each of what every task does, while `web-a >> db-a`, `web-b >> db-b` are two shards [issue 13].
        calls = {a: frozenset(twin.get(x) or uf.find(x) for x in succs[a] if nodes[x].role not in _EGRESS)
                 for a in ids}
        for p in sorted(callers):
            members = callers[p]
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    if uf.find(a) == uf.find(b):
                        continue
                    sa, sb = calls[a], calls[b]
                    if routes[a] and routes[b] and not routes[a] & routes[b]:
                        # `dns >> Edge(label="shop.example.com") >> nginx_1`, "admin.example.com" to `nginx_2`:
                        # calls labelled with different routes reach different things.
                        continue
                    # A shared callee, or the calls of one drawn on the other only (`app1 >> db` of three `appN`
                    # behind one balancer): the edges drawn on one member stand for the cluster's [issue 13].
                    if sa & sb or sa <= sb or sb <= sa:
                        uf.union(a, b)


# Edge labels that place, weigh or carry a call rather than route it: zones and regions, ports, weights, protocols.
_NOT_A_ROUTE = re.compile(r"\b(?:az|azs|zone|region|primary|secondary|active|passive|standby|weight|port)\b|"
                          r"^[a-z]{2}-[a-z]+-\d[a-z]?$|^:?\d+%?$|^(?:https?|tcp|udp|grpc|wss?)(?:[ /:]*\d+)?$")


# What numbered copies are called: the machine, the tier it serves, or the server software each copy runs
# ("Tomcat 1", "Tomcat 2"); "Microservice 1" and "Step 2" number different things.
_MACHINE_STEMS = roles.MACHINE_WORDS | {"web", "app", "api", "backend", "frontend", "tomcat", "jboss", "wildfly",
                                        "weblogic", "websphere", "jetty", "apache", "httpd", "iis", "nginx",
                                        "gunicorn", "uwsgi", "puma", "unicorn", "haproxy", "envoy", "caddy"}


def _caller_key(nodes: Mapping[str, NodeInfo], uf: _UnionFind, caller: str) -> tuple[str, ...]:
    """Who calls a look-alike, for merge_cluster_lookalikes: its group, except that look-alike users are one
    population [issue 13]: `client1 >> server1`, `client2 >> server2` with both servers in a "WebSocket
    Servers" cluster spread users over the servers; they do not pin each user to one of them."""
    info = nodes[caller]
    return ("client", info.cls, info.stem) if info.role == "client" and info.stem else ("group", uf.find(caller))


def merge_numbered_hosts(nodes: Mapping[str, NodeInfo], arcs: list[Arc], uf: _UnionFind,
                         scope: _Scopes | None = None) -> None:
    """Hosts numbered in their names, drawn together, whose notes add a duty to one of them are one tier
    [issue 13]: "master1.example.com\nFlatcar / etcd + API" beside "master2.example.com\nFlatcar / etcd" in a
    "Control Plane" cluster, called alike, are three control-plane nodes, one of which also serves the API. Only
    when the notes differ (equal ones were merge_cluster_lookalikes' to judge), each member's notes hold the words
    of the shortest member's ("web-1\nnginx", "web-2\nredis" name different things), and the members have the
    same callers and call the same things (`App1\nTask >> App1 DB`, `App2\nTask >> App2 DB` are two apps).

    Stateless hosts whose notes each claim redundancy ("Pipeline Service 1\n• Auto Scaling", "Pipeline Service 2\n•
    Load Balanced") are one tier whatever else the notes say, and the edges drawn on one of them (the only one
    drawn writing) stand for the others'."""
    keys: dict[tuple, list[str]] = defaultdict(list)
    scope = scope or _Scopes(nodes)
    for nid, info in nodes.items():
        if info.cluster_path and mergeable(info) and info.name != info.label:
            name = label_stem(info.name)
            if name and name != " ".join(roles.words(info.name).split()):  # the name carries an index
                keys[(info.cls, name, scope(info.cluster_path))].append(nid)
    keys = {k: ids for k, ids in keys.items()
            if len(ids) >= 2 and len({uf.find(i) for i in ids}) >= 2 and len({nodes[i].stem for i in ids}) >= 2}
    if not keys:
        return
    wanted = {i for ids in keys.values() for i in ids}
    links: dict[str, tuple[set[str], set[str]]] = {i: (set(), set()) for i in wanted}
    routes: dict[str, set[str]] = defaultdict(set)  # the labels of the calls into a member
    for a in arcs:
        if a.kind == "sync" and a.u != a.v:
            if a.v in wanted:
                links[a.v][0].add(uf.find(a.u))
                routes[a.v].add(" ".join(a.label.lower().split()))
            if a.u in wanted:
                links[a.u][1].add(uf.find(a.v))
    for ids in keys.values():
        if len({frozenset(links[i][0]) for i in ids}) > 1:
            continue
        if all(_claims_redundancy(nodes[i]) for i in ids) and not _distinct_routes([routes[i] for i in ids]):
            widest = max((links[i][1] for i in ids), key=len)
            if all(links[i][1] <= widest for i in ids):
                for other in ids[1:]:
                    uf.union(ids[0], other)
            continue
        if len({frozenset(links[i][1]) for i in ids}) > 1:
            continue
        # Notes compared without addresses and zone codes: "10.17.4.21" tells hosts apart, not what they run.
        notes = {i: set(label_stem(nodes[i].label[len(nodes[i].name):]).split()) for i in ids}
        least = min(notes.values(), key=len)
        if least and all(least <= n for n in notes.values()):
            for other in ids[1:]:
                uf.union(ids[0], other)


# Notes that say a host is one of several, the whole of the notes or of a bulleted item ("• Auto Scaling", "Load
# Balanced (enabled)"): not "Orders (not redundant)", "Redundant PSU", "High availability: none" or "reads
# replicated DB", which say something else.
_CLAIMS_REDUNDANCY = re.compile(r"^(?:auto ?scal(?:ing|ed)|load ?balanced|fault ?tolerant|"
                                r"high(?:ly)? availab(?:le|ility)|redundant|replicated)(?: (?:enabled|on|yes))?$")


def _claims_redundancy(info: NodeInfo) -> bool:
    """A stateless host whose notes, or one bulleted item of them, are a claim that it runs as several."""
    notes = re.split(r"[•·\n]", info.label[len(info.name):])
    return not info.stateful and any(_CLAIMS_REDUNDANCY.match(roles.words(roles.BRACKETED.sub(" ", item)))
                                     for item in notes)


def _distinct_routes(routes: list[set[str]]) -> bool:
    """Calls into the members labelled with routes none of the others share (`/orders`, `/payments`,
    "shop.example.com"); "Traffic Distribution" or "High Availability" on the balancer's arrows route nothing."""
    labelled = [frozenset(r for r in rs if _ROUTE.match(r)) for rs in routes]
    return any(labelled) and len(set(labelled)) > 1


_ROUTE = re.compile(r"^(?:(?:get|post|put|patch|delete)\s+)?/|^[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/:]|$)")


_K8S_OWNERS = frozenset({"Deploy", "RS", "STS", "DS"})


def merge_owned_pods(nodes: Mapping[str, NodeInfo], arcs: list[Arc], uf: _UnionFind) -> None:
    """Pods drawn owned by one Kubernetes controller (`[Pod("web-a1c4"), Pod("web-v0.1")] << Deploy("web")`) are
    replicas of its workload, whatever their generated names say [H, issue 13]. Only controllers that were read
    as ownership (role `management`: drawn against pods only) count; one on the request path is a workload."""
    owned: dict[str, dict[str, None]] = defaultdict(dict)
    for a in arcs:
        for c, p in ((a.u, a.v), (a.v, a.u)):
            ci, pi = nodes[c], nodes[p]
            if (ci.provider == "k8s" and ci.cls in _K8S_OWNERS and ci.role == "management"
                    and pi.provider == "k8s" and pi.cls == "Pod" and mergeable(pi)):
                owned[c][p] = None
    for pods in owned.values():
        ids = list(pods)
        for other in ids[1:]:
            uf.union(ids[0], other)


def merge_worker_nodes(nodes: Mapping[str, NodeInfo], arcs: list[Arc], uf: _UnionFind) -> None:
    """Kubernetes worker nodes (`k8s.infra.Node`) that one caller sends to, and that call the same things, are the
    cluster's machines, over which the scheduler places the pods: one pool, whatever each is named ("x86_64",
    "aarch64") [issue 13]."""
    workers = {nid for nid, info in nodes.items() if info.provider == "k8s" and info.cls == "Node" and mergeable(info)}
    if len(workers) < 2:
        return
    sent: dict[str, list[str]] = defaultdict(list)
    calls: dict[str, set[str]] = defaultdict(set)
    for a in arcs:
        if a.kind == "sync" and a.v in workers and a.u not in workers:
            sent[uf.find(a.u)].append(a.v)
        if a.kind == "sync" and a.u in workers:
            calls[a.u].add(uf.find(a.v))
    for ids in sent.values():
        # ... unless one of them is drawn doing what the others do not (only the GPU node reaches the model store).
        for calls_alike in _partition(ids, lambda nid: frozenset(calls[nid])):
            for other in calls_alike[1:]:
                uf.union(calls_alike[0], other)


def _partition(ids: list[str], key) -> list[list[str]]:
    """`ids` split by `key`, each part in the order given."""
    parts: dict[object, list[str]] = {}
    for nid in ids:
        parts.setdefault(key(nid), []).append(nid)
    return list(parts.values())


def mergeable(info: NodeInfo) -> bool:
    """Stateless request-path nodes that are not shards may merge with look-alike siblings."""
    return (info.role in roles.REQUEST_ROLES and info.role not in _NOT_MERGEABLE and not info.stateful
            and not is_shard(info.label))


def refine_colours(nodes: Mapping[str, NodeInfo], arcs: list[Arc], uf: _UnionFind,
                   scope: _Scopes | None = None) -> dict[str, int]:
    """1-WL colour refinement over sync arcs in both directions, to the stable partition (§3.2 step 3).

    Stateless nodes start from (class, stem, innermost non-location cluster). Every other node starts from its
    own evidence group, so two stateless nodes merge only when they call the *same* stores, not merely stores
    that look alike (the spec's "same neighbour groups", §3.1); otherwise the web tiers of two shards would merge.

    Incremental rather than the textbook "recolour everything until the count stops changing", which needs
    O(n) rounds on a chain of look-alike nodes (O(n·(n+m)), minutes for a 5,000-node pipeline): each round
    recomputes only the neighbours of nodes whose colour changed, against the colours at the start of the
    round, and the largest block of a split keeps its colour, so a node changes colour O(log n) times. The
    result is the same coarsest stable partition; colour numbers may differ, and only equality is used.
    """
    ids = list(nodes)
    scope = scope or _Scopes(nodes)
    start = [("m", info.cls, info.stem, scope(info.cluster_path)) if mergeable(info)
             else ("f", uf.find(nid)) for nid, info in nodes.items()]
    first: dict[tuple, int] = {}
    colour = [first.setdefault(key, len(first)) for key in start]
    # A class of one never splits and never grows (a split moves nodes to new colours), so only larger classes
    # are tracked and refined: most nodes that may not merge start alone. Signatures are taken, and colour
    # changes spread, from tracked nodes only, so only they need their neighbours listed.
    size = [0] * len(first)
    for c in colour:
        size[c] += 1
    members: dict[int, set[int]] = defaultdict(set)
    for v, c in enumerate(colour):
        if size[c] > 1:
            members[c].add(v)
    fresh = len(first)
    dirty = {v for vs in members.values() for v in vs}
    preds: dict[int, list[int]] = {v: [] for v in dirty}
    succs: dict[int, list[int]] = {v: [] for v in dirty}
    index = {nid: i for i, nid in enumerate(ids)}
    for a in arcs:
        if a.kind == "sync" and a.u != a.v:
            u, v = index[a.u], index[a.v]
            if u in succs:
                succs[u].append(v)
            if v in preds:
                preds[v].append(u)
    while dirty:
        # Phase 1: split every class that holds dirty nodes, by signatures taken on this round's colours.
        # A block is (dirty nodes, whether the class's clean nodes belong to it).
        splits: list[tuple[int, list[tuple[list[int], bool]]]] = []
        by_class: dict[int, list[int]] = defaultdict(list)
        for v in dirty:
            if colour[v] in members:
                by_class[colour[v]].append(v)
        for c, dirty_members in by_class.items():
            blocks: dict[tuple, list[int]] = defaultdict(list)
            for v in dirty_members:
                blocks[_signature(v, colour, preds, succs)].append(v)
            clean_sig = None
            if len(members[c]) > len(dirty_members):
                # Clean members still share one signature: one representative stands for all of them.
                clean = next(v for v in members[c] if v not in dirty)
                clean_sig = _signature(clean, colour, preds, succs)
                blocks.setdefault(clean_sig, [])
            if len(blocks) > 1:
                splits.append((c, [(vs, sig == clean_sig) for sig, vs in blocks.items()]))
        # Phase 2: the largest block keeps the colour; the others move to new colours.
        changed: list[int] = []
        for c, blocks in splits:
            # Count the clean members instead of listing them: they usually stay, and listing them every round
            # would make a long look-alike chain quadratic again.
            n_clean = len(members[c]) - sum(len(vs) for vs, _ in blocks)
            sizes = [len(vs) + (n_clean if with_clean else 0) for vs, with_clean in blocks]
            keep = max(range(len(blocks)), key=sizes.__getitem__)
            for k, (vs, with_clean) in enumerate(blocks):
                if k == keep:
                    continue
                moved = vs + [v for v in members[c] if v not in dirty] if with_clean else vs
                for v in moved:
                    members[c].discard(v)
                    colour[v] = fresh
                    members[fresh].add(v)
                changed.extend(moved)
                fresh += 1
        dirty = {w for v in changed for w in preds[v]} | {w for v in changed for w in succs[v]}
    return {nid: colour[i] for i, nid in enumerate(ids)}


_INSTANCE_INDEX = re.compile(r"(?:[\s_#-]*\d+(?:st|nd|rd|th)?|[\s_#-]+[a-z]|[\s_#-]+(?:first|second|third))$",
                             re.IGNORECASE)


# A host's number inside its name ("internet-pi2.int.example.co.uk - NOMAD"): per-host clusters of one kind.
_HOST_INDEX = re.compile(r"^([a-z][a-z-]*?)-?\d+(?=\.[a-z])")


# The slot a cluster holds in a blue/green or canary deployment ("Blue target group (v1)", "Green target group
# (v2)"): the version goes with the colour. A colour names a slot only beside a deployment word ("Blue zone" and
# "Green zone" are security zones).
_SLOT = re.compile(r"\b(?:blue|green|canary|stable)\b")
# ... and what goes with the colour: its version ("(v1.0)") and its state in the switch ("- PRODUCCIÓN", "- STAGING").
_VERSION = re.compile(r"\(?\bv\d+(?:\.\d+)*\)?")
_SLOT_STATE = re.compile(r"\b(?:production|producci[oó]n|prod|staging|live|idle|active|standby|inactive)\b")
_DEPLOYMENT_WORD = re.compile(r"\b(?:canary|stable|target groups?|environments?|env|deployments?|slots?|stacks?|"
                              r"releases?|versions?|v\d+|fleets?|auto ?scaling groups?|asg)\b")


class _Scopes:
    """The sibling scope of each cluster path of one drawing: numbered look-alike clusters ("instance 1",
    "instance 2", "node-a") are one scope, as are hosts numbered inside their names ("internet-pi2.int...") and
    the slots of a blue/green deployment ("Blue target group (v1)", "Green target group (v2)"), so the look-alike
    nodes drawn one per such cluster are instances of one component (issue 13, item 6). Shard clusters keep their
    numbers: shards are different data. Each path is worked out once per drawing."""

    def __init__(self, nodes: Mapping[str, NodeInfo]) -> None:
        self._memo: dict[tuple[str, ...], tuple[str, ...]] = {(): ()}
        self._slots: dict[tuple[str, ...], str] = {}  # a cluster path read as a slot → the stem its slots share
        by_depth: dict[int, set[tuple[str, ...]]] = defaultdict(set)
        for info in nodes.values():
            for i in range(1, len(info.cluster_path) + 1):
                by_depth[i].add(info.cluster_path[:i])
        for depth in sorted(by_depth):
            slots = {path: slot for path in sorted(by_depth[depth]) if (slot := _slot(path[-1]))}
            # Slots come one of each colour under one parent: "Blue stack (production)" beside "Blue stack
            # (staging)" are two environments. Their stem drops the state in the switch ("live", "staging") and,
            # where a colour then repeats, keeps it: beside "Green stack (production)", the production pair are the
            # slots and the staging stack is an environment of its own.
            for level in (1, 2):
                siblings: dict[tuple, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
                for path, slot in slots.items():
                    if path not in self._slots:
                        siblings[(self(path[:-1]), slot[level])].append((slot[0], path))
                for (_, stem), found in siblings.items():
                    colours = [colour for colour, _ in found]
                    if len(colours) >= 2 and len(set(colours)) == len(colours):
                        self._slots.update((path, stem) for _, path in found)

    def __call__(self, path: tuple[str, ...]) -> tuple[str, ...]:
        found = self._memo.get(path)
        if found is None:
            label = path[-1]
            stem = label if is_shard(label) else _INSTANCE_INDEX.sub(
                "", self._slots.get(path) or _HOST_INDEX.sub(r"\1", label.strip().lower()))
            found = self._memo[path] = self(path[:-1]) + (stem,)
        return found


def _slot(label: str) -> tuple[str, str, str] | None:
    """(colour, the name without colour, version and state, the name with its state) for a cluster named as one
    slot of a deployment; None for any other cluster. One colour names one slot: "Blue/Green Deployment -
    Production" is an environment holding both."""
    text = _HOST_INDEX.sub(r"\1", label.strip().lower())
    colours = set(_SLOT.findall(text))
    if len(colours) != 1 or not _DEPLOYMENT_WORD.search(text):
        return None
    named = _VERSION.sub(" ", _SLOT.sub(" ", text))
    return colours.pop(), " ".join(_SLOT_STATE.sub(" ", named).split()), " ".join(named.split())


def _signature(v: int, colour: list[int], preds: Mapping[int, list[int]], succs: Mapping[int, list[int]]) -> tuple:
    return frozenset(colour[p] for p in preds[v]), frozenset(colour[s] for s in succs[v])


def _index(values: Mapping[str, object]) -> dict[str, int]:
    ids: dict[object, int] = {}
    return {k: ids.setdefault(v, len(ids)) for k, v in values.items()}


_NO_REGIONS: frozenset[str] = frozenset()  # shared, as _NO_ANALYSIS: most groups declare no region


def make_group(gid: str, members: list[NodeInfo]) -> Group:
    """Aggregate members into a Group: r, k, tolerance inputs, zones and the stable target key."""
    # Mixed roles only come from group="…": prefer state, then the deeper tier, independent of drawing order.
    role = max({m.role for m in members}, key=lambda r: (r in roles.STATEFUL, roles.RANK.get(r) or 0, r))
    r = sum(m.replicas for m in members)
    quorum_values = [str(m.analysis.get("quorum", "")).strip().lower() for m in members]
    explicit_k = next((int(v) for v in quorum_values if v.isdigit() and int(v) >= 1), None)
    quorum = role == "coordination" or "majority" in quorum_values or explicit_k is not None
    # An explicit quorum larger than the group can never be met; clamp so that r − k + 1 stays ≥ 1 (§5.3).
    k = min(explicit_k, r) if explicit_k is not None else (r // 2 + 1 if quorum else 1)
    statuses = {m.ha.status for m in members}
    status = "single" if "single" in statuses else ("provisional" if "provisional" in statuses else "managed")
    auto = any(m.ha.auto_failover for m in members) or any(
        str(m.analysis.get("failover", "")).strip().lower() == "auto" for m in members) or (
        # A drawn RDS standby is the Multi-AZ standby, which RDS promotes (read replicas say replica/reader) [A10].
        all(m.cls in RDS_CLASSES for m in members) and any("standby" in m.marks for m in members))
    labels = tuple(m.label for m in members)
    classes = tuple(dict.fromkeys(m.cls for m in members))
    prefix = _common_prefix([m.cluster_path for m in members])
    key = f"{','.join(sorted(labels))}|{','.join(sorted(classes))}|{'/'.join(prefix)}"
    name = labels[0] if len(labels) == 1 else "{" + ", ".join(labels) + "}"
    return Group(
        id=gid, members=tuple(m.id for m in members), labels=labels, classes=classes, role=role,
        stateful=any(m.stateful for m in members), r=r, k=k, quorum=quorum, ha_status=status,
        elastic=all(m.ha.elastic for m in members), auto_failover=auto,
        zone_confined=next((m.ha.zone_confined for m in members if m.ha.zone_confined), None),
        zones=tuple(m.location.zone for m in members),
        regions=frozenset(m.location.region for m in members if m.location.region) or _NO_REGIONS,
        aurora=any(m.cls in AURORA_CLASSES for m in members), key=key, name=name,
    )


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    prefix = paths[0]
    for p in paths[1:]:
        n = 0
        while n < min(len(prefix), len(p)) and prefix[n] == p[n]:
            n += 1
        prefix = prefix[:n]
    return prefix


