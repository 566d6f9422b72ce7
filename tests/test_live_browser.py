"""End to end in headless Chromium: `workbench serve`, a design page, and edits that show up without a reload."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from procs import as_in_a_terminal

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason=f"headless Chromium is not installed at {CHROMIUM} (scripts/test installs it: "
                              "apt-get install chromium)"),
]

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def design(*labels: str, broken: bool = False) -> str:
    """One EC2 node per label (lines 5, 6, ...); `broken` adds a NameError on the line after them."""
    nodes = "\n".join(f"    EC2({label!r})" for label in labels)
    return textwrap.dedent("""\
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("Shop", show=False):
        """) + nodes + "\n" + ("undefined_name\n" if broken else "")


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[test])")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Serve:
    """`workbench serve --port 0` in its own process group; lines of its output arrive on a queue."""

    def __init__(self, cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "workbench", "serve", "--port", "0"], cwd=cwd, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONFAULTHANDLER": "1"},
            start_new_session=True, preexec_fn=as_in_a_terminal)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        self.url = re.search(r"serving (http://\S+)", self.expect("serving ")).group(1)

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)

    def expect(self, text: str, timeout: float = 60) -> str:
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"`workbench serve` never printed {text!r}; printed {self.seen}") from None
            self.seen.append(line)
            if text in line:
                return line

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:  # signal dispositions the process inherited: a blocked or ignored SIGINT never stops it
                masks = [line for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines()
                         if line.startswith(("SigBlk", "SigIgn", "SigCgt"))]
            except OSError:
                masks = []
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGABRT)  # PYTHONFAULTHANDLER: where it is stuck
                time.sleep(1)
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                time.sleep(0.5)
                stuck = "".join(self.seen) + "".join(iter_queue(self.lines))
                raise AssertionError(f"`workbench serve` did not stop on Ctrl-C ({masks}):\n{stuck}")


def iter_queue(q: queue.Queue):
    while True:
        try:
            yield q.get_nowait()
        except queue.Empty:
            return


def serving(cfg, design: Path, result):
    """The live server on 127.0.0.1 with one design built (`result`) and its findings.json as the folder has it."""
    from workbench.live.serve import LiveState, start_server
    from workbench.live.watch import Rebuild
    from workbench.output.outdir import read_json

    state = LiveState(cfg)
    state.set_designs([design])
    findings = read_json(cfg.out / design.stem / "findings.json")
    state.rebuilt(Rebuild(result, findings, kept=False, model=result.model))
    return start_server(state, port=0)


def node_titles(page) -> list[str]:
    return page.eval_on_selector_all("#diagrams g.node > title", "els => els.map(e => e.textContent)")


def test_design_page_follows_edits_errors_and_fixes_without_a_reload(tmp_path, browser):
    (tmp_path / "workbench.toml").write_text("[workbench]\n")
    path = tmp_path / "designs" / "shop.py"
    path.parent.mkdir()
    path.write_text(design("web"))
    serve = Serve(tmp_path)
    try:
        serve.expect("ok     designs/shop.py")
        page = browser.new_page()
        page.goto(serve.url + "design/shop")
        page.wait_for_function("() => [...document.querySelectorAll('#diagrams g.node > title')]"
                               ".some(t => t.textContent === 'web')")
        page.evaluate("window.__notReloaded = true")
        index = browser.new_page()
        index.goto(serve.url)
        index.wait_for_selector('tr[data-design="shop"] .status.ok')

        path.write_text(design("web", "cache"))  # a node is added in the editor
        page.wait_for_function("() => [...document.querySelectorAll('#diagrams g.node > title')]"
                               ".some(t => t.textContent === 'cache')")
        assert sorted(node_titles(page)) == ["cache", "web"]
        assert page.evaluate("window.__notReloaded") is True
        assert page.is_hidden("#banner")

        path.write_text(design("web", "cache", broken=True))  # a mistake: banner, last good diagram stays
        page.wait_for_selector("#banner", state="visible")
        assert page.inner_text("#banner-location") == "designs/shop.py:7"
        assert "NameError" in page.inner_text("#banner-message")
        assert "last good diagram" in page.inner_text("#banner-kept")
        assert page.inner_text("#status") == "build failed: showing the last good build"
        assert page.inner_text("#built").startswith("failed "), "a failed build is not \"built\""
        assert sorted(node_titles(page)) == ["cache", "web"]
        index.wait_for_selector('tr[data-design="shop"] .status.error')
        assert "designs/shop.py:7: NameError" in index.inner_text('tr[data-design="shop"]')

        path.write_text(design("web", "cache", "queue"))  # fixed: banner gone, new diagram
        page.wait_for_function("() => [...document.querySelectorAll('#diagrams g.node > title')]"
                               ".some(t => t.textContent === 'queue')")
        page.wait_for_selector("#banner", state="hidden")
        assert page.evaluate("window.__notReloaded") is True
        assert page.inner_text("#status") == "built" and page.inner_text("#built").startswith("built ")
        index.wait_for_selector('tr[data-design="shop"] .status.ok')
        page.close()
        index.close()
    finally:
        serve.stop()
    assert serve.proc.returncode == 0


def test_page_shows_the_banner_when_the_very_first_build_fails(tmp_path, browser):
    (tmp_path / "workbench.toml").write_text("[workbench]\n")
    path = tmp_path / "designs" / "shop.py"
    path.parent.mkdir()
    path.write_text(design("web", broken=True))
    serve = Serve(tmp_path)
    try:
        serve.expect("failed designs/shop.py")
        page = browser.new_page()
        page.goto(serve.url + "design/shop")
        page.wait_for_selector("#banner", state="visible")
        assert page.inner_text("#banner-location") == "designs/shop.py:6"
        assert "No good build yet" in page.inner_text("#banner-kept")
        path.write_text(design("web"))
        page.wait_for_function("() => [...document.querySelectorAll('#diagrams g.node > title')]"
                               ".some(t => t.textContent === 'web')")
        page.wait_for_selector("#banner", state="hidden")
        page.close()
    finally:
        serve.stop()


def test_clicking_a_finding_highlights_its_nodes_and_zoom_works(tmp_path, cfg, write_design, browser):
    # The page against the real server, with a findings report written the way the build writes it.
    from workbench.build import build_design

    shop = write_design(tmp_path, "shop", design("web", "db", "cache"))
    result = build_design(shop, cfg)
    assert result.ok, result.error
    (cfg.out / "shop" / "findings.json").write_text(json.dumps({
        "version": 1, "design": "designs/shop.py",
        "summary": {"error": 1, "warning": 1, "info": 0, "accepted": 1},
        "diagrams": [{"name": "Shop", "slug": "shop", "findings": [
            {"code": "REP001", "severity": "warning", "message": "database without replica", "nodes": ["db"],
             "node_ids": ["db"], "accepted": False, "reason": None, "line": 6},
            {"code": "SPOF001", "severity": "error", "message": "single point of failure", "nodes": ["web", "cache"],
             "node_ids": ["web", "cache"], "accepted": False, "reason": None, "line": 5},
            {"code": "INFO001", "severity": "info", "message": "accepted thing", "nodes": ["cache"],
             "node_ids": ["cache"], "accepted": True, "reason": "demo only", "line": 7},
        ]}]}))
    server = serving(cfg, shop, result)
    try:
        page = browser.new_page()
        page.goto(server.url + "design/shop")
        page.wait_for_selector("#findings li.finding")
        codes = page.eval_on_selector_all("#findings li.finding", "els => els.map(e => e.dataset.code)")
        assert codes == ["SPOF001", "REP001", "INFO001"]  # by severity, accepted ones last
        assert "1 error" in page.inner_text("#counts")
        page.click('#findings li[data-code="SPOF001"]')
        highlighted = page.eval_on_selector_all("g.node.wb-hl > title", "els => els.map(e => e.textContent)")
        assert sorted(highlighted) == ["cache", "web"]
        assert page.eval_on_selector_all("rect.wb-hl-box", "els => els.length") == 2
        page.click('#findings li[data-code="REP001"]')
        assert page.eval_on_selector_all("g.node.wb-hl > title", "els => els.map(e => e.textContent)") == ["db"]
        page.click('#findings li[data-code="REP001"]')  # again: off
        assert page.eval_on_selector_all("g.node.wb-hl", "els => els.length") == 0

        before = page.inner_text(".diagram .zoom")
        page.click('.diagram button[title="zoom in"]')
        after = page.inner_text(".diagram .zoom")
        assert int(after.rstrip("%")) > int(before.rstrip("%"))

        for _ in range(8):  # zoomed in far: a clicked finding's node is brought into the frame
            page.click('.diagram button[title="zoom in"]')
        page.click('#findings li[data-code="REP001"]')
        inside = page.evaluate("""() => {
            const frame = document.querySelector('.viewport').getBoundingClientRect();
            const node = document.querySelector('g.node.wb-hl').getBoundingClientRect();
            const cx = node.left + node.width / 2, cy = node.top + node.height / 2;
            return cx > frame.left && cx < frame.right && cy > frame.top && cy < frame.bottom; }""")
        assert inside
        page.close()
    finally:
        server.stop()


def test_two_diagrams_on_the_live_page_keep_their_own_icons(tmp_path, cfg, write_design, browser):
    """Graphviz SVGs all say node1 and wb-icon-1; on one page the second diagram must not draw the first's icons."""
    from test_report import TWO_DIAGRAMS

    from workbench.build import build_design

    two = write_design(tmp_path, "two", TWO_DIAGRAMS)
    result = build_design(two, cfg)
    assert result.ok, result.error
    server = serving(cfg, two, result)
    try:
        page = browser.new_page()
        page.goto(server.url + "design/two")
        page.wait_for_function("() => document.querySelectorAll('#diagrams svg').length === 2")
        ids = page.eval_on_selector_all("#diagrams svg [id]", "els => els.map(e => e.id)")
        assert ids and len(ids) == len(set(ids))
        # each <use> or <image> reference resolves to an element of its own diagram
        dangling = page.evaluate("""() => [...document.querySelectorAll('#diagrams svg')].flatMap(svg =>
            [...svg.querySelectorAll('[href^="#"], [*|href^="#"]')].map(e =>
                (e.getAttribute('href') || e.getAttribute('xlink:href')).slice(1))
              .filter(ref => !svg.querySelector('[id="' + ref + '"]')))""")
        assert dangling == []
        page.close()
    finally:
        server.stop()
