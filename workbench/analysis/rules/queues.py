"""QUE rules: queues that nothing consumes or nothing publishes to (spec §6.5)."""

from __future__ import annotations

from workbench.analysis import roles
from workbench.analysis.elements import AnalysisGraph
from workbench.analysis.findings import Finding, Rule
from workbench.analysis.rules.base import (
    OPERATORS,
    Check,
    Context,
    drives,
    group_finding,
)

QUE001 = Rule(
    code="QUE001",
    title="Queue without consumers",
    severity="warning",
    what="A queue, stream or topic with no delivery edge to a request-path node: no edge leaves it except to "
         "monitoring. A tooling or management node it triggers (an event rule starting a pipeline) consumes it. "
         "An edge drawn from a consumer *to* the queue counts as consumption when its label says so (consume, "
         "poll, pull, subscribe, receive, dequeue, read) [H].",
    why="Messages pile up until retention drops them; whatever was meant to process them never runs.",
    example='api >> SQS("jobs")',
    fix='Draw the consumer (`queue >> worker`, or `worker >> Edge(label="poll") >> queue`), or remove the queue.',
)

QUE002 = Rule(
    code="QUE002",
    title="Queue without producers",
    severity="info",
    what="A queue with no incoming synchronous or asynchronous edge (a producer enqueuing, `kind=\"async\"` "
         "included: publishing is asynchronous by nature), no delivery from another queue "
         "(fan-out such as SNS → SQS) and no edge from a log shipper (Fluentd, Fluent Bit, Logstash) or a "
         "tooling or management node (a registry publishing push events).",
    why="Usually a missing edge in the drawing; otherwise a queue nobody writes to.",
    example='SQS("jobs") >> Lambda("worker")',
    fix="Draw the producer (`api >> queue`).",
)


def _queues(g: AnalysisGraph):
    return [(gid, grp) for gid, grp in g.groups.items()
            if grp.role == "queue" and not all(g.nodes[m].unknown for m in grp.members)]


def check_que001(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    consumed = set()
    for a in g.arcs:
        if a.kind in ("sync", "async", "fallback"):
            u, v = g.group_of[a.u], g.group_of[a.v]
            if u != v and g.nodes[a.v].role in roles.REQUEST_ROLES:
                consumed.add(u)
        elif a.kind == "side" and g.nodes[a.v].role in OPERATORS:
            consumed.add(g.group_of[a.u])
    return [group_finding(g, "QUE001", "warning", f"nothing consumes `{grp.name}`",
                          f"add a consumer of `{grp.name}` or remove the queue", grp)
            for gid, grp in _queues(g) if gid not in consumed]


def check_que002(g: AnalysisGraph, ctx: Context) -> list[Finding]:
    produced = set()
    for a in g.arcs:
        if drives(g, a):
            produced.add(g.group_of[a.v])
        if a.kind not in ("sync", "async"):
            continue
        u, v = g.group_of[a.u], g.group_of[a.v]
        if u != v and (a.kind == "sync" or (g.groups[u].role == "queue" and not a.pulled)
                       or (g.groups[v].role == "queue" and not a.pulled)):
            # The last: `api >> Edge(kind="async") >> Kafka("events")` publishes; async is how queues are fed.
            produced.add(v)
    return [group_finding(g, "QUE002", "info", f"nothing publishes to `{grp.name}`",
                          f"draw the producer of `{grp.name}`", grp)
            for gid, grp in _queues(g) if gid not in produced]


CHECKS = (Check(QUE001, check_que001), Check(QUE002, check_que002))
