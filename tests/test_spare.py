"""The spare design process: started before the command line, it runs one design exactly like a fresh one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from procs import alive, wait_gone

from workbench.design import spare
from workbench.design.loader import load_design
from workbench.errors import DesignError
from workbench.launch import runs_designs

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
    import json, os, sys
    with open({out!r}, "w") as fh:
        json.dump({{"pid": os.getpid(), "cwd": os.getcwd(), "argv": sys.argv, "path0": sys.path[0],
                   "stdin": sys.stdin.read(), "hashseed": os.environ.get("PYTHONHASHSEED"),
                   "safe_path": os.environ.get("PYTHONSAFEPATH"), "main": __name__,
                   "cmdline": open("/proc/self/cmdline", "rb").read().decode().split("\\0")}}, fh)
    from _helper import LABEL
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    print("to stdout")
    with Diagram("Probe", show=False):
        EC2(LABEL)
"""


@pytest.fixture(autouse=True)
def no_spare_left():
    yield
    spare.discard()


def probe(tmp_path: Path, write_design, name: str = "probe") -> tuple[Path, Path]:
    out = tmp_path / f"{name}.json"
    (tmp_path / "designs").mkdir(exist_ok=True)
    (tmp_path / "designs" / "_helper.py").write_text("LABEL = 'from a sibling module'\n")
    return write_design(tmp_path, name, PROBE.format(out=str(out))), out


def waiting_spare() -> int:
    spare.start()
    assert spare._spare is not None, "the spare did not start"
    return spare._spare.pid


def test_the_spare_runs_the_design_as_a_fresh_process_would(tmp_path, write_design):
    path, out = probe(tmp_path, write_design)
    pid = waiting_spare()
    warm = load_design(path, root=tmp_path)
    seen_warm = json.loads(out.read_text())
    cold = load_design(path, root=tmp_path)  # the spare is used once: this one starts its own process
    seen_cold = json.loads(out.read_text())

    assert seen_warm["pid"] == pid and "--spare" in seen_warm["cmdline"]
    assert seen_cold["pid"] != pid and "--spare" not in seen_cold["cmdline"]
    assert warm.to_dict() == cold.to_dict()
    assert warm.diagrams[0].nodes[0].label == "from a sibling module"
    for key in ("cwd", "argv", "path0", "stdin", "hashseed", "safe_path", "main"):
        assert seen_warm[key] == seen_cold[key], key
    assert seen_warm["cwd"] == seen_warm["path0"] == str(path.parent)
    assert seen_warm["argv"] == [str(path)] and seen_warm["main"] == "__main__" and seen_warm["stdin"] == ""


def test_a_spare_is_handed_out_once(tmp_path, write_design):
    path, _ = probe(tmp_path, write_design)
    waiting_spare()
    load_design(path, root=tmp_path)
    assert spare.take() is None


def test_an_unused_spare_is_killed(tmp_path):
    pid = waiting_spare()
    spare.discard()
    assert wait_gone([pid]) == []
    assert spare.take() is None


def test_a_spare_killed_before_its_design_is_replaced_by_a_fresh_process(tmp_path, write_design):
    path, out = probe(tmp_path, write_design)
    pid = waiting_spare()
    os.kill(pid, signal.SIGKILL)
    assert wait_gone([pid]) == []
    model = load_design(path, root=tmp_path)
    assert model.diagrams[0].nodes[0].label == "from a sibling module"
    assert json.loads(out.read_text())["pid"] != pid


def test_errors_from_a_spare_name_the_file_and_line_like_a_fresh_process(tmp_path, write_design):
    path = write_design(tmp_path, "broken", """
        import sys
        print("noise", file=sys.stderr)
        from diagrams import Diagram
        with Diagram("b", show=False):
            raise KeyError("boom")
    """)
    waiting_spare()
    with pytest.raises(DesignError) as warm:
        load_design(path, root=tmp_path)
    with pytest.raises(DesignError) as cold:
        load_design(path, root=tmp_path)
    assert (warm.value.file, warm.value.line, warm.value.message) == (cold.value.file, cold.value.line,
                                                                       cold.value.message)
    assert (warm.value.file, warm.value.line) == ("designs/broken.py", 5)


def test_a_hung_design_in_a_spare_is_killed_at_the_timeout_with_its_children(tmp_path, write_design):
    pids = tmp_path / "pids.txt"
    path = write_design(tmp_path, "hang", f"""
        import os, subprocess, time
        child = subprocess.Popen(["sleep", "300"])
        with open({str(pids)!r}, "w") as fh:
            fh.write(f"{{os.getpid()}} {{child.pid}}")
        while True:
            time.sleep(0.05)
    """)
    spare_pid = waiting_spare()
    with pytest.raises(DesignError) as info:
        load_design(path, root=tmp_path, timeout=2)
    assert info.value.kind == "timeout" and info.value.file == "designs/hang.py"
    started = [int(p) for p in pids.read_text().split()]
    assert started[0] == spare_pid
    assert wait_gone(started) == []


@pytest.mark.parametrize("args, expected", [
    (["render"], True), (["render", "designs/x.py", "--force"], True), (["-v", "check", "--format", "json"], True),
    (["render", "--help"], False), (["check", "-h"], False), (["--version"], False), ([], False),
    (["rules"], False), (["serve"], False), (["watch"], False), (["init", "render"], False),
])
def test_only_commands_that_run_designs_get_a_spare(args, expected):
    assert runs_designs(args) is expected


def processes_with(marker: str) -> list[int]:
    """Processes whose environment carries `marker` (the command's and everything it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes() and alive(int(entry.name)):
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.mark.parametrize("force", [True, False])
def test_the_command_line_uses_the_spare_and_leaves_no_process_behind(tmp_path, write_design, force):
    path, out = probe(tmp_path, write_design)
    marker = f"WB_TEST_MARK={uuid.uuid4().hex}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), marker.split("=")[0]: marker.split("=")[1]}
    command = [sys.executable, "-m", "workbench", "render", "designs/probe.py"]
    subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, check=True)
    out.unlink()
    proc = subprocess.run(command + (["--force"] if force else []), cwd=tmp_path, env=env, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    if force:
        assert "--spare" in json.loads(out.read_text())["cmdline"]
    else:  # cached: the spare was not needed, and must not outlive the command
        assert not out.exists()
    assert wait_gone(processes_with(marker)) == []
