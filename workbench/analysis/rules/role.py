"""ROLE rules: nodes whose role the engine cannot tell, and `role=` overrides it does not know (spec §2)."""

from __future__ import annotations

from workbench.analysis import roles
from workbench.analysis.elements import AnalysisGraph
from workbench.analysis.findings import Finding, Rule
from workbench.analysis.rules.base import Check, Context, node_finding

ROLE001 = Rule(
    code="ROLE001",
    title="Unknown component role",
    severity="info",
    what="A node whose role cannot be inferred from its class (exact table, class-name keywords, provider module "
         "and category module, in that order), from its C4 type, or from its label. The label decides for "
         "Custom, generic (Rack, Server, ...) and bare nodes and for classes the tables do not know "
         "(`Custom(\"MySQL (Database)\")` is a database, `Rack(\"database server\")` too, a label with "
         "proxy/varnish is a load balancer, broker/message queue a queue); for Redis-like stores when it names "
         "a queue or a database (`Redis(\"Broker\")`); and for any compute-like icon whose whole label names an "
         "audience (\"Users\", \"User A\", `Pod(\"Clients\")`), which becomes a client. A role read from a "
         "label is an assumption: findings that rest on it say so and are at most warnings [issue 13].",
    why="Every availability rule reasons about roles: a database is required and stateful, a cache is soft, a "
        "load balancer distributes. An unknown node still takes part in the graph as a generic service, but no "
        "role-specific rule (load balancing, caching, data access, queues) can look at it, so problems around it "
        "may go unnoticed.",
    example='from diagrams.custom import Custom\n'
            'auth = Custom("gatekeeper", "./gate.png")   # no role word in the label',
    fix='Give the node a role: Custom("gatekeeper", "./gate.png", role="api_gateway"). `workbench roles` lists '
        "the vocabulary and what every class maps to.",
)

ROLE002 = Rule(
    code="ROLE002",
    title="Invalid role override",
    severity="error",
    what="A node attribute `role=` whose value is not in the role vocabulary.",
    why="An override exists to correct the inferred role. A misspelt one silently falls back to inference, so the "
        "analysis runs on a role the author explicitly rejected.",
    example='db = EC2("orders", role="databse")',
    fix="Use one of the listed roles (client, internet, dns, cdn, edge_security, load_balancer, api_gateway, "
        "compute, service, workflow, ml, cache, database, object_storage, file_storage, queue, search, "
        "coordination, identity, secrets, external_saas, analytics, network, observability, tooling, "
        "management, annotation).",
)


def check_role001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for nid, info in g.nodes.items():
        if info.unknown and "role" not in info.analysis:
            out.append(node_finding(
                g, "ROLE001", "info",
                f"`{info.label}` ({info.cls}) has no known role; treated as generic service",
                f'add role="…" to `{info.label}` (for example role="compute"); `workbench roles` lists the roles',
                nid))
    return out


def check_role002(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    valid = ", ".join(sorted(roles.ROLES))
    for nid, info in g.nodes.items():
        if info.invalid_role is not None:
            out.append(node_finding(
                g, "ROLE002", "error",
                f"role `{info.invalid_role}` on `{info.label}` is not recognised",
                f"use a listed role ({valid}); `{info.label}` is analysed as {info.inferred_role} meanwhile",
                nid))
    return out


CHECKS = (Check(ROLE001, check_role001), Check(ROLE002, check_role002))
