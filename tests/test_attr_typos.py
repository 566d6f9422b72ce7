"""ATTR002: a misspelt analysis hint is named with its file and line, with a suggestion, and kept away from Graphviz."""

from __future__ import annotations

import json

from clirun import run
from test_capture import line_of

from workbench.analysis.engine import analyse
from workbench.design.capture import near_miss, wb_near_miss
from workbench.design.loader import load_design
from workbench.output.render import to_dot

DESIGN = """
    from diagrams import Cluster, Diagram, Edge
    from diagrams.aws.compute import EC2
    from diagrams.aws.network import ELB
    from diagrams.onprem.client import Users
    from diagrams.onprem.database import PostgreSQL

    with Diagram("typos", show=False):
        with Cluster("web tier", graph_attr={"replicas": "3"}):  # CLUSTER
            web = EC2("web")
        db = PostgreSQL("db", replica="2", multiaz="true", root="true")  # NODE
        Users("users") >> ELB("lb") >> web
        web >> Edge(fractoin="0.5", minlen="2") >> db  # EDGE
"""


def test_misspelt_hints_are_named_with_file_line_and_a_suggestion(tmp_path, write_design):
    path = write_design(tmp_path, "typos", DESIGN)
    model = load_design(path, root=tmp_path, timeout=60)
    (d,) = model.diagrams
    findings = [f for f in analyse(d).findings if f.code == "ATTR002"]
    got = {(f.line, f.message.split(" (")[0]) for f in findings}
    assert got == {
        (line_of(path, "# NODE"), "unknown analysis attribute `replica` on `db`; did you mean `replicas`?"),
        (line_of(path, "# NODE"), "unknown analysis attribute `multiaz` on `db`; did you mean `multi_az`?"),
        (line_of(path, "# EDGE"), "unknown analysis attribute `fractoin` on edge `web → db`; did you mean "
                                  "`fraction`?"),
        (line_of(path, "# CLUSTER"), "unknown analysis attribute `replicas` on cluster `web tier`; did you mean "
                                     "`wb_replicas`?"),
    }, got
    assert all(f.severity == "warning" and f.file == "typos.py" for f in findings)
    # Not passed to Graphviz; what Graphviz knows (root, minlen) still is.
    dot = to_dot(d).source
    for word in ("replica", "multiaz", "fractoin"):
        assert word not in dot, word
    assert "root=true" in dot and "minlen=2" in dot


def test_check_reports_the_typo_in_text_and_json(tmp_path, write_design, monkeypatch):
    write_design(tmp_path, "typos", DESIGN)
    monkeypatch.chdir(tmp_path)
    text = run("check", "designs/typos.py", "--fail-on", "never")
    assert "did you mean" in text.output and "replicas?" in text.output and "typos.py:" in text.output
    data = json.loads(run("check", "designs/typos.py", "--format", "json", "--fail-on", "never").output)
    codes = [f["code"] for design in data["designs"] for diagram in design["diagrams"] for f in diagram["findings"]]
    assert codes.count("ATTR002") == 4


def test_near_miss_limits():
    keys = ("replicas", "multi_az", "role", "qps", "zone", "read_ratio")
    assert near_miss("replica", keys) == "replicas"
    assert near_miss("Replicas", keys) == "replicas"
    assert near_miss("multiAZ", keys) == "multi_az"
    assert near_miss("read_ration", keys) == "read_ratio"
    assert near_miss("roles", keys) == "role"
    # Graphviz attributes and words two edits from a short key are not typos.
    assert near_miss("root", keys) is None and near_miss("pos", keys) is None
    assert near_miss("rope", ("role",)) == "role" and near_miss("rape", ("role",)) is None
    assert near_miss("replicas", keys) is None and near_miss("tooltip", keys) is None
    assert near_miss("fractoin", ("fraction",)) == "fraction"
    assert wb_near_miss("wb_replica", ("wb_replicas",)) == "wb_replicas"
    assert wb_near_miss("bgcolor", ("wb_replicas",)) is None
