"""`workbench.load(path)` in Jupyter: a real notebook executed with nbclient on an ipykernel."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent

CELLS = [
    "import workbench\ndesign = workbench.load('designs/pair_cache_before.py')\ndesign",
    "design.diagrams[0]",
    "findings = design.check()\nfindings",
    "[f.code for f in findings.active]",
    "outcome = design.what_if('db (RDS Multi-AZ)')\noutcome",
    "outcome.broken",
    "workbench.load('designs/broken.py')",
]


@pytest.fixture
def notebook_run(tmp_path):
    (tmp_path / "designs").mkdir()
    shutil.copy(REPO / "designs" / "pair_cache_before.py", tmp_path / "designs")
    (tmp_path / "designs" / "broken.py").write_text("from diagrams import Diagram\n\n1 / 0\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    return nb, tmp_path


def outputs(cell) -> dict:
    """The data of a cell's execute_result (or its error)."""
    for out in cell.outputs:
        if out.output_type == "execute_result":
            return dict(out.data)
        if out.output_type == "error":
            return {"error": f"{out.ename}: {out.evalue}"}
    return {}


def test_a_notebook_shows_diagrams_findings_and_what_if(notebook_run):
    nb, ws = notebook_run
    design, diagram, findings, codes, outcome, broken, failing = (outputs(c) for c in nb.cells)
    # the design: every diagram inline as self-contained SVG (icons embedded, no links to files)
    assert "<svg" in design["text/html"] and "data:image/png;base64," in design["text/html"]
    assert design["text/plain"].startswith("<design ")
    assert design["image/svg+xml"].lstrip().startswith("<?xml") or "<svg" in design["image/svg+xml"]
    # one diagram: an SVG output
    assert "<svg" in diagram["image/svg+xml"] and "api x20" in diagram["image/svg+xml"]
    # A notebook is one page: the ids of each SVG output are its own, and its icons refer to them.
    for svg in (design["text/html"], diagram["image/svg+xml"]):
        ids = re.findall(r'\sid="([^"]+)"', svg)
        refs = set(re.findall(r'href="#([^"]+)"', svg))
        assert refs and refs <= set(ids) and 'id="wb-icon-1"' not in svg and 'id="node1"' not in svg
    # the findings: a table
    assert findings["text/html"].startswith('<table class="workbench-findings">')
    assert "CACHE002" in findings["text/html"] and "load-bearing" in findings["text/html"]
    assert "<code>" in findings["text/html"] and "`" not in findings["text/html"]  # names marked as the report does
    assert "'CACHE002'" in codes["text/plain"]  # the active findings, as a list of codes
    # what-if: the database down breaks the path from the users
    assert "BROKEN" in outcome["text/plain"] and outcome["text/html"].startswith("<pre>")
    assert int(broken["text/plain"]) >= 1
    # a failing design: its file and line, not a traceback into the workbench
    assert "broken.py:3" in failing["error"] and "ZeroDivisionError" in failing["error"]
    # outputs went to the workspace's out/, as a render would write them
    assert (ws / "out" / "pair_cache_before" / "model.json").is_file()
