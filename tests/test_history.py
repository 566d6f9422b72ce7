"""The practice history: a JSON-lines store that survives torn lines and concurrent writers, and that render and
check fill in across several runs without ever failing the command."""

from __future__ import annotations

import json
import logging
import multiprocessing
from datetime import datetime, timedelta, timezone

from clirun import run

from workbench.config import load_config
from workbench.practice.history import (
    DRILL_DONE,
    DRILL_START,
    LESSON,
    append,
    history_path,
    open_drill,
    read,
    when,
)

TZ = timezone(timedelta(hours=2))
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=TZ)

SPOF = """
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.aws.network import ELB
    from diagrams.onprem.client import Users

    with Diagram("Web", show=False):
        Users("users") >> ELB("lb") >> EC2("web") >> RDS("db")
"""
FIXED = """
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.aws.network import ELB
    from diagrams.onprem.client import Users

    with Diagram("Web", show=False):
        Users("users") >> ELB("lb") >> [EC2("web-1"), EC2("web-2")] >> RDS("db", multi_az="true")
"""


def test_append_and_read_round_trip_with_the_given_time(cfg):
    record = append(cfg, LESSON, T0, text="shard by user")
    assert record == {"v": 1, "type": "lesson", "at": "2025-03-10T09:30:00+02:00", "text": "shard by user"}
    assert read(cfg) == [record]
    assert when(record) == T0
    assert history_path(cfg) == cfg.root / ".workbench" / "history.jsonl"


def test_a_missing_history_is_empty(cfg):
    assert read(cfg) == []


def test_a_torn_last_line_is_skipped_and_the_next_append_starts_a_fresh_line(cfg):
    append(cfg, LESSON, T0, text="one")
    with open(history_path(cfg), "ab") as fh:
        fh.write(b'{"v": 1, "type": "lesson", "at": "2025-03-10T09:3')  # a crash mid-write
    assert [r["text"] for r in read(cfg)] == ["one"]
    append(cfg, LESSON, T0 + timedelta(minutes=1), text="two")
    assert [r["text"] for r in read(cfg)] == ["one", "two"]
    lines = history_path(cfg).read_text().splitlines()
    assert len(lines) == 3 and json.loads(lines[-1])["text"] == "two"


def test_garbage_in_the_middle_is_skipped_with_a_warning(cfg, caplog):
    append(cfg, LESSON, T0, text="one")
    with open(history_path(cfg), "ab") as fh:
        fh.write(b"not json\n[1, 2]\n{\"type\": \"lesson\"}\n")  # unreadable, not an object, no time
    append(cfg, LESSON, T0, text="two")
    with caplog.at_level(logging.WARNING, logger="workbench.practice.history"):
        assert [r["text"] for r in read(cfg)] == ["one", "two"]
    assert "skipped an unreadable line" in caplog.text


def _writer(root: str, worker: int) -> None:
    from pathlib import Path

    from workbench.config import Config

    cfg = Config(root=Path(root), designs=Path(root), out=Path(root), templates=Path(root))
    for i in range(50):
        append(cfg, LESSON, T0, text=f"{worker}-{i}-" + "x" * 300)


def test_concurrent_writers_never_interleave(cfg):
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(cfg.root), w)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    lines = history_path(cfg).read_text().splitlines()
    assert len(lines) == 200
    texts = {json.loads(line)["text"].rsplit("-", 1)[0] for line in lines}  # every line parses
    assert texts == {f"{w}-{i}" for w in range(4) for i in range(50)}


def test_render_and_check_record_every_run(ws, write_design):
    design = write_design(ws, "web", SPOF)
    assert run("render").exit_code == 0
    assert run("render").exit_code == 0  # unchanged: cached, still a practice run
    assert run("check").exit_code == 1
    design.write_text(design.read_text().replace(
        'EC2("web") >> RDS("db")', '[EC2("web-1"), EC2("web-2")] >> RDS("db", multi_az="true")'))
    assert run("render").exit_code == 0
    assert run("check", "--select", "SPOF").exit_code == 0
    design.write_text("with Diagram(\n")  # broken
    assert run("check").exit_code == 2

    records = read(load_config(ws))
    assert [(r["type"], r["status"]) for r in records] == [
        ("render", "rendered"), ("render", "cached"), ("check", "checked"), ("render", "rendered"),
        ("check", "checked"), ("check", "failed")]
    assert {r["design"] for r in records} == {"designs/web.py"}
    first, cached, checked, fixed, filtered, failed = records
    assert first["counts"]["error"] >= 1 and first["counts"] == checked["counts"] == cached["counts"]
    assert fixed["counts"] == {"error": 0, "warning": 0, "info": 0}
    assert isinstance(first["readiness"], int) and isinstance(checked["readiness"], int)
    assert fixed["readiness"] > first["readiness"]  # no active error any more
    assert filtered["filtered"] is True and "filtered" not in checked
    assert failed["counts"] is None and failed["readiness"] is None
    assert all(when(r) is not None for r in records)


def test_a_history_that_cannot_be_written_never_fails_the_command(ws, write_design, caplog):
    write_design(ws, "web", FIXED)
    (ws / ".workbench").write_text("a file where the folder should be")
    with caplog.at_level(logging.WARNING, logger="workbench.practice.history"):
        assert run("render").exit_code == 0
        assert run("check").exit_code == 0
    assert caplog.text.count("practice history not recorded") == 2


def test_log_add_records_a_lesson(ws, write_design):
    write_design(ws, "web", FIXED)
    result = run("log", "add", "cache", "before", "the", "DB", "--design", "designs/web.py")
    assert result.exit_code == 0, result.output
    (lesson,) = read(load_config(ws))
    assert lesson["type"] == "lesson" and lesson["text"] == "cache before the DB"
    assert lesson["design"] == "designs/web.py"
    assert run("log", "add", "  ").exit_code == 2
    typo = run("log", "add", "shard by user", "--design", "designs/wbe.py")
    assert typo.exit_code == 2 and "designs/wbe.py" in typo.output and "does not exist" in typo.output
    assert len(read(load_config(ws))) == 1  # nothing recorded for the typo


def test_open_drill_matches_by_pair_design_or_stem_and_skips_finished_ones(cfg):
    a = append(cfg, DRILL_START, T0, pair="news-feed/read-heavy", design="designs/news_feed_read_heavy.py")
    append(cfg, DRILL_DONE, T0 + timedelta(minutes=30), pair="news-feed/read-heavy", started=a["at"], seconds=1800)
    b = append(cfg, DRILL_START, T0 + timedelta(hours=1), pair="news-feed/read-heavy",
               design="designs/news_feed_read_heavy_2.py")
    records = read(cfg)
    assert open_drill(records, "news-feed/read-heavy") == b
    assert open_drill(records, "news_feed_read_heavy_2") == b
    assert open_drill(records, str(cfg.root / "designs" / "news_feed_read_heavy_2.py"), cfg.root) == b
    assert open_drill(records, "chat-service/read-heavy") is None


def test_init_git_ignores_the_history(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("init").exit_code == 0
    assert {"out/", ".workbench/"} <= set((tmp_path / ".gitignore").read_text().splitlines())
