"""`workbench mcp`: the MCP client of the `mcp` package speaks JSON-RPC to the real server process over stdio."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

REPO = Path(__file__).resolve().parent.parent
SHIPPED = ("pair_cache_before.py", "pair_single_db_before.py", "pair_single_db_after.py")


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "ws"
    (ws / "designs").mkdir(parents=True)
    for name in SHIPPED:
        shutil.copy(REPO / "designs" / name, ws / "designs")
    (ws / "designs" / "_helper.py").write_text("X = 1\n", encoding="utf-8")
    (ws / "designs" / "broken.py").write_text("from diagrams import Diagram\nundefined_name\n", encoding="utf-8")
    # beside the workspace, not in it: the server must refuse to run it
    (tmp_path / "secret.py").write_text("from diagrams import Diagram\nopen('ran', 'w').close()\n", encoding="utf-8")
    return ws


async def session(workspace: Path) -> dict:
    """One conversation with the server, as an assistant would have it; the answers, by question."""
    answers = {}
    server = StdioServerParameters(command=str(Path(sys.executable).parent / "workbench"),
                                   args=["mcp", "--workspace", str(workspace)], cwd=str(workspace.parent))
    async with Client(server) as client:
        answers["tools"] = await client.list_tools()
        calls = {
            "list": ("list_designs", {}),
            "check": ("check_design", {"path": "designs/pair_cache_before.py"}),
            "check_spof": ("check_design", {"path": "designs/pair_single_db_before.py", "select": ["SPOF", "REP"]}),
            "rule": ("explain_rule", {"code": "spof001"}),
            "no_rule": ("explain_rule", {"code": "NOPE9"}),
            "what_if": ("what_if", {"path": "designs/pair_single_db_before.py", "fail": ["db"]}),
            "what_if_after": ("what_if", {"path": "designs/pair_single_db_after.py", "fail": ["db"]}),
            "sheet": ("read_sheet", {"path": "designs/pair_cache_before.py"}),
            "outside": ("check_design", {"path": "../secret.py"}),
            "absolute": ("check_design", {"path": str(workspace.parent / "secret.py")}),
            "broken": ("check_design", {"path": "designs/broken.py"}),
        }
        for key, (tool, arguments) in calls.items():
            answers[key] = await client.call_tool(tool, arguments)
    return answers


def data(result) -> dict | list:
    assert not result.is_error, result.content
    if result.structured_content is not None:
        content = result.structured_content
        return content.get("result", content) if isinstance(content, dict) and set(content) == {"result"} else content
    return json.loads(result.content[0].text)


def test_an_assistant_lists_checks_explains_and_asks_what_if(workspace):
    answers = asyncio.run(session(workspace))
    tools = {t.name: t for t in answers["tools"].tools}
    assert set(tools) == {"list_designs", "check_design", "explain_rule", "what_if", "read_sheet"}
    assert "path" in tools["check_design"].input_schema["properties"]
    assert tools["what_if"].description

    listed = data(answers["list"])
    assert [d["path"] for d in listed] == ["designs/broken.py", *sorted(f"designs/{n}" for n in SHIPPED)]

    check = data(answers["check"])
    assert check["design"] == "designs/pair_cache_before.py"
    [diagram] = check["diagrams"]
    codes = {f["code"]: f for f in diagram["findings"]}
    assert codes["CACHE002"]["severity"] == "error" and codes["CACHE002"]["nodes"] == ["cache"]
    assert check["summary"]["error"] >= 1
    availability = diagram["availability"]
    assert availability["slo_target_percent"] == 99.95  # the design sheet's "99.95%"
    assert availability["entries"] == ["users"] and availability["entry_to_capability_paths"] >= 1

    spof = data(answers["check_spof"])["diagrams"][0]
    assert {f["code"][:3] for f in spof["findings"]} <= {"SPO", "REP", "WB0"}
    assert spof["availability"]["single_points_of_failure"] == ["db"]

    rule = answers["rule"].content[0].text
    assert rule.startswith("SPOF001") and "What it checks" in rule and "How to fix it" in rule
    assert answers["no_rule"].is_error and "no rule 'NOPE9'" in answers["no_rule"].content[0].text

    broken = data(answers["what_if"])
    assert broken["designs"][0]["diagrams"][0]["broken"][0]["terminal"] == "db"
    assert data(answers["what_if_after"])["designs"][0]["diagrams"][0]["broken"] == []

    sheet = data(answers["sheet"])["sheet"]
    assert sheet["title"].startswith("Product pages") and sheet["slo"] == 99.95

    # paths outside the workspace are refused before anything runs; a broken design names file and line
    for key in ("outside", "absolute"):
        assert answers[key].is_error and "outside the workspace" in answers[key].content[0].text
    assert not (workspace.parent / "ran").exists() and not (workspace / "designs" / "ran").exists()
    assert answers["broken"].is_error and "broken.py:2" in answers["broken"].content[0].text
