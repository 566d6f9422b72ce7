"""SPOF and REP rules: required components that one failure takes down, and weak replication (spec §3, §5)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from workbench.analysis.elements import AnalysisGraph, Group, NodeInfo
from workbench.analysis.findings import Finding, Rule
from workbench.analysis.redundancy import UNLISTED_BASIS, flag, label_says_ha
from workbench.analysis.rules.base import (
    Check,
    Context,
    assume,
    copy_assumptions,
    entry_assumptions,
    entry_names,
    group_finding,
    is_copy,
    names,
    node_finding,
    path_assumptions,
    path_names,
    role_assumptions,
)

_REFS_SPOF = ("[A13] AWS Well-Architected REL10-BP01", "[G6] Google Cloud: avoid single points of failure",
              "[A14] Amazon RDS Proxy: runs in several Availability Zones",
              "[A15] Amazon Bedrock AgentCore Runtime: a serverless runtime, each session in a microVM of its own")
_PROVISIONAL_NOTE = (
    "Managed services that are believed redundant but not in the cited MANAGED_HA table (SNS, Kinesis, Pub/Sub, "
    "Cloud Storage, Cosmos DB, Firestore, Cloud Run, serverless functions, and [H] any other managed cloud service "
    "outside the table) are *provisional*: findings on them are downgraded to info. Set managed_ha=\"true\" when "
    "you have checked, or managed_ha=\"false\" to treat the node as one instance.")
_HOW_COUNTED = (
    "Redundancy is counted per replica group: look-alike stateless siblings (same class, same label stem such as "
    "web-1/web-2, same cluster, same neighbours) form one group [H]; stateful nodes are grouped only by "
    "replication edges (label replic|failover|standby|mirror|quorum|sync to between nodes of one role, "
    "kind=\"replication\", or `-` between two stateful or cache nodes of one class) or group=\"…\". "
    "replicas=\"3\" makes one drawn node stand for 3 instances; "
    "a cluster's graph_attr wb_replicas does the same for its single-class members; scaling-group classes count "
    "as 2 [H] (REP010), and so does a label that names the redundancy running it (a replica set, a keepalived or "
    "HA pair, HSRP, VRRP, Always On) [H, issue 13]; a label's count or autoscaler bounds (\"HPA 2-4\") count. "
    "Services in the MANAGED_HA table (S3, DynamoDB, SQS, ELB/ALB/NLB, API Gateway, Lambda, "
    "Route 53, GCP Load Balancing, Spanner, Pub/Sub, BigQuery, Azure Storage; RDS and Cloud SQL with "
    "multi_az=\"true\"; ElastiCache with multi_az=\"true\"; Memorystore with tier=\"standard\"; Azure Cache "
    "for Redis unless tier=\"basic\") and "
    "[H] a cloud provider's CDN, DNS, network and edge-security services and a Kubernetes Service (a virtual "
    "IP on every node) are redundant by design; managed_ha=\"true\"/\"false\" overrides. Kubernetes "
    "controllers drawn only against their pods (`[pods] << ReplicaSet << Deployment`) show ownership, not "
    "requests, and are left out [H]. Look-alike nodes each drawn in its own numbered cluster (`instance 1`, "
    "`instance 2`) are replicas, and three or more look-alikes joined pairwise by `-` or two-headed arrows are "
    "one peer group (a pod mesh, Patroni or etcd members) [issue 13]. Look-alikes drawn in one cluster are one group "
    "also when the edges are drawn to one of them only, or one makes an extra call; pods drawn owned by one "
    "Deployment are its replicas; an arrow from a store to a store of its class labelled replica or standby is "
    "replication; a Kubernetes Ingress behind its controller is routing rules, not an instance; a managed "
    "database or cache whose label says Multi-AZ, global, regional or HA is provisional (info) [H, issue 13]. "
    "Behind a router whose edges name two or "
    "more routes (`Edge(label=\"/search\")`), each routed service is required for its own routes; so is each of "
    "the different services behind one API gateway, a guess stated as such, and behind a balancer each service "
    "named for a different thing (\"User Service\", \"Engagement Tracker\": two words or more, no word shared) "
    "[H, issue 13]. Look-alike users drawn one per server of a clustered pool, numbered machines drawn loose "
    "behind one caller and Kubernetes worker nodes one caller sends to are one group; a network box at the end "
    "of a path that only the network map leads to is no capability, unless users are drawn reaching the "
    "network through it [issue 13]. A cloud's VPN service on the generic VPN icon (\"AWS site to site VPN\": two "
    "tunnels in different zones, AWS Site-to-Site VPN User Guide) is managed. Operator tools (container "
    "consoles, image registries, bastion hosts) and backup tools are tooling, off the user path; nodes linked to "
    "a front end in a \"Browser\" cluster run in the browser. A finding "
    "that rests on a guess (a role read from a label, a direction chosen from the entries outward, an entry "
    "inferred among several) lists it under assumptions and is at most a warning; `docs/analysis.md` explains "
    "each and how to steer it (role=, kind=, entry=, replicas=).")

SPOF001 = Rule(
    code="SPOF001",
    title="Single point of failure",
    severity="error",
    what="A stateless component that every request path from an entry needs, and that runs as one instance. "
         "For each entry the engine takes the required capabilities (stores, identity and external services, "
         "and leaf services reachable through synchronous calls) and every component that dominates them "
         "(lies on every path from the entry to them). Optional nodes (optional=\"true\"), fallback edges and "
         "cache-aside caches are not required. " + _HOW_COUNTED,
    why="When it fails, every request of that entry that needs it fails, until it is replaced. Articulation "
        "points are not used: they ignore direction and replica counts, flag managed load balancers and miss "
        "the database at the end of the path.",
    example='Users("users") >> ELB("lb") >> EC2("web") >> RDS("db")   # web is a SPOF',
    fix='Run at least two instances behind a load balancer, in two or more zones: draw the siblings '
        '(`lb >> [EC2("web-1"), EC2("web-2")]`) or set replicas="2". ' + _PROVISIONAL_NOTE,
    refs=_REFS_SPOF,
)

SPOF002 = Rule(
    code="SPOF002",
    title="SPOF in async consumer path",
    severity="warning",
    what="A stateless single-instance component that every delivery path from a queue needs (the queue's async "
         "domain: what its delivery edges reach, then synchronous calls); each consumer group the queue "
         "delivers to is required for its own processing, even when several write to one store. Raised to error "
         "when the queue has "
         "critical=\"true\". Components that are already a SPOF for an entry are reported as SPOF001 instead.",
    why="Users do not see the failure at once, but queued work stops being processed and the backlog grows.",
    example='api >> Kafka("orders") >> EC2("worker") >> PostgreSQL("db", replicas="2")',
    fix="Run two or more consumers (siblings or replicas=\"2\") and give the queue a dead-letter queue. "
        + _PROVISIONAL_NOTE,
    refs=("[A13] AWS Well-Architected REL10-BP01",),
)

REP001 = Rule(
    code="REP001",
    title="Stateful store without replica",
    severity="error",
    what="A required stateful component (database, object or file storage, queue broker, search, or a cache "
         "with no other store behind it) that runs as one instance with no managed HA. Error on a synchronous "
         "request path; warning when only an async domain needs it (error if the queue has critical=\"true\"); "
         "warning for Aurora, whose storage is replicated across zones but which fails over only to a reader. "
         "A self-hosted broker that no request path publishes to is still required by its own consumers "
         "(warning); a single database that no drawn path reads but that feeds other stores (a pipeline's source) "
         "is noted as info. "
         + _HOW_COUNTED,
    why="Losing the instance loses the capability and possibly its data; recovery is a restore, not a failover.",
    example='Users("users") >> ELB("lb") >> [EC2("a"), EC2("b")] >> PostgreSQL("db")',
    fix='Add a standby or replica with automatic failover: RDS multi_az="true", Aurora with a reader, Cloud SQL '
        'regional (multi_az="true"), or draw the replica with a replication edge '
        '(`primary >> Edge(label="replication") >> replica`); or use a managed HA service. ' + _PROVISIONAL_NOTE,
    refs=("[A10] RDS Multi-AZ deployments", "[G3] Cloud SQL high availability",
          "[G7] Pub/Sub: a published message is replicated across several zones (Publish messages overview)",
          "[G8] BigQuery: a dataset's data is kept in two zones of its location by synchronous dual writes "
          "(Cross-region dataset replication)",
          "[Z3] Azure Database for PostgreSQL flexible server: high availability (optional, off by default)",
          "[M1] MongoDB Atlas: every cluster is a replica set of at least three members",
          "[PC1] Pinecone: a fully managed vector database, run only by Pinecone",
          "[SF1] Snowflake: delivered only as a managed service on the vendor's cloud accounts",
          "[DB1] Databricks: the control plane and serverless compute run in Databricks' account; data sits in "
          "the cloud object storage Unity Catalog manages"),
)

REP002 = Rule(
    code="REP002",
    title="Failover not declared",
    severity="info",
    what="A stateful group with two or more instances and a replica drawn as a node of its own (its label says "
         "replica, ro, reader, standby, secondary, slave or follower, or it is a DigitalOcean DbaasReadOnly/"
         "DbaasStandby), or whose drawn members declare failover="
         "\"manual\", whose writes do not fail over automatically: self-hosted databases and RDS read replicas "
         "without Multi-AZ. Aurora with a reader, RDS Multi-AZ (multi_az=\"true\", or a drawn RDS standby: that is "
         "the Multi-AZ standby), regional Cloud SQL and failover=\"auto\" are automatic.",
    why="A read replica keeps the data, but until someone promotes it, writes fail.",
    example='pg = PostgreSQL("db primary")\npg >> Edge(label="replication") >> PostgreSQL("db replica")',
    fix='Set failover="auto" when a tool promotes the replica (Patroni, Orchestrator, a managed service), or '
        'use Multi-AZ (multi_az="true").',
    refs=("[A10] RDS Multi-AZ deployments",),
)

REP003 = Rule(
    code="REP003",
    title="Quorum cannot tolerate a failure",
    severity="error",
    what="A required coordination group (ZooKeeper, etcd, Consul) or a group with quorum=\"majority\" (or "
         "quorum=\"N\") where losing one member loses the quorum: r − k < 1 with k = ⌊r/2⌋ + 1. Error on a "
         "synchronous request path, warning when only an async domain needs it.",
    why="A majority quorum of 1 or 2 members stops accepting writes after a single failure.",
    example='Zookeeper("zk", replicas="2")',
    fix='Use 3 or 5 members (replicas="3").',
    refs=("[S3] SRE book ch. 23, Managing Critical State",),
)

REP010 = Rule(
    code="REP010",
    title="Instance count assumed",
    severity="info",
    what="A node whose instance count the engine read without replicas=: a scaling-group node (EC2AutoScaling, "
         "AutoScaling, VMScaleSet(s), InstancePools, Autoscale, K8SNodePool), which it assumes runs 2 instances "
         "[H], or a node whose label states a count (\"Deployment (3 replicas)\", \"workers (×120)\", "
         "\"Cassandra, 600 nodes\", \"2x\"; a range, \"3-10 tasks\", counts its least), which it takes as written "
         "[H], or the one stateless member of its class in a cluster whose label counts its instances "
         "(\"FastAPI (3 replicas)\", \"Serving\\n3-10 tasks\"), or a member of a cluster whose label gives a "
         "multiplicity (\"Workers 1..n\", \"workers x N\"), or a stateless node whose label names instances in "
         "the plural (\"web pods\"), a pod pattern (\"core-*\") or says it runs scaled out (\"(scaled)\", "
         "\"(autoscaled)\", \"HPA\"), assumed to run 2 [H]. Either way it is not a SPOF. "
         "Kubernetes Deployments, ReplicaSets and StatefulSets otherwise count only with replicas= (a Deployment "
         "defaults to 1).",
    why="The minimum size of the group decides whether it survives an instance failure; 2 is only a guess, and "
        "a label can say what was planned rather than what runs.",
    example='Users("users") >> ELB("lb") >> EC2AutoScaling("web")',
    fix='Set replicas="N" to the group\'s minimum size.',
)


def _provisional_note(group: Group, g: AnalysisGraph) -> str:
    basis = g.nodes[group.members[0]].ha.basis
    return (f" (info only: {basis}; set managed_ha=\"true\" once checked, or managed_ha=\"false\" to treat it as one "
            "instance)")


def sync_hits(g: AnalysisGraph) -> dict[str, list[tuple[str, str]]]:
    """Non-tolerant groups in Crit(e) for some entry → [(entry, witness terminal)] in entry order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for entry in g.entries:
        reach = g.reaches[entry.group]
        for gid, t in reach.critical.items():
            if not g.groups[gid].tolerant:
                out.setdefault(gid, []).append((entry.group, t))
    return out


def async_hits(g: AnalysisGraph, synced: dict[str, list[tuple[str, str]]] | None = None
               ) -> dict[str, list[tuple[str, str]]]:
    """Non-tolerant groups in an async domain's Crit and in no entry's → [(queue, witness terminal)]."""
    synced = sync_hits(g) if synced is None else synced
    out: dict[str, list[tuple[str, str]]] = {}
    for q, reach in g.domains.items():
        for gid, t in reach.critical.items():
            if gid != q and gid not in synced and not g.groups[gid].tolerant:
                out.setdefault(gid, []).append((q, t))
    # A broker that no request path needs (nothing drawn publishes to it, or only a log shipper or a job users
    # never reach) is still the one copy of the work queued in it: its own consumers need it [issue 13].
    for q in g.domains:
        if q not in synced and q not in out and not g.groups[q].tolerant:
            out[q] = [(q, q)]
    return out


def _hits(g: AnalysisGraph, ctx: Context) -> tuple[dict, dict]:
    """(sync hits, async hits), shared by the SPOF and REP rules of one run."""
    def compute():
        synced = sync_hits(g)
        return synced, async_hits(g, synced)

    return ctx.memo("spof.hits", compute)


def _critical_queue(g: AnalysisGraph, queues: list[str]) -> bool:
    return any(flag(g.nodes[m].analysis.get("critical")) for q in queues for m in g.groups[q].members)


def _kind(group: Group) -> str:
    if group.quorum:
        return "quorum"
    return "stateful" if group.effective_stateful else "stateless"


def _witness(g: AnalysisGraph, hits: list[tuple[str, str]], domains: bool) -> tuple[str, list[str]]:
    root, t = hits[0]
    reach = (g.domains if domains else g.reaches)[root]
    return g.groups[t].name, path_names(g, reach.path(t))


def _assumptions(g: AnalysisGraph, ctx: Context, group: Group, hits: list[tuple[str, str]],
                 domains: bool) -> list[str]:
    """What a finding on `group` rests on that the drawing does not state (R7): its role read from a label,
    directions chosen along the witness path up to the group, the entries when they were guessed."""
    root, t = hits[0]
    reach = (g.domains if domains else g.reaches)[root]
    path = reach.path(t)
    upto = path[:path.index(group.id) + 1] if group.id in path else path
    found = role_assumptions(g, group.members[:1]) + path_assumptions(g, ctx, upto)
    if t in g.guessed_routes:
        found.append(g.guessed_routes[t])
    if not domains:
        found += entry_assumptions(g, [r for r, _ in hits])
    return found + copy_assumptions(g, group)


def _user_hits(g: AnalysisGraph, hits: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Hits through entries that users come in by: helpers (jobs, admin tools) are not front doors (R5)."""
    helpers = {e.group for e in g.entries if e.helper}
    return [h for h in hits if h[0] not in helpers] if helpers else hits


def check_spof001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for gid, hits in _hits(g, ctx)[0].items():
        group = g.groups[gid]
        hits = _user_hits(g, hits)
        if _kind(group) != "stateless" or not hits:
            continue
        entries = entry_names(g, [e for e, _ in hits])
        t, path = _witness(g, hits, domains=False)
        n, e, p = group.name, names(entries), " → ".join(path)
        if gid in {r for r, _ in hits}:  # an inferred (or declared component) entry: all traffic enters here
            message = f"`{n}` is a single point of failure: every request enters through it (`{p}`)"
        elif hits[0][1] == gid:
            message = f"`{n}` is a single point of failure for `{e}`: it is a required capability (`{p}`)"
        else:
            message = f"`{n}` is a single point of failure for `{e}`: every path to `{t}` needs it (`{p}`)"
        severity = "info" if group.provisional else "error"
        remediation = (f'run ≥2 instances of `{n}` behind a load balancer, in ≥2 zones: draw the siblings or set '
                       f'replicas="2"')
        if group.provisional:
            remediation += _provisional_note(group, g)
        out.append(assume(group_finding(g, "SPOF001", severity, message, remediation, group, entries=entries,
                                        terminal=t, path=path), _assumptions(g, ctx, group, hits, False)))
    return out


def check_spof002(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for gid, hits in _hits(g, ctx)[1].items():
        group = g.groups[gid]
        if _kind(group) != "stateless":
            continue
        queues = [q for q, _ in hits]
        qnames = entry_names(g, queues)
        t, path = _witness(g, hits, domains=True)
        severity = "error" if _critical_queue(g, queues) else "warning"
        remediation = f'run ≥2 consumers of `{names(qnames)}` (siblings or replicas="2") and add a dead-letter queue'
        if group.provisional:
            severity = "info"
            remediation += _provisional_note(group, g)
        out.append(assume(group_finding(
            g, "SPOF002", severity,
            f"if `{group.name}` fails, work queued in `{names(qnames)}` stops being processed",
            remediation, group, entries=qnames, terminal=t, path=path), _assumptions(g, ctx, group, hits, True)))
    return out


def _rep001_remediation(group: Group) -> str:
    if group.aurora:
        return f'add an Aurora Replica to `{group.name}` (draw a reader, or set replicas="2"): failover needs one'
    if group.role == "queue":
        return f'run `{group.name}` as ≥3 brokers (replicas="3") with replicated topics, or use a managed queue'
    if group.hard_cache:
        return (f"`{group.name}` is a cache with no store behind it, so it holds the only copy: replicate it "
                f'(replicas="2", multi_az="true") or back it with a database')
    return ('add a standby or replica with automatic failover (multi_az="true" for RDS/Cloud SQL, or draw the '
            "replica with a replication edge), or use a managed HA service")


@dataclass(frozen=True)
class _Hit:
    """A required group of one kind, with who needs it: entries (sync) or queues (async domains)."""

    group: Group
    domains: bool  # True: only async domains need it
    who: list[str]  # entry or queue names
    terminal: str
    path: list[str]
    severity: str  # error on a request path; in async domains error only for a critical queue
    assumptions: list[str]  # what the finding rests on (R7)


def _required(g: AnalysisGraph, ctx: Context, kind: str) -> Iterator[_Hit]:
    """Every required group of `kind` ("stateful", "quorum"), first for the request paths, then async domains."""
    for domains, table in zip((False, True), _hits(g, ctx)):
        for gid, hits in table.items():
            group = g.groups[gid]
            if _kind(group) != kind:
                continue
            roots = [r for r, _ in hits]
            t, path = _witness(g, hits, domains)
            severity = ("error" if _critical_queue(g, roots) else "warning") if domains else "error"
            yield _Hit(group, domains, entry_names(g, roots), t, path, severity,
                       _assumptions(g, ctx, group, hits, domains))


def check_rep001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for hit in _required(g, ctx, "stateful"):
        group, n, who, t = hit.group, hit.group.name, names(hit.who), hit.terminal
        if hit.domains and t == n and who == n:
            message = (f"`{n}` is a single stateful instance; its consumers lose `{n}` and the work queued in it "
                       "on failure (backlog/delayed processing, not user-facing)")
        elif hit.domains:
            message = (f"`{n}` is a single stateful instance; consumers of `{who}` lose `{t}` and its "
                       "data on failure (backlog/delayed processing, not user-facing)")
        else:
            message = (f"`{n}` is a single stateful instance and a single point of failure: requests via `{who}` "
                       f"lose `{t}` and its data on failure")
        severity = "warning" if group.aurora else hit.severity
        remediation = _rep001_remediation(group)
        if group.provisional:
            severity = "info"
            remediation += _provisional_note(group, g)
        out.append(assume(group_finding(g, "REP001", severity, message, remediation, group, entries=hit.who,
                                        terminal=t, path=hit.path), hit.assumptions))
    out += _source_databases(g, ctx)
    out += _unconnected_stores(g)
    return out


def _unconnected_stores(g: AnalysisGraph) -> list[Finding]:
    """Info: a single self-run store that no application edge uses (an inventory drawing, a homelab): nothing drawn
    says what needs it, but it is still one copy of its data [issue 13: a database with no edges]. A copy of a
    connected store is left out (copy_assumptions speaks of it on its twin's finding), and so are look-alikes. A
    managed store not in the table gets the same note as on a request path (`Database` behind a jump pod)."""
    if not g.edgeless:
        return []
    # Look-alikes (`mongo-0`, `mongo-1`) may be one replica set drawn without its edges.
    drawn = Counter((info.cls, info.stem) for info in g.nodes.values())
    unconnected = {n for ids in g.edgeless.values() for n in ids}
    tool_touched: set[str] | None = None
    connected: dict[str, list[NodeInfo]] = {}
    for info in g.nodes.values():
        if info.cls in g.edgeless and info.id not in unconnected:
            connected.setdefault(info.cls, []).append(info)
    out = []
    for cls, ids in g.edgeless.items():
        for nid in ids:
            group, info = g.group(nid), g.nodes[nid]
            if group.role != "database" or group.drawn != 1 or group.tolerant:
                continue
            if group.provisional:
                # A managed store not in the table is noted only where an operator's tool reaches it (`jump_pod >>
                # Database`): drawn alone in an inventory it may well be the managed HA service its icon names.
                if info.ha.basis != UNLISTED_BASIS or label_says_ha(info.label):
                    continue
                if tool_touched is None:
                    tools = {n for n, i in g.nodes.items() if i.role == "tooling"}
                    tool_touched = {n for e in g.diagram.edges if e.tail in tools or e.head in tools
                                    for n in (e.tail, e.head)}
                if nid not in tool_touched:
                    continue
            if (drawn[(info.cls, info.stem)] > 1
                    or any(is_copy(info, other) for other in connected.get(cls, ()))):
                continue
            message = (f"`{group.name}` is a single stateful instance that no application drawn uses (monitoring, "
                       "tools and provisioning aside): no path shows what needs it, but it holds the only copy of "
                       "its data (noted, not raised)")
            remediation = _rep001_remediation(group) + (_provisional_note(group, g) if group.provisional else "")
            out.append(group_finding(g, "REP001", "info", message, remediation, group))
    return out


_GRANTORS = frozenset({"secrets", "identity"})


def _source_databases(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    """Info: a single database that nothing reads on a drawn path but that feeds other stores (a pipeline's source
    system, `Postgresql("orders") >> GCS("raw")`). No request path is shown to need it, so it is noted, not raised
    [issue 13: the source database of a data pipeline]. A key or identity service drawn into it (`kms >> rds`,
    "SSE-KMS") grants access; it reads nothing."""
    hit = set(_hits(g, ctx)[0]) | set(_hits(g, ctx)[1])
    out = []
    for gid, group in g.groups.items():
        if (group.role != "database" or gid in hit or group.tolerant or group.soft
                or any(g.groups[p].role not in _GRANTORS for p in g.Q.predecessors(gid))
                or not any(g.groups[h].effective_stateful for h in g.Q.successors(gid))):
            continue
        fed = [g.groups[h].name for h in g.Q.successors(gid) if g.groups[h].effective_stateful]
        message = (f"`{group.name}` is a single stateful instance that feeds `{names(fed)}`; no drawn request path "
                   "reads it, so losing it stops what is loaded from it (noted, not raised)")
        out.append(group_finding(g, "REP001", "info", message, _rep001_remediation(group), group))
    return out


def check_rep003(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for hit in _required(g, ctx, "quorum"):
        group, severity = hit.group, hit.severity
        remediation = f'run `{group.name}` with 3 or 5 members (replicas="3")'
        if group.provisional:
            severity = "info"
            remediation += _provisional_note(group, g)
        out.append(assume(group_finding(
            g, "REP003", severity,
            f"`{group.name}`: {group.r} members need {group.k}; one failure loses quorum",
            remediation, group, entries=hit.who, terminal=hit.terminal, path=hit.path), hit.assumptions))
    return out


def check_rep002(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for gid, group in g.groups.items():
        if not group.stateful or group.quorum or group.r < 2 or group.auto_failover or group.managed:
            continue
        members = [g.nodes[m] for m in group.members]
        failover = {str(m.analysis.get("failover", "")).strip().lower() for m in members}
        # The replicas must be drawn as nodes of their own: one node with replicas= does not show the topology,
        # and restating a failover="manual" the author wrote on it tells them nothing.
        drawn_replica = any(m.marks & {"reader", "standby"} for m in members)
        if group.drawn < 2 or not (drawn_replica or "manual" in failover):
            continue
        out.append(group_finding(
            g, "REP002", "info", f"`{group.name}` has replicas but no automatic failover for writes",
            'set failover="auto" if a tool promotes the replica (Patroni, Orchestrator, a managed service), '
            'or use Multi-AZ (multi_az="true")', group))
    return out


def check_rep010(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for nid, info in g.nodes.items():
        if info.auxiliary:
            continue
        if info.replicas_source in _ASSUMED_FROM:
            why, fix = _ASSUMED_FROM[info.replicas_source]
            out.append(node_finding(g, "REP010", "info", f"`{info.label}` is assumed to run ≥2 instances{why}",
                                    f'set replicas="N" on `{info.label}` to {fix}', nid))
        elif info.replicas_source in _COUNTED_FROM:
            out.append(node_finding(
                g, "REP010", "info",
                f"`{info.label}` is counted as {info.replicas} instance{'s' * (info.replicas != 1)}"
                f"{_COUNTED_FROM[info.replicas_source]}",
                f'set replicas="{info.replicas}" on `{info.label}` to state it (or the count that really runs)', nid))
    return out


# Where an assumed count of two came from → (how REP010 says so, what replicas= should state).
_ASSUMED_FROM = {
    "scaling_group": ("", "the group's minimum size"),
    "multiplicity": (": its cluster's label gives a multiplicity (1..n, x N)", "the number that runs"),
    "label_multiplicity": (": its label gives a multiplicity (1..n, x N)", "the number that runs"),
    "label_plural": (": its label names them in the plural (pods, servers, workers)", "the number that runs"),
    "label_pattern": (": its name is a pattern for several pods (core-*)", "the number that runs"),
    "label_scaled": (": its label says it runs scaled out (scaled, autoscaled, HPA)", "the number that runs"),
    "named_redundancy": (": its label names the redundancy (a replica set, a pair, HSRP, VRRP, keepalived, Always "
                         "On)", "its members"),
}


# Where a count the analysis read came from → how REP010 says so.
_COUNTED_FROM = {"label": ", as its label says", "cluster_label": ", as its cluster's label says",
                 "owned_pods": ": the pods drawn under it"}


CHECKS = (
    Check(SPOF001, check_spof001), Check(SPOF002, check_spof002), Check(REP001, check_rep001),
    Check(REP002, check_rep002), Check(REP003, check_rep003), Check(REP010, check_rep010),
)
