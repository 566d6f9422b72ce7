"""Capture: real `diagrams` idioms, run in a real child process, become the right model."""

from __future__ import annotations

import re

import pytest

from workbench.build import build_design
from workbench.design.loader import load_design
from workbench.output.render import to_dot


def line_of(path, marker: str) -> int:
    """1-based number of the only line of `path` that contains `marker`."""
    hits = [i for i, text in enumerate(path.read_text().splitlines(), 1) if marker in text]
    assert len(hits) == 1, f"marker {marker!r} must occur once, found {hits}"
    return hits[0]


def load(tmp_path, write_design, source, name="design"):
    path = write_design(tmp_path, name, source)
    return path, load_design(path, root=tmp_path, timeout=30)


def edge_set(diagram):
    return {(e.tail, e.head, e.dir) for e in diagram.edges}


# -- operators ----------------------------------------------------------------------------------
def test_lists_on_either_side_of_rshift(tmp_path, write_design):
    _, model = load(tmp_path, write_design, """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        from diagrams.aws.database import RDS
        from diagrams.aws.network import ELB

        with Diagram("lists", show=False):
            lb = ELB("lb")
            a, b = EC2("a"), EC2("b")
            db = RDS("db")
            lb >> [a, b] >> db
            front = ELB("front")
            [a, b] >> front
    """)
    (d,) = model.diagrams
    assert edge_set(d) == {
        ("lb", "a", "forward"), ("lb", "b", "forward"),
        ("a", "db", "forward"), ("b", "db", "forward"),
        ("a", "front", "forward"), ("b", "front", "forward"),
    }
    assert len(d.edges) == 6
    assert {e.caller for e in d.edges if e.callee == "db"} == {"a", "b"}


def test_lshift_chain_with_edge_means_right_side_calls_left(tmp_path, write_design):
    path, model = load(tmp_path, write_design, """
        from diagrams import Diagram, Edge
        from diagrams.aws.database import RDS
        from diagrams.aws.network import ELB

        with Diagram("lshift", show=False):
            db = RDS("db")
            lb = ELB("lb")
            db << Edge(label="x", color="red") << lb  # LSHIFT
            cache = RDS("cache")
            cache << lb  # PLAIN
    """)
    (d,) = model.diagrams
    labelled = [e for e in d.edges if e.label == "x"]
    assert len(labelled) == 1
    e = labelled[0]
    assert (e.tail, e.head, e.dir) == ("db", "lb", "back")
    assert e.caller == "lb" and e.callee == "db"
    assert e.color == "red"
    assert e.attrs["label"] == "x" and e.attrs["color"] == "red"
    assert e.line == line_of(path, "# LSHIFT")
    plain = [x for x in d.edges if x is not e]
    assert len(plain) == 1
    assert (plain[0].caller, plain[0].callee, plain[0].dir) == ("lb", "cache", "back")


def test_minus_is_undirected(tmp_path, write_design):
    _, model = load(tmp_path, write_design, """
        from diagrams import Diagram, Edge
        from diagrams.aws.database import RDS

        with Diagram("minus", show=False):
            p, r, s = RDS("primary"), RDS("replica"), RDS("standby")
            p - r
            p - Edge(label="replication", style="dashed") - s
    """)
    (d,) = model.diagrams
    assert {(e.tail, e.head) for e in d.edges} == {("primary", "replica"), ("primary", "standby")}
    assert all(e.dir == "none" for e in d.edges)
    (rep,) = [e for e in d.edges if e.head == "standby"]
    assert rep.label == "replication" and rep.style == "dashed"


def test_edge_in_rshift_chain_carries_label_colour_style(tmp_path, write_design):
    _, model = load(tmp_path, write_design, """
        from diagrams import Diagram, Edge
        from diagrams.aws.compute import EC2
        from diagrams.aws.database import RDS

        with Diagram("styled", show=False):
            app, db, other = EC2("app"), RDS("db"), RDS("other")
            app >> Edge(label="reads", color="blue", style="dotted") >> db
            app >> Edge(color="firebrick", style="bold") >> [other]
    """)
    (d,) = model.diagrams
    (reads,) = [e for e in d.edges if e.head == "db"]
    assert (reads.tail, reads.dir, reads.label, reads.color, reads.style) == \
        ("app", "forward", "reads", "blue", "dotted")
    assert reads.caller == "app" and reads.callee == "db"
    (bold,) = [e for e in d.edges if e.head == "other"]
    assert (bold.color, bold.style, bold.label, bold.dir) == ("firebrick", "bold", "", "forward")


# -- clusters -----------------------------------------------------------------------------------
def test_nested_clusters_chain_outermost_to_innermost(tmp_path, write_design):
    _, model = load(tmp_path, write_design, """
        from diagrams import Cluster, Diagram
        from diagrams.aws.compute import EC2

        with Diagram("nested", show=False):
            top = EC2("top")
            with Cluster("region"):
                with Cluster("zone a"):
                    with Cluster("subnet"):
                        deep = EC2("deep")
                mid = EC2("mid")
    """)
    (d,) = model.diagrams
    by_label = {c.label: c for c in d.clusters}
    region, zone, subnet = by_label["region"], by_label["zone a"], by_label["subnet"]
    assert region.parent is None
    assert zone.parent == region.id
    assert subnet.parent == zone.id
    assert len({region.id, zone.id, subnet.id}) == 3
    deep = d.node("deep")
    assert deep.clusters == [region.id, zone.id, subnet.id]
    assert deep.cluster == subnet.id
    assert d.node("mid").clusters == [region.id] and d.node("mid").cluster == region.id
    assert d.node("top").clusters == [] and d.node("top").cluster is None


def test_two_clusters_with_the_same_label_stay_distinct(tmp_path, write_design):
    _, model = load(tmp_path, write_design, """
        from diagrams import Cluster, Diagram
        from diagrams.aws.compute import EC2

        with Diagram("twins", show=False):
            with Cluster("az"):
                a = EC2("a")
            with Cluster("az"):
                b = EC2("b")
    """)
    (d,) = model.diagrams
    assert [c.label for c in d.clusters] == ["az", "az"]
    ids = [c.id for c in d.clusters]
    assert len(set(ids)) == 2
    assert d.node("a").cluster != d.node("b").cluster
    assert {d.node("a").cluster, d.node("b").cluster} == set(ids)
    source = to_dot(d).source
    assert len(re.findall(r"subgraph\s+\"?cluster_", source)) == 2


# -- loops, functions, several diagrams ---------------------------------------------------------
def test_nodes_built_in_loops_and_functions(tmp_path, write_design):
    path, model = load(tmp_path, write_design, """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        from diagrams.aws.database import RDS


        def shard(name):
            return RDS(name)  # IN-FUNCTION


        with Diagram("loops", show=False):
            workers = [EC2("worker") for _ in range(3)]  # IN-LOOP
            shards = [shard(f"shard {i}") for i in range(2)]
            for w in workers:
                for s in shards:
                    w >> s
    """)
    (d,) = model.diagrams
    ids = [n.id for n in d.nodes]
    assert len(ids) == len(set(ids)) == 5
    workers = [n for n in d.nodes if n.label == "worker"]
    assert len(workers) == 3
    assert {n.id for n in workers} == {"worker", "worker-2", "worker-3"}
    assert all(n.line == line_of(path, "# IN-LOOP") for n in workers)
    shards = [n for n in d.nodes if n.cls == "RDS"]
    assert [n.label for n in shards] == ["shard 0", "shard 1"]
    assert all(n.line == line_of(path, "# IN-FUNCTION") for n in shards)
    assert len(d.edges) == 6


def test_two_diagrams_in_one_file_give_two_slugs_and_outputs(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "pair", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("Read Path", show=False):
            EC2("reader")
        with Diagram("Write Path", show=False):
            EC2("writer")
    """)
    model = load_design(path, root=tmp_path, timeout=30)
    assert [d.slug for d in model.diagrams] == ["read-path", "write-path"]
    assert [[n.label for n in d.nodes] for d in model.diagrams] == [["reader"], ["writer"]]
    result = build_design(path, cfg, formats=("png", "svg"))
    assert result.status == "rendered", result.error
    out = cfg.out / "pair"
    for slug in ("read-path", "write-path"):
        assert (out / f"{slug}.png").is_file()
        assert (out / f"{slug}.svg").is_file()


def test_two_diagrams_with_the_same_name_get_distinct_slugs(tmp_path, write_design):
    _, model = load(tmp_path, write_design, """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        for i in range(2):
            with Diagram("Same", show=False):
                EC2("x")
    """)
    slugs = [d.slug for d in model.diagrams]
    assert len(slugs) == 2 and len(set(slugs)) == 2 and slugs[0] == "same"


# -- attributes and analysis keywords -----------------------------------------------------------
def test_diagram_graph_attr_and_wb_keys(tmp_path, write_design):
    _, model = load(tmp_path, write_design, """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("attrs", show=False, direction="TB",
                     graph_attr={"splines": "spline", "nodesep": 1.5, "wb_qps": 40000},
                     edge_attr={"penwidth": 2}):
            EC2("x")
    """)
    (d,) = model.diagrams
    assert d.attrs["graph"]["splines"] == "spline"
    assert d.attrs["graph"]["nodesep"] == "1.5"
    assert d.attrs["graph"]["rankdir"] == "TB"
    assert d.attrs["edge"]["penwidth"] == "2"
    assert d.analysis == {"wb_qps": "40000"}
    assert "wb_qps" not in d.attrs["graph"]
    source = to_dot(d).source
    assert "wb_qps" not in source and "40000" not in source
    assert "spline" in source


def test_node_analysis_keywords_are_analysis_not_graphviz(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "kw", """
        from diagrams import Diagram, Edge
        from diagrams.aws.compute import EC2
        from diagrams.aws.database import RDS
        from diagrams.onprem.inmemory import Redis

        with Diagram("kw", show=False):
            app = EC2("app", replicas=3, zone="eu-west-1b")
            app2 = EC2("app2", replicas="3")
            cache = Redis("cache", role="cache", fontsize="11")
            db = RDS("db", accept="SPOF001: reason", multi_az=True)
            app >> Edge(kind="async", label="reads") >> cache
            app >> Edge(fraction=0.25) >> db
    """)
    model = load_design(path, root=tmp_path, timeout=30)
    (d,) = model.diagrams
    app, app2, cache, db = (d.node(i) for i in ("app", "app2", "cache", "db"))
    assert app.analysis == {"replicas": "3", "zone": "eu-west-1b"}
    assert app2.analysis == {"replicas": "3"}
    assert cache.analysis == {"role": "cache"}
    assert db.analysis["accept"] == "SPOF001: reason"
    assert db.analysis["multi_az"] in ("true", "True")
    assert cache.attrs["fontsize"] == "11"  # ordinary Graphviz attributes stay
    for node in (app, app2, cache, db):
        assert not set(node.attrs) & {"replicas", "zone", "role", "accept", "multi_az"}, node.attrs
    (async_edge,) = [e for e in d.edges if e.head == "cache"]
    assert async_edge.analysis == {"kind": "async"}
    assert "kind" not in async_edge.attrs and async_edge.label == "reads"
    (frac,) = [e for e in d.edges if e.head == "db"]
    assert frac.analysis == {"fraction": "0.25"} and "fraction" not in frac.attrs

    result = build_design(path, cfg, formats=("dot",))
    assert result.status == "rendered", result.error
    dot = (cfg.out / "kw" / "kw.dot").read_text()
    for word in ("replicas", "role", "zone", "eu-west-1b", "accept", "SPOF001", "multi_az", "kind",
                 "async", "fraction"):
        assert word not in dot, word
    assert "fontsize=11" in dot.replace('"', "")


def test_cluster_wb_keys_are_analysis_only(tmp_path, write_design):
    _, model = load(tmp_path, write_design, """
        from diagrams import Cluster, Diagram
        from diagrams.aws.compute import EC2

        with Diagram("zones", show=False):
            with Cluster("zone a", graph_attr={"wb_zone": "us-east-1a", "bgcolor": "azure"}):
                EC2("x")
    """)
    (d,) = model.diagrams
    (c,) = d.clusters
    assert c.analysis == {"wb_zone": "us-east-1a"}
    assert "wb_zone" not in c.attrs
    assert c.attrs["bgcolor"] == "azure"
    source = to_dot(d).source
    assert "wb_zone" not in source and "us-east-1a" not in source
    assert "azure" in source


# -- source locations and ids -------------------------------------------------------------------
def test_source_file_and_line_of_nodes_edges_clusters_diagrams(tmp_path, write_design):
    path, model = load(tmp_path, write_design, """
        from diagrams import Cluster, Diagram
        from diagrams.aws.compute import EC2
        from diagrams.aws.database import RDS

        with Diagram("where",  # DIAGRAM
                     show=False):
            with Cluster("tier"):  # CLUSTER
                app = EC2("app")  # APP
            db = RDS("db")  # DB
            app >> db  # EDGE
    """, name="where")
    (d,) = model.diagrams
    assert d.file == "where.py" and d.line == line_of(path, "# DIAGRAM")
    (c,) = d.clusters
    assert (c.file, c.line) == ("where.py", line_of(path, "# CLUSTER"))
    assert (d.node("app").file, d.node("app").line) == ("where.py", line_of(path, "# APP"))
    assert (d.node("db").file, d.node("db").line) == ("where.py", line_of(path, "# DB"))
    (e,) = d.edges
    assert (e.file, e.line) == ("where.py", line_of(path, "# EDGE"))


def test_ids_are_label_derived_unique_and_stable(tmp_path, write_design):
    source = """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        from diagrams.aws.network import ELB

        with Diagram("ids", show=False):
            ELB("Load Balancer")
            EC2("API")
            EC2("API")
            EC2("api!")
            EC2("")
    """
    path = write_design(tmp_path, "ids", source)
    first = load_design(path, root=tmp_path, timeout=30)
    second = load_design(path, root=tmp_path, timeout=30)
    ids = [n.id for n in first.diagrams[0].nodes]
    assert ids[:4] == ["load-balancer", "api", "api-2", "api-3"]
    assert ids[4] and ids[4] not in ids[:4]
    assert len(set(ids)) == 5
    assert ids == [n.id for n in second.diagrams[0].nodes]
    assert [e.id for e in first.diagrams[0].edges] == [e.id for e in second.diagrams[0].edges]
    assert first.to_dict() == second.to_dict()
    for node_id in ids:
        assert not re.search(r"[0-9a-f]{32}", node_id)


# -- helpers, icons, C4 -------------------------------------------------------------------------
def test_design_importing_a_sibling_helper_runs_like_python_design_py(tmp_path, write_design):
    write_design(tmp_path, "_common", """
        from diagrams.aws.database import RDS


        def database(name):
            return RDS(name, replicas=2)  # HELPER
    """)
    (tmp_path / "designs" / "names.txt").write_text("from-a-relative-file\n")
    path = write_design(tmp_path, "uses_helper", """
        import os
        import sys

        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        from _common import database

        if __name__ == "__main__":
            with Diagram("helper", show=False):
                label = open("names.txt").read().strip()
                app = EC2(label)
                argv0 = EC2(os.path.basename(sys.argv[0]))
                app >> database("shared db")
    """)
    model = load_design(path, root=tmp_path, timeout=30)
    assert model.dependencies == ["_common.py"]
    (d,) = model.diagrams
    labels = [n.label for n in d.nodes]
    assert labels == ["from-a-relative-file", "uses_helper.py", "shared db"]
    db = d.nodes[2]
    assert db.analysis == {"replicas": "2"}
    assert db.file == "_common.py"
    assert db.line == line_of(tmp_path / "designs" / "_common.py", "# HELPER")


def test_custom_icon_paths_are_relative_to_the_design_folder(tmp_path, write_design, write_png,
                                                             monkeypatch, cfg):
    write_png(tmp_path / "designs" / "icons" / "logo.png")
    path = write_design(tmp_path, "custom", """
        from diagrams import Diagram
        from diagrams.custom import Custom

        with Diagram("custom", show=False):
            Custom("our service", "./icons/logo.png")
            Custom("again", "icons/logo.png")
    """)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the design's folder, not the caller's, decides
    model = load_design(path, root=tmp_path, timeout=30)
    (d,) = model.diagrams
    for node in d.nodes:
        assert node.icon is not None
        assert (node.icon.base, node.icon.path, node.icon.missing) == ("design", "icons/logo.png", False)
    assert not model.warnings
    result = build_design(path, cfg, formats=("svg",))
    assert result.status == "rendered", result.error
    assert not result.warnings
    svg = (cfg.out / "custom" / "custom.svg").read_text()
    assert svg.count("data:image/png;base64,") == 1
    assert str(tmp_path) not in svg


def test_custom_node_with_missing_icon_renders_with_a_warning(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "noicon", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        from diagrams.custom import Custom

        with Diagram("noicon", show=False):
            ghost = Custom("ghost", "./icons/nothing-here.png")  # GHOST
            ghost >> EC2("app")
    """)
    result = build_design(path, cfg, formats=("png", "svg", "dot"))
    assert result.status == "rendered", result.error
    ghost = result.model.diagrams[0].node("ghost")
    assert ghost.icon is not None and ghost.icon.missing
    matching = [w for w in result.warnings if "nothing-here.png" in w["message"]]
    assert len(matching) == 1
    assert matching[0]["line"] == line_of(path, "# GHOST")
    assert matching[0]["file"].endswith("noicon.py")
    out = cfg.out / "noicon"
    assert (out / "noicon.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "nothing-here" not in (out / "noicon.dot").read_text()
    svg = (out / "noicon.svg").read_text()
    assert "nothing-here" not in svg
    assert svg.count("data:image/png;base64,") == 1  # the EC2 icon only


def test_c4_nodes_are_captured_with_their_c4_type(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "c4", """
        from diagrams import Diagram
        from diagrams.c4 import Container, Database, Person, Relationship, SystemBoundary

        with Diagram("C4 view", show=False, direction="TB"):
            customer = Person("Customer", "A shopper")
            with SystemBoundary("Shop"):
                web = Container("Web App", "Python", "Serves pages")
                db = Database("Orders DB", "PostgreSQL", "Stores orders")
            customer >> Relationship("browses") >> web
            web >> Relationship("reads and writes") >> db
    """)
    model = load_design(path, root=tmp_path, timeout=30)
    (d,) = model.diagrams
    by_id = {n.id: n for n in d.nodes}
    assert set(by_id) == {"customer", "web-app", "orders-db"}
    assert by_id["customer"].c4["type"] == "Person"
    assert by_id["web-app"].c4["type"] == "Container"
    assert by_id["web-app"].c4["technology"] == "Python"
    assert by_id["orders-db"].c4["type"] == "Database"
    assert by_id["orders-db"].c4["name"] == "Orders DB"
    assert by_id["web-app"].cluster is not None
    assert {(e.tail, e.head) for e in d.edges} == {("customer", "web-app"), ("web-app", "orders-db")}
    result = build_design(path, cfg, formats=("svg",))
    assert result.status == "rendered", result.error
    assert "Orders DB" in (cfg.out / "c4" / "c4-view.svg").read_text()


@pytest.mark.parametrize("value, expected", [(3, "3"), ("3", "3"), (2.5, "2.5"), (True, "true")])
def test_analysis_values_accept_numbers_or_strings(tmp_path, write_design, value, expected):
    _, model = load(tmp_path, write_design, f"""
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("v", show=False):
            EC2("x", replicas={value!r})
    """)
    assert model.diagrams[0].nodes[0].analysis == {"replicas": expected}


def test_more_list_and_edge_idioms(tmp_path, write_design):
    _, model = load(tmp_path, write_design, """
        from diagrams import Diagram, Edge
        from diagrams.aws.compute import EC2
        from diagrams.aws.database import RDS

        with Diagram("more", show=False):
            a, b, c = EC2("a"), EC2("b"), RDS("c")
            [a, b] >> Edge(label="writes", color="red") >> c
            d = RDS("d")
            d << [a, b]
            e = RDS("e")
            a - [e]
    """)
    (d,) = model.diagrams
    writes = [x for x in d.edges if x.head == "c"]
    assert {(x.tail, x.dir, x.label, x.color) for x in writes} == {
        ("a", "forward", "writes", "red"), ("b", "forward", "writes", "red")}
    back = [x for x in d.edges if "d" in (x.tail, x.head)]
    assert {(x.caller, x.callee, x.dir) for x in back} == {("a", "d", "back"), ("b", "d", "back")}
    (plain,) = [x for x in d.edges if "e" in (x.tail, x.head)]
    assert plain.dir == "none" and {plain.tail, plain.head} == {"a", "e"}


def test_nodes_built_from_a_set_come_out_in_the_same_order_every_run(tmp_path, write_design):
    path = write_design(tmp_path, "sets", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("sets", show=False):
            for name in {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"}:
                EC2(name)
    """)
    orders = {tuple(n.id for n in load_design(path, root=tmp_path, timeout=30).diagrams[0].nodes)
              for _ in range(3)}
    assert len(orders) == 1


def test_non_text_graphviz_attributes_render_with_a_warning(tmp_path, write_design, cfg):
    """Plain `diagrams` raises TypeError on width=3; the workbench renders it and says how to fix the script."""
    path, model = load(tmp_path, write_design, """
        from diagrams import Cluster, Diagram, Edge
        from diagrams.aws.compute import EC2
        from diagrams.aws.database import RDS

        with Diagram("attrs", show=False, graph_attr={"nodesep": 1.5}):
            with Cluster("tier", graph_attr={"margin": 20}):
                app = EC2("app", width=3, replicas=3)
            db = RDS("db", fontsize="11")
            app >> Edge(penwidth=2, fraction=0.5) >> db
    """)
    messages = [w["message"] for w in model.warnings]
    assert any("node 'app' attribute width=3 is not a string" in m and 'write width="3"' in m for m in messages)
    assert any("cluster 'tier' attribute margin=20" in m for m in messages)
    assert any("edge attribute penwidth=2" in m for m in messages)
    assert any("diagram 'attrs' graph_attr attribute nodesep=1.5" in m for m in messages)
    # Analysis keywords are ours to read: numbers are welcome there, and string attributes are fine.
    assert not any(word in m for m in messages for word in ("replicas", "fraction", "fontsize")), messages
    assert all(w["file"].endswith("design.py") and w["line"] > 0 for w in model.warnings)
    assert build_design(path, cfg, formats=("svg",)).status == "rendered"
