"""`workbench progress`: the week's practice from the history, as a terminal table and as out/progress.html.

The page comes from the template `progress.html` (the workspace's templates/ override the packaged one) and holds
its plots as inline SVG drawn from the geometry computed here: one row per design in designs/ (deleted ones
greyed out) with its active errors and warnings after each run, runs spaced evenly along a shared time axis
(so a day of iterations is a day of points, not one vertical line), and bars of runs per day. It also counts
the rules that fire most across the designs (each with its rule doc and a drill that targets it), open
feedback points and the cheat sheet's age. No script, no external URL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from workbench.config import Config
from workbench.practice.drills import format_minutes
from workbench.practice.history import (
    CHECK,
    DRILL_DONE,
    DRILL_START,
    LESSON,
    RUNS,
    local_now,
    when,
)

TEMPLATE = "progress.html"
OUTPUT = "progress.html"
# Colour-blind-safe palette (Okabe-Ito), cycled over designs.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442")


@dataclass
class Point:
    at: datetime
    errors: int
    warnings: int
    info: int
    readiness: int | None

    @property
    def weight(self) -> int:
        """What the trend and the plot follow: active errors and warnings (info is advice, not a defect)."""
        return self.errors + self.warnings


@dataclass
class DesignWeek:
    design: str
    runs: int = 0
    failed: int = 0
    points: list[Point] = field(default_factory=list)  # successful, unfiltered runs, oldest first
    present: bool = True  # False when the file is gone from designs/
    codes: list[list[str]] = field(default_factory=list)  # active error/warning codes of each run that has them

    @property
    def first(self) -> Point | None:
        return self.points[0] if self.points else None

    @property
    def last(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def trend(self) -> str:
        if len(self.points) < 2:
            return "new" if self.points else "-"
        delta = self.last.weight - self.first.weight
        return "better" if delta < 0 else ("worse" if delta > 0 else "same")


@dataclass
class Week:
    start: datetime
    end: datetime
    days: int
    designs: list[DesignWeek]
    drills_done: list[dict]  # drill-done records
    drills_open: list[dict]  # drill-start records without a done
    drills_started: int
    lessons: list[dict]
    per_day: list[dict]  # {"date", "runs", "drill_seconds"}
    mistakes: list[dict] = field(default_factory=list)  # the rules that fire most (see `mistakes`)
    open_points: list[dict] = field(default_factory=list)  # peers' improvement points not yet done
    cheatsheet_age: int | None = None  # days since `workbench cheatsheet`, None if never
    others: int = 0  # designs in designs/ not worked on in the window

    @property
    def runs(self) -> int:
        return sum(d.runs for d in self.designs)

    @property
    def drill_seconds(self) -> float:
        return sum(float(r.get("seconds") or 0) for r in self.drills_done)


def summarise(records: Iterable[Mapping[str, Any]], now: datetime | None = None, days: int = 7,
              cfg: Config | None = None) -> Week:
    """The `days` days up to `now` (local time): today and the days before it.

    With `cfg`, only designs under its designs/ folder count, and those whose file is gone are marked."""
    end = local_now(now)
    records = list(records)
    all_records = records
    start = (end - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    records = [(when(r), r) for r in records]
    # Days are counted in the time zone of `now`, whatever offset each record was written with.
    window = [(at.astimezone(end.tzinfo), r) for at, r in records if at is not None and start <= at <= end]
    window.sort(key=lambda x: x[0])
    designs: dict[str, DesignWeek] = {}
    per_day = {(start + timedelta(days=i)).date(): {"runs": 0, "drill_seconds": 0.0} for i in range(days)}
    done, lessons, started = [], [], 0
    for at, r in window:
        kind = r.get("type")
        if kind in RUNS and r.get("design"):
            if cfg is not None and not _under(cfg, r["design"]):
                continue  # a file outside designs/ (a scratch copy, a test): not part of the practice
            week = designs.setdefault(r["design"], DesignWeek(r["design"]))
            week.runs += 1
            per_day.setdefault(at.date(), {"runs": 0, "drill_seconds": 0.0})["runs"] += 1
            counts = r.get("counts")
            if r.get("status") == "failed" or not isinstance(counts, Mapping):
                week.failed += 1
            elif not (kind == CHECK and r.get("filtered")):
                week.points.append(Point(at, int(counts.get("error", 0)), int(counts.get("warning", 0)),
                                         int(counts.get("info", 0)), r.get("readiness")))
                if isinstance(r.get("codes"), list):
                    week.codes.append([str(c) for c in r["codes"]])
        elif kind == DRILL_DONE:
            done.append(r)
            per_day.setdefault(at.date(), {"runs": 0, "drill_seconds": 0.0})["drill_seconds"] += float(
                r.get("seconds") or 0)
        elif kind == DRILL_START:
            started += 1
        elif kind == LESSON:
            lessons.append(r)
    finished = {(r.get("pair"), r.get("started")) for _, r in records if r.get("type") == DRILL_DONE}
    open_ = [r for at, r in window if r.get("type") == DRILL_START and (r.get("pair"), r.get("at")) not in finished]
    if cfg is not None:
        for d in designs.values():
            d.present = (cfg.root / d.design).is_file()
    week = Week(start, end, days, sorted(designs.values(), key=lambda d: d.design), done, open_, started, lessons,
                [{"date": day, **v} for day, v in sorted(per_day.items())])
    from workbench.practice.feedback import open_points
    from workbench.practice.prompts import catalogue
    from workbench.practice.review import cheatsheet_age

    past = [r for r in all_records if (when(r) or end) <= end]
    week.mistakes = mistakes(week, past, catalogue(cfg).pairs if cfg is not None else None)
    week.open_points = open_points(past)
    week.cheatsheet_age = cheatsheet_age(past, end)
    if cfg is not None and cfg.designs.is_dir():
        from workbench.design.loader import display_path

        worked = {d.design for d in week.designs}
        week.others = sum(1 for f in cfg.designs.glob("*.py") if not f.name.startswith(("_", "."))
                          and display_path(f, cfg.root) not in worked)
    return week


def _under(cfg: Config, shown: str) -> bool:
    try:
        (cfg.root / shown).absolute().relative_to(cfg.designs.absolute())
        return True
    except ValueError:
        return False


# A focused exercise per rule family: the constraint whose drills make that mistake matter most.
# Rules about the drawing itself (ATTR, ACC, ENTRY, GRAPH, ROLE: typos, unknown classes) have no drill.
EXERCISES = {"CACHE": "read-heavy", "LB": "read-heavy", "CAP": "write-heavy", "QUE": "write-heavy",
             "CYC": "strict-latency", "LAT": "strict-latency", "SPOF": "multi-region", "REP": "multi-region",
             "ZONE": "multi-region", "AVAIL": "multi-region", "DATA": "strong-consistency",
             "TOP": "cost-constrained"}


def mistakes(week: Week, records: list, pairs=None) -> list[dict]:
    """Rules that fired in the window, most designs first: ``code``, ``title``, ``designs`` (how many it fired
    in), ``of`` (designs with rule data), ``open`` (still firing in the latest run), ``doc`` (the command that
    explains it) and ``exercise`` (a drill variant that targets it, least recently practised first)."""
    from workbench.analysis.rules import CATALOGUE
    from workbench.practice.drills import rotation
    from workbench.practice.prompts import PAIRS

    with_codes = [d for d in week.designs if d.codes]
    fired: dict[str, set[str]] = {}
    still: dict[str, set[str]] = {}
    for d in with_codes:
        for codes in d.codes:
            for code in codes:
                fired.setdefault(code, set()).add(d.design)
        for code in d.codes[-1]:
            still.setdefault(code, set()).add(d.design)
    drills = {str(r.get("design")) for r in records if r.get("type") == DRILL_START}
    noun = "drills" if with_codes and all(d.design in drills for d in with_codes) else "designs"
    order = rotation(records, pairs or PAIRS)
    out = []
    for code, where in sorted(fired.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        rule = CATALOGUE.get(code)
        constraint = next((c for family, c in EXERCISES.items() if code.startswith(family)), None)
        drill = next((d.key for d in order if d.constraint.key == constraint), None) if constraint else None
        out.append({"code": code, "title": rule.title if rule else code, "designs": len(where),
                    "of": len(with_codes), "noun": noun, "open": len(still.get(code, ())),
                    "doc": f"workbench rules {code}", "exercise": f"workbench drill next {drill}" if drill else None})
    return out


# -- text --------------------------------------------------------------------------------------------------------


def _ewi(p: Point | None) -> str:
    return f"{p.errors}/{p.warnings}/{p.info}" if p else "-"


def _readiness(d: DesignWeek) -> str:
    values = [p.readiness for p in d.points if p.readiness is not None]
    if not values:
        return "-"
    return str(values[0]) if len(values) == 1 else f"{values[0]} -> {values[-1]}"


def to_text(week: Week, html: str | None = None) -> str:
    lines = [f"Practice from {week.start:%Y-%m-%d} to {week.end:%Y-%m-%d} ({week.days} days)"]
    lines.append(f"  {week.runs} run{'s' * (week.runs != 1)} on {len(week.designs)} "
                 f"design{'s' * (len(week.designs) != 1)}; {len(week.drills_done)} drill"
                 f"{'s' * (len(week.drills_done) != 1)} done ({format_minutes(week.drill_seconds)}); "
                 f"{len(week.drills_open)} open; {len(week.lessons)} lesson{'s' * (len(week.lessons) != 1)}")
    lines.append("")
    if week.designs:
        rows = [("Design", "Runs", "First E/W/I", "Last E/W/I", "Trend", "Readiness")]
        for d in week.designs:
            runs = f"{d.runs}" + (f" ({d.failed} failed)" if d.failed else "")
            rows.append((d.design + ("" if d.present else " (deleted)"), runs, _ewi(d.first), _ewi(d.last), d.trend,
                         _readiness(d)))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for n, row in enumerate(rows):
            lines.append("  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
            if n == 0:
                lines.append("  " + "  ".join("-" * w for w in widths))
    else:
        lines.append("  no designs rendered or checked this week: `workbench render` or `workbench check` records them")
    if week.drills_done or week.drills_open:
        lines += ["", "Drills"]
        for r in week.drills_done:
            lines.append(f"  {when(r):%a %m-%d}  {r.get('pair', '?'):<40} {format_minutes(r.get('seconds')):>10}  "
                         f"{r.get('design', '')}")
        for r in week.drills_open:
            lines.append(f"  {when(r):%a %m-%d}  {r.get('pair', '?'):<40} {'open':>10}  {r.get('design', '')}")
    if week.mistakes:
        lines += ["", "Most frequent mistakes (study topics)"]
        for m in week.mistakes[:5]:
            lines.append(f"  {m['code']:<9}{m['title']}: in {m['designs']} of {m['of']} {m['noun']}"
                         f" ({m['open']} still open)")
            lines.append(f"           read `{m['doc']}`" + (f"; practise `{m['exercise']}`" if m["exercise"] else ""))
    if week.open_points:
        lines += ["", f"Open feedback points ({len(week.open_points)}; `workbench feedback done ID`)"]
        lines += [f"  {p['id']}  {p.get('design', '')}: {p['text']}" for p in week.open_points]
    if week.cheatsheet_age is None or week.cheatsheet_age > 30:
        age = "never made" if week.cheatsheet_age is None else f"{week.cheatsheet_age} days old"
        lines += ["", f"Cheat sheet: {age}; refresh it monthly with `workbench cheatsheet`"]
    if week.lessons:
        lines += ["", "Lessons"]
        for r in week.lessons:
            lines.append(f"  {when(r):%a %m-%d}  {r['text']}" + (f"  ({r['design']})" if r.get("design") else ""))
    if html:
        lines += ["", f"wrote {html}"]
    return "\n".join(lines)


# -- the page -------------------------------------------------------------------------------------------------------


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if value <= step * 4:
            return max(step * ((value + step - 1) // step), step)
    return value


def runs_plot(week: Week, width: int = 900, row: int = 26) -> dict:
    """Geometry of the findings chart: one row per design (small multiples, so 40 designs stay readable), x the
    run's place in time order (every run gets its own step; day boundaries are marked and labelled), y the
    active errors + warnings on one scale shared by all rows. Deleted designs are greyed out."""
    from workbench.output.report import plural

    left, right, top, bottom = 230, 60, 30, 8
    rows = [d for d in week.designs if d.points]
    runs = sorted((p.at, i, n) for i, d in enumerate(rows) for n, p in enumerate(d.points))
    index = {(i, n): k for k, (_, i, n) in enumerate(runs)}
    plot_w = width - left - right
    step = plot_w / max(1, len(runs) - 1)
    top_value = _nice_max(max([p.weight for d in rows for p in d.points] + [1]))

    def x(k: int) -> float:
        return round(left + (k * step if len(runs) > 1 else plot_w / 2), 1)

    series = []
    for i, d in enumerate(rows):
        y0 = top + i * row
        base = y0 + row - 5

        def y(value: int, base=base) -> float:
            return round(base - (row - 10) * value / top_value, 1)

        dots = [{"x": x(index[(i, n)]), "y": y(p.weight),
                 "title": f"{d.design} {p.at:%a %H:%M}: {plural(p.errors, 'error')}, "
                          f"{plural(p.warnings, 'warning')}"
                          + (f", readiness {p.readiness}" if p.readiness is not None else "")}
                for n, p in enumerate(d.points)]
        suffix = "" if d.present else " (deleted)"
        room = 34 - len(suffix)  # what fits left of the plot, the suffix included
        label = d.design if len(d.design) <= room else "…" + d.design[-(room - 1):]
        series.append({"design": d.design, "label": label + suffix,
                       "present": d.present, "colour": PALETTE[0] if d.present else "#9aa5b1",
                       "points": " ".join(f"{dot['x']},{dot['y']}" for dot in dots), "dots": dots,
                       "y": y0, "base": base, "text_y": round(y0 + row / 2 + 4, 1), "last": d.last.weight})
    ticks, seen = [], set()
    for k, (at, _, _) in enumerate(runs):
        day = at.date()
        if day not in seen:
            seen.add(day)
            ticks.append({"x": round(x(k) - (step / 2 if k else 0), 1), "label": f"{at:%a %d}"})
    height = top + row * len(rows) + bottom
    return {"width": width, "height": height, "left": left, "right": width - right, "top": top,
            "bottom": height - bottom, "series": series, "x_ticks": ticks, "max": top_value, "runs": len(runs),
            "value_x": width - right + 8}


def bar_plot(week: Week, width: int = 720, height: int = 160) -> dict:
    """Geometry of the runs-per-day bars (drill minutes in each bar's tooltip)."""
    from workbench.output.report import plural

    left, right, top, bottom = 44, 16, 12, 28
    days = week.per_day
    top_value = _nice_max(max([d["runs"] for d in days] + [1]))
    slot = (width - left - right) / max(1, len(days))
    bars = []
    for i, d in enumerate(days):
        h = (height - top - bottom) * d["runs"] / top_value
        bars.append({"x": round(left + i * slot + slot * 0.15, 1), "y": round(height - bottom - h, 1),
                     "width": round(slot * 0.7, 1), "height": round(h, 1), "label": f"{d['date']:%a %d}",
                     "label_x": round(left + i * slot + slot / 2, 1), "runs": d["runs"],
                     "title": f"{d['date']:%A %Y-%m-%d}: {plural(d['runs'], 'run')}, drills "
                              f"{format_minutes(d['drill_seconds']) if d['drill_seconds'] else 'none'}"})
    return {"width": width, "height": height, "left": left, "bottom": height - bottom, "bars": bars,
            "max": top_value, "top": top}


def context(week: Week) -> dict:
    """Everything the `progress.html` template can use (docs/templates.md)."""
    designs = [{"design": d.design, "runs": d.runs, "failed": d.failed, "first": _ewi(d.first),
                "last": _ewi(d.last), "trend": d.trend, "readiness": _readiness(d), "present": d.present}
               for d in week.designs]
    return {
        "start": f"{week.start:%Y-%m-%d}", "end": f"{week.end:%Y-%m-%d}", "days": week.days,
        "generated": f"{week.end:%Y-%m-%d %H:%M}",
        "totals": {"runs": week.runs, "designs": len(week.designs), "drills_done": len(week.drills_done),
                   "drills_open": len(week.drills_open), "drill_time": format_minutes(week.drill_seconds),
                   "lessons": len(week.lessons)},
        "designs": designs,
        "drills": [{"date": f"{when(r):%a %Y-%m-%d}", "pair": r.get("pair", ""), "design": r.get("design", ""),
                    "time": format_minutes(r.get("seconds")), "open": False} for r in week.drills_done]
        + [{"date": f"{when(r):%a %Y-%m-%d}", "pair": r.get("pair", ""), "design": r.get("design", ""),
            "time": "open", "open": True} for r in week.drills_open],
        "lessons": [{"date": f"{when(r):%a %Y-%m-%d}", "text": r["text"], "design": r.get("design")}
                    for r in week.lessons],
        "plot": runs_plot(week),
        "mistakes": week.mistakes,
        "open_points": [{"id": p["id"], "text": p["text"], "design": p.get("design"), "reviewer": p.get("reviewer")}
                        for p in week.open_points],
        "cheatsheet_age": week.cheatsheet_age,
        "others": week.others,
        "bars": bar_plot(week),
    }


def render_page(week: Week, templates: Path | None) -> str:
    import jinja2

    from workbench.errors import WorkbenchError
    from workbench.output.report import environment, template_location

    try:
        return environment(templates).get_template(TEMPLATE).render(**context(week))
    except jinja2.TemplateError as exc:
        file, line = template_location(exc, TEMPLATE)
        raise WorkbenchError(f"template {file}:{line}: {getattr(exc, 'message', None) or exc}; fix the template "
                             "or delete your override to use the packaged one") from exc


def progress(cfg: Config, now: datetime | None = None, days: int = 7, html: bool = True) -> tuple[Week, Path | None]:
    """Summarise the history and write out/progress.html; returns the week and the page's path."""
    from workbench.output.fileio import write_text_atomic
    from workbench.practice.history import read

    week = summarise(read(cfg), now, days, cfg)
    if not html:
        return week, None
    page = cfg.out / OUTPUT
    write_text_atomic(page, render_page(week, cfg.templates))
    return week, page
