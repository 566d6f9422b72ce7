"""Role inference (analysis spec §1 RANK, §2): gold roles, coverage of the installed `diagrams`, overrides, C4."""

from __future__ import annotations

import importlib
import json
from importlib.metadata import version

import pytest

from workbench.analysis import roles
from workbench.analysis.roles import (
    AUXILIARY_ROLES,
    RANK,
    REQUEST_ROLES,
    ROLES,
    STATEFUL,
    RoleResolution,
    class_role,
    coverage,
    format_roles,
    iter_node_classes,
    resolve_role,
)
from workbench.design.model import Node

# (diagrams module, name as users import it — aliases included, expected role)
GOLD = [
    ("aws.iot", "IotMqtt", "queue"),  # an MQTT broker (Mosquitto), not a device
    ("onprem.client", "Users", "client"), ("onprem.client", "User", "client"), ("onprem.client", "Client", "client"),
    ("aws.general", "Users", "client"), ("aws.general", "User", "client"), ("aws.general", "Client", "client"),
    ("aws.general", "MobileClient", "client"), ("generic.device", "Mobile", "client"),
    ("generic.device", "Tablet", "client"), ("ibm.user", "User", "client"), ("ibm.user", "Browser", "client"),
    ("aws.network", "ELB", "load_balancer"), ("aws.network", "ALB", "load_balancer"),
    ("aws.network", "NLB", "load_balancer"), ("aws.network", "ElasticLoadBalancing", "load_balancer"),
    ("aws.network", "CLB", "load_balancer"), ("onprem.network", "Haproxy", "load_balancer"),
    ("onprem.network", "Nginx", "load_balancer"), ("gcp.network", "LoadBalancing", "load_balancer"),
    ("k8s.network", "Ing", "load_balancer"), ("azure.network", "LoadBalancers", "load_balancer"),
    ("azure.network", "ApplicationGateway", "load_balancer"),
    ("aws.database", "RDS", "database"), ("aws.database", "Aurora", "database"),
    ("onprem.database", "PostgreSQL", "database"), ("onprem.database", "MySQL", "database"),
    ("onprem.database", "Cassandra", "database"), ("gcp.database", "Spanner", "database"),
    ("aws.database", "Dynamodb", "database"), ("aws.database", "DynamodbTable", "database"),
    ("gcp.database", "SQL", "database"), ("azure.database", "CosmosDb", "database"),
    ("aws.database", "ElastiCache", "cache"), ("onprem.inmemory", "Redis", "cache"),
    ("onprem.inmemory", "Memcached", "cache"), ("aws.database", "DynamodbDax", "cache"),
    ("gcp.database", "Memorystore", "cache"), ("azure.database", "CacheForRedis", "cache"),
    ("aws.integration", "SQS", "queue"), ("onprem.queue", "Kafka", "queue"), ("aws.analytics", "Kinesis", "queue"),
    ("aws.analytics", "KinesisDataStreams", "queue"), ("aws.integration", "SNS", "queue"),
    ("gcp.analytics", "PubSub", "queue"), ("onprem.queue", "RabbitMQ", "queue"),
    ("aws.analytics", "ManagedStreamingForKafka", "queue"), ("azure.analytics", "EventHubs", "queue"),
    ("onprem.network", "Zookeeper", "coordination"), ("onprem.network", "Etcd", "coordination"),
    ("onprem.network", "Consul", "coordination"), ("k8s.infra", "ETCD", "coordination"),
    ("onprem.analytics", "Flink", "analytics"), ("onprem.analytics", "Spark", "analytics"),
    ("aws.network", "Route53", "dns"), ("aws.network", "CloudFront", "cdn"),
    ("aws.network", "APIGateway", "api_gateway"), ("gcp.api", "APIGateway", "api_gateway"),
    ("aws.storage", "S3", "object_storage"), ("aws.storage", "SimpleStorageServiceS3Bucket", "object_storage"),
    ("aws.storage", "SimpleStorageServiceS3Object", "object_storage"), ("gcp.storage", "GCS", "object_storage"),
    ("gcp.storage", "Storage", "object_storage"), ("azure.storage", "BlobStorage", "object_storage"),
    ("aws.compute", "EC2", "compute"), ("aws.compute", "ECS", "compute"), ("aws.compute", "Lambda", "compute"),
    ("onprem.compute", "Server", "compute"), ("k8s.compute", "Pod", "compute"), ("aws.compute", "EKS", "compute"),
    ("onprem.monitoring", "Prometheus", "observability"), ("onprem.monitoring", "Grafana", "observability"),
    ("aws.analytics", "ElasticsearchService", "search"), ("elastic.elasticsearch", "Elasticsearch", "search"),
    ("aws.storage", "EFS", "file_storage"), ("aws.storage", "EBS", "file_storage"),
    ("aws.security", "WAF", "edge_security"), ("aws.security", "Cognito", "identity"),
    ("aws.security", "SecretsManager", "secrets"), ("aws.integration", "StepFunctions", "workflow"),
    ("aws.ml", "Sagemaker", "ml"), ("onprem.network", "Internet", "internet"),
    ("aws.network", "VPC", "network"), ("aws.network", "NATGateway", "network"),
    ("onprem.ci", "Jenkins", "tooling"), ("saas.payment", "Stripe", "external_saas"),
]


def _class_of(module: str, name: str) -> tuple[str, str, str]:
    """(provider, category module, canonical class name) of a class imported the way a design imports it."""
    cls = getattr(importlib.import_module(f"diagrams.{module}"), name)
    provider, category = module.split(".")
    return provider, category, cls.__name__


def _node(**overrides) -> Node:
    fields = dict(id="n", label="n", cls="Node", provider=None, module=None, attrs={}, analysis={}, cluster=None,
                  clusters=[], file="d.py", line=1, icon=None, c4=None)
    fields.update(overrides)
    return Node(**fields)


@pytest.fixture(scope="module")
def all_classes():
    return iter_node_classes()


@pytest.fixture(scope="module")
def stats(all_classes):
    return coverage(all_classes)


@pytest.mark.parametrize(("module", "name", "expected"), GOLD, ids=[f"{m}.{n}" for m, n, _ in GOLD])
def test_gold_roles(module, name, expected):
    provider, category, cls = _class_of(module, name)
    assert class_role(provider, category, cls) == expected


def test_vocabulary_and_rank():
    assert ROLES == REQUEST_ROLES | AUXILIARY_ROLES and not REQUEST_ROLES & AUXILIARY_ROLES
    assert STATEFUL == {"database", "object_storage", "file_storage", "queue", "search", "coordination"}
    assert "cache" not in STATEFUL and STATEFUL <= REQUEST_ROLES
    assert set(RANK) == ROLES | {"unknown"}
    assert RANK["network"] is None
    order = ["client", "dns", "cdn", "load_balancer", "compute", "cache", "database"]
    assert [RANK[r] for r in order] == sorted(RANK[r] for r in order) == [0, 1, 2, 3, 4, 5, 6]
    assert RANK["unknown"] == RANK["compute"] and RANK["queue"] == RANK["cache"] < RANK["object_storage"]


def test_every_table_role_is_in_the_vocabulary():
    table_roles = set(roles.EXACT.values()) | {r for _, r in roles.KEYWORDS}
    table_roles |= {r for r in roles.PROVIDER_MODULE.values() if r} | {r for r in roles.MODULE.values() if r}
    assert table_roles <= ROLES


def test_inventory_of_installed_diagrams(all_classes, stats):
    assert all_classes == sorted(all_classes)
    assert len(all_classes) == len(set(all_classes)) > 2000
    names = {f"{p}.{m}.{c}" for p, m, c in all_classes}
    assert "aws.network.ElasticLoadBalancing" in names
    assert "aws.network.ELB" not in names  # alias
    assert "aws.database.ElastiCache" not in names and "aws.database.Elasticache" in names
    assert not any(m.startswith("_") or p in ("c4", "custom") for p, m, _ in all_classes)
    assert not any(c in ("AWS", "GCP", "Azure", "OnPrem") for _, _, c in all_classes)  # provider logos
    if version("diagrams") == "0.25.1":
        assert len(all_classes) == 2419 and len(stats["providers"]) == 17
        assert stats["providers"]["azure"]["total"] == 807 and stats["providers"]["aws"]["total"] == 502


def test_coverage_thresholds(stats):
    assert stats["total"] == sum(stats["roles"].values())
    assert stats["known_fraction"] >= 0.89
    assert stats["unknown"] == len(stats["unknown_classes"]) == sum(stats["unknown_by_module"].values())
    assert stats["known_fraction"] == round((stats["total"] - stats["unknown"]) / stats["total"], 4)


def test_no_unknown_in_core_category_modules(all_classes):
    core = {"database", "databases", "inmemory", "queue", "network", "networking", "compute"}
    unknown = [f"{p}.{m}.{c}" for p, m, c in all_classes if m in core and class_role(p, m, c) == "unknown"]
    assert unknown == []


def test_unknowns_only_in_mixed_icon_modules(all_classes):
    mixed = {m for m, r in roles.MODULE.items() if r is None}
    strays = [f"{p}.{m}.{c}" for p, m, c in all_classes if class_role(p, m, c) == "unknown" and m not in mixed]
    assert strays == []


@pytest.mark.parametrize(("provider", "module", "cls", "not_role"), [
    ("outscale", "network", "NatService", "queue"),  # "nats" inside NatService
    ("azure", "aimachinelearning", "MachineLearningStudioClassicWebServices", "file_storage"),  # "ebs"
    ("azure", "iot", "DeviceProvisioningServices", "ml"),  # "vision" inside provisioning
    ("gis", "server", "Geonetwork", "network"),
    ("k8s", "compute", "STS", "identity"),
    ("programming", "framework", "Backbone", "network"),
    ("aws", "ml", "Deepcomposer", "workflow"),
])
def test_anchored_keywords_avoid_substring_hits(provider, module, cls, not_role):
    assert class_role(provider, module, cls) != not_role


def test_keyword_words_and_anchors():
    assert roles.words("ElbApplicationLoadBalancer") == "elb application load balancer"
    assert roles.words("SimpleStorageServiceS3Bucket") == "simple storage service s3 bucket"
    assert roles.words("K8SNodePool") == "k8s node pool"
    assert roles.keyword_role("Fsnstat") is None  # "sns" only as a word
    assert roles.keyword_role("Snsx") is None
    assert roles.keyword_role("SimpleNotificationServiceSnsTopic") == "queue"
    assert roles.keyword_role("Nats") == "queue"
    # Single-word names: only the anchors keep these out of queue, file_storage and cache.
    assert roles.keyword_role("Natservice") != "queue"
    assert roles.keyword_role("Webservices") != "file_storage"
    assert roles.keyword_role("Daxter") != "cache"
    assert roles.keyword_role("DynamodbDax") == "cache"  # keywords alone put DAX before DynamoDB
    assert roles.keyword_role("") is None


def test_layers_report_their_source():
    assert roles._classify("aws", "database", "DynamodbDax") == ("cache", "exact")
    assert roles._classify("aws", "database", "ElasticacheForRedis") == ("cache", "keyword")
    assert roles._classify("programming", "framework", "Django") == ("compute", "provider_module")
    assert roles._classify("onprem", "container", "Lxc") == ("compute", "module")
    assert roles._classify("azure", "general", "Gear") == ("unknown", "unknown")
    assert class_role("nope", "nomodule", "Thing") == "unknown"


def test_oci_white_variants_follow_their_colour_twin(all_classes):
    oci = {c: class_role(p, m, c) for p, m, c in all_classes if p == "oci"}
    pairs = [(c, c[:-5]) for c in oci if c.endswith("White") and c[:-5] in oci]
    assert len(pairs) >= 60
    assert all(oci[white] == oci[base] for white, base in pairs)
    assert oci["LoadBalancerWhite"] == "load_balancer"


def test_warehouses_are_analytics_classes():
    assert class_role("aws", "database", "Redshift") == "analytics"
    assert class_role("gcp", "analytics", "Bigquery") == "analytics"
    assert {"Redshift", "Bigquery", "Snowflake", "SynapseAnalytics", "SQLDatawarehouse"} <= roles.WAREHOUSE_CLASSES


# --- resolve_role on captured nodes ---------------------------------------------------------------------------

def test_resolve_plain_class_node():
    res = resolve_role(_node(cls="ElasticLoadBalancing", provider="aws", module="network", label="lb"))
    assert res == RoleResolution("load_balancer", "keyword")


def test_valid_override_wins():
    node = _node(cls="EC2", provider="aws", module="compute", analysis={"role": "cache"})
    assert resolve_role(node) == RoleResolution("cache", "override")
    node = _node(cls="EC2", provider="aws", module="compute", analysis={"role": " Database "})
    assert resolve_role(node).role == "database"


def test_invalid_override_is_reported_and_inference_continues():
    res = resolve_role(_node(cls="RDS", provider="aws", module="database", analysis={"role": "dtabase"}))
    assert res.role == "database" and res.source == "keyword" and res.invalid_override == "dtabase"
    res = resolve_role(_node(cls="Custom", provider="custom", module="custom", label="x", analysis={"role": "db!"}))
    assert (res.role, res.invalid_override) == ("unknown", "db!")


@pytest.mark.parametrize(("ctype", "technology", "expected"), [
    ("Container", "Spring Boot", "compute"),
    ("Container", "", "compute"),
    ("System", "", "compute"),
    ("Database", "PostgreSQL 15", "database"),
    ("Database", "", "database"),
    ("Person", "", "client"),
    ("External Person", "", "client"),
    ("External System", "", "external_saas"),
    ("External System", "Kafka", "external_saas"),  # an outside system stays outside
    ("Container", "Redis", "cache"),
    ("Database", "Redis", "cache"),
    ("Container", "Apache Kafka", "queue"),
    ("Container", "RabbitMQ", "queue"),
    ("Container", "Nginx", "load_balancer"),
    ("Container", "Elasticsearch", "search"),
    ("Database", "Amazon S3", "object_storage"),
    ("Container", "Gradle build, Docker images", "compute"),  # how it is built, not what it does
])
def test_c4_nodes(ctype, technology, expected):
    c4 = {"type": ctype, "technology": technology, "name": "x", "description": ""}
    res = resolve_role(_node(label="<b>x</b>", c4=c4))
    assert (res.role, res.source) == (expected, "c4")


def test_c4_node_with_override():
    c4 = {"type": "Container", "technology": "Go", "name": "gw", "description": ""}
    assert resolve_role(_node(c4=c4, analysis={"role": "api_gateway"})) == RoleResolution("api_gateway", "override")


@pytest.mark.parametrize(("label", "expected"), [
    ("Users", "client"),
    ("Redis cache", "cache"),
    ("orders-db", "database"),
    ("Payments Kafka", "queue"),
    ("API Gateway", "api_gateway"),
    ("public load balancer", "load_balancer"),
    ("thumbnail worker", "compute"),
])
def test_custom_nodes_use_label_keywords(label, expected):
    res = resolve_role(_node(cls="Custom", provider="custom", module="custom", label=label))
    assert res == RoleResolution(expected, "label")


def test_custom_and_plain_nodes_without_keywords_are_unknown():
    assert resolve_role(_node(cls="Custom", provider="custom", module="custom", label="Ledgerly")).role == "unknown"
    assert resolve_role(_node(label="thing")) == RoleResolution("unknown", "unknown")
    assert resolve_role(_node(label="postgres primary")) == RoleResolution("database", "label")


def test_generic_classes_are_captured_without_provider():
    # diagrams.generic sets `provider`, not `_provider`, so the capture records provider None.
    res = resolve_role(_node(cls="Rack", provider=None, module="compute", label="r1"))
    assert res == RoleResolution("compute", "module")
    assert resolve_role(_node(cls="Tablet", provider=None, module="device", label="t")).role == "client"


# --- `workbench roles` output ---------------------------------------------------------------------------------

def test_format_roles_json_contract(stats):
    data = json.loads(format_roles(all_classes=True, fmt="json"))
    assert isinstance(data["classes"], list) and len(data["classes"]) == stats["total"]
    first = data["classes"][0]
    assert set(first) == {"class", "role", "source"}
    assert first["class"].count(".") == 2
    by_name = {c["class"]: c for c in data["classes"]}
    assert by_name["aws.network.ElasticLoadBalancing"]["role"] == "load_balancer"
    assert by_name["aws.database.DynamodbDax"] == {"class": "aws.database.DynamodbDax", "role": "cache",
                                                   "source": "exact"}
    summary = data["summary"]
    assert summary["roles"] == stats["roles"] and summary["known_fraction"] == stats["known_fraction"]
    assert summary["providers"]["aws"]["total"] == sum(1 for c in data["classes"] if c["class"].startswith("aws."))
    assert all(c["role"] in ROLES | {"unknown"} for c in data["classes"])


def test_format_roles_default_lists_request_path_only(stats):
    data = json.loads(format_roles(all_classes=False, fmt="json"))
    listed = {c["role"] for c in data["classes"]}
    assert listed <= REQUEST_ROLES and "load_balancer" in listed
    assert len(data["classes"]) == stats["request_path"] < stats["total"]
    assert data["summary"]["total"] == stats["total"]


def test_format_roles_text_is_aligned_with_summary():
    text = format_roles(all_classes=False, fmt="text")
    lines = text.splitlines()
    assert lines[0].split() == ["class", "role", "source"]
    row = next(line for line in lines if line.startswith("aws.network.ElasticLoadBalancing "))
    assert row.split() == ["aws.network.ElasticLoadBalancing", "load_balancer", "keyword"]
    assert lines[1].index(lines[1].split()[1]) == lines[0].index("role")
    assert "known role" in text and "unknown" in lines[-3]
    assert "azure.general.Gear" not in text
    assert "azure.general.Gear" in format_roles(all_classes=True, fmt="text")


def test_format_roles_rejects_unknown_format():
    with pytest.raises(ValueError):
        format_roles(fmt="yaml")


def test_outputs_are_deterministic():
    assert iter_node_classes() == iter_node_classes()
    assert format_roles(True, "json") == format_roles(True, "json")
    assert format_roles(False, "text") == format_roles(False, "text")
