"""ATTR rules: analysis attribute values the engine cannot read (never silently ignored)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from workbench.analysis.elements import KINDS, AnalysisGraph
from workbench.analysis.findings import Finding, Rule
from workbench.analysis.loads import takes_capacity_pair
from workbench.analysis.redundancy import (
    capacity_figures,
    flag,
    fraction,
    multiplier,
    number,
    read_fraction,
    replica_count,
    slo_percent,
)
from workbench.analysis.rules.base import (
    Check,
    Context,
    diagram_finding,
    edge_finding,
    node_finding,
)
from workbench.design.capture import (
    ANALYSIS_EDGE_KEYS,
    ANALYSIS_NODE_KEYS,
    CLUSTER_WB_KEYS,
    DIAGRAM_WB_KEYS,
    near_miss,
    wb_near_miss,
)

ATTR001 = Rule(
    code="ATTR001",
    title="Unreadable analysis attribute",
    severity="warning",
    what="An analysis attribute whose value the engine cannot read, on a node, an edge, a cluster or the "
         "diagram. Checked keys and what they take:\n\n"
         '    replicas, wb_replicas   a whole number of instances ≥ 1: "3"\n'
         '    qps, wb_qps             a rate ≥ 0: "2000", "2,000", "2k", "1.5M"\n'
         '    capacity_qps            a per-instance rate > 0: "5000"; relational databases and DynamoDB also\n'
         '                            take reads:writes, "50000:5000"\n'
         '    read_ratio,             reads:writes "10:1", or a read share "0.9" / "90%"; a bare number above 1\n'
         '      wb_read_ratio         ("10") is neither\n'
         '    cache_hit               a hit ratio between 0 and 1: "0.8" or "80%"\n'
         '    fraction (edge)         a multiplier ≥ 0 on the caller\'s load: "0.1", "2%", "120" (fan-out), "3x"\n'
         '    kind (edge)             sync, async, replication, response, fallback or side\n'
         '    multi_az, managed_ha,   true or false (also yes/no, on/off, 1/0)\n'
         '      stateful, optional, entry, critical, cache, caches_api\n'
         '    failover                auto or manual\n'
         '    quorum                  majority, or a whole number of members ≥ 1\n'
         '    redundancy              LRS, ZRS, GRS, RA-GRS, GZRS or RA-GZRS\n'
         '    wb_slo                  an availability target: "99.99", "99.99%" or "0.9999"\n\n'
         "role= and accept= have rules of their own (ROLE002, ACC002); free-text keys (zone, region, group, tier, "
         "storage_class) are not checked. An empty value counts as not set. The finding sits on the line that "
         "builds the node or edge (the diagram or cluster statement for wb_* keys).",
    why="An unreadable value is dropped, and the analysis runs on the default instead: replicas=\"x\" is one "
        "instance, fraction=\"-1\" is the whole load, read_ratio=\"10\" is an unknown mix. The findings then "
        "describe a design other than the one you wrote, with nothing to say so.",
    example='api = ECS("api", replicas="three")\n'
            'api >> Edge(fraction="-1") >> PostgreSQL("db", read_ratio="10")',
    fix='Write the value in the form the table above gives: replicas="3", fraction="0.1", read_ratio="10:1". '
        "The message names the key, the value and what is expected.",
    accept='Accepting leaves the value ignored, so fix it instead where you can. If you must, add '
           'accept="ATTR001: reason" to the node or edge, or a `# wb: accept ATTR001 -- reason` comment on (or '
           "just above) the statement that builds it. A wb_* key of the diagram or of a cluster is about no node "
           "or edge: accept it with a comment on the `with Diagram(...)` statement.",
)

_WHOLE = "a whole number of instances ≥ 1, e.g. \"3\""
_RATE = "a rate ≥ 0 such as 2000, 2,000, 2k or 1.5M"
_RATIO = "reads:writes such as 10:1, or a read share between 0 and 1 such as 0.9 or 90%"
_FLAG = "true or false"
_REDUNDANCY = frozenset({"LRS", "ZRS", "GRS", "RA-GRS", "GZRS", "RA-GZRS"})

Parser = Callable[[str], bool]


def _ok(parse: Callable[[str], object]) -> Parser:
    return lambda value: parse(value) is not None


def _quorum(value: str) -> bool:
    text = value.strip().lower()
    return text == "majority" or (text.isdigit() and int(text) >= 1)


# key → (readable?, what is expected, what the engine does instead)
NODE_KEYS: Mapping[str, tuple[Parser, str, str]] = {
    "replicas": (_ok(replica_count), _WHOLE, "1 instance (or the cluster's wb_replicas) is assumed"),
    "qps": (_ok(number), _RATE, "the diagram's or the sheet's QPS is used"),
    "read_ratio": (_ok(read_fraction), _RATIO, "the next declaration (entry, diagram, sheet) is used"),
    "cache_hit": (_ok(fraction), "a hit ratio between 0 and 1 such as 0.8 or 80%", "the default 0.8 is used"),
    "multi_az": (_ok(flag), _FLAG, "it counts as false"),
    "managed_ha": (_ok(flag), _FLAG, "the managed-HA table decides"),
    "stateful": (_ok(flag), _FLAG, "the role decides"),
    "optional": (_ok(flag), _FLAG, "the node counts as required"),
    "entry": (_ok(flag), _FLAG, "entries are found from the roles"),
    "critical": (_ok(flag), _FLAG, "it counts as false"),
    "cache": (_ok(flag), _FLAG, "it counts as false"),
    "caches_api": (_ok(flag), _FLAG, "it counts as false"),
    "failover": (lambda v: v.strip().lower() in ("auto", "manual"), "auto or manual",
                 "failover counts as undeclared"),
    "quorum": (_quorum, "majority or a whole number of members ≥ 1", "the role decides"),
    "redundancy": (lambda v: v.strip().upper() in _REDUNDANCY, "LRS, ZRS, GRS, RA-GRS, GZRS or RA-GZRS",
                   "it counts as LRS"),
}
EDGE_KEYS: Mapping[str, tuple[Parser, str, str]] = {
    "fraction": (_ok(multiplier), "a multiplier ≥ 0 on the caller's load such as 0.1, 2%, 120 (fan-out) or 3x",
                 "1.0 (the whole load) is used"),
    "kind": (lambda v: v.strip().lower() in KINDS, "one of " + ", ".join(KINDS), "the kind is inferred"),
    "read_ratio": (_ok(read_fraction), _RATIO, "the caller's mix is used"),
}
CLUSTER_KEYS: Mapping[str, tuple[Parser, str, str]] = {
    "wb_replicas": (_ok(replica_count), _WHOLE, "members count as drawn"),
}
DIAGRAM_KEYS: Mapping[str, tuple[Parser, str, str]] = {
    "wb_qps": (_ok(number), _RATE, "the sheet's QPS is used, if any"),
    "wb_read_ratio": (_ok(read_fraction), _RATIO, "the sheet's ratio is used, if any"),
    "wb_slo": (_ok(slo_percent), "an availability target such as 99.99, 99.99% or 0.9999",
               "the sheet's target is used, if any"),
}


def _capacity(provider: str | None, cls: str, value: str) -> tuple[bool, str]:
    pair = takes_capacity_pair(provider, cls)
    figures = capacity_figures(value)
    expected = ("a per-instance rate > 0 such as 5000 or 5k, or reads:writes such as 50000:5000" if pair else
                "a per-instance rate > 0 such as 5000 or 5k (reads:writes only on relational databases and "
                "DynamoDB)")
    return figures is not None and (pair or figures[1] is None), expected


def _problems(values: Mapping[str, str], keys: Mapping[str, tuple[Parser, str, str]]):
    for key, (readable, expected, instead) in keys.items():
        value = values.get(key)
        if value is None or not str(value).strip():
            continue
        value = str(value)
        if not readable(value):
            yield key, value, expected, instead


def _message(where: str, key: str, value: str, expected: str, instead: str) -> str:
    return f'{where}: {key}="{value}" cannot be read; expected {expected}; it is ignored and {instead}'


_FIX = "write the value in the expected form, or remove it"


def check_attr001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    d = g.diagram
    for key, value, expected, instead in _problems(d.analysis, DIAGRAM_KEYS):
        f = diagram_finding(g, "ATTR001", "warning", _message(f"diagram `{d.name}`", key, value, expected, instead),
                            _FIX)
        f.target = f"(diagram)|{key}"
        out.append(f)
    for c in d.clusters:
        for key, value, expected, instead in _problems(c.analysis, CLUSTER_KEYS):
            f = diagram_finding(g, "ATTR001", "warning",
                                _message(f"cluster `{c.label}`", key, value, expected, instead), _FIX)
            f.target, f.file, f.line = f"(cluster)|{c.label}|{key}", c.file or d.file, c.line or d.line
            out.append(f)
    for nid, info in g.nodes.items():
        if not info.analysis:
            continue
        found = list(_problems(info.analysis, NODE_KEYS))
        value = info.analysis.get("capacity_qps")
        if value is not None and str(value).strip():
            readable, expected = _capacity(info.provider, info.cls, str(value))
            if not readable:
                found.append(("capacity_qps", str(value), expected, "the rule-of-thumb capacity is used"))
        for key, value, expected, instead in found:
            f = node_finding(g, "ATTR001", "warning", _message(f"`{info.label}`", key, value, expected, instead),
                             _FIX, nid)
            f.target = f"{f.target}|{key}"
            out.append(f)
    for e in d.edges:
        if not e.analysis or e.tail not in g.nodes or e.head not in g.nodes:
            continue
        for key, value, expected, instead in _problems(e.analysis, EDGE_KEYS):
            a, b = g.label(e.tail), g.label(e.head)
            if e.dir == "back":
                a, b = b, a
            f = edge_finding(g, "ATTR001", "warning", _message(f"edge `{a} → {b}`", key, value, expected, instead),
                             _FIX, f"{a} → {b}|{key}", [], [e.id])
            out.append(f)
    return out


ATTR002 = Rule(
    code="ATTR002",
    title="Misspelt analysis attribute",
    severity="warning",
    what="A keyword on a node or an edge that is not an analysis key but is within edit distance 2 of one "
         "(1 for keys of four letters or fewer; transposed letters count as one edit; case is ignored), and "
         "is not a Graphviz attribute either: `replica=\"2\"`, `multiaz=\"true\"`, `Edge(fractoin=\"0.5\")`, "
         "`quorom=\"majority\"`. On a cluster's or the diagram's graph_attr: a `wb_` key the workbench does not "
         "know (`wb_replica`), or a bare analysis name that needs the prefix (`graph_attr={\"replicas\": \"3\"}` "
         "means wb_replicas). The workbench removes such keys before Graphviz sees them, and the finding sits on "
         "the line that builds the node, edge, cluster or diagram.\n\n"
         "Why these limits: plain `diagrams` hands every unknown keyword to Graphviz, which ignores what it does "
         "not know without a word, so a misspelt hint silently changes nothing. Distance 2 catches a dropped or "
         "doubled letter, a missing underscore and a swapped pair (the typos seen in practice) while four-letter "
         "keys allow only 1, where 2 would already match unrelated words (`qps` and `pos`, `role` and `root`). "
         "Every attribute in the Graphviz attribute reference (graphviz.org/doc/info/attrs.html) is exempt, so "
         "`root`, `pos` or `rank` are drawn as before [H].",
    why="The analysis runs as if the hint were not there: `replica=\"2\"` leaves one instance and a SPOF finding "
        "that the author believes they have answered.",
    example='db = PostgreSQL("db", replica="2")   # did you mean replicas?',
    fix="Spell the key as the message suggests (`workbench rules ATTR001` lists every key and its values), or "
        "remove it.",
)


def _typo_message(where: str, key: str, value: str, suggestion: str | None) -> str:
    hint = f"; did you mean `{suggestion}`?" if suggestion else ""
    return (f"unknown analysis attribute `{key}` on {where}{hint} ({key}=\"{value}\" is not passed to Graphviz "
            "and has no effect)")


def check_attr002(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    d = g.diagram
    for what, keys, values, file, line, target in (
            [(f"diagram `{d.name}`", DIAGRAM_WB_KEYS, d.analysis, d.file, d.line, "(diagram)")]
            + [(f"cluster `{c.label}`", CLUSTER_WB_KEYS, c.analysis, c.file or d.file, c.line or d.line,
                f"(cluster)|{c.label}") for c in d.clusters]):
        for key, value in values.items():
            if key in keys:
                continue
            f = diagram_finding(g, "ATTR002", "warning", _typo_message(what, key, value, wb_near_miss(key, keys)),
                                f"rename `{key}`, or remove it")
            f.target, f.file, f.line = f"{target}|{key}", file, line
            out.append(f)
    for nid, info in g.nodes.items():
        for key, value in info.analysis.items():
            if key not in ANALYSIS_NODE_KEYS:
                suggestion = near_miss(key, ANALYSIS_NODE_KEYS)
                f = node_finding(g, "ATTR002", "warning",
                                 _typo_message(f"`{info.label}`", key, value, suggestion),
                                 f'write {suggestion}="{value}"' if suggestion else f"remove `{key}`", nid)
                f.target = f"{f.target}|{key}"
                out.append(f)
    for e in d.edges:
        if e.tail not in g.nodes or e.head not in g.nodes:
            continue
        for key, value in e.analysis.items():
            if key not in ANALYSIS_EDGE_KEYS:
                a, b = g.label(e.caller), g.label(e.callee)
                suggestion = near_miss(key, ANALYSIS_EDGE_KEYS)
                out.append(edge_finding(g, "ATTR002", "warning",
                                        _typo_message(f"edge `{a} → {b}`", key, value, suggestion),
                                        f'write Edge({suggestion}="{value}")' if suggestion else f"remove `{key}`",
                                        f"{a} → {b}|{key}", [], [e.id]))
    return out


CHECKS = (Check(ATTR001, check_attr001), Check(ATTR002, check_attr002))
