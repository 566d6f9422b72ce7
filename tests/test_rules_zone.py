"""ZONE001 (single region / no location info) and ZONE002 (replicas confined to one zone)."""

from __future__ import annotations

from archbuilder import Arch, analyse_arch


def zone(b, **kw):
    return [(f.code, f.severity, f.message) for f in analyse_arch(b, **kw).findings if f.code.startswith("ZONE")]


def basic(slo=None, **web):
    b = Arch(**({"wb_slo": slo} if slo else {}))
    b.chain(b.node("Users", "users"), b.node("ELB", "lb"), b.node("EC2", "web", replicas="2", **web))
    return b


def test_zone001_no_location_info_is_info_from_9999():
    assert zone(basic("99.99")) == [
        ("ZONE001", "info", "no zone or region is declared for any component, with target 99.99%")]
    assert zone(basic("99.9")) == []
    assert zone(basic()) == []
    assert zone(basic(), design_inputs={"slo": "99.99"})  # from the design sheet


def test_zone001_single_region_is_a_warning_from_99999():
    b = Arch(wb_slo="99.999")
    with b.cluster("us-east-1"):
        b.chain(b.node("Users", "users"), b.node("ELB", "lb"), b.node("EC2", "web", replicas="2"))
    assert zone(b) == [("ZONE001", "warning", "all components in `us-east-1` with target 99.999%")]
    b = Arch(wb_slo="99.999")
    b.chain(b.node("Users", "users"), b.node("ELB", "lb"))
    b.edge(b.nodes[1], [b.node("EC2", "web-1", region="us-east-1"), b.node("EC2", "web-2", region="eu-west-1")])
    assert zone(b) == []


def test_zone002_replicas_in_one_zone():
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ELB", "lb")
    with b.cluster("AZ a"):
        webs = b.nodes_of("EC2", "web-1", "web-2")
    b.chain(users, lb, webs)
    assert zone(b) == [("ZONE002", "warning", "all replicas of `{web-1, web-2}` are in `az a`")]
    assert zone(basic(zone="us-east-1a")) == [("ZONE002", "warning", "all replicas of `web` are in `us-east-1a`")]


def test_zone002_silent_when_spread_undeclared_single_or_managed():
    b = Arch()
    users, lb = b.node("Users", "users"), b.node("ELB", "lb")
    webs = [b.node("EC2", "web-1", zone="a"), b.node("EC2", "web-2", zone="b")]
    b.chain(users, lb, webs)
    assert zone(b) == []
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("ELB", "lb"),
            [b.node("EC2", "web-1", zone="a"), b.node("EC2", "web-2")])
    assert zone(b) == []
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("ALB", "lb", zone="a"), b.node("Lambda", "fn", zone="a"))
    assert zone(b) == []


def test_zone002_zonal_managed_variants():
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("S3", "files", storage_class="one_zone"))
    assert zone(b) == [("ZONE002", "warning", "all replicas of `files` are in `one zone (storage_class=one_zone)`")]
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("NLB", "nlb", zone="us-east-1a"), b.node("Lambda", "fn"))
    assert zone(b) == [("ZONE002", "warning", "all replicas of `nlb` are in `us-east-1a`")]
