"""Issue 16 where people see it: the per-diagram json objects of `check --format json` and one text line."""

from __future__ import annotations

import json

import pytest
from clirun import run

DESIGN = """
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.aws.network import ALB
    from diagrams.aws.storage import S3
    from diagrams.onprem.client import Users
    from diagrams.onprem.inmemory import Redis
    from workbench.sheet import Sheet

    Sheet(title="web", slo="99.95%", latency_p99_ms=100)

    with Diagram("Web", show=False):
        apps = [EC2("app-1", availability="99.5"), EC2("app-2", availability="99.5")]
        Users("users") >> ALB("lb", availability="99.99") >> apps >> RDS("db", availability="99.95")
        apps >> Redis("cache")
        apps >> S3("media", latency_ms="150")
"""


@pytest.fixture
def ws(ws, write_design):
    write_design(ws, "web", DESIGN)
    return ws


def test_json_carries_availability_and_latency_per_diagram(ws):
    result = run("check", "designs/web.py", "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    (diagram,) = json.loads(result.output)["designs"][0]["diagrams"]
    a = diagram["availability"]
    assert set(a) == {"estimate", "slo", "entries", "contributors", "method"}
    expected = 0.9999 * (1 - 0.005 ** 2) * 0.9995 * 0.999 * 100  # S3 Standard's SLA 99.9 % [AV5]
    assert a["estimate"] == pytest.approx(expected, abs=1e-6)
    assert a["slo"] == 99.95 and a["method"] == "exact"
    assert a["entries"] == {"users": a["estimate"]}
    assert a["contributors"][0]["nodes"] == ["media"]
    assert sum(c["share"] for c in a["contributors"]) == pytest.approx(1.0, abs=1e-5)
    assert {"nodes": ["app-1", "app-2"], "share": pytest.approx(0.025 / 1.625, abs=1e-4)} in a["contributors"]
    lat = diagram["latency"]
    assert lat == {"p99_ms": 172.0, "target_ms": 100.0, "path": ["users", "lb", "{app-1, app-2}", "media"],
                   "entries": {"users": 172.0}}
    codes = {f["code"]: f for f in diagram["findings"]}
    assert codes["AVAIL001"]["severity"] == "warning"
    assert codes["LAT001"]["severity"] == "warning"


def test_text_output_has_one_line_per_diagram(ws):
    result = run("check", "designs/web.py", "--fail-on", "never")
    lines = [x for x in result.output.splitlines() if x.startswith("availability ")]
    assert lines == ["availability 99.8376% (SLO 99.95%, MISSED; 70 min/month down vs 22 min budget); "
                     "slowest path p99 172 ms (target 100 ms, MISSED)"]


def test_sarif_and_junit_carry_the_new_findings(ws):
    sarif = json.loads(run("check", "designs/web.py", "--format", "sarif", "--fail-on", "never").output)
    assert {"AVAIL001", "LAT001"} <= {r["ruleId"] for r in sarif["runs"][0]["results"]}
    junit = run("check", "designs/web.py", "--format", "junit", "--fail-on", "never").output
    assert "AVAIL001" in junit and "LAT001" in junit


def test_the_report_shows_the_step_7_table(ws):
    result = run("render", "designs/web.py")
    assert result.exit_code == 0, result.output
    md = (ws / "out" / "web" / "report.md").read_text(encoding="utf-8")
    section = md[md.index("## 7. Reliability"):]
    assert "**Availability against the targets**" in section
    row = next(line for line in section.splitlines() if line.startswith("| users |"))
    assert "| 99.8376% | 99.95% (missed) | 70 min | 22 min |" in row
    assert "`media` 62%" in row and "172.0 ms (target 100.0 ms)" in row
    html = (ws / "out" / "web" / "report.html").read_text(encoding="utf-8")
    assert '<table class="targets">' in html and "<strong>99.8376%</strong>" in html
    assert "users → lb → {app-1, app-2} → media" in html
