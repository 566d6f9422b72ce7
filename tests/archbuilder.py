"""Build test designs directly as model objects (no subprocess): nodes, edges and clusters in a few lines.

    b = Arch("A01")
    users, lb = b.node("Users", "users"), b.node("ELB", "lb")
    web, db = b.node("EC2", "web"), b.node("RDS", "db")
    b.chain(users, lb, web, db)
    diagram = b.diagram()

Class names may be aliases (`ELB`, `PostgreSQL`); they are resolved to the canonical class through the installed
`diagrams`, exactly as the capture hook records them.
"""

from __future__ import annotations

import importlib
import re
from contextlib import contextmanager
from functools import lru_cache

from workbench.design.model import Cluster, Diagram, Edge, Node

# Where the short names used in tests live: name -> (provider, module).
KNOWN: dict[str, tuple[str, str]] = {
    "Users": ("onprem", "client"), "Client": ("onprem", "client"), "Internet": ("onprem", "network"),
    "ELB": ("aws", "network"), "ALB": ("aws", "network"), "NLB": ("aws", "network"), "CLB": ("aws", "network"),
    "CloudFront": ("aws", "network"), "Route53": ("aws", "network"), "APIGateway": ("aws", "network"),
    "EC2": ("aws", "compute"), "ECS": ("aws", "compute"), "Lambda": ("aws", "compute"),
    "EC2AutoScaling": ("aws", "compute"),
    "RDS": ("aws", "database"), "Aurora": ("aws", "database"), "ElastiCache": ("aws", "database"),
    "Dynamodb": ("aws", "database"), "DynamodbDax": ("aws", "database"),
    "S3": ("aws", "storage"), "SQS": ("aws", "integration"), "SNS": ("aws", "integration"),
    "Kinesis": ("aws", "analytics"), "Cognito": ("aws", "security"),
    "PostgreSQL": ("onprem", "database"), "MySQL": ("onprem", "database"), "Cassandra": ("onprem", "database"),
    "Mongodb": ("onprem", "database"), "Redis": ("onprem", "inmemory"), "Memcached": ("onprem", "inmemory"),
    "Kafka": ("onprem", "queue"), "RabbitMQ": ("onprem", "queue"), "Zookeeper": ("onprem", "network"),
    "Nginx": ("onprem", "network"), "HAProxy": ("onprem", "network"), "Flink": ("onprem", "analytics"),
    "Prometheus": ("onprem", "monitoring"), "Grafana": ("onprem", "monitoring"),
    "Elasticsearch": ("elastic", "elasticsearch"),
    "Deploy": ("k8s", "compute"), "Pod": ("k8s", "compute"),
    "LoadBalancing": ("gcp", "network"), "Spanner": ("gcp", "database"), "Memorystore": ("gcp", "database"),
    "GCS": ("gcp", "storage"), "Pubsub": ("gcp", "analytics"), "Run": ("gcp", "compute"),
    "BlobStorage": ("azure", "storage"), "CacheForRedis": ("azure", "database"),
    "Firestore": ("firebase", "develop"), "Stripe": ("saas", "payment"),
    "VPC": ("aws", "network"), "Rack": ("generic", "compute"),
    # classes of the official diagrams examples
    "Server": ("onprem", "compute"), "Fluentd": ("onprem", "aggregator"), "Spark": ("onprem", "analytics"),
    "Ingress": ("k8s", "network"), "Service": ("k8s", "network"), "ReplicaSet": ("k8s", "compute"),
    "Deployment": ("k8s", "compute"), "HPA": ("k8s", "clusterconfig"), "EKS": ("aws", "compute"),
    "Redshift": ("aws", "database"), "PubSub": ("gcp", "analytics"), "Dataflow": ("gcp", "analytics"),
    "BigQuery": ("gcp", "analytics"), "AppEngine": ("gcp", "compute"), "Functions": ("gcp", "compute"),
    "BigTable": ("gcp", "database"), "IotCore": ("gcp", "iot"),
    "StatefulSet": ("k8s", "compute"), "PVC": ("k8s", "storage"), "PV": ("k8s", "storage"),
    "StorageClass": ("k8s", "storage"),
}


@lru_cache(maxsize=None)
def resolve_class(name: str, provider: str | None = None, module: str | None = None) -> tuple[str, str | None, str]:
    """(canonical class, provider, module) of a diagrams class name or alias."""
    if name == "Custom":
        return "Custom", "custom", "custom"
    if provider is None:
        provider, module = KNOWN[name]
    cls = getattr(importlib.import_module(f"diagrams.{provider}.{module}"), name)
    # diagrams.generic classes have no _provider: the capture hook records provider None for them.
    return cls.__name__, getattr(cls, "_provider", None), getattr(cls, "_type", None) or module


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "node"


def node(cls: str, label: str = "", *, provider: str | None = None, module: str | None = None,
         id: str | None = None, clusters: list[str] | None = None, line: int = 0, c4: dict | None = None,
         **analysis: object) -> Node:
    """A model Node; analysis keys are given as keyword arguments (values become strings)."""
    canonical, prov, mod = resolve_class(cls, provider, module)
    chain = list(clusters or [])
    return Node(id=id or slug(label or cls), label=label, cls=canonical, provider=prov, module=mod, attrs={},
                analysis={k: _text(v) for k, v in analysis.items()}, cluster=chain[-1] if chain else None,
                clusters=chain, file="design.py", line=line, c4=c4)


def edge(a: Node, b: Node, *, dir: str = "forward", label: str = "", style: str = "", id: str = "e",
         line: int = 0, **analysis: object) -> Edge:
    """A model edge as drawn: `a >> b` is dir="forward", `a << b` is dir="back", `a - b` is dir="none"."""
    return Edge(id=id, tail=a.id, head=b.id, dir=dir, label=label, color="", style=style, attrs={},
                analysis={k: _text(v) for k, v in analysis.items()}, file="design.py", line=line)


def cluster(label: str, *, id: str | None = None, parent: str | None = None, **wb: object) -> Cluster:
    return Cluster(id=id or "cluster-" + slug(label), label=label, parent=parent, attrs={},
                   analysis={k: _text(v) for k, v in wb.items()}, file="design.py", line=0)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Arch:
    """Accumulates a design; unique ids and increasing source lines as a design file would give."""

    def __init__(self, name: str = "test", **wb: object) -> None:
        self.name = name
        self.wb = {k: _text(v) for k, v in wb.items()}
        self.nodes: list[Node] = []
        self.edges: list[Edge] = []
        self.clusters: list[Cluster] = []
        self.scope: list[str] = []
        self.line = 1

    def _next_line(self) -> int:
        self.line += 1
        return self.line

    def node(self, cls: str, label: str = "", **kw: object) -> Node:
        base = kw.pop("id", None) or slug(label or cls)
        nid, n = base, 1
        taken = {x.id for x in self.nodes}
        while nid in taken:
            n += 1
            nid = f"{base}-{n}"
        made = node(cls, label, id=nid, clusters=list(self.scope), line=self._next_line(), **kw)
        self.nodes.append(made)
        return made

    def nodes_of(self, cls: str, *labels: str, **kw: object) -> list[Node]:
        return [self.node(cls, label, **kw) for label in labels]

    @contextmanager
    def cluster(self, label: str, **wb: object):
        cid, n = "cluster-" + slug(label), 1
        while any(c.id == cid for c in self.clusters):
            n += 1
            cid = f"cluster-{slug(label)}-{n}"
        self.clusters.append(cluster(label, id=cid, parent=self.scope[-1] if self.scope else None, **wb))
        self.scope.append(cid)
        try:
            yield cid
        finally:
            self.scope.pop()

    def edge(self, a: Node | list[Node], b: Node | list[Node], **kw: object) -> list[Edge]:
        """Edges from every node of `a` to every node of `b` (lists expand like `>>` does)."""
        made = []
        for x in a if isinstance(a, list) else [a]:
            for y in b if isinstance(b, list) else [b]:
                e = edge(x, y, id=f"e{len(self.edges) + 1}", line=self._next_line(), **kw)
                self.edges.append(e)
                made.append(e)
        return made

    def chain(self, *steps: Node | list[Node], **kw: object) -> None:
        """`a >> b >> c`: forward edges between consecutive steps."""
        for x, y in zip(steps, steps[1:]):
            self.edge(x, y, **kw)

    def undirected(self, a: Node | list[Node], b: Node | list[Node], **kw: object) -> list[Edge]:
        return self.edge(a, b, dir="none", **kw)

    def back(self, a: Node | list[Node], b: Node | list[Node], **kw: object) -> list[Edge]:
        """`a << b`: stored tail-first with dir=back, meaning b calls a."""
        return self.edge(a, b, dir="back", **kw)

    def diagram(self) -> Diagram:
        return Diagram(name=self.name, slug=slug(self.name), attrs={"graph": {}, "node": {}, "edge": {}},
                       analysis=dict(self.wb), strict=False, file="design.py", line=1,
                       nodes=list(self.nodes), edges=list(self.edges), clusters=list(self.clusters))


# -- reading findings ---------------------------------------------------------------------------------------------


def subject(finding) -> str:
    """The group a finding is about, as its sorted member labels ("web", "app1,app2"); else the raw target."""
    return " -> ".join(part.split("|")[0] for part in finding.target.split(" -> "))


def hits(findings, *severities: str) -> set[tuple[str, str]]:
    """{(code, subject)} of the findings with one of `severities` (all severities when none given)."""
    return {(f.code, subject(f)) for f in findings if not severities or f.severity in severities}


def active(findings) -> set[tuple[str, str]]:
    """The spec's "Expect" set: warnings and errors."""
    return hits(findings, "error", "warning")


def analyse_arch(b: Arch, **kw):
    from workbench.analysis.engine import analyse

    return analyse(b.diagram(), **kw)


def codes(findings) -> list[str]:
    return sorted(f.code for f in findings)
