"""ZONE rules: failure domains, i.e. everything in one region or all replicas in one zone (spec §6.3)."""

from __future__ import annotations

from workbench.analysis.elements import AnalysisGraph
from workbench.analysis.findings import Finding, Rule
from workbench.analysis.rules.base import Check, Context, diagram_finding, group_finding

ZONE001 = Rule(
    code="ZONE001",
    title="Single region / no location info",
    severity="info",
    what="Compares the diagram's availability target (graph_attr wb_slo, or the design sheet's SLO) with its "
         "declared locations. Info when no zone or region is declared anywhere and the target is at least "
         "99.99 %; warning when every located component is in one region and the target is at least 99.999 %. "
         "Locations come from zone=/region= on nodes, wb_zone/wb_region on clusters, and location-like cluster "
         "labels (us-east-1, eu-west-2b, europe-west1, AZ a, zone-1, dc1, \"... region\"). Silent without a "
         "target.",
    why="Typical targets: one zone 99.9 %, several zones 99.99 %, several regions 99.999 %. A target above what "
        "the footprint can deliver will be missed by design.",
    example='with Diagram("shop", graph_attr={"wb_slo": "99.999"}):\n    with Cluster("us-east-1"): ...',
    fix="Deploy to several regions (draw them), lower the target, or declare the zones and regions you use.",
    refs=("[G5] Google Cloud infrastructure reliability guide", "[A13] AWS Well-Architected REL10-BP01"),
)

ZONE002 = Rule(
    code="ZONE002",
    title="Replicas confined to one zone",
    severity="warning",
    what="A required group with two or more instances whose members all declare the same zone (zone= or a "
         "zone cluster such as Cluster(\"AZ a\")), unless it is a managed HA service. Also managed services that "
         "are declared zonal: S3 storage_class=\"one_zone\", an NLB or CLB with zone=, and Azure Storage without "
         "redundancy=\"ZRS\" when the design declares zones.",
    why="Replicas in one zone survive an instance failure but not the loss of the zone.",
    example='lb >> [EC2("web-1", zone="a"), EC2("web-2", zone="a")]',
    fix="Spread the replicas over two or more zones (or use a multi-AZ variant of the managed service).",
    refs=("[A13] AWS Well-Architected REL10-BP01", "[G6] Google Cloud: avoid single points of failure"),
)


def check_zone001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    slo = g.inputs.slo
    if slo is None:
        return []
    located = [n.location for n in g.nodes.values() if n.location.known and not n.auxiliary]
    target = f"{slo:g}%"
    if not located and slo >= 99.99:
        return [diagram_finding(
            g, "ZONE001", "info", f"no zone or region is declared for any component, with target {target}",
            f"a {target} target needs at least two zones: declare them (zone=, Cluster(\"AZ a\")) or lower the "
            "target")]
    regions = {loc.region for loc in located if loc.region}
    if located and len(regions) <= 1 and slo >= 99.999:
        region = next(iter(regions)) if regions else "one region"
        return [diagram_finding(
            g, "ZONE001", "warning", f"all components in `{region}` with target {target}",
            f"a {target} target needs several regions: deploy to a second region, or lower the target")]
    return []


def check_zone002(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    required: dict[str, list[str]] = {}
    for entry in g.entries:
        for gid in g.reaches[entry.group].critical:
            required.setdefault(gid, []).append(entry.group)
    zones_declared = any(n.location.zone for n in g.nodes.values())
    out = []
    for gid, roots in required.items():
        group = g.groups[gid]
        entries = [g.groups[e].name for e in roots]
        zone = None
        if group.managed:
            reason = group.zone_confined
            if reason and (not reason.startswith("LRS") or zones_declared):
                zone = next((z for z in group.zones if z), None) or f"one zone ({reason})"
        elif group.r >= 2 and all(group.zones) and len(set(group.zones)) == 1:
            zone = group.zones[0]
        if zone is None:
            continue
        out.append(group_finding(
            g, "ZONE002", "warning", f"all replicas of `{group.name}` are in `{zone}`",
            f"spread `{group.name}` over ≥2 zones", group, entries=entries))
    return out


CHECKS = (Check(ZONE001, check_zone001), Check(ZONE002, check_zone002))
