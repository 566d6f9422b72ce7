"""CACHE001 (missing cache on a read-heavy path) and CACHE002 (single cache node)."""

from __future__ import annotations

from archbuilder import Arch, analyse_arch, hits


def read_heavy(ratio="100:1", db_attrs=None, wb=None, with_cache=None, dax=False):
    b = Arch(**(wb or {}))
    users = b.node("Users", "users", qps="1500", **({"read_ratio": ratio} if ratio else {}))
    api = b.node("ECS", "api", replicas="3")
    db = b.node("RDS", "db", multi_az="true", **(db_attrs or {}))
    b.chain(users, b.node("ALB", "alb"), api)
    if dax:
        b.chain(api, b.node("DynamodbDax", "dax"), db)
    else:
        b.edge(api, db)
    if with_cache:
        b.edge(api, b.node(with_cache, "cache"))
    return b


def cache001(b, **kw):
    return [f for f in analyse_arch(b, **kw).findings if f.code == "CACHE001"]


def test_cache001_read_heavy_store_without_cache():
    [f] = cache001(read_heavy())
    assert f.severity == "warning" and f.entries == ["users"] and f.nodes == ["db"]
    assert f.message == "`db` serves a 99%-read workload from `users` with no cache"


def test_cache001_threshold_is_80_percent():
    assert cache001(read_heavy("4:1"))
    assert not cache001(read_heavy("3:1"))


def test_cache001_silent_without_a_declared_ratio():
    assert not cache001(read_heavy(ratio=None))


def test_cache001_nearest_declaration_wins():
    assert not cache001(read_heavy(db_attrs={"read_ratio": "1:1"}))  # the store's own ratio
    assert cache001(read_heavy(ratio=None, wb={"wb_read_ratio": "9:1"}))  # the diagram's
    assert cache001(read_heavy(ratio=None), design_inputs={"read_ratio": "9:1"})  # the design sheet's


def test_cache001_silent_when_cached_fronted_or_declared():
    assert not cache001(read_heavy(with_cache="Redis"))
    assert not cache001(read_heavy(dax=True))
    assert not cache001(read_heavy(db_attrs={"cache": "true"}))


def test_cache001_cache_on_the_entry_path_counts_and_cdn_only_with_caches_api():
    def design(**cdn):
        b = Arch()
        users = b.node("Users", "users", read_ratio="20:1")
        b.chain(users, b.node("CloudFront", "cdn", **cdn), b.node("ECS", "api", replicas="2"),
                b.node("RDS", "db", multi_az="true"))
        return b

    assert cache001(design())
    assert not cache001(design(caches_api="true"))


def cache002(b):
    return [f for f in analyse_arch(b).findings if f.code == "CACHE002"]


def test_cache002_single_cache_aside_warning_without_load():
    b = Arch()
    users, api = b.node("Users", "users"), b.node("ECS", "api", replicas="2")
    b.chain(users, api)
    b.edge(api, [b.node("Redis", "cache"), b.node("RDS", "db", multi_az="true")])
    [f] = cache002(b)
    assert f.severity == "warning" and f.message == "cache `cache` is a single node; on failure all its reads hit `db`"
    assert ("SPOF001", "cache") not in hits(analyse_arch(b).findings)


def test_cache002_error_when_the_store_cannot_take_the_cache_off_load():
    b = read_heavy(with_cache="Redis")
    b.nodes[0].analysis["qps"] = "12000"  # 11,881 reads/s > 10,000 for one read-serving RDS instance
    [f] = cache002(b)
    assert f.severity == "error" and "11,881 reads/s" in f.message and "capacity 10,000" in f.message


def test_cache002_silent_for_replicated_managed_hard_or_unreachable_caches():
    for cache_attrs, cls in (({"replicas": "2"}, "Redis"), ({"multi_az": "true"}, "ElastiCache"),
                             ({"tier": "standard"}, "Memorystore")):
        b = Arch()
        users, api = b.node("Users", "users"), b.node("ECS", "api", replicas="2")
        b.chain(users, api)
        b.edge(api, [b.node(cls, "cache", **cache_attrs), b.node("RDS", "db", multi_az="true")])
        assert not cache002(b)
    b = Arch()
    users, api = b.node("Users", "users"), b.node("ECS", "api", replicas="2")
    b.chain(users, api, b.node("Redis", "sessions"))  # hard: REP001, not CACHE002
    assert not cache002(b)
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("ECS", "api", replicas="2"), b.node("RDS", "db", multi_az="true"))
    orphan_caller = b.node("ECS", "batch", replicas="2")
    b.edge(orphan_caller, [b.node("Redis", "cache"), b.nodes[2]])
    assert not cache002(b)  # nothing reaches the cache from an entry
