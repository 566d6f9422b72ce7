"""The output folder of one design, out/<design>/: the names of the files in it and how to read them back."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

from workbench.design.model import DesignModel
from workbench.errors import WorkbenchError

STAMP = ".wb-stamp.json"
MODEL = "model.json"
FINDINGS = "findings.json"


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def read_model(folder: Path) -> DesignModel | None:
    data = read_json(folder / MODEL)
    try:
        return DesignModel.from_dict(data) if data else None
    except (KeyError, TypeError, ValueError):
        return None


# -- what the workbench may replace ------------------------------------------------------------------------------


class NotOurs(WorkbenchError):
    """Something the workbench did not make is where a design's output folder goes: it is left untouched."""

    def __init__(self, target: Path) -> None:
        what = "a file" if target.is_file() or target.is_symlink() else "a folder"
        super().__init__(
            f"{target} is {what} that workbench did not make (it has no {STAMP}), so it was left as it is and "
            "nothing was written; move or rename it, or set `out` in workbench.toml to a folder of its own")
        self.target = target


def check_replaceable(target: Path) -> None:
    """Raise NotOurs unless `target` is absent, an empty folder, or a folder the workbench made (its stamp).

    A build replaces out/<design>/ as a whole; this is what keeps that from ever deleting a user's files.
    """
    if not os.path.lexists(target):
        return
    if target.is_dir() and not target.is_symlink():
        if (target / STAMP).is_file() or not any(target.iterdir()):
            return
    raise NotOurs(target)


def carry_over(old: Path, new: Path, names: Iterable[str]) -> None:
    """Hard-link (or copy) the files `names` from the folder being replaced into its replacement, where the
    new build did not make them: outputs of a slower path (findings views, report.pdf, the PNG still being
    drawn) stay until they are rebuilt, rather than vanishing with the swap."""
    for name in names:
        source, dest = old / name, new / name
        if source.is_file() and not source.is_symlink() and not os.path.lexists(dest):
            try:
                os.link(source, dest)
            except OSError:
                shutil.copy2(source, dest)


# -- temporary folders beside the outputs ------------------------------------------------------------------------

# Every build's temporary folder in out/ is named .<kind>-<name>.pid<N>-<random>, so that a later run can tell
# the ones of a process that died (kill -9, power loss) from those of a build that is running now.
TEMP_KINDS = ("tmp", "work", "early", "old")
_TEMP = re.compile(r"^\.(?:tmp|work|early|old)-.*\.pid(\d+)-[a-z0-9_]{8}$")
# Older versions named them .<kind>-<name>-<random>: stale when an hour old (no build takes that long).
_LEGACY = re.compile(r"^\.(?:tmp|work|early|old)-.*-[a-z0-9_]{8}$")
LEGACY_AGE = 3600.0


def temp_prefix(kind: str, name: str = "") -> str:
    """The prefix for tempfile.mkdtemp of a temporary folder of this process in out/."""
    assert kind in TEMP_KINDS
    return f".{kind}-{name}.pid{os.getpid()}-"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def clean_stale(out: Path) -> list[Path]:
    """Remove the temporary folders in `out` left by processes that are gone; return what was removed."""
    removed = []
    try:
        entries = list(os.scandir(out))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMP.match(entry.name)
        if not (match or _LEGACY.match(entry.name)) or not entry.is_dir(follow_symlinks=False):
            continue
        if match:
            stale = not _alive(int(match.group(1)))
        else:
            try:
                stale = now - entry.stat(follow_symlinks=False).st_mtime > LEGACY_AGE
            except OSError:
                stale = False
        if stale:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed
