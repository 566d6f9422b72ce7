"""`workbench mcp`: a Model Context Protocol server over stdio, so that an assistant can read and check designs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.config import Config, load_config
from workbench.errors import DesignError, WorkbenchError

INSTRUCTIONS = """\
Tools of the design workbench for the designs (diagram-as-code `diagrams` scripts) of one workspace.
Start with list_designs; check_design gives the findings (single points of failure, missing replicas and
caches, ...) and the availability picture; explain_rule explains a finding's code; what_if says which
entry-to-capability paths break when components fail; read_sheet returns the design sheet (requirements,
capacity estimates, APIs, data model, trade-offs). Paths are relative to the workspace."""


class Workspace:
    """The tools' logic, free of the protocol: each returns plain JSON-ready data or raises ValueError with a
    message meant for the assistant (what was wrong and what to pass instead)."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg

    def design(self, path: str) -> Path:
        """A design file inside the workspace (running a design runs its code: nothing outside is run)."""
        root = self.cfg.root.resolve()
        candidate = (root / path).resolve()
        if not (candidate == root or root in candidate.parents):
            raise ValueError(f"{path}: outside the workspace {root}; pass a path from list_designs")
        if not candidate.is_file() or candidate.suffix != ".py":
            raise ValueError(f"{path}: no such design file; list_designs gives the paths")
        return candidate

    def shown(self, design: Path) -> str:
        from workbench.design.loader import display_path

        return display_path(design, self.cfg.root)

    def list_designs(self) -> list[dict[str, Any]]:
        from workbench.build import discover

        if not self.cfg.designs.is_dir():
            return []
        out = []
        for design in discover([self.cfg.designs]):
            entry: dict[str, Any] = {"path": self.shown(design), "stem": design.stem}
            try:  # the last build's summary when there is one: cheap, and often enough to choose
                findings = json.loads((self.cfg.out / design.stem / "findings.json").read_text(encoding="utf-8"))
                entry["diagrams"] = [d["name"] for d in findings["diagrams"]]
                entry["last_summary"] = findings["summary"]
            except (OSError, ValueError, KeyError):
                pass
            out.append(entry)
        return out

    def model(self, design: Path):
        from workbench.build import fresh_model
        from workbench.design.loader import load_design

        try:
            return fresh_model(design, self.cfg) or load_design(design, root=self.cfg.root, timeout=self.cfg.timeout)
        except DesignError as exc:
            raise ValueError(f"the design could not be loaded: {exc.format_message()}") from exc

    def check_design(self, path: str, select: list[str] | None = None) -> dict[str, Any]:
        from workbench.analysis.findings import is_single_point
        from workbench.analysis.graph import build_graph
        from workbench.analysis.review import counts, design_inputs, review

        design = self.design(path)
        model = self.model(design)
        reviews = review(model, design, select=[s.upper() for s in select] if select else None)
        diagrams = []
        for r in reviews:
            g = build_graph(r.diagram, design_inputs(model))
            spofs = [f for f in r.findings if is_single_point(f.code, f.severity) and not f.accepted]
            diagrams.append({
                "name": r.diagram.name,
                "components": len(r.diagram.nodes),
                "findings": [f.to_dict() for f in r.findings],
                "summary": counts(r.findings),
                "availability": {
                    "slo_target_percent": g.inputs.slo,
                    "entries": [g.groups[e.group].name for e in g.entries],
                    "entry_to_capability_paths": sum(len(g.reaches[e.group].terminals) for e in g.entries),
                    "single_points_of_failure": list(dict.fromkeys(label for f in spofs for label in f.labels[:1])),
                    # the availability rules' estimates against the SLO, when the design has a target
                    "estimates": [f.message for f in r.findings if f.code.startswith("AVAIL")],
                },
            })
        return {"design": self.shown(design), "diagrams": diagrams,
                "summary": counts(f for r in reviews for f in r.findings), "warnings": list(model.warnings)}

    def explain_rule(self, code: str) -> str:
        from workbench.analysis.rules import CATALOGUE
        from workbench.output.ruledoc import rule_doc

        rule = CATALOGUE.get(code.strip().upper())
        if rule is None:
            raise ValueError(f"no rule {code!r}; rule codes: {', '.join(CATALOGUE)}")
        return rule_doc(rule)

    def what_if(self, path: str, fail: list[str] | None = None, zone: str | None = None) -> dict[str, Any]:
        from workbench.commands.whatif import run

        design = self.design(path)
        if not fail and not zone:
            raise ValueError("say what fails: fail=[component labels] and/or zone='us-east-1a'")
        try:
            text, _ = run([design], self.cfg, list(fail or []), zone, "json")
        except WorkbenchError as exc:
            raise ValueError(exc.format_message()) from exc
        return json.loads(text)

    def read_sheet(self, path: str) -> dict[str, Any]:
        design = self.design(path)
        model = self.model(design)
        if not model.sheet:
            return {"design": self.shown(design), "sheet": None,
                    "note": "this design has no design sheet (workbench.sheet.Sheet); it is a plain diagram"}
        return {"design": self.shown(design), "sheet": model.sheet}


def server(cfg: Config):
    """The MCP server (mcp.server.MCPServer) with the workbench's tools."""
    try:
        from mcp.server import MCPServer
    except ImportError as exc:
        raise WorkbenchError("the MCP server needs the `mcp` package: pip install 'workbench[mcp]'") from exc
    from mcp.server.mcpserver.exceptions import ToolError

    from workbench import __version__

    ws = Workspace(cfg)
    app = MCPServer("workbench", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")

    def answer(call, *args):
        """A mistake the assistant can correct reaches it as the tool's error text (any other exception
        would reach it as a bare "Error executing tool")."""
        try:
            return call(*args)
        except ValueError as exc:
            raise ToolError(str(exc)) from None

    @app.tool()
    def list_designs() -> list[dict[str, Any]]:
        """The design files of the workspace: path, and when built before, their diagrams and findings summary."""
        return answer(ws.list_designs)

    @app.tool()
    def check_design(path: str, select: list[str] | None = None) -> dict[str, Any]:
        """Run the analysis on one design: every finding (code, severity, message, fix, components, witness
        path; accepted ones flagged) and per diagram the availability picture (SLO target, entries, single
        points of failure). `select`: only these rule codes or families, e.g. ["SPOF", "CACHE001"]."""
        return answer(ws.check_design, path, select)

    @app.tool()
    def explain_rule(code: str) -> str:
        """A rule's documentation: what it checks, why it matters, an example, the fix, how to accept it."""
        return answer(ws.explain_rule, code)

    @app.tool()
    def what_if(path: str, fail: list[str] | None = None, zone: str | None = None) -> dict[str, Any]:
        """Which entry-to-capability paths break when these components (labels) or a zone go down."""
        return answer(ws.what_if, path, fail, zone)

    @app.tool()
    def read_sheet(path: str) -> dict[str, Any]:
        """The design sheet: requirements, capacity estimates with formulas, APIs, data model, trade-offs."""
        return answer(ws.read_sheet, path)

    return app


def serve(workspace: Path | None = None) -> None:
    """Serve the workspace's tools over stdio until the client closes the connection."""
    server(load_config(workspace)).run("stdio")
