"""Reading the drawing: each node's facts (role, replicas, place) and each edge's direction and kind."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from types import MappingProxyType

from workbench.analysis import roles
from workbench.analysis.elements import KINDS, Arc, NodeInfo
from workbench.analysis.redundancy import (
    ASSUMED_SCALING_REPLICAS,
    HA,
    SCALING_GROUP_CLASSES,
    Location,
    cluster_location,
    flag,
    is_placement_cluster,
    multiplier,
    node_ha,
    region_of_zone,
    replica_count,
    role_marks,
)
from workbench.design.model import Diagram, Node

_REPLICATION_LABEL = re.compile(r"replic|failover|standby|mirror|quorum|sync to", re.IGNORECASE)
_ASYNC_LABEL = re.compile(r"\b(?:async|event|publish|subscribe|notify|webhook|batch|cdc|etl)", re.IGNORECASE)
_FALLBACK_LABEL = re.compile(r"fallback|degrad|optional|best.?effort", re.IGNORECASE)
# A label on an edge *into* a queue that says the caller takes messages out: the arrow points at the broker
# because the consumer polls it, but work flows from the queue to the consumer [H].
_PULL_LABEL = re.compile(r"\b(?:consum|poll|pull|subscri|receiv|dequeue|read)", re.IGNORECASE)
_DEFAULT_RANK = 4

def display_label(node: Node) -> str:
    """The label people read: the C4 name for C4 nodes, the node id when nothing is drawn."""
    text = (node.c4 or {}).get("name") or node.label or node.id
    return " ".join(str(text).split())


# Shared by every node without analysis keys (most of them): one object instead of a proxy and a dict per node,
# which a large design would otherwise allocate, scan at the next garbage collection and fetch from memory.
_NO_ANALYSIS: Mapping[str, str] = MappingProxyType({})


def node_infos(diagram: Diagram) -> dict[str, NodeInfo]:
    """Resolve roles, replicas, locations and managed-HA status of every node, in drawing order."""
    clusters = {c.id: c for c in diagram.clusters}
    locations = {c.id: cluster_location(c.label, c.analysis) for c in diagram.clusters}
    # Location and subnet clusters say where a node runs, not which service it is: left out of the sibling scope.
    placement = {cid for cid, loc in locations.items() if loc.known or is_placement_cluster(clusters[cid].label)}
    members_by_cluster: dict[str, list[Node]] = defaultdict(list)
    for n in diagram.nodes:
        for cid in n.clusters:
            members_by_cluster[cid].append(n)
    role_memo: dict[tuple, roles.RoleResolution] = {}
    resolved = {n.id: _resolve(n, role_memo) for n in diagram.nodes}  # read again by the two passes below
    ha_memo: dict[tuple, HA] = {}  # most nodes share class and attributes; lives for this build only
    location_memo: dict[tuple, Location] = {}  # likewise zone and region
    path_memo: dict[tuple, tuple[str, ...]] = {}  # and cluster paths
    callers_rank = _network_caller_ranks(diagram, resolved)
    owners = k8s_owners(diagram, resolved)
    infos: dict[str, NodeInfo] = {}
    for n in diagram.nodes:
        res = resolved[n.id]
        role = "service" if res.role == "unknown" else res.role
        if n.id in owners and "role" not in n.analysis:
            role = "management"
        a = n.analysis
        rank = roles.RANK.get(role)
        if rank is None:
            rank = callers_rank.get(n.id, _DEFAULT_RANK)
        stateful_override = flag(a.get("stateful"))
        if stateful_override is not None:
            stateful = stateful_override
        else:
            stateful = role in roles.STATEFUL or (role == "analytics" and n.cls in roles.WAREHOUSE_CLASSES)
        replicas, source = _replicas(n, clusters, members_by_cluster)
        loc = _location(n, locations, location_memo)
        label = display_label(n)
        chain = tuple(n.clusters)
        path = path_memo.get(chain)
        if path is None:
            path = path_memo[chain] = tuple(clusters[c].label for c in chain
                                            if c in clusters and c not in placement)
        infos[n.id] = NodeInfo(
            id=n.id, label=label, cls=n.cls, provider=n.provider, role=role, inferred_role=res.role,
            role_source=res.source, invalid_role=res.invalid_override, rank=rank, stateful=stateful,
            replicas=replicas, replicas_source=source, location=loc, marks=role_marks(label, n.cls),
            ha=_ha(n, role, ha_memo), analysis=MappingProxyType(dict(a)) if a else _NO_ANALYSIS,
            cluster_path=path, file=n.file, line=n.line, c4=n.c4 is not None,
        )
    return infos


_HA_KEYS = ("managed_ha", "tier", "storage_class", "multi_az", "zone", "redundancy")


def _ha(n: Node, role: str, memo: dict[tuple, HA]) -> HA:
    key = (n.provider, n.cls, role, n.c4 is not None) + tuple(n.analysis.get(k) for k in _HA_KEYS)
    found = memo.get(key)
    if found is None:
        found = memo[key] = node_ha(n.provider, n.cls, role, n.analysis, c4=n.c4 is not None)
    return found


def _resolve(n: Node, memo: dict[tuple, roles.RoleResolution]) -> roles.RoleResolution:
    # Most nodes share a class; the memo lives for one build only (no global state).
    c4 = tuple(sorted((n.c4 or {}).items()))
    label = n.label if (n.provider == "custom" or n.provider is None) else None
    key = (n.provider, n.module, n.cls, n.analysis.get("role"), c4, label)
    found = memo.get(key)
    if found is None:
        found = memo[key] = roles.resolve_role(n)
    return found


K8S_CONTROLLERS = frozenset({"Deploy", "RS", "STS", "DS", "Job", "Cronjob"})
# Provisioning objects: a PersistentVolume bound to claims, the StorageClass that provisions it.
K8S_PROVISIONING = frozenset({"PV", "SC"})


def k8s_owners(diagram: Diagram, resolved: Mapping[str, roles.RoleResolution]) -> frozenset[str]:
    """Kubernetes controllers drawn only against their pods (or other controllers), and volumes or storage
    classes drawn only against claims: control-plane objects.

    `[pods] << ReplicaSet("rs") << Deployment("dp")` shows ownership, not requests, so these controllers
    take the management role and their edges become side edges [H]. A controller that anything else calls
    (`lb >> Deploy("api", replicas="3")`) stays the workload it stands for.
    """
    controllers = {n.id for n in diagram.nodes
                   if n.provider == "k8s" and (n.cls in K8S_CONTROLLERS or n.cls in K8S_PROVISIONING)}
    if not controllers:
        return frozenset()
    by_id = {n.id: n for n in diagram.nodes}
    owned = {nid: False for nid in controllers}  # False until an ownership edge is seen
    for e in diagram.edges:
        for a, b in ((e.tail, e.head), (e.head, e.tail)):
            if a not in controllers or b not in by_id or owned.get(a) is None:
                continue
            other = by_id[b]
            if by_id[a].cls in K8S_PROVISIONING:
                # A volume that pods use directly is storage; bound only to claims and classes, it is plumbing.
                partner = other.provider == "k8s" and other.module == "storage"
            else:
                # Pods, other controllers, volumes and claims (a StatefulSet's volumeClaimTemplates), autoscalers.
                partner = other.provider == "k8s" and (other.cls == "Pod" or other.cls in K8S_CONTROLLERS
                                                       or other.module in ("storage", "clusterconfig"))
            if partner:
                owned[a] = True
            elif resolved[b].role not in roles.AUXILIARY_ROLES:
                owned[a] = None  # a real request edge: keep it a workload
    return frozenset(nid for nid, flag_ in owned.items() if flag_)


def _network_caller_ranks(diagram: Diagram, resolved: Mapping[str, roles.RoleResolution]) -> dict[str, int]:
    """RANK of a network node = rank of its predecessor (§1): the highest rank among directed callers."""
    found: dict[str, int] = {}
    for e in diagram.edges:
        if e.dir not in ("forward", "back", "both") or e.tail not in resolved or e.head not in resolved:
            continue
        pairs = [(e.caller, e.callee)] + ([(e.head, e.tail)] if e.dir == "both" else [])
        for u, v in pairs:
            role_u = resolved[u].role
            ru = roles.RANK.get("service" if role_u == "unknown" else role_u)
            if resolved[v].role == "network" and ru is not None and role_u not in roles.AUXILIARY_ROLES:
                found[v] = max(found.get(v, ru), ru)
    return found


def _replicas(n: Node, clusters: Mapping, members_by_cluster: Mapping) -> tuple[int, str]:
    declared = replica_count(n.analysis.get("replicas"))
    if declared is not None:
        return declared, "node"
    # wb_replicas of the nearest cluster that sets it, for a member whose class is unique in that cluster.
    for cid in reversed(n.clusters):
        c = clusters.get(cid)
        if c is None or "wb_replicas" not in c.analysis:
            continue
        count = replica_count(c.analysis["wb_replicas"])
        same = sum(1 for m in members_by_cluster[cid] if m.cls == n.cls)
        if count is not None and same == 1:
            return count, "cluster"
        break
    if n.cls in SCALING_GROUP_CLASSES:
        return ASSUMED_SCALING_REPLICAS, "scaling_group"
    return 1, "default"


def _location(n: Node, locations: Mapping[str, Location], memo: dict[tuple, Location]) -> Location:
    zone = n.analysis.get("zone") or None
    region = n.analysis.get("region") or None
    for cid in reversed(n.clusters):
        loc = locations.get(cid)
        if loc is None:
            continue
        zone = zone or loc.zone
        region = region or loc.region
    if region is None and zone:
        region = region_of_zone(zone)
    found = memo.get((zone, region))
    if found is None:
        found = memo[(zone, region)] = Location(zone, region)
    return found


# -- edges ------------------------------------------------------------------------------------------------------------


def orient_and_type(diagram: Diagram, nodes: Mapping[str, NodeInfo]) -> list[Arc]:
    """Orient every drawn edge (§1) and give each arc its kind (§4, first match wins)."""
    # Pass 1: orientation plus steps 1-3 (explicit, replication, side); rows are [edge, u, v, tie, explicit, kind].
    rows: list[list] = []
    for e in diagram.edges:
        t, h = e.tail, e.head
        if t not in nodes or h not in nodes:
            continue  # the loader reports dangling edges; the analysis cannot place them
        tie = False
        if e.dir == "back":
            pairs = ((h, t),)
        elif e.dir == "both":
            pairs = ((t, h), (h, t))
        elif e.dir == "none":
            rt, rh = nodes[t].rank, nodes[h].rank
            if rt != rh:
                pairs = ((t, h),) if rt < rh else ((h, t),)
            else:
                pairs, tie = ((t, h), (h, t)) if t != h else ((t, h),), True
        else:  # forward, or anything unexpected read as drawn
            pairs = ((t, h),)
        explicit = e.analysis.get("kind")
        explicit = explicit.strip().lower() if explicit else None
        if explicit not in KINDS:
            explicit = None
        for u, v in pairs:
            rows.append([e, u, v, tie, explicit, explicit or _early_kind(e, u, v, nodes)])
    _mark_responses(rows, nodes)
    arcs: list[Arc] = []
    for e, u, v, tie, explicit, kind in rows:
        pulled = False
        if kind is None:
            kind, pulled = _late_kind(e, u, v, nodes)
            if pulled:
                u, v = v, u
        # A multiplier on the caller's load (>1 is fan-out); unreadable values keep 1.0 and raise ATTR001.
        share = multiplier(e.analysis.get("fraction")) if "fraction" in e.analysis else None
        arcs.append(Arc(len(arcs), e.id, u, v, kind, e.label or "", 1.0 if share is None else share,
                        explicit is not None, tie, pulled))
    return arcs


def _early_kind(e, u: str, v: str, nodes: Mapping[str, NodeInfo]) -> str | None:
    """Steps 2-3 of §4: replication, then side."""
    nu, nv = nodes[u], nodes[v]
    if nu.auxiliary or nv.auxiliary:
        return "side"
    if nu.role == nv.role and _REPLICATION_LABEL.search(e.label or ""):
        # Same role only: "reads from replica" on api → db is a request, not replication [H].
        return "replication"
    if e.dir == "none" and nu.cls == nv.cls and (nu.stateful or nu.role == "cache") and (
            nv.stateful or nv.role == "cache"):
        # Caches replicate as well (Redis primary - replica); the spec names stateful nodes only.
        return "replication"
    return None


def _mark_responses(rows: list[list], nodes: Mapping[str, NodeInfo]) -> None:
    """Step 4 of §4: in a 2-cycle u⇄v with RANK(u) < RANK(v), v→u is the response (rows as in orient_and_type)."""
    # Only an arc down the ranks can be a response, and few are: find those first, then only the requests that
    # would answer them, rather than indexing every arc of the design.
    # A queue's arc back to its producer is delivery to a consumer, not a response.
    downhill = [row for row in rows if row[5] is None and nodes[row[2]].rank < nodes[row[1]].rank
                and nodes[row[1]].role != "queue"]
    if not downhill:
        return
    answering: dict[str, set[str]] = defaultdict(set)  # v → {u}: a request v→u would make u→v a response
    for row in downhill:
        answering[row[2]].add(row[1])
    request = {(r[1], r[2]) for r in rows
               if r[1] in answering and r[2] in answering[r[1]] and r[5] in (None, "sync", "async", "fallback")}
    for row in downhill:
        if (row[2], row[1]) in request:
            row[5] = "response"


def _late_kind(e, u: str, v: str, nodes: Mapping[str, NodeInfo]) -> tuple[str, bool]:
    """Steps 5-7 of §4: async delivery, fallback, sync. Returns (kind, pulled)."""
    label = e.label or ""
    into_queue = nodes[v].role == "queue" and nodes[u].role != "queue"
    if into_queue:
        if _PULL_LABEL.search(label):
            return "async", True
    elif nodes[u].role == "queue" or _ASYNC_LABEL.search(label) or (
            "dashed" in (e.style or "") and not (nodes[u].c4 and nodes[v].c4)):
        return "async", False
    if _FALLBACK_LABEL.search(label):
        return "fallback", False
    return "sync", False


