"""Reports for peer feedback: the design, its findings and sheet through jinja2 templates (HTML, Markdown, PDF)."""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

import jinja2
import markupsafe

from workbench.analysis.review import DiagramReview, counts, numbered
from workbench.analysis.rubric import score_model
from workbench.design.model import DesignModel
from workbench.output import codespans
from workbench.output.svg import scope_ids

log = logging.getLogger(__name__)

PACKAGE_TEMPLATES = Path(__file__).parent.parent / "templates"
REPORTS = ("report.html", "report.md")
# The parts the reports include (`_sheet.html`): a workspace can override them too.
PARTIALS = tuple(sorted(p.name for p in PACKAGE_TEMPLATES.glob("_*") if p.suffix in (".html", ".md")))

# The seven steps of a design answer; the report's sections follow them in this order.
STEPS = (
    ("requirements", "1. Requirements"),
    ("capacity", "2. Capacity estimation"),
    ("high_level", "3. High-level design"),
    ("database", "4. Database design"),
    ("interfaces", "5. Interfaces"),
    ("scalability", "6. Scalability and performance"),
    ("reliability", "7. Reliability"),
)
SCALING_CODES = ("CACHE", "CAP", "LB", "CYC", "QUE")
RELIABILITY_CODES = ("SPOF", "REP", "ZONE", "TOP")


def environment(workspace_templates: Path | None, cache: Path | None = None) -> jinja2.Environment:
    """Templates from the workspace's templates/ first, then the packaged defaults.

    `cache` is a folder for compiled templates: compiling report.html costs ~0.1 s a build otherwise.
    """
    paths = [str(p) for p in (workspace_templates, PACKAGE_TEMPLATES) if p is not None and Path(p).is_dir()]
    bytecode_cache = None
    if cache is not None:
        try:
            Path(cache).mkdir(parents=True, exist_ok=True)
            bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache))
        except OSError:  # a read-only workspace still gets its reports, just slower
            bytecode_cache = None
    env = jinja2.Environment(
        bytecode_cache=bytecode_cache,
        loader=jinja2.FileSystemLoader(paths),
        autoescape=jinja2.select_autoescape(["html"]),  # every user string is escaped in HTML
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["md"] = markdown_text
    env.filters["code"] = lambda value: markupsafe.Markup(codespans.to_html(value))
    env.filters["plural"] = plural
    return env


def plural(n: float, word: str) -> str:
    """The count and its word, plural unless the count is one: `1 error`, `0 warnings`, `3 items`."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def markdown_text(value: object) -> str:
    """A user string made safe for Markdown: no raw HTML, no table breaks, no accidental emphasis; its code
    spans (`x`) stay code."""
    return codespans.to_markdown(value)


def inline_svg(svg: str) -> str:
    """Graphviz SVG without the XML prolog, sized to fit the page, its ids its own (svg.scope_ids: a page with
    two diagrams would otherwise draw the first one's icons in the second)."""
    svg = scope_ids(re.sub(r"^.*?(?=<svg\b)", "", svg, flags=re.S))
    svg = re.sub(r'<svg\b([^>]*?)\swidth="[^"]*"\sheight="[^"]*"', r'<svg\1', svg, count=1)
    if re.match(r'<svg\b[^>]*\sclass="', svg):  # svg.themed marked it already: one class attribute
        return re.sub(r'(<svg\b[^>]*?\sclass=")', r'\1diagram ', svg, count=1)
    return re.sub(r"<svg\b", '<svg class="diagram"', svg, count=1)


def generated_on() -> str:
    """Today's date, or SOURCE_DATE_EPOCH's, so that reports can be made reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    try:
        when = time.gmtime(int(epoch)) if epoch else time.localtime()
    except (ValueError, OverflowError, OSError):  # not a whole number of seconds: ignored, as other tools do
        log.warning("SOURCE_DATE_EPOCH=%r is not a number of seconds; using today's date", epoch)
        when = time.localtime()
    return time.strftime("%Y-%m-%d", when)


def feedback_questions(reviews: list[DiagramReview], readiness: dict | None) -> list[str]:
    """Two or three concrete questions for a reviewer, from the findings and the missing checklist items."""
    questions: list[str] = []
    active = [f for r in reviews for f in r.active if f.severity in ("error", "warning")]
    spof = next((f for f in active if f.code.startswith(("SPOF", "REP"))), None)
    if spof:
        questions.append(f"Reliability: {', '.join(spof.labels) or spof.target} is flagged ({spof.code}). "
                         "Is my mitigation plan convincing, and which failure modes am I still missing?")
    bottleneck = next((f for f in active if f.code.startswith(("CAP", "CACHE"))), None)
    if bottleneck:
        questions.append(f"Scalability: {', '.join(bottleneck.labels) or bottleneck.target} looks like a "
                         f"bottleneck ({bottleneck.code}). Would you scale it the same way?")
    missing = {item["key"]: item for item in (readiness or {}).get("items", []) if item["status"] != "pass"}
    for key, question in (
        ("failure_modes", "Failure modes: which failures would you expect me to cover that I have not listed?"),
        ("trade_offs", "Trade-offs: is my reasoning for the main choices clear, and what did I not weigh?"),
        ("goals", "Clarity: are the requirements and constraints clear enough to judge the design against?"),
        ("scaling", "Scalability: where would this design break first as the load grows ten times?"),
    ):
        if key in missing and len(questions) < 3:
            questions.append(question)
    defaults = ["Clarity: could you follow the request path through the diagram without my explanation?",
                "Trade-offs: which decision would you challenge first, and why?",
                "Failure modes: what happens to users when the busiest component fails?"]
    for question in defaults:
        if len(questions) >= 2:
            break
        questions.append(question)
    return questions[:3]


def context(model: DesignModel, reviews: list[DiagramReview], *, svgs: dict[str, str] | None = None,
            readiness: dict | None = None, views: bool = True) -> dict:
    """Everything a report template can use (documented in docs/templates.md); `views`: the build makes the
    findings views, which `image` and `svg_file` name (else the plain drawing, as `watch` writes it)."""
    view = ".findings" if views else ""
    sheet = model.sheet or {}
    diagrams = []
    for r in reviews:
        marks = {id(f): n for n, f in numbered(r.findings).items()}
        findings = [{**f.to_dict(), "number": marks.get(id(f))} for f in r.findings]
        diagrams.append({
            "name": r.diagram.name, "slug": r.diagram.slug,
            # report.md shows the SVG: the build draws no PNG of the findings view (output.drawing)
            "image": f"{r.diagram.slug}{view}.svg", "svg_file": f"{r.diagram.slug}{view}.svg",
            "svg": inline_svg((svgs or {}).get(r.diagram.slug, "")),
            "nodes": len(r.diagram.nodes), "edges": len(r.diagram.edges),
            "active": [f for f in findings if not f["accepted"]],
            "accepted": [f for f in findings if f["accepted"]],
            "counts": counts(r.findings),
            "targets": (getattr(r, "reliability", None) or {}).get("step7", []),  # step 7 table (issue 16)
        })
    every = [f for d in diagrams for f in d["active"]]
    return {
        "design": {"path": model.path, "stem": model.stem,
                   "title": sheet.get("title") or (model.diagrams[0].name if model.diagrams else model.stem),
                   "kind": sheet.get("kind", ""), "prompt": sheet.get("prompt", "")},
        "sheet": sheet,
        "has_sheet": bool(sheet),
        "capacity": (sheet.get("capacity") or {}).get("figures", []),
        "capacity_notes": (sheet.get("capacity") or {}).get("notes", []),
        "steps": STEPS,
        "diagrams": diagrams,
        "scaling_findings": [f for f in every if f["code"].startswith(SCALING_CODES)],
        "reliability_findings": [f for f in every if f["code"].startswith(RELIABILITY_CODES)],
        "summary": counts(f for r in reviews for f in r.findings),
        "readiness": readiness,
        "feedback": feedback_questions(reviews, readiness),
        "rubric": score_model(model, [f for r in reviews for f in r.findings]),  # the seven steps, scored
        "warnings": model.warnings,
        "generated": generated_on(),
    }


def render_report(name: str, ctx: dict, workspace_templates: Path | None = None, cache: Path | None = None) -> str:
    try:
        text = environment(workspace_templates, cache).get_template(name).render(**ctx)
        return tidy_markdown(text) if name.endswith(".md") else text
    except jinja2.TemplateError as exc:
        from workbench.errors import WorkbenchError

        file, line = template_location(exc, name)
        raise WorkbenchError(f"template {file}:{line}: {exc.message if hasattr(exc, 'message') else exc}; "
                             "fix the template or delete your override to use the packaged one") from exc


def _block(line: str) -> str:
    stripped = line.strip()
    if not stripped:
        return "blank"
    if re.match(r"#{1,6} ", stripped):
        return "heading"
    if re.match(r"([-*+]|\d+[.)]) ", stripped):
        return "list"
    if stripped.startswith("|"):
        return "table"
    return "text"


def tidy_markdown(text: str) -> str:
    """Blank lines around every heading, list and table (markdownlint MD022, MD031, MD032, MD058), one blank
    line at most, one newline at the end: templates need not get jinja's whitespace exactly right."""
    out: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        kind = "text" if fenced else _block(line)
        if out and kind != "blank" and out[-1].strip():
            before = _block(out[-1])
            if kind == "heading" or before == "heading" or (kind != before and "text" not in (kind, before)) \
                    or (kind in ("list", "table")) != (before in ("list", "table")):
                out.append("")
        if kind == "blank" and out and not out[-1].strip():
            continue
        out.append(line.rstrip() if kind != "text" or not line.endswith("  ") else line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n"


def template_location(exc: jinja2.TemplateError, name: str) -> tuple[str, int]:
    """Where in a template it failed: syntax errors say so; runtime errors only in the traceback,
    whose frames jinja rewrites to the template's file and line."""
    if getattr(exc, "lineno", None):
        return getattr(exc, "filename", None) or name, exc.lineno
    import traceback

    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith(name) or Path(frame.filename).name in REPORTS:
            return frame.filename, frame.lineno or 0
    return name, 0


def pdf_from_html(html: str, base: Path) -> bytes:
    """The HTML report as PDF (WeasyPrint: pure Python over the Pango that Graphviz already needs)."""
    import logging

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # CSS it does not support is not the user's problem
    return weasyprint.HTML(string=html, base_url=str(base)).write_pdf()
