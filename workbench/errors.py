"""The workbench's error types: user errors carry a file, a line and what to do; no tracebacks."""

from __future__ import annotations

import click


class WorkbenchError(click.ClickException):
    """A problem the user can fix; the CLI prints it as one sentence and exits with `exit_code`."""

    exit_code = 2


class GraphvizMissing(WorkbenchError):
    def __init__(self) -> None:
        super().__init__(
            "Graphviz `dot` was not found on PATH; install it (Debian/Ubuntu: `apt-get install graphviz`, "
            "macOS: `brew install graphviz`) or run the set-up command in README.md"
        )


class GraphvizFailed(WorkbenchError):
    """`dot` failed on a diagram; `file` and `line` say where in the design (file relative to its folder)."""

    def __init__(self, text: str, hint: str, file: str = "", line: int = 0) -> None:
        super().__init__(f"{text} ({hint})")
        self.text, self.hint, self.file, self.line = text, hint, file, line


class DesignError(WorkbenchError):
    """A design file that could not be loaded: syntax error, exception, timeout, no Diagram, ..."""

    def __init__(self, file: str, line: int, message: str, hint: str | None = None,
                 detail: str = "", kind: str = "exception") -> None:
        self.file, self.line, self.hint, self.detail, self.kind = file, line, hint, detail, kind
        self.text = message
        super().__init__(self.location() + ": " + message + (f" ({hint})" if hint else ""))

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_dict(self) -> dict:
        return {"kind": self.kind, "file": self.file, "line": self.line, "message": self.text, "hint": self.hint}
