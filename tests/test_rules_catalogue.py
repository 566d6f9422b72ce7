"""The rule catalogue and the runner: complete docs, crash reporting, selection, ordering, margins."""

from __future__ import annotations

import math

import pytest
from archbuilder import Arch, analyse_arch

from workbench.analysis import engine as analysis_module
from workbench.analysis.findings import SEVERITIES
from workbench.analysis.rules import CATALOGUE, CHECKS, Check

# §7: code → (title, default severity)
SPEC = {
    "ROLE001": ("Unknown component role", "info"), "ROLE002": ("Invalid role override", "error"),
    "GRAPH001": ("Undirected edge oriented", "info"), "GRAPH002": ("Response arrow ignored", "info"),
    "ENTRY001": ("Entry inferred", "info"), "SPOF001": ("Single point of failure", "error"),
    "SPOF002": ("SPOF in async consumer path", "warning"), "REP001": ("Stateful store without replica", "error"),
    "REP002": ("Failover not declared", "info"), "REP003": ("Quorum cannot tolerate a failure", "error"),
    "REP010": ("Instance count assumed", "info"), "CACHE001": ("Missing cache on read-heavy path", "warning"),
    "CACHE002": ("Single cache node", "warning"), "LB001": ("Replicated tier without load balancer", "warning"),
    "LB002": ("Internal replicas without distributor", "info"), "DATA001": ("Store exposed to clients", "warning"),
    "QUE001": ("Queue without consumers", "warning"), "QUE002": ("Queue without producers", "info"),
    "TOP001": ("Unreachable component", "warning"), "TOP002": ("Router with no targets", "warning"),
    "CYC001": ("Synchronous call cycle", "warning"), "ZONE001": ("Single region / no location info", "info"),
    "ZONE002": ("Replicas confined to one zone", "warning"), "CAP001": ("Capacity exceeded", "warning"),
    "CAP002": ("No headroom for one failure", "warning"), "CAP003": ("Provider quota exceeded", "warning"),
    "ACC001": ("Stale or expired acceptance", "info"), "ACC002": ("Acceptance without reason", "warning"),
    "ATTR001": ("Unreadable analysis attribute", "warning"),  # not in §7: unreadable values are never ignored
    "ATTR002": ("Misspelt analysis attribute", "warning"),  # issue 13 item 10: typos are named, not drawn
    # issue 16: the design against its own availability and latency targets
    "AVAIL001": ("Availability below the SLO", "warning"), "AVAIL002": ("Availability estimate meets the SLO", "info"),
    "LAT001": ("Slowest path above the latency target", "warning"),
}


def test_catalogue_is_complete_sorted_and_documented():
    assert list(CATALOGUE) == sorted(SPEC)
    for code, rule in CATALOGUE.items():
        assert (rule.title, rule.severity) == SPEC[code], code
        assert rule.what and rule.why and rule.example and rule.fix, code
        assert rule.severity in SEVERITIES
    runnable = {c.rule.code for c in CHECKS if c.run is not None}
    assert runnable == set(SPEC) - {"ACC001", "ACC002"}


def test_heuristics_are_documented_where_they_apply():
    for code in ("SPOF001", "REP010", "CACHE001", "CAP001", "CAP003", "QUE001"):
        assert "[H]" in CATALOGUE[code].what + CATALOGUE[code].fix, code


def a01() -> Arch:
    b = Arch("A01")
    b.chain(b.node("Users", "users"), b.node("ELB", "lb"), b.node("EC2", "web"), b.node("RDS", "db"))
    return b


def test_a_crashing_rule_is_reported_not_swallowed(monkeypatch):
    def boom(g, ctx):
        raise KeyError("missing")

    broken = tuple(Check(c.rule, boom) if c.rule.code == "SPOF001" else c for c in CHECKS)
    monkeypatch.setattr(analysis_module, "CHECKS", broken)
    findings = analyse_arch(a01()).findings
    crash = [f for f in findings if f.code == "WB000"]
    assert len(crash) == 1 and crash[0].severity == "error"
    assert crash[0].message == "rule SPOF001 crashed: KeyError: 'missing'"
    assert findings[0].code == "WB000" or findings[0].severity == "error"
    assert any(f.code == "REP001" for f in findings)  # the other rules still ran


def test_a_crashing_graph_build_is_reported(monkeypatch):
    def boom(*args, **kwargs):
        raise ValueError("bad model")

    monkeypatch.setattr(analysis_module, "build_graph", boom)
    result = analyse_arch(a01())
    assert [(f.code, f.message) for f in result.findings] == [
        ("WB000", "analysis graph crashed: ValueError: bad model")]
    assert result.graph is None and result.margins == {}


@pytest.mark.parametrize("select, ignore, expect", [
    (None, None, {"SPOF001", "REP001"}),
    (["SPOF"], None, {"SPOF001"}),
    (["rep001"], None, {"REP001"}),
    (None, ["REP"], {"SPOF001"}),
    (["SPOF", "REP"], ["SPOF001"], {"REP001"}),
])
def test_select_and_ignore(select, ignore, expect):
    assert {f.code for f in analyse_arch(a01(), select=select, ignore=ignore).findings} == expect


def test_findings_sorted_by_severity_then_code():
    b = a01()
    b.node("Custom", "mystery")
    findings = analyse_arch(b).findings
    ranks = [({"error": 0, "warning": 1, "info": 2}[f.severity], f.code) for f in findings]
    assert ranks == sorted(ranks)


def test_margins_per_entry():
    assert analyse_arch(a01()).margins == {"users": 1.0}
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("ELB", "lb"), b.node("EC2", "web", replicas="3"),
            b.node("RDS", "db", multi_az="true"))
    assert analyse_arch(b).margins == {"users": 3.0}
    b = Arch()
    b.chain(b.node("Users", "users"), b.node("ELB", "lb"), b.node("S3", "files"))
    assert analyse_arch(b).margins == {"users": math.inf}


def test_identical_labels_get_distinct_targets():
    b = Arch()
    b.node("Custom", "box")
    b.node("Custom", "box")
    targets = [f.target for f in analyse_arch(b).findings if f.code == "ROLE001"]
    assert sorted(targets) == ["box|Custom|", "box|Custom|#2"]
