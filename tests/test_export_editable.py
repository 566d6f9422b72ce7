"""`workbench export --format mermaid|drawio` and `workbench export FOLDER`: Mermaid checked by structure, the
draw.io file parsed as XML with every node, cluster and edge present at Graphviz's positions."""

from __future__ import annotations

import base64
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from clirun import run

REPO = Path(__file__).resolve().parent.parent

# Nested clusters, a quote and a newline in labels, a back edge, a dashed edge, an undirected edge, a keyword-
# like label ("end"), a C4-style HTML label and a single database (SPOF/REP findings to mark).
TRICKY = '''
    from diagrams import Cluster, Diagram, Edge
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.aws.network import ELB
    from diagrams.onprem.client import Users
    from diagrams.onprem.queue import Kafka

    with Diagram("Tricky Shop", show=False, direction="TB"):
        users = Users('say "hi"\\nplease')
        with Cluster("region"):
            lb = ELB("end")
            with Cluster("app tier"):
                apps = [EC2("app-1"), EC2("app-2")]
            db = RDS("orders db")
        bus = Kafka("events")
        users >> lb >> apps
        apps >> db
        db << Edge(label="reads") << lb
        apps >> Edge(style="dashed", label="async") >> bus
        bus - Edge(label="mirror") - db
'''

MERMAID_ID = r"[A-Za-z0-9_]+"
NODE = re.compile(rf'^(?P<id>{MERMAID_ID})\["(?P<label>[^"]*)"\]$')
SUBGRAPH = re.compile(rf'^subgraph (?P<id>{MERMAID_ID})\["(?P<label>[^"]*)"\]$')
EDGE = re.compile(rf'^(?P<a>{MERMAID_ID}) (?P<link><?(?:-->|-\.->|==>|---|-\.-|===|<-->|<-\.->|<==>))'
                  rf'(?:\|"(?P<label>[^"]*)"\|)? (?P<b>{MERMAID_ID})$')
CLASSDEF = re.compile(r"^classDef (?P<name>\w+) (?P<style>[^;]+)$")
CLASS = re.compile(rf"^class (?P<ids>{MERMAID_ID}(?:,{MERMAID_ID})*) (?P<name>\w+)$")


def parse_flowchart(text: str) -> dict:
    """A strict reader of the Mermaid subset the exporter writes; any other line fails the test."""
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("%%")]
    assert re.fullmatch(r"flowchart (LR|RL|TB|BT)", lines[0]), lines[0]
    nodes, subgraphs, edges, classdefs, classes = {}, {}, [], {}, {}
    stack: list[str] = []
    for line in lines[1:]:
        if m := SUBGRAPH.match(line):
            assert m["id"] not in subgraphs
            subgraphs[m["id"]] = {"label": m["label"], "parent": stack[-1] if stack else None}
            stack.append(m["id"])
        elif line == "end":
            assert stack, "an `end` without its subgraph"
            stack.pop()
        elif m := NODE.match(line):
            assert m["id"] not in nodes, f"node {m['id']} defined twice"
            nodes[m["id"]] = {"label": m["label"], "subgraph": stack[-1] if stack else None}
        elif m := EDGE.match(line):
            edges.append((m["a"], m["link"], m["label"], m["b"]))
        elif m := CLASSDEF.match(line):
            classdefs[m["name"]] = m["style"]
        elif m := CLASS.match(line):
            classes.setdefault(m["name"], set()).update(m["ids"].split(","))
        else:
            raise AssertionError(f"not a line of a Mermaid flowchart the exporter writes: {line!r}")
    assert not stack, f"subgraphs left open: {stack}"
    for name in (*nodes, *subgraphs):
        assert name.lower() != "end", "`end` as an id would close a subgraph"
    for a, _, _, b in edges:
        assert a in nodes and b in nodes, (a, b)
    for name, members in classes.items():
        assert name in classdefs and members <= set(nodes), (name, members)
    return {"direction": lines[0].split()[1], "nodes": nodes, "subgraphs": subgraphs, "edges": edges,
            "classes": classes}


@pytest.fixture
def shop(ws, write_design):
    write_design(ws, "tricky", TRICKY)
    return ws


def model_of(ws: Path, stem: str) -> dict:
    return json.loads((ws / "out" / stem / "model.json").read_text(encoding="utf-8"))


def test_mermaid_markdown_has_every_node_cluster_and_edge(shop):
    result = run("export", "designs/tricky.py", "--format", "mermaid")
    assert result.exit_code == 0, result.output
    md = (shop / "tricky.mermaid.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```mermaid\n(.*?)\n```", md, re.S)
    assert len(blocks) == 1
    chart = parse_flowchart(blocks[0])
    diagram = model_of(shop, "tricky")["diagrams"][0]
    assert chart["direction"] == "TB"
    labels = {n["label"]: n for n in chart["nodes"].values()}
    assert set(labels) == {"say &quot;hi&quot;<br/>please", "end", "app-1", "app-2", "orders db", "events"}
    # clusters are subgraphs, nested as drawn, and nodes sit in their innermost cluster
    subgraph_label = {k: v["label"] for k, v in chart["subgraphs"].items()}
    assert sorted(subgraph_label.values()) == ["app tier", "region"]
    app_tier = next(k for k, v in subgraph_label.items() if v == "app tier")
    assert subgraph_label[chart["subgraphs"][app_tier]["parent"]] == "region"
    assert labels["app-1"]["subgraph"] == app_tier and labels["events"]["subgraph"] is None
    # every edge, in the direction of its arrow: `db << lb` points at db; dashed stays dashed; `-` has no head
    by_id = {k: v["label"] for k, v in chart["nodes"].items()}
    drawn = {(by_id[a], link, label, by_id[b]) for a, link, label, b in chart["edges"]}
    assert len(chart["edges"]) == len(diagram["edges"]) == 9
    assert ("end", "-->", "reads", "orders db") in drawn
    assert ("app-1", "-.->", "async", "events") in drawn
    assert ("events", "---", "mirror", "orders db") in drawn
    # findings as classes: the single database is an error; the findings list follows the block
    findings = json.loads((shop / "out" / "tricky" / "findings.json").read_text(encoding="utf-8"))
    errors = {n for f in findings["diagrams"][0]["findings"] if f["severity"] == "error" and not f["accepted"]
              for n in f["node_ids"]}
    assert errors, "the fixture should have an error finding"
    node_of_label = {v["label"]: k for k, v in chart["nodes"].items()}
    marked = {by_id[x] for x in chart["classes"]["error"]}
    assert {diagram_label(diagram, n) for n in errors} <= marked
    assert "orders db" in marked and node_of_label["orders db"] in chart["classes"]["error"]
    assert re.search(r"^- #1 \*\*error\*\* ", md, re.M)


def diagram_label(diagram: dict, node_id: str) -> str:
    return next(n["label"] for n in diagram["nodes"] if n["id"] == node_id).replace('"', "&quot;").replace(
        "\n", "<br/>")


def test_mmd_output_is_one_bare_flowchart(shop):
    result = run("export", "designs/tricky.py", "--format", "mermaid", "-o", "chart.mmd")
    assert result.exit_code == 0, result.output
    text = (shop / "chart.mmd").read_text(encoding="utf-8")
    assert "```" not in text
    assert len(parse_flowchart(text)["nodes"]) == 6


def test_mermaid_of_every_shipped_design_parses(ws):
    shutil.copytree(REPO / "designs", ws / "designs")
    result = run("export", "designs", "--format", "mermaid", "-o", "md")
    assert result.exit_code == 0, result.output
    index = (ws / "md" / "index.md").read_text(encoding="utf-8")
    designs = sorted(p for p in (ws / "designs").glob("*.py") if not p.name.startswith("_"))
    for design in designs:
        assert f"[{design.stem}.mermaid.md]({design.stem}.mermaid.md)" in index
        md = (ws / "md" / f"{design.stem}.mermaid.md").read_text(encoding="utf-8")
        model = model_of(ws, design.stem)
        blocks = re.findall(r"```mermaid\n(.*?)\n```", md, re.S)
        assert len(blocks) == len(model["diagrams"]), design.name
        for block, diagram in zip(blocks, model["diagrams"]):
            chart = parse_flowchart(block)
            assert len(chart["nodes"]) == len(diagram["nodes"]), design.name
            assert len(chart["subgraphs"]) == len(diagram["clusters"]), design.name


def test_drawio_file_has_every_node_at_graphviz_positions_with_its_icon(shop):
    result = run("export", "designs/tricky.py", "--format", "drawio")
    assert result.exit_code == 0, result.output
    root = ET.parse(shop / "tricky.drawio").getroot()
    assert root.tag == "mxfile"
    pages = root.findall("diagram")
    diagram = model_of(shop, "tricky")["diagrams"][0]
    assert [p.get("name") for p in pages] == ["Tricky Shop"]
    cells = {c.get("id"): c for c in pages[0].iter("mxCell")}
    assert cells["1"].get("parent") == "0"

    def absolute(cell_id: str) -> tuple[float, float, float, float]:
        cell = cells[cell_id]
        g = cell.find("mxGeometry")
        x, y = float(g.get("x")), float(g.get("y"))
        if cell.get("parent") not in ("0", "1"):
            px, py, _, _ = absolute(cell.get("parent"))
            x, y = x + px, y + py
        return x, y, float(g.get("width")), float(g.get("height"))

    for node in diagram["nodes"]:
        cell = cells[f"n-{node['id']}"]
        assert cell.get("vertex") == "1"
        expected_parent = f"c-{node['cluster']}" if node["cluster"] else "1"
        assert cell.get("parent") == expected_parent, node["label"]
        style = dict(part.split("=", 1) for part in cell.get("style").strip(";").split(";"))
        # the same icon as the PNG: the diagrams package's file, embedded
        assert style["shape"] == "image"
        mime, data = style["image"].split(",", 1)
        assert mime == "data:image/png"
        import diagrams

        icon = Path(diagrams.__file__).resolve().parent.parent / node["icon"]["path"]
        assert base64.b64decode(data) == icon.read_bytes()
    for cluster in diagram["clusters"]:
        cell = cells[f"c-{cluster['id']}"]
        assert "container=1" in cell.get("style") and cell.get("value") == cluster["label"]
        cx, cy, cw, ch = absolute(cell.get("id"))
        for node in diagram["nodes"]:  # each node lies inside every cluster that holds it
            if cluster["id"] in node["clusters"]:
                x, y, w, h = absolute(f"n-{node['id']}")
                assert cx <= x and x + w <= cx + cw and cy <= y and y + h <= cy + ch, (cluster["label"], node["label"])
    # Graphviz's layout (test_drawio_positions_are_the_rendered_svgs... compares every icon with the SVG):
    # the two apps share a rank, the load balancer and the database lie on others
    label_y = {n["label"]: absolute(f"n-{n['id']}")[1] for n in diagram["nodes"]}
    assert label_y["app-1"] == label_y["app-2"] != label_y["end"] != label_y["orders db"]
    edges = [c for c in cells.values() if c.get("edge") == "1"]
    assert len(edges) == len(diagram["edges"])
    ids = {f"n-{n['id']}" for n in diagram["nodes"]}
    assert all(e.get("source") in ids and e.get("target") in ids for e in edges)
    # edges follow Graphviz's route: the curved ones get waypoints, all on the page
    bends = [(float(p.get("x")), float(p.get("y"))) for e in edges for p in e.iter("mxPoint")]
    assert bends, "no edge has waypoints: curved edges would be drawn straight"
    right = max(absolute(f"n-{n['id']}")[0] for n in diagram["nodes"]) + 200
    bottom = max(label_y.values()) + 200
    assert all(0 <= x <= right and 0 <= y <= bottom for x, y in bends)
    back = next(e for e in edges if e.get("value") == "reads")
    assert "startArrow=classic" in back.get("style") and "endArrow=none" in back.get("style")
    # the error's component is outlined like the findings view
    db = cells[f"n-{next(n['id'] for n in diagram['nodes'] if n['label'] == 'orders db')}"]
    assert "imageBorder=#d62728" in db.get("style")


def test_drawio_pages_for_every_diagram_and_deterministic(ws, write_design):
    write_design(ws, "two", '''
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        from diagrams.aws.database import RDS

        with Diagram("First", show=False):
            EC2("a") >> RDS("b")
        with Diagram("Second", show=False):
            EC2("c") >> RDS("d")
    ''')
    assert run("export", "designs/two.py", "--format", "drawio", "-o", "one.drawio").exit_code == 0
    assert run("export", "designs/two.py", "--format", "drawio", "-o", "again.drawio").exit_code == 0
    first = (ws / "one.drawio").read_bytes()
    assert first == (ws / "again.drawio").read_bytes()
    assert [p.get("name") for p in ET.fromstring(first).findall("diagram")] == ["First", "Second"]


def test_folder_export_writes_each_design_and_an_index_even_when_one_fails(ws, write_design):
    write_design(ws, "good", TRICKY)
    write_design(ws, "bad", "from diagrams import Diagram\nraise RuntimeError('boom')\n")
    write_design(ws, "_helper", "X = 1\n")
    result = run("export", "designs", "--format", "html", "-o", "site")
    assert result.exit_code == 1
    assert "bad.py:2" in result.output and "boom" in result.output
    assert (ws / "site" / "good-report.html").read_bytes().startswith(b"<!DOCTYPE html>")
    index = (ws / "site" / "index.html").read_text(encoding="utf-8")
    assert '<a href="good-report.html">' in index and "designs/bad.py" in index and "failed" in index
    assert "_helper" not in index
    assert sorted(p.name for p in (ws / "site").iterdir()) == ["good-report.html", "index.html"]


def test_folder_export_of_markdown_reports_keeps_each_with_its_images(ws, write_design):
    write_design(ws, "one", TRICKY)
    write_design(ws, "two", TRICKY.replace("Tricky Shop", "Other Shop"))
    result = run("export", "designs", "--format", "md", "-o", "reports")
    assert result.exit_code == 0, result.output
    index = (ws / "reports" / "index.md").read_text(encoding="utf-8")
    assert "[one/one-report.md](one/one-report.md)" in index
    for stem in ("one", "two"):
        report = (ws / "reports" / stem / f"{stem}-report.md").read_text(encoding="utf-8")
        for image in re.findall(r"!\[[^\]]*\]\(([^)]*)\)", report):
            assert (ws / "reports" / stem / image).is_file()


def test_drawio_positions_are_the_rendered_svgs_under_the_house_style(ws):
    """The icons sit where the rendered SVG has them (the same layout, house style included)."""
    import html

    (ws / "designs").mkdir()
    shutil.copy(REPO / "designs" / "pair_cache_before.py", ws / "designs" / "shop.py")
    (ws / "workbench.toml").write_text('[workbench]\nformats = ["svg"]\n[workbench.style.graph]\nnodesep = "2.5"\n'
                                       'ranksep = "3"\n', encoding="utf-8")
    result = run("export", "designs/shop.py", "--format", "drawio", "-o", "shop.drawio")
    assert result.exit_code == 0, result.output
    diagram = model_of(ws, "shop")["diagrams"][0]
    svg = (ws / "out" / "shop" / f"{diagram['slug']}.svg").read_text(encoding="utf-8")
    in_svg = {html.unescape(t): (float(x), float(y))
              for t, x, y in re.findall(r'<title>([^<]*)</title>\s*(?:<rect [^>]*>\s*)?<use [^>]*?x="([-\d.]+)" y="([-\d.]+)"', svg)}
    cells = {c.get("id"): c for c in ET.parse(ws / "shop.drawio").getroot().iter("mxCell")}

    def absolute(cell_id: str) -> tuple[float, float]:
        g = cells[cell_id].find("mxGeometry")
        x, y = float(g.get("x")), float(g.get("y"))
        parent = cells[cell_id].get("parent")
        if parent not in ("0", "1"):
            px, py = absolute(parent)
            x, y = x + px, y + py
        return x, y

    assert set(in_svg) == {n["id"] for n in diagram["nodes"]}
    offsets = set()
    for node in diagram["nodes"]:
        x, y = absolute(f"n-{node['id']}")
        sx, sy = in_svg[node["id"]]
        assert abs(x - sx) < 1, node["label"]
        offsets.add(round(y - sy))
    assert len(offsets) == 1, offsets  # one shift between the two coordinate systems, the same for every node


def test_export_notices_an_edited_partial_template_and_stays_cached_without_one(ws, write_design):
    """The build's cache covers templates/report.html but not what it imports (_sheet.html): an export after
    an edit of that partial must carry the edit, and an export with no override reuses render's outputs."""
    write_design(ws, "shop", TRICKY)
    assert run("render", "designs/shop.py").exit_code == 0
    from workbench.output.outdir import STAMP

    stamp = ws / "out" / "shop" / STAMP
    before = stamp.read_bytes()
    assert run("export", "designs/shop.py", "-o", "plain.html").exit_code == 0
    assert stamp.read_bytes() == before  # no override: render's build is reused as it is
    packaged = (REPO / "workbench" / "templates" / "_sheet.html").read_text(encoding="utf-8")
    assert packaged.count("{% endmacro %}") > 1
    partial = ws / "templates" / "_sheet.html"
    partial.parent.mkdir(exist_ok=True)
    for mark in ("FIRST-EDIT", "SECOND-EDIT"):
        partial.write_text(packaged.replace("{% endmacro %}", f"<i>{mark}</i>{{% endmacro %}}", 1), encoding="utf-8")
        assert run("export", "designs/shop.py", "-o", f"{mark}.html").exit_code == 0
        html = (ws / f"{mark}.html").read_text(encoding="utf-8")
        assert mark in html and html.count("-EDIT</i>") == html.count(f"{mark}</i>")
    partial.unlink()
    assert run("export", "designs/shop.py", "-o", "back.html").exit_code == 0
    assert "-EDIT</i>" not in (ws / "back.html").read_text(encoding="utf-8")


def test_mermaid_labels_keep_a_hash_as_text():
    """Mermaid reads `#1;` in a label as a character code (a control character here): # is written as an entity."""
    from workbench.output.mermaid import text

    assert text("order #1; done") == "order &#35;1; done"
    assert "#quot;" not in text('say "#quot;"') and "&quot;" in text('say "#quot;"')
