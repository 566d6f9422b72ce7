"""Issue 14: never lose a user's file, never leave a process behind, never write broken output.

Real parts throughout: the command line in a subprocess, real signals, real Graphviz, real files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import xml.dom.minidom
from collections.abc import Iterator
from pathlib import Path

import pytest
from procs import alive, as_in_a_terminal, children_of, wait_gone
from test_worker import wait_file

from workbench.build import build_all, build_design
from workbench.config import load_config
from workbench.errors import WorkbenchError
from workbench.output.outdir import STAMP, clean_stale

ROOT = Path(__file__).resolve().parent.parent
SIMPLE = """\
from diagrams import Diagram
from diagrams.aws.compute import EC2
from diagrams.aws.database import RDS
with Diagram("Shop"):
    EC2("web") >> RDS("db")
"""


def workbench(cwd: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300, **kwargs)


def workspace(root: Path, settings: str = "", **designs: str) -> Path:
    (root / "workbench.toml").write_text("[workbench]\n" + settings, encoding="utf-8")
    (root / "designs").mkdir(exist_ok=True)
    for name, source in designs.items():
        (root / "designs" / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` but the practice history (.workbench/), which records the failed run."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".workbench" not in p.relative_to(folder).parts}


# -- 1. data loss ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("out, what", [(".", "is the workspace root"), ("designs", "is the designs folder"),
                                       ("templates", "is the templates folder"), ("..", "contains the workspace root")])
def test_an_out_folder_over_the_users_folders_is_a_configuration_error(tmp_path, out, what):
    workspace(tmp_path, f'out = "{out}"\n', designs=SIMPLE)
    (tmp_path / "designs" / "notes.md").write_text("my notes")
    before = snapshot(tmp_path / "designs")
    with pytest.raises(WorkbenchError, match=re.escape(what)):
        load_config(tmp_path)
    done = workbench(tmp_path, "render")
    assert done.returncode == 2 and what in done.stderr and "set out to a folder of its own" in done.stderr
    assert snapshot(tmp_path / "designs") == before


def test_out_inside_the_designs_folder_is_allowed(tmp_path):
    workspace(tmp_path, 'out = "designs/out"\n', shop=SIMPLE)
    assert load_config(tmp_path).out == tmp_path / "designs" / "out"


@pytest.mark.parametrize("kind", ["file", "folder", "symlink"])
def test_a_users_own_file_where_the_outputs_go_is_never_replaced(tmp_path, kind):
    workspace(tmp_path, shop=SIMPLE)
    mine = tmp_path / "out" / "shop"
    mine.parent.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep")
    if kind == "file":
        mine.write_text("my own file")
    elif kind == "folder":
        mine.mkdir()
        (mine / "notes.md").write_text("my notes")
    else:
        mine.symlink_to(elsewhere, target_is_directory=True)
    before = snapshot(tmp_path)
    done = workbench(tmp_path, "render")
    assert done.returncode != 0
    assert "designs/shop.py" in done.stderr and "workbench did not make" in done.stderr, done.stderr
    assert "nothing was written" in done.stderr and "move or rename it" in done.stderr
    assert snapshot(tmp_path) == before  # nothing deleted, nothing added
    assert [p.name for p in mine.parent.iterdir()] == ["shop"]  # no staging folder left behind either


def test_a_users_own_files_inside_an_output_folder_survive_every_build(tmp_path, cfg, write_design):
    """out/<design>/ is the workbench's, but a note a user put there (or an edited copy of a report) is theirs."""
    design = write_design(tmp_path, "shop", SIMPLE)
    assert build_design(design, cfg).ok
    folder = cfg.out / "shop"
    (folder / "my-notes.txt").write_text("mine")
    (folder / "review").mkdir()
    (folder / "review" / "points.md").write_text("- add a replica")
    for _ in range(2):
        design.write_text(SIMPLE + "# edited\n")
        assert build_design(design, cfg, force=True).ok
        assert (folder / "my-notes.txt").read_text() == "mine"
        assert (folder / "review" / "points.md").read_text() == "- add a replica"
    stamp = json.loads((folder / STAMP).read_text())
    assert "my-notes.txt" not in stamp["files"] and "shop.svg" in stamp["files"]


def test_designs_whose_names_differ_only_in_case_are_a_conflict(tmp_path, cfg, write_design):
    """API.py and api.py write one folder on a file system that ignores case."""
    first = write_design(tmp_path, "a/API", SIMPLE)
    second = write_design(tmp_path, "b/api", SIMPLE)
    results = build_all([first, second], cfg)
    assert results[0].ok and not results[1].ok and results[1].error.kind == "conflict"


def test_an_empty_folder_or_the_workbenchs_own_is_replaced(tmp_path, cfg, write_design):
    design = write_design(tmp_path, "shop", SIMPLE)
    (cfg.out / "shop").mkdir(parents=True)
    assert build_design(design, cfg).ok
    assert (cfg.out / "shop" / STAMP).is_file()
    assert build_design(design, cfg, force=True).ok  # its own folder, stamped: replaced


def test_a_user_folder_named_like_a_design_in_out_equal_designs_case(tmp_path):
    """The issue's second case: out = "designs" is refused before anything runs, so designs/example/ stays."""
    workspace(tmp_path, 'out = "designs"\n', example=SIMPLE)
    (tmp_path / "designs" / "example").mkdir()
    (tmp_path / "designs" / "example" / "data.csv").write_text("1,2")
    before = snapshot(tmp_path)
    assert workbench(tmp_path, "render").returncode == 2
    assert snapshot(tmp_path) == before


# -- 2. orphans ----------------------------------------------------------------------------------------------------

HANG = """\
import os, time
open({pidfile!r}, "w").write(str(os.getpid()))
while True:
    pass  # burns a core, as a design stuck in a loop does
"""


@contextlib.contextmanager
def running(tmp_path: Path, *args: str) -> Iterator[subprocess.Popen]:
    """`workbench ARGS` in its own process group, killed with its group if the test leaves it running."""
    proc = subprocess.Popen([sys.executable, "-m", "workbench", *args], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            start_new_session=True, preexec_fn=as_in_a_terminal)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_render_leaves_no_process_behind_whatever_ends_it(tmp_path, sig):
    pidfile = tmp_path / "pid"
    workspace(tmp_path, "timeout = 300\n", hang=HANG.format(pidfile=str(pidfile)))
    with running(tmp_path, "render", "-f", "png,svg") as proc:
        design_pid = int(wait_file(pidfile))
        helpers = [p for p in children_of(proc.pid) if alive(p)]  # the design and the early `dot` on its FIFO
        assert design_pid in helpers and len(helpers) >= 2, helpers
        os.kill(proc.pid, sig)  # only the workbench: its children get no signal from anyone else
        proc.communicate(timeout=60)
    assert wait_gone(helpers) == []


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGKILL])
def test_serve_leaves_no_dot_behind(tmp_path, sig):
    pidfile = tmp_path / "pid"
    workspace(tmp_path, "timeout = 300\n", hang=HANG.format(pidfile=str(pidfile)))
    with running(tmp_path, "serve", "--port", "0") as proc:
        design_pid = int(wait_file(pidfile))
        deadline = time.monotonic() + 30
        dots: list[int] = []
        while not dots and time.monotonic() < deadline:  # the early `dot` starts with the build
            dots = [p for p in children_of(proc.pid) if "dot" in Path(f"/proc/{p}/comm").read_text()]
            time.sleep(0.05)
        assert dots, "no `dot` was running beside the hanging design"
        helpers = [p for p in children_of(proc.pid) if alive(p)]
        os.kill(proc.pid, sig)
        proc.communicate(timeout=60)
    assert wait_gone([design_pid, *dots, *helpers]) == []


def test_render_jobs_stops_its_designs_on_ctrl_c_without_waiting_for_their_time_limit(tmp_path):
    workspace(tmp_path, "timeout = 600\n", one=HANG.format(pidfile=str(tmp_path / "pid1")),
              two=HANG.format(pidfile=str(tmp_path / "pid2")))
    with running(tmp_path, "render", "--jobs", "2") as proc:
        pids = [int(wait_file(tmp_path / name)) for name in ("pid1", "pid2")]
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the foreground process group
        output, _ = proc.communicate(timeout=120)  # far below the 600 s time limit
    assert proc.returncode != 0 and "Traceback" not in output, output
    assert wait_gone(pids) == []
    assert [p.name for p in (tmp_path / "out").iterdir()] == []  # staging folders removed on the way out


# -- 4. half-swapped formats ---------------------------------------------------------------------------------------


def test_kill_9_between_the_svg_and_the_png_keeps_the_old_png(tmp_path, cfg, write_design):
    design = write_design(tmp_path, "shop", SIMPLE)
    assert build_design(design, cfg).ok
    old_png = (cfg.out / "shop" / "shop.png").read_bytes()
    design.write_text(SIMPLE.replace('RDS("db")', 'RDS("orders db")'))
    # A watch build publishes the SVG first; the process dies (kill -9) right then, before the PNG arrives.
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from workbench.build import build_design
        from workbench.config import load_config
        cfg = load_config(Path({str(tmp_path)!r}))
        build_design(Path({str(design)!r}), cfg, ("png", "svg"), views=False, first=("svg",),
                     published=lambda result: os.kill(os.getpid(), 9))
    """)
    (tmp_path / "workbench.toml").write_text("[workbench]\n")
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == -9
    folder = cfg.out / "shop"
    assert "orders db" in (folder / "shop.svg").read_text()  # the new SVG is in
    assert (folder / "shop.png").read_bytes() == old_png  # and the old PNG is still there, whole


# -- 5. temporary folders ------------------------------------------------------------------------------------------


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_stale_temporary_folders_are_removed_and_live_ones_kept(tmp_path, cfg, write_design):
    from workbench.output.outdir import _host

    cfg.out.mkdir(parents=True)
    dead, host = dead_pid(), _host()
    stale = [cfg.out / f".tmp-shop.pid{dead}.{host}-abcd1234", cfg.out / f".work-.pid{dead}.{host}-x1y2z3w4",
             cfg.out / f".early-.pid{dead}.{host}-aaaabbbb", cfg.out / f".old-shop.pid{dead}.{host}-_a_b_c_d"]
    live = [cfg.out / f".tmp-other.pid{os.getpid()}.{host}-abcd1234",
            cfg.out / f".tmp-other.pid{dead}.another-host-abcd1234"]  # out/ shared with another machine
    # Not the workbench's, however old and however named: never touched.
    mine = [cfg.out / ".tmp-notes", cfg.out / "notes", cfg.out / ".work-in-progress", cfg.out / ".old-designs-archived",
            cfg.out / ".tmp-shop-legacy12"]
    for folder in (*stale, *live, *mine):
        folder.mkdir()
        (folder / "file").write_text("x")
        os.utime(folder, (time.time() - 86400, time.time() - 86400))
    build_all([write_design(tmp_path, "shop", SIMPLE)], cfg)
    assert not any(p.exists() for p in stale)
    assert all(p.exists() for p in (*live, *mine))
    assert clean_stale(cfg.out) == []


def test_interrupted_renders_leave_nothing_after_the_next_run(tmp_path):
    pidfile = tmp_path / "pid"
    workspace(tmp_path, "timeout = 300\n", hang=HANG.format(pidfile=str(pidfile)), shop=SIMPLE)
    for _ in range(3):
        pidfile.unlink(missing_ok=True)
        with running(tmp_path, "render", "designs/hang.py") as proc:
            wait_file(pidfile)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    hidden = [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
    assert hidden  # kill -9 leaves the staging folders behind ...
    assert workbench(tmp_path, "render", "designs/shop.py").returncode == 0
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")] == []  # ... the next run cleans


# -- 6. control characters -----------------------------------------------------------------------------------------

CONTROL = """\
from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import EC2
from diagrams.aws.database import RDS
with Diagram("Shop\\x07"):
    with Cluster("zone\\x0c"):
        web = EC2("web\\x1b]0;pwned\\x07")
    web >> Edge(label="sql\\x1b[31m") >> RDS("db\\x1b[1m")
"""


def test_control_characters_never_reach_svg_xml_reports_or_the_terminal(tmp_path):
    workspace(tmp_path, shop=CONTROL)
    done = workbench(tmp_path, "render", "-f", "png,svg")
    assert done.returncode == 0, done.stderr
    for line in (4, 5, 6, 7):
        assert f"designs/shop.py:{line}: " in done.stderr and "control characters" in done.stderr
    check = workbench(tmp_path, "check", "--format", "junit")
    text = workbench(tmp_path, "check")
    folder = tmp_path / "out" / "shop"
    for svg in folder.glob("*.svg"):
        xml.dom.minidom.parse(str(svg))  # well-formed
    xml.dom.minidom.parseString(check.stdout)
    for output in (done.stdout, done.stderr, text.stdout, text.stderr, (folder / "report.md").read_text(),
                   (folder / "report.html").read_text(), (folder / "findings.json").read_text()):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", output)
    assert "web]0;pwned" in text.stdout  # the printable rest of the label stays


def test_a_designs_own_error_text_cannot_drive_the_terminal(tmp_path):
    workspace(tmp_path, bad='raise RuntimeError("\\x1b]0;pwned\\x07 boom")\n')
    done = workbench(tmp_path, "render")
    assert done.returncode != 0 and "boom" in done.stderr
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr


# -- 7. Graphviz errors in the design's terms ------------------------------------------------------------------------


def test_a_label_ending_in_a_backslash_or_very_long_renders_with_a_warning(tmp_path):
    workspace(tmp_path, shop="""\
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        from diagrams.aws.database import RDS
        with Diagram("Shop"):
            a = EC2("web\\\\")
            b = RDS("x" * 20000)
            a >> b
    """)
    done = workbench(tmp_path, "render", "-f", "svg")
    assert done.returncode == 0, done.stderr
    assert "designs/shop.py:6: " in done.stderr and "longer than 1,000 characters" in done.stderr
    svg = (tmp_path / "out" / "shop" / "shop.svg").read_text()
    assert "<title>web\\</title>" in svg or ">web\\</text>" in svg


def test_graphviz_errors_name_the_design_line_and_say_what_to_do():
    from archbuilder import edge, node

    from workbench.design.model import Diagram
    from workbench.output.render import graphviz_failure

    web, db = node("EC2", "web", id="web", line=5), node("RDS", "db", id="db", line=6)
    d = Diagram(name="Shop", slug="shop", attrs={"graph": {}, "node": {}, "edge": {}}, analysis={}, strict=False,
                file="shop.py", line=4, nodes=[web, db], edges=[edge(web, db, id="e1", line=7)], clusters=[])
    dot = 'digraph {\n  graph [rankdir=LR]\n  web [label="web"]\n  web -> db [label="x"]\n}\n'
    failure = graphviz_failure(d, "Error: early.gv: syntax error in line 3 near '/'\n", lambda: dot)
    assert (failure.file, failure.line) == ("design.py", 5)
    assert "node 'web'" in failure.text and "early.gv" not in failure.message and "line 3" not in failure.text
    failure = graphviz_failure(d, "Error: shop.gv: syntax error in line 4 near 'x'\n", lambda: dot)
    assert failure.line == 7 and "edge 'web' → 'db'" in failure.text
    failure = graphviz_failure(d, "gvwrite_no_z problem 8192\n", lambda: dot)
    assert "could not write" in failure.text and "disk full" in failure.hint


def test_a_failed_swap_puts_the_last_good_outputs_back(tmp_path, cfg, write_design, monkeypatch):
    """If the new folder cannot be renamed into place (a full disk on some file systems, a lock), the previous
    outputs go back where they were instead of waiting in a temporary folder that the next run removes."""
    import workbench.build as build

    design = write_design(tmp_path, "shop", SIMPLE)
    assert build_design(design, cfg).ok
    before = snapshot(cfg.out / "shop")
    real_rename = os.rename

    def rename(src, dst):
        if Path(src).name.startswith(".tmp-shop"):
            raise OSError(28, "No space left on device", str(src))
        return real_rename(src, dst)

    monkeypatch.setattr(build.os, "rename", rename)
    result = build_design(design, cfg, force=True)
    assert not result.ok and "No space left on device" in result.error.message
    assert snapshot(cfg.out / "shop") == before
    assert [p.name for p in cfg.out.iterdir()] == ["shop"]
