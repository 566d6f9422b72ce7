"""Rendering with real Graphviz: formats, determinism, self-contained SVG, portable outputs."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from workbench.build import build_design
from workbench.design.loader import load_design
from workbench.errors import WorkbenchError
from workbench.output.render import to_dot

XLINK = "{http://www.w3.org/1999/xlink}href"
SVG_NS = "{http://www.w3.org/2000/svg}"

SHARED_ICONS = """
    from diagrams import Cluster, Diagram, Edge
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.aws.network import ELB

    with Diagram("Shop", show=False):
        lb = ELB("lb")
        with Cluster("app tier"):
            apps = [EC2("app-1"), EC2("app-2"), EC2("app-3")]
        with Cluster("data"):
            primary = RDS("primary")
            replica = RDS("replica")
            primary - Edge(label="replication", style="dashed") - replica
        lb >> apps >> primary
"""


def render(path, cfg, formats, force=False):
    result = build_design(path, cfg, formats=formats, force=force)
    assert result.status == "rendered", result.error
    return result


def hrefs(root):
    for el in root.iter():
        for key in (XLINK, "href"):
            if key in el.attrib:
                yield el, el.attrib[key]


def test_all_four_formats_from_one_render(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "shop", SHARED_ICONS)
    result = render(path, cfg, ("png", "svg", "pdf", "dot"))
    out = cfg.out / "shop"
    assert (out / "shop.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "shop.pdf").read_bytes()[:5] == b"%PDF-"
    assert (out / "shop.dot").read_text().lstrip().startswith("digraph")
    ET.fromstring((out / "shop.svg").read_bytes())
    names = {p.name for p in result.outputs}
    assert {"shop.png", "shop.svg", "shop.pdf", "shop.dot", "model.json"} <= names


def test_only_requested_formats_are_written(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "shop", SHARED_ICONS)
    render(path, cfg, ("pdf",))
    out = cfg.out / "shop"
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    # The findings view is always SVG and PNG; the report PDF comes with the pdf format.
    assert visible == sorted(["model.json", "shop.pdf", "shop.findings.svg", "report.pdf", "findings.json", "report.html", "report.md"])


def test_rendering_twice_is_byte_identical(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "shop", SHARED_ICONS)
    render(path, cfg, ("dot", "svg"))
    out = cfg.out / "shop"
    first = {name: (out / name).read_bytes() for name in ("shop.dot", "shop.svg", "model.json")}
    render(path, cfg, ("dot", "svg"), force=True)
    second = {name: (out / name).read_bytes() for name in ("shop.dot", "shop.svg", "model.json")}
    for name in first:
        assert first[name] == second[name], f"{name} differs between two renders"


def test_dot_has_label_ids_and_no_random_ids(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "shop", SHARED_ICONS)
    render(path, cfg, ("dot",))
    dot = (cfg.out / "shop" / "shop.dot").read_text()
    assert not re.search(r"[0-9a-f]{32}", dot)
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-", dot)
    for node_id in ("lb", "app-1", "app-2", "app-3", "primary", "replica"):
        assert re.search(rf'(^|\s)"?{re.escape(node_id)}"?\s*(\[|->)', dot, re.M), node_id


def test_dot_source_is_the_same_from_two_separate_loads(tmp_path, write_design):
    path = write_design(tmp_path, "shop", SHARED_ICONS)
    one = load_design(path, root=tmp_path, timeout=30).diagrams[0]
    two = load_design(path, root=tmp_path, timeout=30).diagrams[0]
    assert to_dot(one).source == to_dot(two).source


def test_outputs_hold_no_absolute_paths(tmp_path, write_design, write_png, cfg):
    write_png(tmp_path / "designs" / "icons" / "mine.png")
    path = write_design(tmp_path, "paths", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        from diagrams.custom import Custom

        with Diagram("paths", show=False):
            Custom("mine", "icons/mine.png") >> EC2("ec2")
    """)
    render(path, cfg, ("dot", "svg"))
    out = cfg.out / "paths"
    for name in ("paths.dot", "paths.svg", "model.json"):
        text = (out / name).read_text()
        assert str(tmp_path) not in text, name
        assert "site-packages" not in text, name
        assert "/work" not in text, name


def test_svg_is_self_contained_with_each_icon_once(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "shop", SHARED_ICONS)
    render(path, cfg, ("svg",))
    raw = (cfg.out / "shop" / "shop.svg").read_bytes()
    root = ET.fromstring(raw)  # valid XML
    assert root.tag == SVG_NS + "svg"
    assert b"file:" not in raw
    all_hrefs = list(hrefs(root))
    assert all_hrefs, "expected icons"
    for el, href in all_hrefs:
        assert href.startswith("#") or href.startswith("data:"), href
    symbols = {el.get("id"): el for el in root.iter(SVG_NS + "symbol")}
    uses = list(root.iter(SVG_NS + "use"))
    assert len(uses) == 6  # one per node
    for use in uses:
        target = use.get(XLINK) or use.get("href")
        assert target.startswith("#") and target[1:] in symbols, target
    # EC2, RDS, ELB: three distinct icons, each stored once although EC2 is used three times.
    assert len(symbols) == 3
    data_uris = [h for _, h in all_hrefs if h.startswith("data:")]
    assert len(data_uris) == 3 == len(set(data_uris))
    assert all(h.startswith("data:image/png;base64,") for h in data_uris)
    assert not list(root.iter(SVG_NS + "image")) or all(
        (img.get(XLINK) or img.get("href", "")).startswith("data:") for img in root.iter(SVG_NS + "image"))


def test_svg_inlines_design_relative_custom_icons(tmp_path, write_design, write_png, cfg):
    write_png(tmp_path / "designs" / "icons" / "red.png", rgb=(255, 0, 0))
    write_png(tmp_path / "designs" / "icons" / "blue.png", rgb=(0, 0, 255))
    path = write_design(tmp_path, "custom", """
        from diagrams import Diagram
        from diagrams.custom import Custom

        with Diagram("custom", show=False):
            a = Custom("a", "icons/red.png")
            b = Custom("b", "./icons/red.png")
            c = Custom("c", "icons/blue.png")
            a >> b >> c
    """)
    render(path, cfg, ("svg", "png"))
    raw = (cfg.out / "custom" / "custom.svg").read_bytes()
    root = ET.fromstring(raw)
    data_uris = {h for _, h in hrefs(root) if h.startswith("data:")}
    assert len(data_uris) == 2
    assert all(h.startswith(("#", "data:")) for _, h in hrefs(root))
    assert len(list(root.iter(SVG_NS + "use"))) == 3


def test_same_label_clusters_are_two_subgraphs_in_the_rendered_dot(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "twins", """
        from diagrams import Cluster, Diagram
        from diagrams.aws.compute import EC2

        with Diagram("twins", show=False):
            with Cluster("az"):
                a = EC2("a")
            with Cluster("az"):
                b = EC2("b")
            a >> b
    """)
    render(path, cfg, ("dot", "svg"))
    dot = (cfg.out / "twins" / "twins.dot").read_text()
    names = re.findall(r'subgraph\s+"?(cluster_[^"\s{]+)', dot)
    assert len(names) == 2 and len(set(names)) == 2
    root = ET.fromstring((cfg.out / "twins" / "twins.svg").read_bytes())
    cluster_groups = [g for g in root.iter(SVG_NS + "g") if g.get("class") == "cluster"]
    assert len(cluster_groups) == 2


def test_graph_attributes_reach_graphviz(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "attrs", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("attrs", show=False, graph_attr={"bgcolor": "lightyellow", "wb_qps": "10"}):
            EC2("a") >> EC2("b")
    """)
    render(path, cfg, ("dot", "svg"))
    dot = (cfg.out / "attrs" / "attrs.dot").read_text()
    assert "lightyellow" in dot and "wb_qps" not in dot
    assert "lightyellow" in (cfg.out / "attrs" / "attrs.svg").read_text()


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "dot"])
def test_each_format_alone(tmp_path, write_design, cfg, fmt):
    path = write_design(tmp_path, "solo", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("solo", show=False):
            EC2("a") >> EC2("b")
    """)
    render(path, cfg, (fmt,))
    data = (cfg.out / "solo" / f"solo.{fmt}").read_bytes()
    signature = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF", "dot": b"digraph"}[fmt]
    assert data.lstrip().startswith(signature)


def test_kill_all_ends_a_dot_that_a_build_waits_on(tmp_path):
    """Ctrl-C in `watch`: a `dot` that never ends (here: waiting for DOT on its FIFO) must not hold the build."""
    import threading

    from workbench.design.children import kill_all
    from workbench.output.render import EarlyRender

    early = EarlyRender.start(tmp_path, tmp_path, ("svg", "png"))
    assert early is not None
    outcome = []

    def wait() -> None:
        try:
            early.job.wait()
            outcome.append("ended")
        except WorkbenchError as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=wait)
    waiter.start()
    waiter.join(0.5)
    assert waiter.is_alive() and early.job.proc.poll() is None  # blocked, as a hung `dot` would be
    kill_all()
    waiter.join(30)
    assert not waiter.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], WorkbenchError), outcome
    early.cancel()
    kill_all()  # nothing left to kill: a no-op
