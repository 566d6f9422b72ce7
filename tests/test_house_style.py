"""Readable diagrams by default, the design's own attributes first, the workspace's house style, and a findings
view whose outline takes in the whole label with the badge inside it: real captures, real Graphviz."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from workbench.build import build_design
from workbench.config import load_config
from workbench.design import dotsource
from workbench.design.loader import load_design
from workbench.output.render import to_dot

PLAIN = """
    from diagrams import Cluster, Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.onprem.client import Users

    with Diagram("Plain", show=False{extra}):
        with Cluster("app tier"):
            apps = [EC2("app-1"), EC2("app-2")]
        Users("users") >> apps >> RDS("the only database of the whole shop")
"""


def dot_of(tmp_path, write_design, extra: str = "", style=None) -> str:
    path = write_design(tmp_path, "plain", PLAIN.format(extra=extra))
    diagram = load_design(path, root=tmp_path).diagrams[0]
    return to_dot(diagram, style=style).source


def graph_attr(dot: str, key: str) -> str | None:
    line = next(line for line in dot.splitlines() if line.strip().startswith("graph ["))
    match = re.search(rf'\b{key}="?([^" \]]+)', line)
    return match.group(1) if match else None


def test_a_design_that_sets_nothing_gets_curved_edges_and_a_tight_readable_layout(tmp_path, write_design):
    dot = dot_of(tmp_path, write_design)
    assert graph_attr(dot, "splines") == "spline"  # not diagrams' ortho
    assert graph_attr(dot, "ordering") is None  # measured: it makes adding a node move more (docs/benchmarks.md)
    pad = float(graph_attr(dot, "pad"))
    assert 0.4 <= pad < 2.0, pad  # room for the long label, not diagrams' 2 inches
    assert float(graph_attr(dot, "pad")) > 0.4  # "the only database of the whole shop" sticks out of its node


@pytest.mark.parametrize("extra, key, value", [
    (', graph_attr={"splines": "ortho"}', "splines", "ortho"),
    (', curvestyle="ortho"', "splines", "ortho"),
    (', graph_attr={"nodesep": "2.5", "pad": "1.5"}', "nodesep", "2.5"),
    (', graph_attr={"nodesep": "2.5", "pad": "1.5"}', "pad", "1.5"),
])
def test_the_designs_own_graph_attr_wins(tmp_path, write_design, extra, key, value):
    assert graph_attr(dot_of(tmp_path, write_design, extra), key) == value


def test_house_style_from_workbench_toml_fills_in_but_the_design_still_wins(tmp_path, write_design):
    (tmp_path / "workbench.toml").write_text('[workbench.style.graph]\nsplines = "polyline"\nnodesep = 1.25\n')
    cfg = load_config(tmp_path)
    assert cfg.style == {"graph": {"splines": "polyline", "nodesep": "1.25"}}
    dot = dot_of(tmp_path, write_design, style=cfg.style)
    assert graph_attr(dot, "splines") == "polyline" and graph_attr(dot, "nodesep") == "1.25"
    own = dot_of(tmp_path, write_design, ', graph_attr={"splines": "ortho"}', style=cfg.style)
    assert graph_attr(own, "splines") == "ortho" and graph_attr(own, "nodesep") == "1.25"


def test_a_build_uses_the_house_style_and_rebuilds_when_it_changes(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "plain", PLAIN.format(extra=""))
    first = build_design(path, cfg, formats=("svg", "dot"))
    assert first.status == "rendered", first.error
    dot_file = next((cfg.out / "plain").glob("*.dot"))
    assert "splines=spline" in dot_file.read_text()
    styled = replace(cfg, style={"graph": {"splines": "ortho"}})
    second = build_design(path, styled, formats=("svg", "dot"))
    assert second.status == "rendered", "a new house style must not be served from the cache"
    assert "splines=ortho" in dot_file.read_text()


def test_bad_style_table_names_the_setting(tmp_path):
    from workbench.errors import WorkbenchError

    (tmp_path / "workbench.toml").write_text('[workbench.style]\nedges = {color = "red"}\n')
    with pytest.raises(WorkbenchError, match=r"style.edges is not known \(use graph, node or edge\)"):
        load_config(tmp_path)


def test_findings_view_outlines_icon_and_label_with_the_badge_inside(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "plain", PLAIN.format(extra=""))
    result = build_design(path, cfg, formats=("svg",))
    assert result.status == "rendered", result.error
    svg = next((cfg.out / "plain").glob("*.findings.svg")).read_text()
    chunks = [c for c in svg.split('<g id="') if "<title>the&#45;only&#45;database" in c.split("</title>")[0]]
    assert chunks, "the database's node is missing from the findings view"
    body = chunks[0]
    colour = dotsource.MARK_COLOURS["error"]
    outline = [tuple(map(float, p.split(","))) for p in
               re.search(rf'<path fill="none" stroke="{colour}"[^>]*d="M([^"]+)"', body).group(1)
               .replace("C", " ").split()]
    xs, ys = [p[0] for p in outline], [p[1] for p in outline]
    texts = [(float(x), float(y), t) for x, y, t in re.findall(r'<text[^>]*x="([-\d.]+)" y="([-\d.]+)"[^>]*>([^<]*)</text>', body)]
    label = [t for t in texts if "whole shop" in t[2] or "database" in t[2]]
    badge = [t for t in texts if t[2].startswith("#")]
    assert label and badge, texts
    for x, y, _ in label + badge:  # the label and the badge sit inside the outline
        assert min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys), (x, y, min(xs), max(xs), min(ys), max(ys))
    assert "error" in svg and "warning" in svg and "findings view" in svg  # the legend


TOP_DOWN = """
    from diagrams import Cluster, Diagram, Edge
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.aws.network import ELB
    from diagrams.onprem.client import Users

    with Diagram("Top down", show=False, direction="{direction}"):
        users = Users("web and\\nmobile users")
        lb = ELB("lb")
        with Cluster("apps"):
            apps = [EC2("app-1"), EC2("app-2")]
        users >> Edge(label="HTTPS") >> lb >> apps >> RDS("db")
"""


def arrow_gaps(svg: str) -> dict[str, float]:
    """Per edge `tail->head`: how far (pt) the arrowhead's tip stops above the head's icon (top-down drawings)."""
    icons = {}
    for chunk in svg.split('<g id="node')[1:]:
        title = re.search(r"<title>([^<]*)</title>", chunk).group(1).replace("&#45;", "-")
        icons[title] = float(re.search(r'<use [^>]*y="([-\d.]+)"', chunk).group(1))
    gaps = {}
    for chunk in svg.split('<g id="edge')[1:]:
        tail, head = re.search(r"<title>([^<]*)</title>", chunk).group(1).replace("&#45;", "-").replace("&gt;", ">").split("->")
        points = re.search(r'<polygon [^>]*points="([^"]+)"', chunk).group(1).split()
        tip = max(float(p.split(",")[1]) for p in points)  # SVG y grows downwards: the lowest point is the tip
        gaps[f"{tail}->{head}"] = icons[head] - tip
    return gaps


def test_top_down_arrowheads_reach_the_icons_and_the_drawing_runs_top_down(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "tb", TOP_DOWN.format(direction="TB"))
    result = build_design(path, cfg, formats=("svg",))
    assert result.status == "rendered", result.error
    svg = next(p for p in (cfg.out / "tb").glob("*.svg") if ".findings." not in p.name).read_text()
    gaps = arrow_gaps(svg)
    assert len(gaps) == 5, gaps
    # diagrams centres a 1.4 in icon in a 1.9 in box: arrowheads stopped ~18 pt above the icon
    assert all(-1.0 <= gap <= 2.0 for gap in gaps.values()), gaps
    # top-down: users above lb above the apps above db (SVG y grows downwards)
    y = {}
    for chunk in svg.split('<g id="node')[1:]:
        title = re.search(r"<title>([^<]*)</title>", chunk).group(1).replace("&#45;", "-")
        y[title] = float(re.search(r'<use [^>]*y="([-\d.]+)"', chunk).group(1))
    users = next(k for k in y if "users" in k)
    assert y[users] < y["lb"] < y["app-1"] == y["app-2"] < y["db"], y


def test_icon_on_top_only_for_vertical_drawings_and_nodes_sized_by_diagrams(tmp_path, write_design):
    def nodes(direction: str) -> dict[str, str]:
        path = write_design(tmp_path, "tb", TOP_DOWN.format(direction=direction).replace(
            'RDS("db")', 'RDS("db", height="2.5")'))
        dot = to_dot(load_design(path, root=tmp_path).diagrams[0]).source
        return {m.group(1): m.group(2) for m in re.finditer(r'^\s*"?([\w-]+)"? \[(.*)\]$', dot, re.M)}

    for direction in ("TB", "BT"):
        found = nodes(direction)
        assert "imagepos=tc" in found["lb"] and "height=1.65" in found["lb"], found["lb"]
        assert "imagepos" not in found["db"] and "height=2.5" in found["db"]  # the design's own size wins
    for direction in ("LR", "RL"):  # edges meet the sides, beside the icon: nothing to change
        assert "imagepos" not in nodes(direction)["lb"]


def test_each_nodes_first_edge_weighs_more_unless_the_design_arranges_its_own(tmp_path, write_design):
    """Lines from the entries outward (each node's first edge, no node reached twice, no edge drawn both ways)
    get weight 4: a skeleton that a node added elsewhere bends less (benchmarks/layout_stability.py)."""
    source = """
        from diagrams import Diagram, Edge
        from diagrams.aws.compute import EC2
        from diagrams.aws.database import RDS
        from diagrams.aws.network import ELB
        from diagrams.onprem.client import Users
        from diagrams.saas.chat import Slack

        with Diagram("Lines", show=False):
            users, lb, db, hook = Users("users"), ELB("lb"), RDS("db"), Slack("hook")
            apps = [EC2("app-1"), EC2("app-2")]
            users >> lb >> apps >> db
            apps[0] >> hook{extra}
            hook >> apps[0]
    """
    def weighted(extra: str = "") -> set[tuple[str, str]]:
        path = write_design(tmp_path, "lines", source.format(extra=extra))
        dot = to_dot(load_design(path, root=tmp_path).diagrams[0]).source
        return {(m.group(1), m.group(2)) for m in re.finditer(r'^\s*"?([\w-]+)"? -> "?([\w-]+)"? \[[^\]]*\bweight=4', dot, re.M)}

    assert weighted() == {("users", "lb"), ("lb", "app-1"), ("app-1", "db")}  # app-1 <-> hook: drawn both ways
    assert weighted(' >> Edge(weight="2") >> users') == set()  # the design weighs its own edges


def test_heavier_lines_move_fewer_nodes_when_one_is_added():
    """The benchmark's own measure on three shipped designs: with the house style's heavier lines, fewer pairs of
    the other nodes swap order than without them."""
    import importlib.util
    import tempfile
    from dataclasses import asdict
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("layout_stability", root / "benchmarks" / "layout_stability.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    from workbench.output.render import prepare_workdir

    swaps = {True: 0, False: 0}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in ("case_kafka", "ecommerce_catalog", "url_shortener"):
            design = root / "designs" / f"{name}.py"
            diagram = asdict(load_design(design, root=root).diagrams[0])
            prepare_workdir(work, design.parent)
            nodes = diagram["nodes"]
            for lines in (True, False):
                style = {} if lines else {bench.NO_LINES: True}
                base = bench.positions(diagram, style, work)
                for anchor in (nodes[0], nodes[len(nodes) // 2], nodes[-1]):
                    grown = bench.positions(bench.plus_one(diagram, anchor), style, work)
                    grown.pop("wb-added-node", None)
                    swaps[lines] += bench.flips(base, grown)[0]
    assert swaps[True] < swaps[False], swaps  # all 23 designs: 87 against 140 pairs (docs in the benchmark)
