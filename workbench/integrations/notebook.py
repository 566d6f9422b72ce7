"""Designs in Jupyter: `workbench.load(path)` gives objects that display inline (SVG diagrams, findings tables)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path

from workbench.build import build_design
from workbench.config import Config, load_config
from workbench.design.model import DesignModel, Diagram
from workbench.output.svg import scope_ids

SEVERITY_COLOURS = {"error": "#d62728", "warning": "#f0a30a", "info": "#1f77b4", "accepted": "#7B8894"}


@dataclass
class DiagramView:
    """One rendered diagram; Jupyter shows it as its self-contained SVG (`findings=True`: outlined)."""

    diagram: Diagram
    folder: Path

    @property
    def name(self) -> str:
        return self.diagram.name

    def svg(self, findings: bool = False) -> str:
        """The self-contained SVG (icons embedded); with `findings`, the findings view."""
        return (self.folder / f"{self.diagram.slug}{'.findings' if findings else ''}.svg").read_text(encoding="utf-8")

    @property
    def findings_view(self) -> _SVG:
        return _SVG(self.svg(findings=True))

    def _repr_svg_(self) -> str:
        # Scoped ids: a notebook's outputs share one page, and diagrams must not draw each other's icons.
        return scope_ids(self.svg())

    def __repr__(self) -> str:
        return f"<diagram {self.name!r}: {len(self.diagram.nodes)} components, {len(self.diagram.edges)} edges>"


@dataclass
class _SVG:
    text: str

    def _repr_svg_(self) -> str:
        return scope_ids(self.text)


class Findings(list):
    """The findings of a design (workbench.analysis.findings.Finding objects, accepted ones included):
    a list, shown in Jupyter as a table like the report's."""

    @property
    def active(self) -> list:
        return [f for f in self if not f.accepted]

    @property
    def errors(self) -> list:
        return [f for f in self.active if f.severity == "error"]

    def _repr_html_(self) -> str:
        if not self:
            return "<p><b>No findings.</b></p>"
        rows = []
        for f in self:
            kind = "accepted" if f.accepted else f.severity
            why = f"<br><i>accepted: {escape(f.reason or '')}</i>" if f.accepted else ""
            rows.append(
                f'<tr><td style="color:{SEVERITY_COLOURS[kind]};font-weight:bold">{kind}</td>'
                f"<td><code>{escape(f.code)}</code></td><td>{escape(f.diagram)}</td>"
                f"<td>{code_spans(f.message)}{why}</td><td>{code_spans(f.remediation)}</td>"
                f"<td>{escape(f.file)}:{f.line}</td></tr>")
        return ('<table class="workbench-findings"><thead><tr><th>severity</th><th>rule</th><th>diagram</th>'
                "<th>finding</th><th>fix</th><th>where</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")

    def __repr__(self) -> str:
        if not self:
            return "no findings"
        return "\n".join(f"{'accepted' if f.accepted else f.severity:<8} {f.code:<9} {f.message}" for f in self)


@dataclass
class WhatIf:
    """What breaks when components fail: `.data` is the JSON document of `workbench check --fail --format
    json`, `.broken` the number of entry-to-capability paths that break; shown as that command's text."""

    text: str
    data: dict

    @property
    def broken(self) -> int:
        return sum(d.get("broken", 0) if isinstance(d.get("broken"), int) else len(d.get("broken", []))
                   for d in self.data.get("designs", []))

    def __repr__(self) -> str:
        return self.text.rstrip("\n")

    def _repr_html_(self) -> str:
        return f"<pre>{escape(self.text)}</pre>"


class Design:
    """A loaded and rendered design: `.diagrams` (each displays as SVG), `.check()`, `.what_if(...)`.

    Jupyter displays the design itself as all its diagrams, one after the other.
    """

    def __init__(self, path: Path, cfg: Config, model: DesignModel) -> None:
        self.path, self.cfg, self.model = path, cfg, model
        self.folder = cfg.out / path.stem
        self.diagrams = [DiagramView(d, self.folder) for d in model.diagrams]

    @property
    def name(self) -> str:
        return self.path.stem

    def diagram(self, name: str) -> DiagramView:
        """A diagram by name or slug."""
        for view in self.diagrams:
            if name in (view.diagram.name, view.diagram.slug):
                return view
        raise KeyError(f"no diagram {name!r} in {self.model.path}; it has: "
                       f"{', '.join(v.name for v in self.diagrams)}")

    def check(self, select: list[str] | None = None, ignore: list[str] | None = None,
              accept: bool = True) -> Findings:
        """The analysis, like `workbench check`: every finding, accepted ones flagged."""
        from workbench.commands.check import CheckOptions, check_design
        from workbench.errors import WorkbenchError

        report = check_design(self.path, self.cfg, CheckOptions(select=select, ignore=ignore, accept=accept))
        if report.error:
            raise WorkbenchError(f"{report.path}: {report.error.get('message')}")
        return Findings(report.findings())

    def what_if(self, *components: str, zone: str | None = None) -> WhatIf:
        """What breaks when these components (labels) or a zone go down, like `workbench check --fail`."""
        from workbench.commands.whatif import run

        text, _ = run([self.path], self.cfg, list(components), zone, "text")
        data, _ = run([self.path], self.cfg, list(components), zone, "json")
        return WhatIf(text, json.loads(data))

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        """Every diagram as SVG inside HTML (a notebook shows one output per cell), and a text line."""
        parts = [f"<h3>{escape(v.name)}</h3>{v._repr_svg_()}" for v in self.diagrams]
        html = '<div class="workbench-design">' + "".join(parts) + "</div>"
        bundle = {"text/html": html, "text/plain": repr(self)}
        if len(self.diagrams) == 1:
            bundle["image/svg+xml"] = self.diagrams[0]._repr_svg_()
        return bundle

    def __repr__(self) -> str:
        return f"<design {self.model.path}: {', '.join(repr(v.name) for v in self.diagrams)}>"


def code_spans(text: str) -> str:
    """Escaped text with a finding's `backticked` component names as <code>, as the report shows them."""
    import re

    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text))


def load(path: str | Path) -> Design:
    """Run and render a design file (cached like `workbench render`, outputs in the workspace's out/, in its
    formats plus SVG) and return it for display. Raises DesignError, with file and line, when the design fails."""
    path = Path(path).absolute()
    if not path.is_file():
        from workbench.errors import WorkbenchError

        raise WorkbenchError(f"{path}: no such design file; check the path")
    # The workspace around the design when it has a settings file, else the notebook's folder (as the CLI).
    cfg = load_config(path.parent)
    if cfg.source is None:
        cfg = load_config()
    formats = tuple(dict.fromkeys((*cfg.formats, "svg")))  # the usual formats: a later render stays cached
    result = build_design(path, cfg, formats)
    if not result.ok:
        raise result.error
    model = result.model or DesignModel.from_dict(
        json.loads((cfg.out / path.stem / "model.json").read_text(encoding="utf-8")))
    return Design(path, cfg, model)
