"""Run a design file in a fresh, time-limited subprocess and turn what it built into a DesignModel."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from workbench.design import children, spare
from workbench.design.capture import strip_controls
from workbench.design.model import DesignModel
from workbench.design.spare import child_env
from workbench.errors import DesignError

DEFAULT_TIMEOUT = 60.0


def display_path(path: Path, root: Path | None = None) -> str:
    """The design's path as the user should read it: relative to the workspace when inside it."""
    path = Path(path).absolute()
    root = Path(root or Path.cwd()).absolute()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def child_command(design: Path, result: Path, dump: Path, dot_input: Path | None = None) -> list[str]:
    return [sys.executable, "-m", "workbench.design.capture", str(design), str(result), str(dump), str(dot_input or "")]


def load_design(design: Path, *, root: Path | None = None, timeout: float = DEFAULT_TIMEOUT,
                while_running: Callable[[], None] | None = None, dot_input: Path | None = None) -> DesignModel:
    """Run `design` and return its model; raise DesignError with file and line on any failure.

    `while_running` is called once the child has started: work the caller needs anyway (imports, say)
    then overlaps with the child on another core. `dot_input`: the FIFO of a `dot` started ahead
    (render.EarlyRender), into which the child writes its first diagram's DOT.
    """
    design = Path(design).absolute()
    shown = display_path(design, root)
    check_design_file(design, shown)
    with tempfile.TemporaryDirectory(prefix="wb-load-") as tmp:
        result_path, dump_path = Path(tmp) / "result.json", Path(tmp) / "stack.txt"
        # Output goes to files, not pipes: a process the design leaves behind would hold a pipe open.
        with open(Path(tmp) / "stdout", "wb") as out, open(Path(tmp) / "stderr", "wb+") as err:
            proc = hand_to_spare(design, result_path, dump_path, out.name, err.name, dot_input) or subprocess.Popen(
                children.tie(child_command(design, result_path, dump_path, dot_input)), cwd=design.parent,
                env=child_env(), stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                start_new_session=True,  # its own process group: we kill everything it started
            )
            children.track(proc, group=True)
            try:
                if while_running is not None:
                    try:
                        while_running()
                    except BaseException:
                        kill_group(proc)
                        raise
                finished = run_with_timeout(proc, timeout, dump_path)
            finally:
                children.untrack(proc)
            if not finished:
                raise timeout_error(design, shown, dump_path, timeout)
            err.seek(0)
            stderr = err.read().decode(errors="replace")
        return interpret_result(design, shown, result_path, proc.returncode, stderr)


def hand_to_spare(design: Path, result: Path, dump: Path, stdout: str, stderr: str,
                  dot_input: Path | None = None) -> subprocess.Popen | None:
    """Give the design to a spare process started ahead (workbench.design.spare), if one is waiting."""
    proc = spare.take()
    if proc is None:
        return None
    job = {"design": str(design), "result": str(result), "dump": str(dump), "stdout": stdout, "stderr": stderr,
           "dot": str(dot_input or "")}
    try:
        proc.stdin.write((json.dumps(job) + "\n").encode())
        proc.stdin.close()
    except OSError:  # it died meanwhile
        kill_group(proc)
        return None
    return proc


# -- what the child left behind; shared with the warm worker (workbench.live.worker) -------------------
def check_design_file(design: Path, shown: str) -> None:
    if not design.is_file():
        raise DesignError(shown, 0, "design file not found", "check the path", kind="missing")


def timeout_error(design: Path, shown: str, dump_path: Path, timeout: float) -> DesignError:
    file, line = hang_location(dump_path, design)
    return DesignError(
        join(shown, file), line, f"the design did not finish within {timeout:g} s and was stopped",
        "look for an endless loop or a blocking call (network, input()) at that line; "
        "raise the limit with --timeout if the design is just slow", kind="timeout")


def interpret_result(design: Path, shown: str, result_path: Path, returncode: int | None,
                     stderr: str) -> DesignModel:
    """Turn the child's result file (or its absence) into a DesignModel or a DesignError."""
    if not result_path.exists():
        stderr = strip_controls(stderr.strip())
        raise DesignError(shown, 0, f"the design process ended abruptly (exit status {returncode})",
                          last_line(stderr) or "run it with `python` to see why", detail=stderr,
                          kind="crash")
    result = json.loads(result_path.read_text(encoding="utf-8"))
    if not result.get("ok"):
        err = result["error"]
        # The design's own exception text can hold escape sequences; they must not act on the terminal.
        raise DesignError(join(shown, err["file"]), err["line"], strip_controls(err["message"]),
                          err.get("hint") and strip_controls(err["hint"]), strip_controls(err.get("detail", "")),
                          err.get("kind", "exception"))
    if not result["diagrams"]:
        raise DesignError(shown, 1, "the file builds no Diagram",
                          "wrap the nodes in `with Diagram(\"name\"):`; a diagram built only under "
                          "`if __name__ == \"__main__\":` is fine, one inside an uncalled function is not",
                          kind="empty")
    return to_model(result, design, shown)


def run_with_timeout(proc: subprocess.Popen, timeout: float, dump_path: Path) -> bool:
    """Wait for the child; False if it timed out. Either way nothing it started survives."""
    try:
        if not exited_within(proc, timeout):
            raise subprocess.TimeoutExpired(proc.args, timeout)
        proc.wait()
    except subprocess.TimeoutExpired:
        try:
            os.kill(proc.pid, signal.SIGUSR1)  # faulthandler writes where the design is stuck
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline and not (dump_path.exists() and dump_path.stat().st_size):
            time.sleep(0.02)
        time.sleep(0.05)  # let the dump finish
        kill_group(proc)
        return False
    except BaseException:  # Ctrl-C in the parent: leave no orphans behind
        kill_group(proc)
        raise
    kill_group(proc)  # processes the design started and left running
    return True


def exited_within(proc: subprocess.Popen, timeout: float) -> bool:
    """Whether the child ends within `timeout` seconds (it is not reaped here).

    `Popen.wait(timeout)` polls with sleeps of up to 50 ms, a delay every render would pay; a pidfd
    (Linux 5.3+) wakes us the moment the child ends.
    """
    try:
        fd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):  # not Linux, an old kernel, or already reaped
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def hang_location(dump_path: Path, design: Path) -> tuple[str | None, int]:
    """The innermost frame of the design's folder in the stack dump of a hung child."""
    if not dump_path.exists():
        return None, 0
    folder = str(design.parent) + os.sep
    for line in dump_path.read_text(errors="replace").splitlines():
        m = re.match(r'\s*File "([^"]+)", line (\d+)', line)
        if m and m.group(1).startswith(folder):
            # faulthandler prints the innermost frame first.
            return os.path.relpath(m.group(1), design.parent).replace(os.sep, "/"), int(m.group(2))
    return None, 0


def join(shown: str, rel: str | None) -> str:
    """A location inside the design's folder, spelled relative to how the design itself is shown."""
    if not rel or rel == Path(shown).name:
        return shown
    return (Path(shown).parent / rel).as_posix()


def last_line(text: str) -> str:
    return text.splitlines()[-1] if text else ""


def to_model(result: dict, design: Path, shown: str) -> DesignModel:
    from workbench.design.capture import slugify

    used: set[str] = set()
    for d in result["diagrams"]:
        base = slugify(d["name"], "diagram")
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        d["slug"] = slug
    data = {"version": 1, "path": shown, "stem": design.stem, "diagrams": result["diagrams"],
            "warnings": [{**w, "file": join(shown, w["file"])} for w in result.get("warnings", [])],
            "dependencies": result.get("dependencies", []), "sheet": result.get("sheet")}
    return DesignModel.from_dict(data)
