"""The MkDocs plugin `workbench`: a tiny site built by the real `mkdocs build`, and `mkdocs serve` rebuilding
when a design changes."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

PAGE = """
# Architecture

Our product pages:

```workbench designs/pair_cache_before.py
findings: true
```

And the fix, one diagram by name:

~~~workbench
path: designs/pair_cache_after.py
diagram: Product pages (after: replicated cache)
~~~

    ```workbench designs/not-a-block.py
    ```

The end.
"""


def site(root: Path, page: str = PAGE) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "designs").mkdir()
    for name in ("pair_cache_before.py", "pair_cache_after.py"):
        shutil.copy(REPO / "designs" / name, root / "designs")
    (root / "mkdocs.yml").write_text("site_name: Tiny\nplugins:\n  - workbench\n", encoding="utf-8")
    (root / "docs" / "index.md").write_text(textwrap.dedent(page).lstrip(), encoding="utf-8")
    return root


def mkdocs(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", *args], cwd=cwd, capture_output=True, text=True)


def test_build_replaces_blocks_with_self_contained_svg_and_findings(tmp_path):
    root = site(tmp_path / "site")
    done = mkdocs("build", "--strict", cwd=root)
    assert done.returncode == 0, done.stderr
    html = (root / "site" / "index.html").read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="workbench-diagram".*?</figure>', html, re.S)
    assert len(figures) == 2
    before, after = figures
    assert "<svg" in before and "miss + writes" in before and "data:image/png;base64," in before
    assert "Product pages (after: replicated cache)" in after
    assert "xlink:href=\"resources" not in html and "<?xml" not in html  # nothing links out, no prolog mid-page
    # Two diagrams on one page: each keeps its own ids, so neither draws the other's icons (wb-icon-1, ...).
    for figure in figures:
        refs = set(re.findall(r'href="#([^"]+)"', figure))
        assert refs and refs <= set(re.findall(r'\sid="([^"]+)"', figure)), refs
    ids = re.findall(r'\sid="([^"]+)"', "".join(figures))
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    # findings: true -> the list, numbered like the findings view; only for the first block
    lists = re.findall(r'<ul class="workbench-findings">(.*?)</ul>', html, re.S)
    assert len(lists) == 1 and "CACHE002" in lists[0] and "#1" in lists[0]
    # an indented code block that shows the syntax stays a code block
    assert "```workbench designs/not-a-block.py" in html.replace("&#96;", "`")
    assert "The end." in html


def test_a_failing_design_stops_the_build_with_page_file_and_line(tmp_path):
    root = site(tmp_path / "site", "# Page\n\n```workbench designs/bad.py\n```\n")
    (root / "designs" / "bad.py").write_text("from diagrams import Diagram\n\nraise ValueError('nope')\n",
                                             encoding="utf-8")
    done = mkdocs("build", cwd=root)
    assert done.returncode != 0
    assert "index.md:3" in done.stderr and "bad.py:3" in done.stderr and "nope" in done.stderr


@pytest.mark.parametrize("page, said", [
    ("```workbench\n```\n", "no design path"),
    ("```workbench designs/missing.py\n```\n", "no design file designs/missing.py"),
    ("```workbench designs/pair_cache_before.py\ndiagram: Nope\n```\n", "no diagram 'Nope'"),
    ("```workbench designs/pair_cache_before.py\ncolour: red\n```\n", "is not understood"),
])
def test_block_mistakes_are_named(tmp_path, page, said):
    root = site(tmp_path / "site", "# Page\n\n" + page)
    done = mkdocs("build", cwd=root)
    assert done.returncode != 0 and said in done.stderr and "index.md:3" in done.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, what: str, proc: subprocess.Popen, seconds: float = 60.0):
    """Poll until `predicate()` is truthy (a wait for the server, not a speed limit)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"mkdocs serve ended: {proc.stderr.read()}")
        try:
            value = predicate()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_serve_watches_the_design_and_rebuilds_when_it_changes(tmp_path):
    root = site(tmp_path / "site", "# Page\n\n```workbench designs/pair_cache_before.py\n```\n")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=root,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: "miss + writes" in fetch(url), "the first build", proc)
        design = root / "designs" / "pair_cache_before.py"
        design.write_text(design.read_text(encoding="utf-8").replace("miss + writes", "MISSES AND WRITES"),
                          encoding="utf-8")
        page = wait_for(lambda: (lambda t: t if "MISSES AND WRITES" in t else None)(fetch(url)),
                        "the rebuild after the design changed", proc)
        assert "miss + writes" not in page
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
    # the plugin registered the design with mkdocs' watcher (mkdocs lists the watched paths)
    assert "designs/pair_cache_before.py" in stderr, stderr
