"""Drills: a catalogue of classic prompts and constraint variants, the rotation that picks the next one, and the
timed session of `workbench drill next --watch`.

A drill is a pair of a prompt and a constraint, keyed ``prompt/constraint`` (``url-shortener/read-heavy``).
The catalogue is plain data; the rotation reads the practice history (``workbench.practice.history``) and picks the
pair practised least recently: never-practised pairs first, ties broken by catalogue order. Catalogue order
interleaves prompts and constraints (``PAIRS``), so consecutive fresh drills differ in both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.practice.prompts import BUILT_IN, PAIRS, Catalogue, Drill, catalogue

# -- rotation ------------------------------------------------------------------------------------------------


def last_practised(events: Iterable[Mapping[str, Any]]) -> dict[str, datetime]:
    """Pair key -> when it was last started or finished (as a drill or as a mock)."""
    from workbench.practice.history import DRILL_DONE, DRILL_START, MOCK_START, when

    last: dict[str, datetime] = {}
    for e in events:
        if e.get("type") in (DRILL_START, DRILL_DONE, MOCK_START) and e.get("pair"):
            at = when(e)
            if at is not None and (e["pair"] not in last or at > last[e["pair"]]):
                last[e["pair"]] = at
    return last


def rotation(events: Iterable[Mapping[str, Any]], pairs: tuple[Drill, ...] = PAIRS) -> list[Drill]:
    """Every pair in the order `drill next` would pick them: never practised first (catalogue order), then
    least recently practised (ties by catalogue order)."""
    last = last_practised(events)
    order = {d.key: i for i, d in enumerate(pairs)}
    return sorted(pairs, key=lambda d: (d.key in last, last[d.key].timestamp() if d.key in last else 0.0,
                                        order[d.key]))


def next_drill(events: Iterable[Mapping[str, Any]], pairs: tuple[Drill, ...] = PAIRS) -> Drill:
    return rotation(events, pairs)[0]


def design_for(cfg, d: Drill) -> Path:
    """designs/<prompt>_<constraint>.py, or _2, _3, ... when earlier attempts are still there."""
    path = cfg.designs / f"{d.stem}.py"
    n = 2
    while path.exists():
        path = cfg.designs / f"{d.stem}_{n}.py"
        n += 1
    return path


# -- the catalogue as text -------------------------------------------------------------------------------------


def catalogue_text(events: Iterable[Mapping[str, Any]], cat: Catalogue = BUILT_IN) -> str:
    """`workbench drill list`: prompts, constraints, and every pair in rotation order with its history."""
    from workbench.practice.history import DRILL_DONE

    events = list(events)
    last = last_practised(events)
    done: dict[str, int] = {}
    for e in events:
        if e.get("type") == DRILL_DONE and e.get("pair"):
            done[e["pair"]] = done.get(e["pair"], 0) + 1
    lines = [f"Prompts ({len(cat.prompts)})"]
    lines += [f"  {p.key:<22}{p.title}" + (f": {p.summary}" if p.summary else "")
              + (f" ({p.source})" if p.source != "built-in" else "")
              for p in cat.prompts]
    lines += ["", f"Constraints ({len(cat.constraints)})"]
    lines += [f"  {c.key:<22}{c.text}" for c in cat.constraints]
    lines += ["", f"Drills ({len(cat.pairs)}), in the order `workbench drill next` picks them"]
    width = max(len(d.key) for d in cat.pairs) + 2
    for i, d in enumerate(rotation(events, cat.pairs)):
        seen = last.get(d.key)
        when_ = f"last {seen:%Y-%m-%d %H:%M}" if seen else "never practised"
        times = f", done {done[d.key]}x" if d.key in done else ""
        lines.append(f"  {'->' if i == 0 else '  '} {d.key:<{width}}{when_}{times}")
    return "\n".join(lines)


def brief(d: Drill, path: str) -> list[str]:
    """What `drill next` prints about the drill it picked."""
    return [
        f"drill {d.key}: {d.title}",
        f"  prompt:     {d.prompt.text}",
        *([f"  numbers:    {d.prompt.summary}"] if d.prompt.summary else []),  # a user prompt may give none
        f"  constraint: {d.constraint.text}",
        f"wrote {path}",
    ]


# -- the timed session -------------------------------------------------------------------------------------------


@dataclass
class Session:
    drill: Drill
    design: Path
    started: datetime
    ended: datetime | None = None
    timed_out: bool = False

    @property
    def seconds(self) -> float:
        return max(0.0, ((self.ended or self.started) - self.started).total_seconds())


def run_session(cfg, d: Drill, design: Path, *, minutes: float, started: datetime,
                watch: Callable[..., None], now: Callable[[], datetime],
                echo: Callable[[str], None] = print, timer: Callable[..., Any] = threading.Timer) -> Session:
    """Watch `design` until the time is up or Ctrl-C; returns the session with its end time.

    `watch` is `workbench.live.watch.run_watch` (called with `until=`, an Event set when the time is up); `timer`
    builds the countdown (`threading.Timer`'s signature), both injectable so that tests need no real clock.
    """
    session = Session(d, design, started)
    until = threading.Event()

    def time_up() -> None:
        session.timed_out = True
        echo(f"time is up ({format_minutes(minutes * 60)})")
        until.set()

    timers = [timer(minutes * 60, time_up)]
    if minutes > 10:
        timers.append(timer((minutes - 5) * 60, lambda: echo("5 minutes left")))
    for t in timers:
        t.daemon = True
        t.start()
    echo(f"timer: {format_minutes(minutes * 60)}; Ctrl-C to stop early")
    try:
        watch(cfg, [design], until=until, echo=echo)
    finally:
        for t in timers:
            t.cancel()
        session.ended = now()
    return session


def format_minutes(seconds: float | None) -> str:
    """`38 min`, `1 h 05 min`, `45 s` (under a minute)."""
    if seconds is None:
        return "?"
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


# -- the commands' work ------------------------------------------------------------------------------------------


def start_next(cfg, minutes: float | None = None, now: datetime | None = None,
               key: str | None = None) -> tuple[Drill, Path, dict]:
    """Pick the next drill (or the pair `key`, ``prompt/constraint``), scaffold its design and record the start;
    returns (drill, design, start record)."""
    from workbench.practice import history
    from workbench.practice.scaffold import new_design

    cat = catalogue(cfg)
    d = cat.drill(key) if key else next_drill(history.read(cfg), cat.pairs)
    path = design_for(cfg, d)
    new_design(cfg, path.stem, "drill", d.prompt.key, d.constraint.key, path=path, now=now)
    return d, path, record_start(cfg, d.key, path, minutes, now)


def record_start(cfg, pair: str, path: Path, minutes: float | None = None, now: datetime | None = None) -> dict:
    """Record a drill-start for `path` (also for `workbench new --prompt`, so that `drill done` can close it)."""
    from workbench.design.loader import display_path
    from workbench.practice import history

    fields = {"pair": pair, "design": display_path(Path(path).absolute(), cfg.root), "minutes": minutes}
    record = history.safely(history.append, cfg, history.DRILL_START, now, **fields)
    if record is None:  # not recorded (warned): the session still knows when it started
        record = {"type": history.DRILL_START, "at": history.stamp(history.local_now(now)), **fields}
    return record


def finish(cfg, start: Mapping[str, Any], now: datetime | None = None, limit: float | None = None) -> list[str]:
    """Check the drill's design, record the check and the drill's completion; the lines to show.

    The time used runs from the recorded start to `now`; `limit` is the timer in minutes, if there was one.
    """
    from workbench.analysis.rules import CATALOGUE
    from workbench.commands.check import CheckOptions, check_design
    from workbench.output.check_report import render
    from workbench.practice import history

    end = history.local_now(now)
    started = history.when(start) or end
    seconds = max(0.0, (end - started).total_seconds())
    used = format_minutes(seconds) + (f" of {format_minutes(limit * 60)}" if limit else "")
    lines = [f"drill {start.get('pair', '?')}: time used {used}"]
    design = cfg.root / str(start.get("design", ""))
    if design.is_file():
        report = check_design(design, cfg, CheckOptions())
        history.record_checks(cfg, [report], now=end)
        lines.append(render("text", [report], CATALOGUE).rstrip("\n"))
    else:
        lines.append(f"{start.get('design')} is gone; no findings to show")
    history.safely(history.append, cfg, history.DRILL_DONE, end, pair=start.get("pair"),
                   design=start.get("design"), started=start.get("at"), seconds=round(seconds))
    return lines


def done(cfg, name: str, now: datetime | None = None) -> list[str]:
    """`workbench drill done NAME`: NAME is the pair key, the design's path or its stem."""
    from workbench.practice import history

    start = history.open_drill(history.read(cfg), name, cfg.root)
    if start is None:
        raise WorkbenchError(f"no drill in progress matches {name!r}; `workbench drill next` starts one "
                             "(NAME is the drill, e.g. url-shortener/read-heavy, or its design file)")
    return finish(cfg, start, now, start.get("minutes"))
