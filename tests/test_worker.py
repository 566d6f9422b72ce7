"""The warm worker: same models and errors as the cold loader, crashes and hangs contained, no orphans ever."""

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

from workbench.design.loader import load_design
from workbench.errors import DesignError
from workbench.live.worker import WarmWorker

ROOT = Path(__file__).resolve().parent.parent

SIMPLE = """
    from diagrams import Cluster, Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from _shared import db_label

    with Diagram("Simple", show=False):
        with Cluster("web"):
            web = [EC2("web-1"), EC2("web-2")]
        web >> RDS(db_label())
"""


@pytest.fixture(scope="module")
def worker():
    with WarmWorker() as w:
        yield w


def wait_file(path: Path, seconds: float = 30.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return path.read_text()
        time.sleep(0.02)
    raise AssertionError(f"{path} was never written")


def hanging_design(pids: Path) -> str:
    """A design that starts a grandchild (`sleep`), records both pids, then never finishes."""
    return f"""
        import os, subprocess, time
        child = subprocess.Popen(["sleep", "300"])
        with open({str(pids)!r}, "w") as fh:
            fh.write(f"{{os.getpid()}} {{child.pid}}")
        while True:
            time.sleep(0.05)
    """


# -- same contract as loader.load_design --------------------------------------------------------------
def test_warm_model_equals_the_cold_model(tmp_path, write_design, worker):
    write_design(tmp_path, "_shared", "def db_label():\n    return 'orders db'\n")
    path = write_design(tmp_path, "simple", SIMPLE)
    warm = worker.load_design(path, root=tmp_path, timeout=30)
    cold = load_design(path, root=tmp_path, timeout=30)
    assert warm.to_dict() == cold.to_dict()
    assert warm.dependencies == ["_shared.py"]
    assert [n.label for n in warm.diagrams[0].nodes] == ["web-1", "web-2", "orders db"]


def test_design_sheet_is_captured_like_the_cold_run(tmp_path, write_design, worker):
    sheeted = write_design(tmp_path, "sheeted", """
        from diagrams import Diagram
        from diagrams.aws.compute import ECS
        from workbench.sheet import Capacity, Sheet

        Sheet(title="News feed", kind="drill", functional=["read the feed"],
              capacity=Capacity(dau="1M", reads_per_user=10, writes_per_user=1, payload="1KB"))
        with Diagram("Feed", show=False):
            ECS("feed svc")
    """)
    plain = write_design(tmp_path, "plain", "from diagrams import Diagram\nfrom diagrams.aws.compute import ECS\n"
                                            "with Diagram('p', show=False):\n    ECS('a')\n")
    warm = worker.load_design(sheeted, root=tmp_path)
    assert warm.sheet is not None and warm.sheet["title"] == "News feed"
    assert warm.to_dict() == load_design(sheeted, root=tmp_path).to_dict()
    # The next design in the same worker did not import the sheet module: it has no sheet.
    assert worker.load_design(plain, root=tmp_path).sheet is None


@pytest.mark.parametrize("source, kind", [
    ("from diagrams import Diagram\n\nwith Diagram('x', show=False):\n    undefined_name\n", "exception"),
    ("from diagrams import Diagram\n\nwith Diagram('x' show=False):\n    pass\n", "syntax"),
    ("import sys\n\nsys.exit(3)\n", "exit"),
    ("x = 1\n", "empty"),
    ("from diagrams.aws.compute import EC3\n", "exception"),
])
def test_warm_errors_equal_the_cold_errors(tmp_path, write_design, worker, source, kind):
    path = write_design(tmp_path, "broken", source)
    errors = []
    for load in (worker.load_design, load_design):
        with pytest.raises(DesignError) as info:
            load(path, root=tmp_path, timeout=30)
        errors.append(info.value.to_dict())
    assert errors[0] == errors[1]
    assert errors[0]["kind"] == kind and errors[0]["file"] == "designs/broken.py"


def test_missing_design_is_reported_like_the_loader(tmp_path, worker):
    with pytest.raises(DesignError) as info:
        worker.load_design(tmp_path / "designs" / "nope.py", root=tmp_path)
    assert info.value.kind == "missing" and info.value.file == "designs/nope.py"


def test_children_start_warm(tmp_path, write_design, worker):
    # What the design sees when it starts: the heavy modules are already imported (no cold start).
    seen = tmp_path / "seen.json"
    path = write_design(tmp_path, "probe", f"""
        import json, sys
        with open({str(seen)!r}, "w") as fh:
            json.dump({{m: m in sys.modules for m in ("diagrams", "graphviz", "networkx", "diagrams.aws.compute")}}, fh)
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        with Diagram("p", show=False):
            EC2("a")
    """)
    worker.load_design(path, root=tmp_path)
    assert json.loads(seen.read_text()) == {"diagrams": True, "graphviz": True, "networkx": True,
                                             "diagrams.aws.compute": True}


def test_each_child_is_a_fresh_process(tmp_path, write_design, worker):
    # Module state, the working directory and random numbers are not shared between two runs.
    out = tmp_path / "runs.txt"
    path = write_design(tmp_path, "fresh", f"""
        import os, random
        import diagrams
        first = not hasattr(diagrams, "_wb_test_mark")
        diagrams._wb_test_mark = True
        with open({str(out)!r}, "a") as fh:
            fh.write(f"{{first}} {{os.getcwd()}} {{random.random()}}\\n")
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        with Diagram("f", show=False):
            EC2("a")
    """)
    worker.load_design(path, root=tmp_path)
    worker.load_design(path, root=tmp_path)
    runs = [line.split() for line in out.read_text().splitlines()]
    assert [r[0] for r in runs] == ["True", "True"]
    assert {r[1] for r in runs} == {str(path.parent)}
    assert runs[0][2] != runs[1][2]


def test_design_output_never_reaches_the_protocol(tmp_path, write_design, worker):
    path = write_design(tmp_path, "noisy", """
        import os, sys
        print('{"id": 1, "exit": 0}' * 2000)
        os.write(1, b'{"ready": true}\\n')
        sys.stderr.write("noise on stderr\\n")
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        with Diagram("n", show=False):
            EC2("a")
    """)
    for _ in range(2):
        assert worker.load_design(path, root=tmp_path).diagrams[0].nodes[0].label == "a"


def test_concurrent_loads(tmp_path, write_design, worker):
    paths = [write_design(tmp_path, f"d{i}", f"""
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        with Diagram("d{i}", show=False):
            EC2("node-{i}")
    """) for i in range(4)]
    results: dict[int, str] = {}

    def load(i: int) -> None:
        results[i] = worker.load_design(paths[i], root=tmp_path).diagrams[0].nodes[0].label

    threads = [threading.Thread(target=load, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {i: f"node-{i}" for i in range(4)}


# -- the standby child -------------------------------------------------------------------------------
def living_children(pid: int) -> list[int]:
    return [p for p in children_of(pid) if alive(p)]


STARTED = """
    import json, os
    from pathlib import Path
    stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    with open({out!r}, "w") as fh:
        json.dump({{"pid": os.getpid(), "age": uptime - int(stat[19]) / os.sysconf("SC_CLK_TCK")}}, fh)
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    with Diagram("s", show=False):
        EC2("a")
"""


def test_the_next_design_runs_in_a_child_forked_before_it_was_asked_for(tmp_path, write_design, worker):
    # The server forks the next job's child ahead, so a save pays neither the fork nor the page copies.
    out = tmp_path / "started.json"
    path = write_design(tmp_path, "started", STARTED.format(out=str(out)))
    worker.load_design(path, root=tmp_path)
    first = json.loads(out.read_text())
    time.sleep(1.0)
    worker.load_design(path, root=tmp_path)
    second = json.loads(out.read_text())
    assert second["pid"] != first["pid"]
    assert second["age"] >= 0.5, second  # it was waiting while this test slept


def test_a_standby_killed_from_outside_is_replaced(tmp_path, write_design):
    with WarmWorker() as w:
        ok = write_design(tmp_path, "ok", SIMPLE)
        (tmp_path / "designs" / "_shared.py").write_text("def db_label():\n    return 'db'\n")
        w.load_design(ok, root=tmp_path)
        waiting = living_children(w.server_pid)
        assert len(waiting) == 1, waiting  # no job runs: only the standby
        os.kill(waiting[0], signal.SIGKILL)
        assert wait_gone(waiting) == []
        assert w.load_design(ok, root=tmp_path).diagrams[0].name == "Simple"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and len(living_children(w.server_pid)) != 1:
            time.sleep(0.05)
        assert len(living_children(w.server_pid)) == 1 and living_children(w.server_pid) != waiting


def test_closing_the_worker_ends_the_standby_too(tmp_path):
    w = WarmWorker().start()
    assert w.ready.wait(60)
    waiting = living_children(w.server_pid)
    assert len(waiting) == 1
    w.close()
    assert wait_gone([w.server_pid, *waiting]) == []


# -- crashes and hangs ----------------------------------------------------------------------------------
@pytest.mark.parametrize("crash, kind", [
    ("os.kill(os.getpid(), signal.SIGSEGV)", "crash"),
    ("os.kill(os.getpid(), signal.SIGKILL)", "crash"),
    ("os._exit(9)", "exit"),  # located: the capture sees the call before the process goes
    ("os.killpg(0, signal.SIGKILL)", "crash"),  # its whole process group: must not reach the server
])
def test_a_crashing_design_never_kills_the_server(tmp_path, write_design, worker, crash, kind):
    server = worker.proc.pid
    path = write_design(tmp_path, "crash", f"""
        import os, signal, sys
        sys.stderr.write("about to crash\\n")
        sys.stderr.flush()
        {crash}
    """)
    with pytest.raises(DesignError) as info:
        worker.load_design(path, root=tmp_path)
    assert info.value.kind == kind
    assert ("ended abruptly" if kind == "crash" else "the design called os._exit(9)") in info.value.text
    if "SIGSEGV" in crash:
        assert "exit status -11" in info.value.text and info.value.hint == "about to crash"
    assert worker.proc.pid == server and worker.proc.poll() is None
    ok = write_design(tmp_path, "ok", "from diagrams import Diagram\nfrom diagrams.aws.compute import EC2\n"
                                      "with Diagram('o', show=False):\n    EC2('a')\n")
    assert worker.load_design(ok, root=tmp_path).diagrams[0].nodes[0].label == "a"


def test_processes_a_finished_design_left_running_are_killed(tmp_path, write_design, worker):
    pids_file = tmp_path / "pids.txt"
    path = write_design(tmp_path, "leaves", f"""
        import subprocess
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        child = subprocess.Popen(["sleep", "300"])
        open({str(pids_file)!r}, "w").write(str(child.pid))
        with Diagram("l", show=False):
            EC2("a")
    """)
    assert worker.load_design(path, root=tmp_path).diagrams[0].nodes[0].label == "a"
    assert wait_gone([int(pids_file.read_text())]) == []


def test_hung_design_is_killed_at_the_timeout_with_its_children(tmp_path, write_design, worker):
    pids_file = tmp_path / "pids.txt"
    path = write_design(tmp_path, "hang", hanging_design(pids_file))
    with pytest.raises(DesignError) as info:
        worker.load_design(path, root=tmp_path, timeout=1.0)
    error = info.value
    assert error.kind == "timeout" and "did not finish within 1 s" in error.text
    assert error.file == "designs/hang.py" and error.line == 6  # the loop, from the stack dump
    design_pid, grandchild = map(int, pids_file.read_text().split())
    assert wait_gone([design_pid, grandchild]) == []
    assert worker.proc.poll() is None


def test_a_job_slower_than_a_short_timeout_elsewhere_is_not_affected(tmp_path, write_design, worker):
    # One job timing out must not disturb another that is running at the same time.
    pids_file = tmp_path / "pids.txt"
    hang = write_design(tmp_path, "hang", hanging_design(pids_file))
    slow = write_design(tmp_path, "slow", """
        import time
        time.sleep(1.5)
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        with Diagram("s", show=False):
            EC2("slow-node")
    """)
    result = {}
    t = threading.Thread(target=lambda: result.update(m=worker.load_design(slow, root=tmp_path, timeout=30)))
    t.start()
    with pytest.raises(DesignError):
        worker.load_design(hang, root=tmp_path, timeout=0.5)
    t.join()
    assert result["m"].diagrams[0].nodes[0].label == "slow-node"


PARENT = """
import sys, threading, time
from pathlib import Path
from workbench.live.worker import WarmWorker

worker = WarmWorker().start()
threading.Thread(target=lambda: worker.load_design(Path(sys.argv[1]), timeout=300), daemon=True).start()
print(worker.proc.pid, flush=True)
while True:  # short sleeps: Python handles Ctrl-C in the main thread only once it wakes
    time.sleep(0.1)
"""


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT", "SIGTERM"])
def test_no_orphans_when_the_parent_dies(tmp_path, write_design, how):
    """kill -9, Ctrl-C (SIGINT to the whole foreground group) or kill: server, design and its child all go."""
    pids_file = tmp_path / "pids.txt"
    design = write_design(tmp_path, "hang", hanging_design(pids_file))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(design)], stdout=subprocess.PIPE, text=True,
                              env=env, start_new_session=True, preexec_fn=as_in_a_terminal)
    try:
        server = int(parent.stdout.readline())
        design_pid, grandchild = map(int, wait_file(pids_file).split())
        assert all(alive(p) for p in (server, design_pid, grandchild))
        if how == "SIGINT":
            os.killpg(parent.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
        else:
            os.kill(parent.pid, getattr(signal, how))
        parent.wait(30)
        assert wait_gone([server, design_pid, grandchild]) == []
    finally:
        if parent.poll() is None:
            os.killpg(parent.pid, signal.SIGKILL)
            parent.wait()


def test_close_stops_running_jobs_and_the_server(tmp_path, write_design):
    pids_file = tmp_path / "pids.txt"
    design = write_design(tmp_path, "hang", hanging_design(pids_file))
    worker = WarmWorker().start()
    errors = []

    def load() -> None:
        try:
            worker.load_design(design, root=tmp_path, timeout=300)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=load)
    t.start()
    design_pid, grandchild = map(int, wait_file(pids_file).split())
    server = worker.proc.pid
    worker.close()
    t.join(30)
    assert not t.is_alive() and len(errors) == 1
    assert wait_gone([server, design_pid, grandchild]) == []


def test_a_dead_server_is_restarted_for_the_next_job(tmp_path, write_design):
    design = write_design(tmp_path, "ok", textwrap.dedent("""
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        with Diagram("o", show=False):
            EC2("a")
    """))
    with WarmWorker() as worker:
        worker.load_design(design, root=tmp_path)
        first = worker.proc.pid
        os.kill(first, signal.SIGKILL)
        worker.proc.wait()
        assert worker.load_design(design, root=tmp_path).diagrams[0].nodes[0].label == "a"
        assert worker.proc.pid != first
