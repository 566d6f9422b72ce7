"""The design-sheet API: construction, validation, registration, to_dict, and sheets in real design runs."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from workbench import sheet as sheet_module
from workbench.design.loader import child_env, load_design
from workbench.design.model import DesignModel
from workbench.errors import DesignError
from workbench.sheet import (
    Action,
    Api,
    Capacity,
    Entity,
    Event,
    FailureMode,
    Sheet,
    SheetError,
)


@pytest.fixture(autouse=True)
def fresh_registry():
    """Sheets register themselves per process; every test starts and ends with none."""
    sheet_module.clear()
    yield
    sheet_module.clear()


def this_line() -> int:
    return sys._getframe(1).f_lineno


def full_sheet() -> Sheet:
    return Sheet(
        title="News feed",
        kind="case study",
        prompt="Design the home timeline.",
        functional=["post an update", "read the feed"],
        non_functional="feed p99 < 200 ms",
        assumptions=["200 follows per user"],
        constraints=("posts ≤ 1 KB",),
        capacity=Capacity(dau="100M", reads_per_user=10, writes_per_user=1, payload="1KB", retention="5 years"),
        apis=[Api("post", "/posts", request="{text}", response="201 {id}"),
              Event("post.created", message="{post_id}", notes="fan-out workers consume it"),
              {"method": "GET", "path": "/feed"}, {"topic": "feed.updated"}],
        data_model=[Entity("post", fields={"id": "snowflake", "text": "≤1 KB"}, keys="id",
                           indexes=["author_id, created_at"], store="Cassandra", why="write-heavy"),
                    {"name": "follow", "fields": ["follower", "followee"], "keys": ["follower", "followee"]}],
        components={"feed svc": "builds timelines"},
        scaling=["fan-out on write"],
        trade_offs=["fast reads, slow celebrity posts"],
        failure_modes=[FailureMode("cache lost", "replicas", component="feed cache"), ("db down", "failover")],
        open_questions=["retention of deleted posts?"],
    )


# -- API and normalisation -------------------------------------------------------------------------
def test_full_sheet_to_dict_is_json_ready():
    s = full_sheet()
    data = json.loads(json.dumps(s.to_dict()))
    assert data["title"] == "News feed" and data["kind"] == "case-study"
    assert data["non_functional"] == ["feed p99 < 200 ms"]  # one string is a list of one
    assert data["constraints"] == ["posts ≤ 1 KB"]
    assert [a["type"] for a in data["apis"]] == ["api", "event", "api", "event"]
    assert data["apis"][0] == {"type": "api", "method": "POST", "path": "/posts", "request": "{text}",
                               "response": "201 {id}", "notes": ""}
    assert data["data_model"][0]["fields"] == [{"name": "id", "type": "snowflake"}, {"name": "text", "type": "≤1 KB"}]
    assert data["data_model"][0]["keys"] == ["id"]
    assert data["data_model"][1]["fields"] == [{"name": "follower", "type": ""}, {"name": "followee", "type": ""}]
    assert data["failure_modes"][1] == {"failure": "db down", "mitigation": "failover", "component": ""}
    assert data["components"] == {"feed svc": "builds timelines"}
    # the computed capacity travels with the sheet, formulas and analysis inputs included
    figures = {f["name"]: f for f in data["capacity"]["figures"]}
    assert figures["write_qps_avg"]["formula"] == "100M DAU × 1 write/user/day ÷ 86,400 s = 1,157 writes/s"
    assert figures["storage_retention"]["text"] == "182.5 TB"
    assert data["capacity"]["design_inputs"]["qps"] == 25463
    assert data["capacity"]["design_inputs"]["read_ratio"] == "10:1"
    assert data["capacity"]["inputs"]["dau"] == "100M"
    # where the sheet was created: the line of `Sheet(` inside full_sheet(), not this test's line
    assert data["file"].endswith("test_sheet.py")
    assert data["line"] == full_sheet.__code__.co_firstlineno + 1


def test_minimal_sheet_and_defaults():
    s = Sheet(title="URL shortener")
    d = s.to_dict()
    assert d["kind"] == "drill" and d["capacity"] is None and d["apis"] == [] and d["functional"] == []
    assert d["line"] == this_line() - 3


def test_to_dict_file_is_relative_to_the_given_folder(tmp_path):
    s = Sheet(title="x")
    assert s.to_dict(relative_to=str(Path(__file__).parent))["file"] == "test_sheet.py"
    assert s.to_dict(relative_to=str(tmp_path))["file"] == str(Path(__file__).resolve())


def test_sheets_are_frozen():
    s = Sheet(title="x", functional=["a"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.title = "y"
    assert s.functional == ("a",)


def test_capacity_as_dict_and_actions():
    s = Sheet(title="x", capacity={"dau": "1M", "actions": {
        "upload": Action(per_user_per_day=2, kind="write", payload="2MB"),
        "view": {"per_user_per_day": 20, "kind": "read", "payload": "2MB"}}})
    assert isinstance(s.capacity, Capacity)
    est = s.capacity.estimate()
    assert est["storage_per_day"].text == "4 TB/day"  # 1M × 2 × 2 MB
    assert s.capacity.design_inputs()["read_ratio"] == "10:1"
    assert "upload" in str(est)


# -- validation ------------------------------------------------------------------------------------
@pytest.mark.parametrize("make, message", [
    (lambda: Capacity(dau="100M", reads_per_user=10, writes_per_user=1, read_write="10"),
     "capacity.read_write: '10' is not a ratio like 10:1"),
    (lambda: Capacity(dau="-1", reads_per_user=1), "capacity.dau: '-1' must not be negative"),
    (lambda: Capacity(dau="1M", reads_per_user=1, payload="1 KG"), "capacity.payload: unknown unit 'KG'"),
    (lambda: Capacity(dau="1M", actions={"post": Action(1, "wrote")}),
     "capacity.actions['post'].kind: 'wrote' is not 'read' or 'write'"),
    (lambda: Sheet(title="x", capacity={"dau": "1M", "reads_per_user": 1, "retention": "5 eons"}),
     "capacity.retention: unknown unit 'eons'"),
    (lambda: Sheet(title="x", capacity={"dau": "1M", "qps": 3}), "capacity: "),
    (lambda: Sheet(title=""), "title: must not be empty"),
    (lambda: Sheet(title=3), "title: expected text, got int 3"),
    (lambda: Sheet(title="x", kind="quiz"), "kind: 'quiz' is not one of drill, case-study, architecture"),
    (lambda: Sheet(title="x", functional=["a", 2]), "functional[1]: expected text, got int 2"),
    (lambda: Sheet(title="x", scaling=5), "scaling: expected a list of strings, got int 5"),
    (lambda: Sheet(title="x", apis=["GET /x"]), "apis[0]: expected Api(...) or Event(...), got str 'GET /x'"),
    (lambda: Sheet(title="x", apis=[Api("GET", "/a"), {"method": "GET", "path": ""}]),
     "apis[1].path: must not be empty"),
    (lambda: Sheet(title="x", apis=[{"method": "GET"}]), "apis[0]: "),
    (lambda: Sheet(title="x", data_model=[{"name": "post", "keys": [1]}]), "data_model[0].keys[0]: expected text"),
    (lambda: Sheet(title="x", data_model=[Api("GET", "/")]), "data_model[0]: expected Entity(...)"),
    (lambda: Sheet(title="x", failure_modes=["disk full"]), "failure_modes[0]: expected FailureMode"),
    (lambda: Sheet(title="x", components=["api"]), "components: expected a dict"),
    (lambda: Sheet(title="x", capacity=5), "capacity: expected Capacity(...), got int"),
    (lambda: Api("", "/x"), "api.method: must not be empty"),
    (lambda: Event(""), "event.topic: must not be empty"),
    (lambda: Entity("post", fields={"id": 5}), "entity.fields['id']: expected text"),
    (lambda: FailureMode(""), "failure_mode.failure: must not be empty"),
])
def test_validation_errors_name_the_field(make, message):
    with pytest.raises(SheetError) as info:
        make()
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith(message), str(info.value)
    assert sheet_module.current() is None  # an invalid sheet is never registered


def test_capacity_error_message_is_exactly_the_documented_one():
    with pytest.raises(SheetError) as info:
        Capacity(dau="100M", writes_per_user=1, read_write="10")
    assert str(info.value) == "capacity.read_write: '10' is not a ratio like 10:1"
    assert info.value.field == "capacity.read_write"


# -- registration ----------------------------------------------------------------------------------
def test_creating_a_sheet_registers_it():
    assert sheet_module.current() is None and sheet_module.collect() is None
    s = Sheet(title="x")
    assert sheet_module.current() is s and sheet_module.REGISTRY == [s]
    assert sheet_module.collect()["title"] == "x"


def test_a_second_sheet_names_both_lines():
    first = this_line() + 1
    Sheet(title="one")
    with pytest.raises(SheetError) as info:
        Sheet(title="two")
    second = this_line() - 1
    msg = str(info.value)
    assert msg.startswith("Sheet: a design has at most one sheet")
    assert f"test_sheet.py:{second}" in msg and f"test_sheet.py:{first}" in msg
    assert [s.title for s in sheet_module.REGISTRY] == ["one"]


def test_clear_forgets_sheets():
    Sheet(title="one")
    sheet_module.clear()
    assert Sheet(title="two").title == "two"


def test_sheet_module_imports_nothing_heavy():
    code = ("import sys, workbench.sheet; heavy = [m for m in ('diagrams', 'graphviz', 'networkx', 'jinja2', "
            "'click', 'workbench.design.loader', 'workbench.design.model') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], env=child_env(), capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- real design files -----------------------------------------------------------------------------
DESIGN = """
    from diagrams import Diagram
    from diagrams.aws.compute import ECS
    from diagrams.aws.database import RDS
    from workbench.sheet import Api, Capacity, Entity, FailureMode, Sheet

    sheet = Sheet(  # SHEET
        title="News feed",
        functional=["post", "read the feed"],
        non_functional=["p99 < 200 ms"],
        capacity=Capacity(dau="100M", reads_per_user=10, writes_per_user=1, payload="1KB",
                          retention="5 years"),
        apis=[Api("GET", "/feed")],
        data_model=[Entity("post", fields={"id": "uuid"}, keys="id", store="Cassandra")],
        failure_modes=[FailureMode("db down", "Multi-AZ failover")],
    )

    with Diagram("feed", show=False):
        ECS("feed svc") >> RDS("posts db")

    print(sheet.capacity.estimate()["write_qps_avg"].formula)
"""


def line_of(path: Path, marker: str) -> int:
    hits = [i for i, text in enumerate(path.read_text().splitlines(), 1) if marker in text]
    assert len(hits) == 1
    return hits[0]


def test_design_sheet_lands_in_the_model(tmp_path, write_design):
    path = write_design(tmp_path, "feed", DESIGN)
    model = load_design(path, root=tmp_path, timeout=30)
    assert model.sheet is not None
    assert model.sheet["title"] == "News feed"
    assert model.sheet["file"] == "feed.py" and model.sheet["line"] == line_of(path, "# SHEET")
    figures = {f["name"]: f for f in model.sheet["capacity"]["figures"]}
    assert figures["write_qps_avg"]["text"] == "1,157 writes/s"
    assert figures["read_qps_avg"]["text"] == "11,574 reads/s"
    assert model.sheet["capacity"]["design_inputs"] == {
        "qps": 25463, "read_ratio": "10:1", "read_fraction": pytest.approx(10 / 11),
        "read_qps": pytest.approx(23148.148, abs=1e-3), "write_qps": pytest.approx(2314.815, abs=1e-3),
        "wb_qps": "25463", "wb_read_ratio": "10:1", "source": "capacity estimate (peak total QPS)",
    }
    # the model (with its sheet) survives the JSON round trip of model.json
    again = DesignModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.sheet == json.loads(json.dumps(model.sheet))


def test_design_with_a_sheet_runs_with_plain_python(tmp_path, write_design):
    path = write_design(tmp_path, "feed", DESIGN)
    out = subprocess.run([sys.executable, path.name], cwd=path.parent, env=child_env(),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "100M DAU × 1 write/user/day ÷ 86,400 s = 1,157 writes/s"


def test_plain_design_has_no_sheet(tmp_path, write_design):
    path = write_design(tmp_path, "plain", """
        from diagrams import Diagram
        from diagrams.aws.compute import ECS
        import workbench.sheet  # imported but no Sheet(...) made

        with Diagram("plain", show=False):
            ECS("a")
    """)
    assert load_design(path, root=tmp_path, timeout=30).sheet is None
    path = write_design(tmp_path, "plainer", """
        from diagrams import Diagram
        from diagrams.aws.compute import ECS

        with Diagram("plain", show=False):
            ECS("a")
    """)
    assert load_design(path, root=tmp_path, timeout=30).sheet is None


def test_invalid_sheet_is_reported_at_its_line(tmp_path, write_design):
    path = write_design(tmp_path, "bad", """
        from diagrams import Diagram
        from diagrams.aws.compute import ECS
        from workbench.sheet import Capacity, Sheet

        Sheet(
            title="bad",
            capacity=Capacity(  # CAPACITY
                dau="100M", reads_per_user=10, writes_per_user=1, read_write="10",
            ),
        )

        with Diagram("bad", show=False):
            ECS("a")
    """)
    with pytest.raises(DesignError) as info:
        load_design(path, root=tmp_path, timeout=30)
    err = info.value
    assert err.file == "designs/bad.py"
    assert err.line == line_of(path, "# CAPACITY")
    assert "capacity.read_write: '10' is not a ratio like 10:1" in err.text
    assert "SheetError" in err.text


def test_two_sheets_in_a_design_name_both_lines(tmp_path, write_design):
    path = write_design(tmp_path, "two", """
        from diagrams import Diagram
        from diagrams.aws.compute import ECS
        from workbench.sheet import Sheet

        Sheet(title="one")  # FIRST
        Sheet(title="two")  # SECOND

        with Diagram("two", show=False):
            ECS("a")
    """)
    with pytest.raises(DesignError) as info:
        load_design(path, root=tmp_path, timeout=30)
    err = info.value
    second, first = line_of(path, "# SECOND"), line_of(path, "# FIRST")
    assert err.line == second
    assert f"two.py:{second}" in err.text and f"two.py:{first}" in err.text


def test_sheet_made_in_a_helper_module_is_located_there(tmp_path, write_design):
    helper = tmp_path / "designs" / "parts" / "common.py"
    helper.parent.mkdir(parents=True)
    helper.write_text(textwrap.dedent("""
        from workbench.sheet import Sheet

        def make(title):
            return Sheet(title=title)
    """).lstrip())
    path = write_design(tmp_path, "uses_helper", """
        from diagrams import Diagram
        from diagrams.aws.compute import ECS
        from parts.common import make

        make("shared")

        with Diagram("h", show=False):
            ECS("a")
    """)
    model = load_design(path, root=tmp_path, timeout=30)
    assert model.sheet["file"] == "parts/common.py" and model.sheet["line"] == 4


def test_slo_and_design_inputs():
    s = Sheet(title="x", slo="99.95%", capacity=Capacity(dau="1M", reads_per_user=100, writes_per_user=1))
    assert s.slo == 99.95
    d = s.to_dict()
    assert d["slo"] == 99.95
    assert d["design_inputs"]["slo"] == "99.95"
    assert d["design_inputs"]["read_ratio"] == "100:1"
    assert d["design_inputs"]["qps"] == 2338  # (100M + 1M)/day ÷ 86,400 s × 2 = 2,337.96 → 2,338
    sheet_module.clear()
    assert Sheet(title="y", slo=0.999).slo == pytest.approx(99.9)
    sheet_module.clear()
    assert Sheet(title="z").to_dict()["design_inputs"] == {}


@pytest.mark.parametrize("slo, message", [
    ("high", "slo: 'high' is not an availability target like '99.95%'"),
    ("120%", "slo: '120%' is not between 0% and 100%"),
    (True, "slo: True is not an availability target"),
])
def test_slo_errors(slo, message):
    with pytest.raises(SheetError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        Sheet(title="x", slo=slo)


def test_item_errors_inside_lists_name_the_index():
    with pytest.raises(SheetError, match=r"^failure_modes\[1\]\.failure: must not be empty"):
        Sheet(title="x", failure_modes=[("a", "b"), ("", "c")])
    with pytest.raises(SheetError, match=r"^apis\[0\]: missing 1 required positional argument: 'path'"):
        Sheet(title="x", apis=[{"method": "GET"}])
    with pytest.raises(SheetError, match=r"^capacity: got an unexpected keyword argument 'qps'"):
        Sheet(title="x", capacity={"dau": "1M", "qps": 3})
    with pytest.raises(SheetError, match=r"^capacity\.actions: expected a dict"):
        Capacity(dau="1M", actions=[("post", 1)])
