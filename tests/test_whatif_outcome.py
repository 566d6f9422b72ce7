"""`commands.whatif.outcome_data` (the live page's click-to-fail) and `--fail-region`: one json for one design."""

from __future__ import annotations

import json

import pytest
from clirun import run

from workbench.commands.whatif import load, outcome_data
from workbench.errors import WorkbenchError

ZONED = """
    from diagrams import Cluster, Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.aws.network import ALB
    from diagrams.onprem.client import Users

    with Diagram("Web", show=False):
        users = Users("users")
        lb = ALB("lb")
        with Cluster("us-east-1"):
            with Cluster("us-east-1a"):
                a = EC2("app-a")
            with Cluster("us-east-1b"):
                b = EC2("app-b")
            db = RDS("db", multi_az="true")
        users >> lb >> [a, b] >> db
"""


@pytest.fixture
def ws(ws, write_design):
    write_design(ws, "web", ZONED)
    return ws


def test_outcome_data_is_what_check_fail_prints_for_the_design(ws):
    model = load(ws / "designs" / "web.py", _cfg(ws))
    printed = json.loads(run("check", "designs/web.py", "--fail", "app-a", "--format", "json").output)
    (design,) = printed["designs"]
    data = outcome_data(model, ["app-a"])
    assert data["diagrams"] == design["diagrams"]
    assert data["scenario"] == design["scenario"] == "app-a fails"
    assert data["broken"] == 0
    json.dumps(data)  # serialisable as it is


def test_outcome_data_names_what_the_design_draws_when_a_label_is_unknown(ws):
    model = load(ws / "designs" / "web.py", _cfg(ws))
    with pytest.raises(WorkbenchError, match="no component labelled 'nope'.*`app-a`"):
        outcome_data(model, ["nope"])
    with pytest.raises(WorkbenchError, match="say what fails"):
        outcome_data(model, [])


def test_outcome_data_takes_zones_and_regions(ws):
    model = load(ws / "designs" / "web.py", _cfg(ws))
    zone = outcome_data(model, [], zones=["us-east-1a"])
    (diagram,) = zone["diagrams"]
    assert diagram["failed"] == ["app-a"] and diagram["broken"] == []
    region = outcome_data(model, [], regions=["us-east-1"])
    assert region["scenario"] == "region us-east-1 fails"
    assert region["broken"] == 1


def test_check_fail_region_breaks_everything_in_it(ws):
    result = run("check", "designs/web.py", "--fail-region", "us-east-1")
    assert result.exit_code == 1, result.output
    assert "what if region us-east-1 fails?" in result.output
    assert "BROKEN  users -> db" in result.output
    unknown = run("check", "designs/web.py", "--fail-region", "eu-west-9")
    assert unknown.exit_code == 2
    assert "no component is in region 'eu-west-9'; declared: us-east-1" in unknown.output


def _cfg(ws):
    from workbench.config import load_config

    return load_config(ws)
