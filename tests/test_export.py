"""`workbench export DESIGN --format html|md|pdf|png|svg [-o PATH] [--diagram NAME]` through the real CLI."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from clirun import run

SHOP = """
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS
    from diagrams.aws.network import ELB
    from diagrams.onprem.client import Users

    with Diagram("Storefront", show=False):
        Users("shoppers") >> ELB("front door") >> [EC2("web-1"), EC2("web-2")] >> RDS("orders db", multi_az="true")

    with Diagram("Back Office", show=False):
        EC2("batch") >> RDS("ledger")
"""

DEFAULT_NAMES = {"html": "shop-report.html", "md": "shop-report.md", "pdf": "shop-report.pdf",
                 "png": "shop-storefront.png", "svg": "shop-storefront.svg"}
FINDINGS_VIEWS = {"storefront.findings.svg", "back-office.findings.svg"}


@pytest.fixture
def ws(ws, write_design):
    """A workspace (the current directory) with designs/shop.py: two diagrams."""
    write_design(ws, "shop", SHOP)
    return ws


def files_under(folder: Path) -> set[Path]:
    """Files under `folder`, leaving out the workspace's own designs/, out/ and practice history (.workbench/)."""
    if not folder.is_dir():
        return set()
    return {p for p in folder.rglob("*") if p.is_file() and not {"designs", "out", ".workbench"} & set(p.relative_to(folder).parts)}


def check_content(fmt: str, path: Path, ws: Path) -> None:
    data = path.read_bytes()
    out = ws / "out" / "shop"
    if fmt == "html":
        assert data.startswith(b"<!DOCTYPE html>") and data == (out / "report.html").read_bytes()
    elif fmt == "md":
        text = data.decode("utf-8")
        assert text.startswith("# ") and text == (out / "report.md").read_text(encoding="utf-8")
        for image in re.findall(r"!\[[^\]]*\]\(([^)]*)\)", text):
            assert (path.parent / image).is_file(), f"{image} is not beside {path}"
            assert (path.parent / image).read_bytes() == (out / image).read_bytes()
    elif fmt == "pdf":
        assert data.startswith(b"%PDF")
        assert_pdf_shows_the_diagram(path)
    elif fmt == "png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and data == (out / "storefront.png").read_bytes()
    else:
        text = data.decode("utf-8")
        assert "<svg" in text and "front door" in text and data == (out / "storefront.svg").read_bytes()


def assert_pdf_shows_the_diagram(path: Path) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:  # no poppler: at least more than a page of text
        assert path.stat().st_size > 10_000
        return
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, timeout=120,
                          check=True).stdout
    assert "1. Requirements" in text and "Feedback requested" in text
    # Labels that only the drawn Storefront diagram carries (it has no findings that would name them).
    assert "front door" in text and "orders db" in text and "shoppers" in text, text[:3000]


@pytest.mark.parametrize("fmt", ["html", "md", "pdf", "png", "svg"])
def test_export_to_the_default_path_in_the_current_folder(ws, fmt):
    before = files_under(ws)
    result = run("export", "designs/shop.py", "--format", fmt)
    assert result.exit_code == 0, result.output
    target = ws / DEFAULT_NAMES[fmt]
    extras = {ws / name for name in FINDINGS_VIEWS} if fmt == "md" else set()
    assert files_under(ws) - before == {target} | extras
    assert f"wrote {target}" in result.output
    check_content(fmt, target, ws)


@pytest.mark.parametrize("fmt", ["html", "md", "pdf", "png", "svg"])
def test_export_to_a_named_file(ws, fmt):
    result = run("export", "designs/shop.py", "--format", fmt, "-o", f"handout/for-review.{fmt}")
    assert result.exit_code == 0, result.output
    target = ws / "handout" / f"for-review.{fmt}"
    extras = {ws / "handout" / name for name in FINDINGS_VIEWS} if fmt == "md" else set()
    assert files_under(ws / "handout") == {target} | extras
    assert not {p for p in ws.iterdir() if p.is_file()}, "something was written to the current folder too"
    check_content(fmt, target, ws)


@pytest.mark.parametrize("fmt", ["html", "md", "pdf", "png", "svg"])
@pytest.mark.parametrize("existing", [False, True], ids=["new-dir", "existing-dir"])
def test_export_into_a_folder(ws, fmt, existing):
    folder = ws / "share"
    if existing:
        folder.mkdir()
    result = run("export", "designs/shop.py", "--format", fmt, "-o", "share/" if not existing else "share")
    assert result.exit_code == 0, result.output
    target = folder / DEFAULT_NAMES[fmt]
    extras = {folder / name for name in FINDINGS_VIEWS} if fmt == "md" else set()
    assert files_under(folder) == {target} | extras
    check_content(fmt, target, ws)


def test_export_again_replaces_the_file(ws):
    target = ws / "review.html"
    target.write_text("stale", encoding="utf-8")
    result = run("export", "designs/shop.py", "-o", "review.html")
    assert result.exit_code == 0, result.output
    check_content("html", target, ws)


@pytest.mark.parametrize("fmt", ["png", "svg"])
@pytest.mark.parametrize("wanted", ["Back Office", "back-office"])
def test_diagram_picks_one_of_two_by_name_or_slug(ws, fmt, wanted):
    result = run("export", "designs/shop.py", "--format", fmt, "--diagram", wanted)
    assert result.exit_code == 0, result.output
    target = ws / f"shop-back-office.{fmt}"
    assert files_under(ws) == {target}
    assert target.read_bytes() == (ws / "out" / "shop" / f"back-office.{fmt}").read_bytes()
    assert target.read_bytes() != (ws / "out" / "shop" / f"storefront.{fmt}").read_bytes()


def test_findings_view_export_is_the_outlined_diagram(ws):
    result = run("export", "designs/shop.py", "--format", "svg", "--diagram", "Back Office", "--findings-view",
                 "-o", "bo.svg")
    assert result.exit_code == 0, result.output
    svg = (ws / "bo.svg").read_text(encoding="utf-8")
    assert svg == (ws / "out" / "shop" / "back-office.findings.svg").read_text(encoding="utf-8")
    assert "#d62728" in svg  # batch and ledger carry error findings


def red_pixels(png: bytes) -> int:
    from test_report import near, png_rgb

    _, _, rows = png_rgb(png)
    return sum(near(tuple(row[i:i + 3]), (0xD6, 0x27, 0x28)) for row in rows for i in range(0, len(row), 3))


def test_findings_view_png_is_drawn_on_export_with_the_outlines(ws):
    """The build writes the findings view as SVG only; the PNG is drawn when asked for, from the same overlay."""
    result = run("export", "designs/shop.py", "--format", "png", "--diagram", "Back Office", "--findings-view",
                 "-o", "bo.png")
    assert result.exit_code == 0, result.output
    out = ws / "out" / "shop"
    assert not (out / "back-office.findings.png").exists()
    view, plain = (ws / "bo.png").read_bytes(), (out / "back-office.png").read_bytes()
    assert view[:8] == b"\x89PNG\r\n\x1a\n" and view != plain
    assert red_pixels(view) > 50 and red_pixels(plain) == 0  # batch and ledger outlined in the error red
    assert files_under(ws) == {ws / "bo.png"}  # nothing else left behind


def test_unknown_diagram_is_an_error_naming_the_choices(ws):
    result = run("export", "designs/shop.py", "--format", "png", "--diagram", "Warehouse")
    assert result.exit_code in (1, 2), result.output
    assert "Warehouse" in result.output
    assert "storefront" in result.output and "back-office" in result.output, result.output
    assert "Traceback" not in result.output
    assert files_under(ws) == set()


def test_exporting_a_broken_design_fails_with_file_and_line(ws, write_design):
    write_design(ws, "bad", """
        from diagrams import Diagram
        from diagrams.aws.compute import EC2
        with Diagram("Bad", show=False):
            EC2("a") >> missing_node
    """)
    for fmt in ("html", "pdf", "png"):
        result = run("export", "designs/bad.py", "--format", fmt)
        assert result.exit_code != 0, result.output
        assert "designs/bad.py:4" in result.output and "NameError" in result.output, result.output
        assert "Traceback" not in result.output
    assert files_under(ws) == set()


def test_unknown_format_is_a_usage_error(ws):
    result = run("export", "designs/shop.py", "--format", "docx")
    assert result.exit_code == 2
    assert "docx" in result.output
    assert files_under(ws) == set()


def test_an_unwritable_output_path_is_one_clear_error(tmp_path):
    from workbench.errors import WorkbenchError
    from workbench.output.fileio import write_text_atomic

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(WorkbenchError, match="cannot write .*a file is in the way"):
        write_text_atomic(blocker / "report.html", "<html></html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # nothing half-written left behind


def test_findings_view_gets_its_own_default_name_and_needs_a_picture_format(ws):
    """`--findings-view` writes beside the plain picture, never over it; with a report format it is a usage error
    that names the formats it works with."""
    assert run("export", "designs/shop.py", "--format", "png", "--diagram", "Back Office").exit_code == 0
    result = run("export", "designs/shop.py", "--format", "png", "--diagram", "Back Office", "--findings-view")
    assert result.exit_code == 0, result.output
    plain, view = ws / "shop-back-office.png", ws / "shop-back-office.findings.png"
    assert plain.read_bytes() == (ws / "out" / "shop" / "back-office.png").read_bytes()
    assert view.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and view.read_bytes() != plain.read_bytes()
    for fmt in ("html", "md"):
        refused = run("export", "designs/shop.py", "--format", fmt, "--findings-view")
        assert refused.exit_code != 0 and "png or svg" in refused.output and "Traceback" not in refused.output
    assert files_under(ws) == {plain, view}
