"""`workbench check`: load each design (reusing a fresh build's model), review it, report the findings."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from workbench.build import fresh_model
from workbench.config import Config
from workbench.design.loader import display_path, load_design
from workbench.errors import DesignError
from workbench.output.check_report import DesignReport, DiagramReport


@dataclass
class CheckOptions:
    select: list[str] | None = None
    ignore: list[str] | None = None
    accept: bool = True
    today: date | None = None


def check_design(design: Path, cfg: Config, options: CheckOptions) -> DesignReport:
    from workbench.analysis.review import review

    shown = display_path(design, cfg.root)
    try:
        model = fresh_model(design, cfg) or load_design(design, root=cfg.root, timeout=cfg.timeout)
    except DesignError as exc:
        # Reports spell a location relative to the design's folder (like findings in helper modules).
        error = exc.to_dict()
        error["file"] = Path(os.path.relpath(error["file"], Path(shown).parent)).as_posix()
        return DesignReport(shown, error=error)
    reviews = review(model, design, select=options.select, ignore=options.ignore, accept=options.accept,
                     today=options.today)
    from workbench.analysis.readiness import checklist

    return DesignReport(shown, diagrams=[
        DiagramReport(r.diagram.name, len(r.diagram.nodes), len(r.diagram.edges), r.findings, r.reliability)
        for r in reviews
    ], readiness=checklist(model, [f for r in reviews for f in r.findings]).score, warnings=list(model.warnings))


def check_designs(designs: Iterable[Path], cfg: Config, options: CheckOptions,
                  jobs: int | None = None) -> list[DesignReport]:
    """Reports in input order; designs load in parallel (each in its own process)."""
    designs = list(designs)
    workers = min(max(1, jobs or cfg.jobs), len(designs))
    if workers <= 1:
        return [check_design(d, cfg, options) for d in designs]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda d: check_design(d, cfg, options), designs))
