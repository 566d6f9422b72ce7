"""Child processes (design runs, `dot`) that never outlive the workbench, whatever ends it.

Two mechanisms, because no single one covers every way a process ends:
- the kernel's parent-death signal (`tie`): a child started under `setpriv --pdeathsig KILL` is killed when the
  thread that started it dies, so kill -9 of the workbench leaves no design burning a core and no `dot`
  blocked on its FIFO. The starting thread must wait for the child (the loader and the renderer do);
- a registry of running children (`track`), so that Ctrl-C, SIGTERM and SIGHUP stop them at once
  (`kill_all`) instead of letting a thread pool wait for each design's time limit.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from functools import lru_cache

_lock = threading.Lock()
_live: dict[subprocess.Popen, bool] = {}  # child -> it leads its own process group
_refusing = 0  # > 0 while kill_all's caller is stopping: a child started meanwhile is killed at once


@lru_cache(maxsize=1)
def _setpriv() -> str | None:
    if not hasattr(os, "pidfd_open"):  # not Linux: no parent-death signal
        return None
    return shutil.which("setpriv")


def tie(argv: list[str]) -> list[str]:
    """`argv` run so that the kernel kills it when its parent thread dies (setpriv from util-linux, which
    execs the command in the same process: the pid and the process group stay the caller's to use)."""
    setpriv = _setpriv()
    return [setpriv, "--pdeathsig", "KILL", "--", *argv] if setpriv else list(argv)


def track(proc: subprocess.Popen, group: bool = False) -> subprocess.Popen:
    """Register a running child until `untrack`; `group`: it leads a process group, killed as a whole."""
    with _lock:
        _live[proc] = group
        refusing = _refusing
    if refusing:
        _kill(proc, group)
    return proc


def untrack(proc: subprocess.Popen) -> None:
    with _lock:
        _live.pop(proc, None)


def _kill(proc: subprocess.Popen, group: bool) -> None:
    try:
        if group:
            os.killpg(proc.pid, signal.SIGKILL)
        elif proc.poll() is None:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass


def kill_all() -> None:
    """Kill every tracked child; the builds waiting on them return at once (with an error)."""
    with _lock:
        live = list(_live.items())
    for proc, group in live:
        _kill(proc, group)


@contextlib.contextmanager
def refusing_new() -> Iterator[None]:
    """While stopping: kill every child now and any that a build still starts before it notices."""
    global _refusing
    with _lock:
        _refusing += 1
    try:
        kill_all()
        yield
    finally:
        with _lock:
            _refusing -= 1


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP stop the command like Ctrl-C does (KeyboardInterrupt), so its clean-up runs:
    children killed, staging folders removed. Only the main thread can install handlers; elsewhere a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    wanted = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {s: signal.signal(s, interrupt) for s in wanted}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
