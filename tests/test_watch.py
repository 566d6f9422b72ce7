"""`workbench watch` with real parts: a real observer on a temporary workspace, the warm worker, real builds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from procs import alive, as_in_a_terminal, children_of, wait_gone

from workbench.build import BuildResult
from workbench.errors import DesignError
from workbench.live.watch import (
    IgnoreFilter,
    Rebuild,
    Watcher,
    format_rebuild,
    summary_text,
)
from workbench.live.worker import WarmWorker

ROOT = Path(__file__).resolve().parent.parent


def design(*labels: str, extra: str = "") -> str:
    """A one-diagram design with an EC2 node per label; `extra` lines go before the diagram (line 3 on)."""
    nodes = ", ".join(f"EC2({label!r})" for label in labels)
    return "\n".join(["from diagrams import Diagram", "from diagrams.aws.compute import EC2", extra,
                      'with Diagram("Demo", show=False):', f"    nodes = [{nodes}]", ""])


def labels_of(rebuild: Rebuild) -> list[str]:
    return [n.label for d in rebuild.model.diagrams for n in d.nodes] if rebuild.model else []


def out_labels(cfg, stem: str) -> list[str]:
    data = json.loads((cfg.out / stem / "model.json").read_text())
    return [n["label"] for d in data["diagrams"] for n in d["nodes"]]


class Rebuilds:
    """Collects what the watcher reports and waits for a condition on it."""

    def __init__(self) -> None:
        self.items: list[Rebuild] = []
        self.messages: list[str] = []
        self.cond = threading.Condition()

    def __call__(self, rebuild: Rebuild) -> None:
        with self.cond:
            self.items.append(rebuild)
            self.cond.notify_all()

    def message(self, text: str) -> None:
        with self.cond:
            self.messages.append(text)
            self.cond.notify_all()

    def of(self, stem: str) -> list[Rebuild]:
        with self.cond:
            return [r for r in self.items if r.result.stem == stem]

    def wait(self, predicate, timeout: float = 60.0, what: str = "") -> None:
        with self.cond:
            if not self.cond.wait_for(lambda: predicate(self.items), timeout):
                seen = [(r.result.stem, r.result.status, labels_of(r)) for r in self.items]
                raise AssertionError(f"watcher never reported {what or 'the expected rebuild'}; saw {seen}")

    def wait_count(self, stem: str, n: int) -> None:
        self.wait(lambda items: len([r for r in items if r.result.stem == stem]) >= n, what=f"{n} builds of {stem}")


@pytest.fixture(scope="module")
def worker():
    with WarmWorker() as w:
        yield w


@pytest.fixture
def watching(cfg, worker):
    """`watching(**options) -> (watcher, rebuilds)`: a started watcher on cfg's workspace, stopped afterwards."""
    started = []

    def start(paths=(), **options):
        rebuilds = Rebuilds()
        options.setdefault("loader", worker.load_design)
        watcher = Watcher(cfg, paths, on_rebuild=rebuilds, on_message=rebuilds.message, **options).start()
        started.append(watcher)
        return watcher, rebuilds

    yield start
    for watcher in started:
        watcher.stop()


def settle(watcher: Watcher, seconds: float = 0.6) -> None:
    """Give the observer time to deliver late events, then wait until nothing is pending or building."""
    time.sleep(seconds)
    assert watcher.wait_idle(60)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# -- the ignore filter -------------------------------------------------------------------------------
@pytest.mark.parametrize("rel, ignored", [
    ("designs/chat.py", False),
    ("designs/_shared.py", False),
    ("designs/team/payments.py", False),
    ("designs/icons/logo.png", False),
    ("templates/report.html", False),
    ("workbench.toml", False),
    ("out/chat/chat.svg", True),
    ("out/chat/.tmp-chat-x/model.json", True),
    ("designs/out/x.py", True),
    ("designs/__pycache__/chat.cpython-311.pyc", True),
    ("designs/chat.cpython-311.pyc", True),
    (".git/index", True),
    ("designs/.git/HEAD", True),
    (".venv/lib/python3.11/site-packages/x.py", True),
    ("designs/venv/lib/x.py", True),
    ("designs/myenv/lib/site.py", True),  # a virtual environment by another name (pyvenv.cfg)
    ("designs/node_modules/x/index.js", True),
    ("designs/.mypy_cache/x.json", True),
    ("designs/.chat.py.swp", True),
    ("designs/.chat.py.swo", True),
    ("designs/.chat.py.swx", True),
    ("designs/4913", True),
    ("designs/chat.py~", True),
    ("designs/#chat.py#", True),
    ("designs/.#chat.py", True),
    ("designs/chat.py___jb_tmp___", True),
    ("designs/chat.py___jb_old___", True),
    ("designs/.goutputstream-XYZ123", True),
    ("designs/chat.py.tmp", True),
    ("designs/chat.py.bak", True),
    ("designs/.chat.py.kate-swp", True),
    ("designs/chat.py.save", True),
    ("designs/sedAb12Cd", True),
    ("designs/.DS_Store", True),
    ("designs/outline.py", False),  # names that merely start like an ignored one
    ("designs/environment.py", False),
    ("designs/git_flow.py", False),
])
def test_ignore_filter(tmp_path, rel, ignored):
    (tmp_path / "designs" / "myenv").mkdir(parents=True)
    (tmp_path / "designs" / "myenv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    check = IgnoreFilter(tmp_path / "out", [tmp_path / "designs", tmp_path / "templates", tmp_path])
    assert check(tmp_path / rel) is ignored


def test_ignore_filter_judges_names_inside_the_workspace_only(tmp_path):
    # A workspace that itself lives under a folder called `venv` or `out` still works.
    root = tmp_path / "venv" / "out" / "practice"
    check = IgnoreFilter(root / "out", [root / "designs", root])
    assert not check(root / "designs" / "chat.py")
    assert check(root / "out" / "chat" / "chat.svg")


def test_custom_out_folder_is_ignored(tmp_path):
    check = IgnoreFilter(tmp_path / "build" / "diagrams", [tmp_path / "designs", tmp_path])
    assert check(tmp_path / "build" / "diagrams" / "chat" / "model.json")
    assert not check(tmp_path / "build" / "notes.py")


# -- rebuilding ---------------------------------------------------------------------------------------
def test_saving_a_design_rebuilds_it(tmp_path, cfg, watching):
    path = tmp_path / "designs" / "demo.py"
    write(path, design("a"))
    watcher, rebuilds = watching()
    rebuilds.wait_count("demo", 1)
    assert rebuilds.of("demo")[0].result.status == "rendered"
    write(path, design("a", "b"))
    rebuilds.wait_count("demo", 2)
    assert labels_of(rebuilds.of("demo")[-1]) == ["a", "b"]
    assert out_labels(cfg, "demo") == ["a", "b"]
    assert (cfg.out / "demo" / "demo.svg").is_file()
    # The rebuild is announced once the SVG is in place; the PNG follows within the same build.
    assert watcher.wait_idle(60)
    assert (cfg.out / "demo" / "demo.png").is_file()
    assert json.loads((cfg.out / "demo" / ".wb-stamp.json").read_text())["key"].endswith("no findings view")


def test_initial_build_reuses_unchanged_outputs(tmp_path, cfg, watching):
    from workbench.build import build_design

    path = tmp_path / "designs" / "demo.py"
    write(path, design("a", extra="from _shared import X"))
    write(tmp_path / "designs" / "_shared.py", "X = 1\n")
    assert build_design(path, cfg).ok
    watcher, rebuilds = watching()
    rebuilds.wait_count("demo", 1)
    first = rebuilds.of("demo")[0]
    assert first.result.status == "cached" and first.model is not None  # read back from out/
    # The helper is known from out/demo/model.json, so changing it rebuilds the design.
    write(tmp_path / "designs" / "_shared.py", "X = 2\n")
    rebuilds.wait_count("demo", 2)
    assert rebuilds.of("demo")[1].result.status == "rendered"


def test_edit_storm_gives_at_most_two_rebuilds_and_the_final_content(tmp_path, cfg, watching):
    path = tmp_path / "designs" / "demo.py"
    write(path, design("start"))
    watcher, rebuilds = watching()
    rebuilds.wait_count("demo", 1)
    settle(watcher, 0.2)
    # 100 saves in one second, from another process (like an editor or a formatter on save).
    storm = textwrap.dedent(f"""
        import sys, time, textwrap
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_watch import design
        start = time.monotonic()
        for i in range(100):
            with open({str(path)!r}, "w") as fh:
                fh.write(design(f"v{{i}}"))
            time.sleep(max(0, start + (i + 1) / 100 - time.monotonic()))
    """)
    subprocess.run([sys.executable, "-c", storm], check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    rebuilds.wait(lambda items: any(labels_of(r) == ["v99"] for r in items), what="the final content v99")
    settle(watcher)
    assert 1 <= watcher.builds - 1 <= 2
    storm_builds = rebuilds.of("demo")[1:]
    assert labels_of(storm_builds[-1]) == ["v99"] and out_labels(cfg, "demo") == ["v99"]
    # A build that read a half-written file is not reported as an error: the file changed again meanwhile.
    assert all(r.result.ok for r in storm_builds), [r.result.error for r in storm_builds]


def test_error_then_fix_keeps_the_last_good_output(tmp_path, cfg, watching):
    path = tmp_path / "designs" / "demo.py"
    write(path, design("good"))
    watcher, rebuilds = watching()
    rebuilds.wait_count("demo", 1)
    svg_before = (cfg.out / "demo" / "demo.svg").read_bytes()
    write(path, design("good") + "undefined_name\n")
    rebuilds.wait_count("demo", 2)
    failed = rebuilds.of("demo")[1]
    assert not failed.result.ok and failed.kept
    assert failed.result.error.file == "designs/demo.py" and failed.result.error.line == 6
    assert "NameError" in failed.result.error.text
    lines = format_rebuild(failed, cfg)
    assert "failed designs/demo.py" in lines[0] and "designs/demo.py:6: NameError" in lines[0]
    assert lines[1].strip() == "the last good output in out/demo/ is kept"
    assert (cfg.out / "demo" / "demo.svg").read_bytes() == svg_before
    write(path, design("good", "fixed"))
    rebuilds.wait_count("demo", 3)
    fixed = rebuilds.of("demo")[2]
    assert fixed.result.ok and out_labels(cfg, "demo") == ["good", "fixed"]


def test_a_design_that_never_built_says_so(tmp_path, cfg, watching):
    write(tmp_path / "designs" / "demo.py", "raise RuntimeError('not yet')\n")
    watcher, rebuilds = watching()
    rebuilds.wait_count("demo", 1)
    first = rebuilds.of("demo")[0]
    assert not first.result.ok and not first.kept
    assert format_rebuild(first, cfg)[1].strip() == "no output yet; fix the design and save it again"


def test_hanging_design_is_killed_and_the_watcher_goes_on(tmp_path, cfg, watching):
    cfg.timeout = 1.0
    path = tmp_path / "designs" / "demo.py"
    pids = tmp_path / "pids.txt"
    write(path, design("before"))
    watcher, rebuilds = watching()
    rebuilds.wait_count("demo", 1)
    write(path, textwrap.dedent(f"""\
        import os, subprocess, time
        child = subprocess.Popen(["sleep", "300"])
        open({str(pids)!r}, "w").write(f"{{os.getpid()}} {{child.pid}}")
        while True:
            time.sleep(0.05)
    """))
    rebuilds.wait_count("demo", 2)
    hung = rebuilds.of("demo")[1]
    assert hung.result.error.kind == "timeout" and hung.result.error.line == 5 and hung.kept

    assert wait_gone([int(p) for p in pids.read_text().split()]) == []
    write(path, design("after"))
    rebuilds.wait_count("demo", 3)
    assert rebuilds.of("demo")[2].result.ok and out_labels(cfg, "demo") == ["after"]


def test_helper_change_rebuilds_only_the_designs_that_import_it(tmp_path, cfg, watching):
    designs = tmp_path / "designs"
    write(designs / "_shared.py", "LABEL = 'one'\n")
    write(designs / "lib" / "_icons.py", "SIZE = 1\n")
    write(designs / "uses.py", design("x", extra="from _shared import LABEL\nEC2_LABEL = LABEL"))
    write(designs / "deep.py", design("y", extra="import sys\nsys.path.insert(0, 'lib')\nimport _icons"))
    write(designs / "plain.py", design("z"))
    watcher, rebuilds = watching()
    rebuilds.wait(lambda items: len(items) >= 3)
    assert rebuilds.of("uses")[0].model.dependencies == ["_shared.py"]
    settle(watcher, 0.2)
    write(designs / "_shared.py", "LABEL = 'two'\n")
    rebuilds.wait_count("uses", 2)
    write(designs / "lib" / "_icons.py", "SIZE = 2\n")
    rebuilds.wait_count("deep", 2)
    settle(watcher)
    assert [len(rebuilds.of(s)) for s in ("uses", "deep", "plain")] == [2, 2, 1]


def test_a_design_broken_by_its_helper_is_rebuilt_when_the_helper_is_fixed(tmp_path, cfg, watching):
    designs = tmp_path / "designs"
    write(designs / "_shared.py", "raise ImportError('half-written helper')\n")
    write(designs / "uses.py", design("x", extra="import _shared"))
    watcher, rebuilds = watching()
    rebuilds.wait_count("uses", 1)
    error = rebuilds.of("uses")[0].result.error
    assert error.file == "designs/_shared.py" and error.line == 1
    write(designs / "_shared.py", "VALUE = 1\n")
    rebuilds.wait_count("uses", 2)
    assert rebuilds.of("uses")[1].result.ok


def test_ignored_changes_never_rebuild(tmp_path, cfg, watching):
    path = tmp_path / "designs" / "demo.py"
    write(path, design("a"))
    # A failing design is rebuilt on any helper change, so an ignored .py that got through would show.
    write(tmp_path / "designs" / "broken.py", "raise RuntimeError('broken')\n")
    watcher, rebuilds = watching()
    rebuilds.wait(lambda items: len(items) >= 2)
    settle(watcher, 0.2)
    for rel in ("out/demo/extra.py", "designs/__pycache__/demo.cpython-311.pyc", "designs/__pycache__/x.py",
                "designs/.venv/lib/site.py", "designs/.git/hooks/x.py", "designs/.demo.py.swp",
                "designs/demo.py~", "designs/4913", "designs/demo.py___jb_tmp___", ".git/index",
                "designs/notes.txt", "README.md"):
        write(tmp_path / rel, "noise\n")
    path.read_text()  # reading a design is not a change either
    settle(watcher)
    assert len(rebuilds.items) == 2, [(r.result.stem, r.result.status) for r in rebuilds.items]
    write(path, design("a", "b"))  # the watcher is still alive and listening
    rebuilds.wait_count("demo", 2)


@pytest.mark.parametrize("style", ["replace", "vim-backup"])
def test_editor_save_styles_give_one_good_rebuild(tmp_path, cfg, watching, style):
    path = tmp_path / "designs" / "demo.py"
    write(path, design("a"))
    watcher, rebuilds = watching()
    rebuilds.wait_count("demo", 1)
    settle(watcher, 0.2)
    if style == "replace":  # write a temporary file, then rename it over the design (atomic save)
        tmp = path.with_name("demo.py.tmp")
        tmp.write_text(design("a", "b"))
        os.replace(tmp, path)
    else:  # vim with backupcopy=no: move the old file away, write a new one, drop the backup
        os.rename(path, path.with_name("demo.py~"))
        write(path, design("a", "b"))
        path.with_name("demo.py~").unlink()
    rebuilds.wait_count("demo", 2)
    settle(watcher)
    assert [labels_of(r) for r in rebuilds.of("demo")] == [["a"], ["a", "b"]]
    assert not any("removed" in m for m in rebuilds.messages)


def test_new_and_removed_designs(tmp_path, cfg, watching):
    write(tmp_path / "designs" / "first.py", design("a"))
    watcher, rebuilds = watching()
    rebuilds.wait_count("first", 1)
    write(tmp_path / "designs" / "team" / "second.py", design("b"))
    rebuilds.wait_count("second", 1)
    assert out_labels(cfg, "second") == ["b"]
    (tmp_path / "designs" / "first.py").unlink()
    rebuilds.wait(lambda items: any("removed designs/first.py" in m for m in rebuilds.messages), what="removal")
    assert watcher.designs == [tmp_path / "designs" / "team" / "second.py"]


def test_config_change_rebuilds_every_design(tmp_path, cfg, watching):
    write(tmp_path / "designs" / "one.py", design("a"))
    write(tmp_path / "designs" / "two.py", design("b"))
    write(tmp_path / "workbench.toml", '[workbench]\nformats = ["png", "svg"]\n')
    watcher, rebuilds = watching()
    rebuilds.wait(lambda items: len(items) >= 2)
    write(tmp_path / "workbench.toml", '[workbench]\nformats = ["svg", "dot"]\n')
    rebuilds.wait(lambda items: len(items) >= 4, what="a rebuild of both designs")
    assert watcher.wait_idle(60)  # formats other than SVG land just after the rebuild is announced
    assert (cfg.out / "one" / "demo.dot").is_file() and not (cfg.out / "one" / "demo.png").exists()
    write(tmp_path / "workbench.toml", "[workbench]\nformats = 7\n")  # broken: said, and ignored
    rebuilds.wait(lambda items: any("keeping the previous settings" in m for m in rebuilds.messages))
    assert watcher.cfg.formats == ("svg", "dot")


def test_watching_a_single_file(tmp_path, cfg, watching):
    one = tmp_path / "designs" / "one.py"
    write(one, design("a", extra="import _shared"))
    write(tmp_path / "designs" / "_shared.py", "X = 1\n")
    write(tmp_path / "designs" / "other.py", design("o"))
    watcher, rebuilds = watching([one])
    rebuilds.wait_count("one", 1)
    write(tmp_path / "designs" / "other.py", design("o", "p"))
    write(tmp_path / "designs" / "_shared.py", "X = 2\n")
    rebuilds.wait_count("one", 2)
    settle(watcher)
    assert {r.result.stem for r in rebuilds.items} == {"one"}


# -- console lines -------------------------------------------------------------------------------------
def test_console_line_has_design_duration_and_findings_by_severity(tmp_path, cfg):
    result = BuildResult(tmp_path / "designs" / "chat.py", "designs/chat.py", "chat", "rendered", duration=0.234)
    findings = {"summary": {"error": 1, "warning": 2, "info": 0, "accepted": 1}}
    lines = format_rebuild(Rebuild(result, findings, kept=False, model=None), cfg)
    assert len(lines) == 1
    assert lines[0].endswith("ok     designs/chat.py (0.23 s): 1 error, 2 warnings, 0 info, 1 accepted")
    assert summary_text({"error": 0, "warning": 0, "info": 0, "accepted": 0}) == "no findings"
    assert summary_text(None) == ""
    failed = BuildResult(result.design, "designs/chat.py", "chat", "failed", duration=0.05,
                         error=DesignError("designs/chat.py", 12, "NameError: name 'x' is not defined"))
    lines = format_rebuild(Rebuild(failed, None, kept=True, model=None), cfg)
    assert "designs/chat.py:12: NameError: name 'x' is not defined" in lines[0]


def test_findings_summary_is_read_from_the_build(tmp_path, cfg, watching, monkeypatch):
    # When the build writes out/<stem>/findings.json the watcher reports its summary; without it, nothing.
    import workbench.live.watch as watch_module

    real = watch_module.build_design

    def with_findings(design, cfg, *args, **kwargs):
        def inject(result):
            report = cfg.out / design.stem / "findings.json"
            if result.ok and design.stem == "counted":
                report.write_text(json.dumps(
                    {"version": 1, "summary": {"error": 2, "warning": 0, "info": 1, "accepted": 0}, "diagrams": []}))
            elif result.ok:
                report.unlink(missing_ok=True)  # a build that wrote no report (older workbench)

        published = kwargs.get("published")
        if published is not None:  # the watcher hears of a build when its first outputs are published
            kwargs["published"] = lambda result: (inject(result), published(result))
        result = real(design, cfg, *args, **kwargs)
        if published is None:
            inject(result)
        return result

    monkeypatch.setattr(watch_module, "build_design", with_findings)
    write(tmp_path / "designs" / "counted.py", design("a"))
    write(tmp_path / "designs" / "bare.py", design("b"))
    watcher, rebuilds = watching()
    rebuilds.wait(lambda items: len(items) >= 2)
    counted, bare = rebuilds.of("counted")[0], rebuilds.of("bare")[0]
    assert format_rebuild(counted, cfg)[-1].endswith(": 2 errors, 0 warnings, 1 info")
    assert bare.findings is None and format_rebuild(bare, cfg)[-1].endswith("s)")


def test_a_watch_rebuild_keeps_what_render_made_until_it_is_rebuilt(tmp_path, cfg, watching):
    """Issue 14 (3): `render` made the findings views and report.pdf; a watch rebuild (which makes neither)
    keeps them, and the live page's folder never holds fewer files than before."""
    from dataclasses import replace

    from workbench.build import build_design

    cfg = replace(cfg, formats=("png", "svg", "pdf"))
    path = tmp_path / "designs" / "shop.py"
    write(path, design("web", "api"))
    assert build_design(path, cfg).ok
    target = cfg.out / "shop"
    before = sorted(p.name for p in target.iterdir())
    assert {"demo.findings.svg", "report.pdf", "demo.pdf"} <= set(before), before
    watcher, rebuilds = watching(formats=cfg.formats)
    settle(watcher)
    write(path, design("web", "api", "db"))
    rebuilds.wait(lambda items: any("db" in labels_of(r) for r in items), what="the edited design")
    settle(watcher)
    assert out_labels(cfg, "shop") == ["web", "api", "db"]
    after = sorted(p.name for p in target.iterdir())
    assert set(before) <= set(after), sorted(set(before) - set(after))


# -- the command: Ctrl-C leaves nothing behind -----------------------------------------------------------
@pytest.mark.parametrize("serve", [False, True])
def test_ctrl_c_stops_everything(tmp_path, serve):
    from test_worker import wait_file

    pids = tmp_path / "pids.txt"
    write(tmp_path / "workbench.toml", "[workbench]\n")
    write(tmp_path / "designs" / "ok.py", design("a"))
    write(tmp_path / "designs" / "hang.py", textwrap.dedent(f"""\
        import os, subprocess, time
        child = subprocess.Popen(["sleep", "300"])
        open({str(pids)!r}, "w").write(f"{{os.getpid()}} {{child.pid}}")
        while True:
            time.sleep(0.05)
    """))
    cmd = [sys.executable, "-m", "workbench", "watch", *(["--serve", "--port", "0"] if serve else [])]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONFAULTHANDLER": "1"},
                            start_new_session=True, preexec_fn=as_in_a_terminal)
    try:
        design_pid, grandchild = map(int, wait_file(pids).split())
        helpers = children_of(proc.pid)  # the fork server (and Graphviz, if it is drawing right now)
        assert helpers and all(alive(p) for p in (design_pid, grandchild))
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal: the whole foreground group
        try:
            output, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGABRT)  # PYTHONFAULTHANDLER: where it is stuck
            raise AssertionError("watch did not stop after Ctrl-C:\n" + proc.communicate()[0]) from None
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, output
    assert "stopping" in output and "Traceback" not in output and "Aborted" not in output
    assert wait_gone([design_pid, grandchild, *helpers]) == []


# -- the commands forward their options ------------------------------------------------------------------
@pytest.mark.parametrize("argv, expected", [
    (["watch"], {"serve": False, "host": "127.0.0.1", "port": 8000, "open_browser": False, "formats": None,
                 "debounce": 0.05}),
    (["watch", "--serve", "--port", "0", "-f", "svg,pdf"], {"serve": True, "port": 0, "formats": ("svg", "pdf")}),
    (["serve"], {"serve": True, "host": "127.0.0.1", "port": 8000}),
    (["serve", "--host", "0.0.0.0", "--open", "--debounce", "0.2"],
     {"serve": True, "host": "0.0.0.0", "open_browser": True, "debounce": 0.2}),
])
def test_watch_and_serve_commands_forward_their_options(tmp_path, monkeypatch, argv, expected):
    from click.testing import CliRunner

    import workbench.live.watch as watch_module
    from workbench.cli import main

    seen = {}
    monkeypatch.setattr(watch_module, "run_watch", lambda cfg, paths, **kw: seen.update(paths=paths, **kw))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "designs").mkdir()
    result = CliRunner().invoke(main, [*argv, "--timeout", "5"])
    assert result.exit_code == 0, result.output
    assert {k: seen[k] for k in expected} == expected and seen["paths"] == ()


def test_a_watch_build_links_the_drawing_it_made_in_report_md(tmp_path, cfg, watching):
    """watch makes no findings view: its report.md must not link one (it would be a broken image)."""
    import re

    write(tmp_path / "designs" / "solo.py", design("web"))
    watcher, rebuilds = watching()
    rebuilds.wait(lambda items: bool(items))
    settle(watcher)
    folder = cfg.out / "solo"
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (folder / "report.md").read_text())
    assert images and all((folder / name).is_file() for name in images), (images, sorted(os.listdir(folder)))


def test_the_console_says_new_and_fixed_but_not_for_a_finding_that_only_moved(tmp_path, cfg):
    """A database that became a replica group keeps its REP001 under a new subject (same code, a component in
    common): the console says nothing of it; a finding that appears is "new", one that went away "fixed"."""
    from workbench.build import BuildResult
    from workbench.live.watch import FindingChanges, Rebuild

    def rebuild(*findings):
        result = BuildResult(tmp_path / "designs" / "demo.py", "designs/demo.py", "demo", "rendered")
        return Rebuild(result, {"diagrams": [{"slug": "demo", "findings": list(findings)}]}, False, None)

    def finding(code, target, node_ids, message):
        return {"code": code, "severity": "error", "target": target, "node_ids": node_ids, "message": message,
                "line": 3}

    changes = FindingChanges()
    assert changes.lines(rebuild(finding("REP001", "db|RDS|", ["db"], "`db` is single"),
                                 finding("SPOF001", "web|EC2|", ["web"], "`web` is single")), cfg) == []
    lines = changes.lines(rebuild(finding("REP001", "db|RDS|+1", ["db", "db-2"], "`{db, db-2}` is single"),
                                  finding("CACHE002", "cache|Redis|", ["cache"], "`cache` is one node")), cfg)
    assert [line.split()[0] for line in lines] == ["new", "fixed"], lines
    assert "CACHE002" in lines[0] and "SPOF001" in lines[1]
