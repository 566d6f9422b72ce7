"""`workbench diff` shows the availability estimate before and after (issue 16 item 6)."""

from __future__ import annotations

import json

import pytest
from clirun import run

BEFORE = """
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.aws.network import ALB
    from diagrams.onprem.client import Users

    with Diagram("Web", show=False, graph_attr={"wb_slo": "99.9"}):
        Users("users") >> ALB("lb", availability="99.99") >> EC2("app-1", availability="99.5") >> RDS(
            "db", availability="99.95")
"""
AFTER = BEFORE.replace('EC2("app-1", availability="99.5")',
                       '[EC2("app-1", availability="99.5"), EC2("app-2", availability="99.5")]')


@pytest.fixture
def ws(ws, write_design):
    write_design(ws, "before", BEFORE)
    write_design(ws, "after", AFTER)
    return ws


def test_diff_text_and_json_show_the_estimate_moving(ws):
    text = run("diff", "designs/before.py", "designs/after.py")
    assert text.exit_code == 0, text.output
    assert "  availability: 99.4403% -> 99.9375% (SLO 99.9%: missed -> met)" in text.output
    data = json.loads(run("diff", "designs/before.py", "designs/after.py", "--format", "json").output)
    (diagram,) = data["diagrams"]
    a = diagram["availability"]
    assert a["before"] == pytest.approx(99.99 * 0.995 * 0.9995, abs=1e-5)
    assert a["after"] == pytest.approx(99.99 * (1 - 0.005 ** 2) * 0.9995, abs=1e-5)
    assert a["slo"] == 99.9 and list(a["entries"]) == ["users"]
