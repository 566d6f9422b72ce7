"""A design that is a symlink rebuilds in watch when its target is edited, wherever the target lives."""

from __future__ import annotations

import pytest
from test_watch import Rebuilds, design, labels_of, out_labels, write

from workbench.live.watch import Watcher
from workbench.live.worker import WarmWorker


@pytest.fixture(scope="module")
def worker():
    with WarmWorker() as w:
        yield w


@pytest.mark.parametrize("where", ["outside", "inside"])
def test_editing_a_symlinked_designs_target_rebuilds_it(tmp_path, cfg, worker, where):
    # The target in a folder the watcher does not watch, or beside the link under a helper-like name.
    real = tmp_path / "elsewhere" / "real.py" if where == "outside" else tmp_path / "designs" / "_real.py"
    write(real, design("a"))
    link = tmp_path / "designs" / "linked.py"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(real)
    rebuilds = Rebuilds()
    watcher = Watcher(cfg, on_rebuild=rebuilds, on_message=rebuilds.message, loader=worker.load_design).start()
    try:
        rebuilds.wait_count("linked", 1)
        assert labels_of(rebuilds.of("linked")[0]) == ["a"]
        write(real, design("a", "b"))
        rebuilds.wait(lambda items: any(labels_of(r) == ["a", "b"] for r in items if r.result.stem == "linked"),
                      what="a rebuild of linked.py after its target changed")
        assert watcher.wait_idle(60)
        assert out_labels(cfg, "linked") == ["a", "b"]
    finally:
        watcher.stop()
