"""MkDocs plugin `workbench`: ```workbench fenced blocks become the design's self-contained SVG (and findings).

In mkdocs.yml:

    plugins:
      - search
      - workbench

In a page:

    ```workbench designs/chat_service.py
    diagram: Chat Service
    findings: true
    ```

The path is relative to the folder of mkdocs.yml (it may also stand on its own line inside the block, or as
`path: ...`); `diagram` picks one diagram by name or slug (default: every diagram of the design); `findings:
true` adds the findings list under it. Designs are built like `workbench render` (cached, outputs in the
workspace's out/); the workspace is the one around mkdocs.yml (workbench.toml or [tool.workbench]).

Under `mkdocs serve` the plugin adds each design file, and the helper modules and icons it reads, to the
live-reload server's watched paths (`server.watch`): in `on_serve` for those of the first build, and at once
for designs that pages start to use later. Saving a design rebuilds the site and its diagram. A design that
fails stops `mkdocs build` with its file and line; under `mkdocs serve` the page shows the error in a box
instead, so the server goes on and the next save can fix it.
"""

from __future__ import annotations

import html
import json
import logging
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin

log = logging.getLogger("mkdocs.plugins.workbench")

# A fenced block whose info string is `workbench` (optionally followed by the path); ``` or ~~~, 3 or more.
FENCE = re.compile(r"^(?P<indent>[ \t]{0,3})(?P<fence>`{3,}|~{3,})[ \t]*workbench(?:[ \t]+(?P<arg>[^\n`]*?))?[ \t]*\n"
                   r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$", re.M | re.S)
TRUE = {"true", "yes", "on", "1"}
PLACEHOLDER = '<div class="workbench-block" data-workbench="{n}"></div>'


class WorkbenchPlugin(BasePlugin):
    """Kept across the rebuilds of `mkdocs serve` (it has `on_startup`), so it knows the server and what it
    already watches."""

    def __init__(self) -> None:
        self.command = "build"
        self.server = None
        self.watched: set[Path] = set()
        self.inputs: set[Path] = set()  # every file the diagrams of the last build read
        self.blocks: dict[str, list[str]] = {}  # page src path -> HTML per placeholder

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config):
        self.root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        self.blocks = {}
        return config

    def on_page_markdown(self, markdown: str, /, *, page, config, files) -> str:
        """Each block becomes a placeholder that `on_page_content` fills with HTML, so Markdown never sees
        (and never mangles) the SVG."""
        rendered: list[str] = []

        def replace(match: re.Match) -> str:
            line = markdown.count("\n", 0, match.start()) + 1
            where = f"{page.file.src_uri}:{line}"
            try:
                rendered.append(self.render_block(match.group("arg") or "", match.group("body"), where))
            except PluginError:
                raise
            except Exception as exc:  # a design that fails: its message, file and line
                message = getattr(exc, "format_message", lambda: str(exc))()
                if self.command != "serve":
                    raise PluginError(f"workbench block at {where}: {message}") from exc
                log.warning("workbench block at %s: %s", where, message)
                rendered.append(f'<div class="admonition failure workbench-error"><p class="admonition-title">'
                                f"workbench: {html.escape(where)}</p><pre>{html.escape(message)}</pre></div>")
            return f"{match.group('indent')}{PLACEHOLDER.format(n=len(rendered) - 1)}"

        markdown = FENCE.sub(replace, markdown)
        self.blocks[page.file.src_uri] = rendered
        return markdown

    def on_page_content(self, content: str, /, *, page, config, files) -> str:
        for n, block in enumerate(self.blocks.get(page.file.src_uri, [])):
            placeholder = PLACEHOLDER.format(n=n)
            content = content.replace(f"<p>{placeholder}</p>", block).replace(placeholder, block)
        return content

    def on_serve(self, server, /, *, config, builder):
        self.server = server
        for path in sorted(self.inputs):
            self.watch(path)
        return server

    def watch(self, path: Path) -> None:
        """Add one file to the live-reload server's watched paths (once)."""
        if self.server is not None and path not in self.watched and path.exists():
            self.server.watch(str(path), recursive=False)
            self.watched.add(path)

    # -- one block ---------------------------------------------------------------------------------------------

    def render_block(self, arg: str, body: str, where: str) -> str:
        options: dict[str, str] = {}
        path = arg.strip()
        for raw in body.splitlines():
            text = raw.strip()
            if not text or text.startswith("#"):
                continue
            key, sep, value = text.partition(":")
            if sep and key.strip().lower() in ("path", "diagram", "findings"):
                options[key.strip().lower()] = value.strip()
            elif not sep and not path:
                path = text
            else:
                raise PluginError(f"workbench block at {where}: {text!r} is not understood; a block holds a "
                                  "design path and optional `diagram: NAME` and `findings: true` lines")
        path = options.get("path", path)
        if not path:
            raise PluginError(f"workbench block at {where}: no design path; write ```workbench designs/x.py")
        design = (self.root / path).resolve()
        if not design.is_file():
            raise PluginError(f"workbench block at {where}: no design file {path} (paths are relative to the "
                              f"folder of mkdocs.yml, {self.root})")
        self.inputs.add(design)
        self.watch(design)  # watched before it builds: a failing design is fixed by the next save too
        folder, model = self.build(design)
        self.watch_inputs(design, folder)
        findings = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
        wanted = options.get("diagram")
        diagrams = [d for d in model["diagrams"] if wanted in (None, d["name"], d["slug"])]
        if not diagrams:
            names = ", ".join(d["name"] for d in model["diagrams"])
            raise PluginError(f"workbench block at {where}: no diagram {wanted!r} in {path}; it has: {names}")
        show_findings = options.get("findings", "false").lower() in TRUE
        from workbench.output.report import inline_svg

        parts = []
        for d in diagrams:
            # inline_svg scopes the ids: several diagrams on one page must not draw each other's icons.
            svg = inline_svg((folder / f"{d['slug']}.svg").read_text(encoding="utf-8"))
            # No caption: the SVG carries the diagram's name as its title, as in the PNG.
            parts.append(f'<figure class="workbench-diagram" id="wb-{html.escape(d["slug"])}" '
                         f'aria-label="{html.escape(d["name"])}">{svg}</figure>')
            if show_findings:
                items = next((x["findings"] for x in findings["diagrams"] if x["slug"] == d["slug"]), [])
                parts.append(findings_html(items))
        return '<div class="workbench">' + "".join(parts) + "</div>"

    def build(self, design: Path) -> tuple[Path, dict]:
        from workbench.build import build_design
        from workbench.config import load_config

        cfg = load_config(self.root)
        result = build_design(design, cfg, tuple(dict.fromkeys((*cfg.formats, "svg"))))
        if not result.ok:
            raise result.error
        folder = cfg.out / design.stem
        return folder, json.loads((folder / "model.json").read_text(encoding="utf-8"))

    def watch_inputs(self, design: Path, folder: Path) -> None:
        """The helper modules and icons the build read (its stamp lists them) are watched too."""
        from workbench.output.outdir import STAMP

        try:
            stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stamp = {}
        for name in stamp.get("inputs", {}):
            path = (design.parent / name).resolve()
            if path.is_file():
                self.inputs.add(path)
                self.watch(path)


def findings_html(items: list[dict]) -> str:
    """The findings under a diagram: active ones numbered as on the findings view, then the accepted."""
    if not items:
        return '<p class="workbench-findings">No findings.</p>'
    rows = []
    for f in items:
        kind = "accepted" if f.get("accepted") else f["severity"]
        number = f"#{f['number']} " if f.get("number") else ""
        reason = f" <em>accepted: {html.escape(f.get('reason') or '')}</em>" if f.get("accepted") else ""
        rows.append(f'<li class="wb-{kind}">{number}<strong>{kind}</strong> <code>{html.escape(f["code"])}</code> '
                    f"{code_spans(f['message'])}{reason}</li>")
    return '<ul class="workbench-findings">' + "".join(rows) + "</ul>"


def code_spans(text: str) -> str:
    """Escaped text with the `backticked` component names of a finding's message as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))
