"""Building designs into out/<stem>/: safe plain scripts, model.json, the cache, batches, atomicity."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

from workbench.build import build_all, build_design, discover
from workbench.design.model import DesignModel

SIMPLE = """
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS

    with Diagram("Simple", show=False):
        EC2("app") >> RDS("db")
"""


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder below `folder` with its contents (None for folders)."""
    found = {}
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).as_posix()
        found[rel] = None if path.is_dir() else path.read_bytes()
    return found


def counting_design(counter: Path, label: str = "app") -> str:
    """A design that appends one line to `counter` each time it runs."""
    return f"""
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with open({str(counter)!r}, "a") as fh:
            fh.write("run\\n")

        with Diagram("Counted", show=False):
            EC2({label!r})
    """


def runs(counter: Path) -> int:
    return len(counter.read_text().splitlines()) if counter.exists() else 0


# -- plain scripts run safely -------------------------------------------------------------------
def test_default_outputs(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "simple", SIMPLE)
    result = build_design(path, cfg)
    assert result.status == "rendered" and result.ok, result.error
    out = cfg.out / "simple"
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == sorted(["model.json", "simple.png", "simple.svg", "simple.findings.svg", "findings.json", "report.html", "report.md"])
    assert sorted(p.name for p in result.outputs) == visible
    assert result.shown == "designs/simple.py"


def test_show_filename_outformat_do_not_decide_outputs(tmp_path, write_design, cfg, monkeypatch):
    # A fake viewer on PATH: if anything tried to open the diagram, a marker file would appear.
    fake_bin = tmp_path / "fakebin"
    fake_bin.mkdir()
    marker = tmp_path / "viewer-was-called"
    for viewer in ("xdg-open", "open", "gio", "display", "eog", "sensible-browser", "x-www-browser"):
        tool = fake_bin / viewer
        tool.write_text(f"#!/bin/sh\necho \"$0 $@\" >> {marker}\n")
        tool.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake_bin}{os.pathsep}{os.environ['PATH']}")
    # designs/team/x.py: "../../escape" would land in tmp_path itself.
    path = write_design(tmp_path, "team/wild", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("Wild One", show=True, filename="../../escape", outformat="jpg"):
            EC2("a") >> EC2("b")
        with Diagram("Wild Two", filename="/tmp/../{tmp}/abs-escape", outformat=["jpg", "png"]):
            EC2("c")
    """.replace("{tmp}", str(tmp_path).lstrip("/")))
    before = snapshot(tmp_path)
    result = build_design(path, cfg)
    assert result.status == "rendered", result.error
    after = snapshot(tmp_path)
    changed = {p for p in after if before.get(p, b"missing") != after[p]}
    changed |= {p for p in before if p not in after}
    outside = sorted(p for p in changed if p != "out" and not p.startswith("out/wild"))
    assert outside == [], f"written outside out/wild/: {outside}"
    assert not marker.exists()
    out = cfg.out / "wild"
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == sorted(["model.json", "wild-one.png", "wild-one.svg", "wild-two.png", "wild-two.svg", "findings.json", "report.html", "report.md",
                              "wild-one.findings.svg", "wild-two.findings.svg"])
    assert not list(tmp_path.rglob("*.jpg"))
    assert not list(tmp_path.rglob("*escape*"))


def test_direct_graphviz_use_in_a_script_writes_nothing(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "rawgv", """
        import graphviz
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        g = graphviz.Digraph("raw")
        g.node("x")
        g.render("raw-output", format="png", view=True)
        with Diagram("raw", show=False) as d:
            EC2("a")
        d.render()
    """)
    before = snapshot(tmp_path)
    result = build_design(path, cfg)
    assert result.status == "rendered", result.error
    after = snapshot(tmp_path)
    changed = {p for p in after if before.get(p, b"missing") != after[p]}
    assert sorted(p for p in changed if p != "out" and not p.startswith("out/rawgv")) == []


# -- model.json ---------------------------------------------------------------------------------
def test_model_json_round_trips_and_is_portable(tmp_path, write_design, write_png, cfg):
    write_png(tmp_path / "designs" / "icons" / "own.png")
    path = write_design(tmp_path, "modelled", """
        from diagrams import Cluster, Diagram, Edge
        from diagrams.aws.compute import EC2
        from diagrams.aws.database import RDS
        from diagrams.custom import Custom

        with Diagram("Modelled", show=False, graph_attr={"wb_qps": "100"}):
            with Cluster("tier", graph_attr={"wb_zone": "z1"}):
                app = EC2("app", replicas=2)
            own = Custom("own", "icons/own.png")
            app >> Edge(label="sql", kind="sync") >> RDS("db")
            own >> app
    """)
    result = build_design(path, cfg)
    assert result.status == "rendered", result.error
    text = (cfg.out / "modelled" / "model.json").read_text()
    data = json.loads(text)
    assert data["version"] == 1
    model = DesignModel.from_dict(data)
    assert model == result.model
    assert model.to_dict() == data
    assert model.path == "designs/modelled.py" and model.stem == "modelled"
    assert "/work" not in text
    assert "site-packages" not in text
    assert str(tmp_path) not in text
    icons = {n.id: n.icon for n in model.diagrams[0].nodes}
    assert icons["app"].base == "diagrams" and icons["app"].path == "resources/aws/compute/ec2.png"
    assert icons["own"].base == "design" and icons["own"].path == "icons/own.png"


# -- the cache ----------------------------------------------------------------------------------
def test_second_build_is_cached_and_does_not_run_the_design(tmp_path, write_design, cfg):
    counter = tmp_path / "counter.txt"
    path = write_design(tmp_path, "counted", counting_design(counter))
    assert build_design(path, cfg).status == "rendered"
    assert runs(counter) == 1
    out = cfg.out / "counted"
    before = snapshot(out)
    second = build_design(path, cfg)
    assert second.status == "cached" and second.ok
    assert runs(counter) == 1
    assert snapshot(out) == before


def test_editing_the_design_rebuilds(tmp_path, write_design, cfg):
    counter = tmp_path / "counter.txt"
    path = write_design(tmp_path, "counted", counting_design(counter))
    build_design(path, cfg)
    write_design(tmp_path, "counted", counting_design(counter, label="renamed"))
    result = build_design(path, cfg)
    assert result.status == "rendered"
    assert runs(counter) == 2
    assert "renamed" in (cfg.out / "counted" / "model.json").read_text()


def test_editing_an_imported_helper_rebuilds(tmp_path, write_design, cfg):
    counter = tmp_path / "counter.txt"
    write_design(tmp_path, "_names", 'APP = "first"\n')
    path = write_design(tmp_path, "counted", f"""
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        from _names import APP

        with open({str(counter)!r}, "a") as fh:
            fh.write("run\\n")
        with Diagram("Counted", show=False):
            EC2(APP)
    """)
    assert build_design(path, cfg).status == "rendered"
    assert build_design(path, cfg).status == "cached"
    assert runs(counter) == 1
    write_design(tmp_path, "_names", 'APP = "second"\n')
    result = build_design(path, cfg)
    assert result.status == "rendered"
    assert runs(counter) == 2
    assert [n.label for n in result.model.diagrams[0].nodes] == ["second"]


def test_editing_an_own_icon_rebuilds(tmp_path, write_design, write_png, cfg):
    counter = tmp_path / "counter.txt"
    icon = write_png(tmp_path / "designs" / "icons" / "x.png", rgb=(1, 2, 3))
    path = write_design(tmp_path, "iconic", f"""
        from diagrams import Diagram
        from diagrams.custom import Custom

        with open({str(counter)!r}, "a") as fh:
            fh.write("run\\n")
        with Diagram("Iconic", show=False):
            Custom("x", "icons/x.png")
    """)
    build_design(path, cfg)
    assert build_design(path, cfg).status == "cached"
    write_png(icon, rgb=(9, 9, 9))
    assert build_design(path, cfg).status == "rendered"
    assert runs(counter) == 2


def test_changing_formats_rebuilds(tmp_path, write_design, cfg):
    counter = tmp_path / "counter.txt"
    path = write_design(tmp_path, "counted", counting_design(counter))
    build_design(path, cfg, formats=("png",))
    assert build_design(path, cfg, formats=("png",)).status == "cached"
    result = build_design(path, cfg, formats=("png", "pdf"))
    assert result.status == "rendered"
    assert runs(counter) == 2
    assert (cfg.out / "counted" / "counted.pdf").is_file()


def test_force_rebuilds(tmp_path, write_design, cfg):
    counter = tmp_path / "counter.txt"
    path = write_design(tmp_path, "counted", counting_design(counter))
    build_design(path, cfg)
    assert build_design(path, cfg, force=True).status == "rendered"
    assert runs(counter) == 2


def test_deleted_outputs_are_not_reported_cached(tmp_path, write_design, cfg):
    counter = tmp_path / "counter.txt"
    path = write_design(tmp_path, "counted", counting_design(counter))
    build_design(path, cfg)
    import shutil

    shutil.rmtree(cfg.out / "counted")
    assert build_design(path, cfg).status == "rendered"
    assert (cfg.out / "counted" / "counted.png").is_file()


# -- atomicity: a failed build keeps the last good outputs --------------------------------------
def test_failed_build_keeps_last_good_outputs(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "fragile", SIMPLE)
    assert build_design(path, cfg).status == "rendered"
    out = cfg.out / "fragile"
    good = snapshot(out)
    assert "simple.png" in good and "model.json" in good
    write_design(tmp_path, "fragile", textwrap.dedent(SIMPLE) + "raise RuntimeError('broken now')\n")
    result = build_design(path, cfg)
    assert result.status == "failed" and not result.ok
    assert result.error.kind == "exception" and result.error.file == "designs/fragile.py"
    assert snapshot(out) == good
    assert sorted(p.name for p in cfg.out.iterdir()) == ["fragile"]
    # Back to the exact good source: the kept outputs are still its outputs.
    write_design(tmp_path, "fragile", SIMPLE)
    assert build_design(path, cfg).status == "cached"
    # Fixed differently: it builds again (the failed attempt did not poison the cache).
    write_design(tmp_path, "fragile", SIMPLE.replace('"app"', '"app-fixed"'))
    assert build_design(path, cfg).status == "rendered"
    assert "app-fixed" in (out / "model.json").read_text()
    assert not [p for p in cfg.out.iterdir() if p.name.startswith(".")]


def test_failed_first_build_writes_nothing(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "never", "raise SystemExit(2)\n")
    result = build_design(path, cfg)
    assert result.status == "failed" and result.error.kind == "exit"
    assert not (cfg.out / "never").exists()
    assert not cfg.out.exists() or not any(cfg.out.iterdir())


def test_graphviz_failure_is_a_failed_result_not_a_crash(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "badgv", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("badgv", show=False, graph_attr={"layout": "no-such-engine"}):
            EC2("a")
    """)
    result = build_design(path, cfg, formats=("svg",))
    assert result.status == "failed"
    assert result.error is not None and result.error.file == "designs/badgv.py"
    assert not (cfg.out / "badgv").exists()
    assert not cfg.out.exists() or not any(cfg.out.iterdir())  # no temp folder left


# -- batches ------------------------------------------------------------------------------------
def test_one_failing_design_never_stops_the_others(tmp_path, write_design, cfg):
    a = write_design(tmp_path, "a_first", SIMPLE)
    b = write_design(tmp_path, "b_broken", """
        from diagrams import Diagram
        with Diagram("b", show=False):
            undefined_name  # BROKEN
    """)
    c = write_design(tmp_path, "c_last", SIMPLE)
    designs = discover([cfg.designs])
    assert designs == [a, b, c]
    results = build_all(designs, cfg, jobs=2)
    assert [r.status for r in results] == ["rendered", "failed", "rendered"]
    assert [r.design for r in results] == [a, b, c]
    assert results[1].error.file == "designs/b_broken.py" and results[1].error.line == 3
    assert (cfg.out / "a_first" / "simple.png").is_file()
    assert (cfg.out / "c_last" / "simple.svg").is_file()
    assert not (cfg.out / "b_broken").exists()
    again = build_all(designs, cfg, jobs=2)
    assert [r.status for r in again] == ["cached", "failed", "cached"]


def test_discover_skips_helpers_and_hidden_files(tmp_path, write_design, cfg):
    keep = write_design(tmp_path, "real", SIMPLE)
    nested = write_design(tmp_path, "team/nested", SIMPLE)
    write_design(tmp_path, "_helper", "X = 1\n")
    write_design(tmp_path, "_private/inside", SIMPLE)
    write_design(tmp_path, ".hidden", SIMPLE)
    assert discover([cfg.designs]) == sorted([keep, nested])


def test_two_designs_with_the_same_stem_conflict(tmp_path, write_design, cfg):
    one = write_design(tmp_path, "x/same", SIMPLE)
    two = write_design(tmp_path, "y/same", SIMPLE)
    results = build_all([one, two], cfg, jobs=1)
    assert [r.status for r in results] == ["rendered", "failed"]
    assert results[1].error.kind == "conflict"


def test_helper_import_leaves_no_bytecode_next_to_the_designs(tmp_path, write_design, cfg, monkeypatch):
    """Like show=/filename=, importing a helper must not write into designs/ (no __pycache__)."""
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)  # as in an ordinary shell
    write_design(tmp_path, "_shared", 'LABEL = "from helper"\n')
    path = write_design(tmp_path, "helped", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        from _shared import LABEL

        with Diagram("Helped", show=False):
            EC2(LABEL)
    """)
    before = snapshot(tmp_path)
    result = build_design(path, cfg)
    assert result.status == "rendered", result.error
    after = snapshot(tmp_path)
    changed = sorted(p for p in after if before.get(p, b"missing") != after[p])
    assert [p for p in changed if p != "out" and not p.startswith("out/helped")] == []


def test_renaming_a_diagram_removes_its_old_outputs(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "renamed", SIMPLE)
    build_design(path, cfg)
    assert (cfg.out / "renamed" / "simple.png").is_file()
    write_design(tmp_path, "renamed", SIMPLE.replace('"Simple"', '"Complex"'))
    assert build_design(path, cfg).status == "rendered"
    visible = sorted(p.name for p in (cfg.out / "renamed").iterdir() if not p.name.startswith("."))
    assert visible == sorted(["complex.png", "complex.svg", "model.json", "complex.findings.svg", "findings.json", "report.html", "report.md"])


def test_unwritable_out_is_a_failed_result_not_a_crash(tmp_path, write_design, cfg):
    path = write_design(tmp_path, "simple", SIMPLE)
    cfg.out.write_text("not a folder\n")  # out/ cannot be created: an OSError while writing
    result = build_design(path, cfg, formats=("svg",))
    assert result.status == "failed" and result.error.kind == "output"
    assert "could not write the outputs" in result.error.format_message()


def test_outputs_made_by_other_workbench_code_are_not_reused(tmp_path, cfg, write_design, monkeypatch):
    """The cache key names the code that made the outputs, not only the version number (an upgrade or a checkout
    that changes the drawing keeps the version)."""
    import workbench.build as build

    design = write_design(tmp_path, "solo", "from diagrams import Diagram\nfrom diagrams.aws.compute import EC2\n"
                                            "with Diagram('Solo'):\n    EC2('web')\n")
    assert build.build_design(design, cfg).status == "rendered"
    assert build.build_design(design, cfg).status == "cached"
    monkeypatch.setattr(build, "code_digest", lambda: "other code")
    assert build.build_design(design, cfg).status == "rendered"
