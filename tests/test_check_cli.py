"""`workbench check` and the findings view of `workbench render`, on small real designs written to tmp."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from clirun import run

SARIF_SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"  # see tests/data/README.md
SVG_NS = {"svg": "http://www.w3.org/2000/svg"}
RED, AMBER = "#d62728", "#f0a30a"

HEADER = """
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.aws.network import ELB
    from diagrams.onprem.client import Users

"""
DESIGNS = {
    # No finding at all.
    "clean": HEADER + """    with Diagram("Clean", show=False):
        Users("users") >> ELB("lb") >> [EC2("web-1"), EC2("web-2")] >> RDS("db", multi_az="true")
""",
    # SPOF001 on web and REP001 on db, both errors, on line 8.
    "spof": HEADER + """    with Diagram("Spof", show=False):
        Users("users") >> ELB("lb") >> EC2("web") >> RDS("db")
""",
    # Only a warning: LB001, clients call the replicas directly.
    "warn": HEADER + """    with Diagram("Warn", show=False):
        Users("users") >> [EC2("web-1"), EC2("web-2")] >> RDS("db", multi_az="true")
""",
    # Only info: ACC001, an acceptance that matches no finding.
    "info": HEADER + """    with Diagram("Info", show=False):
        Users("users") >> ELB("lb") >> [EC2("web-1"), EC2("web-2")] >> RDS("db", multi_az="true", accept="SPOF001: demo")
""",
    # The SPOF on web, accepted; nothing else.
    "accepted": HEADER + """    with Diagram("Accepted", show=False):
        Users("users") >> ELB("lb") >> EC2("web", accept="SPOF001: demo") >> RDS("db", multi_az="true")
""",
    # One error (REP001 on db) and one warning (LB001 on the web tier).
    "mixed": HEADER + """    with Diagram("Mixed", show=False):
        Users("users") >> [EC2("web-1"), EC2("web-2")] >> RDS("db")
""",
    # Does not load.
    "broken": "with Diagram(\n",
}

FINDING_LINE = re.compile(r"^(?:\[\d+\] )?(?P<path>\S+?):(?P<line>\d+): (?P<code>[A-Z]+\d{3}) (?P<severity>error|warning|info) "
                          r"(?P<message>\S.*)$")


@pytest.fixture
def ws(ws, write_design):
    """A workspace (the current directory) with every design of DESIGNS in designs/."""
    for name, source in DESIGNS.items():
        write_design(ws, name, source)
    return ws


def check(*args: str):
    result = run("check", *args)
    return result.exit_code, result.stdout


def finding_lines(text: str) -> list[dict]:
    return [m.groupdict() for line in text.splitlines() if (m := FINDING_LINE.match(line))]


# -- exit status ---------------------------------------------------------------------------------------------


def test_clean_design_exits_0(ws):
    status, out = check("designs/clean.py")
    assert status == 0, out
    assert finding_lines(out) == [] and "no findings" in out and "passed" in out


def test_spof_exits_1_and_names_file_line_and_node(ws):
    status, out = check("designs/spof.py")
    assert status == 1, out
    lines = finding_lines(out)
    assert {(f["code"], f["severity"]) for f in lines} == {("SPOF001", "error"), ("REP001", "error")}
    assert all(f["path"] == "designs/spof.py" and f["line"] == "8" for f in lines), lines
    spof = next(f for f in lines if f["code"] == "SPOF001")
    assert spof["message"].startswith("web is a single point of failure")  # code spans: plain in a terminal


def test_design_that_does_not_load_exits_2(ws):
    status, out = check("designs/broken.py")
    assert status == 2, out
    assert re.search(r"^\S*broken\.py:1: error SyntaxError: ", out, re.M), out
    assert "Traceback" not in out and "1 failed to load" in out
    # One broken design among good ones still makes the run 2, and the others are still reported.
    status, out = check("designs/broken.py", "designs/spof.py")
    assert status == 2 and "SPOF001" in out, out


def test_load_error_points_at_the_design_file_in_every_format(ws):
    """An editor or CI must be able to open the location: designs/broken.py, not designs/designs/broken.py."""
    _, text = check("designs/broken.py")
    assert re.search(r"^designs/broken\.py:1: error ", text, re.M), text
    error = json.loads(check("designs/broken.py", "--format", "json")[1])["designs"][0]["error"]
    assert error["source"] == "designs/broken.py", error
    sarif = json.loads(check("designs/broken.py", "--format", "sarif")[1])
    [note] = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "designs/broken.py"
    junit = ET.fromstring(check("designs/broken.py", "--format", "junit")[1])
    assert junit.find(".//error").text.startswith("designs/broken.py:1: ")


def test_unknown_select_code_is_a_usage_error(ws):
    result = run("check", "designs/spof.py", "--select", "NOPE042")
    assert result.exit_code == 2
    assert "NOPE042" in result.output and "workbench rules" in result.output
    result = run("check", "designs/spof.py", "--ignore", "XYZ")
    assert result.exit_code == 2 and "XYZ" in result.output


@pytest.mark.parametrize("design, fail_on, status", [
    ("warn", "error", 0), ("warn", "warning", 1), ("warn", "info", 1), ("warn", "never", 0),
    ("info", "error", 0), ("info", "warning", 0), ("info", "info", 1), ("info", "never", 0),
    ("spof", "never", 0), ("spof", "warning", 1), ("clean", "info", 0),
])
def test_fail_on(ws, design, fail_on, status):
    code, out = check(f"designs/{design}.py", "--fail-on", fail_on)
    assert code == status, out
    assert f"(--fail-on {fail_on})" in out


def test_fail_on_never_still_exits_2_for_a_broken_design(ws):
    assert check("designs/broken.py", "--fail-on", "never")[0] == 2


def test_select_and_ignore(ws):
    status, out = check("designs/spof.py", "--select", "SPOF")
    assert status == 1 and {f["code"] for f in finding_lines(out)} == {"SPOF001"}, out
    status, out = check("designs/spof.py", "--ignore", "SPOF001")
    assert status == 1 and {f["code"] for f in finding_lines(out)} == {"REP001"}, out
    status, out = check("designs/spof.py", "--select", "SPOF,REP", "--ignore", "SPOF001,REP001")
    assert status == 0 and finding_lines(out) == [], out
    status, out = check("designs/mixed.py", "--select", "LB")
    assert status == 0 and {f["code"] for f in finding_lines(out)} == {"LB001"}, out


def test_no_accept_turns_an_accepted_spof_back_into_an_error(ws):
    status, out = check("designs/accepted.py")
    assert status == 0, out
    assert finding_lines(out) == []  # accepted findings are indented: not jump targets
    assert "accepted (1):" in out and "reason: demo" in out
    status, out = check("designs/accepted.py", "--no-accept")
    assert status == 1, out
    [spof] = finding_lines(out)
    assert (spof["code"], spof["severity"], spof["path"], spof["line"]) == ("SPOF001", "error",
                                                                            "designs/accepted.py", "8")
    assert "accepted (" not in out


def test_output_file(ws):
    result = run("check", "designs/spof.py", "-o", "reports/check.txt")
    assert result.exit_code == 1
    text = (ws / "reports" / "check.txt").read_text(encoding="utf-8")
    assert {f["code"] for f in finding_lines(text)} == {"SPOF001", "REP001"}
    assert "SPOF001" not in result.stdout  # the report went to the file, not to stdout
    assert "\x1b[" not in text
    result = run("check", "designs/spof.py", "--format", "json", "-o", "check.json")
    assert json.loads((ws / "check.json").read_text(encoding="utf-8"))["summary"]["error"] == 2


def test_text_lines_have_the_editor_shape(ws):
    status, out = check("designs/spof.py", "designs/warn.py", "designs/info.py", "--fail-on", "info")
    assert status == 1
    lines = finding_lines(out)
    assert {(f["path"], f["code"], f["severity"]) for f in lines} == {
        ("designs/spof.py", "SPOF001", "error"), ("designs/spof.py", "REP001", "error"),
        ("designs/warn.py", "LB001", "warning"), ("designs/info.py", "ACC001", "info")}
    for f in lines:
        assert int(f["line"]) >= 1
    # Every line that starts with a design path and a line number is a finding line.
    located = [line for line in out.splitlines() if re.match(r"^(\[\d+\] )?designs/\w+\.py:\d+:", line)]
    assert len(located) == len(lines)
    assert out.rstrip().splitlines()[-1].startswith("3 designs checked: 2 errors, 1 warning, 1 info;")


# -- machine-readable formats --------------------------------------------------------------------------------


def test_json_contract(ws):
    status, out = check("designs/spof.py", "designs/accepted.py", "designs/broken.py", "--format", "json")
    assert status == 2
    doc = json.loads(out)
    assert doc["version"] == 1
    designs = {d["path"]: d for d in doc["designs"]}
    assert sorted(designs) == ["designs/accepted.py", "designs/broken.py", "designs/spof.py"]
    spof, accepted, broken = (designs[f"designs/{name}.py"] for name in ("spof", "accepted", "broken"))
    assert spof["error"] is None and accepted["error"] is None
    assert broken["error"]["line"] >= 1 and broken["error"]["message"] and broken["diagrams"] == []
    [diagram] = spof["diagrams"]
    assert (diagram["name"], diagram["nodes"], diagram["edges"]) == ("Spof", 4, 3)
    keys = {"code", "severity", "nodes", "entry", "message", "remediation", "path", "line", "accepted", "reason",
            "fingerprint"}
    by_code = {f["code"]: f for f in diagram["findings"]}
    assert set(by_code) == {"SPOF001", "REP001"}
    for f in diagram["findings"]:
        assert keys <= set(f), keys - set(f)
        assert f["severity"] == "error" and f["line"] == 8 and f["accepted"] is False and f["reason"] is None
        assert re.fullmatch(r"[0-9a-f]{16}", f["fingerprint"])
    assert by_code["SPOF001"]["nodes"] == ["web"] and by_code["SPOF001"]["entry"] == "users"
    assert by_code["SPOF001"]["path"] == ["users", "lb", "web", "db"]
    assert by_code["SPOF001"]["remediation"]
    [acc] = accepted["diagrams"][0]["findings"]
    assert (acc["code"], acc["accepted"], acc["reason"]) == ("SPOF001", True, "demo")
    summary = doc["summary"]
    assert (summary["designs"], summary["failed_to_load"], summary["error"], summary["accepted"],
            summary["exit_status"]) == (3, 1, 2, 1, 2)
    # Fingerprints are stable across runs.
    again = json.loads(check("designs/spof.py", "--format", "json")[1])
    assert [f["fingerprint"] for f in again["designs"][0]["diagrams"][0]["findings"]] == \
        [f["fingerprint"] for f in diagram["findings"]]


@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def test_sarif_validates_against_the_schema(ws, sarif_validator):
    status, out = check("designs/spof.py", "designs/accepted.py", "designs/warn.py", "designs/broken.py",
                        "--format", "sarif")
    assert status == 2
    doc = json.loads(out)
    sarif_validator.validate(doc)
    [sarif_run] = doc["runs"]
    results = sarif_run["results"]
    assert {(r["ruleId"], r["level"]) for r in results} == {("SPOF001", "error"), ("REP001", "error"),
                                                             ("LB001", "warning")}
    accepted = [r for r in results if r.get("suppressions")]
    assert len(accepted) == 1 and accepted[0]["suppressions"][0]["justification"] == "demo"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"designs/spof.py", "designs/accepted.py", "designs/warn.py"}
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results)
    invocation = sarif_run["invocations"][0]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 2
    # The validator is not a rubber stamp.
    broken = json.loads(out)
    broken["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        sarif_validator.validate(broken)


def test_junit_parses(ws):
    status, out = check("designs/spof.py", "designs/clean.py", "designs/broken.py", "--format", "junit")
    assert status == 2
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"designs/spof.py", "designs/clean.py", "designs/broken.py"}
    failures = suites["designs/spof.py"].findall("testcase/failure")
    assert sorted(f.get("type") for f in failures) == ["REP001 error", "SPOF001 error"]
    assert all(re.match(r"^designs/spof\.py:8: ", f.text) for f in failures)
    assert suites["designs/clean.py"].findall(".//failure") == []
    assert len(suites["designs/broken.py"].findall("testcase/error")) == 1
    assert (root.get("failures"), root.get("errors")) == ("2", "1")


# -- the findings view of `workbench render` -----------------------------------------------------------------


def node_marks(svg_path: Path) -> dict[str, dict]:
    """Per node id of a findings-view SVG: its outline colours and the finding numbers written beside it."""
    root = ET.parse(svg_path).getroot()
    marks = {}
    for group in root.iter("{http://www.w3.org/2000/svg}g"):
        if group.get("class") != "node":
            continue
        node_id = group.find("svg:title", SVG_NS).text
        strokes = {el.get("stroke") for el in group.iter() if el.get("stroke") not in (None, "none", "transparent")}
        numbers = set()
        for text in group.iter("{http://www.w3.org/2000/svg}text"):
            label = "".join(text.itertext())
            if re.fullmatch(r"#\d+(,\d+)*", label):
                numbers |= {int(n) for n in label[1:].split(",")}
                # The number in the outline's colour, or white on a badge of that colour.
                assert text.get("fill") in (RED, AMBER) or {el.get("fill") for el in group.iter()} & {RED, AMBER}, \
                    text.attrib
        marks[node_id] = {"strokes": strokes, "numbers": numbers}
    return marks


@pytest.mark.parametrize("design", ["mixed", "spof"])
def test_render_writes_the_findings_view_numbered_like_findings_json(ws, design):
    result = run("render", f"designs/{design}.py")
    assert result.exit_code == 0, result.output
    out = ws / "out" / design
    document = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    [diagram] = document["diagrams"]
    slug = diagram["slug"]
    assert (out / f"{slug}.findings.svg").is_file()
    assert not (out / f"{slug}.findings.png").exists()  # drawn by `export --findings-view` when asked for
    marks = node_marks(out / f"{slug}.findings.svg")
    model = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert set(marks) == {n["id"] for n in model["diagrams"][0]["nodes"]}

    numbered = [f for f in diagram["findings"] if f["number"] is not None]
    assert numbered and any(m["numbers"] for m in marks.values()), "nothing is numbered: the check would be empty"
    assert sorted(f["number"] for f in numbered) == list(range(1, len(numbered) + 1))
    assert all(not f["accepted"] and f["severity"] in ("error", "warning") for f in numbered)
    expected: dict[str, dict] = {node: {"numbers": set(), "severities": set()} for node in marks}
    for f in numbered:
        for node in f["node_ids"]:
            expected[node]["numbers"].add(f["number"])
            expected[node]["severities"].add(f["severity"])
    for node, want in expected.items():
        got = marks[node]
        assert got["numbers"] == want["numbers"], (node, got, want)
        if "error" in want["severities"]:
            assert RED in got["strokes"] and AMBER not in got["strokes"], (node, got)
        elif "warning" in want["severities"]:
            assert AMBER in got["strokes"] and RED not in got["strokes"], (node, got)
        else:
            assert not {RED, AMBER} & got["strokes"], (node, got)
    # Both kinds in `mixed`: the db is red (REP001 error), the web tier amber (LB001 warning).
    if design == "mixed":
        by_label = {n["label"]: n["id"] for n in model["diagrams"][0]["nodes"]}
        assert RED in marks[by_label["db"]]["strokes"]
        assert AMBER in marks[by_label["web-1"]]["strokes"] and AMBER in marks[by_label["web-2"]]["strokes"]
    # The view's numbers are the ones the plain `check` lists, for the same design.
    assert {f["code"] for f in numbered} == {f["code"] for f in finding_lines(check(f"designs/{design}.py",
                                                                                      "--fail-on", "never")[1])
                                             if f["severity"] in ("error", "warning")}


def test_accepted_finding_is_not_outlined(ws):
    assert run("render", "designs/accepted.py").exit_code == 0
    out = ws / "out" / "accepted"
    document = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    [finding] = document["diagrams"][0]["findings"]
    assert finding["accepted"] is True and finding["number"] is None
    marks = node_marks(out / "accepted.findings.svg")
    assert all(not m["numbers"] and not {RED, AMBER} & m["strokes"] for m in marks.values()), marks


def test_loader_warnings_go_to_stderr_and_leave_machine_output_clean(ws, write_design):
    write_design(ws, "attrs", HEADER + """    with Diagram("Attrs", show=False):
        Users("users") >> ELB("lb") >> [EC2("web-1", width=3), EC2("web-2")] >> RDS("db", multi_az="true")
""")
    result = run("check", "designs/attrs.py", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["designs"][0]["path"] == "designs/attrs.py"
    assert re.search(r"^warning: designs/attrs\.py:8: node 'web-1' attribute width=3 is not a string", result.stderr,
                     re.M), result.stderr


def test_rules_doc_in_the_terminal_is_plain_text_and_explains_its_tags():
    """`workbench rules CODE`: code spans without backticks (coloured on a terminal), [H] explained, references
    listed by their tags."""
    from workbench.analysis.rules import CATALOGUE
    from workbench.output.ruledoc import rule_doc

    out = run("rules", "SPOF001").output
    prose = out.split("\nExample\n")[0] + out.split("\nHow to fix it\n")[1]
    assert "`" not in prose, "a literal backtick in the rule doc"
    assert "\n[H]\n" in out and "is a heuristic" in out
    assert "\nReferences\n  [A13] AWS Well-Architected" in out
    coloured = rule_doc(CATALOGUE["SPOF001"], color=True)
    assert "\x1b[36;1m" in coloured and "`" not in coloured.split("\nExample\n")[0]
    assert "\x1b[" not in rule_doc(CATALOGUE["SPOF001"], color=False)
