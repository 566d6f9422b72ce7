"""The warm worker: a fork server that has already imported `diagrams`, `graphviz` and `networkx`.

`workbench watch` rebuilds a design on every save. A cold `python -m workbench.design.capture` spends most of
its time importing; here one long-lived server process (a fresh interpreter started with subprocess) pays
that once, and each job runs in a child forked from it that runs the capture hook for one design, exactly
as `loader.load_design` would: in the design's folder, in its own session and process group, with the same
time limit, stack dump and kill. The child for the next job is forked ahead (a standby) and copies the
server's memory while it waits, so a save pays neither the fork nor the copy-on-write faults. The parent turns what the child left behind into the same DesignModel or
DesignError through `loader.interpret_result`.

Protocol: one JSON document per line.
  parent -> server (stdin):  {"op": "run", "id", "design", "result", "dump", "log"} (log: the child's stderr)
                             {"op": "signal", "id", "signal", "group"}
  server -> parent (stdout): {"ready": true, "pid"}, {"id", "started": pid}, {"id", "exit": status}
Closing the server's stdin stops it: it kills every running job's process group, then exits. Because the
parent's end of that pipe closes whenever the parent dies (Ctrl-C, kill -9, a crash), the server never
outlives it, and a job never outlives the server (it also asks the kernel for SIGKILL when the server dies).
"""

from __future__ import annotations

import errno
import json
import logging
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

EXIT_INTERNAL = 70  # the child failed before or after the design ran (not the design's own failure)
MADV_POPULATE_WRITE = 23  # linux/mman.h
PRELOADED = ("workbench.design.capture", "workbench.live.worker", "workbench.sheet", "workbench.design.capacity")


# == server side (runs in the fork server process) =================================================
def warm_up() -> None:
    """Import what designs and the capture hook need, so that a forked child starts with it in place."""
    import ctypes  # noqa: F401 - every child sets its parent-death signal with it (~3 ms to import)

    import networkx  # noqa: F401

    from workbench.design import capture

    capture.preload()


def set_parent_death_signal(sig: int) -> None:
    """Linux: have the kernel send `sig` to this process when its parent dies (best effort elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, sig, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def send(message: dict) -> None:
    # One write per line; lines are far below PIPE_BUF, so the parent never sees half a message.
    os.write(1, (json.dumps(message) + "\n").encode())


def run_job(job: dict | None, close_fds: tuple[int, ...], server_pid: int, job_fd: int | None = None) -> None:
    """In the forked child: become a fresh `python design.py` look-alike and never return.

    A standby child (`job` None) is forked before its job: it gets ready, then reads the job from `job_fd`.
    """
    code = EXIT_INTERNAL
    try:
        os.setsid()  # own session and process group: a timeout kills everything the design started
        set_parent_death_signal(signal.SIGKILL)
        if os.getppid() != server_pid:  # the server died between fork and prctl
            os._exit(EXIT_INTERNAL)
        signal.set_wakeup_fd(-1)
        for sig in (signal.SIGCHLD, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        devnull = os.open(os.devnull, os.O_RDWR)
        # The protocol pipes must never see what the design prints, nor be held open by a waiting child.
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        for fd in (devnull, *close_fds):
            os.close(fd)
        if job is None:
            prefault(job_fd)
            job = read_job(job_fd)
        # Like the loader, keep only stderr (it explains a crash); stdout is dropped.
        err = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(err, 2)
        os.close(err)
        if "random" in sys.modules:  # a forked child would otherwise repeat the server's random sequence
            sys.modules["random"].seed()
        # As in a cold run, the design imports the workbench modules it uses afresh; only the capture hook
        # and the design sheet (preloaded like `diagrams`; capture reads only a Sheet the design made) stay.
        for name in [n for n in sys.modules if n.startswith("workbench.")]:
            if name not in PRELOADED:
                del sys.modules[name]
        from workbench.design import capture

        code = capture.main([job["design"], job["result"], job["dump"], job.get("dot") or ""])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - report on stderr (the log), like a crashed interpreter would
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def read_job(fd: int) -> dict:
    """A standby child's job: one line from the server; end quietly when the server retires it (EOF)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 65536)
        if not chunk:
            os._exit(0)
        data += chunk
    os.close(fd)
    return json.loads(data)


def prefault(job_fd: int) -> None:
    """Give this child its own copy of the server's memory now, before the job arrives.

    A forked child shares the server's pages until it writes to them, and Python writes to every object it
    touches (reference counts), so a design's run would take a copy-on-write fault on each page it uses:
    twice the time of the same run in the server. MADV_POPULATE_WRITE (Linux 5.14+) does the copying up
    front, while the child waits; on older kernels the run simply stays a little slower. A job that arrives
    meanwhile stops it: the rest is copied on demand, as without it.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        madvise = ctypes.CDLL(None, use_errno=True).madvise
        madvise.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
        with open("/proc/self/maps") as maps:
            regions = [line.split(None, 2)[0] for line in maps if line.split(None, 2)[1] == "rw-p"]
    except (OSError, AttributeError):
        return
    for region in regions:
        if select.select([job_fd], [], [], 0)[0]:
            return
        start, end = (int(x, 16) for x in region.split("-"))
        if madvise(start, end - start, MADV_POPULATE_WRITE) != 0 and ctypes.get_errno() == errno.EINVAL:
            return  # an older kernel


def kill_job(pid: int, sig: int, group: bool = True) -> None:
    try:
        if group:
            try:
                os.killpg(pid, sig)
                return
            except (ProcessLookupError, PermissionError):
                pass  # forked, but not yet its own group leader: it cannot have started anything yet
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class Standby:
    """The child for the next job, forked ahead: it gets ready while the server waits for work."""

    def __init__(self, close_fds: tuple[int, ...], server_pid: int) -> None:
        job_r, self.job_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            run_job(None, (*close_fds, self.job_w), server_pid, job_r)
        os.close(job_r)

    def hand(self, line: bytes) -> bool:
        """Give it its job; False if it is gone (then fork a child for the job as usual)."""
        try:
            os.write(self.job_w, line + b"\n")  # far below PIPE_BUF: one write
            return True
        except OSError:  # it died (killed from outside): the server ignores SIGPIPE, as Python does
            return False
        finally:
            os.close(self.job_w)

    def retire(self, reaped: bool = False) -> None:
        """Stop it (unless it has already ended and been reaped: its pid may belong to another process)."""
        try:
            os.close(self.job_w)
        except OSError:
            pass
        if reaped:
            return
        kill_job(self.pid, signal.SIGKILL)
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def serve() -> int:
    """The fork server's main loop: run jobs until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's; it closes our stdin

    def terminate(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, terminate)
    warm_up()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)  # its wake-up byte ends select()
    running: dict[int, int] = {}  # pid -> job id
    pids: dict[int, int] = {}  # job id -> pid
    server_pid = os.getpid()
    standby: Standby | None = Standby((wake_r, wake_w), server_pid)
    send({"ready": True, "pid": server_pid})
    buffer = b""
    try:
        while True:
            readable, _, _ = select.select([0, wake_r], [], [])
            if wake_r in readable:
                try:
                    while os.read(wake_r, 512):
                        pass
                except BlockingIOError:
                    pass
            if standby is not None and standby.pid in reap(running, pids):
                standby.retire(reaped=True)  # it died waiting (killed from outside): fork a new one
                standby = Standby((wake_r, wake_w), server_pid)
            if 0 not in readable:
                continue
            chunk = os.read(0, 65536)
            if not chunk:
                return 0
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                job = json.loads(line)
                if job["op"] == "run":
                    if standby is not None and standby.hand(line):
                        pid = standby.pid
                    else:
                        pid = os.fork()
                        if pid == 0:
                            run_job(job, (wake_r, wake_w), server_pid)
                    running[pid], pids[job["id"]] = job["id"], pid
                    send({"id": job["id"], "started": pid})
                    standby = Standby((wake_r, wake_w), server_pid)
                elif job["op"] == "signal" and job["id"] in pids:  # unknown id: already reaped
                    kill_job(pids[job["id"]], job["signal"], job.get("group", True))
    finally:
        if standby is not None:
            standby.retire()
        for pid in running:
            kill_job(pid, signal.SIGKILL)
        for pid in running:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def reap(running: dict[int, int], pids: dict[int, int]) -> set[int]:
    """Collect ended children; report ended jobs to the parent. Returns the pids of other children."""
    others = set()
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return others
        if pid == 0:
            return others
        job_id = running.pop(pid, None)
        if job_id is None:
            others.add(pid)
            continue
        # Like the cold loader: whatever the design started and left running goes with it. The group
        # outlives its leader, and its id cannot be reused while a member is alive.
        kill_job(pid, signal.SIGKILL)
        pids.pop(job_id, None)
        send({"id": job_id, "exit": os.waitstatus_to_exitcode(status)})


# == parent side ====================================================================================
class Job:
    def __init__(self, job_id: int) -> None:
        self.id = job_id
        self.pid: int | None = None
        self.exit: int | None = None
        self.lost = False  # the server stopped before the job finished
        self.proc: subprocess.Popen | None = None  # the server that runs it
        self.started = threading.Event()
        self.done = threading.Event()


class WorkerStopped(Exception):
    """The fork server is gone (closed, or it died and could not be restarted)."""


class WarmWorker:
    """Runs designs in children of a warm fork server; `load_design` mirrors `loader.load_design`.

    Thread-safe: several designs may load at once. Use as a context manager or call `close()`.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.proc: subprocess.Popen | None = None
        self.jobs: dict[int, Job] = {}
        self.next_id = 0
        self.ready = threading.Event()
        self.server_pid: int | None = None
        self.closed = False
        self.stderr = None

    # -- life cycle ----------------------------------------------------------------------------
    @staticmethod
    def available() -> bool:
        return hasattr(os, "fork") and sys.platform != "win32"

    def start(self) -> WarmWorker:
        """Start the server in the background; jobs wait for it to be warm."""
        with self.lock:
            self._start_locked()
        return self

    def _start_locked(self) -> None:
        from workbench.design.spare import child_env, package_parent

        if self.closed:
            raise WorkerStopped("the warm worker was closed")
        if self.proc is not None and self.proc.poll() is None:
            return
        self.ready = threading.Event()
        self.stderr = tempfile.TemporaryFile(prefix="wb-worker-")
        # `-m` puts the working directory first on sys.path: use the folder that holds this package (on
        # the path anyway), not the user's folder or a world-writable one where a file could shadow `diagrams`.
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "workbench.live.worker"], cwd=package_parent(), env=child_env(),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, bufsize=0,
        )
        threading.Thread(target=self._read, args=(self.proc,), name="wb-worker-reader", daemon=True).start()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the server and every job it runs; waits for them (kills the server if it lingers)."""
        with self.lock:
            self.closed = True
            proc = self.proc
        if proc is None:
            return
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __enter__(self) -> WarmWorker:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            message = json.loads(line)
            if message.get("ready"):
                self.server_pid = message["pid"]
                self.ready.set()
                continue
            job = self.jobs.get(message["id"])
            if job is None:
                continue
            if "started" in message:
                job.pid = message["started"]
                job.started.set()
            else:
                job.exit = message["exit"]
                job.done.set()
        proc.wait()
        with self.lock:  # the server is gone: whatever it was running is lost
            lost = [j for j in self.jobs.values() if j.proc is proc and not j.done.is_set()]
        for job in lost:
            job.lost = True
            job.started.set()
            job.done.set()
        if self.stderr is not None and not self.closed:
            self.stderr.seek(0)
            text = self.stderr.read().decode(errors="replace").strip()
            log.warning("the warm worker stopped (status %s)%s", proc.returncode, f": {text}" if text else "")

    # -- jobs ----------------------------------------------------------------------------------
    def _send(self, message: dict) -> None:
        with self.lock:
            proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        try:
            proc.stdin.write((json.dumps(message) + "\n").encode())
        except (BrokenPipeError, ValueError, OSError):
            pass

    def _submit(self, design: Path, folder: Path, dot_input: Path | None = None) -> Job:
        with self.lock:
            self._start_locked()  # restarts a server that died since the last job
            self.next_id += 1
            job = Job(self.next_id)
            job.proc = self.proc
            self.jobs[job.id] = job
            message = {"op": "run", "id": job.id, "design": str(design), "result": str(folder / "result.json"),
                       "dump": str(folder / "stack.txt"), "log": str(folder / "stderr.txt"),
                       "dot": str(dot_input) if dot_input else ""}
            try:
                self.proc.stdin.write((json.dumps(message) + "\n").encode())
            except (BrokenPipeError, OSError):
                job.lost = True
                job.started.set()
                job.done.set()
        return job

    def signal(self, job: Job, sig: int, group: bool = True) -> None:
        """Signal a running job through the server, which knows whether it is still alive (no pid reuse)."""
        if not job.done.is_set():
            self._send({"op": "signal", "id": job.id, "signal": int(sig), "group": group})

    def kill(self, job: Job) -> None:
        """SIGKILL the job's whole process group and wait until the server has reaped it."""
        self.signal(job, signal.SIGKILL)
        if not job.done.wait(10):
            log.warning("job %s did not end after SIGKILL", job.id)

    def load_design(self, design: Path, *, root: Path | None = None, timeout: float | None = None,
                    while_running: Callable[[], None] | None = None, dot_input: Path | None = None):
        """Same contract as `loader.load_design`: a DesignModel, or DesignError with file and line."""
        from workbench.design.loader import (
            DEFAULT_TIMEOUT,
            check_design_file,
            display_path,
            interpret_result,
            timeout_error,
        )
        from workbench.errors import DesignError

        timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        design = Path(design).absolute()
        shown = display_path(design, root)
        check_design_file(design, shown)
        with tempfile.TemporaryDirectory(prefix="wb-warm-") as tmp:
            folder = Path(tmp)
            job = self._submit(design, folder, dot_input)
            try:
                if while_running is not None:
                    while_running()
                # The time limit starts when the design does, not while the server warms up.
                while not job.started.wait(0.5):
                    if self.closed:
                        raise WorkerStopped("the warm worker was closed")
                finished = job.done.wait(timeout)
            except BaseException:  # Ctrl-C or an error in while_running: leave no orphans behind
                self.kill(job)
                raise
            finally:
                if job.done.is_set():
                    self.jobs.pop(job.id, None)
            if not finished:
                dump = folder / "stack.txt"
                self.signal(job, signal.SIGUSR1, group=False)  # faulthandler writes where it is stuck
                deadline = time.monotonic() + 1.0
                while time.monotonic() < deadline and not (dump.exists() and dump.stat().st_size):
                    time.sleep(0.02)
                time.sleep(0.05)  # let the dump finish
                self.kill(job)
                self.jobs.pop(job.id, None)
                raise timeout_error(design, shown, dump, timeout)
            output = folder / "stderr.txt"
            text = output.read_text(errors="replace") if output.exists() else ""
            if job.lost:
                if self.closed:
                    raise WorkerStopped("the warm worker was closed")
                raise DesignError(shown, 0, "the design process ended abruptly (the warm worker stopped)",
                                  "a design must not signal its parent process; see the log above",
                                  detail=text, kind="crash")
            return interpret_result(design, shown, folder / "result.json", job.exit, text)


if __name__ == "__main__":
    sys.exit(serve())
