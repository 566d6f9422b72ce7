"""`workbench mock` end to end: short phases, real saves of the design, real builds, the live page's API, a
recording POSTed in chunks, and the replay page; then the same with headless Chromium's fake microphone."""

from __future__ import annotations

import json
import re
import shutil
import threading
import urllib.request
from pathlib import Path

import pytest

from workbench.config import load_config
from workbench.practice import history
from workbench.practice.mock import plan, review, run_mock

CHROMIUM = "/usr/bin/chromium"

SINGLE_DB = '''
from diagrams import Diagram
from diagrams.aws.compute import EC2
from diagrams.aws.database import RDS
from diagrams.aws.network import ELB
from diagrams.onprem.client import Users

with Diagram("Mock answer", show=False):
    Users("users") >> ELB("lb") >> [EC2("app-1"), EC2("app-2")] >> RDS("db")
'''
REPLICATED = SINGLE_DB.replace('RDS("db")', 'RDS("db", multi_az="true")')
BROKEN = SINGLE_DB + "\nthis is not python\n"


@pytest.fixture
def ws(ws):
    (ws / "designs").mkdir()
    return ws


def save(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.loads(r.read())


def post(url: str, body: bytes = b"", header: bool = True) -> tuple[int, dict]:
    headers = {"X-Workbench": "1"} if header else {}
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {}


class Session:
    """Run `run_mock` in a thread; `saves` runs once the live page is up, with the mock and the server."""

    def __init__(self, cfg, minutes: float, saves) -> None:
        self.cfg, self.minutes, self.saves = cfg, minutes, saves
        self.lines: list[str] = []
        self.mock = None
        self.error: BaseException | None = None

    def wait_snapshots(self, n: int) -> None:
        while len(self.mock.snapshots()) < n:
            self.mock_event.wait(0.05)

    def run(self) -> None:
        self.mock_event = threading.Event()

        def ready(info: dict) -> None:
            self.mock, self.url = info["mock"], info["server"].url
            threading.Thread(target=self.drive, daemon=True).start()

        self.result = run_mock(self.cfg, "url-shortener/read-heavy", self.minutes, echo=self.lines.append,
                               port=0, ready=ready)

    def drive(self) -> None:
        try:
            self.saves(self)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc


def test_phases_scale_to_the_minutes_and_follow_the_config(cfg):
    default = plan(cfg)
    assert [p.key for p in default] == ["clarify", "estimate", "high-level", "deep-dive", "scaling", "wrap-up"]
    assert default[-1].end == 45 * 60
    short = plan(cfg, 0.5)
    assert short[-1].end == pytest.approx(30) and short[0].end == pytest.approx(30 * 5 / 45, abs=0.001)
    cfg.practice = {"mock": {"phases": {"clarify": 10, "wrap-up": 0}}}
    custom = plan(cfg)
    assert [p.key for p in custom][-1] == "scaling" and custom[0].end == 600
    cfg.practice = {"mock": {"phases": {"coffee": 5}}}
    with pytest.raises(Exception, match="mock.phases maps phases"):
        plan(cfg)


def test_a_mock_snapshots_every_save_serves_its_phase_and_keeps_the_recording(ws):
    cfg = load_config(ws)
    seen: dict = {}

    def saves(s: Session) -> None:
        s.wait_snapshots(1)  # the scaffold, as first built
        design = s.mock.design
        seen["status"] = get_json(f"{s.url}api/practice/{s.mock.stem}")
        assert post(f"{s.url}api/practice/audio/start", header=False)[0] == 403  # a cross-site form cannot
        assert post(f"{s.url}api/practice/audio/start?type=audio/webm")[0] == 200
        for n in range(3):
            assert post(f"{s.url}api/practice/audio/chunk?seq={n}", bytes([n]) * 100)[0] == 200
        seen["out_of_order"] = post(f"{s.url}api/practice/audio/chunk?seq=7", b"x")[0]
        save(design, SINGLE_DB)
        s.wait_snapshots(2)
        save(design, BROKEN)
        s.wait_snapshots(3)
        save(design, REPLICATED)
        s.wait_snapshots(4)
        post(f"{s.url}api/practice/audio/stop")

    session = Session(cfg, 0.4, saves)  # 24 seconds in six phases
    session.run()
    assert session.error is None, session.error
    mock = session.result
    status = seen["status"]["mock"]
    assert status["phase"]["of"] == 6 and status["phase"]["title"] and 0 < status["left"] <= 24
    assert seen["out_of_order"] == 409
    snaps = mock.snapshots()
    assert [s["ok"] for s in snaps] == [True, True, False, True]
    assert [s["seconds"] for s in snaps] == sorted(s["seconds"] for s in snaps)
    assert "REP001" in json.dumps(snaps[1]["findings"]) and "this is not python" in snaps[2]["source"]
    assert snaps[1]["availability"]["spofs"] and not snaps[3]["availability"]["spofs"]
    assert all(s["model"] and s["svgs"] for s in snaps if s["ok"])
    assert (mock.path / "recording.webm").read_bytes() == bytes([0]) * 100 + bytes([1]) * 100 + bytes([2]) * 100
    assert any("phase 1/6: Clarify requirements" in line for line in session.lines)
    assert any("time is up" in line for line in session.lines)
    assert any(f"workbench mock review {mock.id}" in line for line in session.lines)
    kinds = [(r["type"], r.get("via")) for r in history.read(cfg)]
    assert ("mock-start", None) in kinds and ("mock-done", None) in kinds and ("render", "mock") in kinds

    from clirun import run

    result = run("today")
    assert f"workbench mock review {mock.id}" in result.output  # due within 48 hours
    result = run("mock", "review")
    assert result.exit_code == 0, result.output
    page = ws / "out" / "mocks" / mock.id / "review.html"
    html = page.read_text(encoding="utf-8")
    assert (page.parent / "recording.webm").is_file() and 'src="recording.webm"' in html
    assert html.count('class="snapshot"') == 4 and html.count("<svg") >= 3
    assert "REP001" in html and "still open" not in html and 'class="fixed"' in html  # the SPOF was fixed
    assert "<td>REP001 db</td>" in html and "|RDS|" not in html  # named by its label, not the internal key
    text = re.sub(r"<script.*?</script>|<svg.*?</svg>", "", html, flags=re.S)
    assert "REP001</span> db is a single stateful instance" in text and "`" not in text  # plain, no backticks
    # Each distinct diagram keeps its own ids: wb-icon-1 of one snapshot must not draw another's icon.
    svgs = list(dict.fromkeys(re.findall(r"<svg\b.*?</svg>", html, flags=re.S)))
    assert len(svgs) >= 2
    owners: dict[str, int] = {}
    for n, svg in enumerate(svgs):
        ids = set(re.findall(r'\sid="([^"]+)"', svg))
        assert set(re.findall(r'href="#([^"]+)"', svg)) <= ids
        for i in ids:
            assert owners.setdefault(i, n) == n, f"id {i} is in two different diagrams"
    assert "+ component" in html and "the build failed" in html
    assert "Time per phase" in html and "Review checklist" in html and "/14" in html
    assert "workbench mock review" not in run("today").output  # reviewed: no longer due


def replayed(cfg, snapshots) -> list[dict]:
    """The review page's rows of a one-minute mock whose snapshots (10 s apart) hold what `snapshots` gives."""
    from workbench.practice.mock import Mock, replay

    folder = cfg.root / ".workbench" / "mocks" / "20261205-090000-url-shortener"
    (folder / "snapshots").mkdir(parents=True)
    meta = {"id": folder.name, "pair": "url-shortener/read-heavy", "title": "URL shortener", "prompt": "p",
            "constraint": "c", "design": "designs/mock.py", "started": "2026-12-05T09:00:00+00:00",
            "phases": [p.to_dict() for p in plan(cfg, 1)], "audio": None, "ended": "2026-12-05T09:01:00+00:00",
            "seconds": 60}
    (folder / "mock.json").write_text(json.dumps(meta), encoding="utf-8")
    for n, parts in enumerate(snapshots):
        snap = {"n": n, "seconds": 10.0 * n, "phase": "clarify", "ok": True, "source": "", "svgs": {},
                "availability": {"spofs": []}, **parts}
        (folder / "snapshots" / f"{n:03d}.json").write_text(json.dumps(snap), encoding="utf-8")
    return replay(Mock(cfg, folder))["snapshots"]


def test_the_replay_counts_say_one_error_one_warning_one_item(cfg):
    """Counts on the review page agree with their number: "1 error, 1 warning", "(1 item)", "0 warnings"."""
    rows = replayed(cfg, [{"model": {"diagrams": [], "sheet": {"title": "t", "functional": functional}},
                           "findings": {"diagrams": []}, "summary": {"error": errors, "warning": warnings}}
                          for errors, warnings, functional in [(1, 1, ["a"]), (2, 0, ["a", "b"]), (0, 2, ["a"])]])
    assert [r["counts"] for r in rows] == ["1 error, 1 warning", "2 errors, 0 warnings", "0 errors, 2 warnings"]
    assert "sheet: functional (2 items)" in rows[1]["changes"] and "sheet: functional (1 item)" in rows[2]["changes"]


def test_a_finding_whose_figures_change_is_not_fixed_and_new(cfg):
    """The replay matches findings by fingerprint: new figures in a message are the same finding, said as "now"."""
    def cap(load: str, fingerprint: str = "cap-db") -> dict:
        return {"code": "CAP001", "severity": "error", "message": f"`db` carries {load}", "fingerprint": fingerprint,
                "node_ids": ["db"]}

    group = {**cap("463%", "cap-group"), "message": "`{db, replica}` carries 463%", "node_ids": ["db", "replica"]}
    other = {**cap("120%", "cap-api"), "message": "`api` carries 120%", "node_ids": ["api"]}
    rows = replayed(cfg, [{"model": {"diagrams": [], "sheet": {}}, "findings": {"diagrams": [{"findings": found}]},
                           "summary": {"error": len(found)}}
                          for found in [[cap("2315%")], [cap("463%")], [cap("463%", "cap-db-again")], [group],
                                        [group, other], [other], []]])
    assert rows[1]["changes"] == ["now CAP001 db carries 463%"]
    assert rows[2]["changes"] == ["no visible change"]  # another subject, the same text: the same finding
    assert rows[3]["changes"] == ["now CAP001 {db, replica} carries 463%"]
    assert rows[4]["changes"] == ["new CAP001 api carries 120%"]
    assert rows[5]["changes"] == ["fixed CAP001 {db, replica} carries 463%"]
    assert rows[6]["changes"] == ["fixed CAP001 api carries 120%"]


def test_mock_review_without_a_mock_says_how_to_start_one(ws):
    from clirun import run

    result = run("mock", "review")
    assert result.exit_code == 2 and "workbench mock" in result.output


@pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("dot") is None, reason="needs chromium and dot")
def test_the_live_page_records_the_fake_microphone_and_the_replay_follows_it(ws):
    from playwright.sync_api import sync_playwright

    cfg = load_config(ws)
    seen: dict = {}

    def saves(s: Session) -> None:
        s.wait_snapshots(1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--no-sandbox"])
            page = browser.new_page(bypass_csp=True)  # the test's own wait predicates are evaluated strings
            page.goto(f"{s.url}design/{s.mock.stem}")
            page.wait_for_selector("#wb-mock:not([hidden])")
            seen["phase"] = page.inner_text("#wb-mock-phase")
            page.click("#wb-record")
            page.wait_for_function("document.getElementById('wb-record-state').textContent.includes('KB saved')")
            save(s.mock.design, SINGLE_DB)
            s.wait_snapshots(2)
            page.wait_for_timeout(3000)  # a few seconds of sound after the second snapshot
            save(s.mock.design, REPLICATED)
            s.wait_snapshots(3)
            page.wait_for_timeout(3000)
            page.click("#wb-record")  # stop
            page.wait_for_function("document.getElementById('wb-record-state').textContent.includes('kept')")
            browser.close()

    session = Session(cfg, 0.5, saves)
    session.run()
    assert session.error is None, session.error
    mock = session.result
    assert seen["phase"].startswith("phase ")
    recording = (mock.path / "recording.webm").read_bytes()
    assert recording[:4] == b"\x1a\x45\xdf\xa3" and len(recording) > 2000  # a WebM (EBML) stream
    assert mock.meta["audio"]["offset"] > 0
    _, page_path = review(cfg, mock.id)
    snaps = mock.snapshots()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--autoplay-policy=no-user-gesture-required"])
        page = browser.new_page()
        page.goto(page_path.as_uri())
        assert page.evaluate("wbReplay.shown()") == snaps[-1]["n"]
        page.evaluate("document.getElementById('recording').play()")
        page.wait_for_function("document.getElementById('recording').currentTime > 0.5")
        page.evaluate("document.getElementById('recording').pause()")
        t = page.evaluate("Number(document.getElementById('recording').dataset.offset)"
                          " + document.getElementById('recording').currentTime")
        expected = max((s["n"] for s in snaps if s["seconds"] <= t), default=snaps[0]["n"])
        assert page.evaluate("wbReplay.shown()") == expected < snaps[-1]["n"]  # the design as it was then
        browser.close()


def test_a_load_bearing_cache_is_in_the_table_of_single_points_of_failure():
    """CACHE002's error (the store cannot take the reads without the cache) is a single point of failure on the
    review page, as the availability and the rubric count it; its warning (the store copes) is not."""
    from workbench.practice.mock import availability_of

    def finding(code, severity, node):
        return {"code": code, "severity": severity, "nodes": [node], "target": f"{node}|Redis|"}

    findings = {"diagrams": [{"findings": [finding("CACHE002", "error", "cache"),
                                           finding("CACHE002", "warning", "sessions"),
                                           finding("REP001", "error", "db")]}]}
    assert availability_of({}, findings)["spofs"] == ["CACHE002 cache|Redis|", "REP001 db|Redis|"]
