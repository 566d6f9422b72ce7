"""`workbench today`: today's session from the week plan, designs due for spaced review, mocks to review, open
feedback points and the next drill.

Spaced review: a design is due 1, 3, 7, 14 and then 30 days after it was last worked on (rendered, checked,
watched, exported or mocked), the interval growing with the number of distinct days it was worked on; it is due
at once when its latest run has more active errors and warnings than the run before. A finished mock is due
for review within 48 hours. The week plan is the sample week unless workbench.toml has ``[workbench.week]``
(``monday = "mock"``, ... each a session key below or any text).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError

INTERVALS = (1, 3, 7, 14, 30)  # days
MOCK_REVIEW_HOURS = 48
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SESSIONS = {
    "fundamentals": ("Fundamentals", "refresh the one-page cheat sheet (goals, metrics, trade-offs)",
                     "workbench cheatsheet"),
    "case-study": ("Case study", "diagram one real system", "workbench new NAME --template case-study"),
    "mock": ("Mock interview", "a timed mock in phases, recorded; review it within 48 hours", "workbench mock"),
    "drill": ("Drill", "the next prompt under a new constraint", "workbench drill next --watch"),
    "feedback": ("Peer feedback", "send a report for feedback, import what came back",
                 "workbench export DESIGN; workbench feedback import FILE"),
    "reading": ("Reading", "read an engineering blog or paper; log what you learned", "workbench log add TEXT"),
    "rest": ("Rest", "nothing planned", ""),
}
SAMPLE_WEEK = {"monday": "fundamentals", "tuesday": "case-study", "wednesday": "mock", "thursday": "drill",
               "friday": "feedback", "saturday": "reading", "sunday": "reading"}


@dataclass
class Due:
    design: str
    reason: str
    last: datetime
    overdue_days: int = 0


@dataclass
class Today:
    day: date
    session: tuple[str, str, str]  # title, what, command
    due: list[Due] = field(default_factory=list)
    mocks: list[dict] = field(default_factory=list)  # {"id", "design", "due", "overdue"}
    points: list[dict] = field(default_factory=list)  # open feedback points (lesson records)
    drill: str = ""
    notes: list[str] = field(default_factory=list)


def week_plan(cfg) -> dict[str, str]:
    """The day -> session map: the sample week, overridden by ``[workbench.week]``."""
    custom = (getattr(cfg, "practice", None) or {}).get("week")
    plan = dict(SAMPLE_WEEK)
    if custom is None:
        return plan
    where = str(getattr(cfg, "source", None) or "workbench.toml")
    if not isinstance(custom, dict):
        raise WorkbenchError(f"{where}: week must be a table ([workbench.week]) like monday = \"mock\"")
    for day, session in custom.items():
        if day.lower() not in DAYS:
            raise WorkbenchError(f"{where}: week: {day!r} is not a day; use {', '.join(DAYS)}")
        if not isinstance(session, str) or not session.strip():
            raise WorkbenchError(f"{where}: week.{day} must be a session ({', '.join(SESSIONS)}) or some text")
        plan[day.lower()] = session.strip()
    return plan


def session_of(plan: Mapping[str, str], day: date) -> tuple[str, str, str]:
    key = plan[DAYS[day.weekday()]]
    return SESSIONS.get(key, (key, "your own session (workbench.toml [workbench.week])", ""))


def _in_designs(cfg, shown: str) -> Path | None:
    """The design file a history path names, when it is under designs/ and still there."""
    path = (cfg.root / shown).absolute()
    try:
        path.relative_to(cfg.designs.absolute())
    except ValueError:
        return None
    return path if path.is_file() else None


def due_designs(cfg, records: Iterable[Mapping[str, Any]], now: datetime) -> list[Due]:
    """Designs due for review today (see the module docstring), most overdue first."""
    from workbench.practice.history import RUNS, when

    runs: dict[str, list[tuple[datetime, Mapping[str, Any]]]] = {}
    for r in records:
        at = when(r)
        if r.get("type") in RUNS and r.get("design") and at is not None and at <= now:
            runs.setdefault(r["design"], []).append((at.astimezone(now.tzinfo), r))
    due: list[Due] = []
    today = now.date()
    for design, items in runs.items():
        if _in_designs(cfg, design) is None:
            continue
        items.sort(key=lambda x: x[0])
        last = items[-1][0]
        weights = [sum(int((r.get("counts") or {}).get(s, 0)) for s in ("error", "warning")) for _, r in items
                   if r.get("status") != "failed" and isinstance(r.get("counts"), Mapping) and not r.get("filtered")]
        if len(weights) >= 2 and weights[-1] > weights[-2]:
            due.append(Due(design, f"findings got worse ({weights[-2]} -> {weights[-1]} errors and warnings)",
                           last))
            continue
        days = sorted({at.date() for at, _ in items})
        interval = INTERVALS[min(len(days) - 1, len(INTERVALS) - 1)]
        when_due = days[-1] + timedelta(days=interval)
        if today >= when_due:
            late = (today - when_due).days
            due.append(Due(design, f"{interval}-day review (worked on {len(days)} day{'s' * (len(days) != 1)}, "
                                   f"last {days[-1]:%a %Y-%m-%d})" + (f", {late} days late" if late else ""),
                           last, late))
    return sorted(due, key=lambda d: (-d.overdue_days, d.last, d.design))


def mocks_to_review(records: Iterable[Mapping[str, Any]], now: datetime) -> list[dict]:
    """Finished mocks without a review: due 48 hours after they ended."""
    from workbench.practice.history import MOCK_DONE, MOCK_REVIEW, when

    records = list(records)
    reviewed = {r.get("id") for r in records if r.get("type") == MOCK_REVIEW}
    out = []
    for r in records:
        if r.get("type") == MOCK_DONE and r.get("id") not in reviewed and when(r) is not None:
            deadline = when(r) + timedelta(hours=MOCK_REVIEW_HOURS)
            out.append({"id": r["id"], "design": r.get("design", ""), "due": deadline, "overdue": now > deadline})
    return out


def plan_today(cfg, now: datetime | None = None, records: list | None = None) -> Today:
    from workbench.practice import history
    from workbench.practice.drills import next_drill
    from workbench.practice.feedback import open_points
    from workbench.practice.prompts import catalogue

    now = history.local_now(now)
    records = history.read(cfg) if records is None else records
    records = [r for r in records if (history.when(r) or now) <= now]  # injected futures do not count
    today = Today(now.date(), session_of(week_plan(cfg), now.date()))
    today.due = due_designs(cfg, records, now)
    today.mocks = mocks_to_review(records, now)
    today.points = open_points(records)
    today.drill = next_drill(records, catalogue(cfg).pairs).key
    stale = cheatsheet_age(records, now)
    if stale is not None and stale > 30:
        today.notes.append(f"the cheat sheet is {stale} days old: `workbench cheatsheet` refreshes it")
    return today


def cheatsheet_age(records: Iterable[Mapping[str, Any]], now: datetime) -> int | None:
    """Days since `workbench cheatsheet` last ran, None if never."""
    from workbench.practice.history import CHEATSHEET, when

    times = [when(r) for r in records if r.get("type") == CHEATSHEET and when(r) is not None]
    return (now - max(times)).days if times else None


def to_text(t: Today) -> str:
    title, what, command = t.session
    lines = [f"Today, {t.day:%A %Y-%m-%d}: {title}" + (f" - {what}" if what else "")]
    if command:
        lines.append(f"  start: {command}")
    lines.append("")
    if t.mocks:
        lines.append("Mocks to review (within 48 hours of the mock)")
        for m in t.mocks:
            state = "OVERDUE since" if m["overdue"] else "due by"
            lines.append(f"  {m['id']}  {m['design']}  {state} {m['due']:%a %H:%M}: workbench mock review {m['id']}")
        lines.append("")
    if t.due:
        lines.append(f"Designs due for review ({len(t.due)})")
        lines += [f"  {d.design}: {d.reason}" for d in t.due]
    else:
        lines.append("No design is due for review today.")
    lines.append("")
    if t.points:
        lines.append(f"Open feedback points ({len(t.points)}; `workbench feedback done ID` when incorporated)")
        for p in t.points:
            lines.append(f"  {p['id']}  {p.get('design', '')}: {p['text']}")
        lines.append("")
    lines.append(f"Next drill in rotation: {t.drill}  (workbench drill next {t.drill} --watch)")
    for note in t.notes:
        lines.append(f"Note: {note}")
    return "\n".join(lines)
