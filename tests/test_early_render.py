"""The `dot` started before the design runs (render.EarlyRender), fed by the design process itself."""

from __future__ import annotations

import os

import pytest
from procs import alive, children_of

from workbench.output import drawing
from workbench.build import build_design
from workbench.output.render import EarlyRender

TWO_DIAGRAMS = """
    from diagrams import Cluster, Diagram, Edge
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.aws.network import ELB

    with Diagram("Shop", show=False):
        lb = ELB("lb")
        with Cluster("app tier"):
            apps = [EC2("app-1"), EC2("app-2")]
        lb >> apps >> RDS("db", multi_az="true")

    with Diagram("Shop, second view", show=False):
        ELB("edge") >> Edge(label="calls") >> EC2("api")
"""


@pytest.fixture
def spied(monkeypatch):
    """Record every EarlyRender the build starts; `was_fed` says whether the design process fed it."""
    started = []
    original = drawing.start_early

    def start(*args):
        early = original(*args)
        if early is not None:
            fed = early.fed
            early.was_fed = False

            def check():
                early.was_fed = fed()
                return early.was_fed
            early.fed = check
            cancel = early.cancel

            def cancelled():
                early.was_fed = early.was_fed or fed()
                cancel()
            early.cancel = cancelled
        started.append(early)
        return early

    monkeypatch.setattr(drawing, "start_early", start)
    return started


def outputs(cfg, stem):
    folder = cfg.out / stem
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix in (".dot", ".svg", ".png")}


def test_early_dot_gives_the_same_files_as_the_usual_path(tmp_path, write_design, cfg, spied, monkeypatch):
    path = write_design(tmp_path, "shop", TWO_DIAGRAMS)
    early = build_design(path, cfg, formats=("dot", "svg", "png"))
    assert early.status == "rendered", early.error
    assert spied and spied[0] is not None and spied[0].was_fed
    with_early = outputs(cfg, "shop")

    monkeypatch.setattr(drawing, "start_early", lambda *args: None)
    usual = build_design(path, cfg, formats=("dot", "svg", "png"), force=True)
    assert usual.status == "rendered", usual.error
    without = outputs(cfg, "shop")
    assert set(with_early) == set(without) >= {"shop.dot", "shop.svg", "shop.png", "shop-second-view.svg"}
    for name in ("shop.dot", "shop.svg", "shop-second-view.dot", "shop-second-view.svg"):
        assert with_early[name] == without[name], name
    assert with_early["shop.png"][:8] == b"\x89PNG\r\n\x1a\n"


def test_nothing_of_the_early_job_is_left_behind(tmp_path, write_design, cfg, spied):
    path = write_design(tmp_path, "shop", TWO_DIAGRAMS)
    assert build_design(path, cfg).status == "rendered"
    leftovers = [p.name for p in cfg.out.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    assert spied[0].job.proc.returncode == 0


@pytest.mark.parametrize("tail", [
    'raise RuntimeError("after the first diagram")',
    "import sys; sys.exit(4)",
])
def test_a_design_that_fails_after_feeding_dot_keeps_the_last_good_outputs(tmp_path, write_design, cfg,
                                                                              spied, tail):
    path = write_design(tmp_path, "shop", TWO_DIAGRAMS)
    assert build_design(path, cfg).status == "rendered"
    good = outputs(cfg, "shop")
    path.write_text(path.read_text() + "\n" + tail + "\n")
    result = build_design(path, cfg)
    assert result.status == "failed" and result.error is not None
    assert outputs(cfg, "shop") == good
    early = spied[-1]
    assert early.was_fed  # dot had its input: the failure must still end it
    assert early.job.proc.returncode is not None
    assert not early.workdir.exists()
    assert [p.name for p in cfg.out.iterdir() if p.name.startswith(".")] == []
    assert [p for p in children_of(os.getpid()) if alive(p)] == []


def test_a_design_that_fails_before_its_first_diagram_ends_the_waiting_dot(tmp_path, write_design, cfg, spied):
    path = write_design(tmp_path, "broken", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("Broken", show=False):
            EC2("web")
            raise ValueError("inside the diagram")
    """)
    result = build_design(path, cfg)
    assert result.status == "failed" and "inside the diagram" in result.error.message
    early = spied[-1]
    assert not early.was_fed
    assert early.job.proc.returncode is not None  # killed while it waited on its FIFO
    assert not (cfg.out / "broken").exists()
    assert [p for p in children_of(os.getpid()) if alive(p)] == []


def test_no_early_job_without_formats_or_dot(tmp_path, monkeypatch):
    assert EarlyRender.start(tmp_path, tmp_path, ()) is None
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` on PATH
    assert EarlyRender.start(tmp_path, tmp_path, ("svg",)) is None
    assert list(tmp_path.iterdir()) == []
