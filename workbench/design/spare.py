"""A design process started before the command line is parsed, so that Python and `diagrams` load meanwhile.

A cold render spends ~100 ms starting Python and importing `diagrams` in the design's fresh process, and the
command line spends about as long starting up before it knows which design to run. `start()` (called by the
console script for commands that run designs) launches `python -m workbench.design.capture --spare` at once: it
imports what designs need, then waits for its one design on stdin. `loader.load_design` takes it with
`take()`; each spare runs one design, in its own session, exactly like a process the loader starts itself.
An unused spare is killed by `discard()`. Kept to the standard library: this runs before anything else.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

from workbench.design.children import tie  # standard library only, like this module

_lock = threading.Lock()
_spare = None  # subprocess.Popen of the waiting process, until taken or discarded


def package_parent() -> str:
    """The folder that holds the workbench package."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))


def child_env() -> dict[str, str]:
    """The environment of every design process (the loader's, the warm worker's and the spare)."""
    env = dict(os.environ)
    # Same set iteration order on every run, so that designs that loop over sets stay deterministic.
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # no __pycache__ next to the user's designs
    env.pop("PYTHONSAFEPATH", None)
    # The child must import this very workbench even when it is not installed (tests, checkouts).
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent(), env.get("PYTHONPATH")) if p)
    return env


def start() -> None:
    """Start a spare design process unless one is waiting already; silently none if it cannot start."""
    global _spare
    import subprocess

    with _lock:
        if _spare is not None and _spare.poll() is None:
            return
        try:
            # `-m` puts the working directory first on sys.path while it imports `diagrams`: use the folder
            # that holds this package, not the user's folder, where a file could shadow a module.
            _spare = subprocess.Popen(
                tie([sys.executable, "-m", "workbench.design.capture", "--spare"]), cwd=package_parent(), env=child_env(),
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)  # like the loader's children: a group to kill as a whole
        except OSError:
            _spare = None


def take():
    """The waiting spare (a subprocess.Popen), or None; each is handed out once."""
    global _spare
    with _lock:
        proc, _spare = _spare, None
    if proc is not None and proc.poll() is not None:  # it died (killed from outside)
        return None
    return proc


def discard() -> None:
    """Kill a spare that no design needed."""
    proc = take()
    if proc is None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
