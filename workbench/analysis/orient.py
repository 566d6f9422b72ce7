"""Reading the drawing: each node's facts (role, replicas, place) and each edge's direction and kind."""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType

from workbench.analysis import roles
from workbench.analysis.elements import KINDS, SOURCE_ROLES, Arc, NodeInfo
from workbench.analysis.redundancy import (
    ASSUMED_SCALING_REPLICAS,
    HA,
    K8S_OBJECTS,
    SCALING_GROUP_CLASSES,
    Location,
    cluster_location,
    edge_vendor,
    flag,
    hosted_service,
    is_placement_cluster,
    label_says_ha,
    self_hosted_product,
    serverless_host,
    serverless_note,
    label_stem,
    own_edge_connector,
    multiplier,
    node_ha,
    region_of_zone,
    replica_count,
    role_marks,
)
from workbench.design.model import Diagram, Node

_REPLICATION_LABEL = re.compile(r"replic|failover|standby|mirror|quorum|sync to|复制|热备|主备|容灾", re.IGNORECASE)
_ASYNC_LABEL = re.compile(r"\b(?:async|event|publish|subscribe|notify|webhook|batch|cdc|etl)", re.IGNORECASE)
_FALLBACK_LABEL = re.compile(r"fallback|degrad|optional|best.?effort", re.IGNORECASE)
# A label on an edge *into* a queue that says the caller takes messages out: the arrow points at the broker
# because the consumer polls it, but work flows from the queue to the consumer [H].
_PULL_LABEL = re.compile(r"\b(?:consum|poll|pull|subscri|receiv|dequeue|read|fetch)", re.IGNORECASE)
_DEFAULT_RANK = 4
# ... but not a step that moves data into one ("Save to warehouse", "Load into lakehouse"): that is the job.
_WAREHOUSE_LABEL = re.compile(r"^(?!.*\b(?:to|into|from)\s+(?:the\s+)?(?:data\s+)?(?:ware ?house|lake ?house))"
                              r".*(?:ware ?house|lake ?house)", re.IGNORECASE | re.DOTALL)
# Stores that an edge delivers into synchronously, whatever its label: the caller needs them (R1).
_STORES = frozenset({"database", "object_storage", "file_storage", "search"})

def drawn_label(node: Node) -> str:
    """The label as drawn, line breaks included: the C4 name for C4 nodes, the node id when nothing is drawn."""
    return str((node.c4 or {}).get("name") or node.label or node.id)


def display_label(node: Node) -> str:
    """The label people read: the drawn label on one line."""
    return " ".join(drawn_label(node).split())


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
    resolved = {n.id: _resolve(n, role_memo) for n in diagram.nodes}  # read again by the passes below
    _clients_from_labels(diagram, resolved)
    _internet_from_labels(diagram, resolved)
    _client_side_clusters(diagram, resolved)
    _roles_from_arrows(diagram, resolved)
    _the_web_beside_the_users(diagram, resolved)
    if _browser_apps(diagram, resolved):
        # A front end now read as the browser starts the walk of its own cluster: `Cluster("Browser")` holding
        # `React("SPA") - TypeScript("Zustand Stores")` runs the store in each user's browser too.
        _client_side_clusters(diagram, resolved, from_browser=True)
    _queues_from_edge_labels(diagram, resolved)
    _session_stores(diagram, resolved)
    _backups_fed_by_replication(diagram, resolved)
    _replicas_named_for_their_store(diagram, resolved)
    _services_on_request_paths(diagram, resolved)
    _features_on_request_paths(diagram, resolved)
    _external_clusters(diagram, resolved)
    _devices_read(diagram, resolved)
    _telemetry_sinks(diagram, resolved)
    ha_memo: dict[tuple, HA] = {}  # most nodes share class and attributes; lives for this build only
    location_memo: dict[tuple, Location] = {}  # likewise zone and region
    path_memo: dict[tuple, tuple[str, ...]] = {}  # and cluster paths
    stem_memo: dict[str, str] = {}  # and labels
    callers_rank = _network_caller_ranks(diagram, resolved)
    owners = k8s_owners(diagram, resolved) | frozenset(inline_controllers(diagram))
    pods_of = _pods_drawn_under(diagram, owners)
    fronted = fronted_ingresses(diagram, resolved)
    platforms = platforms_over_tasks(diagram)
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
            # A warehouse holds the data it serves; a label that says so counts as much as the class (Hive).
            stateful = role in roles.STATEFUL or (role == "analytics" and (
                n.cls in roles.WAREHOUSE_CLASSES or _WAREHOUSE_LABEL.search(n.label or "") is not None))
        replicas, source = _replicas(n, clusters, members_by_cluster, stateful or role == "cache",
                                     fleet=role in _FLEET_ROLES)
        # Pods drawn under a controller count better than a plural in its name.
        if source in ("default", "label_plural", "label_pattern") and pods_of.get(n.id, 0) >= 2:
            replicas, source = pods_of[n.id], "owned_pods"
        loc = _location(n, locations, location_memo)
        label = display_label(n)
        # The stem reads the label as drawn: an index that ends the name's line ("ECS task 1\n256 CPU") is one.
        drawn = drawn_label(n)
        stem = stem_memo.get(drawn)
        if stem is None:
            stem = stem_memo[drawn] = label_stem(drawn)
        chain = tuple(n.clusters)
        path = path_memo.get(chain)
        if path is None:
            path = path_memo[chain] = tuple(clusters[c].label for c in chain
                                            if c in clusters and c not in placement)
        infos[n.id] = NodeInfo(
            id=n.id, label=label, name=" ".join(drawn.partition("\n")[0].split()) if "\n" in drawn else label,
            stem=stem, cls=n.cls, provider=n.provider, role=role, inferred_role=res.role,
            role_source=res.source, invalid_role=res.invalid_override, rank=rank, stateful=stateful,
            replicas=replicas, replicas_source=source, location=loc, marks=role_marks(label, n.cls),
            ha=(_BORROWED_HA if res.source == "placement" else _INGRESS_RULES_HA if n.id in fronted
                else _PLATFORM_HA if n.id in platforms
                else _JUNCTION_HA if is_junction(n) else _ha(n, role, ha_memo, path)),
            analysis=MappingProxyType(dict(a)) if a else _NO_ANALYSIS,
            cluster_path=path, file=n.file, line=n.line, c4=n.c4 is not None,
        )
    return infos


_JUNCTION_HA = HA("managed", elastic=True, basis="a blank node drawn only to route edges: nothing runs there [H]")


def is_junction(n: Node) -> bool:
    """`Node("", shape="plaintext", width="0")`: a point where edges meet for the layout, not a component."""
    a = n.attrs
    return not (n.label or "").strip() and "role" not in n.analysis and (
        str(a.get("shape", "")).lower() in ("plaintext", "plain", "point", "none")
        or str(a.get("width", "")).strip() in ("0", "0.0") or str(a.get("height", "")).strip() in ("0", "0.0"))


# Providers whose managed databases and caches the MANAGED_HA table conditions on a hint (multi_az=, tier=).
_HA_LABEL_PROVIDERS = frozenset({"aws", "gcp", "azure"})
_HA_KEYS = ("managed_ha", "tier", "storage_class", "multi_az", "zone", "redundancy")


def _ha(n: Node, role: str, memo: dict[tuple, HA], places: tuple[str, ...]) -> HA:
    # A placeholder box (`TraditionalServer("Database server")`) is a machine of one's own, not the cloud's service.
    provider = "generic" if (n.provider, n.cls) in roles.PLACEHOLDER_ICONS else n.provider
    cloud = provider in _HA_LABEL_PROVIDERS
    label_ha = label_says_ha(n.label) if cloud else False
    self_hosted = self_hosted_product(n.label, role) if cloud else None
    hosted = hosted_service(n.label, role, n.cls) if not cloud else None
    hosted = f"its label names {hosted}" if hosted else edge_vendor(places, role, n.label)
    host = serverless_host(n.cls, n.provider, places) or serverless_note(n.cls, n.provider, n.label)
    cls = k8s_kind(n) or n.cls
    if n.provider == "k8s" and cls in K8S_OBJECTS and _A_SERVER.search(roles.words(n.label or "")):
        return _SERVER_ON_AN_OBJECT_ICON
    connector = None if "managed_ha" in n.analysis else own_edge_connector(n.provider, places, role)
    if connector:
        return HA("single", basis=f"a vendor's edge icon {connector}: its connector (cloudflared) run as one "
                                  "instance (managed_ha=\"true\" if it is the vendor's network)", guessed=True)
    key = (provider, cls, role, n.c4 is not None, label_ha, self_hosted, hosted, host) + tuple(
        n.analysis.get(k) for k in _HA_KEYS)
    found = memo.get(key)
    if found is None:
        found = memo[key] = node_ha(provider, cls, role, n.analysis, c4=n.c4 is not None, label_ha=label_ha,
                                    self_hosted=self_hosted, hosted=hosted, host=host)
    return found


# Labels that name a Kubernetes object kind: `Pod("Service")` in front of a Deployment is the Service (a virtual
# IP with no instance to lose), drawn with the icon at hand [H, issue 13].
_K8S_KIND_LABELS = {"service": "SVC", "svc": "SVC", "k8s service": "SVC", "kubernetes service": "SVC",
                    "cluster ip": "SVC", "clusterip": "SVC", "clusterip service": "SVC", "cluster ip service": "SVC",
                    # ... and `StorageClass("ConfigMaps")`, `StorageClass("Sealed Secrets")`: configuration the API
                    # server keeps, not a volume with data of its own (holdout100 `maaelattar`).
                    **dict.fromkeys(("configmap", "configmaps", "config map", "config maps"), "CM"),
                    **dict.fromkeys(("secret", "secrets", "sealed secret", "sealed secrets", "k8s secrets",
                                     "kubernetes secrets"), "Secret")}
_K8S_KIND_MODULES = {"SVC": "network", "CM": "podconfig", "Secret": "podconfig"}
# ... but a server drawn with their icons is one: `Secret("HashiCorp Vault")`, `ConfigMap("Config Server")`.
_A_SERVER = re.compile(r"\b(?:vault|servers?|services?|api|daemon)\b")
_SERVER_ON_AN_OBJECT_ICON = HA("single", basis="a server drawn with a Kubernetes Secret or ConfigMap icon (its label "
                                               "names it): one instance unless more are drawn", guessed=True)


def k8s_kind(n: Node) -> str | None:
    """The Kubernetes class a k8s icon's label names when it is another kind's icon, else None."""
    if n.provider != "k8s" or "role" in n.analysis:
        return None
    kind = _K8S_KIND_LABELS.get(roles.words(n.label))
    if kind in K8S_OBJECTS and n.module not in ("storage", "podconfig"):
        return None  # `Deployment("Secrets")`, `Pod("Secrets")`: a workload named for what it serves
    return kind if kind is not None and kind != n.cls else None


def _resolve(n: Node, memo: dict[tuple, roles.RoleResolution]) -> roles.RoleResolution:
    kind = k8s_kind(n)
    if kind is not None:
        return roles.RoleResolution(roles.class_role("k8s", _K8S_KIND_MODULES[kind], kind), "label")
    # Most nodes share a class; the memo lives for one build only (no global state).
    c4 = tuple(sorted((n.c4 or {}).items()))
    # The label takes part where it can decide the role: custom and generic icons, bare nodes, unknown classes.
    label = n.label if (n.provider in ("custom", "generic", "programming", None)
                        or (n.provider, n.cls) in roles.PLACEHOLDER_ICONS
                        or roles.class_role(n.provider, n.module, n.cls) in _LABEL_DECIDES
                        or roles.class_role(n.provider, n.module, n.cls) in roles.AUXILIARY_ROLES
                        or roles.label_overrides_class(n.label)
                        or (n.provider, n.cls) in roles.CONTAINER_ICONS
                        or n.cls in _INTERNET_ICONS) else None
    icon = n.icon.path if n.provider == "custom" and n.icon is not None else None  # read when the label is silent
    key = (n.provider, n.module, n.cls, n.analysis.get("role"), c4, label, icon)
    found = memo.get(key)
    if found is None:
        found = memo[key] = roles.resolve_role(n)
    return found


# The internet's icons (on-prem's and AWS's two): the label says whether it is the users' side or a service out there.
_INTERNET_ICONS = frozenset({"Internet", "InternetAlt1", "InternetAlt2"})
# Class roles whose nodes may take their role from the label: unknown classes and multi-purpose stores (Redis).
_LABEL_DECIDES = frozenset({"unknown"}) | frozenset(roles.MULTI_PURPOSE)
_LABEL_CLIENT_FROM = frozenset({"unknown", "service", "compute"})
_SIGN_IN_LABEL = re.compile(r"\b(?:auth0|okta|cognito|keycloak|sso|login|sign ?in|oauth|openid|identity provider|"
                            r"idp|firebase auth|clerk|supabase auth)\b")
_AUDIENCE_DEVICE = re.compile(r"\b(?:speakers?|sonos|headphones?|earbuds?|tvs?|televisions?|laptops?|smart ?phones?|"
                              r"phones?|iphones?|ipads?|tablets?)\b")
_SERVER_WORDS = re.compile(r"\b(?:service|services|server|servers|api|backend|db|database)\b")


def call_maps(diagram: Diagram, linked: bool = False) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(callers, calls) of each node by the drawn arrows; with `linked`, an undirected line counts as a call
    both ways."""
    callers: dict[str, set[str]] = defaultdict(set)
    calls: dict[str, set[str]] = defaultdict(set)
    for e in diagram.edges:
        if e.dir in ("forward", "back"):
            callers[e.callee].add(e.caller)
            calls[e.caller].add(e.callee)
        elif linked:
            calls[e.caller].add(e.callee)
            calls[e.callee].add(e.caller)
    return callers, calls


def _telemetry_sinks(diagram: Diagram, resolved: dict[str, roles.RoleResolution]) -> None:
    """A box named only for the telemetry it takes (`FastAPI("Metrics\\n/api/stats")`, "Logging", "Monitoring
    endpoint") that only the application's services send to and that sends nothing on is where they report, not a
    step of the request, whatever icon it has [issue 13]. Not when users, a balancer or a gateway reach it (an
    ingest API of a telemetry product, a runner's "Metrics\\nheart rate, pace"), nor when it passes data on."""
    boxes = [n for n in diagram.nodes if resolved[n.id].role in ("compute", "service") and "role" not in n.analysis
             and roles.telemetry_box(drawn_label(n))]
    if not boxes:
        return
    callers, calls = call_maps(diagram)
    for n in boxes:
        if not calls[n.id] and callers[n.id] and all(resolved[c].role in _REPORTERS for c in callers[n.id]):
            resolved[n.id] = roles.RoleResolution("observability", "label", resolved[n.id].invalid_override)


# What reports telemetry: the application's own services.
_REPORTERS = frozenset({"compute", "service", "ml", "workflow"})


_SERVING_ROLES = frozenset({"load_balancer", "cdn", "edge_security", "object_storage"})


def _clients_from_labels(diagram: Diagram, resolved: dict[str, roles.RoleResolution]) -> None:
    """Custom and generic nodes labelled as clients ("Client", "Web Browser", "End users") with no caller drawn
    into them are clients (R4). A one-way edge into the node from something it does not call back means it
    serves requests, so it stays a service; a reply drawn back to it does not count."""
    # Weak icons (custom, generic, unknown) whose label mentions an audience; and any compute-like icon whose whole
    # label is one ("Users", "User A", `Pod("Clients")`): an icon drawn for its looks does not make a server.
    phrase = {n.id for n in diagram.nodes
              if resolved[n.id].role in _LABEL_CLIENT_FROM and resolved[n.id].source not in ("override", "c4")
              and "role" not in n.analysis and roles.client_phrase(display_label(n))}
    candidates = phrase | {n.id for n in diagram.nodes
                           if resolved[n.id].source in ("label", "unknown") and resolved[n.id].role in _LABEL_CLIENT_FROM
                           and "role" not in n.analysis and roles.label_client(display_label(n))}
    if not candidates:
        return
    by_id = {n.id: n for n in diagram.nodes}

    def sign_in(nid: str) -> bool:
        return resolved[nid].role == "identity" or (resolved[nid].role == "external_saas" and bool(
            _SIGN_IN_LABEL.search(roles.words(display_label(by_id[nid])))))

    callers, calls = call_maps(diagram)
    # A sign-in provider drawn into the client (`Custom("Auth0") >> Custom("Web Client")`) is the login redirect,
    # not a request the client serves.
    clients = {nid for nid in candidates
               if not any(c not in calls[nid] and not (nid in phrase and sign_in(c)) for c in callers[nid])}
    # Browser code labelled as the browser (`React("Browser")`) that calls the system is where users are: what the
    # system it calls sends back into it (`WebSocket >> Edge(label="real-time update") >> browser`) is a push, not
    # a request. A proxy, balancer or server in front of it (`nginx >> React("client")`) serves it.
    for nid in phrase:
        if by_id[nid].cls in roles.FRONTEND_CLASSES and calls[nid] and nid not in clients:
            behind = reached([nid], calls)
            if all(c in behind and resolved[c].role not in _SERVING_ROLES for c in callers[nid] - calls[nid]):
                clients.add(nid)
    # A player device a stream is pushed to (`app >> [Custom("Sonos System"), Custom("Laptop")]`) is an audience:
    # it calls nothing and is the end of the push, not a capability [issue 13].
    clients |= {n.id for n in diagram.nodes if not calls[n.id] and callers[n.id] and resolved[n.id].role in
                _LABEL_CLIENT_FROM and resolved[n.id].source in ("label", "unknown") and "role" not in n.analysis
                and _AUDIENCE_DEVICE.search(roles.words(display_label(n)))
                and not _SERVER_WORDS.search(roles.words(display_label(n)))}
    # A client machine only users reach (`user >> ComputeEngine("Client_machine")`) is where they work, not a
    # server they call: the arrow is a person at a keyboard; a CDN or bucket drawn into `Vue("Client")` delivers
    # its files [issue 13].
    users = clients | {n.id for n in diagram.nodes if resolved[n.id].role == "client"}
    delivery = {n.id for n in diagram.nodes if resolved[n.id].role in ("cdn", "object_storage")}
    grown = True
    while grown:
        more = {nid for nid in phrase - users if callers[nid] & users and callers[nid] <= users | delivery}
        clients |= more
        users |= more
        grown = bool(more)
    # "User B", drawn only receiving a push, is an audience like its sibling "User A" that sends the request.
    stems = {label_stem(display_label(n)) for n in diagram.nodes if n.id in clients}
    clients |= {n.id for n in diagram.nodes if n.id in phrase and label_stem(display_label(n)) in stems}
    for nid in clients:
        resolved[nid] = roles.RoleResolution("client", "label")


def _internet_from_labels(diagram: Diagram, resolved: dict[str, roles.RoleResolution]) -> None:
    """`Apache("Internet") >> firewall`: a server icon whose whole label is the internet, with nothing calling it
    (a reply drawn back aside), is where requests come from, drawn with the icon at hand [issue 13]."""
    named = [n for n in diagram.nodes
             if any(w in (n.label or "").lower() for w in ("internet", "world wide web"))  # cheap before words()
             and resolved[n.id].role in _LABEL_CLIENT_FROM and resolved[n.id].source not in ("override", "c4")
             and "role" not in n.analysis and _INTERNET_PHRASE.match(roles.words(display_label(n)))]
    if not named:
        return
    callers, calls = call_maps(diagram)
    for n in named:
        if not callers[n.id] - calls[n.id]:
            resolved[n.id] = roles.RoleResolution("internet", "label")


# Not "www": `Server("www")` is the web host of a DMZ.
_INTERNET_PHRASE = re.compile(r"^(?:the )?(?:internet|world wide web)$")


def _roles_from_arrows(diagram: Diagram, resolved: dict[str, roles.RoleResolution]) -> None:
    """Roles the arrows decide [issue 13]: a picture of a person called by a server is a service; an Internet icon
    named for data that sends to the front door is where users come from, and one the design only calls is a
    service on the internet (source "called"); and a node that says nothing of itself (a Custom icon named
    "GAME"), that nothing calls and that sends only to the front door a drawn client uses (`[Custom("WALLET",
    "./Android-IOS.png"), Custom("GAME", "./game.png")] >> waf >> api_gateway`), is another client: servers are
    behind the front door, not beside the clients (source "peer")."""
    pictured = [n for n in diagram.nodes if resolved[n.id].source == "icon" and resolved[n.id].role == "client"]
    doors = {n.id for n in diagram.nodes if resolved[n.id].role in USER_FACING}
    nets = [n for n in diagram.nodes if n.cls in _INTERNET_ICONS and "role" not in n.analysis]
    peers = [n for n in diagram.nodes if resolved[n.id].source == "unknown" and "role" not in n.analysis]
    if not pictured and not nets and not (doors and peers):
        return  # at 10,000 nodes the call maps below cost more than the rest of this pass
    callers, calls = call_maps(diagram)  # drawn arrows only: `nginx - Custom("Nextcloud")` is its backend
    # Monitoring fails open: a probe's arrows decide nothing.
    aux = {n.id for n in diagram.nodes if resolved[n.id].role in roles.AUXILIARY_ROLES}
    if aux:
        callers = defaultdict(set, {k: v - aux for k, v in callers.items()})
        calls = defaultdict(set, {k: v - aux for k, v in calls.items()})
    # A person or a phone on a Custom node's icon says who it serves when a server calls it and it calls on
    # (`nginx >> Custom("Directory", "./people.png") >> hr_db`): a service then, as a label would say. Replies,
    # pushes from a queue or a web front end, and a stream ending at a laptop (`app >> Custom("Laptop",
    # "laptop.png")`) do not count.
    front_ends = {n.id for n in diagram.nodes if n.cls in roles.FRONTEND_CLASSES} if pictured else set()
    for n in pictured:
        if calls[n.id] and any(c not in calls[n.id] and c not in front_ends and resolved[c].role not in (
                "client", "queue") for c in callers[n.id]):
            resolved[n.id] = roles.RoleResolution("unknown", "unknown")
    # An Internet icon named for a source of data that sends to the front door is where users come from after
    # all (`Internet("Source") >> waf >> elb`); one that the design calls and that sends nothing is a service out
    # there (`lambda >> Internet("Copernicus Marine Service")`), not its users.
    for n in nets:
        if resolved[n.id].role == "external_saas" and resolved[n.id].source == "label" and calls[n.id] & doors:
            resolved[n.id] = roles.RoleResolution("internet", "keyword")
        elif (resolved[n.id].role == "internet" and not calls[n.id]
              and any(resolved[c].role not in ("client", "internet") for c in callers[n.id])):
            resolved[n.id] = roles.RoleResolution("external_saas", "called")
    used = {d for n in diagram.nodes if resolved[n.id].role == "client" for d in calls[n.id] & doors}
    if not used:
        return
    for n in peers:
        if resolved[n.id].source == "unknown" and not callers[n.id] and calls[n.id] and calls[n.id] <= used:
            resolved[n.id] = roles.RoleResolution("client", "peer")


def _the_web_beside_the_users(diagram: Diagram, resolved: dict[str, roles.RoleResolution]) -> None:
    """An internet node drawn beside the users, not in front of them, whose every arrow is one of a two-way pair
    with a component that the drawing says fetches from it (`llama_index >> Edge(label="receives unstructured
    data") >> internet >> Edge(label="searches for data") >> llama_index`, or a "crawler" or "scraper" two-way with
    it), the users drawn calling elsewhere (`Researcher >> chatbot`), is the web those components read, not a
    second door for users (source "fetched"). Not when a client or a front door (load balancer, gateway, CDN, DNS,
    WAF) is among its partners, nor when nothing says fetching: a site's "HTTPS requests" and "responses", a
    webhook, inbound mail or a tunnel connector are users' or partners' requests coming in [issue 13]."""
    nets = [n for n in diagram.nodes if resolved[n.id].role == "internet" and "role" not in n.analysis
            and resolved[n.id].source not in ("override", "c4")]
    if not nets:
        return
    callers, calls = call_maps(diagram)
    # Users drawn where they come in: a client that calls something (a "Users" icon with no arrow is a legend).
    if not any(resolved[n.id].role == "client" and calls[n.id] for n in diagram.nodes):
        return
    said: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in diagram.edges:
        said[(e.caller, e.callee)].append(e.label or "")
    labels = {n.id: display_label(n) for n in diagram.nodes}
    for n in nets:
        partners = callers[n.id]
        if (partners and partners == calls[n.id]
                and all(resolved[p].role not in USER_FACING and resolved[p].role not in ("client", "internet")
                        and _FETCHING.search(roles.words(" ".join([labels[p], *said[(p, n.id)], *said[(n.id, p)]])))
                        for p in partners)):
            resolved[n.id] = roles.RoleResolution("external_saas", "fetched")


# Words that say a component reads the web: it searches, crawls, scrapes, downloads or retrieves, or receives data.
_FETCHING = re.compile(r"\b(?:search(?:es|ing)?|fetch(?:es|ing|ers?)?|crawl(?:s|ing|ers?)?|scrap(?:es|ing|ers?)|"
                       r"download(?:s|ing|ers?)?|retriev(?:es?|ing|ers?|als?)|harvest(?:s|ing|ers?)?|spiders?|"
                       r"(?:receives?|gets?|collects?|gathers?|pulls?) (?:\w+ )?data)\b")


# Control-plane and console icons a drawing may use for a service of its own (a generated docker-compose drawing
# picks `k8s.controlplane.API` for its `api` container and `SecurityHub` for a realtime hub).
_BORROWED_ICON_ROLES = frozenset({"management"})


_INGRESS_RULES_HA = HA("managed", elastic=True, basis="a Kubernetes Ingress behind its controller is routing rules "
                                                      "that the controller serves; the controller is the instance [H]")


def _devices_read(diagram: Diagram, resolved: dict[str, roles.RoleResolution]) -> None:
    """A hardware device that the software reads or drives and that calls nothing (`opencv >> Server("USB
    Webcam")`) is outside the software: not a component to run twice, so not its single point of failure. A
    device that sends (a sensor as a source) stays what it is drawn as; the entries read it as a device."""
    found = [n.id for n in diagram.nodes
             if resolved[n.id].role in _DEVICE_FROM and resolved[n.id].source not in ("override", "c4")
             and n.provider in _DEVICE_ICONS and roles.hardware_label(display_label(n))]
    if not found:
        return
    callers, calls = call_maps(diagram)
    for nid in found:
        if callers[nid] and not calls[nid]:
            resolved[nid] = roles.RoleResolution("external_saas", "label")


_DEVICE_FROM = frozenset({"compute", "service", "unknown", "network"})
# Icons that may stand for a box of hardware; a cloud VM or a pod labelled "cameras" is software.
_DEVICE_ICONS = frozenset({"onprem", "generic", "custom", "programming", None})


# Container platforms: a service icon that stands for the scheduler and the tasks or pods it runs.
_PLATFORM_CLASSES = frozenset({
    ("aws", "ElasticContainerService"), ("aws", "ECS"), ("aws", "ElasticContainerServiceService"), ("aws", "Fargate"),
    ("aws", "ElasticKubernetesService"), ("aws", "EKS"), ("azure", "KubernetesServices"), ("azure", "AKS"),
    ("azure", "ContainerApps"), ("gcp", "KubernetesEngine"), ("gcp", "GKE"),
})
# ... and the instances such a platform runs (an ECS service icon behind it is a service of its own), also drawn
# with a platform icon labelled as a task (_is_task).
_TASK_CLASSES = frozenset({("aws", "ElasticContainerServiceContainer"), ("aws", "ElasticContainerServiceTask"),
                           ("k8s", "Pod"), ("azure", "ContainerInstances"), ("onprem", "Docker")})
# The label names the platform ("ECS Fargate", "EKS cluster"), not an application on it ("API service"); hints
# about instances (`managed_ha=`, `replicas=`, `tier=`) are read as usual.
_PLATFORM_LABEL = re.compile(r"\b(?:ecs|fargate|eks|aks|gke|kubernetes|k8s|cluster|container apps?)\b")
_ONE_HOST = re.compile(r"\bsingle\b|\b(?:one|1) (?:ec2 )?(?:host|node|instance|vm)\b")
_PLATFORM_HINTS = frozenset({"managed_ha", "replicas", "tier", "multi_az"})
_PLATFORM_HA = HA("managed", elastic=True, basis="a container platform drawn in front of the tasks it runs: the "
                                                 "provider runs its scheduler, and the drawn tasks are the "
                                                 "instances [H]")


# A platform icon labelled as what it runs: `Fargate("task (AZ a)")` is one task.
_TASK_LABEL = re.compile(r"\b(?:tasks?|containers?|pods?|replicas?)\b")


def _is_task(n: Node) -> bool:
    return (n.provider, n.cls) in _TASK_CLASSES or (
        (n.provider, n.cls) in _PLATFORM_CLASSES and bool(_TASK_LABEL.search(roles.words(n.label or ""))))


def _names_the_platform(label: str) -> bool:
    spaced = roles.words(label)
    return bool(_PLATFORM_LABEL.search(spaced)) and not _ONE_HOST.search(spaced)


def platforms_over_tasks(diagram: Diagram) -> frozenset[str]:
    """Container platform icons whose every drawn call goes to two or more look-alike tasks, containers or pods
    (`alb >> ECS("ECS Fargate") >> [Container("Task 1"), Container("Task 2")]`): the platform stands for the
    service those tasks make up, so it is not one instance in front of them; the tasks carry the redundancy
    [issue 13]."""
    candidates = [n for n in diagram.nodes if (n.provider, n.cls) in _PLATFORM_CLASSES
                  and not _PLATFORM_HINTS & set(n.analysis) and _names_the_platform(n.label or "")]
    if not candidates:
        return frozenset()
    wanted = {n.id for n in candidates}
    calls: dict[str, set[str]] = defaultdict(set)  # of the candidates only: call_maps costs more at 10,000 nodes
    for e in diagram.edges:
        if e.dir in ("forward", "back") and e.caller in wanted:
            calls[e.caller].add(e.callee)
    by_id = {n.id: n for n in diagram.nodes}
    found = set()
    for n in candidates:
        callees = [by_id[c] for c in calls[n.id] if c in by_id]
        if (len(callees) >= 2 and len({(c.provider, c.cls) for c in callees}) == 1 and all(map(_is_task, callees))
                and len({label_stem(drawn_label(c)) for c in callees}) == 1 and label_stem(drawn_label(callees[0]))):
            found.add(n.id)
    return frozenset(found)


def fronted_ingresses(diagram: Diagram, resolved: Mapping[str, roles.RoleResolution]) -> frozenset[str]:
    """Kubernetes Ingress objects drawn behind a proxy or load balancer (`Service("traefik") >> Ingress("app")`):
    the proxy drawn in front is the ingress controller, and the Ingress its routing rules, no instance of its
    own [H, issue 13]. An Ingress drawn first (`Ingress("domain.com") >> Service(...)`), or labelled as the
    controller (`Ing("nginx-ingress controller")`), stands for the controller and counts as one instance."""
    ingresses = {n.id for n in diagram.nodes if n.provider == "k8s" and n.cls == "Ing" and "managed_ha" not in
                 n.analysis and "controller" not in roles.words(n.label).split()}  # "nginx-ingress controller"
    if not ingresses:
        return frozenset()
    return frozenset(e.callee for e in diagram.edges
                     if e.dir in ("forward", "back") and e.callee in ingresses and e.caller in resolved
                     and resolved[e.caller].role in ("load_balancer", "api_gateway") and e.caller not in ingresses)


_BORROWED_HA = HA("single", basis="a service drawn with a management icon: one instance as drawn [H]")


def _services_on_request_paths(diagram: Diagram, resolved: dict[str, roles.RoleResolution]) -> None:
    """A node whose management icon is all that makes it auxiliary, whose label names no role, and which is
    drawn called by a request-path node and calling one (`nginx >> API("api") >> Mysql("db")`) is a service
    drawn with a borrowed icon: read as one, and findings on it say so (source "placement") [H, issue 13].
    Repeated until nothing changes, so two such services drawn calling each other both count."""
    candidates = {n.id: n for n in diagram.nodes
                  if resolved[n.id].role in _BORROWED_ICON_ROLES and resolved[n.id].source not in ("override", "c4")
                  and "role" not in n.analysis and (n.provider != "k8s" or n.module == "controlplane")
                  and roles.label_role(display_label(n)) in (None, "compute", "service")}
    if not candidates:
        return
    calls: dict[str, set[str]] = defaultdict(set)
    callers: dict[str, set[str]] = defaultdict(set)
    for e in diagram.edges:
        if e.dir in ("forward", "back") and e.caller in resolved and e.callee in resolved:
            calls[e.caller].add(e.callee)
            callers[e.callee].add(e.caller)

    def request(nid: str) -> bool:
        return resolved[nid].role not in roles.AUXILIARY_ROLES and resolved[nid].role != "unknown"

    changed = True
    while changed:
        changed = False
        for nid in list(candidates):
            if any(request(c) for c in callers[nid]) and any(request(c) for c in calls[nid]):
                resolved[nid] = roles.RoleResolution("service", "placement")
                del candidates[nid]
                changed = True


# An edge labelled with a route of the application's API ("/api/logs", "GET /v1/dashboard"): the request a user
# makes, routed to the component that serves it.
_API_ROUTE = re.compile(r"^\s*(?:(?:get|post|put|patch|delete)\s+)?/(?:api|v\d+)(?:/|\b)", re.IGNORECASE)


def _staff(text: str) -> bool:
    """A client label naming the people who build, run or analyse the system: their screens are monitoring."""
    return bool(roles.BUILDER_LABEL.search(text) or roles.OPERATOR_LABEL.search(text) or _ANALYSTS.search(text))


_ANALYSTS = re.compile(r"\b(?:analysts?|teams?|staff)\b")


def _features_on_request_paths(diagram: Diagram, resolved: dict[str, roles.RoleResolution]) -> None:
    """A node that only its label makes monitoring or tooling ("Logs :5003", "Dashboard" on a Node.js or Python
    icon) is a part of the product when the drawing puts it on a request path: a request-path node calls it over
    an edge labelled with an API route (`gateway >> Edge(label="/api/logs") >> logs`), or, for monitoring words,
    a request-path node calls it and it calls one of the application's services (`ingress >> Python("Dashboard")
    >> api`: a monitoring screen reads monitoring, not the API), or users call it straight from their browsers
    (`Users("Users\n(browser)") >> Nodejs("traffic-dashboard\n:3002")`: the product is a dashboard). Read as a
    service (source "feature"). A monitoring product by name (Grafana) stays monitoring whatever reaches it, and
    what operators or engineers open is theirs [H, issue 13]."""
    def request(r: roles.RoleResolution | None) -> bool:
        return r is not None and r.role not in roles.AUXILIARY_ROLES and r.role not in (
            "unknown", "client", "internet")

    routed, called, calls, users = set(), set(), set(), set()
    for e in diagram.edges:
        if e.dir not in ("forward", "back"):
            continue
        callee, caller = resolved.get(e.callee), resolved.get(e.caller)
        if callee is not None and callee.role in roles.AUXILIARY_ROLES and callee.source == "label" and request(caller):
            (routed if _API_ROUTE.match(e.label or "") else called).add(e.callee)
        if (caller is not None and caller.role == "observability" and caller.source == "label" and callee is not None
                and callee.role in ("service", "compute", "api_gateway")):
            calls.add(e.caller)
        if (callee is not None and callee.role == "observability" and callee.source == "label" and caller is not None
                and caller.role == "client"
                and not _staff(roles.words(display_label(diagram.node(e.caller))))):
            users.add(e.callee)
    for nid in sorted(routed | (called & calls) | users):
        node = diagram.node(nid)
        if "role" not in node.analysis and not roles.observability_product(node.label or ""):
            resolved[nid] = roles.RoleResolution("service", "feature")


_JOBS_OUT = re.compile(r"\b(?:jobs?|tasks?|work items?)\b(?! results?\b)")
_QUEUE_EDGE = re.compile(r"\b(?:queue|queues|queued|enqueue|enqueues|enqueued|push jobs?|task queue)\b")


def _backups_fed_by_replication(diagram: Diagram, resolved: dict[str, roles.RoleResolution]) -> None:
    """`payroll_db >> Edge(label="async replication") >> MySQL("Backup DB Server")`: a store its label calls a
    backup, fed by replication from a store of its class, is the replica kept in sync, not a copy kept for restores
    (source "edge_label") [issue 13]."""
    by_id = {n.id: n for n in diagram.nodes}
    for e in diagram.edges:
        if e.dir not in ("forward", "back") or not e.label or not _REPLICATION_LABEL.search(e.label):
            continue
        copy, source = by_id.get(e.callee), by_id.get(e.caller)
        if copy is None or source is None or copy.cls != source.cls or resolved[copy.id] != _BACKUP_COPY:
            continue
        role = roles.class_role(copy.provider, copy.module, copy.cls)
        if role in roles.STATEFUL and resolved[source.id].role == role:
            resolved[copy.id] = roles.RoleResolution(role, "edge_label")


_BACKUP_COPY = roles.RoleResolution("tooling", "label")


def replica_of(replica: Node | NodeInfo, store: Node | NodeInfo) -> bool:
    """True when `replica`'s label names it a copy of `store`: its label or class name, then a replica word
    ("session replica" of `ElastiCache("session")`, "RDS replica" of `RDS("users")`, "PostgreSQL standby")."""
    found = _REPLICA_NAME.fullmatch(roles.words(replica.label or ""))
    names = {roles.words(store.label or ""), roles.words(store.cls)} - {""}
    # "postgre sql" and "postgresql" name one product: compare without spaces too.
    return found is not None and found.group(1).replace(" ", "") in {n.replace(" ", "") for n in names}


_REPLICA_NAME = re.compile(r"(.+?) (?:read )?(?:replicas?|standby|secondary|mirror)(?: \d+)?")


def _replicas_named_for_their_store(diagram: Diagram, resolved: dict[str, roles.RoleResolution]) -> None:
    """`ElastiCache("session") - Storage("session replica")`: a node drawn joined to a store, whose label names it
    that store's replica, is a copy of the store, whatever icon stands for it (its role is the store's; the edge
    between them is replication, `_early_kind`) [issue 13]."""
    by_id = {n.id: n for n in diagram.nodes}
    for e in diagram.edges:
        for a, b in ((e.tail, e.head), (e.head, e.tail)):
            store, copy = by_id.get(a), by_id.get(b)
            # Only a placeholder icon takes the store's role: `Redis("products mirror")` or `Redshift("orders
            # replica")` are a cache and a warehouse of their own, whatever their labels say.
            if (store is None or copy is None or "role" in copy.analysis or not _placeholder(copy)
                    or resolved[a].role not in _REPLICATED_ROLES or resolved[b].role == resolved[a].role
                    or resolved[b].source in ("override", "c4") or not replica_of(copy, store)):
                continue
            resolved[b] = roles.RoleResolution(resolved[a].role, "label")


_REPLICATED_ROLES = roles.STATEFUL | {"cache"}


def _placeholder(n: Node) -> bool:
    """An icon that draws nothing specific: custom, generic, bare or on-prem's server box."""
    return n.provider in ("custom", "generic", None) or (n.provider, n.cls) in roles.PLACEHOLDER_ICONS


def _queues_from_edge_labels(diagram: Diagram, resolved: dict[str, roles.RoleResolution]) -> None:
    """A Redis-like store (class role cache) that an edge labelled as queueing writes into
    (`app >> Edge(label="Queue click for storage") >> Redis("Redis")`) and that something takes work out of is
    the queue the drawing uses it as [H, issue 13]. So is one drawn between a writer and workers that only it
    feeds (`n8n_main >> ElastiCache("Redis") >> EC2("n8n workers")`): a cache answers its callers, it calls no one.
    Not Memcached (no queue), nor a store whose label or edges name a cache's use (lookup, miss, sessions), nor
    readers that are not named as workers (`web >> redis >> api` may be a cache-aside chain)."""
    stores = {n.id for n in diagram.nodes if resolved[n.id].role in roles.MULTI_PURPOSE
              and resolved[n.id].source not in ("override", "c4", "label") and "role" not in n.analysis}
    if not stores:
        return
    queued, drained = set(), set()
    writers: dict[str, set[str]] = defaultdict(set)
    readers: dict[str, set[str]] = defaultdict(set)
    for e in diagram.edges:
        if e.dir not in ("forward", "back"):
            continue
        if e.callee in stores and _QUEUE_EDGE.search(roles.words(e.label or "")):
            queued.add(e.callee)
        if e.callee in stores and e.caller in resolved and resolved[e.caller].role in ("compute", "service"):
            writers[e.callee].add(e.caller)
        if e.caller in stores and e.callee in resolved and resolved[e.callee].role in ("compute", "service"):
            drained.add(e.caller)
            readers[e.caller].add(e.callee)
        for end in (e.caller, e.callee):  # "1. lookup", "cache miss": the arrows say it is used as a cache
            if end in stores and e.label and _CACHE_USE.search(roles.words(e.label)):
                readers.pop(end, None)
                writers[end].clear()
            if _JOBS_OUT.search(roles.words(e.label or "")):
                queued.add(e.caller)  # `redis >> Edge(label="Jobs") >> worker`: the label says what is queued
    if readers:
        by_id = {n.id: n for n in diagram.nodes}
        linked: dict[str, set[str]] = defaultdict(set)  # every node's neighbours by any edge into it, lines too
        for e in diagram.edges:
            linked[e.callee].add(e.caller)
            if e.dir not in ("forward", "back"):
                linked[e.caller].add(e.callee)
        queued |= {nid for nid, fed in readers.items()
                   if writers[nid] and not writers[nid] & fed and by_id[nid].cls != "Memcached"
                   and not _CACHE_USE.search(roles.words(by_id[nid].label or ""))
                   and all(linked[r] == {nid} and _WORKER_LABEL.search(roles.words(by_id[r].label or ""))
                           for r in fed)}
    for nid in queued & drained:
        resolved[nid] = roles.RoleResolution("queue", "edge_label")


# ... a product's name aside ("ElastiCache", "Azure Cache for Redis")
_CACHE_USE = re.compile(r"\b(?:(?<!elasti )(?<!azure )cach\w*(?! for redis)|lookups?|hits?|miss(?:es)?|reads?|get|"
                        r"sessions?|presence)\b")
_WORKER_LABEL = re.compile(r"\b(?:workers?|consumers?|processors?|jobs?|runners?|subscribers?|listeners?)\b")


def _session_stores(diagram: Diagram, resolved: dict[str, roles.RoleResolution]) -> None:
    """`Redis("Redis\n(Sessions)")`, `Memcached("session db")`, `api >> Edge(label="Cache + Sessions") >> redis`,
    `Redis("redis\n(pub/sub + presence)")`: a cache icon that its label or an arrow into it says keeps the users'
    sessions (or its label, who is online) holds them, not copies of rows a database also has; losing it logs
    everyone out, so it is a store (REP001 when single, stated as read from the label or the arrow), not a cache in
    front of a store (CACHE002). Not "cached sessions" or "sessions cached from Postgres", nor look-alikes drawn
    together ("sessions-1".."sessions-3" in a "Redis Cluster") or a pair drawn joined (the official example's
    `Redis("session") - Redis("replica")`), which stay the replicated cache they are read as [issue 13]."""
    caches = {n.id: n for n in diagram.nodes if resolved[n.id].role == "cache" and "role" not in n.analysis
              and resolved[n.id].source not in ("override", "c4")}
    if not caches:
        return
    said = {e.callee for e in diagram.edges if e.callee in caches and e.dir in ("forward", "back")
            and "ession" in (e.label or "") and _SESSIONS.search(roles.words(e.label))}
    named = {nid for nid, n in caches.items() if ("ession" in (n.label or "") or "resence" in (n.label or ""))
             and _KEPT_HERE.search(roles.words(n.label))}
    found = named | said
    if not found:
        return  # the cheap look first: at 10,000 nodes the stems below cost more than the rest of this pass
    classes = {caches[nid].cls for nid in found}
    stems: dict[tuple[str, str], int] = defaultdict(int)
    for n in caches.values():
        if n.cls in classes:
            stems[(n.cls, label_stem(display_label(n)))] += 1
    # A pair drawn joined (`Redis("session") - Redis("replica")` in "Sessions HA") is read as a replicated cache.
    paired = {x for e in diagram.edges for x, y in ((e.tail, e.head), (e.head, e.tail))
              if x in found and y in caches and x != y and caches[x].cls == caches[y].cls}
    for nid in sorted(found - paired):
        n = caches[nid]
        if stems[(n.cls, label_stem(display_label(n)))] == 1:
            resolved[nid] = roles.RoleResolution("database", "label" if nid in named else "sessions")


# "Sessions", "session db", "Cache + Sessions"; not "Sticky Sessions", "Session Manager", a "session cache",
# "cached sessions", or an arrow that invalidates or evicts them (what a cache does).
_NOT_KEPT = r"^(?!.*\b(?:sticky|manager|cached|caching|invalidat\w*|evict\w*|expir\w*|purg\w*)\b)"
_SESSIONS = re.compile(_NOT_KEPT + r".*\bsessions?\b(?! ?(?:cache|caching)\b)")
# ... and on the node itself, who is online: "redis\n(pub/sub + presence)" keeps state no database has, and lets
# it expire ("presence\n(keys expire after 30s)"); not a "user presence TTL cache" [issue 13].
_KEPT_HERE = re.compile(rf"{_SESSIONS.pattern}|^(?!.*\bcach(?:e|es|ed|ing)\b).*\bpresence\b")


_FRONTEND_CLUSTER = re.compile(r"^(?:front ?end|ui|presentation)$")
_CLIENT_SIDE_ROLES = frozenset({"compute", "service", "unknown", "cache", "annotation"})
_CLIENT_SIDE_SUFFIX = re.compile(r"\s(?:layer|side|tier|zone|devices?|apps?|applications?|interfaces?|uis?)$")


def _client_side_clusters(diagram: Diagram, resolved: dict[str, roles.RoleResolution],
                          from_browser: bool = False) -> None:
    """Nodes drawn in a client cluster ("Client Layer", "Client Side", "Browser") next to a client, and called
    only from inside that cluster (`browser >> React("React App") >> Server("Redux Store")`), run on the
    user's device: they are part of the client, not a tier to replicate [H, issue 13]. A node that something
    outside the cluster calls is a server, whatever cluster it is drawn in. `from_browser`: the walk again, from
    front ends read as the browser since, along lines too, into browser code only (a language or custom icon whose
    label names no server: `TypeScript("Zustand Stores")`, not `Nodejs("Node.js BFF")`)."""
    sides, named, apps = set(), set(), set()  # client-side clusters; those named for the clients; for their app
    for c in diagram.clusters:
        text = full = roles.words(c.label)
        while _CLIENT_SIDE_SUFFIX.search(text):
            text = _CLIENT_SIDE_SUFFIX.sub("", text)
        # A "Frontend" cluster holding a drawn client (`Android("Mobile App")` beside its screens and its API client
        # module) is the client's side too; the walk below starts from that client only.
        if roles.client_phrase(text):
            sides.add(c.id)
            named.add(c.id)
        elif roles.client_phrase(full):
            # "Mobile App" names the clients' app, not the clients: a machine the clients call there may be their
            # app, but what the phones drawn inside call there may be its backend ("Mobile BFF"), so no walk.
            sides.add(c.id)
            named.add(c.id)
            apps.add(c.id)
        elif _FRONTEND_CLUSTER.match(text):
            sides.add(c.id)
    if not sides:
        return
    inner = {cid: {n.id for n in diagram.nodes if cid in n.clusters} for cid in sides}
    callers, calls = call_maps(diagram, linked=from_browser)  # `react - zustand`: a line from the browser too
    # A server's arrow back into what calls it, unlabelled, dashed or labelled as the answer (`dart <<
    # pythonanywhere`), is its reply; a webhook, an event or a push back is a call [issue 13].
    answers: dict[tuple[str, str], bool] = {}
    for e in diagram.edges:
        reply = not (e.label and _CALL_BACK.search(e.label.lower())) and (
            not e.label or e.style in ("dashed", "dotted") or bool(_RESPONSE_LABEL.search(e.label)))
        answers[(e.caller, e.callee)] = answers.get((e.caller, e.callee), True) and reply
    by_id = {n.id: n for n in diagram.nodes}
    for cid in sides:
        # A source drawn in a cluster named for clients ("Remote Clients": OpenRPA, PowerShell) is one of them, and
        # in one named for their app, so is a placeholder machine that only clients call (`Mobile("Participantes")
        # >> Rack("React Native\niOS / Android")` in "Mobile App"): the app on their phones; a machine the users
        # call in a "Client Layer" serves them. A source in a "Frontend" cluster may be the web server.
        for m in inner[cid] if cid in named else ():
            res = resolved[m]
            if (calls[m] and res.role in _CLIENT_SIDE_ROLES and "role" not in by_id[m].analysis and (
                    (not callers[m] and res.source in ("label", "unknown"))
                    or ((not callers[m] or (cid in apps and all(resolved[c].role == "client" for c in callers[m])))
                        and _client_machine(by_id[m], calls[m], inner[cid], resolved)))):
                resolved[m] = roles.RoleResolution("client", "placement")
        # Walk from the cluster's clients through what they call inside it, one node at a time.
        stack = [m for m in inner[cid] if resolved[m].role == "client"] if cid not in apps else []
        seen = set(stack)
        while stack:
            for m in calls[stack.pop()]:
                res = resolved[m]
                if (m in seen or m not in inner[cid] or res.role not in _CLIENT_SIDE_ROLES
                        or res.source in ("override", "c4") or "role" in by_id[m].analysis
                        # ... a server's reply drawn back from what it calls aside; a client outside that calls it
                        # is served by it, whatever is drawn back
                        or any(c not in inner[cid] and (c not in calls[m] or resolved[c].role == "client"
                                                        or not answers.get((c, m), False)) for c in callers[m])
                        or (from_browser and not _browser_code(by_id[m]) and not (
                            # a placeholder box the app calls in a cluster named for the clients, calling
                            # nothing outside it, whose label names a library's part (`Rack("Gluestack
                            # UI\nNativeWind")` in "Client Tier") is on their side too; "Payments" or "Chat
                            # Relay" there may be a service of its own
                            cid in named and _placeholder(by_id[m]) and calls[m] <= inner[cid]
                            and not _PORT.search(by_id[m].label or "")
                            and _CLIENT_LIBRARY.search(text := roles.words(by_id[m].label or ""))
                            and not _NOT_IN_BROWSER.search(text)))):
                    continue
                seen.add(m)
                resolved[m] = roles.RoleResolution("client", "placement")
                stack.append(m)


_CLIENT_LIBRARY = re.compile(r"\b(?:ui|components?|navigation|styles?|css|tailwind|native ?wind|themes?|hooks?|sdk|"
                             r"librar(?:y|ies)|lib|widgets?|icons?)\b")


def _client_machine(n: Node, called: set[str], inside: set[str], resolved: Mapping[str, roles.RoleResolution]) -> bool:
    """A placeholder machine (`Raspbian("Frontend (UI)")` in "Client Layer") that calls only out of its cluster, into
    no store or queue, and whose label names no server ("Next.js SSR\\nport 3000"): the user's device. A VM per
    customer calling its own database, or a consumer polling Kafka, is a server."""
    return (resolved[n.id].source == "module" and _placeholder(n) and not called & inside
            and not any(resolved[c].role in _REPLICATED_ROLES for c in called)
            and not _NOT_IN_BROWSER.search(roles.words(n.label or "")) and not _PORT.search(n.label or ""))


_PORT = re.compile(r"\bport \d+|:\d{2,5}\b", re.IGNORECASE)


# Front-end frameworks that build code for the browser (Next.js also renders on a server: not here).
_BROWSER_APPS = frozenset({"React", "Vue", "Angular", "Svelte", "Ember", "Backbone"})

_NOT_IN_BROWSER = re.compile(r"\b(?:ssr|server|servers|service|api|backend|bff|node|nodejs|templates?|jinja2?|django|"
                             r"flask|renders?|rendered|next ?js|next|nuxt|remix|gradio|streamlit|express|laravel|php|"
                             r"rails|spring|fastapi)\b")
# Frameworks that render on a server, whatever icon they are drawn with (`Svelte("SvelteKit\n:3000")`), unless
# the label says the build is static ("SPA", "SSG", "next export", "nuxt generate"), denies it ("no SSR"), or names
# the serverless host that runs it ("Next.js on Vercel"), which the cluster reading handles elsewhere.
_SERVER_RENDERED = re.compile(r"(?<!\bno )(?<!\bwithout )\b(?:ssr|server side render\w*|svelte ?kit|next ?js|nuxt|"
                              r"remix)\b")
_STATIC_EXPORT = re.compile(r"\b(?:ssg|export|generate|vercel|netlify|cloudflare|workers|pages|amplify)\b")
_BROWSER_LABEL = re.compile(r"\b(?:react|vue|angular|svelte)\b(?! kit)")  # SvelteKit renders on a server too
_BROWSER_LOGO = re.compile(r"\b(?:react|vue|angular|svelte)(?:js)?\b(?! kit)")
# Clusters that are a machine or a container set; not those named for the user's side of it ("User machine",
# "Client devices") or for static hosting ("Static host (S3 + CloudFront)": files the browser runs).
_SERVING_CLUSTER = re.compile(r"\b(?:vms?|servers?|hosts?|instances?|machines?|droplets?|ec2s?|vps|containers?|pods?|"
                              r"docker|compose|kubernetes|k8s|ecs|eks|gke|aks|fargate)\b")
_USER_SIDE_CLUSTER = re.compile(r"\b(?:users?|clients|client (?:side|devices?|machines?)|browsers?|local|devices?|"
                                r"customers?|end users?|laptops?|s3|cloud ?front|cdn|buckets?|netlify|vercel|"
                                r"amplify|pages)\b")
# A page the browser loads as a file (`JavaScript("Frontend\npublic/index.html")`): it runs there, whatever icon.
_STATIC_PAGE = re.compile(r"\bindex html\b|\bstatic (?:html|pages?|site)\b")
# A label that names the front end, on a browser language's or a custom icon ("Front End", "Web UI") ...
_FRONT_END_LABEL = re.compile(r"\b(?:front ?end|web (?:ui|client))\b")
_BROWSER_LANGUAGES = frozenset({"Typescript", "Javascript"})
# ... calling a DNS that browsers can ask: not a private zone or the cluster's own resolver.
_PRIVATE_DNS = re.compile(r"\b(?:private|internal|core ?dns|coredns|consul|kube ?dns|bind9?|service discovery)\b")
# A static build: files a CDN or bucket hands to the browser, which runs them ("React 18\nVite + TypeScript").
_STATIC_BUILD = re.compile(r"\b(?:vite|spa|single page|static|create react app|cra)\b")
# ... or a label that is only a browser library's name ("React", "Vue.js App"): rendering on a server takes a
# framework that says so (Next.js, Nuxt, SvelteKit) [issue 13].
_SPA_NAME = re.compile(r"^(?:react|vue|angular|svelte)(?: ?js)?(?: \d+)?(?: (?:app|frontend|front end|ui|client))?$")
# A hosting service's icon that hands the build to the browser (`Amplify("AWS Amplify") >> Rack("React")`), not
# one labelled as the backend it also offers ("Amplify GraphQL API").
_STATIC_HOSTS = frozenset({("aws", "Amplify")})
_HOST_BACKEND = re.compile(r"\b(?:apis?|graphql|backend|functions?|auth|datastore|server)\b")


def _browser_code(n: Node) -> bool:
    """Code that may run in the browser: a browser language's or a custom icon whose label names no server."""
    return ((n.provider == "custom" or (n.provider == "programming" and n.cls in _BROWSER_LANGUAGES | _BROWSER_APPS))
            and not _NOT_IN_BROWSER.search(roles.words(n.label or "")))


def _browser_apps(diagram: Diagram, resolved: dict[str, roles.RoleResolution]) -> bool:
    """A browser front end (`Vue("Vue.js App")`, an HTML page) that only drawn clients call, or the one front end
    of a drawing with no client (`React("React Frontend") >> auth`), runs in each user's browser: part of the
    client, not a server every request passes (source "browser") [H, issue 13]. One that a server, proxy or CDN
    serves stays the web tier it is drawn as, unless its label names a static build (Vite, SPA, static) or only a
    browser library ("React") that a CDN, a bucket or a static host (Amplify) delivers; a machine icon so labelled
    counts only when such a host serves it and it reads no store itself; several front-end sources (a module graph
    of a React app) say nothing. A front end on a browser language's or a custom icon that nothing calls and that
    calls a public DNS or the CDN first is in the browser too. True when it read one so."""
    cluster_labels = {c.id: c.label for c in diagram.clusters}

    def serving_cluster(cid: str) -> bool:
        text = roles.words(cluster_labels.get(cid) or "")
        return bool(_SERVING_CLUSTER.search(text)) and not _USER_SIDE_CLUSTER.search(text)

    def machine(n: Node) -> bool:  # a box drawn as a machine, not a language's, framework's, custom or blank icon
        # ... unless a blank one's label names the machine ("Frontend container (React)", "React webapp on EC2")
        return n.provider not in ("custom", "programming") and (
            n.cls != "Blank" or bool(_SERVING_CLUSTER.search(roles.words(n.label or ""))))

    def front_end(n: Node) -> bool:
        if machine(n) and not _placeholder(n):
            return False
        text = roles.words(n.label or "")
        if _SERVER_RENDERED.search(text) and not (_STATIC_BUILD.search(text) or _STATIC_EXPORT.search(text)):
            return False
        if not (n.cls in _BROWSER_APPS and n.provider == "programming"):
            # ... or on a custom icon whose picture is the framework's logo (`Custom("UI", "./react.png")`).
            picture = roles.words(n.icon.path.rsplit("/", 1)[-1]) if n.provider == "custom" and n.icon else ""
            if _NOT_IN_BROWSER.search(text) or not (_BROWSER_LABEL.search(text) or _STATIC_PAGE.search(text)
                                                    or _BROWSER_LOGO.search(picture)):
                return False
        # Drawn inside a machine or a container set (`Cluster("Droplet (docker-compose)")`): the box that serves
        # the build, reached on its port, not the browser running it.
        return not any(serving_cluster(cid) for cid in n.clusters)

    def named(n: Node) -> bool:
        # Browser languages and custom icons only: `Go("frontend")` or `Python("Web UI")` is a server.
        return (n.provider == "custom" or (n.provider == "programming" and n.cls in _BROWSER_LANGUAGES)) and bool(
            _FRONT_END_LABEL.search(roles.words(n.label or "")))

    apps = [n for n in diagram.nodes if resolved[n.id].role in _CLIENT_SIDE_ROLES and "role" not in n.analysis
            and resolved[n.id].source not in ("override", "c4") and (front_end(n) or named(n))]
    if not apps:
        return False
    callers, calls = call_maps(diagram, linked=True)  # `react - auth`: linked, direction left open
    # A front end drawn ahead of the name lookup or the CDN (`TypeScript("Front End") >> Route53("DNS") >> elb`)
    # is where users start: servers are reached through DNS, they do not stand before it.
    by_id = {n.id: n for n in diagram.nodes}
    ahead = [n for n in apps if not callers[n.id] and not _NOT_IN_BROWSER.search(roles.words(n.label or ""))
             and any(resolved[m].role in ("dns", "cdn")
                     and not _PRIVATE_DNS.search(roles.words(by_id[m].label or "") + " " + by_id[m].cls.lower())
                     for m in calls[n.id])]
    # A box drawn as a machine that reads a store or feeds a queue is a server, whatever its label says.
    apps = [n for n in apps if calls[n.id] and front_end(n)
            and not (machine(n) and any(resolved[m].role in _REPLICATED_ROLES for m in calls[n.id]))]
    clients = {nid for nid, res in resolved.items() if res.role == "client"}
    # Called by clients, and by nothing else but what it calls itself (`api >> vue_app` drawn as the reply to
    # `vue_app >> api`).
    delivery = {nid for nid, res in resolved.items() if res.role in ("cdn", "object_storage")
                or ((by_id[nid].provider, by_id[nid].cls) in _STATIC_HOSTS
                    and not _HOST_BACKEND.search(roles.words(by_id[nid].label or "")))}

    def users(n: Node) -> set[str]:
        """Who may call it from the client's side: clients, and for a static build the CDN or bucket serving it."""
        text = roles.words(n.label or "")
        return clients | delivery if _STATIC_BUILD.search(text) or _SPA_NAME.match(text) else clients

    # A box drawn as a machine that the users call directly ("Frontend (React)" on a server icon) may be the server
    # that serves the app: only a static host or CDN handing it out says it runs in the browser.
    called = [n for n in apps if callers[n.id] & (u := users(n)) and callers[n.id] - u <= calls[n.id]
              and (not machine(n) or callers[n.id] & delivery)]
    # ... and a source is one that nothing calls but what it calls itself (`fastapi >> react` drawn as the reply).
    sources = [n for n in apps if callers[n.id] <= calls[n.id]]
    # ... and front ends drawn in a cluster named for their users or their static host ("User Portals (React /
    # Vite)", "Vercel"; not "Frontend • Vercel • Next.js", which renders on a server) that nothing reaches but what
    # they call themselves (a server's push back: `portal << socket_io`, which their API notifies).
    # A line (`gateway - ui`) counts as a call both ways here: the neighbour may be what serves it.
    touching = {nid: set(found) for nid, found in callers.items()}
    for e in diagram.edges:
        if e.dir not in ("forward", "back"):
            touching.setdefault(e.caller, set()).add(e.callee)
            touching.setdefault(e.callee, set()).add(e.caller)
    touching = defaultdict(set, touching)
    portals = [n for n in apps if n not in called and any(
        _USER_SIDE_CLUSTER.search(text := roles.words(cluster_labels.get(cid) or ""))
        and not _SERVER_RENDERED.search(text)
        for cid in n.clusters) and _answered_only(n.id, {n.id}, touching, calls, resolved, clients)]
    browser = called + (sources if len(sources) == 1 and not clients else []) + ahead
    browser += [n for n in portals if n not in browser]
    browser += _sibling_pages(apps, browser, touching, calls, resolved, serving_cluster, clients)
    for n in browser:
        resolved[n.id] = roles.RoleResolution("client", "browser")
    return bool(browser)


def _answered_only(nid: str, app: set[str], callers: Mapping[str, set[str]], calls: Mapping[str, set[str]],
                   resolved: Mapping[str, roles.RoleResolution], clients: set[str]) -> bool:
    """True when all that reaches `nid` from outside its `app` answers what the app calls itself: reached from
    the app, not through a queue, and one way only. A neighbour linked both ways (`gateway - ui`, a server and its
    reply), a balancer, CDN or bucket, and a server the drawn clients reach without the app (`customer >>
    web_server >> ui >> api >> web_server`) serve it instead; a store others write is still only read."""
    outside = callers[nid] - app - clients
    if not outside:
        return True
    if outside & calls[nid] or any(resolved[c].role in _SERVING_ROLES for c in outside):
        return False
    # Answers come back along the calls, not through a queue: what a queue's consumer sends into a page
    # (`api >> sqs >> mailer >> React("Email templates")`) is the page's own work on a server.
    behind = reached(sorted(app), {k: [v for v in vs if resolved[v].role != "queue"] for k, vs in calls.items()})
    if not outside <= behind:
        return False
    servers = {c for c in outside if resolved[c].role not in roles.STATEFUL}
    roots = clients - app
    return not servers or not roots or not servers & reached(
        sorted(roots), {k: [v for v in vs if v not in app] for k, vs in calls.items() if k not in app})


def _sibling_pages(apps: list[Node], browser: list[Node], callers: Mapping[str, set[str]],
                   calls: Mapping[str, set[str]], resolved: Mapping[str, roles.RoleResolution],
                   serving_cluster: Callable[[str], bool], clients: set[str]) -> list[Node]:
    """The other pages of a browser app drawn in one cluster (a wizard's "Step 1" .. "Step 4", `React` each, in
    "Onboarding Wizard") are in the browser too when all that reaches them from outside the app answers what the
    app itself calls (`_answered_only`): the server's "Validated" into step 3 and the store's "Re-opens Wizard"
    into step 2 [issue 13]. Same class as a page read so, in a cluster that names no server."""
    pages: dict[tuple[str, str], list[Node]] = defaultdict(list)
    for n in apps:
        if n.clusters and not serving_cluster(n.clusters[-1]):
            pages[(n.clusters[-1], n.cls)].append(n)
    known = {n.id for n in browser}
    found: list[Node] = []
    for members in pages.values():
        if len(members) < 2 or not any(n.id in known for n in members):
            continue
        ids = {n.id for n in members}
        found += [n for n in members if n.id not in known and callers[n.id]
                  and _answered_only(n.id, ids, callers, calls, resolved, clients)]
    return found


_EXTERNAL_SERVERS = frozenset({"compute", "service", "unknown"})
_VENDOR_SECURITY = frozenset({"secrets", "identity", "edge_security"})
# What a data platform's vendor runs inside it; the design's own apps drawn there ("Databricks App") keep their
# roles, and so do its clients.
_PLATFORM_MEMBERS = frozenset({"database", "file_storage", "object_storage", "search", "ml"})


def _external_clusters(diagram: Diagram, resolved: dict[str, roles.RoleResolution]) -> None:
    """A server or service icon drawn in a cluster for external systems (`Server("SMTP server")` in
    `Cluster("External services")`) is someone else's service, not an instance of ours (source "cluster")
    [H, issue 13]. Stores there keep their role: a database is data whoever runs it. A monitoring cluster's members
    whose labels read as monitoring are monitoring, whatever icon draws them. In a cluster named for an
    edge or sign-in vendor ("Cloudflare"), its security icons are the vendor's product too, and in one named for
    a data platform ("Snowflake Platform"), its tables, volumes, search and model endpoints are."""
    outside = {c.id for c in diagram.clusters if roles.external_cluster(c.label)}
    vendor = {c.id for c in diagram.clusters if roles.vendor_cluster(c.label)}
    platform = {c.id for c in diagram.clusters if roles.data_platform_cluster(c.label)}
    watching = {c.id for c in diagram.clusters if roles.monitoring_cluster(c.label)}
    if not outside and not vendor and not platform and not watching:
        return
    for n in diagram.nodes:
        res = resolved[n.id]
        if res.source in ("override", "c4") or "role" in n.analysis:
            continue
        if (watching & set(n.clusters) and res.role in ("compute", "service")
                and roles.label_role((n.label or "").partition("\n")[0]) == "observability"):
            # `Dotnet("Aspire Dashboard\nOTLP gRPC :18889")` in `Cluster("Observability")`: a framework's icon
            # is an application elsewhere, but a dashboard in the monitoring stack watches the system [issue 13].
            # The name line decides: "sample-app :8000\n/metrics" is the app the stack scrapes.
            resolved[n.id] = roles.RoleResolution("observability", "cluster")
            continue
        if ((outside & set(n.clusters) and res.role in _EXTERNAL_SERVERS)
                or (vendor & set(n.clusters) and res.role in _VENDOR_SECURITY)
                or (platform & set(n.clusters) and res.role in _PLATFORM_MEMBERS
                    and not roles.run_by_the_design(n.label or ""))):
            resolved[n.id] = roles.RoleResolution("external_saas", "cluster")


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
                partner = other.provider == "k8s" and k8s_kind(other) is None and (
                    other.cls == "Pod" or other.cls in K8S_CONTROLLERS or other.module in ("storage", "clusterconfig"))
            if partner:
                owned[a] = True
            elif resolved[b].role not in roles.AUXILIARY_ROLES:
                owned[a] = None  # a real request edge: keep it a workload
    return frozenset(nid for nid, flag_ in owned.items() if flag_)


def _pods_drawn_under(diagram: Diagram, owners: frozenset[str]) -> dict[str, int]:
    """A Kubernetes controller on the request path (`svc >> Deployment("Deployment") >> db`) drawn over its pods
    (`deployment >> [Pod("Pod 1"), Pod("Pod 2")]`, in its cluster) runs them: controller id → the number of
    look-alike pods it points at by unlabelled arrows that share its innermost cluster, that nothing else calls and
    that call nothing (the workload's calls are drawn from the controller). A Deployment calling another
    workload's pods (`web >> Edge(label="HTTP /jobs") >> workers`) is not counted by them [issue 13]."""
    controllers = {n.id: n for n in diagram.nodes
                   if n.provider == "k8s" and n.cls in _LONG_RUNNING and n.id not in owners}
    if not controllers:
        return {}
    pods = {n.id: n for n in diagram.nodes if n.provider == "k8s" and n.cls == "Pod" and k8s_kind(n) is None}
    callers, calls = call_maps(diagram)
    labelled = {(e.caller, e.callee) for e in diagram.edges if (e.label or "").strip()}
    out = {}
    for cid, c in controllers.items():
        mine = [p for p in calls[cid] & pods.keys()
                if callers[p] == {cid} and not calls[p] and pods[p].clusters[-1:] == c.clusters[-1:]
                and (cid, p) not in labelled]
        # Look-alikes only ("Pod 1", "Pod 2"): "auth", "orders" and "payments" are three services.
        if len(mine) >= 2 and len({label_stem(display_label(pods[p])) for p in mine}) == 1:
            out[cid] = len(mine)
    return out


# Controllers whose pods run side by side; a CronJob's or a Job's pods are successive runs, not replicas.
_LONG_RUNNING = frozenset({"Deploy", "RS", "STS", "DS"})


def _name(n: Node) -> str:
    """First word of a label: `sum_deploy` and `sum_pod`, `whoami` and `whoami-a1c4ad` name one workload."""
    found = re.findall(r"[a-z0-9]+", display_label(n).lower())
    return found[0] if found else ""


def inline_controllers(diagram: Diagram) -> dict[str, tuple[str, ...]]:
    """Kubernetes controllers drawn inline on a request path (`svc >> Deployment("api") >> Pod("api")`):
    controller id → the pods it is drawn against that carry its name (a Deployment calling another
    workload's pod is a workload itself). The controller is ownership, not a hop: requests reach its
    pods [issue 13: published k8s drawings put the Deployment between the Service and its pods]."""
    by_id = {n.id: n for n in diagram.nodes}
    controllers = {n.id for n in diagram.nodes if n.provider == "k8s" and n.cls in K8S_CONTROLLERS}
    if not controllers:
        return {}
    pods: dict[str, dict[str, None]] = {}
    for e in diagram.edges:
        for c, other in ((e.tail, e.head), (e.head, e.tail)):
            if (c in controllers and other in by_id and by_id[other].provider == "k8s" and by_id[other].cls == "Pod"
                    and _name(by_id[c]) == _name(by_id[other])):
                pods.setdefault(c, {})[other] = None
    return {c: tuple(ps) for c, ps in pods.items()}


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


def _replicas(n: Node, clusters: Mapping, members_by_cluster: Mapping, stateful: bool = False,
              fleet: bool = True) -> tuple[int, str]:
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
        # ... unless its label pins it to one ("ASG (1 instance)", "min=1 max=1"): that group runs one instance.
        if n.label and _ONE_INSTANCE.search(n.label):
            return 1, "label"
        return ASSUMED_SCALING_REPLICAS, "scaling_group"
    # A cluster whose label gives a multiplicity (`Cluster("Workers 1..n")`, "Mail Services 1..k"): its members run
    # as several instances, at least two as a guess that REP010 states [issue 13].
    innermost = clusters.get(n.clusters[-1]) if n.clusters else None
    if innermost is not None and _MULTIPLICITY.search(innermost.label) and not stateful:
        return ASSUMED_SCALING_REPLICAS, "multiplicity"
    # A cluster whose label counts what it runs ("Serving — Fargate\n3-10 tasks") counts its one member of that
    # class; a store is left out, as a tier's count is its servers', not its database's [issue 13].
    if innermost is not None and not stateful:
        count = _count_in(innermost.label, _INSTANCE_UNITS)
        if count is not None and sum(1 for m in members_by_cluster[n.clusters[-1]] if m.cls == n.cls) == 1:
            return count, "cluster_label"
    # ... but not worker processes on one machine: "2 workers, systemd\n127.0.0.1:8000" listens on the loopback.
    count = _count_in(n.label) if n.label and not (_LOOPBACK.search(n.label) and _PROCESSES.search(n.label)) \
        else None
    found = _MACHINE_COUNT.search(n.label.lower()) if count is None and n.label else None
    if found and not _ONE_HOST.search(roles.words(roles.BRACKETED.sub(" ", n.label))):
        # "nginx (2 VMs)", "Tomcat (3 hosts)": the machines it runs on; not "Hyper-V host (4 VMs)", the VMs on one.
        count = replica_count(found.group(1))
    if count is None and n.label and "\n" in n.label and (line := _NOTES_COUNT.search(n.label.lower())) and (
            line.group(2) != "tasks" or n.cls in _TASK_RUNNERS):
        # "NGINX\n6 tasks / ARM64": a count of instances heading a notes line; tasks only on a container service,
        # where they are its copies ("Scheduler\n100 tasks" are a job's steps).
        count = replica_count(line.group(1))
    if count is not None:
        return count, "label"
    if n.label and not stateful and fleet and (source := _named_fleet(n)):
        return ASSUMED_SCALING_REPLICAS, source
    named = _NAMED_REDUNDANCY.search(n.label.lower()) if n.label else None
    if named and (stateful or not named.group(0).startswith("primary")) and not _NOT_YET.search(n.label.lower()):
        # "MongoDB rs0\nreplicaSet=rs0", "HAProxy (keepalived pair)", "Router (2x ASR, HSRP)", "SQL Server (Always
        # On AG)": the label names the redundancy that runs it; at least two, a guess REP010 states [issue 13].
        return ASSUMED_SCALING_REPLICAS, "named_redundancy"
    return 1, "default"


def _named_fleet(n: Node) -> str | None:
    """How a stateless node's own label says it runs as several, at least two as a guess REP010 states:
    "label_multiplicity" for "爬蟲 VM x N", "Worker 1..n", "Runner\nN tasks" on ECS (the multiplicity its cluster's
    label may give), "label_plural" for `Pod("web pods")`, `EC2("App Servers")` (a group drawn as one icon),
    "label_pattern" for `Pod("core-*")`, "label_scaled" for a note that says so ("Rucio Server\n(scaled)",
    "(autoscaled)", "(HPA)").
    Not a count of what it manages ("Dispatcher\nfan-out to N workers"), nor one server's worker processes."""
    if n.cls == "Pod" and n.provider == "k8s" and _POD_PATTERN.match(n.label):
        return "label_pattern"  # `Pod("core-*")`: whichever pods the name matches, as `kubectl get pods` lists them
    text = n.label.lower()
    if _SCALED_NOTE.search(text) and not (_NOT_YET.search(text) or _ONE_INSTANCE.search(text)
                                          or _ONE_COPY.search(text) or _NOT_A_FLEET.search(roles.words(text))):
        return "label_scaled"  # "Rucio Server\n(scaled)"; not "api\n(HPA)\nmin=1 max=1" nor "gunicorn (scaled)"
    found = _MULTIPLICITY.search(text) or (_N_TASKS.search(text) if n.cls in _TASK_RUNNERS else None)
    if found:
        start, end = text.rfind("\n", 0, found.start()) + 1, text.find("\n", found.end())
        line = text[start:end if end >= 0 else len(text)]
        if not _MANAGES.search(roles.words(text[start:found.start()])) and not _NOT_A_FLEET.search(roles.words(line)):
            return "label_multiplicity"
    head = n.label.strip().partition("\n")[0]
    if not _PLURAL_HINT.search(head):  # the cheap look first: most labels name no instances at all
        return None
    first = roles.words(roles.BRACKETED.sub(" ", head))
    # ... nor a product named with its version ("Windows 2019 servers") or a box "for" them ("NatGW: SA Nodes").
    if (not _LOOPBACK.search(n.label) and _PLURAL_INSTANCES.search(first) and not _MANAGES.search(first)
            and not _NOT_A_FLEET.search(first) and not any(c.isdigit() or c == ":" for c in head)):
        return "label_plural"
    return None


# A first line that ends in instances in the plural, after at most three words ("web pods", "API servers",
# "Celery workers", "Worker Nodes"); not tasks, which may be a job's steps, nor containers, several of which one
# host runs.
_PLURALS = r"(?:pods|replicas|instances|servers|workers|nodes|vms)"
_ONE_COPY = re.compile(r"\b(?:1|one) (?:replica|pod|copy)\b")
# A note, in brackets or on a line of its own, that says the service runs scaled out; not "Cluster Autoscaler".
_SCALED_NOTE = re.compile(r"(?:\(|\n)\s*(?:(?:auto|horizontally)[- ]?scaled|scaled(?: out| horizontally)?|hpa)"
                          r"\s*(?:\)|$|\n)")
_POD_PATTERN = re.compile(r"^\s*[a-z0-9][a-z0-9.-]*-\*\s*$")
_PLURAL_INSTANCES = re.compile(rf"^(?:\S+ ){{0,3}}{_PLURALS}$")
_PLURAL_HINT = re.compile(rf"{_PLURALS}\b", re.IGNORECASE)  # the same words, looked for in the raw label
# ... nor what a node manages or serves ("Proxy for API servers", "Scheduler for workers", "spawns N containers"),
_MANAGES = re.compile(r"\b(?:for|to|of|on|behind|across|with|over|manages?|managing|spawns?|schedules?|launch(?:es)?|"
                      r"dispatch(?:es)?|fan ?out|partitions?|shards?|controls?|monitors?)\b")
# ... nor one server's worker processes or different programs that share a name ("Gunicorn workers", "MCP servers").
_NOT_A_FLEET = re.compile(r"\b(?:gunicorn|uvicorn|puma|unicorn|php ?fpm|pm2|mcp|language)\b")
# Roles whose one icon may stand for a fleet its label counts in words; not a NAT gateway "for the nodes".
_FLEET_ROLES = frozenset({"compute", "service", "unknown", "ml", "workflow", "client"})
# "NGINX\n6 tasks": a count of instances at the head of a notes line.
_NOTES_COUNT = re.compile(r"\n\s*([1-9]\d{0,3})\s*(replicas|instances|pods|copies|tasks)\b")
_N_TASKS = re.compile(r"\b[nk] tasks\b")
# Where tasks are the copies of one service: ECS and its Fargate launch type.
_TASK_RUNNERS = frozenset({"ECS", "ElasticContainerService", "ElasticContainerServiceService", "Fargate"})
_ONE_INSTANCE = re.compile(r"(?<![\d.\-–])\b(?:1|one|single)\s*(?:instances?|nodes?|vms?|servers?|tasks?)\b|"
                           r"\bmin\w*\s*[=:]?\s*1\b.*\bmax\w*\s*[=:]?\s*1\b", re.IGNORECASE)
_MACHINE_COUNT = re.compile(r"[(,]\s*([1-9]\d{0,2})\s*(?:vms|hosts|machines)\b")
_ONE_HOST = re.compile(r"^(?!.*\b(?:cluster|farm|pool|nodes)\b).*\b(?:host|hypervisor|es ?xi|proxmox|hyper v|kvm|"
                       r"v ?sphere|vmware)\b")
_LOOPBACK = re.compile(r"\b(?:127\.0\.0\.1|localhost)\b|unix:|\.sock\b", re.IGNORECASE)
_PROCESSES = re.compile(r"\d+\s*(?:workers|processes|threads)\b", re.IGNORECASE)
_NAMED_REDUNDANCY = re.compile(r"replica ?set|\brs\d\b|\b(?:hsrp|vrrp|keepalived|carp)\b|always ?on (?:ag|availability)|"
                               r"availability group|\b(?:ha|keepalived|vrrp|active[- ](?:passive|active|standby)|"
                               r"redundant|failover|firewall|router|server|node)s? pair\b|\(pair\)|"
                               r"\bprimary ?(?:\+|/|and|&) ?(?:\w+ )?(?:replicas?|standby|secondary)\b")
# ... unless it says the redundancy is not there yet: "single-node replica set", "HA pair planned", "no CARP yet".
_NOT_YET = re.compile(r"\bsingle[- ](?:node|box|instance|member|server|host)\b|\bplanned\b|\bnot yet\b|\byet\)|"
                      r"\bno (?:carp|vrrp|hsrp|keepalived|replicas?|standby|failover|ha)\b|\btodo\b|"
                      r"\breplicas?:? ?1\b|\blater\b|\bfuture\b")


@lru_cache(maxsize=4096)  # cluster labels repeat for every member, and labels across look-alikes
def _count_in(label: str, units: re.Pattern[str] | None = None) -> int | None:
    """The least of a range of instances a label states ("3-10 tasks × 15 streams" is 3), else its count
    (`_LABEL_COUNT`); with `units`, only a count of those (a cluster's "3 nodes" are hosts, not its pods)."""
    text = label.lower()
    ranged = _COUNT_RANGE.search(text) or _SCALER_RANGE.search(text)
    # An autoscaler's bounds count instances ("Web tier - ASG 2-6"), whatever a cluster's count would need.
    if ranged is not None and (units is None or ranged.re is _SCALER_RANGE or units.search(ranged.group(0))):
        return int(ranged.group(1))
    written = _LABEL_COUNT.search(text)
    if written is not None and (units is None or units.search(written.group(0))):
        count = replica_count(next(g for g in written.groups() if g))
        return count if count is not None and count <= _MAX_LABEL_COUNT else None
    return None


# "1..n", "1..K", "1..*", "0..5": a multiplicity that allows more than one; not "0..1" or "1..1"; and a count
# written as a letter: "workers x N", "replicas ×N", "N replicas".
_MULTIPLICITY = re.compile(r"\b[01]\s?\.\.\s?(?:[a-z]\b|\*|[2-9]\b|[1-9]\d+\b)|(?:\bx|×)\s?[nk]\b|"
                           r"\b[nk] (?:replicas|instances|workers|pods|nodes|copies)\b", re.IGNORECASE)


# A count the label states, where labels state one: at the start or after "(", "," or "×" ("Deployment (3
# replicas)", "workers (×120)", "Cassandra, 600 nodes", "3-node cluster"). A number inside the text is something
# else: "Windows 2019 servers", "port 5432 servers", "1.5 servers", "1-3 nodes", "up to 10 instances". A plain "x"
# before a small number ends a label ("Auth x2"); "build agents x86" is an architecture.
_LABEL_COUNT = re.compile(r"(?:^|[(,]\s*)(\d+)(?![\d.,-])\s*(?:replicas|instances|pods|nodes|servers|copies|"
                          r"workers|brokers|members|tasks|containers)\b|replica ?set of (\d+)\b|"
                          r"×\s?(\d+)\b|(?:^|[(,]\s*|\s)(\d+)-node\b|"
                          # after the replication that runs them: "db (Patroni 3 nodes)", "(Galera, 3 members)"
                          r"\((?:patroni|galera|repmgr|stolon|raft|ha|cluster|replica set)\s*,?\s*(\d+)(?![\d.,-])\s*"
                          r"(?:replicas|instances|nodes|servers|members)\b|"
                          r"[\s(]x([1-9]|[12]\d|3[0-2])\)?$|"  # "Auth x2", "(x3)"; not "x86" or "x64"
                          # a label that is a count: "2x", "2-6x" (at least 2)
                          r"^([1-9]\d{0,3})(?:\s?-\s?\d+)?\s?[x×]$")
_MAX_LABEL_COUNT = 100_000
# What a cluster's count counts when it counts its one member of a class: instances of it, not the hosts ("EKS
# cluster (3 nodes)" around one Deployment), the brokers beside it or the clients it serves.
_INSTANCE_UNITS = re.compile(r"\b(?:tasks|replicas|instances|pods|containers|copies)\b")
# A range of instances whose least is two or more ("3-10 tasks", "2–6 replicas"): autoscaling bounds. "1-3 nodes"
# may be one, and says nothing.
# ... or an autoscaler's bounds written after it: "ic-webapp (HPA 2-4, PDB)", "ASG 2–6".
_SCALER_RANGE = re.compile(r"\b(?:hpa|asg|autoscal\w*)\s*:?\s*([2-9]|[1-9]\d{1,4})\s?[-–]\s?\d+")
_COUNT_RANGE = re.compile(r"(?<![\d.])([2-9]|[1-9]\d{1,4})\s?[-–]\s?\d+\s*(?:tasks|replicas|instances|pods|nodes|"
                          r"servers|containers|workers|copies|brokers|members)\b")


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
    """Orient every drawn edge (§1, R2) and give each arc its kind (§4, R1, R3; first match wins)."""
    # Pass 1: orientation plus steps 1-3 (explicit, replication, side); rows are
    # [edge, u, v, tie, explicit, kind, assumed, dropped].
    rows: list[list] = []
    inline = {c: pods for c, pods in inline_controllers(diagram).items() if nodes[c].role == "management"}
    deploys = _deploy_edges(diagram, nodes)
    for e in diagram.edges:
        t, h = e.tail, e.head
        if t not in nodes or h not in nodes:
            continue  # the loader reports dangling edges; the analysis cannot place them
        if e.style.strip().lower() == "invis" and not e.analysis.get("kind"):
            continue  # an invisible edge is a layout aid (`Edge(style="invis")` to line up ranks), not a call
        tie = False
        if e.dir == "back":
            pairs = ((h, t),)
        elif e.dir == "both":
            pairs = ((t, h), (h, t)) if t != h else ((t, h),)
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
        routed = None if explicit else k8s_route(nodes[t], nodes[h], e.dir in ("both", "none"))
        assumed = ""
        if routed is not None and t != h:
            drawn = pairs
            pairs = ((t, h),) if routed else ((h, t),)
            u, v = pairs[0]
            why = ("an Ingress routes to the Services behind it" if nodes[u].cls == "Ing"
                   else "a Service routes to the pods of its workload")
            assumed = "" if pairs == drawn else (
                f"read `{nodes[u].label} → {nodes[v].label}` as the call: in Kubernetes {why}")
        if inline:
            # `svc >> Deployment >> pod`: the Service routes to the pods the Deployment owns.
            pairs = tuple((u, p) for u, v in pairs
                          for p in (inline[v] if v in inline and u not in inline[v] and not nodes[u].auxiliary
                                    else (v,)))
        for u, v in pairs:
            rows.append([e, u, v, tie, explicit, explicit or ("side" if e.id in deploys else _early_kind(
                e, u, v, nodes)), assumed, False])
    _mark_peer_meshes(rows, nodes)
    _mark_responses(rows, nodes)
    _mark_reads(rows, nodes)
    _mark_client_answers(rows, nodes)
    _mark_hosting(rows, nodes)
    pulls = _consumers_drawn_pulling(rows, nodes)
    arcs: list[Arc] = []
    for e, u, v, tie, explicit, kind, assumed, dropped in rows:
        if dropped:
            continue
        pulled = False
        if kind is None:
            kind, pulled = _late_kind(e, u, v, nodes)
            if not pulled and (u, v) in pulls:
                kind, pulled = "async", True
                assumed = (f"read `{nodes[u].label} → {nodes[v].label}` as `{nodes[u].label}` consuming from "
                           f"`{nodes[v].label}`: a worker nothing calls, and nothing else drawn takes from it")
            if pulled:
                u, v = v, u
        # A multiplier on the caller's load (>1 is fan-out); unreadable values keep 1.0 and raise ATTR001.
        share = multiplier(e.analysis.get("fraction")) if "fraction" in e.analysis else None
        arcs.append(Arc(len(arcs), e.id, u, v, kind, e.label or "", 1.0 if share is None else share,
                        explicit is not None, tie, pulled, assumed))
    return arcs


_K8S_BACKENDS = frozenset({"SVC"}) | roles.K8S_WORKLOADS


def k8s_route(a: NodeInfo, b: NodeInfo, open_ended: bool) -> bool | None:
    """Which way requests go between two Kubernetes objects: True for a → b, False for b → a, None when
    Kubernetes does not say. A Service routes to the pods of the workload of its name, whatever the arrow says
    (`Deployment("vue") >> Service("vue")` draws the selector, not a call); on a double-headed or undirected
    edge (`open_ended`), an Ingress routes to the Service or workload behind it. A drawn arrow from a pod into
    an Ingress stays a call: one app may call another through its Ingress [H, issue 13]."""
    if a.provider != "k8s" or b.provider != "k8s":
        return None
    kinds = ("SVC" if a.role == "load_balancer" and a.cls != "Ing" else a.cls,
             "SVC" if b.role == "load_balancer" and b.cls != "Ing" else b.cls)
    if open_ended and kinds[0] == "Ing" and kinds[1] in _K8S_BACKENDS:
        return True
    if open_ended and kinds[1] == "Ing" and kinds[0] in _K8S_BACKENDS:
        return False
    same = _label_name(a.label, a.cls == "Pod") == _label_name(b.label, b.cls == "Pod") != ""
    if same and kinds[0] == "SVC" and kinds[1] in roles.K8S_WORKLOADS:
        return True
    if same and kinds[1] == "SVC" and kinds[0] in roles.K8S_WORKLOADS:
        return False
    return None


# Kind words a Kubernetes label carries beside the workload's name: "order svc" and "order app" name one workload.
_KIND_WORDS = re.compile(r"\b(?:svc|service|deployment|deploy|pods?|statefulset|sts|replicaset|daemonset|app)\b")


def _label_name(label: str, pod: bool = False) -> str:
    """The workload a Kubernetes object's label names: the label without kind words ("order svc" → "order"); a
    pod's without the suffix its controller gives it ("portal-xxx", "redis-0", "web-7d9f8c6b5-xk2lp")."""
    tokens = re.findall(r"[a-z0-9]+", label.lower())
    if pod and len(tokens) > 2 and len(tokens[-1]) == 5 and _POD_HASH.fullmatch(tokens[-2]):
        tokens.pop()  # "frontend-5c7d8f9b6d-kzvbq": the pod's own suffix may be letters only
    while pod and len(tokens) > 1 and _POD_SUFFIX.fullmatch(tokens[-1]):
        tokens.pop()
    return " ".join(_KIND_WORDS.sub(" ", " ".join(tokens)).split())


# What a controller appends to a pod's name: an ordinal, a placeholder, a hash of letters and digits.
_POD_HASH = re.compile(r"(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{5,10}")
_POD_SUFFIX = re.compile(rf"\d{{1,3}}|x{{2,}}|{_POD_HASH.pattern}")


_START_ORDER = re.compile(r"^\s*depends_on\s*$")


# Across icons, only a label that names the copy a replica says so ("read db" may be a CQRS view an ETL fills).
_NAMED_COPY = re.compile(r"\b(?:replicas?|slaves?|standby|secondary)\b")
_COPY_JOB = re.compile(r"\b(?:etl|cdc|exports?|backups?|dumps?|sync|loads?)\b")


def _deploy_edges(diagram: Diagram, nodes: Mapping[str, NodeInfo]) -> frozenset[str]:
    """Arrows on which a person runs a deploy command at the system (`User("You\n(local)") >>
    Edge(label="kubectl apply") >> eks`): a deploy, no request, where other clients drawn send the requests
    (`Internet >> elb`). Developers whose only way in is such a command (`git push` to their Gitea) use the
    system by it; fetching commands (`docker pull`, `git clone`) are requests [issue 13]."""
    found = {e.id for e in diagram.edges if e.label and e.caller in nodes
             and nodes[e.caller].role == "client" and roles.deploy_command(e.label)}
    if not found:
        return frozenset()
    requests = any(e.id not in found and e.caller in nodes and nodes[e.caller].role in SOURCE_ROLES
                   for e in diagram.edges)
    return frozenset(found) if requests else frozenset()


def _early_kind(e, u: str, v: str, nodes: Mapping[str, NodeInfo]) -> str | None:
    """Steps 2-3 of §4: replication, then side."""
    nu, nv = nodes[u], nodes[v]
    if nu.auxiliary or nv.auxiliary or _START_ORDER.search(e.label or "") or (
            e.label and roles.telemetry_edge(e.label, nv.label)):
        # ... and `Edge(label="depends_on")`: docker-compose's start order, not a call; and an edge that carries
        # only logs or metrics (`app >> Edge(label="logs") >> Droplet("Log Destination")`) [issue 13].
        return "side"
    if nu.role == nv.role and _REPLICATION_LABEL.search(e.label or ""):
        # Same role only: "reads from replica" on api → db is a request, not replication [H].
        return "replication"
    if e.dir == "none" and nu.cls == nv.cls and (nu.stateful or nu.role == "cache") and (
            nv.stateful or nv.role == "cache"):
        # Caches replicate as well (Redis primary - replica); the spec names stateful nodes only.
        return "replication"
    if ((nu.cls == nv.cls or (nu.role == nv.role and _NAMED_COPY.search(roles.words(nv.label))
                               and not _COPY_JOB.search(roles.words(e.label or ""))))
            and (nu.stateful or nu.role == "cache") and (nv.stateful or nv.role == "cache")
            and nv.marks & {"reader", "standby"} and not nu.marks & {"reader", "standby"}):
        # `Redis("Main") >> Edge(style="dashed") >> [Redis("Replica-1"), Redis("Replica-2")]`: an arrow from a store
        # to a store of its class or role whose label says replica or standby draws the replication (`MySQL("DB
        # Master") >> EC2Instance("DB Slave #1")`, the slave on a machine icon) [issue 13].
        return "replication"
    if nu.role == nv.role and (nu.stateful or nu.role == "cache") and (replica_of(nv, nu) or replica_of(nu, nv)):
        # `ElastiCache("session") - Storage("session replica")`: the copy its label names, on whatever icon.
        return "replication"
    if nu.cls == nv.cls and nu.role == nv.role and "standby" in nv.marks and not nu.marks & {"reader", "standby"}:
        # `app >> Server("App (DR)")`: an arrow to a copy of its class labelled as the standby or disaster-recovery
        # site is the copy kept warm, not a call, for a service as for a store [issue 13].
        return "replication"
    return None


def _mark_peer_meshes(rows: list[list], nodes: Mapping[str, NodeInfo]) -> None:
    """R3: three or more look-alike nodes (same class and label stem) joined among themselves by undirected,
    double-headed or back-and-forth edges, most pairs connected, are peers of one group (a cluster drawn as a
    mesh, Patroni or etcd members): the edges among them are replication or gossip, not calls [H]."""
    links: dict[tuple[str, str], list[list]] = defaultdict(list)
    one_way: set[tuple[str, str]] = set()
    for row in rows:
        e, u, v, kind = row[0], row[1], row[2], row[5]
        if kind is not None or row[4] is not None or u == v:
            continue
        nu, nv = nodes[u], nodes[v]
        if nu.cls != nv.cls or nu.role in SOURCE_ROLES or nv.role in SOURCE_ROLES or nu.stem != nv.stem:
            continue
        key = (u, v) if u < v else (v, u)
        if e.dir in ("none", "both"):
            links[key].append(row)
        else:
            one_way.add((u, v))
            links[key].append(row)
    if not links:
        return
    # A single arrow between two look-alikes is a call (web-1 → web-2 is rare but drawn); a pair needs a line,
    # two heads, or arrows both ways; or three or more look-alikes linked to nothing else (`master-1 >> master-2
    # >> master-3` alone in "Control Plane ×3"), the HA link drawn among peers, not a pipeline requests take.
    closed = _closed_links(rows, links, nodes)
    pairs = {k: rs for k, rs in links.items()
             if k in closed or any(r[0].dir in ("none", "both") for r in rs)
             or ((k[0], k[1]) in one_way and (k[1], k[0]) in one_way)}
    keys_of: dict[int, list[tuple[str, str]]] = defaultdict(list)
    members: dict[int, set[str]] = defaultdict(set)
    component = _components(pairs)
    for k in pairs:
        keys_of[component[k[0]]].append(k)
        members[component[k[0]]].update(k)
    for c, keys in keys_of.items():
        n = len(members[c])
        if n < 3 or (2 * len(keys) < n * (n - 1) / 2 and not all(k in closed for k in keys)):
            continue  # a chain of look-alikes drawn as a pipeline, not a mesh
        for k in keys:
            for row in pairs[k]:
                row[3] = False
                row[5] = "replication"


def _closed_links(rows: list[list], links: Mapping[tuple[str, str], list],
                  nodes: Mapping[str, NodeInfo]) -> set[tuple[str, str]]:
    """The look-alike links of components that have no edge to anything but each other."""
    component = _components(links)
    # Monitoring and tooling edges fail open: a probe wired to one peer does not make the group a pipeline.
    leaky = set()
    for row in rows:
        u, v = row[1], row[2]
        cu, cv = component.get(u), component.get(v)
        if cu != cv and row[5] != "side":
            if cu is not None and not nodes[v].auxiliary:
                leaky.add(cu)
            if cv is not None and not nodes[u].auxiliary:
                leaky.add(cv)
    return {k for k in links if component[k[0]] not in leaky}


def _components(pairs: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Node → number of its connected component in the undirected graph of `pairs`."""
    adjacency: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        adjacency[a].add(b)
        adjacency[b].add(a)
    return numbered_parts(adjacency)


def numbered_parts(neighbours: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """Each key → the number of its connected part, parts numbered in the order of `neighbours`."""
    part: dict[str, int] = {}
    for start in neighbours:
        if start in part:
            continue
        n = len(part)
        part[start] = n
        stack = [start]
        while stack:
            for w in neighbours[stack.pop()]:
                if w not in part:
                    part[w] = n
                    stack.append(w)
    return part


# Labels that say an arrow is the answer to a request drawn the other way.
_RESPONSE_LABEL = re.compile(r"\b(?:respon|repl(?:y|ies)\b|ack\b|acknowledg|callback|result|return|rows\b|"
                             r"200\b|ok\b)", re.IGNORECASE)
_CALL_BACK = re.compile(r"\b(?:webhooks?|callbacks?|events?|notif\w*|push\w*)\b")
# Roles that stand where requests enter when no client is drawn (R5).
USER_FACING = frozenset({"dns", "cdn", "edge_security", "load_balancer", "api_gateway"})


def _mark_responses(rows: list[list], nodes: Mapping[str, NodeInfo]) -> None:
    """Step 4 of §4 with R2: in a pair u⇄v (two arrows, two heads, or an undirected line between equal ranks),
    the endpoint nearer the entries calls; v→u is its response (an undirected line keeps only u→v). Labels
    that say "response", "reply", "ack" mark the response side; RANK decides when the distances tie.
    Rows as in orient_and_type."""
    by_pair: dict[tuple[str, str], list[list]] = defaultdict(list)
    for row in rows:
        u, v = row[1], row[2]
        # An arrow whose load the author gave (fraction=) is a call: nobody states the share of a reply.
        if u != v and row[5] is None and "fraction" not in row[0].analysis:
            by_pair[(u, v)].append(row)
    candidates: list[tuple[str, str]] = []
    for (u, v) in by_pair:
        if u < v and (v, u) in by_pair:
            candidates.append((u, v))
    # Explicit kinds: an explicit request can be answered by an undeclared arrow back (§4).
    explicit_requests = {(r[1], r[2]) for r in rows if r[4] in ("sync", "async", "fallback") and r[1] != r[2]}
    for (u, v), found in by_pair.items():
        if (v, u) in explicit_requests and (v, u) not in by_pair and nodes[v].rank < nodes[u].rank \
                and nodes[u].role != "queue":
            for row in found:
                row[5] = "response"
    if not candidates:
        return
    distance = _entry_distance(rows, nodes)
    for u, v in candidates:
        forward, backward = by_pair[(u, v)], by_pair[(v, u)]
        if nodes[u].role == "queue" or nodes[v].role == "queue":
            # A queue's arc back to a node is delivery to a consumer, its producer's arc is a publish: no reply.
            continue
        caller, reason = _caller(u, v, forward, backward, nodes, distance)
        if caller is None:
            continue  # nothing decides: both directions stay (GRAPH001 for lines)
        callee = v if caller == u else u
        requests, replies = (forward, backward) if caller == u else (backward, forward)
        assumed = ""
        if reason == "distance":
            assumed = (f"read `{nodes[caller].label} → {nodes[callee].label}` as the call: `{nodes[caller].label}` "
                       "is nearer the entry, and the drawing shows both directions")
        for row in requests:
            row[6] = assumed
        for row in replies:
            if row[0].dir == "none":
                row[7] = True  # an undirected line is one arc, from the caller
            else:
                row[5] = "response"


# Roles that answer requests and never start one: an arrow out of them is data coming back.
_PASSIVE = frozenset({"database", "object_storage", "file_storage", "search", "cache", "coordination"})
# Roles that start requests into a store: an arrow from a store to one of these is that node reading.
_READERS = frozenset({"compute", "service", "workflow", "ml", "analytics", "load_balancer", "api_gateway", "cdn"})


def _mark_reads(rows: list[list], nodes: Mapping[str, NodeInfo]) -> None:
    """A one-way arrow from a store to a service (`db >> app`, `S3 >> CloudFront`, `table >> etl`) draws data
    flowing back or out, not the store calling: read it as the service reading the store (issue 13: a pipeline
    drawn as data flow, a `<<` reply chain without its requests). Rows as in orient_and_type."""
    drawn = {(r[1], r[2]) for r in rows if not r[7]}
    succ: dict[str, list[str]] | None = None  # built once, when an arrow from a database into a balancer needs it
    reach: dict[str, set[str]] = {}
    for row in rows:
        e, u, v = row[0], row[1], row[2]
        if row[4] is not None or row[5] is not None or row[7] or e.dir not in ("forward", "back") or u == v:
            continue
        # A warehouse (analytics that holds its data: Redshift, BigQuery, Hive) answers its readers like a store.
        passive = nodes[u].role in _PASSIVE or (nodes[u].role == "analytics" and nodes[u].stateful)
        if passive and nodes[v].role in _READERS and (v, u) not in drawn:
            # `ingress >> app >> model >> db` and `db >> ingress`: the arrow closes the loop, the answer going back
            # to where the request came in, not a second way to the store. A balancer reads no database (it may
            # serve files or cached pages); an API gateway may (DynamoDB integrations), and so may a service
            # (`db >> Edge(label="SELECT") >> api` beside its write path).
            if nodes[v].role == "load_balancer" and nodes[u].role == "database":
                if succ is None:
                    # Monitoring fails open: a probe drawn to the balancer and to the store joins nothing.
                    succ = defaultdict(list)
                    for a, b in drawn:
                        if not (nodes[a].auxiliary or nodes[b].auxiliary):
                            succ[a].append(b)
                if v not in reach:
                    reach[v] = reached((v,), succ)
                loop = u in reach[v]
            else:
                loop = False
            if loop:
                row[5] = "response"
                row[6] = (f"read `{nodes[u].label} → {nodes[v].label}` as the answer: `{nodes[v].label}` reaches "
                          f"`{nodes[u].label}` through the arrows drawn, and a store answers, it does not call")
                continue
            row[1], row[2] = v, u
            row[6] = (f"read `{nodes[u].label} → {nodes[v].label}` as `{nodes[v].label}` reading from "
                      f"`{nodes[u].label}`: a store answers requests, it does not make them")


def reached(roots: Iterable[str], succ: Mapping[str, Iterable[str]]) -> set[str]:
    """The roots and everything their successors lead to (`succ` may be a networkx DiGraph's `succ`)."""
    seen = set(roots)
    stack = list(seen)
    while stack:
        for w in succ.get(stack.pop(), ()):
            if w not in seen:
                seen.add(w)
                stack.append(w)
    return seen


# "Hosts Streamlit", "hosting api"; not "hosted on", which already points from the app to its host.
_HOSTS_LABEL = re.compile(r"^(?:hosts?|hosting)\b(?! (?:on|by|in)\b)")


def _mark_hosting(rows: list[list], nodes: Mapping[str, NodeInfo]) -> None:
    """`ec2 >> Edge(label="Hosts Streamlit") >> streamlit`: the machine is where the app runs, so the app needs it;
    read the arc as the app depending on its host, and the host is required wherever the app is [issue 13]."""
    for row in rows:
        e, u, v = row[0], row[1], row[2]
        if (e.label and row[4] is None and not row[7] and u != v and e.dir in ("forward", "back")
                and nodes[u].role in ("compute", "service") and not nodes[v].auxiliary
                and _HOSTS_LABEL.match(roles.words(e.label))):
            row[1], row[2] = v, u
            row[5] = "sync"
            row[6] = f"read `{nodes[u].label}` hosting `{nodes[v].label}` as `{nodes[v].label}` needing its host"


def _mark_client_answers(rows: list[list], nodes: Mapping[str, NodeInfo]) -> None:
    """When no drawn client sends a request, an arrow into one (`streamlit >> Edge(label="Shows data
    visualization") >> Users("End Users")`) is the answer to its request, drawn the way the data flows: read it as
    the client calling. A drawing in which some client calls keeps its arrows into clients as pushes, but for the
    connections servers keep to clients that send nothing (`_mark_dial_outs`) [issue 13]."""
    clients = {n for n, info in nodes.items() if info.role == "client"}
    if not clients:
        return
    # What a client sends to monitoring or tooling (a side edge) is no request: it fails open. Nor is feedback or
    # telemetry it publishes to a queue (`web_app >> Edge(label="feedback") >> kafka`), or an arrow to another
    # client: the requests it makes are still not drawn. Messages it sends through a queue (a chat) are requests.
    asking = {r[1] for r in rows if r[1] in clients and r[2] not in clients and not r[7] and r[5] != "side"
              and not nodes[r[2]].auxiliary
              and not (nodes[r[2]].role == "queue" and _TELEMETRY_LABEL.search(r[0].label or ""))}
    if asking:
        _mark_dial_outs(rows, nodes, clients - asking)
        return
    # An arrow out of a queue into a client (`SNS("push") >> app`) is a delivery, never an answer.
    answered = [row for row in rows if row[2] in clients and row[1] not in clients and row[4] is None
                and row[5] is None and not row[7] and row[0].dir in ("forward", "back")
                and not nodes[row[1]].auxiliary and nodes[row[1]].role != "queue"]
    # The chain drawn into the client is the answer's way too (`api >> web >> Edge(label="Hosted on") >> ec2 >>
    # users`, with `api >> db`), as far back as a node that calls something else: that is the server answering.
    # A chain that starts at a node calling nothing else (`Apps Script >> Functions >> Orchestrator >> Robot`) is
    # a pipeline that feeds the client, drawn as it runs.
    into: dict[str, list[list]] = defaultdict(list)
    calls: dict[str, list[list]] = defaultdict(list)
    for row in rows:
        if row[7] or row[1] == row[2]:
            continue
        if row[5] != "side" and row[2] not in clients:
            calls[row[1]].append(row)
        if (row[4] is None and row[5] is None and row[0].dir in ("forward", "back") and row[2] not in clients
                and not nodes[row[1]].auxiliary and row[1] not in clients
                and not (row[0].label and _HOSTS_LABEL.match(roles.words(row[0].label)))):
            into[row[2]].append(row)
    memo: dict[str, list[list]] = {}
    chain = {id(r): r for x in dict.fromkeys(row[1] for row in answered)
             for r in _answer_chain(x, into, calls, nodes, memo)}
    for row in answered + list(chain.values()):
        u, v = row[1], row[2]
        row[1], row[2] = v, u
        row[6] = (f"read `{nodes[u].label} → {nodes[v].label}` as `{nodes[v].label}` asking `{nodes[u].label}`: "
                  "no drawn client sends a request, so "
                  + ("arrows into clients are answers" if v in clients else
                     "the arrows drawn toward the client are its answers, back to the server that calls others"))


_PUSH_WORDS = re.compile(r"\b(?:push\w*|e ?mails?|sms|notif\w*|webhooks?|reports?|reporting|exports?|alerts?|"
                         r"dispatch\w*|sender|senders|broadcast\w*|mailers?)\b")


def _mark_dial_outs(rows: list[list], nodes: Mapping[str, NodeInfo], silent: set[str]) -> None:
    """Where other clients send requests, an arrow from a server that nothing calls into a client that sends
    none (`chat << gateway`: "OpenClaw Gateway\nsingleton · 0 ingress" dialling out to Slack and WhatsApp) is the
    connection that server keeps to its users: read the client as calling it [issue 13]. A job or producer by name
    stays a push, and so does a server that anything calls."""
    if not silent:
        return
    called = {r[2] for r in rows if not r[7] and r[5] != "side" and r[1] != r[2]}
    # ... nor a queue's consumer, nor what says it pushes: "Email Sender", "Webhook Dispatcher", "notify".
    queued = {x for r in rows for x, y in ((r[1], r[2]), (r[2], r[1])) if nodes[y].role == "queue"}
    for row in rows:
        u, v = row[1], row[2]
        if (v in silent and u not in called and u not in silent and u not in queued
                and nodes[u].role in ("compute", "service") and row[4] is None and row[5] is None and not row[7]
                and row[0].dir in ("forward", "back")
                and not _PRODUCER_LABEL.search(roles.words(nodes[u].label))
                and not _PUSH_WORDS.search(roles.words(f"{nodes[u].label} {row[0].label or ''}"))):
            row[1], row[2] = v, u
            row[6] = (f"read `{nodes[u].label} → {nodes[v].label}` as `{nodes[v].label}` asking `{nodes[u].label}`: "
                      f"nothing calls `{nodes[u].label}` and `{nodes[v].label}` sends no request, so the arrow is "
                      "the connection it keeps to its users")


# What makes data for others and answers no request: a training run, a job, a scheduler, an ETL step.
_PRODUCER_LABEL = re.compile(r"\b(?:train(?:ing|er)?|jobs?|cron|schedul(?:er|ed|ing)|etl|batch|extract(?:or)?|"
                             r"import(?:er)?|ingest(?:ion|or)?|sync|pipelines?|loader|crawler|scraper|seed(?:er)?|"
                             r"backfill|producer|generator)\b")


# What a client reports on the side: feedback, events, clicks, logs, telemetry.
_TELEMETRY_LABEL = re.compile(r"\b(?:feedback|events?|clicks?|logs?|telemetry|tracking|analytics|metrics|"
                              r"user actions?)\b", re.IGNORECASE)


def _answer_chain(x: str, into: Mapping[str, list[list]], calls: Mapping[str, list[list]],
                  nodes: Mapping[str, NodeInfo], memo: dict[str, list[list]]) -> list[list]:
    """The rows drawn into `x` that lead back to a node calling something else, with theirs: the answer's way
    to a client (_mark_client_answers). Stores, queues and workflows end the walk: their arrows say what they
    are; so do producers by name (a training run, a job, a scheduler), which make data and answer nothing."""
    found = memo.get(x)
    if found is not None:
        return found
    memo[x] = found = []  # a cycle back to `x` adds nothing
    for row in into.get(x, ()):
        u = row[1]
        info = nodes[u]
        if (info.stateful or info.role in _PASSIVE or info.role in ("queue", "workflow")
                or _PRODUCER_LABEL.search(roles.words(info.label))):
            continue
        further = _answer_chain(u, into, calls, nodes, memo)
        if further or any(r is not row for r in calls.get(u, ())):
            found += [row, *further]
    return found


def _caller(u: str, v: str, forward: list[list], backward: list[list], nodes: Mapping[str, NodeInfo],
            distance: Mapping[str, int]) -> tuple[str | None, str]:
    """Who calls in the pair u⇄v, and what decided: "label", "rank" or "distance"."""
    said_f = any(_RESPONSE_LABEL.search(r[0].label or "") for r in forward if r[0].dir != "both")
    said_b = any(_RESPONSE_LABEL.search(r[0].label or "") for r in backward if r[0].dir != "both")
    if said_f != said_b:
        return (v if said_f else u), "label"
    # Roles before distance: a store answers and a client asks, wherever they are drawn.
    pu, pv = nodes[u].role in _PASSIVE, nodes[v].role in _PASSIVE
    if pu != pv:
        return (v if pu else u), "role"
    cu, cv = nodes[u].role in SOURCE_ROLES, nodes[v].role in SOURCE_ROLES
    if cu != cv:
        return (u if cu else v), "role"
    du, dv = distance.get(u), distance.get(v)
    ru, rv = nodes[u].rank, nodes[v].rank
    if du is not None and (dv is None or du < dv):
        return u, ("rank" if ru < rv else "distance")
    if dv is not None and (du is None or dv < du):
        return v, ("rank" if rv < ru else "distance")
    if ru != rv:
        return (u if ru < rv else v), "rank"
    return None, ""


def _entry_distance(rows: list[list], nodes: Mapping[str, NodeInfo]) -> dict[str, int]:
    """Hop distance of every node from the entries over request arcs, a pair counting both ways (R2).

    Entries are the drawn clients and `entry="true"` nodes; without them, user-facing roles (DNS, CDN, edge
    security, load balancers, gateways); without those, nodes that only call.
    """
    succ: dict[str, list[str]] = defaultdict(list)
    has_in: set[str] = set()
    has_out: set[str] = set()
    into: set[str] = set()  # reached by any request row, a pair's either way included
    for row in rows:
        if row[5] in ("side", "replication", "response") or row[7]:
            continue
        u, v = row[1], row[2]
        if u == v:
            continue
        succ[u].append(v)
        into.add(v)
        if row[0].dir != "none" and row[0].dir != "both":
            has_in.add(v)
            has_out.add(u)
    seeds = [n for n, info in nodes.items()
             if info.role in SOURCE_ROLES or flag(info.analysis.get("entry")) is True]
    if not seeds:
        # The routers at the head of the drawing: a gateway drawn behind the front end in a pair with it
        # (`react >> Edge() << krakend`) is no door when something reaches nothing before it.
        facing = [n for n, info in nodes.items() if info.role in USER_FACING and n in succ]
        seeds = [n for n in facing if n not in into] or facing
    if not seeds:
        # No router drawn: the front end or web tier (`React(...)`, "web", "frontend") is where users come in, so
        # `react >> api` plus `api >> react` is the front end calling [issue 13: replies drawn as arrows].
        seeds = [n for n, info in nodes.items() if n in succ and roles.facing_node(info.label, info.cls, info.role)]
    if not seeds:
        seeds = [n for n in has_out if n not in has_in]
    distance = dict.fromkeys(seeds, 0)
    frontier = list(distance)
    while frontier:
        nxt = []
        for x in frontier:
            d = distance[x] + 1
            for y in succ.get(x, ()):
                if y not in distance:
                    distance[y] = d
                    nxt.append(y)
        frontier = nxt
    return distance


_CONSUMER_LABEL = re.compile(r"\b(?:workers?|consumers?|celery|sidekiq|subscribers?)\b")


def _consumers_drawn_pulling(rows: list[list], nodes: Mapping[str, NodeInfo]) -> set[tuple[str, str]]:
    """(worker, queue) pairs drawn `worker >> queue` with no label that says which way work flows, where the
    worker is named as one, nothing calls it, and nothing else drawn takes from the queue (`worker >> rabbitmq`
    beside `app >> rabbitmq`): the worker consumes, as with a pull label [issue 13]."""
    into = [r for r in rows if r[5] is None and r[1] != r[2] and nodes[r[2]].role == "queue"
            and nodes[r[1]].role != "queue" and not (r[0].label or "").strip()]
    if not into:
        return set()
    called = {r[2] for r in rows if r[1] != r[2] and r[5] not in ("side", "response")}
    drained = {r[1] for r in rows if r[1] != r[2] and nodes[r[1]].role == "queue"}
    return {(r[1], r[2]) for r in into if r[1] not in called and r[2] not in drained
            and _CONSUMER_LABEL.search(roles.words(nodes[r[1]].label))}


def _late_kind(e, u: str, v: str, nodes: Mapping[str, NodeInfo]) -> tuple[str, bool]:
    """Steps 5-7 of §4: async delivery, fallback, sync. Returns (kind, pulled)."""
    label = e.label or ""
    into_queue = nodes[v].role == "queue" and nodes[u].role != "queue"
    if into_queue:
        if _PULL_LABEL.search(label):
            return "async", True
    elif nodes[u].role == "queue" or (_ASYNC_LABEL.search(label) and nodes[v].role not in _STORES):
        # R1: line style is decoration (a dashed line alone says nothing about delivery), and a write into a
        # database or object store is a request whatever its label says: the store is needed either way.
        return "async", False
    if _FALLBACK_LABEL.search(label):
        return "fallback", False
    return "sync", False


