"""The live preview server, with real HTTP requests: pages, JSON, server-sent events, and nothing outside out/."""

from __future__ import annotations

import http.client
import json
import os
import socket
import textwrap
import threading
from pathlib import Path

import pytest

from workbench.build import build_design
from workbench.errors import DesignError
from workbench.live.serve import LiveState, safe_out_path, start_server
from workbench.live.watch import Rebuild

GOOD = textwrap.dedent("""\
    from diagrams import Diagram
    from diagrams.aws.compute import EC2
    from diagrams.aws.database import RDS

    with Diagram("Shop", show=False):
        EC2("web") >> RDS("orders db")
""")
BROKEN = GOOD + "undefined_name\n"  # line 7


def request(server, path: str, host: str | None = None, method: str = "GET") -> tuple[int, dict, bytes]:
    """One raw request: the path goes out exactly as written (no client-side normalisation)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host or f"127.0.0.1:{server.server_address[1]}")
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def rebuild_of(result, cfg) -> Rebuild:
    from workbench.output.outdir import read_json, read_model

    target = cfg.out / result.stem
    return Rebuild(result, read_json(target / "findings.json") if result.ok else None,
                   kept=not result.ok and target.is_dir(), model=result.model or read_model(target))


def serve_workspace(root: Path):
    """A server over a workspace with one built design `shop`, a secret beside out/, and symlinks out of it."""
    from conftest import _write_design

    from workbench.config import Config

    cfg = Config(root=root, designs=root / "designs", out=root / "out", templates=root / "templates",
                 formats=("png", "svg"), timeout=60.0, jobs=2)
    shop = _write_design(root, "shop", GOOD)
    result = build_design(shop, cfg)
    assert result.ok, result.error
    (root / "secret.txt").write_text("top secret\n")
    (cfg.out / "shop" / "escape.txt").symlink_to(root / "secret.txt")
    (cfg.out / "escape-dir").symlink_to(root, target_is_directory=True)
    (cfg.out / "shop" / "inside.svg").symlink_to(cfg.out / "shop" / "shop.svg")  # stays inside: fine
    state = LiveState(cfg)
    state.set_designs([shop])
    state.rebuilt(rebuild_of(result, cfg))
    return start_server(state, port=0), state, shop


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Read-only tests share one server."""
    server, state, shop = serve_workspace(tmp_path_factory.mktemp("served"))
    yield server, state, shop
    server.stop()


@pytest.fixture
def live(tmp_path, cfg):
    """A server of its own, for tests that change what it shows (same workspace layout as `served`)."""
    server, state, shop = serve_workspace(tmp_path)
    yield server, state, shop
    server.stop()


# -- only files under out/ ---------------------------------------------------------------------------
def test_serves_files_under_out(served):
    server, _, _ = served
    status, headers, body = request(server, "/out/shop/shop.svg")
    assert status == 200 and headers["Content-Type"] == "image/svg+xml" and body.startswith(b"<?xml")
    assert headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in headers["Content-Security-Policy"]
    status, headers, body = request(server, "/out/shop/model.json")
    assert status == 200 and json.loads(body)["stem"] == "shop"
    assert request(server, "/out/shop/inside.svg")[0] == 200
    assert request(server, "/out/shop/shop.png")[1]["Content-Type"] == "image/png"


@pytest.mark.parametrize("path", [
    "/out/../secret.txt",
    "/out/shop/../../secret.txt",
    "/out/%2e%2e/secret.txt",
    "/out/%2E%2E/secret.txt",
    "/out/..%2fsecret.txt",
    "/out/..%2Fsecret.txt",
    "/out/shop%2f..%2f..%2fsecret.txt",
    "/out/%2e%2e%2fsecret.txt",
    "/out/%252e%252e/secret.txt",  # double-encoded: decoded once, it is a plain (missing) name
    "/out/..\\secret.txt",
    "/out/..%5csecret.txt",
    "/out//etc/passwd",
    "/out/%2fetc%2fpasswd",
    "/out/%2Fetc/passwd",
    "/out/shop/escape.txt",  # a symlink out of out/
    "/out/escape-dir/secret.txt",  # a folder symlink out of out/
    "/out/shop/.wb-stamp.json",  # hidden: build stamps and temporary folders
    "/out/shop/shop.svg%00.png",
    "/out/%c0%ae%c0%ae/secret.txt",  # overlong UTF-8 for '.'
    "/out/",
    "/out/shop",
    "/out/shop/",
    "/../secret.txt",
    "/secret.txt",
    "/etc/passwd",
    "//etc/passwd",
    "/out/./shop/shop.svg",
])
def test_paths_that_leave_out_get_404(served, path):
    server, _, _ = served
    status, _, body = request(server, path)
    assert status == 404, (path, body)
    assert b"top secret" not in body and b"root:" not in body


def test_safe_out_path_resolves_inside_only(tmp_path):
    out = tmp_path / "out"
    (out / "a").mkdir(parents=True)
    (out / "a" / "x.svg").write_text("<svg/>")
    assert safe_out_path(out, "a/x.svg") == (out / "a" / "x.svg").resolve()
    assert safe_out_path(out, "a/%78.svg") == (out / "a" / "x.svg").resolve()
    for bad in ("../out/a/x.svg", "a/../a/x.svg", "/a/x.svg", "a//x.svg", "a/./x.svg", "", "a"):
        assert safe_out_path(out, bad) is None, bad


def test_binds_to_loopback_by_default(served):
    server, _, _ = served
    assert server.server_address[0] == "127.0.0.1"
    assert server.url == f"http://127.0.0.1:{server.server_address[1]}/"


def test_foreign_host_names_are_refused(served):
    # DNS rebinding: a page on another site that resolves its name to 127.0.0.1 must not read the designs.
    server, _, _ = served
    assert request(server, "/api/status", host="evil.example:80")[0] == 403
    assert request(server, "/api/status", host="localhost:1234")[0] == 200
    assert request(server, "/api/status", host="[::1]:1234")[0] == 200


def test_port_in_use_is_a_clear_error(served, cfg):
    from workbench.errors import WorkbenchError

    server, state, _ = served
    with pytest.raises(WorkbenchError, match="choose another port with --port"):
        start_server(state, port=server.server_address[1])


# -- pages and JSON ----------------------------------------------------------------------------------
def test_status_json_and_index_page(served, cfg):
    server, _, _ = served
    status, headers, body = request(server, "/api/status")
    assert status == 200 and headers["Content-Type"] == "application/json"
    (entry,) = json.loads(body)["designs"]
    assert entry["design"] == "shop" and entry["path"] == "designs/shop.py"
    assert entry["status"] == "ok" and entry["epoch"] == 1 and entry["diagrams"] == ["shop"]
    status, headers, body = request(server, "/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert 'href="/design/shop"' in page and "designs/<wbr>shop.py" in page and 'class="status ok"' in page  # may break after "/"
    assert "<script" in page and "http://" not in page.split("<body", 1)[1].replace(server.url, "")  # no CDN


def test_design_page_and_json(served):
    server, state, _ = served
    status, _, body = request(server, "/design/shop")
    page = body.decode()
    assert status == 200 and "designs/shop.py" in page and 'id="banner"' in page and "EventSource" in page
    status, _, body = request(server, "/api/design/shop")
    data = json.loads(body)
    report = state.cfg.out / "shop" / "findings.json"  # when the build writes one, the page gets it
    expected = json.loads(report.read_text())["diagrams"][0]["findings"] if report.exists() else []
    assert [{k: d[k] for k in ("name", "slug", "findings")} for d in data["diagrams"]] == [
        {"name": "Shop", "slug": "shop", "findings": expected}]
    assert data["findings"] is report.exists() and data["error"] is None
    assert request(server, "/design/nope")[0] == 404
    assert request(server, "/api/design/nope")[0] == 404
    assert request(server, "/design/shop", method="HEAD")[2] == b""


def test_failed_build_keeps_the_last_good_diagram_and_the_epoch(live, cfg, tmp_path, write_design):
    server, state, shop = live
    write_design(tmp_path, "shop", BROKEN)
    failed = build_design(shop, cfg, force=True)
    state.rebuilt(rebuild_of(failed, cfg))
    data = json.loads(request(server, "/api/design/shop")[2])
    assert data["status"] == "error" and data["epoch"] == 1
    assert data["error"]["location"] == "designs/shop.py:7" and "NameError" in data["error"]["message"]
    assert data["diagrams"][0]["slug"] == "shop"  # the last good one
    assert request(server, "/out/shop/shop.svg")[0] == 200
    index = request(server, "/")[2].decode()
    assert "designs/shop.py:7: NameError" in index and 'class="status error"' in index


def test_findings_are_served_when_the_build_wrote_them(live, cfg):
    server, state, shop = live
    findings = {"version": 1, "design": "designs/shop.py", "summary": {"error": 1, "warning": 0, "info": 0, "accepted": 0},
                "diagrams": [{"name": "Shop", "slug": "shop", "findings": [
                    {"code": "SPOF001", "severity": "error", "message": "single web server", "nodes": ["web"],
                     "node_ids": ["web"], "accepted": False, "reason": None, "line": 6}]}]}
    (cfg.out / "shop" / "findings.json").write_text(json.dumps(findings))
    result = build_design(shop, cfg)  # cached: the watcher reads model and findings back from out/
    state.rebuilt(rebuild_of(result, cfg))
    data = json.loads(request(server, "/api/design/shop")[2])
    assert data["findings"] is True and data["summary"]["error"] == 1
    assert data["diagrams"][0]["findings"][0]["node_ids"] == ["web"]
    assert json.loads(request(server, "/api/status")[2])["designs"][0]["summary"]["error"] == 1


def test_first_build_failing_still_serves_a_page_with_the_error(tmp_path, cfg, write_design):
    broken = write_design(tmp_path, "broken", "raise RuntimeError('first build fails')\n")
    state = LiveState(cfg)
    state.set_designs([broken])
    result = build_design(broken, cfg)
    state.rebuilt(rebuild_of(result, cfg))
    server = start_server(state, port=0)
    try:
        status, _, body = request(server, "/design/broken")
        assert status == 200
        data = json.loads(request(server, "/api/design/broken")[2])
        assert data["status"] == "error" and data["diagrams"] == [] and data["epoch"] == 0
        assert data["error"]["location"] == "designs/broken.py:1"
    finally:
        server.stop()


# -- server-sent events ---------------------------------------------------------------------------------
class EventStream:
    def __init__(self, server) -> None:
        self.sock = socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=30)
        self.sock.sendall(f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{server.server_address[1]}\r\n\r\n".encode())
        self.file = self.sock.makefile("rb")
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            head += self.file.readline()
        assert b"200" in head.split(b"\r\n")[0] and b"text/event-stream" in head

    def next(self) -> dict | None:
        """The next data event (None at the end of the stream); comments and retry lines are skipped."""
        while True:
            line = self.file.readline()
            if not line:
                return None
            if line.startswith(b"data: "):
                return json.loads(line[6:])

    def close(self) -> None:
        self.file.close()
        self.sock.close()


def test_events_follow_builds_and_the_epoch_moves_only_on_success(live, cfg, tmp_path, write_design):
    server, state, shop = live
    stream = EventStream(server)
    try:
        assert stream.next() == {"design": "shop", "status": "ok", "epoch": 1}  # catch-up on connect
        write_design(tmp_path, "shop", BROKEN)
        state.rebuilt(rebuild_of(build_design(shop, cfg, force=True), cfg))
        assert stream.next() == {"design": "shop", "status": "error", "epoch": 1}
        write_design(tmp_path, "shop", GOOD.replace("orders db", "orders"))
        state.rebuilt(rebuild_of(build_design(shop, cfg, force=True), cfg))
        assert stream.next() == {"design": "shop", "status": "ok", "epoch": 2}
        other = write_design(tmp_path, "other", GOOD)
        state.set_designs([shop, other])
        assert stream.next() == {"design": "other", "status": "pending", "epoch": 0}
    finally:
        stream.close()


def test_stopping_the_server_ends_open_event_streams(tmp_path, cfg):
    state = LiveState(cfg)
    server = start_server(state, port=0)
    stream = EventStream(server)
    ended = threading.Event()

    def read() -> None:
        while stream.next() is not None:
            pass
        ended.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    server.stop()
    assert ended.wait(30)
    stream.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=5).close()


def test_removed_design_pages_are_gone(live, cfg, tmp_path):
    server, state, _ = live
    state.set_designs([])
    assert request(server, "/design/shop")[0] == 404
    assert json.loads(request(server, "/api/status")[2]) == {"designs": []}


def test_events_of_unknown_designs_are_ignored(live, cfg, tmp_path):
    # A build of a design the state does not track (a second file with the same stem) changes nothing.
    server, state, shop = live
    from workbench.build import BuildResult

    stray = BuildResult(tmp_path / "elsewhere" / "shop.py", "elsewhere/shop.py", "shop", "failed",
                        error=DesignError("elsewhere/shop.py", 1, "boom"))
    state.rebuilt(Rebuild(stray, None, kept=True, model=None))
    assert json.loads(request(server, "/api/design/shop")[2])["status"] == "ok"
    assert os.path.isdir(cfg.out / "shop")


def test_every_rule_page_links_each_tag_to_what_it_cites(served):
    """[H] to the heuristic note, [R1] / [AV3] / [L1]... to the reference with that tag; addresses are links."""
    import re

    from workbench.analysis.rules import CATALOGUE

    server, _, _ = served
    tagged = 0
    for code, rule in CATALOGUE.items():
        status, _, body = request(server, f"/rules/{code}")
        assert status == 200, code
        page = body.decode()
        ids = set(re.findall(r'\bid="([^"]+)"', page))
        for target in re.findall(r'<a class="tag" href="#([^"]+)"', page):
            tagged += 1
            assert target in ids, f"{code}: a tag links to #{target}, which is not on the page"
        text = " ".join(filter(None, (rule.what, rule.why, rule.fix, rule.accept)))
        for tag in set(re.findall(r"\[(H|[A-Z]{1,3}\d+)\]", text)):
            assert f'href="#{"heuristic" if tag == "H" else "ref-" + tag}"' in page, f"{code}: [{tag}] is not a link"
    assert tagged > 50
    _, _, body = request(server, "/rules/AVAIL001")
    assert '<li id="ref-AV2">' in body.decode() and '<a href="https://aws.amazon.com/rds/sla"' in body.decode()
    _, _, body = request(server, "/rules/AVAIL002")
    assert 'see <a href="/rules/AVAIL001">AVAIL001</a>' in body.decode()


def test_design_page_says_how_to_get_the_progress_link_then_links_it(live):
    server, state, _ = live
    page = request(server, "/design/shop")[2].decode()
    assert 'id="link-progress" class="muted"' in page and "workbench progress" in page
    (state.cfg.out / "progress.html").write_text("<!doctype html><title>progress</title>\n")
    page = request(server, "/design/shop")[2].decode()
    assert '<a id="link-progress" href="/out/progress.html">progress</a>' in page
