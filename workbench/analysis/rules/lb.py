"""LB rules: replicated tiers that callers reach instance by instance, without a distributor (spec §6.2)."""

from __future__ import annotations

from workbench.analysis.elements import AnalysisGraph, Arc
from workbench.analysis.findings import Finding, Rule
from workbench.analysis.rules.base import (
    Check,
    Context,
    group_finding,
    names,
    sync_callers,
)

# Tiers whose instances a caller should not pick itself. Caches, stores and brokers have cluster-aware
# clients, and unknown nodes trigger no role-specific rule.
_TIERS = frozenset({"compute", "service", "workflow", "ml"})
_OUTSIDE = frozenset({"client", "internet", "cdn"})
_INTERNAL = _TIERS  # callers inside the system that should not pick instances either (LB002)

LB001 = Rule(
    code="LB001",
    title="Replicated tier without load balancer",
    severity="warning",
    what="A stateless group with two or more drawn instances (compute, service, workflow, ml) that a client, "
         "internet or CDN node calls instance by instance. A single drawn node with replicas= is exempt: the "
         "distributor is implied.",
    why="Clients then have to pick an instance themselves: no health checks, no draining, and a dead instance "
        "keeps receiving its share of requests.",
    example='Users("users") >> [EC2("app1"), EC2("app2")] >> RDS("db", multi_az="true")',
    fix="Put a load balancer or API gateway in front of the instances "
        '(`users >> ALB("alb") >> [EC2("app1"), EC2("app2")]`).',
    refs=("[A4] ELB: Availability Zones and load balancer nodes",),
)

LB002 = Rule(
    code="LB002",
    title="Internal replicas without distributor",
    severity="info",
    what="The LB001 pattern inside the system: a compute, service, workflow or ml caller calls the drawn "
         "instances of another stateless group directly.",
    why="Fine with client-side discovery or a mesh, but nothing in the drawing says which instance is healthy.",
    example='api >> [EC2("worker1"), EC2("worker2")]',
    fix="Use a service load balancer, service discovery or a mesh (k8s Service, Cloud Map, Consul, Istio), or "
        "draw it.",
)


def _direct_callers(g: AnalysisGraph, roles: frozenset[str]) -> dict[str, tuple[list[str], list[str]]]:
    """Group → (caller node ids, edge ids) for sync arcs from a node with one of `roles` into its members."""
    def direct(a: Arc) -> bool:
        target, caller = g.group(a.v), g.nodes[a.u]
        return not (target.drawn < 2 or target.role not in _TIERS or target.stateful
                    or g.group_of[a.u] == target.id or caller.role not in roles or caller.unknown
                    or all(g.nodes[m].unknown for m in target.members))

    return sync_callers(g, direct)


def check_lb001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for gid, (callers, edges) in _direct_callers(g, _OUTSIDE).items():
        group = g.groups[gid]
        who = names(g.label(c) for c in callers)
        out.append(group_finding(
            g, "LB001", "warning", f"clients call `{group.name}` instances directly",
            f"put a load balancer or API gateway between `{who}` and `{group.name}`", group,
            extra_nodes=callers, edges=edges))
    return out


def check_lb002(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out = []
    for gid, (callers, edges) in _direct_callers(g, _INTERNAL).items():
        group = g.groups[gid]
        who = names(dict.fromkeys(g.group(c).name for c in callers))
        out.append(group_finding(
            g, "LB002", "info", f"`{who}` calls replicas of `{group.name}` directly",
            "use a service load balancer, service discovery or a mesh", group, extra_nodes=callers, edges=edges))
    return out


CHECKS = (Check(LB001, check_lb001), Check(LB002, check_lb002))
