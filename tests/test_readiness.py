"""Readiness checklist: each item passes or is missing with a reason; the score is the share that pass."""

from __future__ import annotations

import pytest

from workbench import sheet as sheet_module
from workbench.analysis.findings import Finding
from workbench.analysis.readiness import checklist
from workbench.design.model import DesignModel, Diagram, Edge, Node
from workbench.sheet import Api, Entity, FailureMode, Sheet

KEYS = ["goals", "diagram", "data_flow", "storage", "failure_modes", "scaling", "trade_offs", "no_errors"]


@pytest.fixture(autouse=True)
def fresh_registry():
    sheet_module.clear()
    yield
    sheet_module.clear()


def node(label: str, cls: str = "ECS", provider: str = "aws", module: str = "compute", c4=None, **analysis) -> Node:
    return Node(id=label.replace(" ", "-") or cls.lower(), label=label, cls=cls, provider=provider, module=module,
                attrs={}, analysis=analysis, cluster=None, clusters=[], file="d.py", line=1, c4=c4)


def edge(tail: str, head: str) -> Edge:
    return Edge(id=f"{tail}>{head}", tail=tail, head=head, dir="forward", label="", color="", style="", attrs={},
                analysis={}, file="d.py", line=1)


def model(nodes: list[Node], edges: list[Edge] = (), sheet: dict | None = None) -> DesignModel:
    d = Diagram(name="d", slug="d", attrs={}, analysis={}, strict=False, file="d.py", line=1,
                nodes=list(nodes), edges=list(edges))
    return DesignModel(path="d.py", stem="d", diagrams=[d], sheet=sheet)


def good_sheet(**changes) -> dict:
    fields = dict(
        title="Feed", functional=["read the feed"], non_functional=["p99 < 200 ms"],
        apis=[Api("GET", "/feed")], data_model=[Entity("post", fields={"id": "uuid"})],
        scaling=["shard by user"], trade_offs=["fan-out on write"],
        failure_modes=[FailureMode("db down", "failover")],
    )
    fields.update(changes)
    sheet = Sheet(**fields).to_dict()
    sheet_module.clear()
    return sheet


def good_diagram() -> tuple[list[Node], list[Edge]]:
    nodes = [node("users", "Users", "onprem", "client"), node("feed svc"),
             node("posts db", "RDS", "aws", "database")]
    return nodes, [edge("users", "feed-svc"), edge("feed-svc", "posts-db")]


def test_complete_design_scores_100():
    nodes, edges = good_diagram()
    r = checklist(model(nodes, edges, good_sheet()), [])
    assert [i.key for i in r.items] == KEYS
    assert all(i.status == "pass" for i in r.items), [i.reason for i in r.missing]
    assert r.score == 100
    assert r["storage"].reason == "1 entity in the data model and 1 store in the diagram (posts db)"
    data = r.to_dict()
    assert data["score"] == 100 and data["items"][0] == {
        "key": "goals", "title": "Goals and constraints stated", "status": "pass",
        "reason": "1 functional requirement, 1 non-functional requirement"}


def test_plain_script_without_sheet():
    nodes, edges = good_diagram()
    r = checklist(model(nodes, edges, None), [])
    status = {i.key: i.status for i in r.items}
    assert status == {"goals": "missing", "diagram": "pass", "data_flow": "missing", "storage": "pass",
                      "failure_modes": "missing", "scaling": "missing", "trade_offs": "missing",
                      "no_errors": "pass"}
    assert r.score == 38  # 3 of 8
    assert r["goals"].reason.startswith("no design sheet: no functional requirements")
    assert r["scaling"].reason == "no design sheet (add Sheet(scaling=[...]))"
    assert "no design sheet" in r["data_flow"].reason
    assert r["storage"].reason.startswith("1 store in the diagram")


def test_active_errors_fail_but_accepted_errors_and_warnings_do_not():
    nodes, edges = good_diagram()
    m = model(nodes, edges, good_sheet())
    findings = [{"code": "SPOF001", "severity": "error", "accepted": False},
                {"code": "REP001", "severity": "error", "accepted": True},
                {"code": "CACHE001", "severity": "warning", "accepted": False}]
    r = checklist(m, findings)
    assert r["no_errors"].status == "missing"
    assert r["no_errors"].reason.startswith("1 error finding not accepted (SPOF001)")
    assert r.score == 88  # 7 of 8
    assert checklist(m, findings[1:])["no_errors"].passed


def test_finding_objects_work_too():
    nodes, edges = good_diagram()
    f = Finding(code="SPOF001", severity="error", message="", remediation="", diagram="d", target="x")
    assert not checklist(model(nodes, edges, good_sheet()), [f])["no_errors"].passed


def test_goals_need_functional_and_non_functional_or_constraints():
    nodes, edges = good_diagram()
    r = checklist(model(nodes, edges, good_sheet(non_functional=[])), [])
    assert r["goals"].reason.startswith("no non-functional requirements or constraints")
    r = checklist(model(nodes, edges, good_sheet(non_functional=[], constraints=["≤ 1 KB posts"])), [])
    assert r["goals"].passed and r["goals"].reason == "1 functional requirement, 1 constraint"
    r = checklist(model(nodes, edges, good_sheet(functional=[])), [])
    assert r["goals"].reason.startswith("no functional requirements (")


def test_components_without_responsibilities():
    # ECS() and ECS("ECS") say nothing; 2 of 4 described is below "most" (75%)
    nodes = [node("", "ECS"), node("ECS", "ECS"), node("feed svc"), node("posts db", "RDS", "aws", "database")]
    r = checklist(model(nodes, [edge("feed-svc", "posts-db")], good_sheet()), [])
    assert r["diagram"].status == "missing"
    assert r["diagram"].reason.startswith("only 2 of 4 components say what they do")
    assert "ECS()" in r["diagram"].reason and "ECS('ECS')" in r["diagram"].reason
    # the sheet can say what they do, by label or id
    described = good_sheet(components={"ECS": "serves the API", "ecs": "renders pages"})
    assert checklist(model(nodes, [edge("feed-svc", "posts-db")], described), [])["diagram"].passed


def test_c4_descriptions_count_as_responsibilities():
    c4 = {"name": "API", "technology": "Go", "description": "serves the feed", "type": "Container"}
    nodes = [node("<b>API</b>", "Node", None, None, c4=c4), node("", "Node", None, None,
                                                                c4={**c4, "name": "Node", "description": ""})]
    r = checklist(model(nodes + [node("db", "RDS", "aws", "database")], [], good_sheet()), [])
    assert r["diagram"].reason.startswith("only 2 of 3 components")  # 67% < 75%
    assert not r["diagram"].passed


def test_a_single_node_is_not_a_high_level_diagram():
    r = checklist(model([node("api")], [], good_sheet()), [])
    assert r["diagram"].reason.startswith("the diagram has 1 component")
    assert r["data_flow"].reason.startswith("no edges in the diagram")


def test_data_flow_needs_edges_and_interfaces_or_data():
    nodes, edges = good_diagram()
    r = checklist(model(nodes, edges, good_sheet(apis=[], data_model=[])), [])
    assert r["data_flow"].reason == ("the sheet has no APIs/events or data model "
                                     "(add Sheet(apis=[Api(...)], data_model=[Entity(...)]))")
    assert checklist(model(nodes, edges, good_sheet(data_model=[])), [])["data_flow"].passed


def test_storage_from_role_override_or_missing():
    nodes = [node("users", "Users", "onprem", "client"), node("ledger", role="database")]
    r = checklist(model(nodes, [edge("users", "ledger")], good_sheet(data_model=[])), [])
    assert r["storage"].passed and "ledger" in r["storage"].reason
    nodes = [node("users", "Users", "onprem", "client"), node("api")]
    r = checklist(model(nodes, [edge("users", "api")], good_sheet(data_model=[])), [])
    assert r["storage"].status == "missing"
    assert r["storage"].reason.startswith("no data model in the sheet and no database or storage node")


def test_failure_modes_need_mitigations():
    nodes, edges = good_diagram()
    r = checklist(model(nodes, edges, good_sheet(failure_modes=[FailureMode("disk full"),
                                                                ("db down", "failover")])), [])
    assert r["failure_modes"].reason == "1 failure mode without a mitigation: 'disk full'"
    r = checklist(model(nodes, edges, good_sheet(failure_modes=[])), [])
    assert r["failure_modes"].reason.startswith("the sheet has no failure modes (add Sheet(failure_modes=")


def test_scaling_and_trade_offs():
    nodes, edges = good_diagram()
    r = checklist(model(nodes, edges, good_sheet(scaling=[], trade_offs=[])), [])
    assert r["scaling"].reason == "the sheet has no scaling notes (add Sheet(scaling=[...]))"
    assert r["trade_offs"].reason == "the sheet has no trade-offs (add Sheet(trade_offs=[...]))"
    assert r.score == 75
    r = checklist(model(nodes, edges, good_sheet(trade_offs=["a", "b"])), [])
    assert r["trade_offs"].reason == "2 trade-offs"
