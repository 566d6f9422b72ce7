"""Practice history: a JSON-lines file in the workspace, `.workbench/history.jsonl`, that never leaves the machine.

One record per line, each a JSON object with ``v`` (format version), ``type`` and ``at`` (local date-time with its
UTC offset, to the second):

- ``render`` / ``check``: ``design`` (workspace-relative path), ``status`` (rendered, cached, checked or failed),
  ``counts`` (active findings by severity, null when the design failed), ``accepted`` and ``readiness`` (0-100 or
  null), ``codes`` (the rule codes of the active errors and warnings) and ``via`` (render, watch, serve, export,
  mock; check records have none); a check run with --select/--ignore/--no-accept has ``filtered: true``;
- ``drill-start``: ``pair`` (``url-shortener/read-heavy``), ``design``, ``minutes`` (the timer, or null);
- ``drill-done``: ``pair``, ``design``, ``started`` and ``seconds`` (the time used);
- ``lesson``: ``id``, ``text``, optionally ``design``, and for a peer's improvement point ``source: "feedback"``,
  ``feedback`` (the feedback's id) and ``open: true``; ``lesson-done``: ``id`` (it is done, incorporated);
- ``feedback``: ``id``, ``design``, ``reviewer``, ``points`` (the imported form is in ``.workbench/feedback/``);
- ``mock-start`` / ``mock-done`` / ``mock-review``: ``id`` (the mock's folder in ``.workbench/mocks/``),
  ``design`` and, for done, ``seconds``;
- ``cheatsheet``: ``path`` of the page written.

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
LESSON_DONE, FEEDBACK, CHEATSHEET = "lesson-done", "feedback", "cheatsheet"
MOCK_START, MOCK_DONE, MOCK_REVIEW = "mock-start", "mock-done", "mock-review"
RUNS = (RENDER, CHECK)
VIAS = ("render", "watch", "serve", "export", "mock")


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


def active_codes(document: Mapping[str, Any]) -> list[str]:
    """The rule codes of the active errors and warnings in a findings.json document, sorted, once each."""
    return sorted({f.get("code") for d in document.get("diagrams", []) for f in d.get("findings", [])
                   if not f.get("accepted") and f.get("severity") in ("error", "warning") and f.get("code")})


def _builds(cfg, results: Iterable, now: datetime | None, via: str = "render") -> list[dict]:
    from workbench.output.outdir import FINDINGS

    records = []
    at = local_now(now)
    for r in results:
        counts, readiness, codes = None, None, None
        if r.ok:
            try:
                document = json.loads((cfg.out / r.stem / FINDINGS).read_text(encoding="utf-8"))
                counts, readiness = document.get("summary"), (document.get("readiness") or {}).get("score")
                codes = active_codes(document)
            except (OSError, ValueError):
                counts = r.counts if r.reviews else None
        active, accepted = _counts(counts)
        records.append(append(cfg, RENDER, at, design=r.shown, status=r.status, counts=active, accepted=accepted,
                              readiness=readiness, codes=codes, via=via))
    return records


def _checks(cfg, reports: Iterable, now: datetime | None, filtered: bool) -> list[dict]:
    from workbench.analysis.review import counts as count_findings

    records = []
    at = local_now(now)
    for r in reports:
        failed = bool(r.error)
        findings = [] if failed else list(r.findings())
        active, accepted = _counts(None if failed else count_findings(findings))
        extra = {"filtered": True} if filtered else {}
        codes = None if failed else sorted({f.code for f in findings
                                            if not f.accepted and f.severity in ("error", "warning")})
        records.append(append(cfg, CHECK, at, design=r.path, status="failed" if failed else "checked",
                              counts=active, accepted=accepted, readiness=getattr(r, "readiness", None),
                              codes=codes, **extra))
    return records


def record_builds(cfg, results: Iterable, now: datetime | None = None, via: str = "render") -> list[dict] | None:
    """One `render` record per build result (`workbench render`, `via` the path that built it: watch, serve,
    export, mock); never raises."""
    return safely(_builds, cfg, list(results), now, via)


def record_output(cfg, design: Path, via: str, now: datetime | None = None) -> dict | None:
    """One `render` record from what out/<stem>/ holds after a build that `via` made (export, mock); never
    raises."""
    from types import SimpleNamespace

    from workbench.design.loader import display_path

    design = Path(design).absolute()
    result = SimpleNamespace(ok=True, stem=design.stem, shown=display_path(design, cfg.root), status="rendered",
                             reviews=None, counts=None)
    records = safely(_builds, cfg, [result], now, via)
    return records[0] if records else None


def record_checks(cfg, reports: Iterable, now: datetime | None = None, filtered: bool = False) -> list[dict] | None:
    """One `check` record per design report (`workbench check`); never raises."""
    return safely(_checks, cfg, list(reports), now, filtered)


def record_lesson(cfg, text: str, design: str | None = None, now: datetime | None = None, **extra: Any) -> dict:
    from workbench.errors import WorkbenchError

    text = " ".join(text.split())
    if not text:
        raise WorkbenchError("a lesson needs some text: workbench log add \"what I learned\"")
    at = stamp(local_now(now))
    return append(cfg, LESSON, now, id=make_id(at, text, design or "", extra.get("feedback", "")), text=text,
                  **({"design": design} if design else {}), **extra)


def make_id(*parts: str) -> str:
    """A short, stable id from the record's content (what `log done ID` and `feedback done ID` take)."""
    import hashlib

    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:7]


def lesson_id(record: Mapping[str, Any]) -> str:
    """A lesson's id; lessons written before ids existed get one from their time and text."""
    return str(record.get("id") or make_id(str(record.get("at", "")), str(record.get("text", "")),
                                           str(record.get("design", "")), ""))


def lessons(records: Iterable[Mapping[str, Any]]) -> list[dict]:
    """Every lesson, oldest first, each with ``id`` and ``done`` (the lesson-done record's time, or None)."""
    records = list(records)
    done = {str(r.get("id")): r.get("at") for r in records if r.get("type") == LESSON_DONE}
    return [{**r, "id": lesson_id(r), "done": done.get(lesson_id(r))} for r in records if r.get("type") == LESSON]


def lessons_text(records: Iterable[Mapping[str, Any]], show_all: bool = False) -> str:
    """`workbench log list`: open improvement points first, then lessons, newest first, each with its id."""
    every = lessons(records)
    open_points = [r for r in every if r.get("open") and not r["done"]]
    rest = [r for r in every if r not in open_points and (show_all or not r["done"])]
    if not every:
        return "no lessons yet: workbench log add \"what I learned\""

    def line(r: Mapping[str, Any]) -> str:
        who = f" (from {r['reviewer']})" if r.get("reviewer") else ""
        where = f"  [{r['design']}]" if r.get("design") else ""
        mark = "done " if r["done"] else ""
        return f"  {r['id']}  {str(r.get('at', ''))[:10]}  {mark}{r['text']}{who}{where}"

    lines = []
    if open_points:
        lines += [f"Open feedback points ({len(open_points)}; `workbench feedback done ID` when incorporated)"]
        lines += [line(r) for r in reversed(open_points)]
    if rest:
        lines += ([""] if lines else []) + [f"Lessons ({len(rest)})"] + [line(r) for r in reversed(rest)]
    hidden = sum(1 for r in every if r["done"]) if not show_all else 0
    if hidden:
        lines.append(f"({hidden} done item{'s' * (hidden != 1)} not shown: --all)")
    return "\n".join(lines)


def mark_done(cfg, item: str, now: datetime | None = None, source: str | None = None) -> dict:
    """Record that the lesson `item` (its id, or a unique start of it) is done; returns the lesson.

    `source="feedback"` accepts only a peer's improvement points (`workbench feedback done`)."""
    from workbench.errors import WorkbenchError

    item = item.strip().lower()
    every = lessons(read(cfg))
    pool = [r for r in every if source is None or r.get("source") == source]
    found = [r for r in pool if r["id"] == item] or [r for r in pool if item and r["id"].startswith(item)]
    kind = "feedback point" if source == "feedback" else "lesson"
    if not found:
        listing = "`workbench today` or `workbench log list`" if source else "`workbench log list`"
        raise WorkbenchError(f"no {kind} {item!r}; {listing} shows the ids")
    if len(found) > 1:
        raise WorkbenchError(f"{item!r} matches {len(found)} {kind}s ({', '.join(r['id'] for r in found)}); "
                             "give more of the id")
    lesson = found[0]
    if lesson["done"]:
        return lesson
    append(cfg, LESSON_DONE, now, id=lesson["id"])
    return {**lesson, "done": stamp(local_now(now))}


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
