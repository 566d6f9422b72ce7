"""The weekly routine around the designs: prompts (built-in and the user's), drills from `new --prompt`, peer
feedback through the exported report's form (filled in by headless Chromium) and back, `today` on a history with
injected dates, the cheat sheet, the lessons log, the rubric, and every build path recorded for `progress`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from clirun import run

from workbench.config import load_config
from workbench.practice import history
from workbench.practice.prompts import BUILT_IN, CONSTRAINTS, PROMPTS, catalogue

CHROMIUM = "/usr/bin/chromium"
TZ = timezone(timedelta(hours=1))

DESIGN = '''
from diagrams import Diagram
from diagrams.aws.compute import EC2
from diagrams.aws.database import RDS
from diagrams.aws.network import ELB
from diagrams.onprem.client import Users

from workbench.sheet import Sheet

Sheet(title="Tasks", functional=["create tasks", "list tasks"], non_functional=["p99 < 200 ms"])

with Diagram("Tasks", show=False):
    Users("users") >> ELB("lb") >> [EC2("app-1"), EC2("app-2")] >> RDS("db")
'''


@pytest.fixture
def ws(ws):
    (ws / "designs").mkdir()
    (ws / "designs" / "tasks.py").write_text(DESIGN, encoding="utf-8")
    return ws


# -- prompts -----------------------------------------------------------------------------------------------------


def test_fourteen_built_in_prompts_each_with_its_constraint_variants():
    keys = {p.key for p in PROMPTS}
    assert len(PROMPTS) >= 14
    assert {"ride-hailing", "video-streaming", "web-crawler", "rate-limiter", "notification-service",
            "payment-system", "search-autocomplete", "kv-store"} <= keys
    for p in PROMPTS:
        variants = [d.constraint.key for d in BUILT_IN.pairs if d.prompt == p]
        assert sorted(variants) == sorted(c.key for c in CONSTRAINTS)
        assert p.capacity(CONSTRAINTS[0])["dau"]


def test_user_prompts_come_from_workbench_toml_and_from_pyproject(tmp_path):
    (tmp_path / "workbench.toml").write_text('''
[workbench]
[[workbench.prompts]]
key = "photo-sharing"
title = "Photo sharing"
text = "Design Instagram's feed of photos."
constraints = ["read-heavy", {key = "gdpr", title = "GDPR", text = "Data of EU users stays in the EU."}]
numbers = {dau = "50M", reads_per_user = 30, writes_per_user = 1, payload = "500KB", retention = "10 years"}
''', encoding="utf-8")
    cat = catalogue(load_config(tmp_path))
    mine = cat.prompt("photo-sharing")
    assert [d.key for d in cat.pairs if d.prompt == mine] == ["photo-sharing/read-heavy", "photo-sharing/gdpr"] \
        or sorted(d.key for d in cat.pairs if d.prompt == mine) == ["photo-sharing/gdpr", "photo-sharing/read-heavy"]
    assert cat.drill("photo-sharing/gdpr").constraint.text.startswith("Data of EU")
    with pytest.raises(Exception, match="has no variant 'multi-region'"):
        cat.drill("photo-sharing/multi-region")

    other = tmp_path / "py"
    other.mkdir()
    (other / "pyproject.toml").write_text('''
[project]
name = "x"
[tool.workbench]
[[tool.workbench.prompts]]
key = "chess-server"
title = "Online chess"
text = "Design a chess server."
''', encoding="utf-8")
    cat = catalogue(load_config(other))
    assert cat.prompt("chess-server").title == "Online chess"
    assert len([d for d in cat.pairs if d.prompt.key == "chess-server"]) == len(CONSTRAINTS)


def test_a_user_prompt_without_numbers_lists_and_scaffolds_without_empty_fields(ws):
    (ws / "workbench.toml").write_text('[workbench]\n[[workbench.prompts]]\nkey = "ticketing"\n'
                                       'title = "Concert ticketing"\ntext = "Design a ticketing site."\n'
                                       'constraints = ["strong-consistency"]\n', encoding="utf-8")
    listing = run("drill", "list")
    assert listing.exit_code == 0, listing.output
    line = next(x for x in listing.output.splitlines() if x.strip().startswith("ticketing "))
    assert line.split() == ["ticketing", "Concert", "ticketing", "(workbench.toml)"]
    started = run("drill", "next", "ticketing/strong-consistency")
    assert started.exit_code == 0, started.output
    assert "numbers:" not in started.output and "prompt:     Design a ticketing site." in started.output


@pytest.mark.parametrize("entry, said", [
    ('key = "x"\ntitle = "X"', "text must be a non-empty string"),
    ('key = "Bad Key"\ntitle = "X"\ntext = "t"', "key must be lower-case"),
    ('key = "url-shortener"\ntitle = "X"\ntext = "t"', "already taken"),
    ('key = "x"\ntitle = "X"\ntext = "t"\nconstraints = ["zero-downtime"]', "no constraint 'zero-downtime'"),
    ('key = "x"\ntitle = "X"\ntext = "t"\ncolour = "red"', "unknown field 'colour'"),
])
def test_a_bad_user_prompt_names_the_file_and_the_entry(tmp_path, entry, said):
    (tmp_path / "workbench.toml").write_text(f"[workbench]\n[[workbench.prompts]]\n{entry}\n", encoding="utf-8")
    from clirun import run as cli

    import os
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = cli("drill", "list")
    finally:
        os.chdir(here)
    assert result.exit_code == 2 and said in result.output and "workbench.toml: prompt #1" in result.output


def test_drill_next_takes_a_pair_and_drill_done_closes_a_file_made_by_new(ws):
    result = run("drill", "next", "chat-service/multi-region")
    assert result.exit_code == 0, result.output
    assert (ws / "designs" / "chat_service_multi_region.py").is_file()
    assert "drill chat-service/multi-region" in result.output
    result = run("new", "my_feed", "--prompt", "news-feed", "--constraint", "write-heavy")
    assert result.exit_code == 0, result.output
    done = run("drill", "done", "designs/my_feed.py")
    assert done.exit_code == 0, done.output
    assert "drill news-feed/write-heavy: time used" in done.output
    assert run("drill", "done", "designs/my_feed.py").exit_code == 2  # closed once


def test_python_on_a_scaffold_does_what_plain_diagrams_does(ws, tmp_path_factory):
    assert run("new", "ride", "--prompt", "ride-hailing").exit_code == 0
    source = (ws / "designs" / "ride.py").read_text(encoding="utf-8")
    assert "prints the figures" not in source
    assert "runs it as plain `diagrams` does" in source
    elsewhere = tmp_path_factory.mktemp("cwd")
    done = subprocess.run([sys.executable, str(ws / "designs" / "ride.py")], cwd=elsewhere, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert [p.suffix for p in elsewhere.iterdir()] == [".png"]  # one PNG in the current folder, as diagrams does
    assert sorted(p.name for p in (ws / "designs").iterdir()) == ["ride.py", "tasks.py"]


# -- every build path is recorded --------------------------------------------------------------------------------


def test_every_build_path_records_and_filtered_checks_do_not_count(ws):
    cfg = load_config(ws)
    assert run("render").exit_code == 0
    run("check", "--select", "SPOF")
    run("check")
    assert run("export", "designs/tasks.py", "-o", str(ws / "r.html")).exit_code == 0
    from workbench.live.watch import run_watch

    for serve in (False, True):
        until = threading.Event()

        def built_once(info: dict, until: threading.Event = until) -> None:
            info["watcher"].wait_idle()  # the first build (cached here) has been reported
            until.set()

        run_watch(cfg, [ws / "designs" / "tasks.py"], serve=serve, port=0, echo=lambda line: None,
                  ready=built_once, until=until)
    records = [r for r in history.read(cfg) if r["type"] in ("render", "check")]
    kinds = [(r["type"], r.get("via"), bool(r.get("filtered"))) for r in records]
    assert ("render", "render", False) in kinds and ("check", None, True) in kinds and ("check", None, False) in kinds
    assert {("render", v, False) for v in ("export", "watch", "serve")} <= set(kinds)
    assert all(r.get("codes") == ["REP001"] for r in records if r["type"] == "render" and r["status"] != "failed"
               and r.get("codes") is not None)
    result = run("progress", "--no-html")
    assert re.search(r"REP001\s+Stateful store without replica: in 1 of 1 designs", result.output), result.output
    assert "workbench drill next" in result.output and "workbench rules REP001" in result.output


# -- the lessons log ----------------------------------------------------------------------------------------------


def test_log_list_and_done(ws):
    assert "no lessons yet" in run("log").output  # bare `workbench log` lists, no exit 2
    assert run("log", "add", "cache the timeline", "--design", "designs/tasks.py").exit_code == 0
    listing = run("log", "list").output
    lesson_id = re.search(r"^  ([0-9a-f]{7})  ", listing, re.M).group(1)
    assert "cache the timeline" in listing
    assert run("log", "done", lesson_id[:4]).exit_code == 0
    assert "cache the timeline" not in run("log", "list").output
    assert "done cache the timeline" in run("log", "list", "--all").output
    assert run("log", "done", "ffffff").exit_code == 2


# -- feedback ------------------------------------------------------------------------------------------------------


@pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("dot") is None, reason="needs chromium and dot")
def test_the_feedback_form_works_offline_and_comes_back(ws, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    assert run("export", "designs/tasks.py", "-o", str(ws / "tasks-report.html")).exit_code == 0
    downloads = tmp_path_factory.mktemp("reviewer")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(accept_downloads=True, offline=True)
        page = context.new_page()
        page.goto((ws / "tasks-report.html").as_uri())
        page.fill("input[name=reviewer]", "Ada")
        page.check('input[name="clarity-step-requirements"][value="clear"]')
        page.check('input[name="clarity-step-reliability"][value="unclear"]')
        page.fill('input[name="comment-step-reliability"]', "what happens when db fails?")
        finding = page.locator('tr[data-kind="finding"][data-code="REP001"]')
        finding.locator('input[value="unclear"]').check()
        page.fill('textarea[name="point-0"]', "Add a standby for the database and say how it fails over")
        page.fill('textarea[name="point-1"]', "State the write QPS the app tier must absorb")
        with page.expect_download() as info:
            page.click("#wb-feedback-save")
        saved = downloads / info.value.suggested_filename
        info.value.save_as(saved)
        assert "Saved tasks-feedback.json" in page.inner_text("#wb-feedback-status")
        browser.close()
    document = json.loads(saved.read_text())
    assert document["format"] == "workbench-feedback" and document["design"] == "designs/tasks.py"
    assert len(document["points"]) == 2 and len(document["steps"]) == 7

    first = run("feedback", "import", str(saved))
    assert first.exit_code == 0, first.output
    assert "imported feedback" in first.output and "from Ada" in first.output
    assert "unclear to them: 7. Reliability" in first.output
    cfg = load_config(ws)
    before = (ws / ".workbench" / "history.jsonl").read_bytes()
    again = run("feedback", "import", str(saved))
    assert again.exit_code == 0 and "already imported; nothing changed" in again.output
    assert (ws / ".workbench" / "history.jsonl").read_bytes() == before
    assert len(list((ws / ".workbench" / "feedback").glob("*.json"))) == 1

    listing = run("log", "list").output
    assert "Open feedback points (2" in listing and "Add a standby for the database" in listing
    assert "Add a standby for the database" in run("progress", "--no-html").output
    assert "Add a standby for the database" in run("today").output
    from workbench.practice.livehook import PracticeHook

    points = PracticeHook(cfg).status("tasks")["feedback"]  # what the live page shows
    assert [p["text"] for p in points][0].startswith("Add a standby")
    point_id = points[0]["id"]
    done = run("feedback", "done", point_id)
    assert done.exit_code == 0 and "Add a standby" in done.output
    assert len(PracticeHook(cfg).status("tasks")["feedback"]) == 1
    lesson_id = history.record_lesson(cfg, "a plain lesson")["id"]
    assert run("feedback", "done", lesson_id).exit_code == 2  # not a feedback point


@pytest.mark.parametrize("content, said", [
    ("{not json", "not JSON"),
    (json.dumps({"hello": 1}), "not a workbench feedback file"),
    (json.dumps({"format": "workbench-feedback", "version": 9}), "version 9"),
    (json.dumps({"format": "workbench-feedback", "version": 1, "design": "designs/tasks.py", "points": "x"}),
     "points must be a list"),
    (json.dumps({"format": "workbench-feedback", "version": 1, "design": "designs/other.py", "points": ["a"]}),
     "not in this workspace"),
    (json.dumps({"format": "workbench-feedback", "version": 1, "design": "designs/tasks.py", "points": []}),
     "saved empty"),
])
def test_a_malformed_or_foreign_feedback_file_is_a_clear_error(ws, content, said):
    bad = ws / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = run("feedback", "import", str(bad))
    assert result.exit_code == 2 and said in result.output and "bad.json" in result.output
    assert not (ws / ".workbench" / "feedback").exists()


# -- today ------------------------------------------------------------------------------------------------------------


def test_today_on_a_history_with_injected_dates(ws):
    from workbench.practice.review import plan_today, to_text

    cfg = load_config(ws)
    for name in ("a", "b", "c", "gone"):
        (ws / "designs" / f"{name}.py").write_text("", encoding="utf-8")
    now = datetime(2025, 3, 12, 9, 0, tzinfo=TZ)  # a Wednesday

    def ran(design, days_ago, errors=0):
        history.append(cfg, "render", now - timedelta(days=days_ago), design=f"designs/{design}.py",
                       status="rendered", counts={"error": errors, "warning": 0, "info": 0})

    ran("a", 1)  # worked on once, yesterday: the 1-day review is due
    ran("b", 5), ran("b", 4), ran("b", 2)  # three days: the 7-day interval, not due yet
    ran("c", 3, errors=0), ran("c", 0.1, errors=2)  # worse than before: due at once
    ran("gone", 2)
    (ws / "designs" / "gone.py").unlink()  # deleted designs are not due
    history.append(cfg, "mock-done", now - timedelta(hours=50), id="m1", design="designs/a.py", seconds=2700)
    history.append(cfg, "lesson", now - timedelta(days=1), id="abc1234", text="shard by user", source="feedback",
                   open=True, design="designs/a.py")
    history.append(cfg, "render", now + timedelta(days=3), design="designs/b.py", status="rendered",
                   counts={"error": 0, "warning": 0, "info": 0})  # in the future of `now`: ignored
    t = plan_today(cfg, now)
    assert t.session[0] == "Mock interview"
    assert [d.design for d in t.due] == ["designs/a.py", "designs/c.py"] or \
        sorted(d.design for d in t.due) == ["designs/a.py", "designs/c.py"]
    assert any("findings got worse (0 -> 2" in d.reason for d in t.due)
    assert [m["id"] for m in t.mocks] == ["m1"] and t.mocks[0]["overdue"]
    assert [p["text"] for p in t.points] == ["shard by user"]
    text = to_text(t)
    assert "Today, Wednesday 2025-03-12: Mock interview" in text and "OVERDUE" in text
    assert "Next drill in rotation: url-shortener/read-heavy" in text
    assert "the cheat sheet" not in text or "workbench cheatsheet" in text
    # Later, b's fourth day of work (the record 3 days after `now`) counts: the next interval is 14 days.
    assert "designs/b.py" not in [d.design for d in plan_today(cfg, now + timedelta(days=16)).due]
    assert "designs/b.py" in [d.design for d in plan_today(cfg, now + timedelta(days=17)).due]


def test_the_week_plan_comes_from_workbench_toml(ws):
    (ws / "workbench.toml").write_text('[workbench.week]\nwednesday = "drill"\nsunday = "rest"\n', encoding="utf-8")
    from workbench.practice.review import plan_today

    cfg = load_config(ws)
    assert plan_today(cfg, datetime(2025, 3, 12, 9, tzinfo=TZ)).session[0] == "Drill"
    assert plan_today(cfg, datetime(2025, 3, 16, 9, tzinfo=TZ)).session[0] == "Rest"
    (ws / "workbench.toml").write_text('[workbench.week]\nblursday = "drill"\n', encoding="utf-8")
    result = run("today")
    assert result.exit_code == 2 and "'blursday' is not a day" in result.output


# -- the cheat sheet ------------------------------------------------------------------------------------------------


def test_cheatsheet_cites_every_figure_and_keeps_the_user_section(ws):
    result = run("cheatsheet")
    assert result.exit_code == 0, result.output
    page = ws / "out" / "cheatsheet.html"
    assert (ws / "out" / "cheatsheet.pdf").read_bytes()[:5] == b"%PDF-"
    html = page.read_text(encoding="utf-8")
    sources = re.findall(r'<li value="(\d+)">', html)
    assert len(sources) >= 10
    figures = re.findall(r"<tr><td>(.*?)</td>", html)  # every row of the nines and the latency tables
    assert len(figures) == 6 + 14
    for cell in figures:
        n = re.search(r'<sup class="cite">\[(\d+)\]</sup>', cell)
        assert n and n.group(1) in sources, cell
    for item in re.findall(r"<li>(.*?)</li>", html):
        if "≈" in item or "=" in item or "<strong>" in item and "cite" not in item:
            assert 'class="cite"' in item or "workbench" in item, item
    assert "43.2 minutes" in html  # 99.9% over a 30-day month, as the SRE table has it
    user = ws / "templates" / "cheatsheet_user.html"
    user.write_text("<h2>My notes</h2><p>MY OWN NUMBERS</p>", encoding="utf-8")
    assert run("cheatsheet", "--no-pdf").exit_code == 0
    assert "MY OWN NUMBERS" in page.read_text(encoding="utf-8")
    assert user.read_text(encoding="utf-8") == "<h2>My notes</h2><p>MY OWN NUMBERS</p>"  # never overwritten
    assert "Cheat sheet: " not in run("progress", "--no-html").output  # fresh: no reminder

    cfg = load_config(ws)
    from workbench.practice.progress import summarise

    week = summarise(history.read(cfg), datetime.now().astimezone() + timedelta(days=40), 7, cfg)
    from workbench.practice.progress import to_text

    assert "Cheat sheet: 40 days old" in to_text(week) or "Cheat sheet: 39 days old" in to_text(week)


# -- the rubric -----------------------------------------------------------------------------------------------------


def test_the_rubric_explains_each_score_and_says_what_it_cannot_judge():
    from workbench.analysis.rubric import score

    empty = score(None, [], components=0)
    assert empty["total"] == 0 and len(empty["steps"]) == 7
    assert all(step["evidence"] and step["cannot_judge"] for step in empty["steps"])
    assert empty["cannot_judge"]
    spof = {"code": "SPOF001", "severity": "error", "accepted": False, "message": "`db` is a single point"}
    sheet = {"functional": ["a", "b"], "non_functional": ["p99 < 100 ms"],
             "failure_modes": [{"failure": "db lost", "mitigation": "restore"}]}
    scored = {s["key"]: s for s in score(sheet, [spof], components=4)["steps"]}
    assert scored["requirements"]["score"] == 2
    assert scored["reliability"]["score"] == 1
    assert any("SPOF001" in e for e in scored["reliability"]["evidence"])
    assert score(sheet, [{**spof, "accepted": True}], components=4)["steps"][6]["score"] == 2  # weighed: fine


def test_the_rubric_counts_a_load_bearing_cache_against_reliability():
    from workbench.analysis.rubric import score

    sheet = {"failure_modes": [{"failure": "db lost", "mitigation": "restore"}],
             "data_model": [{"name": "link", "keys": ["code"], "store": "db"}]}
    bearing = {"code": "CACHE002", "severity": "error", "message": "cache `cache` is a single node; load-bearing"}
    steps = {s["key"]: s for s in score(sheet, [bearing], components=4)["steps"]}
    assert steps["reliability"]["score"] == 1 and any("CACHE002" in e for e in steps["reliability"]["evidence"])
    assert steps["data_model"]["evidence"][0].startswith("sheet data_model: 1 entity, 1 with keys")
    optional = {**bearing, "severity": "warning", "message": "cache `cache` is a single node"}
    assert {s["key"]: s for s in score(sheet, [optional], components=4)["steps"]}["reliability"]["score"] == 2
