"""Practice history: a JSON-lines file in the workspace, `.workbench/history.jsonl`, that never leaves the machine.

One record per line, each a JSON object with ``v`` (format version), ``type`` and ``at`` (local date-time with its
UTC offset, to the second):

- ``render`` / ``check``: ``design`` (workspace-relative path), ``status`` (rendered, cached, checked or failed),
  ``counts`` (active findings by severity, null when the design failed), ``accepted`` and ``readiness`` (0-100 or
  null); a check run with --select/--ignore/--no-accept has ``filtered: true``;
- ``drill-start``: ``pair`` (``url-shortener/read-heavy``), ``design``, ``minutes`` (the timer, or null);
- ``drill-done``: ``pair``, ``design``, ``started`` and ``seconds`` (the time used);
- ``lesson``: ``text`` and optionally ``design``.

Appends take an exclusive lock (where the platform has `fcntl`) and write one whole line with O_APPEND, so two
workbench processes never interleave. Reading skips lines that do not parse: a crash can leave half a last
line, and the next append starts on a fresh line so that it does not glue onto it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: O_APPEND of one line is atomic enough for one user
    fcntl = None

log = logging.getLogger(__name__)

VERSION = 1
FOLDER = ".workbench"
FILE = "history.jsonl"
RENDER, CHECK, DRILL_START, DRILL_DONE, LESSON = "render", "check", "drill-start", "drill-done", "lesson"
RUNS = (RENDER, CHECK)


def history_path(cfg) -> Path:
    return cfg.root / FOLDER / FILE


def local_now(now: datetime | None = None) -> datetime:
    """`now`, or the current time, as an aware local date-time (naive values are taken as local)."""
    now = now or datetime.now()
    return now if now.tzinfo is not None else now.astimezone()


def stamp(at: datetime) -> str:
    return local_now(at).isoformat(timespec="seconds")


def when(record: Mapping[str, Any]) -> datetime | None:
    """The record's `at` as an aware date-time, None when missing or unreadable."""
    try:
        return local_now(datetime.fromisoformat(str(record["at"])))
    except (KeyError, ValueError):
        return None


# -- writing ---------------------------------------------------------------------------------------------------


def append(cfg, kind: str, now: datetime | None = None, **fields: Any) -> dict[str, Any]:
    """Append one record and return it. Raises OSError when the file cannot be written."""
    record = {"v": VERSION, "type": kind, "at": stamp(local_now(now)), **fields}
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    path = history_path(cfg)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size:
            os.lseek(fd, size - 1, os.SEEK_SET)
            if os.read(fd, 1) != b"\n":  # a torn last line: keep ours readable
                line = b"\n" + line
        view = memoryview(line)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)  # also releases the lock
    return record


def safely(action, *args, **kwargs) -> Any:
    """Run a recording function; history that cannot be written is a warning, never a failed command."""
    try:
        return action(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the command itself succeeded
        log.warning("practice history not recorded: %s", exc)
        log.debug("history failure", exc_info=True)
        return None


def _counts(counts: Mapping[str, int] | None) -> tuple[dict[str, int] | None, int]:
    if counts is None:
        return None, 0
    return {s: int(counts.get(s, 0)) for s in ("error", "warning", "info")}, int(counts.get("accepted", 0))


def _builds(cfg, results: Iterable, now: datetime | None) -> list[dict]:
    from workbench.output.outdir import FINDINGS

    records = []
    at = local_now(now)
    for r in results:
        counts, readiness = None, None
        if r.ok:
            try:
                document = json.loads((cfg.out / r.stem / FINDINGS).read_text(encoding="utf-8"))
                counts, readiness = document.get("summary"), (document.get("readiness") or {}).get("score")
            except (OSError, ValueError):
                counts = r.counts if r.reviews else None
        active, accepted = _counts(counts)
        records.append(append(cfg, RENDER, at, design=r.shown, status=r.status, counts=active, accepted=accepted,
                              readiness=readiness))
    return records


def _checks(cfg, reports: Iterable, now: datetime | None, filtered: bool) -> list[dict]:
    from workbench.analysis.review import counts as count_findings

    records = []
    at = local_now(now)
    for r in reports:
        failed = bool(r.error)
        active, accepted = _counts(None if failed else count_findings(r.findings()))
        extra = {"filtered": True} if filtered else {}
        records.append(append(cfg, CHECK, at, design=r.path, status="failed" if failed else "checked",
                              counts=active, accepted=accepted, readiness=getattr(r, "readiness", None), **extra))
    return records


def record_builds(cfg, results: Iterable, now: datetime | None = None) -> list[dict] | None:
    """One `render` record per build result (`workbench render`); never raises."""
    return safely(_builds, cfg, list(results), now)


def record_checks(cfg, reports: Iterable, now: datetime | None = None, filtered: bool = False) -> list[dict] | None:
    """One `check` record per design report (`workbench check`); never raises."""
    return safely(_checks, cfg, list(reports), now, filtered)


def record_lesson(cfg, text: str, design: str | None = None, now: datetime | None = None) -> dict:
    from workbench.errors import WorkbenchError

    text = " ".join(text.split())
    if not text:
        raise WorkbenchError("a lesson needs some text: workbench log add \"what I learned\"")
    return append(cfg, LESSON, now, text=text, **({"design": design} if design else {}))


# -- reading ---------------------------------------------------------------------------------------------------


def read(cfg) -> list[dict[str, Any]]:
    """Every readable record, in file order; a missing file is an empty history."""
    path = history_path(cfg)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    records = []
    lines = data.split(b"\n")
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            last = number == len(lines) or (number == len(lines) - 1 and not lines[-1])
            (log.debug if last else log.warning)("%s:%d: skipped an unreadable line", path, number)
            continue
        if isinstance(record, dict) and isinstance(record.get("type"), str) and when(record) is not None:
            records.append(record)
    return records


def open_drill(records: Iterable[Mapping[str, Any]], name: str, root: Path | None = None) -> dict | None:
    """The latest drill-start matching `name` (a pair key, a design path or stem) that has no drill-done."""
    name = name.strip()
    stem = Path(name).stem if name.endswith(".py") else name.replace("/", "_").replace("-", "_")
    shown = None
    if name.endswith(".py") and root is not None:
        from workbench.design.loader import display_path

        shown = display_path(Path(name).absolute(), root)

    def matches(r: Mapping[str, Any]) -> bool:
        design = str(r.get("design", ""))
        return r.get("pair") == name or design == shown or design == name or Path(design).stem == stem

    found: dict | None = None
    for r in records:
        if r.get("type") == DRILL_START and matches(r):
            found = dict(r)
        elif r.get("type") == DRILL_DONE and found is not None and r.get("started") == found["at"] \
                and r.get("pair") == found.get("pair"):
            found = None
    return found
