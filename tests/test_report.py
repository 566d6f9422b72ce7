"""The design report (out/<stem>/report.html and report.md): self-contained, escaped, overridable, visible.

Every test builds real designs: the design runs in its own process, Graphviz lays it out, jinja2 renders the
packaged (or the workspace's) templates. The browser tests load the HTML report in headless Chromium.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import struct
import subprocess
import textwrap
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from clirun import run

from workbench.build import build_design
from workbench.config import Config

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
RED, AMBER = (0xD6, 0x27, 0x28), (0xF0, 0xA3, 0x0A)  # render.FINDING_COLOURS

# The classic back-of-envelope drill: 100M DAU, 10 reads and 1 write a day, 1 KB, kept 5 years.
FEED = """
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.onprem.client import Users
    from workbench.sheet import Api, Capacity, Entity, FailureMode, Sheet

    Sheet(
        title="News feed",
        prompt="Design the home timeline of a social network.",
        functional=["post an update", "read the home feed, newest first"],
        non_functional=["feed p99 < 200 ms"],
        capacity=Capacity(dau="100M", reads_per_user=10, writes_per_user=1, payload="1KB", retention="5 years"),
        apis=[Api("GET", "/feed", response="[post]")],
        data_model=[Entity("post", fields={"id": "snowflake id"}, keys=["id"], store="Cassandra")],
        failure_modes=[FailureMode("feed db lost", "restore from backup")],
    )

    with Diagram("News feed", show=False):
        Users("users") >> [EC2("web-1"), EC2("web-2")] >> RDS("feed db")
"""

SIMPLE = """
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS

    with Diagram("Simple", show=False):
        EC2("app") >> RDS("db")
"""

STEP_IDS = ["requirements", "capacity", "high_level", "database", "interfaces", "scalability", "reliability"]


@contextlib.contextmanager
def chromium():
    """Headless Chromium through Playwright (skipped where Playwright is not installed)."""
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[test])")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS[1:], headless=True)
        try:
            yield browser
        finally:
            browser.close()


def make_cfg(root: Path) -> Config:
    return Config(root=root, designs=root / "designs", out=root / "out", templates=root / "templates",
                  formats=("png", "svg"), timeout=60.0, jobs=1)


def write(root: Path, name: str, source: str) -> Path:
    path = root / "designs" / f"{name}.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return path


def build(root: Path, name: str, source: str | None = None) -> Path:
    """Build designs/<name>.py (writing `source` first when given); return out/<name>/."""
    design = write(root, name, source) if source is not None else root / "designs" / f"{name}.py"
    result = build_design(design, make_cfg(root))
    assert result.ok, result.error and result.error.format_message()
    return root / "out" / name


class Page(HTMLParser):
    """Every start tag with its attributes, in document order, plus the text of each tag's subtree by id."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.tags if t == tag]


def without_feedback_form(html: str) -> str:
    """The report without its peer-feedback form, whose two scripts (a JSON island and the code that saves
    the answers as a file) are the only ones a report may carry; checked here to stay exactly those."""
    form = re.search(r'<section id="peer-feedback">.*?</section>', html, re.S)
    assert form, "the report has a feedback form"
    scripts = re.findall(r"<script\b[^>]*>", form.group(0))
    assert scripts == ['<script type="application/json" id="wb-feedback-meta">', "<script>"], scripts
    return html[:form.start()] + html[form.end():]


def section_html(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', html, re.S)
    assert match, f"no <section id={section_id!r}>"
    return match.group(1)


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    """One build of FEED shared by the read-only tests: (out folder, report.html text, findings.json)."""
    root = tmp_path_factory.mktemp("feed")
    folder = build(root, "feed", FEED)
    html = (folder / "report.html").read_text(encoding="utf-8")
    findings = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    return folder, html, findings


# -- self-contained ----------------------------------------------------------------------------------------------


def test_html_report_has_no_external_reference(feed):
    folder, html, _ = feed
    page = Page(html)
    refs = []
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name in ("src", "href", "xlink:href", "srcset", "action", "formaction", "poster", "data",
                        "background", "manifest", "ping"):
                refs.append((tag, name, (value or "").strip()))
    assert refs, "the inline SVG uses its icons by reference; the parser saw none (did the SVG go missing?)"
    for tag, name, value in refs:
        assert value.startswith(("data:", "#")), f"<{tag} {name}={value!r}> is not inside the file"
    assert not Page(without_feedback_form(html)).named("script"), "a report needs no script but its form's"
    assert not [a for a in page.named("link") if "stylesheet" in (a.get("rel") or "").lower()]
    assert not page.named("link") and not page.named("iframe") and not page.named("base")
    css = "\n".join(page.styles) + "\n".join(a.get("style") or "" for _, a in page.tags)
    assert "@import" not in css
    for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
        assert url.startswith(("data:", "#")), url
    assert str(folder.parent.parent) not in html, "an absolute path of the workspace leaked into the report"


def test_html_report_inlines_the_findings_view(feed):
    folder, html, findings = feed
    slug = findings["diagrams"][0]["slug"]
    view = (folder / f"{slug}.findings.svg").read_text(encoding="utf-8")
    high_level = re.sub(r"wb[0-9a-f]{8}-", "", section_html(html, "high_level"))  # ids scoped in the page
    svgs = re.findall(r"<svg\b[^>]*>", high_level)
    assert len(svgs) == 1 and re.search(r'class="[^"]*\bdiagram\b', svgs[0]), svgs
    body = view[view.index('<g id="graph0"'):].strip()
    assert body in high_level, "the report's diagram is not the findings view"
    assert "#d62728" in high_level and "#f0a30a" in high_level  # both kinds of outline are drawn
    assert "<img" not in html


def test_sections_follow_the_seven_steps_then_findings_readiness_feedback(feed):
    _, html, _ = feed
    ids = [a["id"] for t, a in Page(html).tags if t == "section"]
    assert ids == [*STEP_IDS, "findings", "readiness", "feedback", "rubric", "peer-feedback"]
    from workbench.output.report import STEPS

    for step_id, title in STEPS:
        assert re.search(rf"<h2>\s*{re.escape(title)}\s*</h2>", section_html(html, step_id)), title


def test_feedback_asks_two_or_three_questions(feed):
    _, html, findings = feed
    questions = re.findall(r"<li>(.*?)</li>", section_html(html, "feedback"), re.S)
    assert 2 <= len(questions) <= 3, questions
    assert all(q.strip().endswith("?") for q in questions), questions
    # The design has an error finding: the first question is about it.
    assert "REP001" in questions[0] or "SPOF001" in questions[0], questions[0]


def test_feedback_for_a_design_without_sheet_or_findings(tmp_path):
    folder = build(tmp_path, "clean", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        from diagrams.aws.database import RDS
        from diagrams.aws.network import ELB
        from diagrams.onprem.client import Users

        with Diagram("Clean", show=False):
            Users("users") >> ELB("lb") >> [EC2("web-1"), EC2("web-2")] >> RDS("db", multi_az="true")
    """)
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert 2 <= len(re.findall(r"<li>", section_html(html, "feedback"))) <= 3
    md = (folder / "report.md").read_text(encoding="utf-8")
    feedback = md[md.index("## Feedback requested"):]
    assert 2 <= len(re.findall(r"^\d\. ", feedback, re.M)) <= 3, feedback


def test_capacity_sheet_shows_the_formulas_with_the_numbers(feed):
    folder, html, _ = feed
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td class=\"formula\">(.*?)</td></tr>",
                      section_html(html, "capacity"), re.S)
    assert rows, "no capacity table"
    by_label = {label: (value, formula) for label, value, formula in rows}
    value, formula = by_label["Average read QPS"]
    assert value == "11,574 reads/s", rows
    assert formula.startswith("100M DAU × 10 reads/user/day ÷ 86,400 s") and formula.endswith("= 11,574 reads/s")
    value, formula = by_label["Storage over the retention"]
    assert value == "182.5 TB", rows
    assert "100 GB/day" in formula and "1,825 days (5 years)" in formula and formula.endswith("= 182.5 TB")
    md = (folder / "report.md").read_text(encoding="utf-8")
    assert re.search(r"^\| Average read QPS \| 11,574 reads/s \| `100M DAU .*86,400 s = 11,574 reads/s` \|$", md, re.M)
    assert re.search(r"^\|[^|]*\| 182\.5 TB \| `[^`]*1,825 days[^`]*= 182\.5 TB` \|$", md, re.M)


# -- escaping ----------------------------------------------------------------------------------------------------

XSS = "<script>alert(1)</script>"
XSS_DESIGN = f"""
    from diagrams import Cluster, Diagram, Edge
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.onprem.client import Users
    from workbench.sheet import Capacity, FailureMode, Sheet

    X = {XSS!r}
    Sheet(title=X, prompt=X, functional=[X], non_functional=[X], trade_offs=[X],
          capacity=Capacity(dau="1M", reads_per_user=10, writes_per_user=1, payload="1KB", retention="1 year"),
          components={{X: X}}, failure_modes=[FailureMode(X, X, X)], open_questions=[X])

    with Diagram(X, show=False):
        with Cluster(X):
            web = EC2(X)
        Users("users") >> web >> Edge(label=X) >> RDS("db")
"""


def test_script_in_every_user_string_is_escaped(tmp_path):
    folder = build(tmp_path, "xss", XSS_DESIGN)
    html = (folder / "report.html").read_text(encoding="utf-8")
    page = Page(html)
    assert not Page(without_feedback_form(html)).named("script")
    assert "<script" not in without_feedback_form(html).lower()
    shown = "&lt;script&gt;alert(1)&lt;/script&gt;"
    # title, h1, prompt, requirements x2, trade-off, component x2, failure mode x3, open question, the
    # diagram's heading and its node, cluster and edge labels, at least.
    assert html.count(shown) >= 16, html.count(shown)
    assert f"<title>{shown} · design review</title>" in html and f"<h1>{shown}</h1>" in html
    high_level = section_html(html, "high_level")
    assert re.search(rf"<h3>{re.escape(shown)} <span", high_level), "the diagram name"
    svg = re.search(r"<svg\b.*?</svg>", high_level, re.S).group(0)
    texts = re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)
    assert texts.count(shown) >= 3, texts  # node, cluster and edge labels
    assert section_html(html, "requirements").count(shown) == 2
    assert f"<td>{shown} <span class=\"muted\">({shown})</span></td><td>{shown}</td>" in section_html(
        html, "reliability")
    md = (folder / "report.md").read_text(encoding="utf-8")
    assert "<script" not in md.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md


def test_node_link_attributes_do_not_put_links_in_the_report(tmp_path):
    """`diagrams` passes any Graphviz attribute through; URL/href become <a xlink:href> in the inline SVG.

    A report opened from a colleague must not carry a javascript: link (XSS on click) nor a link out.
    """
    folder = build(tmp_path, "links", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("Links", show=False):
            EC2("web", URL="javascript:alert(1)") >> EC2("api", href="https://example.com/")
    """)
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "javascript:" not in html.lower()
    for tag, attrs in Page(html).tags:
        for name in ("href", "xlink:href"):
            value = (attrs.get(name) or "").strip()
            assert not value or value.startswith(("data:", "#")), f"<{tag} {name}={value!r}>"


def test_angle_brackets_in_a_tooltip_render(tmp_path):
    """Labels with `<...>` are marked as text (render.text_label); other text attributes such as tooltip must be
    too, or Graphviz rejects the design."""
    write(tmp_path, "tip", f"""
        from diagrams import Diagram
        from diagrams.aws.compute import EC2

        with Diagram("Tip", show=False):
            EC2("web", tooltip={XSS!r})
    """)
    result = build_design(tmp_path / "designs" / "tip.py", make_cfg(tmp_path))
    assert result.ok, result.error.format_message()
    html = (tmp_path / "out" / "tip" / "report.html").read_text(encoding="utf-8")
    assert "<script" not in without_feedback_form(html).lower()


# -- template overrides ------------------------------------------------------------------------------------------


@pytest.fixture
def ws(ws):
    """A workspace (the current directory) with one design."""
    write(ws, "simple", SIMPLE)
    return ws


@pytest.mark.parametrize("name", ["report.html", "report.md"])
def test_workspace_template_overrides_the_packaged_one(ws, name):
    (ws / "templates").mkdir()
    (ws / "templates" / name).write_text("OVERRIDE {{ design.title }}: {{ summary.error | plural('error') }}\n",
                                         encoding="utf-8")
    result = run("render")
    assert result.exit_code == 0, result.output
    # The override sees the same summary as the packaged report (findings resting on a guess are warnings).
    text = (ws / "out" / "simple" / name).read_text(encoding="utf-8")
    assert re.fullmatch(r"OVERRIDE Simple: \d+ errors?\n", text), text
    other = "report.md" if name == "report.html" else "report.html"
    assert "OVERRIDE" not in (ws / "out" / "simple" / other).read_text(encoding="utf-8")


def test_templates_folder_from_workbench_toml(ws):
    (ws / "workbench.toml").write_text('[workbench]\ntemplates = "my-templates"\n', encoding="utf-8")
    (ws / "my-templates").mkdir()
    (ws / "my-templates" / "report.html").write_text("MINE\n", encoding="utf-8")
    (ws / "templates").mkdir()
    (ws / "templates" / "report.html").write_text("NOT CONFIGURED\n", encoding="utf-8")
    result = run("render")
    assert result.exit_code == 0, result.output
    assert (ws / "out" / "simple" / "report.html").read_text(encoding="utf-8") == "MINE\n"


@pytest.mark.parametrize("name", ["report.html", "report.md"])
def test_broken_override_fails_naming_template_and_line_and_keeps_last_good_outputs(ws, name):
    assert run("render").exit_code == 0
    folder = ws / "out" / "simple"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    (ws / "templates").mkdir()
    (ws / "templates" / name).write_text("line one\nline two\n{% if %}broken{% endif %}\n", encoding="utf-8")
    result = run("render")
    assert result.exit_code == 1, result.output
    assert re.search(rf"templates/{re.escape(name)}:3\b", result.output), result.output
    assert "designs/simple.py" in result.output and "Traceback" not in result.output
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before, "the last good outputs were touched"
    assert not [p for p in (ws / "out").iterdir() if p.name.startswith(".tmp-")], "a temporary folder was left"
    # Fixing the override heals the build.
    (ws / "templates" / name).write_text("fixed\n", encoding="utf-8")
    assert run("render").exit_code == 0
    assert (folder / name).read_text(encoding="utf-8") == "fixed\n"


def test_runtime_error_in_override_names_template_and_line(ws):
    (ws / "templates").mkdir()
    (ws / "templates" / "report.md").write_text("line one\n{{ design.title }}\n{{ no_such_variable }}\n",
                                               encoding="utf-8")
    result = run("render")
    assert result.exit_code == 1, result.output
    assert "no_such_variable" in result.output
    assert re.search(r"templates/report\.md:3\b", result.output), result.output


def test_adding_changing_and_removing_an_override_rebuilds_an_unchanged_design(tmp_path, write_design, cfg):
    design = write_design(tmp_path, "simple", SIMPLE)
    report = cfg.out / "simple" / "report.html"
    assert build_design(design, cfg).status == "rendered"
    packaged = report.read_text(encoding="utf-8")
    assert build_design(design, cfg).status == "cached"
    cfg.templates.mkdir()
    override = cfg.templates / "report.html"
    override.write_text("first {{ design.title }}\n", encoding="utf-8")
    assert build_design(design, cfg).status == "rendered"
    assert report.read_text(encoding="utf-8") == "first Simple\n"
    assert build_design(design, cfg).status == "cached"
    override.write_text("second {{ design.title }}\n", encoding="utf-8")
    assert build_design(design, cfg).status == "rendered"
    assert report.read_text(encoding="utf-8") == "second Simple\n"
    override.unlink()
    assert build_design(design, cfg).status == "rendered"
    assert report.read_text(encoding="utf-8") == packaged


# -- Markdown ----------------------------------------------------------------------------------------------------


def test_markdown_links_its_images_relatively(feed):
    folder, _, findings = feed
    md = (folder / "report.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]*)\)", md)
    assert images == [f"{d['slug']}.findings.svg" for d in findings["diagrams"]]
    for image in images:
        assert not re.match(r"^([a-z]+:|/|\\)", image), image
        assert (folder / image).is_file() and (folder / image).read_text(encoding="utf-8").rstrip().endswith("</svg>")
    assert str(folder.parent.parent) not in md
    assert not re.search(r"\]\((/|file:|[A-Za-z]:\\)", md)


# -- in a browser ------------------------------------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                    reason=f"headless Chromium is not installed at {CHROMIUM} "
                                           "(apt-get install chromium)")


def png_rgb(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes): width, height, rows of RGB bytes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    assert header, "no IHDR"
    width, height, depth, ctype, _, _, interlace = header
    assert depth == 8 and interlace == 0 and ctype in (2, 6), header
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    assert len(raw) == height * (stride + 1)
    prev, rows = bytearray(stride), []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif kind == 3:
            for i in range(stride):
                line[i] = (line[i] + (((line[i - bpp] if i >= bpp else 0) + prev[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        else:
            assert kind == 0, f"bad filter {kind}"
        rows.append(bytes(line) if bpp == 3 else bytes(b for i, b in enumerate(line) if i % 4 != 3))
        prev = line
    return width, height, rows


def near(pixel: tuple[int, int, int], colour: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour))


def screenshot(page: Path, tmp_path: Path) -> tuple[int, int, list[bytes]]:
    """`chromium --headless --screenshot` of a local file, decoded."""
    shot = tmp_path / "shot.png"
    proc = subprocess.run(
        [CHROMIUM, *CHROMIUM_ARGS, f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
         "--window-size=1200,2000", page.as_uri()],
        capture_output=True, text=True, timeout=180)  # a hang guard, not a speed check
    assert shot.is_file() and shot.stat().st_size > 0, proc.stderr[-2000:]
    return png_rgb(shot.read_bytes())


def sample(rows: list[bytes]) -> dict[str, int]:
    """Every other pixel of every other row: distinct colours, non-white, error-red and warning-amber pixels."""
    colours, ink, red, amber = set(), 0, 0, 0
    for row in rows[::2]:
        for x in range(0, len(row), 6):
            pixel = (row[x], row[x + 1], row[x + 2])
            colours.add(pixel)
            ink += pixel != (255, 255, 255)
            red += near(pixel, RED)
            amber += near(pixel, AMBER)
    return {"colours": len(colours), "ink": ink, "red": red, "amber": amber}


@needs_chromium
@pytest.mark.browser
def test_screenshot_check_fails_on_a_blank_page(tmp_path):
    """The check below must be able to fail: a page with nothing on it is one colour."""
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><html><body></body></html>", encoding="utf-8")
    width, height, rows = screenshot(blank, tmp_path)
    assert (width, height) == (1200, 2000)
    seen = sample(rows)
    assert seen["colours"] <= 2 and seen["red"] == seen["amber"] == 0, seen


@needs_chromium
@pytest.mark.browser
def test_headless_chromium_renders_the_report_with_its_diagram(feed, tmp_path):
    folder, _, _ = feed
    width, height, rows = screenshot(folder / "report.html", tmp_path)
    assert (width, height) == (1200, 2000)
    seen = sample(rows)
    sampled = (height // 2) * (width // 2)
    assert seen["colours"] > 100, f"only {seen['colours']} colours: a blank page?"
    assert seen["ink"] > sampled * 0.02, f"{seen['ink']} of {sampled} sampled pixels are not white"
    # The findings view is on screen: outlines in the error red and the warning amber.
    assert seen["red"] > 50 and seen["amber"] > 50, seen


@needs_chromium
@pytest.mark.browser
def test_inline_diagram_is_visible_in_the_browser(feed):
    folder, _, findings = feed
    model = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    node_ids = sorted(n["id"] for n in model["diagrams"][0]["nodes"])
    url = (folder / "report.html").as_uri()
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1200, "height": 2000})
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(url)
        diagram = page.locator("svg.diagram")
        assert diagram.count() == len(findings["diagrams"]) == 1
        assert diagram.is_visible()
        box = diagram.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, box
        nodes = diagram.locator("g.node")
        assert nodes.count() == len(node_ids)
        assert sorted(nodes.locator("title").all_text_contents()) == node_ids
        for i in range(nodes.count()):
            node_box = nodes.nth(i).bounding_box()
            assert node_box and node_box["width"] > 0 and node_box["height"] > 0
        icons = diagram.locator("use")
        assert icons.count() >= len(node_ids)
    assert all(r == url or r.startswith("data:") for r in requests), requests


# -- docs/templates.md -------------------------------------------------------------------------------------------

DOCS = Path(__file__).resolve().parent.parent / "docs" / "templates.md"


def test_docs_name_every_variable_of_the_report_context(feed):
    from workbench.analysis.readiness import checklist
    from workbench.analysis.review import review
    from workbench.design.model import DesignModel
    from workbench.output import report

    folder, _, _ = feed
    model = DesignModel.from_dict(json.loads((folder / "model.json").read_text(encoding="utf-8")))
    reviews = review(model, folder.parent.parent / "designs" / "feed.py")
    readiness = checklist(model, [f for r in reviews for f in r.findings]).to_dict()
    ctx = report.context(model, reviews, svgs={}, readiness=readiness)
    docs = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z][a-z0-9_]*)`", docs))
    finding = ctx["diagrams"][0]["active"][0]
    for where, keys in (("context", ctx), ("diagrams[]", ctx["diagrams"][0]), ("design", ctx["design"]),
                        ("finding", finding), ("summary", ctx["summary"]), ("readiness", readiness),
                        ("readiness item", readiness["items"][0]), ("capacity figure", ctx["capacity"][0]),
                        ("sheet", ctx["sheet"])):
        missing = set(keys) - documented
        assert not missing, f"docs/templates.md does not describe {where} keys {sorted(missing)}"
    for name in ("md", "plural"):
        assert name in report.environment(None).filters and f"| `{name}` |" in docs
    for name in report.REPORTS:
        assert f"`{name}`" in docs


def test_docs_override_example_renders(tmp_path):
    docs = DOCS.read_text(encoding="utf-8")
    example = re.search(r"## Example.*?```jinja\n(.*?)```", docs, re.S).group(1)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "report.md").write_text(example, encoding="utf-8")
    folder = build(tmp_path, "feed", FEED)
    md = (folder / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# News feed\n")
    assert "![News feed](news-feed.findings.svg)" in md and (folder / "news-feed.findings.svg").is_file()
    assert re.search(r"^- #1 \*\*[A-Z]+\d{3}\*\* ", md, re.M), md
    assert "- Average read QPS: `100M DAU × 10 reads/user/day ÷ 86,400 s = 11,574 reads/s`" in md
    assert re.search(r"^1\. .+\?$", md, re.M), md
    assert (folder / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")  # still packaged


def test_generated_on_honours_source_date_epoch_and_survives_a_bad_one(monkeypatch):
    import time

    from workbench.output.report import generated_on

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert generated_on() == "1970-01-01"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")  # not seconds: today's date, no traceback
    assert generated_on() == time.strftime("%Y-%m-%d", time.localtime())


@needs_chromium
@pytest.mark.browser
def test_the_diagrams_caption_says_what_it_shows(feed, tmp_path):
    """The findings view: "outlined components carry the numbered findings"; the plain drawing that `watch` writes
    (no findings view) says so and how to get the outlines, instead of promising outlines it does not have."""
    folder, _, _ = feed
    plain = tmp_path / "watch"
    design = write(plain, "feed", FEED)
    assert build_design(design, make_cfg(plain), views=False).ok
    with chromium() as browser:
        page = browser.new_page()
        page.goto((folder / "report.html").as_uri())
        assert page.is_visible("figure .legend.outlined") and page.is_hidden("figure .legend.plain")
        page.goto((plain / "out" / "feed" / "report.html").as_uri())
        assert page.is_hidden("figure .legend.outlined") and page.is_visible("figure .legend.plain")
        assert "workbench render" in page.inner_text("figure .legend.plain")


@needs_chromium
@pytest.mark.browser
def test_printed_report_is_light_even_when_the_screen_is_dark(feed):
    """Dark mode is for the screen: on paper the finding cards, the text and the drawing are light."""
    folder, _, _ = feed
    colours = """() => ({
      card: getComputedStyle(document.querySelector('.finding.error')).backgroundColor,
      ink: getComputedStyle(document.body).color,
      drawing: getComputedStyle(document.querySelector('svg.diagram .graph > polygon')).fill,
    })"""
    with chromium() as browser:
        page = browser.new_page(color_scheme="dark")
        page.goto((folder / "report.html").as_uri())
        screen = page.evaluate(colours)
        assert screen["card"] == "rgb(59, 29, 31)" and screen["drawing"] == "rgb(27, 31, 36)", screen  # dark
        page.emulate_media(media="print")
        paper = page.evaluate(colours)
        assert paper == {"card": "rgb(255, 245, 245)", "ink": "rgb(0, 0, 0)", "drawing": "rgb(255, 255, 255)"}, paper


@needs_chromium
@pytest.mark.browser
def test_no_literal_backtick_anywhere_on_the_report(feed):
    """Code spans are <code> everywhere a person reads: findings, the rubric's evidence, the feedback form."""
    folder, html, _ = feed
    assert "`" in html  # the messages do carry code spans (in the feedback form's JSON and attributes)
    with chromium() as browser:
        page = browser.new_page()
        page.goto((folder / "report.html").as_uri())
        text = page.inner_text("body")
        assert "`" not in text, [line for line in text.splitlines() if "`" in line][:5]
        assert page.locator("#rubric li code").count() > 0


TWO_DIAGRAMS = """\
from diagrams import Diagram
from diagrams.aws.compute import EC2
from diagrams.aws.database import RDS
from diagrams.onprem.inmemory import Redis
with Diagram("First"):
    EC2("web") >> RDS("db")
with Diagram("Second"):
    Redis("cache") >> EC2("worker")
"""


def svg_ids(html: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', html)


def test_two_diagrams_in_one_report_keep_their_own_icons(tmp_path, cfg, write_design):
    """Each Graphviz SVG says node1 and wb-icon-1: inlined twice, the second diagram drew the first's icons."""
    design = write_design(tmp_path, "two", TWO_DIAGRAMS)
    assert build_design(design, cfg).ok
    html = (cfg.out / "two" / "report.html").read_text()
    ids = svg_ids(html)
    assert ids and len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1][:5]
    for ref in re.findall(r'href="#([^"]+)"', html):  # every reference to an icon points into the page
        if ref.startswith("wb"):
            assert ref in ids, ref
