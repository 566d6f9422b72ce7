"""Integrations: where the workbench meets the tools people already use.

Takes design files (through `build` and `commands`) and gives them to other tools: an MkDocs plugin that
puts diagrams into a docs site (`mkdocs_plugin`), design objects that display inline in Jupyter
(`notebook`, behind `workbench.load`), and a Model Context Protocol server over stdio for assistants
(`mcp_server`, `workbench mcp`). pre-commit hooks and the GitHub Action live at the repository's root.
"""

from __future__ import annotations

import hashlib
import re

_ID = re.compile(r'(\sid=")([^"]+)(")')
_HREF = re.compile(r'((?:xlink:)?href="#)([^"]+)(")')
_URL = re.compile(r"url\(#([^)]+)\)")


def scope_ids(svg: str) -> str:
    """An SVG whose ids (and the references to them) carry a prefix made from its content.

    Every Graphviz SVG numbers its parts node1, edge1, ... and the embedded icons wb-icon-1, ...: two diagrams
    inlined into one HTML page (a docs page, a notebook) would otherwise share those ids, and the second
    diagram would draw the first one's icons. The same SVG twice gets the same prefix, which is harmless.
    """
    ids = {m.group(2) for m in _ID.finditer(svg)}
    if not ids:
        return svg
    prefix = "wb" + hashlib.sha1(svg.encode("utf-8")).hexdigest()[:8] + "-"
    svg = _ID.sub(lambda m: m.group(1) + prefix + m.group(2) + m.group(3), svg)
    svg = _HREF.sub(lambda m: m.group(1) + (prefix if m.group(2) in ids else "") + m.group(2) + m.group(3), svg)
    return _URL.sub(lambda m: f"url(#{prefix if m.group(1) in ids else ''}{m.group(1)})", svg)
