"""The live preview: a small HTTP server on 127.0.0.1 that shows every design and follows each rebuild.

Routes: `/` (index of designs with their status), `/design/<stem>` (diagram, findings, design sheet),
`/design/<stem>/sheet` (the sheet as an HTML fragment, from the report's own macros), `/rules/<CODE>` (a rule's doc),
`/api/status` and `/api/design/<stem>` (JSON), `/api/whatif/<stem>?fail=NODE&zone=Z&region=R` (what breaks, the
same JSON as `check --fail --format json`), `/events` (server-sent events: {"design", "status", "epoch"} after every
build), `/out/<path>` (files under out/, nothing else). A design's epoch moves only when a build succeeds, so
a page redraws only for good builds; a failed build shows an error banner above the last good diagram.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import mimetypes
import os
import queue
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from workbench.config import Config
from workbench.design.loader import display_path

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent.parent / "templates"
KEEPALIVE = 10.0  # seconds between SSE comments: proxies and browsers drop silent streams
PAGE_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'")
FILE_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
TYPES = {".svg": "image/svg+xml", ".json": "application/json", ".dot": "text/plain; charset=utf-8",
         ".png": "image/png", ".pdf": "application/pdf", ".html": "text/html; charset=utf-8",
         ".md": "text/markdown; charset=utf-8", ".sarif": "application/json"}


# -- what the pages show ---------------------------------------------------------------------------------
class LiveState:
    """Status of every design, fed by the watcher, read by request threads; pushes events to subscribers."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.lock = threading.Lock()
        self.entries: dict[str, dict] = {}  # stem -> entry, in design order
        self.subscribers: set[queue.Queue] = set()
        self.closed = False

    def set_designs(self, designs: list[Path]) -> None:
        """The designs being watched (new ones start as "pending" with whatever out/ already holds)."""
        from workbench.output.outdir import FINDINGS, read_json, read_model

        events = []
        with self.lock:
            stems = [d.stem for d in designs]
            for stem in [s for s in self.entries if s not in stems]:
                del self.entries[stem]
                events.append({"design": stem, "status": "removed", "epoch": 0})
            fresh = {}
            for design in designs:
                if design.stem in fresh:
                    continue
                entry = self.entries.get(design.stem)
                if entry is None:
                    folder = self.cfg.out / design.stem
                    model = read_model(folder)
                    findings = read_json(folder / FINDINGS) if model else None
                    entry = {"design": design.stem, "path": display_path(design, self.cfg.root), "status": "pending",
                             "epoch": 0, "error": None, "duration": None, "built": None, "warnings": [],
                             **model_fields(model, findings)}
                    events.append({"design": design.stem, "status": "pending", "epoch": 0})
                fresh[design.stem] = entry
            self.entries = fresh
        for event in events:
            self.publish(event)

    def rebuilt(self, rebuild) -> None:
        """Record one build (a watch.Rebuild) and tell the pages."""
        result = rebuild.result
        with self.lock:
            entry = self.entries.get(result.stem)
            if entry is None:
                return
            if entry["path"] != result.shown:  # a second design with the same stem: reported, not shown
                return
            entry["built"] = time.strftime("%H:%M:%S")
            entry["duration"] = round(result.duration, 3)
            if result.ok:
                entry.update(status="ok", error=None, epoch=entry["epoch"] + 1, warnings=list(result.warnings),
                             **model_fields(rebuild.model, rebuild.findings))
            else:
                error = result.error
                entry.update(status="error", error={**error.to_dict(), "location": error.location()})
            event = {"design": result.stem, "status": entry["status"], "epoch": entry["epoch"]}
        self.publish(event)

    def snapshot(self) -> list[dict]:
        with self.lock:
            return [summary_of(e) for e in self.entries.values()]

    def entry(self, stem: str) -> dict | None:
        with self.lock:
            entry = self.entries.get(stem)
            return json.loads(json.dumps(entry)) if entry else None

    # -- server-sent events --------------------------------------------------------------------
    def subscribe(self) -> queue.Queue:
        q: queue.Queue = queue.Queue()
        with self.lock:
            self.subscribers.add(q)
            for entry in self.entries.values():  # catch up with what happened before the page connected
                q.put({"design": entry["design"], "status": entry["status"], "epoch": entry["epoch"]})
            if self.closed:
                q.put(None)
        return q

    def unsubscribe(self, q: queue.Queue) -> None:
        with self.lock:
            self.subscribers.discard(q)

    def publish(self, event: dict | None) -> None:
        with self.lock:
            for q in self.subscribers:
                q.put(event)

    def close(self) -> None:
        with self.lock:
            self.closed = True
        self.publish(None)


def model_fields(model, findings: dict | None) -> dict:
    """The parts of a good build that the design page shows."""
    if model is None:
        return {"diagrams": [], "findings": None, "summary": None, "sheet": None, "readiness": None,
                "availability": None, "line": None}
    by_slug = {d.get("slug"): d for d in (findings or {}).get("diagrams", [])}
    diagrams = []
    for d in model.diagrams:
        found = by_slug.get(d.slug, {})
        diagrams.append({"name": d.name, "slug": d.slug, "line": d.line, "findings": found.get("findings", []),
                         "availability": found.get("availability"), "zones": zones_of(d)})
    estimates = [a["estimate"] for a in (d["availability"] for d in diagrams)
                 if isinstance(a, dict) and isinstance(a.get("estimate"), (int, float))]
    return {
        "diagrams": diagrams,
        "findings": findings is not None,
        "summary": (findings or {}).get("summary"),
        "sheet": model.sheet,
        "readiness": readiness_score(model, findings),
        "availability": round(min(estimates), 3) if estimates else None,
        "line": model.diagrams[0].line if model.diagrams else None,
    }


def zones_of(diagram) -> list[str]:
    """The zones and regions a diagram declares (what the page offers to fail as a whole)."""
    found = {v for n in diagram.nodes for k, v in n.analysis.items() if k in ("zone", "region") and v}
    found |= {v for c in diagram.clusters for k, v in c.analysis.items() if k in ("wb_zone", "wb_region") and v}
    return sorted(found)


def readiness_score(model, findings: dict | None) -> int | None:
    if not model.sheet:
        return None
    from workbench.analysis.readiness import checklist

    try:
        every = [f for d in (findings or {}).get("diagrams", []) for f in d.get("findings", [])]
        return checklist(model, every).score
    except Exception:  # noqa: BLE001 - the index shows a dash rather than no page
        log.debug("readiness of %s failed", model.path, exc_info=True)
        return None


def summary_of(entry: dict) -> dict:
    keys = ("design", "path", "status", "epoch", "error", "duration", "built", "summary", "readiness", "availability")
    return {**{k: entry[k] for k in keys}, "diagrams": [d["slug"] for d in entry["diagrams"]]}


TAG = r"\[(H|[A-Z]{1,3}\d+)\]"  # [H] marks a heuristic; [R1], [AV3], [L1]... cite a rule's references


def cite(text: str):
    """Rule doc text as HTML: code spans, and [H] / [R1] / [AV3] tags as links to the heuristic note and to the
    reference they cite (the references list keys each item by its own tag)."""
    import re

    import markupsafe

    from workbench.output.codespans import to_html

    def link(match: re.Match) -> str:
        tag = match.group(1)
        target = "#heuristic" if tag == "H" else f"#ref-{tag}"
        title = "a heuristic: see the note below" if tag == "H" else f"reference {tag}, listed below"
        return f'<a class="tag" href="{target}" title="{title}">[{tag}]</a>'

    return markupsafe.Markup(re.sub(TAG, link, to_html(text)))


def reference(text: str, index: int) -> dict:
    """One item of a rule's references: its anchor (`ref-AV1` from a leading [AV1] tag, else `ref-<n>`) and its
    HTML, with the cited source's address as a link and "see CODE" as a link to that rule's doc."""
    import re

    import markupsafe

    from workbench.output.codespans import to_html

    lead = re.match(TAG, text)
    body = to_html(text)
    body = re.sub(r"\((?!https?:)([a-z0-9-]+(?:\.[a-z0-9-]+)+\.[a-z]{2,}/[^\s()&<>\"]*)\)",
                  lambda m: f'(<a href="https://{m.group(1)}" rel="noreferrer">{m.group(1)}</a>)', body)
    body = re.sub(r"\bsee ([A-Z]+\d{3})\b", lambda m: f'see <a href="/rules/{m.group(1)}">{m.group(1)}</a>', body)
    return {"id": f"ref-{lead.group(1)}" if lead else f"ref-{index}", "html": markupsafe.Markup(body)}


# -- HTTP ---------------------------------------------------------------------------------------------------
def safe_out_path(out: Path, url_path: str) -> Path | None:
    """The file under `out` that `url_path` (still percent-encoded, after "/out/") names, or None.

    Decoded once; then no empty, `.` or `..` segment, no hidden file (build temp folders and stamps), no
    backslash or NUL, and the real path (symlinks followed) must stay inside the real `out`.
    """
    rel = unquote(url_path, errors="strict") if "%" in url_path else url_path
    if not rel or "\x00" in rel or "\\" in rel or rel.startswith("/"):
        return None
    parts = rel.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    root = os.path.realpath(out)
    full = os.path.realpath(os.path.join(root, *parts))
    if os.path.commonpath([root, full]) != root or full == root or not os.path.isfile(full):
        return None
    return Path(full)


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Handler(BaseHTTPRequestHandler):
    server: LiveServer
    server_version = "workbench"
    protocol_version = "HTTP/1.0"  # one request per connection; SSE streams until either side stops

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        log.debug("%s %s", self.address_string(), format % args)

    def do_HEAD(self) -> None:
        self.route(head=True)

    def do_GET(self) -> None:
        self.route(head=False)

    # ---- practice (workbench/practice/livehook.py): the mock's recording, stored with the mock -------------
    def do_POST(self) -> None:
        """`/api/practice/audio/{start,chunk,stop}`: only from this server's own pages (the custom header makes
        a cross-site request need a preflight, which this server never grants)."""
        hook = getattr(self.server.state, "practice", None)
        origin = self.headers.get("Origin")
        if not self.host_allowed() or self.headers.get("X-Workbench") != "1" or (
                origin and urlsplit(origin).netloc != (self.headers.get("Host") or "")):
            return self.send_text(403, "forbidden", False)
        path = urlsplit(self.path).path
        if hook is None or not path.startswith("/api/practice/"):
            return self.send_text(404, "not found", False)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > hook.max_chunk:
            return self.send_text(413, "too large", False)
        from urllib.parse import parse_qs

        status, data = hook.post(path, parse_qs(urlsplit(self.path).query), self.rfile.read(length))
        self.send_body(status, json.dumps(data).encode(), "application/json", False)
    # ---- end practice ------------------------------------------------------------------------------------

    def route(self, head: bool) -> None:
        if not self.host_allowed():
            return self.send_text(403, "forbidden host", head)
        path = urlsplit(self.path).path
        state = self.server.state
        if path == "/":
            return self.send_page("live_index.html", head, designs=state.snapshot())
        if path == "/events":
            return self.send_events(head)
        if path == "/api/status":
            return self.send_json({"designs": state.snapshot()}, head)
        if path.startswith("/api/design/"):
            entry = state.entry(unquote(path[len("/api/design/"):]))
            return self.send_json(entry, head) if entry else self.send_text(404, "no such design", head)
        if path.startswith("/design/") and path.endswith("/sheet"):
            entry = state.entry(unquote(path[len("/design/"):-len("/sheet")]))
            if entry is None:
                return self.send_text(404, "no such design", head)
            return self.send_sheet(entry, head)
        if path.startswith("/design/"):
            entry = state.entry(unquote(path[len("/design/"):]))
            if entry is None:
                return self.send_text(404, "no such design", head)
            return self.send_page("live_design.html", head, entry=entry, links=self.links(entry))
        if path.startswith("/api/whatif/"):
            return self.send_whatif(unquote(path[len("/api/whatif/"):]), head)
        if path.startswith("/rules/"):
            return self.send_rule(unquote(path[len("/rules/"):]), head)
        if path.startswith("/out/"):
            try:
                found = safe_out_path(state.cfg.out, path[len("/out/"):])
            except UnicodeDecodeError:
                found = None
            if found is None:
                return self.send_text(404, "not found", head)
            return self.send_file(found, head)
        if path.startswith("/api/practice/"):  # practice: the mock's phase and time left, open feedback points
            hook = getattr(state, "practice", None)
            data = hook.status(unquote(path[len("/api/practice/"):])) if hook else {"mock": None, "feedback": []}
            return self.send_json(data, head)
        if path == "/favicon.ico":
            return self.send_body(204, b"", "image/x-icon", head)
        return self.send_text(404, "not found", head)

    def host_allowed(self) -> bool:
        """Bound to loopback, answer only to loopback names: a web page elsewhere cannot rebind DNS to us."""
        if not is_loopback(self.server.host):
            return True
        host = (self.headers.get("Host") or "").strip()
        if host.startswith("["):
            name = host[1:host.find("]")] if "]" in host else host
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return is_loopback(name) or name.endswith(".localhost")

    # -- responses -----------------------------------------------------------------------------
    def send_body(self, status: int, body: bytes, ctype: str, head: bool, csp: str = PAGE_CSP) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", csp)
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def send_text(self, status: int, text: str, head: bool) -> None:
        self.send_body(status, (text + "\n").encode(), "text/plain; charset=utf-8", head)

    def send_json(self, data, head: bool) -> None:
        self.send_body(200, json.dumps(data).encode(), "application/json", head)

    def send_page(self, name: str, head: bool, **context) -> None:
        body = self.server.env.get_template(name).render(**context).encode()
        self.send_body(200, body, "text/html; charset=utf-8", head)

    def links(self, entry: dict) -> dict:
        """Where the design page links: the report, the source (an editor URL when configured), progress."""
        cfg = self.server.state.cfg
        source = (cfg.root / entry["path"]).resolve()
        line = entry.get("line") or 1
        editor = cfg.editor_url.replace("{path}", str(source)).replace("{line}", str(line)) if cfg.editor_url else ""
        report = cfg.out / entry["design"] / "report.html"
        progress = cfg.out / "progress.html"
        return {"source": str(source), "line": line, "editor": editor,
                "report": f"/out/{entry['design']}/report.html" if report.is_file() else "",
                "progress": "/out/progress.html" if progress.is_file() else ""}

    def send_sheet(self, entry: dict, head: bool) -> None:
        """The design sheet as the report draws it (the same `_sheet.html` macros), for the live page."""
        from workbench.output.report import environment

        sheet = entry.get("sheet") or {}
        capacity = sheet.get("capacity") or {}
        template = environment(self.server.state.cfg.templates).from_string(
            '{% import "_sheet.html" as s %}{{ s.steps(sheet, figures, notes) }}')
        body = template.render(sheet=sheet, figures=capacity.get("figures", []), notes=capacity.get("notes", []))
        self.send_body(200, body.encode(), "text/html; charset=utf-8", head)

    def send_whatif(self, stem: str, head: bool) -> None:
        """What breaks when the components (and zones, regions) in the query fail: `outcome_data`'s JSON,
        computed from the last good build's model, so that the page never waits for a rebuild."""
        from urllib.parse import parse_qs

        from workbench.commands.whatif import outcome_data
        from workbench.errors import WorkbenchError
        from workbench.output.outdir import read_model

        state = self.server.state
        if state.entry(stem) is None:
            return self.send_text(404, "no such design", head)
        query = parse_qs(urlsplit(self.path).query)
        model = read_model(state.cfg.out / stem)
        if model is None:
            return self.send_json_status(409, {"error": "no good build yet: fix the design and save"}, head)
        try:
            data = outcome_data(model, query.get("fail", []), query.get("zone", []), query.get("region", []))
        except WorkbenchError as exc:
            return self.send_json_status(400, {"error": str(exc)}, head)
        self.send_json(data, head)

    def send_rule(self, code: str, head: bool) -> None:
        """One rule's doc as a page; `[H]` and `[R1]` tags link to what they cite."""
        from workbench.analysis.rules import CATALOGUE

        rule = CATALOGUE.get(code.upper())
        if rule is None:
            return self.send_text(404, f"no rule {code}", head)
        refs = [reference(text, n) for n, text in enumerate(rule.refs, 1)]
        self.send_page("live_rule.html", head, rule=rule, refs=refs)

    def send_json_status(self, status: int, data, head: bool) -> None:
        self.send_body(status, json.dumps(data).encode(), "application/json", head)

    def send_file(self, path: Path, head: bool) -> None:
        try:
            body = path.read_bytes()
        except OSError:  # swapped away between the check and the read
            return self.send_text(404, "not found", head)
        ctype = TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.send_body(200, body, ctype, head, csp=FILE_CSP)

    def send_events(self, head: bool = False) -> None:
        state = self.server.state
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Accel-Buffering", "no")
        self.end_headers()
        if head:  # the headers a GET would get, no stream: HTTP/1.0 then closes the connection
            return
        q = state.subscribe()
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            while True:
                try:
                    event = q.get(timeout=KEEPALIVE)
                except queue.Empty:
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    continue
                if event is None:  # the server is stopping
                    return
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            return  # the page went away
        finally:
            state.unsubscribe(q)


class LiveServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: LiveState) -> None:
        import jinja2

        self.host = address[0]
        if ":" in self.host:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)
        self.state = state
        from workbench.output.report import environment

        # The report's environment: the same filters (code spans) and the workspace's template overrides.
        self.env = environment(state.cfg.templates)
        self.env.undefined = jinja2.Undefined
        self.env.filters["cite"] = cite
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = self.host if self.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.server_address[1]}/"

    def stop(self) -> None:
        self.state.close()  # ends the event streams
        self.shutdown()
        self.server_close()


def start_server(state: LiveState, host: str = "127.0.0.1", port: int = 8000) -> LiveServer:
    """Listen (port 0: any free port) and serve in a background thread; `server.stop()` ends it."""
    from workbench.errors import WorkbenchError

    try:
        server = LiveServer((host, port), state)
    except OSError as exc:
        raise WorkbenchError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
                             "choose another port with --port") from exc
    server.thread = threading.Thread(target=server.serve_forever, name="wb-serve", daemon=True)
    server.thread.start()
    return server
