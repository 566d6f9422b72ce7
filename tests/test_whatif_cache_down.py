"""What-if with load (issue 16 item 4): a failed cache-aside cache sends every read to its store.

A cache-aside cache is not on the required path, so the entry still works when it fails; but its hits then
fall through to the store, and a store sized for the misses only is overloaded (CACHE002's load-bearing
cache, pair_cache_before.py). The drill must say so rather than report an all-clear.
"""

from __future__ import annotations

from archbuilder import Arch

from workbench.analysis.graph import build_graph
from workbench.analysis.whatif import failed_nodes, outcome


def product_pages(cache_replicas: bool) -> Arch:
    """11,600 reads/s; the cache answers 80 %, the database serves 10,000 reads/s."""
    b = Arch()
    users = b.node("Users", "users", qps="12000", read_ratio="29:1")
    lb, api = b.node("ALB", "lb"), b.node("ECS", "api", replicas="20")
    cache = b.node("ElastiCache", "cache", **({"multi_az": "true", "replicas": "2"} if cache_replicas else {}))
    db = b.node("RDS", "db", multi_az="true", capacity_qps="10000")
    b.chain(users, lb, api)
    b.edge(api, cache, label="get / set")
    b.edge(api, db, label="miss + writes")
    return b


def drill(b: Arch, *labels: str):
    g = build_graph(b.diagram())
    failed, _ = failed_nodes(g, labels)
    return outcome(g, failed)


def test_a_failed_single_cache_overloads_the_store_behind_it():
    result = drill(product_pages(cache_replicas=False), "cache")
    assert not result.broken  # the cache is not required ...
    assert [n.group for n in result.overloaded] == ["db"]  # ... but its reads now all hit the database
    (note,) = [n for n in result.loads if n.group == "db"]
    assert note.dimension == "reads" and note.load > 10_000 and note.before is not None and note.before < 1.0
    assert [(p.entry, p.terminal) for p in result.strained] == [("users", "db")]


def test_the_store_keeps_the_misses_only_while_the_cache_is_up():
    result = drill(product_pages(cache_replicas=False), "api")  # nothing to do with the cache
    assert "db" not in [n.group for n in result.overloaded]
