"""QUE001 (queue without consumers) and QUE002 (queue without producers)."""

from __future__ import annotations

from archbuilder import Arch, analyse_arch


def codes(b):
    return [(f.code, f.severity, f.message) for f in analyse_arch(b).findings if f.code.startswith("QUE")]


def test_que001_nothing_consumes():
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("ECS", "api", replicas="2"), q := b.node("SQS", "jobs"))
    b.edge(q, b.node("Prometheus", "metrics"))  # monitoring is not a consumer
    assert codes(b) == [("QUE001", "warning", "nothing consumes `jobs`")]


def test_que001_consumers_drawn_either_way():
    b = Arch()
    b.chain(b.node("ECS", "api", replicas="2"), b.node("SQS", "jobs"), b.node("Lambda", "worker"))
    assert codes(b) == []
    b = Arch()
    api, q, worker = b.node("ECS", "api", replicas="2"), b.node("Kafka", "events", replicas="3"), b.node(
        "EC2", "worker", replicas="2")
    b.edge(api, q)
    b.edge(worker, q, label="consume")  # the consumer polls the broker
    assert codes(b) == []


def test_que002_nothing_publishes():
    b = Arch()
    b.chain(b.node("SQS", "jobs"), b.node("Lambda", "worker"))
    assert codes(b) == [("QUE002", "info", "nothing publishes to `jobs`")]


def test_que002_fan_out_from_another_queue_is_a_producer():
    b = Arch()
    b.chain(b.node("ECS", "api", replicas="2"), b.node("SNS", "topic"), b.node("SQS", "jobs"),
            b.node("Lambda", "worker"))
    assert codes(b) == []


def test_queues_wired_to_tooling_have_a_producer_and_a_consumer():
    # A CI/CD event rule: the registry publishes push events, the rule starts the pipeline.
    b = Arch()
    b.chain(b.node("ECR", "registry", provider="aws", module="compute"),
            b.node("Eventbridge", "push-rule", provider="aws", module="integration"),
            b.node("Codepipeline", "pipeline", provider="aws", module="devtools"))
    assert codes(b) == []


def test_a_log_shipper_produces_but_monitoring_does_not():
    b = Arch()
    b.chain(b.node("Fluentd", "shipper"), b.node("Kafka", "logs", replicas="3"), b.node("EC2", "indexer",
                                                                                       replicas="2"))
    assert codes(b) == []
    b = Arch()
    b.chain(b.node("Prometheus", "metrics"), b.node("Kafka", "logs", replicas="3"), b.node("EC2", "indexer",
                                                                                          replicas="2"))
    assert codes(b) == [("QUE002", "info", "nothing publishes to `logs`")]
