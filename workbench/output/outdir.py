"""The output folder of one design, out/<design>/: the names of the files in it and how to read them back."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
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


def carry_over(old: Path, new: Path, names: Iterable[str]) -> list[str]:
    """Hard-link (or copy) the entries `names` from the folder being replaced into its replacement, where the
    new build did not make them, and return the names carried: outputs of a slower path (findings views,
    report.pdf, the PNG still being drawn) stay until they are rebuilt, and a user's own files stay as they are."""
    carried = []
    for name in names:
        source, dest = old / name, new / name
        if os.path.lexists(dest) or not os.path.lexists(source):
            continue
        if source.is_symlink():
            os.symlink(os.readlink(source), dest)
        elif source.is_dir():
            shutil.copytree(source, dest, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(source, dest)
        carried.append(name)
    return carried


def _link_or_copy(source, dest) -> None:
    try:
        os.link(source, dest)
    except OSError:
        shutil.copy2(source, dest)


# The names a build writes, for folders stamped before the stamp listed its files.
_OUTPUT_NAME = re.compile(r"^(?:model\.json|findings\.json|report\.(?:html|md|pdf)|.+\.(?:png|svg|pdf|dot))$")


def foreign(target: Path) -> list[str]:
    """What a folder the workbench made holds that no build wrote (the stamp lists what it wrote): a user's
    notes, an edited copy of a report. A build carries them over; they are never deleted."""
    try:
        names = sorted(e.name for e in os.scandir(target) if e.name not in (STAMP, STAMP + ".tmp"))
    except OSError:
        return []
    written = (read_json(target / STAMP) or {}).get("files")
    if isinstance(written, list):
        return [n for n in names if n not in set(written)]
    return [n for n in names if not _OUTPUT_NAME.match(n)]


# -- temporary folders beside the outputs ------------------------------------------------------------------------

# Every build's temporary folder in out/ is named .<kind>-<name>.pid<N>.<host>-<random>, so that a later run can
# tell those of a process that died (kill -9, power loss) from those of a build running now, also when out/ is
# shared between machines (only this host's are judged). Nothing else is ever removed: a folder named otherwise
# (a user's `.work-in-progress`) is not the workbench's, whatever its age.
TEMP_KINDS = ("tmp", "work", "early", "old")
_TEMP = re.compile(r"^\.(?:tmp|work|early|old)-.*\.pid(\d+)\.(.+)-[a-z0-9_]{8}$")


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname())[:32] or "host"


def temp_prefix(kind: str, name: str = "") -> str:
    """The prefix for tempfile.mkdtemp of a temporary folder of this process in out/."""
    assert kind in TEMP_KINDS
    return f".{kind}-{name}.pid{os.getpid()}.{_host()}-"


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
    for entry in entries:
        match = _TEMP.match(entry.name)
        if (match and match.group(2) == _host() and entry.is_dir(follow_symlinks=False)
                and not _alive(int(match.group(1)))):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed
