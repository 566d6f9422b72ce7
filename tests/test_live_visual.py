"""What a person sees, in headless Chromium: the design sheet, numbered findings, click-to-fail, dark mode, and
screenshots compared with stored references (tests/data/screenshots/, downscaled so fonts and antialiasing on
another machine stay within the tolerance)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_live_browser import ARGS, CHROMIUM, ROOT, Serve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"headless Chromium is not installed at {CHROMIUM}"),
]

REFERENCES = Path(__file__).parent / "data" / "screenshots"
SIZES = {"desktop": (1400, 1000), "phone": (390, 844)}
DESIGN = "pair_single_db_before"  # a full design sheet, capacity figures, one error on `db`
# Compared at 1/10 of the size, grey levels: layout and colour, not glyph shapes. Mean difference per pixel (0-255).
SCALE, TOLERANCE = 10, 10.0


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    ws = tmp_path_factory.mktemp("visual")
    (ws / "workbench.toml").write_text('[workbench]\neditor_url = "vscode://file/{path}:{line}"\n')
    (ws / "designs").mkdir()
    shutil.copy(ROOT / "designs" / f"{DESIGN}.py", ws / "designs")
    serve = Serve(ws)
    try:
        serve.expect(f"designs/{DESIGN}.py")
        yield ws, serve
    finally:
        serve.stop()


def open_design(browser, serve, scheme="light", size="desktop"):
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))  # a script error would leave a page that only looks fine
    page.goto(serve.url + f"design/{DESIGN}")
    page.wait_for_function("() => document.body.dataset.epoch && document.body.dataset.epoch !== ''")
    page.wait_for_selector("#sheet table.capacity")
    return page


def first_build(browser, serve, slug: str):
    """A desktop page of design `slug` in its own workspace, once the page shows the first build."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(serve.url + f"design/{slug}")
    page.wait_for_function("() => document.body.dataset.epoch === '1'")
    return page


def same_picture(png: bytes, name: str) -> None:
    """The screenshot matches the stored reference within the tolerance (WB_UPDATE_SCREENSHOTS=1 rewrites it)."""
    from io import BytesIO

    from PIL import Image, ImageChops, ImageStat

    shot = Image.open(BytesIO(png)).convert("L")
    small = shot.resize((max(1, shot.width // SCALE), max(1, shot.height // SCALE)), Image.BOX)
    reference = REFERENCES / f"{name}.png"
    if os.environ.get("WB_UPDATE_SCREENSHOTS") or not reference.exists():
        if not os.environ.get("WB_UPDATE_SCREENSHOTS"):
            pytest.fail(f"no reference {reference}; run with WB_UPDATE_SCREENSHOTS=1 once and look at it")
        reference.parent.mkdir(parents=True, exist_ok=True)
        small.save(reference, optimize=True)
        return
    stored = Image.open(reference).convert("L")
    assert stored.size == small.size, f"{name}: the page's size changed ({stored.size} -> {small.size})"
    diff = ImageStat.Stat(ImageChops.difference(stored, small)).mean[0]
    assert diff <= TOLERANCE, f"{name}: differs from {reference} by {diff:.1f} grey levels on average"


# -- 1, 2: the design sheet is the report's, with code spans ------------------------------------------------------


def test_sheet_is_the_reports_steps_with_no_raw_floats_backticks_or_dump(browser, served):
    page = open_design(browser, served[1])
    sheet = page.inner_text("#sheet")
    for n, title in enumerate(["Requirements", "Capacity estimation", "High-level design", "Database design",
                               "Interfaces", "Scalability and performance", "Reliability"], 1):
        assert f"{n}. {title}" in sheet
    assert not re.search(r"\d\.\d{5,}", page.inner_text("body")), "a raw float is on the page"
    assert "`" not in page.inner_text("main"), "a literal backtick is on the page"
    assert page.locator("#sheet dl").count() == 0, "the key/value dump is back"
    assert "99.95%" in sheet  # the SLO with its unit
    rows = page.locator("#sheet table.capacity tr")
    assert rows.count() > 3 and "×" in page.inner_text("#sheet table.capacity")  # formulas
    assert page.locator("#findings li code").count() >= 2  # the code and the message's code spans
    assert not page.errors, page.errors


# -- 3, 10: numbered findings, links, and a status that says what it means ----------------------------------------


def test_findings_are_numbered_like_check_and_link_to_their_rule(browser, served):
    ws, serve = served
    page = open_design(browser, serve)
    first = page.locator("#findings li.finding").first
    assert first.get_attribute("data-number") == "1" and first.inner_text().startswith("#1")
    rep = page.locator("#findings li[data-code='REP001']")
    assert rep.locator("a[href^='/rules/REP001']").count() == 1
    number = rep.get_attribute("data-number")
    check = subprocess.run([sys.executable, "-m", "workbench", "check", f"designs/{DESIGN}.py"], cwd=ws,
                           capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert re.search(rf"^\[{number}\] designs/{DESIGN}\.py:\d+: REP001", check.stdout, re.M), check.stdout
    assert page.inner_text("#status") == "built"
    assert page.get_attribute("#link-source", "href").startswith("vscode://file/")
    assert page.get_attribute("#link-report", "href") == f"/out/{DESIGN}/report.html"
    rule = browser.new_page()
    rule.goto(serve.url + "rules/CAP001")
    assert rule.locator("a[href='#heuristic']").count() > 0 and rule.locator("a[href='#ref-R1']").count() > 0
    assert rule.locator("li#ref-R1").count() == 1


# -- 6: what-if in the page = check --fail ----------------------------------------------------------------------


def test_clicking_a_component_shows_what_check_fail_shows(browser, served):
    ws, serve = served
    page = open_design(browser, serve)
    page.locator("#diagrams g.node:has(> title:text-is('db'))").click()
    page.wait_for_function("() => document.body.dataset.whatif")
    shown = page.inner_text("#whatif-result")
    cli = subprocess.run([sys.executable, "-m", "workbench", "check", f"designs/{DESIGN}.py", "--fail", "db",
                          "--format", "json"], cwd=ws, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    expected = json.loads(cli.stdout)["designs"][0]["diagrams"][0]
    assert expected["broken"], cli.stdout
    for pair in expected["broken"]:
        assert f"BROKEN {pair['entry']} → {pair['terminal']}" in shown
    total = expected["intact"] + len(expected["broken"])
    assert f"{len(expected['broken'])} of {total} entry-to-capability paths break" in shown
    text = subprocess.run([sys.executable, "-m", "workbench", "check", f"designs/{DESIGN}.py", "--fail", "db"],
                          cwd=ws, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    same = [line.strip() for line in text.splitlines()
            if line.strip().startswith(("failed:", "down:", "BROKEN", "was:", "availability of", "load:", "OVERLOADED"))]
    assert any(line.startswith("availability of") for line in same), text
    assert any(line.startswith("was:") for line in same) and any(line.startswith("failed:") for line in same), text
    page_lines = [" ".join(line.split()) for line in shown.replace("\u2192", "->").splitlines()]
    for line in same:  # the page says what the terminal says, number for number
        assert " ".join(line.replace("`", "").split()) in page_lines, (line, page_lines)
    assert page.locator("g.node.wb-failed").count() == 1
    page.click("#whatif-clear")
    page.wait_for_function("() => !document.querySelector('#whatif-result').textContent")
    assert page.locator("g.node.wb-failed").count() == 0
    assert not page.errors, page.errors


# -- 4, 5: readable at the opening zoom; the view survives ----------------------------------------------------------


def test_opening_zoom_keeps_labels_readable(browser, served):
    page = open_design(browser, served[1])
    for labels in ("#diagrams g.node text", "#diagrams g.edge text"):  # components, and what their edges say
        heights = page.eval_on_selector_all(labels, "els => els.map(e => e.getBoundingClientRect().height)")
        assert heights and min(heights) >= 10.5, (labels, heights)  # 11 px font: its glyph box is about that tall
    assert page.is_hidden(".pan-hint"), "the whole drawing fits: nothing to pan to"
    page.click("button[title='zoom in']")
    page.click("button[title='zoom in']")
    assert page.is_visible(".pan-hint"), "part of the drawing is outside the frame and nothing says so"


# -- 7: dark mode and screenshots -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_design_page_looks_as_stored(browser, served, scheme, size):
    page = open_design(browser, served[1], scheme, size)
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert (background == "rgb(22, 25, 29)") == (scheme == "dark"), background
    page.wait_for_timeout(300)  # icons decoded
    same_picture(page.screenshot(), f"design-{scheme}-{size}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_report_and_index_look_as_stored(browser, served, scheme):
    ws, serve = served
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, color_scheme=scheme)
    page.goto((ws / "out" / DESIGN / "report.html").as_uri())
    for section in ("requirements", "capacity", "scalability", "reliability", "findings"):
        assert "`" not in page.inner_text(f"section#{section}"), section
    same_picture(page.screenshot(), f"report-{scheme}")
    page.goto(serve.url)
    page.wait_for_selector(f'tr[data-design="{DESIGN}"]')
    row = page.inner_text(f'tr[data-design="{DESIGN}"]')
    assert "/100" in row and re.search(r"\b9\d\.\d{1,3}%", row), row  # readiness, the availability estimate
    same_picture(page.screenshot(), f"index-{scheme}")


# -- 3 on the live page: outlines take in the label, badges touch no other node ------------------------------------


def test_live_diagram_outlines_numbered_nodes_and_badges_touch_nothing(browser, served):
    page = open_design(browser, served[1])
    report = page.evaluate("""() => {
      const nodes = [...document.querySelectorAll('#diagrams g.node')].map(g => ({
        id: g.querySelector(':scope > title').textContent, box: g.getBBox()}));
      return [...document.querySelectorAll('#diagrams g.wb-mark')].map(m => {
        const [outline, badge] = m.querySelectorAll('rect');
        const o = outline.getBBox(), b = badge.getBBox();
        const own = nodes.find(n => n.id === m.dataset.node).box;
        const inside = o.x <= own.x && o.y <= own.y && o.x + o.width >= own.x + own.width && o.y + o.height >= own.y + own.height;
        const hit = (box) => b.x < box.x + box.width && box.x < b.x + b.width && b.y < box.y + box.height && box.y < b.y + b.height;
        const hits = nodes.filter(n => n.id !== m.dataset.node && hit(n.box)).map(n => n.id);
        // the drawing's title, the cluster titles and the edge labels are labels too
        for (const t of document.querySelectorAll('#diagrams g.graph > text, #diagrams g.cluster > text, #diagrams g.edge text')) {
          const box = t.getBBox(), shift = t.transform.baseVal.consolidate();
          if (shift) { box.y += shift.matrix.f; }
          if (hit(box)) hits.push(t.textContent);
        }
        // an outline must not cross the drawing's title either (it is moved clear)
        for (const t of document.querySelectorAll('#diagrams g.graph > text')) {
          const box = t.getBBox(), shift = t.transform.baseVal.consolidate();
          if (shift) { box.y += shift.matrix.f; }
          if (o.x < box.x + box.width && box.x < o.x + o.width && o.y < box.y + box.height && box.y < o.y + o.height) hits.push('outline over ' + t.textContent);
        }
        return {node: m.dataset.node, numbers: m.dataset.numbers, inside, hits};
      });
    }""")
    listed = page.eval_on_selector_all("#findings li[data-number]:not([data-number=''])",
                                       "els => els.map(e => e.dataset.number)")
    assert report and listed, (report, listed)
    assert sorted({n for r in report for n in r["numbers"].split(",")}, key=int) == sorted(set(listed), key=int)
    for mark in report:
        assert mark["inside"], f"the outline of {mark['node']} cuts through its icon or label"
        assert not mark["hits"], f"the badge of {mark['node']} covers {mark['hits']}"


MARKS_CLEAR = """() => {
  const boxOf = (t) => { const box = t.getBBox(), shift = t.transform.baseVal.consolidate();
                         return {x: box.x, y: box.y + (shift ? shift.matrix.f : 0), width: box.width, height: box.height}; };
  const meet = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
  const titles = [...document.querySelectorAll('#diagrams g.graph > text')].map(boxOf);
  const points = [...document.querySelectorAll('#diagrams g.edge path')].flatMap(p =>
    Array.from({length: 60}, (_, i) => p.getPointAtLength(p.getTotalLength() * i / 59)));
  return [...document.querySelectorAll('#diagrams g.wb-mark')].map(m => {
    const [outline, badge] = [...m.querySelectorAll('rect')].map(r => r.getBBox());
    return {node: m.dataset.node, title: titles.some(t => meet(outline, t) || meet(badge, t)),
            edges: points.filter(p => p.x > badge.x && p.x < badge.x + badge.width && p.y > badge.y && p.y < badge.y + badge.height).length};
  });
}"""


def test_top_down_drawing_marks_keep_clear_of_the_title_and_the_edges(browser, tmp_path):
    """The last rank's outline would cross the drawing's title right under it, and the badge's first corner is
    where the incoming edges arrive: the title moves clear, the badge goes where no edge runs."""
    import textwrap

    (tmp_path / "workbench.toml").write_text("[workbench]\n")
    path = tmp_path / "designs" / "tb.py"
    path.parent.mkdir()
    path.write_text(textwrap.dedent("""\
        from diagrams import Cluster, Diagram
        from diagrams.aws.compute import EC2
        from diagrams.aws.database import RDS
        from diagrams.aws.network import ELB
        from diagrams.onprem.client import Users

        with Diagram("Top down", show=False, direction="TB"):
            with Cluster("apps"):
                apps = [EC2("app-1"), EC2("app-2")]
            Users("users") >> ELB("lb") >> apps >> RDS("db")
        """))
    serve = Serve(tmp_path)
    try:
        serve.expect("designs/tb.py")
        page = first_build(browser, serve, "tb")
        marks = page.evaluate(MARKS_CLEAR)
        assert any(m["node"] == "db" for m in marks), marks
        for mark in marks:
            assert not mark["title"], f"the outline or badge of {mark['node']} crosses the drawing's title"
            assert not mark["edges"], f"an edge runs through the badge of {mark['node']}"
    finally:
        serve.stop()


# -- 5, 7: the view survives a rebuild, fit re-fits; the toggle switches the theme ---------------------------------


def test_zoom_survives_a_rebuild_and_fit_refits_when_the_size_changes(browser, tmp_path):
    from tests.test_live_browser import design

    (tmp_path / "workbench.toml").write_text("[workbench]\n")
    path = tmp_path / "designs" / "shop.py"
    path.parent.mkdir()
    path.write_text(design("web", "api"))
    serve = Serve(tmp_path)
    try:
        serve.expect("designs/shop.py")
        page = first_build(browser, serve, "shop")
        page.click("button[title='zoom in']")
        zoomed = page.inner_text(".diagram .zoom")
        transform = page.eval_on_selector(".canvas", "c => c.style.transform")
        path.write_text(design("web", "api") + "# a comment: same drawing\n")
        page.wait_for_function("() => document.body.dataset.epoch === '2'")
        assert page.inner_text(".diagram .zoom") == zoomed
        assert page.eval_on_selector(".canvas", "c => c.style.transform") == transform
        page.click("button[title='fit to the frame']")
        fitted = page.inner_text(".diagram .zoom")
        path.write_text(design("web", "api", "worker", "cache", "queue", "db", "search", "mail", "pay", "auth"))
        page.wait_for_function("() => document.body.dataset.epoch === '3'")
        assert page.inner_text(".diagram .zoom") != fitted, "fit kept the old zoom for a wider diagram"
        width = page.evaluate("() => document.querySelector('.canvas').getBoundingClientRect().width")
        frame = page.evaluate("() => document.querySelector('.viewport').clientWidth")
        assert width <= frame + 1, "after a rebuild that widened the diagram, fit no longer fits"
    finally:
        serve.stop()


def test_theme_toggle_switches_and_is_remembered(browser, served):
    page = open_design(browser, served[1], "light")
    page.click("#theme")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(22, 25, 29)"
    page.reload()
    page.wait_for_function("() => document.body.dataset.epoch")
    assert page.evaluate("document.documentElement.classList.contains('dark')")
    page.click("#theme")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(22, 25, 29)"


def test_phone_width_has_no_sideways_scrolling(browser, served):
    page = open_design(browser, served[1], size="phone")
    overflow = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow} px wider than the phone"
    index = browser.new_page(viewport={"width": SIZES["phone"][0], "height": SIZES["phone"][1]})
    index.goto(served[1].url)
    index.wait_for_selector(f'tr[data-design="{DESIGN}"] .status.ok')
    wide = index.evaluate("() => { const m = document.querySelector('main'); return m.scrollWidth - m.clientWidth; }")
    assert wide <= 1, f"the index's table is {wide} px wider than the phone"
    row = index.inner_text(f'tr[data-design="{DESIGN}"]')
    assert re.search(r"\b2\b", row) and "%" in row, row  # the errors and the availability are on screen


# -- 9: the console says which findings appeared and which were fixed -----------------------------------------------


def test_watch_prints_new_and_fixed_findings_with_numbers(tmp_path):
    import textwrap

    (tmp_path / "workbench.toml").write_text("[workbench]\n")
    path = tmp_path / "designs" / "shop.py"
    path.parent.mkdir()
    source = textwrap.dedent("""\
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        from diagrams.aws.database import RDS
        from diagrams.onprem.client import Users

        with Diagram("Shop", show=False):
            Users("users") >> [EC2("web-1"), EC2("web-2")] >> RDS("db"{extra})
        """)
    path.write_text(source.format(extra=', multi_az="true"'))
    serve = Serve(tmp_path)
    try:
        serve.expect("designs/shop.py")
        path.write_text(source.format(extra=""))  # a single database: REP001 appears
        line = serve.expect("new    ")
        assert re.search(r"new    #\d+ REP001 error designs/shop\.py:7: db is a single", line), line
        path.write_text(source.format(extra=', multi_az="true"'))
        line = serve.expect("fixed  ")
        assert re.search(r"fixed  #\d+ REP001 error designs/shop\.py:7:", line), line
    finally:
        serve.stop()


# -- 2: report.md keeps code spans as code and has blank lines around every list and heading -----------------------


def test_report_markdown_structure(served):
    ws, _ = served
    md = (ws / "out" / DESIGN / "report.md").read_text(encoding="utf-8")
    lines = md.splitlines()

    def kind(line: str) -> str:
        if not line.strip():
            return "blank"
        if re.match(r"#{1,6} ", line):
            return "heading"
        if re.match(r"(- |\d+\. )", line):
            return "list"
        if line.startswith("|"):
            return "table"
        return "text"

    for before, after in zip(lines, lines[1:]):
        a, b = kind(before), kind(after)
        if "blank" in (a, b) or a == b:
            continue
        assert False, f"no blank line between {before!r} and {after!r} (markdownlint MD022/MD032/MD058)"
    assert "\\`" not in md, "a code span was escaped instead of kept"
    assert re.search(r"`db`", md), "the finding's code span is not code in Markdown"
