"""`workbench progress`: the week's summary from the history, as a table and as a self-contained HTML page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from workbench.cli import main
from workbench.practice.history import (
    CHECK,
    DRILL_DONE,
    DRILL_START,
    LESSON,
    RENDER,
    append,
    read,
    stamp,
)
from workbench.practice.progress import bar_plot, progress, runs_plot, summarise, to_text

TZ = timezone(timedelta(hours=-5))
NOW = datetime(2025, 3, 14, 18, 0, tzinfo=TZ)  # a Friday


def run_record(cfg, kind, at, design, e, w, i=0, readiness=None, **extra):
    return append(cfg, kind, at, design=design, status="checked" if kind == CHECK else "rendered",
                  counts={"error": e, "warning": w, "info": i}, accepted=0, readiness=readiness, **extra)


@pytest.fixture
def week_history(cfg):
    """Two designs over the week (one improving, one getting worse), a drill, a lesson, and older noise."""
    run_record(cfg, RENDER, NOW - timedelta(days=10), "designs/old.py", 9, 9)  # before the window
    for day, (e, w) in enumerate([(3, 2), (2, 2), (1, 1), (0, 1)]):
        run_record(cfg, RENDER, NOW - timedelta(days=5 - day), "designs/chat.py", e, w, 1, readiness=30 + 10 * day)
    run_record(cfg, CHECK, NOW - timedelta(days=3), "designs/feed.py", 0, 1)
    run_record(cfg, CHECK, NOW - timedelta(days=2), "designs/feed.py", 0, 0, filtered=True)  # --select: no trend
    run_record(cfg, CHECK, NOW - timedelta(days=1), "designs/feed.py", 1, 2)
    append(cfg, CHECK, NOW - timedelta(hours=3), design="designs/feed.py", status="failed", counts=None,
           accepted=0, readiness=None)
    start = append(cfg, DRILL_START, NOW - timedelta(days=2, minutes=40), pair="chat-service/multi-region",
                   design="designs/chat.py", minutes=45)
    append(cfg, DRILL_DONE, NOW - timedelta(days=2), pair="chat-service/multi-region", design="designs/chat.py",
           started=start["at"], seconds=2400)
    append(cfg, DRILL_START, NOW - timedelta(hours=1), pair="news-feed/write-heavy",
           design="designs/news_feed_write_heavy.py", minutes=None)
    append(cfg, LESSON, NOW - timedelta(days=1), text="<b>fan out</b> on write & cap celebrities")
    return cfg


def test_summary_of_the_week(week_history):
    week = summarise(read(week_history), now=NOW)
    assert (week.start, week.end) == (datetime(2025, 3, 8, tzinfo=TZ), NOW)
    chat, feed = week.designs
    assert (chat.design, chat.runs, chat.trend) == ("designs/chat.py", 4, "better")
    assert (chat.first.weight, chat.last.weight) == (5, 1)
    assert [p.readiness for p in chat.points] == [30, 40, 50, 60]
    assert (feed.design, feed.runs, feed.failed, feed.trend) == ("designs/feed.py", 4, 1, "worse")
    assert [p.weight for p in feed.points] == [1, 3]  # the filtered and the failed run are not points
    assert week.runs == 8
    assert [r["pair"] for r in week.drills_done] == ["chat-service/multi-region"]
    assert week.drill_seconds == 2400
    assert [r["pair"] for r in week.drills_open] == ["news-feed/write-heavy"]
    assert [r["text"] for r in week.lessons] == ["<b>fan out</b> on write & cap celebrities"]
    assert [d["runs"] for d in week.per_day] == [0, 1, 1, 2, 2, 1, 1]  # Mar 8 .. Mar 14, oldest first
    assert week.per_day[4]["drill_seconds"] == 2400  # Mar 12

    text = to_text(week)
    assert "8 runs on 2 designs; 1 drill done (40 min); 1 open; 1 lesson" in text
    assert re.search(r"designs/chat\.py\s+4\s+3/2/1\s+0/1/1\s+better\s+30 -> 60", text), text
    assert re.search(r"designs/feed\.py\s+4 \(1 failed\)\s+0/1/0\s+1/2/0\s+worse", text), text
    assert "chat-service/multi-region" in text and "40 min" in text
    assert "designs/old.py" not in text


def test_window_length_follows_days(week_history):
    week = summarise(read(week_history), now=NOW, days=1)
    assert [d.design for d in week.designs] == ["designs/feed.py"]
    assert week.drills_done == [] and len(week.per_day) == 1


def test_days_are_counted_in_the_time_zone_of_now(cfg):
    # 01:00 UTC on Mar 14 is still Mar 13 (20:00) five hours west.
    run_record(cfg, RENDER, datetime(2025, 3, 14, 1, 0, tzinfo=timezone.utc), "designs/x.py", 1, 0)
    week = summarise(read(cfg), now=NOW)
    assert [(d["date"].day, d["runs"]) for d in week.per_day][-2:] == [(13, 1), (14, 0)]


def test_runs_plot_gives_each_design_a_row_and_each_run_a_step(week_history):
    week = summarise(read(week_history), now=NOW)
    plot = runs_plot(week)
    chat, feed = plot["series"]
    xs = [d["x"] for d in chat["dots"]]
    ys = [d["y"] for d in chat["dots"]]
    assert xs == sorted(xs) and plot["left"] <= xs[0] and xs[-1] <= plot["right"]
    assert ys == sorted(ys)  # fewer findings each run: the line goes down (SVG y grows downward)
    assert all(chat["y"] <= y <= chat["base"] for y in ys) and feed["y"] >= chat["base"]  # its own row
    every = sorted(d["x"] for s in plot["series"] for d in s["dots"])
    steps = {round(b - a, 1) for a, b in zip(every, every[1:])}
    assert len(every) == plot["runs"] == 6 and len(steps) == 1  # each run one equal step, whatever its time
    assert [t["label"] for t in plot["x_ticks"]] == ["Sun 09", "Mon 10", "Tue 11", "Wed 12", "Thu 13"]
    assert chat["dots"][-1]["title"].endswith(": 0 errors, 1 warning, readiness 60")  # "1 warning", not "1 warnings"
    runs = [b["title"].split(": ")[1].split(",")[0] for b in bar_plot(week)["bars"]]
    assert runs[:4] == ["0 runs", "1 run", "1 run", "2 runs"]


def test_runs_plot_stays_readable_with_40_designs(cfg):
    for n in range(40):
        for k in range(3):
            run_record(cfg, RENDER, NOW - timedelta(hours=40 - n, minutes=k), f"designs/d{n:02d}.py", k, n % 3)
    (cfg.designs).mkdir(parents=True, exist_ok=True)
    for n in range(0, 40, 2):
        (cfg.designs / f"d{n:02d}.py").write_text("")
    week, page = progress(cfg, now=NOW)
    plot = runs_plot(week)
    assert len(plot["series"]) == 40 and len({s["y"] for s in plot["series"]}) == 40  # no two rows share space
    assert plot["height"] >= 40 * 26
    assert [s["present"] for s in plot["series"]] == [n % 2 == 0 for n in range(40)]  # deleted ones greyed
    assert {s["colour"] for s in plot["series"] if not s["present"]} == {"#9aa5b1"}
    html = page.read_text()
    assert html.count("(deleted)") >= 20 and "d39.py" in html


def test_long_names_of_deleted_designs_fit_left_of_the_plot_like_the_others(cfg):
    long = "designs/a_design_with_a_rather_long_name_{}.py"
    for n in range(2):
        run_record(cfg, RENDER, NOW - timedelta(hours=2 - n), long.format(n), 1, 0)
    cfg.designs.mkdir(parents=True, exist_ok=True)
    (cfg.root / long.format(0)).write_text("")  # 1 is deleted
    labels = {s["present"]: s["label"] for s in runs_plot(progress(cfg, now=NOW)[0])["series"]}
    assert len(labels[True]) == len(labels[False]) == 34  # the width the left margin holds
    assert labels[True].startswith("…") and labels[True].endswith("name_0.py")
    assert labels[False].startswith("…") and labels[False].endswith("name_1.py (deleted)")


def test_html_page_is_self_contained_and_escaped(week_history):
    week, page = progress(week_history, now=NOW)
    assert page == week_history.out / "progress.html"
    html = page.read_text()
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "&lt;b&gt;fan out&lt;/b&gt; on write &amp; cap celebrities" in html
    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert len(svgs) == 2
    plot = ET.fromstring(svgs[0])  # well-formed SVG
    lines = plot.findall(".//{*}polyline") or plot.findall(".//polyline")
    assert len(lines) == 2  # one line per design with points
    assert "designs/chat.py" in html and "chat-service/multi-region" in html


def test_a_workspace_template_overrides_the_page(week_history):
    templates = week_history.templates
    templates.mkdir()
    (templates / "progress.html").write_text("runs={{ totals.runs }} designs={{ designs | length }}\n")
    _, page = progress(week_history, now=NOW)
    assert page.read_text() == "runs=8 designs=2\n"


def test_progress_command_prints_the_table_and_writes_the_page(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from workbench.config import load_config

    cfg = load_config(tmp_path)
    (tmp_path / "designs").mkdir()
    (tmp_path / "designs" / "x.py").write_text("")
    now = datetime.now().astimezone()
    run_record(cfg, RENDER, now - timedelta(minutes=5), "designs/x.py", 2, 0)
    run_record(cfg, CHECK, now, "designs/x.py", 0, 0)
    result = CliRunner().invoke(main, ["progress"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert re.search(r"designs/x\.py\s+2\s+2/0/0\s+0/0/0\s+better", result.output), result.output
    assert "wrote out/progress.html" in result.output
    assert (tmp_path / "out" / "progress.html").is_file()
    quiet = CliRunner().invoke(main, ["progress", "--no-html", "--days", "1"], catch_exceptions=False)
    assert quiet.exit_code == 0 and "wrote" not in quiet.output


def test_an_empty_history_still_makes_a_page(cfg):
    week, page = progress(cfg, now=NOW)
    assert week.runs == 0
    assert "No render or check this week" in page.read_text()
    assert "no designs rendered or checked this week" in to_text(week)
    assert stamp(NOW) == "2025-03-14T18:00:00-05:00"


def test_every_design_mistake_links_a_drill_that_targets_it(cfg):
    """Each rule about the design (not about the drawing: typos, unknown classes) gets a focused exercise."""
    from workbench.analysis.rules import CATALOGUE

    drawing_only = ("ACC", "ATTR", "ENTRY", "GRAPH", "ROLE")
    codes = sorted(c for c in CATALOGUE if not c.startswith(drawing_only))
    assert {"AVAIL001", "LAT001", "REP001", "CACHE001"} <= set(codes)
    run_record(cfg, RENDER, NOW - timedelta(hours=2), "designs/all.py", len(codes), 0, codes=codes)
    found = {m["code"]: m for m in summarise(read(cfg), NOW, cfg=cfg).mistakes}
    assert sorted(found) == codes
    missing = [c for c in codes if not (found[c]["exercise"] or "").startswith("workbench drill next ")]
    assert missing == []
    assert found["AVAIL001"]["exercise"].endswith("/multi-region")
    assert found["LAT001"]["exercise"].endswith("/strict-latency")
