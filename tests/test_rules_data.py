"""DATA001: clients talking straight to stores."""

from __future__ import annotations

import pytest
from archbuilder import Arch, analyse_arch


def data001(store_cls, caller="Users", **attrs):
    b = Arch()
    b.edge(b.node(caller, "users"), b.node(store_cls, "store", **attrs))
    return [f for f in analyse_arch(b).findings if f.code == "DATA001"]


@pytest.mark.parametrize("cls", ["PostgreSQL", "RDS", "Redis", "Elasticsearch", "Zookeeper", "Kafka"])
def test_data001_client_to_store(cls):
    [f] = data001(cls)
    assert f.severity == "warning" and f.message == "`users` talks directly to `store`"
    assert f.nodes == ["store", "users"] and f.edges == ["e1"]


def test_data001_internet_caller():
    assert data001("MySQL", caller="Internet")


@pytest.mark.parametrize("cls", ["S3", "CloudFront", "Cognito", "Firestore", "SQS", "ECS"])
def test_data001_exempt_targets(cls):
    assert not data001(cls)


def test_data001_only_for_synchronous_calls_from_clients():
    b = Arch()
    users, api, db = b.node("Users", "users"), b.node("ECS", "api"), b.node("PostgreSQL", "db")
    b.chain(users, api, db)
    b.edge(users, db, kind="async")  # an async label alone no longer does it: a write into a store is a request
    assert not [f for f in analyse_arch(b).findings if f.code == "DATA001"]


def test_data001_one_finding_per_store_listing_clients():
    b = Arch()
    db = b.node("PostgreSQL", "db")
    b.edge([b.node("Users", "web"), b.node("Users", "mobile")], db)
    [f] = [f for f in analyse_arch(b).findings if f.code == "DATA001"]
    assert f.message == "`web, mobile` talks directly to `db`"
