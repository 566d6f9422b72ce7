"""Acceptances (analysis spec §8): attribute and comment forms, expiry, ACC001/ACC002, --no-accept."""

from __future__ import annotations

import re
import textwrap
from datetime import date

import pytest

from workbench.analysis import acceptance
from workbench.analysis.acceptance import apply, collect, parse
from workbench.analysis.findings import Finding
from workbench.design.model import Diagram, Edge, Node

TODAY = date(2026, 6, 1)


def node(nid: str, line: int, accept: str | None = None, file: str = "shop.py", label: str | None = None) -> Node:
    return Node(id=nid, label=label or nid, cls="EC2", provider="aws", module="compute", attrs={},
                analysis={"accept": accept} if accept is not None else {}, cluster=None, clusters=[],
                file=file, line=line)


def edge(eid: str, tail: str, head: str, line: int, accept: str | None = None, file: str = "shop.py") -> Edge:
    return Edge(id=eid, tail=tail, head=head, dir="forward", label="", color="", style="", attrs={},
                analysis={"accept": accept} if accept is not None else {}, file=file, line=line)


def diagram(nodes: list[Node], edges: list[Edge] = (), line: int = 1, file: str = "shop.py") -> Diagram:
    return Diagram(name="Shop", slug="shop", attrs={"graph": {}, "node": {}, "edge": {}}, analysis={},
                   strict=False, file=file, line=line, nodes=list(nodes), edges=list(edges))


def finding(code: str, *nodes: str, severity: str = "error", edges: tuple[str, ...] = (), line: int = 0) -> Finding:
    return Finding(code=code, severity=severity, message=f"{code} on {', '.join(nodes) or 'diagram'}",
                   remediation="fix it", diagram="Shop", target=",".join(sorted(nodes)) or "Shop",
                   nodes=list(nodes), labels=list(nodes), edges=list(edges), file="shop.py", line=line)


def line_of(src: str, needle: str) -> int:
    for no, text in enumerate(src.splitlines(), 1):
        if needle in text:
            return no
    raise AssertionError(needle)


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def by_code(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


# -- parsing ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, codes_, reason, expires", [
    ("SPOF001: single bastion is fine for the demo", ("SPOF001",), "single bastion is fine for the demo", None),
    ("SPOF001,ZONE002: demo", ("SPOF001", "ZONE002"), "demo", None),
    (" spof001 , zone002 -- demo ", ("SPOF001", "ZONE002"), "demo", None),
    ("SPOF001 ZONE002 -- demo", ("SPOF001", "ZONE002"), "demo", None),
    ("SPOF001 -- reason: with a colon", ("SPOF001",), "reason: with a colon", None),
    ("SPOF001: reason -- with dashes", ("SPOF001",), "reason -- with dashes", None),
    ("SPOF001 — em dash", ("SPOF001",), "em dash", None),
    ("SPOF001: demo; expires 2027-03-31", ("SPOF001",), "demo", date(2027, 3, 31)),
    ("SPOF001: demo; Expires: 2027-03-31", ("SPOF001",), "demo", date(2027, 3, 31)),
    ("SPOF001: demo;expires=2027-03-31", ("SPOF001",), "demo", date(2027, 3, 31)),
    ("SPOF001: demo expires 2027-03-31", ("SPOF001",), "demo", date(2027, 3, 31)),
    ("SPOF001: the cache expires often", ("SPOF001",), "the cache expires often", None),
])
def test_parse_valid(text, codes_, reason, expires):
    p = parse(text)
    assert p.problem is None
    assert (p.codes, p.reason, p.expires) == (codes_, reason, expires)


@pytest.mark.parametrize("text, problem", [
    ("SPOF001", "no-reason"),
    ("SPOF001:", "no-reason"),
    ("SPOF001 --   ", "no-reason"),
    ("SPOF001: ; expires 2027-03-31", "no-reason"),
    ("", "no-code"),
    (": because", "no-code"),
    ("SPOF: whole family", "bad-code"),
    ("*: everything", "bad-code"),
    ("SPOF001 because demo", "bad-code"),
    ("SPOF001: demo; expires soon", "bad-expiry"),
    ("SPOF001: demo; expires 2027-02-30", "bad-expiry"),
])
def test_parse_problems(text, problem):
    assert parse(text).problem == problem


# -- attribute form --------------------------------------------------------------------------------------------


def test_attribute_accepts_subject_finding():
    d = diagram([node("bastion", 5, "SPOF001: break-glass access only"), node("db", 6)])
    out = apply([finding("SPOF001", "bastion"), finding("REP001", "db")], d, {}, today=TODAY)
    spof = by_code(out, "SPOF001")[0]
    assert spof.accepted and spof.reason == "break-glass access only"
    assert not by_code(out, "REP001")[0].accepted
    assert not [f for f in out if f.code.startswith("ACC")]


def test_inputs_are_not_mutated():
    d = diagram([node("bastion", 5, "SPOF001: ok")])
    original = finding("SPOF001", "bastion")
    apply([original], d, {}, today=TODAY)
    assert not original.accepted and original.reason is None


def test_group_finding_accepted_by_any_member():
    d = diagram([node("web-1", 5), node("web-2", 6, "ZONE002: lab, one zone on purpose")])
    out = apply([finding("ZONE002", "web-1", "web-2", severity="warning")], d, {}, today=TODAY)
    assert out[0].accepted and out[0].reason == "lab, one zone on purpose"


def test_acceptance_does_not_hide_other_codes_or_nodes():
    d = diagram([node("db", 5, "REP001: demo"), node("cache", 6)])
    out = apply([finding("ZONE002", "db", severity="warning"), finding("REP001", "cache")], d, {}, today=TODAY)
    assert [f.accepted for f in out if not f.code.startswith("ACC")] == [False, False]
    # ... and the acceptance, which matched nothing, is reported as unused.
    [acc] = by_code(out, "ACC001")
    assert acc.severity == "info" and "unused" in acc.message and "REP001@db" in acc.message


def test_family_and_wildcard_are_rejected():
    d = diagram([node("bastion", 5, "SPOF: whole family"), node("db", 6, "*: everything")])
    out = apply([finding("SPOF001", "bastion"), finding("REP001", "db")], d, {}, today=TODAY)
    assert not any(f.accepted for f in out)
    acc2 = by_code(out, "ACC002")
    assert len(acc2) == 2 and all("not a rule code; not applied" in f.message for f in acc2)


def test_missing_reason_is_acc002_and_not_applied():
    d = diagram([node("bastion", 7, "SPOF001")])
    out = apply([finding("SPOF001", "bastion")], d, {}, today=TODAY)
    assert not by_code(out, "SPOF001")[0].accepted
    [acc] = by_code(out, "ACC002")
    assert acc.severity == "warning"
    assert acc.message == "acceptance for `SPOF001` on `bastion` has no reason; not applied"
    assert "reason" in acc.remediation
    assert (acc.file, acc.line, acc.nodes, acc.labels) == ("shop.py", 7, ["bastion"], ["bastion"])
    assert not by_code(out, "ACC001")  # not reported as unused on top


def test_expiry_inclusive_then_expired():
    d = diagram([node("bastion", 7, "SPOF001: demo; expires 2026-06-01")])
    on_the_day = apply([finding("SPOF001", "bastion")], d, {}, today=date(2026, 6, 1))
    assert codes(on_the_day) == ["SPOF001"] and on_the_day[0].accepted
    after = apply([finding("SPOF001", "bastion")], d, {}, today=date(2026, 6, 2))
    assert not by_code(after, "SPOF001")[0].accepted
    [acc] = by_code(after, "ACC001")
    assert acc.message == "acceptance `SPOF001@bastion` expired on 2026-06-01; not applied"
    assert (acc.file, acc.line) == ("shop.py", 7)


def test_bad_expiry_is_acc002():
    d = diagram([node("bastion", 7, "SPOF001: demo; expires next year")])
    out = apply([finding("SPOF001", "bastion")], d, {}, today=TODAY)
    assert not by_code(out, "SPOF001")[0].accepted
    [acc] = by_code(out, "ACC002")
    assert "next year" in acc.message and "not applied" in acc.message


def test_unused_code_in_multi_code_acceptance():
    d = diagram([node("db", 7, "REP001,ZONE002: demo")])
    out = apply([finding("REP001", "db")], d, {}, today=TODAY)
    assert by_code(out, "REP001")[0].accepted
    [acc] = by_code(out, "ACC001")
    assert "ZONE002@db" in acc.message and "unused" in acc.message


def test_no_accept_ignores_everything():
    d = diagram([node("a", 5, "SPOF001: fine"), node("b", 6, "SPOF001"), node("c", 7, "REP001: unused")])
    src = {"shop.py": "\n" * 7 + "x = 1  # wb: accept SPOF001\n"}
    out = apply([finding("SPOF001", "a"), finding("SPOF001", "b")], d, src, today=TODAY, enabled=False)
    assert codes(out) == ["SPOF001", "SPOF001"]
    assert not any(f.accepted for f in out)


def test_edge_attribute_matches_edge_findings():
    d = diagram([node("admin", 5), node("db", 6)], [edge("e1", "admin", "db", 8, "DATA001: read-only console")])
    out = apply([finding("DATA001", "db", severity="warning", edges=("e1",)), finding("DATA001", "db", severity="warning")],
                d, {}, today=TODAY)
    assert sorted(f.accepted for f in out) == [False, True]


def test_shared_helper_line_is_one_acceptance():
    # Two nodes built by one helper line carry the same attribute: one acceptance, used if either matches.
    d = diagram([node("w1", 3, "ZONE002: lab", file="lib/parts.py"), node("w2", 3, "ZONE002: lab", file="lib/parts.py")])
    out = apply([finding("ZONE002", "w1", severity="warning")], d, {}, today=TODAY)
    assert codes(out) == ["ZONE002"] and out[0].accepted


def test_acc_findings_cannot_be_accepted():
    d = diagram([node("a", 5, "SPOF001"), node("b", 6, "ACC002: nice try")])
    out = apply([finding("SPOF001", "a")], d, {}, today=TODAY)
    assert not any(f.accepted for f in out)
    assert codes(out) == ["SPOF001", "ACC002", "ACC001"]


def test_output_is_sorted_and_deterministic():
    d = diagram([node("a", 5, "SPOF001"), node("b", 9, "REP001: unused"), node("c", 2)])
    fs = [finding("TOP001", "c", severity="warning", line=2), finding("SPOF001", "a", line=5)]
    first, second = apply(fs, d, {}, today=TODAY), apply(list(reversed(fs)), d, {}, today=TODAY)
    assert [f.to_dict() for f in first] == [f.to_dict() for f in second]
    assert codes(first) == ["SPOF001", "ACC002", "TOP001", "ACC001"]
    assert len({f.fingerprint for f in first}) == 4


# -- comment form ----------------------------------------------------------------------------------------------

SOURCE = textwrap.dedent('''\
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS

    # wb: accept ZONE001 -- demo runs in one region
    with Diagram("Shop", show=False):
        web = EC2("web")  # wb: accept SPOF001 -- one web server in the demo
        # The bastion is only used for break-glass access, so a single one
        # wb: accept SPOF001 -- break-glass only; expires 2027-03-31
        bastion = EC2("bastion")

        # wb: accept SPOF001 -- detached by a blank line, belongs to nothing
        
        cache = EC2("cache")
        db = RDS(
            "db",
            label="# wb: accept REP001 -- inside a string, not a comment",
        )  # wb: accept REP001 -- multi-line statement
        worker = EC2("worker")  # wb: accept SPOF002
        web >> db  # wb: accept DATA001 -- edge comment
        legacy = EC2("legacy")  # wb: accept TOP001 -- kept for the migration; expires 2026-01-31
''')


def source_diagram() -> Diagram:
    ln = lambda s: line_of(SOURCE, s)  # noqa: E731
    nodes = [node("web", ln('EC2("web")')), node("bastion", ln('EC2("bastion")')), node("cache", ln('EC2("cache")')),
             node("db", ln("RDS(")), node("worker", ln('EC2("worker")')), node("legacy", ln('EC2("legacy")'))]
    return diagram(nodes, [edge("e1", "web", "db", ln("web >> db"))], line=ln("with Diagram"))


def test_collect_comments():
    accs = collect(source_diagram(), {"shop.py": SOURCE})
    got = {(a.parsed.codes, tuple(a.nodes), tuple(a.edges), a.diagram, a.line) for a in accs}
    ln = lambda s: line_of(SOURCE, s)  # noqa: E731
    assert got == {
        (("ZONE001",), (), (), True, ln("demo runs in one region")),
        (("SPOF001",), ("web",), (), False, ln('EC2("web")')),
        (("SPOF001",), ("bastion",), (), False, ln("break-glass only")),
        (("REP001",), ("db",), (), False, ln("multi-line statement")),
        (("SPOF002",), ("worker",), (), False, ln('EC2("worker")')),
        (("DATA001",), (), ("e1",), False, ln("web >> db")),
        (("TOP001",), ("legacy",), (), False, ln('EC2("legacy")')),
    }
    assert all(a.kind == "comment" for a in accs)


@pytest.mark.parametrize("comment", ["# wb: accept SPOF001 -- one", "#WB:ACCEPT SPOF001 -- one",
                                     "##  wb :  accept SPOF001 -- one"])
def test_comment_spellings_are_found_and_a_file_without_one_is_not_parsed(comment, monkeypatch):
    """The tokenizer only runs on files that hold an acceptance comment, in any spelling the rule reads."""
    import workbench.analysis.acceptance as acceptance

    src = "\n" * 7 + f"x = 1  {comment}\n"
    d = diagram([node("web", 8)], [])
    [acc] = collect(d, {"shop.py": src})
    assert acc.kind == "comment" and acc.parsed.codes == ("SPOF001",) and acc.nodes == ["web"]
    parsed = []
    monkeypatch.setattr(acceptance, "_Source", lambda text: parsed.append(text))
    other = re.sub("accept", "reject", src, flags=re.IGNORECASE)
    assert collect(d, {"shop.py": other}) == [] and parsed == []


def test_comment_acceptances_apply():
    d = source_diagram()
    ln = lambda s: line_of(SOURCE, s)  # noqa: E731
    fs = [finding("SPOF001", "web"), finding("SPOF001", "bastion"), finding("SPOF001", "cache"),
          finding("REP001", "db"), finding("SPOF002", "worker", severity="warning"),
          finding("DATA001", "db", severity="warning", edges=("e1",)),
          finding("ZONE001", severity="warning"), finding("TOP001", "legacy", severity="warning")]
    out = apply(fs, d, {"shop.py": SOURCE}, today=TODAY)
    state = {(f.code, f.nodes[0] if f.nodes else None): (f.accepted, f.reason) for f in out
             if not f.code.startswith("ACC")}
    assert state == {
        ("SPOF001", "web"): (True, "one web server in the demo"),  # on the line
        ("SPOF001", "bastion"): (True, "break-glass only"),  # in the comment block above
        ("SPOF001", "cache"): (False, None),  # a blank line detaches a comment
        ("REP001", "db"): (True, "multi-line statement"),  # anywhere on the statement, not in a string
        ("SPOF002", "worker"): (False, None),  # no reason
        ("DATA001", "db"): (True, "edge comment"),  # comment on the line that builds the edge
        ("ZONE001", None): (True, "demo runs in one region"),  # diagram-wide finding, comment on `with Diagram`
        ("TOP001", "legacy"): (False, None),  # expired
    }
    [acc2] = by_code(out, "ACC002")
    assert (acc2.file, acc2.line) == ("shop.py", ln('EC2("worker")'))
    [acc1] = by_code(out, "ACC001")
    assert "expired on 2026-01-31" in acc1.message and acc1.line == ln('EC2("legacy")')


def test_diagram_comment_does_not_accept_node_findings():
    d = source_diagram()
    out = apply([finding("ZONE001", "web", severity="warning")], d, {"shop.py": SOURCE}, today=TODAY)
    assert not by_code(out, "ZONE001")[0].accepted


def test_comment_in_helper_module_and_missing_source():
    helper = "from diagrams.aws.compute import EC2\n\ndef web(name):\n    return EC2(name)  # wb: accept ZONE002 -- lab\n"
    d = diagram([node("w1", 4, file="lib/parts.py"), node("w2", 4, file="lib/parts.py")])
    f = finding("ZONE002", "w1", "w2", severity="warning")
    assert apply([f], d, {"lib/parts.py": helper}, today=TODAY)[0].accepted
    assert not apply([f], d, {}, today=TODAY)[0].accepted  # no source given: no comment acceptances


def test_comment_on_compound_header_does_not_reach_body():
    src = textwrap.dedent('''\
        with Diagram("x"):  # wb: accept ZONE001 -- one region
            # wb: accept SPOF001 -- for a only
            a = EC2("a")
            b = EC2("b")
    ''')
    d = diagram([node("a", 3), node("b", 4)], line=1)
    out = apply([finding("SPOF001", "a"), finding("SPOF001", "b"), finding("ZONE001", severity="info")],
                d, {"shop.py": src}, today=TODAY)
    assert [(f.code, f.nodes, f.accepted) for f in out] == [
        ("SPOF001", ["a"], True), ("SPOF001", ["b"], False), ("ZONE001", [], True)]


def test_unparsable_source_still_finds_comments():
    src = 'x = EC2("x")  # wb: accept SPOF001 -- fine\ny = (\n'
    d = diagram([node("x", 1)])
    assert apply([finding("SPOF001", "x")], d, {"shop.py": src}, today=TODAY)[0].accepted


def test_rules_documented():
    assert set(acceptance.RULES) == {"ACC001", "ACC002"}
    assert acceptance.RULES["ACC001"].severity == "info" and acceptance.RULES["ACC002"].severity == "warning"
    assert "SPOF001" in acceptance.generic_accept_text("SPOF001")


def test_a_crashed_rule_cannot_be_accepted():
    """WB000 (a rule crashed) is a bug to report, never a trade-off: a diagram-wide acceptance must not hide it."""
    src = 'with Diagram("Shop"):  # wb: accept WB000 -- the rule is flaky\n    EC2("a")\n'
    crash = Finding(code="WB000", severity="error", message="rule SPOF001 crashed: KeyError: 'x'",
                    remediation="report it", diagram="Shop", target="rule SPOF001", file="shop.py", line=1)
    out = apply([crash], diagram([node("a", 2)], line=1), {"shop.py": src}, today=TODAY)
    assert not by_code(out, "WB000")[0].accepted
    assert "is unused" in by_code(out, "ACC001")[0].message
