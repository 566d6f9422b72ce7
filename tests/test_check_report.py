"""`workbench check` output formats (text, json, sarif, junit) and exit status."""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from workbench import __version__
from workbench.analysis.findings import Finding, Rule
from workbench.output.check_report import (
    DesignReport,
    DiagramReport,
    exit_status,
    render,
    source_path,
    to_json,
    to_junit,
    to_sarif,
    to_text,
)

SARIF_SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"  # see tests/data/README.md


def rule(code: str, title: str, severity: str, **kw) -> Rule:
    return Rule(code=code, title=title, severity=severity, what=f"checks {title.lower()}", why="it matters",
                example=f'EC2("x")  # triggers {code}', fix="do the fix", **kw)


RULES = {
    "SPOF001": rule("SPOF001", "Single point of failure", "error", refs=("[A13] AWS REL10",)),
    "REP001": rule("REP001", "Stateful store without replica", "error"),
    "CACHE001": rule("CACHE001", "Missing cache on read-heavy path", "warning"),
    "QUE002": rule("QUE002", "Queue without producers", "info", accept="accept it on the queue"),
}


def finding(code: str, severity: str, line: int, *, file: str = "shop.py", accepted: bool = False,
            reason: str | None = None, target: str | None = None) -> Finding:
    return Finding(code=code, severity=severity, message=f"`x` triggers {code}", remediation=f"fix {code}",
                   diagram="Shop", target=target or f"{code.lower()}-target", nodes=["x-id"], labels=["x"],
                   entries=["users"], terminal="db", path=["users", "x", "db"], file=file, line=line,
                   accepted=accepted, reason=reason)


def shop() -> DesignReport:
    return DesignReport(path="designs/shop.py", error=None, diagrams=[DiagramReport("Shop", 5, 4, [
        finding("CACHE001", "warning", 12),
        finding("SPOF001", "error", 7),
        finding("REP001", "error", 9, accepted=True, reason="demo only"),
        finding("QUE002", "info", 3, file="lib/parts.py"),
    ])])


def broken() -> DesignReport:
    return DesignReport(path="designs/broken.py", error={
        "file": "broken.py", "line": 4, "message": "NameError: name 'EC3' is not defined",
        "hint": "check the import of EC3"}, diagrams=[])


def clean() -> DesignReport:
    return DesignReport(path="designs/clean.py", error=None, diagrams=[DiagramReport("Clean", 2, 1, [])])


def mild() -> DesignReport:
    """Only an info finding and an accepted error."""
    return DesignReport(path="mild.py", diagrams=[DiagramReport("Mild", 2, 1, [
        finding("QUE002", "info", 3), finding("SPOF001", "error", 2, accepted=True, reason="ok")])])


# -- exit status -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reports, expected", [
    (lambda: [shop()], {"error": 1, "warning": 1, "info": 1, "never": 0}),
    (lambda: [mild()], {"error": 0, "warning": 0, "info": 1, "never": 0}),
    (lambda: [clean()], {"error": 0, "warning": 0, "info": 0, "never": 0}),
    (lambda: [clean(), broken()], {"error": 2, "warning": 2, "info": 2, "never": 2}),
    (lambda: [shop(), broken()], {"error": 2, "warning": 2, "info": 2, "never": 2}),
    (lambda: [], {"error": 0, "warning": 0, "info": 0, "never": 0}),
])
def test_exit_status(reports, expected):
    assert {fail_on: exit_status(reports(), fail_on) for fail_on in expected} == expected


def test_warning_only_design():
    r = DesignReport("w.py", diagrams=[DiagramReport("W", 1, 0, [finding("CACHE001", "warning", 1)])])
    assert [exit_status([r], t) for t in ("error", "warning", "info", "never")] == [0, 1, 1, 0]


def test_bad_fail_on():
    with pytest.raises(ValueError):
        exit_status([shop()], "fatal")
    with pytest.raises(ValueError):
        render("xml", [shop()], RULES)


# -- paths -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("design, file, expected", [
    ("shop.py", "", "shop.py"),
    ("shop.py", "shop.py", "shop.py"),
    ("designs/shop.py", "shop.py", "designs/shop.py"),
    ("designs/shop.py", "lib/parts.py", "designs/lib/parts.py"),
    ("designs/shop.py", "../common/parts.py", "common/parts.py"),
    ("./designs/shop.py", "shop.py", "designs/shop.py"),
    ("designs\\shop.py", "lib\\parts.py", "designs/lib/parts.py"),
    ("/abs/designs/shop.py", "shop.py", "/abs/designs/shop.py"),
])
def test_source_path(design, file, expected):
    assert source_path(design, file) == expected


# -- text ------------------------------------------------------------------------------------------------------


def test_text_lines():
    text = to_text([shop(), broken(), clean()], color=False, fail_on="error")
    lines = text.splitlines()
    assert "\x1b" not in text
    assert "== designs/shop.py, diagram Shop (5 nodes, 4 edges) ==" in lines
    # Active findings: `[n] file:line: CODE severity message`, most severe first, remediation indented below; the
    # number is the findings view's badge (errors and warnings only); code spans lose their backticks.
    active = [ln for ln in lines if re.match(r"^(\[\d+\] )?\S+:\d+: [A-Z]+\d+ (error|warning|info) ", ln)]
    assert active == [
        "[2] designs/shop.py:7: SPOF001 error x triggers SPOF001",  # numbered in the review's order, as drawn
        "[1] designs/shop.py:12: CACHE001 warning x triggers CACHE001",
        "designs/lib/parts.py:3: QUE002 info x triggers QUE002",
    ]
    assert lines[lines.index(active[0]) + 1] == "    fix: fix SPOF001"
    # Accepted findings: a separate block, indented so jump lists skip them, with their reason.
    block = lines.index("accepted (1):")
    assert block > lines.index(active[-1])
    assert lines[block + 1] == "  designs/shop.py:9: REP001 error x triggers REP001"
    assert lines[block + 2] == "      reason: demo only"
    # Load error with its hint.
    assert "designs/broken.py:4: error NameError: name 'EC3' is not defined" in lines
    assert "    hint: check the import of EC3" in lines
    assert "no findings" in lines
    assert lines[-1] == ("3 designs checked: 1 error, 1 warning, 1 info; 1 accepted; 1 failed to load; "
                         "failed (--fail-on error)")


def test_text_summary_passed_and_color():
    plain = to_text([mild()], color=False, fail_on="error")
    assert plain.splitlines()[-1] == ("1 design checked: 0 errors, 0 warnings, 1 info; 1 accepted; 0 failed to load; "
                                      "passed (--fail-on error)")
    colored = to_text([shop()], color=True, fail_on="error")
    assert "\x1b[" in colored
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == to_text([shop()], color=False, fail_on="error")


def test_text_error_without_line():
    r = DesignReport("d/x.py", error={"file": "x.py", "line": 0, "message": "boom", "hint": None})
    assert "d/x.py: error boom" in to_text([r], color=False).splitlines()


# -- json ------------------------------------------------------------------------------------------------------


def test_json_contract():
    data = json.loads(to_json([shop(), broken()], fail_on="warning"))
    assert data["version"] == 1
    assert [d["path"] for d in data["designs"]] == ["designs/shop.py", "designs/broken.py"]
    s, b = data["designs"]
    assert s["error"] is None and s.keys() >= {"path", "error", "diagrams"}
    assert b["diagrams"] == [] and b["error"]["file"] == "broken.py" and b["error"]["line"] == 4
    assert b["error"].keys() >= {"file", "line", "message", "hint"}
    [d] = s["diagrams"]
    assert (d["name"], d["nodes"], d["edges"]) == ("Shop", 5, 4)
    contract = {"code", "severity", "nodes", "entry", "message", "remediation", "path", "line", "accepted",
                "reason", "fingerprint"}
    for f in d["findings"]:
        assert f.keys() >= contract
    spof = next(f for f in d["findings"] if f["code"] == "SPOF001")
    assert spof["nodes"] == ["x"] and spof["path"] == ["users", "x", "db"] and spof["entry"] == "users"
    assert spof["accepted"] is False and spof["reason"] is None and len(spof["fingerprint"]) == 16
    assert spof["source"] == "designs/shop.py" and spof["line"] == 7
    rep = next(f for f in d["findings"] if f["code"] == "REP001")
    assert rep["accepted"] is True and rep["reason"] == "demo only"
    summary = data["summary"]
    assert summary["error"] == 1 and summary["warning"] == 1 and summary["info"] == 1
    assert summary["accepted"] == 1 and summary["failed_to_load"] == 1 and summary["designs"] == 2
    assert summary["failing"] == 2 and summary["exit_status"] == 2 and summary["fail_on"] == "warning"


# -- sarif -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads(SARIF_SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    assert cls is jsonschema.Draft4Validator  # the schema says draft-04
    cls.check_schema(schema)
    return cls(schema)


def test_sarif_valid_and_complete(sarif_validator):
    text = to_sarif([shop(), broken(), clean()], RULES, fail_on="error")
    doc = json.loads(text)
    sarif_validator.validate(doc)
    assert doc["version"] == "2.1.0"
    [run] = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "workbench" and driver["version"] == __version__
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == set(RULES)
    spof = rules["SPOF001"]
    assert spof["shortDescription"]["text"] == "Single point of failure"
    assert spof["fullDescription"]["text"] == "checks single point of failure"
    assert "do the fix" in spof["help"]["text"] and "[A13] AWS REL10" in spof["help"]["text"]
    assert "**How to fix it**" in spof["help"]["markdown"] and "wb: accept SPOF001" in spof["help"]["markdown"]
    assert "accept it on the queue" in rules["QUE002"]["help"]["text"]
    assert [rules[c]["defaultConfiguration"]["level"] for c in ("SPOF001", "CACHE001", "QUE002")] == [
        "error", "warning", "note"]
    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {"SPOF001", "REP001", "CACHE001", "QUE002"}
    for r in run["results"]:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["partialFingerprints"]["workbench/v1"]
    s = results["SPOF001"]
    assert s["level"] == "error" and s["message"]["text"].startswith("`x` triggers SPOF001")
    loc = s["locations"][0]["physicalLocation"]
    assert loc == {"artifactLocation": {"uri": "designs/shop.py"}, "region": {"startLine": 7}}
    assert results["QUE002"]["level"] == "note"
    assert results["QUE002"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "designs/lib/parts.py"
    assert "suppressions" not in s
    assert results["REP001"]["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                                  "justification": "demo only"}]
    [inv] = run["invocations"]
    assert inv["executionSuccessful"] is False and inv["exitCode"] == 2
    [note] = inv["toolExecutionNotifications"]
    assert note["level"] == "error" and "NameError" in note["message"]["text"] and "hint" in note["message"]["text"]
    assert note["locations"][0]["physicalLocation"]["region"]["startLine"] == 4


def test_sarif_edge_cases_valid(sarif_validator):
    odd = DesignReport("/abs/my designs/shop.py", diagrams=[DiagramReport("Shop", 1, 0, [
        finding("UNKNOWN9", "warning", 0), finding("SPOF001", "error", 1, file="")])])
    doc = json.loads(to_sarif([odd, clean()], RULES))
    sarif_validator.validate(doc)
    run = doc["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is True
    unknown = next(r for r in run["results"] if r["ruleId"] == "UNKNOWN9")
    phys = unknown["locations"][0]["physicalLocation"]
    assert "region" not in phys  # line 0: no region rather than an invalid startLine
    assert phys["artifactLocation"]["uri"] == "file:///abs/my%20designs/shop.py"
    assert "UNKNOWN9" in {r["id"] for r in run["tool"]["driver"]["rules"]}
    empty = json.loads(to_sarif([], {}))
    sarif_validator.validate(empty)


def test_sarif_validation_can_fail(sarif_validator):
    doc = json.loads(to_sarif([shop()], RULES))
    bad_level = copy.deepcopy(doc)
    bad_level["runs"][0]["results"][0]["level"] = "info"  # SARIF says "note"
    bad_line = copy.deepcopy(doc)
    bad_line["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    no_driver = copy.deepcopy(doc)
    del no_driver["runs"][0]["tool"]["driver"]
    bad_suppression = copy.deepcopy(doc)
    bad_suppression["runs"][0]["results"][0]["suppressions"] = [{"kind": "inline"}]
    for bad in (bad_level, bad_line, no_driver, bad_suppression, {"version": "2.1.0"}):
        assert not sarif_validator.is_valid(bad)


# -- junit -----------------------------------------------------------------------------------------------------


def suites(xml: str) -> dict[str, ET.Element]:
    root = ET.fromstring(xml)
    assert root.tag == "testsuites"
    return {s.get("name"): s for s in root.findall("testsuite")}


def test_junit_structure():
    xml = to_junit([shop(), broken(), clean()], RULES, fail_on="error")
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(xml)
    by_name = suites(xml)
    assert list(by_name) == ["designs/shop.py", "designs/broken.py", "designs/clean.py"]
    shop_suite = by_name["designs/shop.py"]
    cases = {c.get("name"): c for c in shop_suite.findall("testcase")}
    assert sorted(cases) == sorted(RULES)  # one testcase per catalogue rule
    assert all(c.get("classname") == "designs/shop.py" for c in cases.values())
    [failure] = cases["SPOF001"].findall("failure")
    assert failure.get("message") == "`x` triggers SPOF001" and "designs/shop.py:7:" in failure.text
    assert not cases["CACHE001"].findall("failure")  # below --fail-on error: listed in system-out
    assert "CACHE001 warning" in cases["CACHE001"].find("system-out").text
    assert not cases["REP001"].findall("failure")  # accepted
    assert "accepted: demo only" in cases["REP001"].find("system-out").text
    assert (shop_suite.get("tests"), shop_suite.get("failures"), shop_suite.get("errors")) == ("4", "1", "0")
    broken_suite = by_name["designs/broken.py"]
    [case] = broken_suite.findall("testcase")
    err = case.find("error")
    assert err is not None and "NameError" in err.get("message") and "designs/broken.py:4:" in err.text
    assert (broken_suite.get("tests"), broken_suite.get("failures"), broken_suite.get("errors")) == ("1", "0", "1")
    clean_suite = by_name["designs/clean.py"]
    assert clean_suite.get("failures") == "0" and not clean_suite.findall(".//failure")
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("9", "1", "1")


@pytest.mark.parametrize("fail_on, failing", [
    ("error", {"SPOF001"}), ("warning", {"SPOF001", "CACHE001"}), ("info", {"SPOF001", "CACHE001", "QUE002"}),
    ("never", set()),
])
def test_junit_fail_on(fail_on, failing):
    suite = suites(to_junit([shop()], RULES, fail_on=fail_on))["designs/shop.py"]
    got = {c.get("name") for c in suite.findall("testcase") if c.findall("failure")}
    assert got == failing and suite.get("failures") == str(len(failing))


def test_junit_multiple_findings_and_unknown_codes():
    r = DesignReport("d.py", diagrams=[
        DiagramReport("A", 1, 0, [finding("SPOF001", "error", 1, target="a"), finding("NEW001", "error", 2)]),
        DiagramReport("B", 1, 0, [finding("SPOF001", "error", 5, target="b")]),
    ])
    cases = {c.get("name"): c for c in suites(to_junit([r], RULES))["d.py"].findall("testcase")}
    assert len(cases["SPOF001"].findall("failure")) == 2
    assert "[diagram B]" in cases["SPOF001"].findall("failure")[1].text
    assert cases["NEW001"].findall("failure")


def test_render_dispatch():
    for fmt in ("text", "json", "sarif", "junit"):
        assert render(fmt, [shop()], RULES, fail_on="warning")


def test_a_crashed_rule_fails_the_run_even_with_fail_on_never():
    crashed = DesignReport("shop.py", diagrams=[DiagramReport("Shop", 3, 2, [finding("WB000", "error", 1)])])
    assert exit_status([crashed], "never") == 1
