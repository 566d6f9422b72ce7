"""The Graphviz side of one build, with its speed tricks kept in one object: `Drawings`."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from workbench.design.model import Diagram, DesignModel
from workbench.errors import WorkbenchError
from workbench.output.outdir import temp_prefix
from workbench.output.render import EarlyRender, RenderJob, findings_overlay, start_render
from workbench.output.svg import inline_icons


class Drawings:
    """Every `dot` run of one build: the diagrams in each format, and the findings views.

    Three tricks keep Graphviz off the critical path, and they all live here:
    - an *early* `dot` is started before the design runs and reads the first diagram's DOT from a FIFO that
      the design process fills (`dot_input`), so layout overlaps with the model's trip back;
    - every `dot` starts as soon as its DOT is known and runs while the analysis and the reports are done;
    - the SVG comes first: formats in `later` (PNG, most of a rebuild) are written outside the staging
      folder and moved in by `finish_later` after the rest has been published.

    Files for the staging folder (the one that is swapped in) go to `staging`; Graphviz works in a private
    `work` folder beside it. Use as a context manager: on an error every `dot` is killed; on leaving, the
    work folder and an unused early `dot` are removed.
    """

    def __init__(self, staging: Path, design_dir: Path, formats: tuple[str, ...], later: tuple[str, ...] = (),
                 early: bool = True, style: dict | None = None) -> None:
        self.staging, self.design_dir = staging, design_dir
        self.style = style or None  # the house style from workbench.toml, over dotsource.HOUSE
        self.formats, self.later = formats, later
        self.work = Path(tempfile.mkdtemp(prefix=temp_prefix("work"), dir=staging.parent))
        self.jobs: list[tuple[RenderJob, str]] = []  # (job, stem), in start order
        self.copies: list[tuple[str, str]] = []  # (diagram SVG, findings view SVG) where the view is a copy
        # The design process writes the early DOT with the packaged house style only: a workspace style
        # needs the DOT written here.
        self.early = start_early(staging.parent, design_dir, (*formats, *later)) if early and not self.style else None

    # -- life cycle ---------------------------------------------------------------------------------------------

    def __enter__(self) -> Drawings:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is not None:
            self.cancel()
        elif self.early is not None:  # unused, or adopted and finished: this only removes its folder
            self.early.cancel()
        shutil.rmtree(self.work, ignore_errors=True)

    def cancel(self) -> None:
        """Kill every `dot` still running: nothing is left behind a failure."""
        for job, _ in self.jobs:
            job.cancel()
        if self.early is not None:
            self.early.cancel()
            self.early = None

    @property
    def dot_input(self) -> Path | None:
        """The FIFO the design process writes its first diagram's DOT into, or None."""
        return self.early.fifo if self.early is not None else None

    def design_ran(self) -> None:
        """Drop the early `dot` when the design process did not feed it (no diagram, or it never opened)."""
        if self.early is not None and not self.early.fed():
            self.early.cancel()
            self.early = None

    # -- drawing ------------------------------------------------------------------------------------------------

    def draw_model(self, model: DesignModel) -> None:
        """Start a `dot` per diagram for every format (the first diagram's is already running, early)."""
        for i, diagram in enumerate(model.diagrams):
            if i == 0 and self.early is not None:
                self.jobs.append((self.early.adopt(diagram), diagram.slug))
            else:
                self.draw(diagram, diagram.slug, (*self.formats, *self.later))

    def draw_findings_views(self, model: DesignModel, numbered_per_diagram: Iterable[dict]) -> None:
        """Start the findings view of each diagram, as SVG: its findings outlined and numbered.

        A diagram without findings to outline needs no second layout: its view is a copy of the diagram's SVG.
        The view is not rasterised here: a second PNG costs a cold render about 0.1 s of `dot` (the
        render/plain-`diagrams` figure in docs/benchmarks.md), and the report, the live page and the
        notebook all show the SVG; `export --findings-view --format png` draws the PNG when it is asked for
        (`findings_png`).
        """
        for diagram, numbered in zip(model.diagrams, numbered_per_diagram):
            overlay = findings_overlay((n, f.nodes, f.severity) for n, f in numbered.items())
            view = f"{diagram.slug}.findings"
            if overlay or "svg" not in self.formats:
                self.draw(diagram, view, ("svg",), overlay)
            else:
                self.copies.append((f"{diagram.slug}.svg", f"{view}.svg"))

    def draw(self, diagram: Diagram, stem: str, formats: Iterable[str], overlay=None) -> None:
        fmts = sorted(formats, key=lambda f: f != "svg")  # dot writes in this order: the SVG first
        outputs = {fmt: (self.work if fmt in self.later else self.staging) / f"{stem}.{fmt}" for fmt in fmts}
        if "svg" in outputs:
            outputs["svg"] = self.work / f"{stem}.linked.svg"  # icons still linked; made self-contained below
        self.jobs.append((start_render(diagram, self.design_dir, self.work, outputs, overlay, name=stem,
                                       style=self.style), stem))

    # -- finishing ----------------------------------------------------------------------------------------------

    def write_svgs(self, model: DesignModel, warnings: list[dict]) -> None:
        """Wait for each SVG (while `dot` goes on with the raster formats) and stage it self-contained."""
        for job, stem in self.jobs:
            if "svg" not in job.outputs:
                job.wait()
                continue
            if not job.wait_for_svg():
                job.wait()
            svg, missing = inline_icons(job.outputs["svg"].read_text(encoding="utf-8"), job.workdir)
            for href in missing:
                warnings.append({"file": model.path, "line": 0, "message": f"icon {href} could not be read"})
            (self.staging / f"{stem}.svg").write_text(svg, encoding="utf-8")
        self.copy_views(self.staging)

    def finish(self) -> None:
        """Wait for every `dot` and stage the formats written elsewhere (the early job's)."""
        for job, stem in self.jobs:
            job.wait()
            for fmt, path in job.outputs.items():
                final = self.staging / f"{stem}.{fmt}"
                if fmt != "svg" and fmt not in self.later and path != final:
                    os.replace(path, final)

    def finish_later(self, target: Path) -> list[str]:
        """After the swap: wait for the later formats, replace each old file in `target` atomically, and return
        the names written."""
        self.finish()
        written = []
        for job, stem in self.jobs:
            for fmt in self.later:
                if fmt in job.outputs:
                    os.replace(job.outputs[fmt], target / f"{stem}.{fmt}")
                    written.append(f"{stem}.{fmt}")
        return written

    def copy_views(self, folder: Path) -> None:
        """Copy the diagrams' SVGs that stand in for their findings views (see `draw_findings_views`)."""
        for source, copy in self.copies:
            shutil.copyfile(folder / source, folder / copy)


def start_early(parent: Path, design_dir: Path, formats: tuple[str, ...]) -> EarlyRender | None:
    """A `dot` for the first diagram, started before the design runs, or None where that cannot work."""
    try:
        return EarlyRender.start(parent, design_dir, formats)
    except (OSError, WorkbenchError):  # e.g. out/ not writable: the usual path reports it
        return None
