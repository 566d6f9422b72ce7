"""Process helpers for tests: whether a pid still runs, waiting for pids to end, a process's children."""

from __future__ import annotations

import os
import signal
import time


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):  # gone before, or while, /proc was read
        return False


def wait_gone(pids, seconds: float = 15.0) -> list[int]:
    """The pids still alive after waiting up to `seconds` (a wait for the kernel, not a speed limit)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid`, zombies included."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    if int(fh.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
    return found


def as_in_a_terminal() -> None:
    """`preexec_fn` for a child that a test stops with Ctrl-C (SIGINT): the default action, as in a terminal.

    A shell starts background jobs with SIGINT ignored, and a test suite started that way hands that on to every
    child, whose Ctrl-C would then do nothing at all.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
