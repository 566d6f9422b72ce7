"""Code spans in messages (`x`): <code> in HTML, kept as code in Markdown, plain (or coloured) in a terminal."""

from __future__ import annotations

import html
import re

# A code span: backticks around text without a newline or another backtick (CommonMark's common case).
SPAN = re.compile(r"`([^`\n]+)`")
MARKDOWN_SPECIAL = (("\\", "\\\\"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("*", "\\*"), ("_", "\\_"),
                    ("`", "\\`"), ("[", "\\["), ("]", "\\]"))


def parts(text: object) -> list[tuple[bool, str]]:
    """(is_code, text) pieces in order; an unpaired backtick stays in the plain text."""
    text = "" if text is None else str(text)
    pieces: list[tuple[bool, str]] = []
    last = 0
    for match in SPAN.finditer(text):
        if match.start() > last:
            pieces.append((False, text[last:match.start()]))
        pieces.append((True, match.group(1)))
        last = match.end()
    if last < len(text):
        pieces.append((False, text[last:]))
    return pieces


def to_html(text: object) -> str:
    """Escaped HTML with every code span as <code>; the caller marks the result safe."""
    return "".join(f"<code>{html.escape(t)}</code>" if code else html.escape(t) for code, t in parts(text))


def escape_markdown(text: str) -> str:
    for char, escaped in MARKDOWN_SPECIAL:
        text = text.replace(char, escaped)
    return text


def to_markdown(text: object) -> str:
    """Markdown-safe text (no raw HTML, no table breaks, no accidental emphasis) that keeps code spans as code."""
    out = []
    for code, t in parts(text):
        if code and ("<" in t or ">" in t):
            # Angle brackets: some renderers and filters read them as HTML even in code; escaped text is safe.
            out.append(escape_markdown(t))
        elif code:
            # A span's own backticks cannot be escaped inside it: a longer fence holds it. GitHub tables
            # read a backslash-pipe as a pipe even inside code.
            fence = "``" if "`" in t else "`"
            pad = " " if t.startswith("`") or t.endswith("`") else ""
            body = t.replace("|", "\\|")
            out.append(f"{fence}{pad}{body}{pad}{fence}")
        else:
            out.append(escape_markdown(t))
    return " ".join("".join(out).split())


def to_terminal(text: object, color: bool = False) -> str:
    """Plain text without the backticks; code spans bold cyan when `color` (a terminal)."""
    return "".join((f"\x1b[36;1m{t}\x1b[0m" if color else t) if code else t for code, t in parts(text))
