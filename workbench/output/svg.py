"""Make Graphviz SVG self-contained: icons become data URIs, each stored once and reused."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import re
import struct
from pathlib import Path

IMAGE = re.compile(r"<image\b([^>]*?)/>", re.S)
ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    return None


# The icon types first: mimetypes reads the system's type tables on first use (~5 ms of a cold render).
ICON_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".gif": "image/gif", ".webp": "image/webp"}


def data_uri(data: bytes, name: str) -> str:
    mime = (ICON_TYPES.get(Path(name).suffix.lower()) or mimetypes.guess_type(name)[0]
            or "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def inline_icons(svg: str, workdir: Path) -> tuple[str, list[str]]:
    """Replace every linked <image> with a <use> of one <symbol> per distinct icon.

    Returns the new SVG and the hrefs that could not be read (they are dropped, not left dangling).
    """
    symbols: dict[str, str] = {}  # href -> symbol id
    defs: list[str] = []
    missing: list[str] = []

    def replace(match: re.Match) -> str:
        attrs = dict(ATTR.findall(match.group(1)))
        href = attrs.get("xlink:href") or attrs.get("href", "")
        if href.startswith("data:"):
            return match.group(0)
        if href not in symbols:
            path = (workdir / href) if not Path(href).is_absolute() else Path(href)
            try:
                data = path.read_bytes()
            except OSError:
                missing.append(href)
                return ""
            sid = f"wb-icon-{len(symbols) + 1}"
            symbols[href] = sid
            size = png_size(data)
            # With a viewBox, <use width/height> scales the icon exactly like the original <image>.
            box = f' viewBox="0 0 {size[0]} {size[1]}"' if size else ""
            dims = f'width="{size[0]}" height="{size[1]}"' if size else 'width="100%" height="100%"'
            par = attrs.get("preserveAspectRatio", "xMidYMid meet")
            defs.append(f'<symbol id="{sid}"{box} preserveAspectRatio="{par}">'
                        f'<image {dims} preserveAspectRatio="{par}" xlink:href="{data_uri(data, href)}"/></symbol>')
        keep = " ".join(f'{k}="{attrs[k]}"' for k in ("x", "y", "width", "height") if k in attrs)
        # A plate behind the icon, invisible until dark mode, where dark icons would vanish into the page.
        plate = " ".join(f'{k}="{attrs[k]}"' for k in ("x", "y", "width", "height") if k in attrs)
        return f'<rect class="wb-plate" {plate} rx="6"/><use xlink:href="#{symbols[href]}" {keep}/>'

    body = IMAGE.sub(replace, svg)
    if defs:
        opening = SVG_OPEN.search(body)
        if opening:
            if "xmlns:xlink" not in opening.group(0):
                tag = opening.group(0)[:-1] + ' xmlns:xlink="http://www.w3.org/1999/xlink">'
                body = body[:opening.start()] + tag + body[opening.end():]
                opening = SVG_OPEN.search(body)
            body = body[:opening.end()] + "\n<defs>\n" + "\n".join(defs) + "\n</defs>" + body[opening.end():]
    return themed(body), missing


# Dark mode for the drawing: follows the system (prefers-color-scheme), or the page's toggle when the SVG is
# inlined in the live page or the report. Only the colours
# `diagrams` itself uses are changed, so a design's own colours and the findings view's red and amber stay.
_DARK_RULES = {
    ".graph > polygon:first-of-type": "fill: #1b1f24; stroke: #1b1f24",
    ".cluster > path, .cluster > polygon": "fill: #1f2d3a; stroke: #4a5a6a",
    'text[fill="#2d3436" i], text:not([fill])': "fill: #e9ecef",
    '.edge path[stroke="#7b8894" i]': "stroke: #a5b1bd",
    '.edge polygon[stroke="#7b8894" i]': "stroke: #a5b1bd; fill: #a5b1bd",
    ".wb-plate": "fill: #e9ecef",
}


def _scoped(prefixes: tuple[str, ...]) -> str:
    rules = []
    for selectors, body in _DARK_RULES.items():
        scoped = ", ".join(f"{prefix} {sel.strip()}" for prefix in prefixes for sel in selectors.split(","))
        rules.append(f"{scoped} {{ {body} }}")
    return "\n".join(rules)


# The live page switches with a class on <html> (.dark / .light), the report with a checkbox (#wb-theme). Only on
# screen: on paper the drawing is light, like the report's print style.
THEME_STYLE = ("<style>\n.wb-plate { fill: none; }\n"
               "@media screen and (prefers-color-scheme: dark) {\n"
               + _scoped(("svg.wb-svg:root", ":root:not(.light):not(:has(#wb-theme:checked)) svg.wb-svg"))
               + "\n}\n@media screen and (prefers-color-scheme: light) {\n"
               + _scoped((":root:has(#wb-theme:checked) svg.wb-svg",))
               + "\n}\n@media screen {\n" + _scoped((":root.dark svg.wb-svg",)) + "\n}\n</style>")


def themed(svg: str) -> str:
    """The SVG with class "wb-svg" on its root and the dark-mode style (once)."""
    opening = SVG_OPEN.search(svg)
    if not opening or "wb-svg" in opening.group(0):
        return svg
    tag = opening.group(0)
    tag = tag.replace("<svg", '<svg class="wb-svg"', 1) if " class=" not in tag else tag
    return svg[:opening.start()] + tag + "\n" + THEME_STYLE + svg[opening.end():]


_ID = re.compile(r'(\sid=")([^"]+)(")')
_HREF = re.compile(r'(href="#)([^"]+)(")')  # also the tail of xlink:href; a literal start keeps it fast
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
