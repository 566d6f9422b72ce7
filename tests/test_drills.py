"""Drills: the catalogue, the rotation order over several next/done cycles, `drill done` and the timed session."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from clirun import run

from workbench.config import load_config
from workbench.practice import drills, prompts
from workbench.practice.drills import next_drill, rotation, start_next
from workbench.practice.history import DRILL_DONE, DRILL_START, append, read, when
from workbench.practice.prompts import CONSTRAINTS, PAIRS, PROMPTS, interleave

TZ = timezone.utc
T0 = datetime(2025, 3, 10, 8, 0, tzinfo=TZ)

CLASSIC = ("url-shortener", "news-feed", "chat-service", "file-storage", "ecommerce-catalog", "booking-system")


@pytest.fixture
def ws(ws):
    (ws / "designs").mkdir()
    return ws


# -- the catalogue ------------------------------------------------------------------------------------------------


def test_catalogue_holds_the_classic_prompts_and_the_constraint_variants():
    keys = [p.key for p in PROMPTS]
    assert keys[:6] == list(CLASSIC)
    assert {"rate-limiter", "notification-service", "search-autocomplete"} <= set(keys)
    assert [c.key for c in CONSTRAINTS] == ["read-heavy", "write-heavy", "strict-latency", "multi-region",
                                            "cost-constrained", "strong-consistency"]
    assert all(p.text and p.summary and p.numbers["dau"] for p in PROMPTS)
    assert all(c.text for c in CONSTRAINTS)


def test_pairs_cover_every_combination_once_and_vary_from_one_to_the_next():
    assert len(PAIRS) == len(PROMPTS) * len(CONSTRAINTS)
    assert len({d.key for d in PAIRS}) == len(PAIRS)
    assert PAIRS[0].key == "url-shortener/read-heavy"
    assert PAIRS[1].key == "news-feed/write-heavy"
    for a, b in zip(PAIRS, PAIRS[1:]):
        assert a.prompt != b.prompt and a.constraint != b.constraint
    assert prompts.drill("booking-system/strong-consistency").stem == "booking_system_strong_consistency"
    assert interleave(PROMPTS[:2], CONSTRAINTS[:2])[2].key == "url-shortener/write-heavy"


# -- rotation ---------------------------------------------------------------------------------------------------


def test_rotation_never_practised_first_then_least_recent_with_ties_by_catalogue_order():
    events = [
        {"type": DRILL_START, "at": "2025-03-10T08:00:00+00:00", "pair": PAIRS[2].key},
        {"type": DRILL_DONE, "at": "2025-03-10T09:00:00+00:00", "pair": PAIRS[2].key},
        {"type": DRILL_START, "at": "2025-03-09T08:00:00+00:00", "pair": PAIRS[0].key},
        {"type": DRILL_START, "at": "2025-03-09T08:00:00+00:00", "pair": PAIRS[5].key},  # same time as PAIRS[0]
        {"type": "render", "at": "2025-03-11T08:00:00+00:00", "design": "designs/x.py"},  # not a drill
    ]
    order = [d.key for d in rotation(events)]
    assert order[0] == PAIRS[1].key  # the first never-practised one
    assert order[:len(PAIRS) - 3] == [d.key for d in PAIRS if d.key not in {PAIRS[0].key, PAIRS[2].key,
                                                                             PAIRS[5].key}]
    assert order[-3:] == [PAIRS[0].key, PAIRS[5].key, PAIRS[2].key]


def test_next_done_cycles_follow_the_rotation_and_wrap_around(ws):
    cfg = load_config(ws)
    clock = [T0]

    def tick(minutes: int) -> datetime:
        clock[0] += timedelta(minutes=minutes)
        return clock[0]

    picked = []
    for _ in range(len(PAIRS) + 2):
        d, path, start = start_next(cfg, None, now=tick(1))
        picked.append(d.key)
        assert path.is_file()
        append(cfg, DRILL_DONE, tick(30), pair=d.key, design=start["design"], started=start["at"], seconds=1800)
    assert picked[:len(PAIRS)] == [d.key for d in PAIRS]
    # Every pair practised once: the least recently practised come round again, in the same order.
    assert picked[len(PAIRS):] == [PAIRS[0].key, PAIRS[1].key]
    # The earlier attempt is kept; the repeat gets its own file.
    assert (ws / "designs" / "url_shortener_read_heavy.py").is_file()
    assert (ws / "designs" / "url_shortener_read_heavy_2.py").is_file()
    starts = [r for r in read(cfg) if r["type"] == DRILL_START]
    assert starts[-2]["design"] == "designs/url_shortener_read_heavy_2.py"


def test_drill_next_and_done_through_the_cli(ws):
    first = run("drill", "next")
    assert first.exit_code == 0, first.output
    assert "drill url-shortener/read-heavy" in first.output
    assert "wrote designs/url_shortener_read_heavy.py" in first.output
    assert "workbench drill done url-shortener/read-heavy" in first.output
    source = (ws / "designs" / "url_shortener_read_heavy.py").read_text()
    assert PROMPTS[0].text in source and CONSTRAINTS[0].text in source

    second = run("drill", "next")
    assert "drill news-feed/write-heavy" in second.output

    listing = run("drill", "list")
    assert listing.exit_code == 0
    assert "-> chat-service/strict-latency" in listing.output  # what `next` would pick now
    assert "never practised" in listing.output

    done = run("drill", "done", "url-shortener/read-heavy")
    assert done.exit_code == 0, done.output
    assert "drill url-shortener/read-heavy: time used" in done.output
    assert "designs/url_shortener_read_heavy.py" in done.output and "REP001" in done.output  # its findings
    cfg = load_config(ws)
    kinds = [(r["type"], r.get("pair") or r.get("design")) for r in read(cfg)]
    assert kinds == [(DRILL_START, "url-shortener/read-heavy"), (DRILL_START, "news-feed/write-heavy"),
                     ("check", "designs/url_shortener_read_heavy.py"), (DRILL_DONE, "url-shortener/read-heavy")]
    assert "done 1x" in run("drill", "list").output

    again = run("drill", "done", "url-shortener/read-heavy")
    assert again.exit_code == 2 and "no drill in progress" in again.output
    by_file = run("drill", "done", "designs/news_feed_write_heavy.py")
    assert by_file.exit_code == 0, by_file.output


def test_drill_done_measures_from_the_recorded_start(ws):
    cfg = load_config(ws)
    _, _, start = start_next(cfg, 45, now=T0)
    lines = drills.done(cfg, "url-shortener/read-heavy", now=T0 + timedelta(minutes=38))
    assert lines[0] == "drill url-shortener/read-heavy: time used 38 min of 45 min"
    done = [r for r in read(cfg) if r["type"] == DRILL_DONE][-1]
    assert done["seconds"] == 38 * 60 and done["started"] == start["at"]
    check = [r for r in read(cfg) if r["type"] == "check"][-1]
    assert when(check) == T0 + timedelta(minutes=38)


# -- the timed session ----------------------------------------------------------------------------------------------


class FakeTimer:
    """threading.Timer's interface; `fire()` runs the callbacks in order of their delay, no real waiting."""

    made: list["FakeTimer"] = []

    def __init__(self, delay, function):
        self.delay, self.function, self.cancelled, self.daemon = delay, function, False, False
        FakeTimer.made.append(self)

    def start(self):
        pass

    def cancel(self):
        self.cancelled = True


def test_session_ends_when_the_timer_fires(ws):
    cfg = load_config(ws)
    FakeTimer.made = []
    said = []
    seen = {}

    def watch(cfg_, paths, *, until, echo):
        seen["paths"] = paths
        for timer in sorted(FakeTimer.made, key=lambda t: t.delay):
            timer.function()
        seen["stopped"] = until.is_set()

    times = iter([T0 + timedelta(minutes=45)])
    d = PAIRS[0]
    session = drills.run_session(cfg, d, ws / "designs" / "x.py", minutes=45, started=T0, watch=watch,
                                 now=lambda: next(times), echo=said.append, timer=FakeTimer)
    assert seen == {"paths": [ws / "designs" / "x.py"], "stopped": True}
    assert [t.delay for t in FakeTimer.made] == [45 * 60, 40 * 60]
    assert all(t.cancelled for t in FakeTimer.made)
    assert session.timed_out and session.seconds == 45 * 60
    assert said == ["timer: 45 min; Ctrl-C to stop early", "5 minutes left", "time is up (45 min)"]


def test_drill_next_watch_prints_time_and_findings_and_records_done(ws, monkeypatch):
    import workbench.live.watch

    calls = {}

    def fake_watch(cfg, paths, *, until, echo):  # the user presses Ctrl-C at once
        calls["paths"] = [p.name for p in paths]
        calls["until"] = isinstance(until, threading.Event)

    monkeypatch.setattr(workbench.live.watch, "run_watch", fake_watch)
    result = run("drill", "next", "--watch", "--minutes", "30")
    assert result.exit_code == 0, result.output
    assert calls == {"paths": ["url_shortener_read_heavy.py"], "until": True}
    assert "timer: 30 min" in result.output
    assert "drill url-shortener/read-heavy: time used" in result.output and "of 30 min" in result.output
    assert "REP001" in result.output
    records = read(load_config(ws))
    assert [r["type"] for r in records] == [DRILL_START, "check", DRILL_DONE]
    assert records[0]["minutes"] == 30
    assert records[2]["started"] == records[0]["at"]
    assert next_drill(records).key == PAIRS[1].key
