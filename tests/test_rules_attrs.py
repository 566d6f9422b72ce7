"""ATTR001 (unreadable analysis attribute): a value the analysis cannot read is reported, never silently ignored."""

from __future__ import annotations

import pytest
from archbuilder import Arch, analyse_arch

from workbench.analysis.rules import CATALOGUE


def attr001(b, **kw):
    return [f for f in analyse_arch(b, **kw).findings if f.code == "ATTR001"]


def design(node_attrs=None, edge_attrs=None, wb=None, cluster=None):
    b = Arch(**(wb or {}))
    users = b.node("Users", "users")
    if cluster:
        with b.cluster("web", **cluster):
            api = b.node("ECS", "api", **(node_attrs or {}))
    else:
        api = b.node("ECS", "api", **(node_attrs or {}))
    b.edge(users, api)
    b.edge(api, b.node("RDS", "db", multi_az="true"), **(edge_attrs or {}))
    return b


@pytest.mark.parametrize("key, value, expected", [
    ("replicas", "x", "a whole number of instances"),
    ("replicas", "0", "a whole number of instances"),
    ("replicas", "2.5", "a whole number of instances"),
    ("read_ratio", "10", "reads:writes"),
    ("read_ratio", "bad", "reads:writes"),
    ("qps", "lots", "a rate"),
    ("capacity_qps", "fast", "a per-instance rate"),
    ("capacity_qps", "0", "a per-instance rate"),
    ("capacity_qps", "5000:500", "reads:writes only on relational databases and DynamoDB"),
    ("cache_hit", "80", "a hit ratio between 0 and 1"),
    ("multi_az", "ture", "true or false"),
    ("failover", "automatic", "auto or manual"),
    ("quorum", "most", "majority or a whole number"),
])
def test_unreadable_node_values_are_reported(key, value, expected):
    b = design({key: value})
    [f] = attr001(b)
    api = b.nodes[1]
    assert f.severity == "warning" and f.nodes == [api.id] and f.line == api.line and f.file == "design.py"
    assert f.message.startswith(f'`api`: {key}="{value}" cannot be read; expected ')
    assert expected in f.message and "ignored" in f.message


@pytest.mark.parametrize("key, value", [
    ("replicas", "3"), ("read_ratio", "10:1"), ("read_ratio", "0.9"), ("read_ratio", "90%"), ("qps", "2k"),
    ("qps", "2,000"), ("capacity_qps", "5000"), ("cache_hit", "0.95"), ("cache_hit", "95%"), ("multi_az", "yes"),
    ("failover", "AUTO"), ("quorum", "majority"), ("quorum", "3"), ("zone", "anything"), ("replicas", ""),
])
def test_readable_node_values_are_not_reported(key, value):
    assert attr001(design({key: value})) == []


def test_relational_capacity_pair_is_readable():
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("RDS", "db", capacity_qps="50000:5000"),)
    assert attr001(b) == []


@pytest.mark.parametrize("key, value, expected", [
    ("fraction", "-1", "a multiplier"), ("fraction", "x", "a multiplier"), ("kind", "asynch", "one of sync"),
    ("read_ratio", "lots", "reads:writes"),
])
def test_unreadable_edge_values_are_reported_at_the_edge(key, value, expected):
    b = design(edge_attrs={key: value})
    [f] = attr001(b)
    e = b.edges[-1]
    assert f.edges == [e.id] and f.line == e.line
    assert f.message.startswith(f'edge `api → db`: {key}="{value}" cannot be read; expected ')
    assert expected in f.message


@pytest.mark.parametrize("value", ["0.1", "2", "120", "2%", "3x", "0"])
def test_any_non_negative_fraction_is_readable(value):
    assert attr001(design(edge_attrs={"fraction": value})) == []


def test_unreadable_diagram_and_cluster_values():
    [f] = attr001(design(wb={"wb_qps": "lots"}))
    assert f.message.startswith('diagram `test`: wb_qps="lots" cannot be read') and f.nodes == [] and f.line == 1
    [f] = attr001(design(wb={"wb_read_ratio": "10"}))
    assert "wb_read_ratio" in f.message
    [f] = attr001(design(wb={"wb_slo": "high"}))
    assert "wb_slo" in f.message
    [f] = attr001(design(cluster={"wb_replicas": "many"}))
    assert f.message.startswith('cluster `web`: wb_replicas="many" cannot be read')


def test_one_finding_per_key_with_stable_distinct_targets():
    findings = attr001(design({"replicas": "x", "qps": "lots"}))
    assert sorted(f.message.split("=")[0] for f in findings) == ["`api`: qps", "`api`: replicas"]
    assert len({f.fingerprint for f in findings}) == 2


def test_attr001_is_documented():
    rule = CATALOGUE["ATTR001"]
    assert rule.title == "Unreadable analysis attribute" and rule.severity == "warning"
    assert rule.what and rule.why and rule.example and rule.fix and rule.accept


@pytest.mark.parametrize("value", ["1.5B", "2 thousand", "2,000", "2k", "1.5M"])
def test_rates_read_like_the_capacity_sheet(value):
    # Node keywords share the design sheet's count grammar (capacity.parse_count): no ATTR001 for these.
    assert attr001(design({"qps": value})) == []
