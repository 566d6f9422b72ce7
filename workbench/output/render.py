"""The one door to Graphviz: turn a captured Diagram into DOT and run `dot` once for all formats."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import asdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.config import FORMATS
from workbench.design import children, dotsource
from workbench.design.model import Diagram
from workbench.errors import GraphvizFailed, GraphvizMissing, WorkbenchError
from workbench.output.outdir import temp_prefix

if TYPE_CHECKING:  # the build imports graphviz only when it writes DOT (dotsource)
    import graphviz

log = logging.getLogger(__name__)

def dot_binary() -> str:
    found = shutil.which("dot")
    if not found:
        raise GraphvizMissing()
    return found


def shipped_icon_root() -> Path:
    """Folder that holds `resources/` with the icons `diagrams` ships (beside the package)."""
    import diagrams

    return Path(diagrams.__file__).resolve().parent.parent


def to_dot(diagram: Diagram, overlay: dict[str, dict[str, str]] | None = None,
           style: dict[str, dict[str, str]] | None = None) -> graphviz.Digraph:
    """Graphviz source for a diagram (see `dotsource.digraph`); `overlay` adds attributes per node id, `style`
    is the workspace's house style (workbench.toml)."""
    return dotsource.digraph(asdict(diagram), overlay, style)


FINDING_COLOURS = dotsource.MARK_COLOURS


def findings_overlay(marks: Iterable[tuple[int, Iterable[str], str]]) -> dict[str, dict[str, str]]:
    """Outline the nodes of numbered findings, given as (number, node ids, severity), red for errors and amber
    for warnings, with their labels, and give each a badge with its numbers, so the picture matches the
    findings list (see `dotsource.marked`)."""
    per_node: dict[str, list[tuple[int, str]]] = {}
    for number, nodes, severity in marks:
        for node_id in nodes:
            per_node.setdefault(node_id, []).append((number, severity))
    overlay = {}
    for node_id, found in per_node.items():
        worst = "error" if any(sev == "error" for _, sev in found) else "warning"
        overlay[node_id] = {dotsource.MARK: f"{worst}:{','.join(str(n) for n, _ in sorted(found))}"}
    return overlay


def findings_png(folder: Path, slug: str, design_dir: Path, target: Path,
                 style: dict[str, dict[str, str]] | None = None) -> None:
    """Draw the findings view of a built diagram as PNG into `target` (atomically), from the build's
    model.json and findings.json: the build itself writes the view as SVG only."""
    import json

    from workbench.design.model import DesignModel
    from workbench.output.fileio import write_bytes_atomic

    model = DesignModel.from_dict(json.loads((folder / "model.json").read_text(encoding="utf-8")))
    diagram = next(d for d in model.diagrams if d.slug == slug)
    findings = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    items = next((d["findings"] for d in findings["diagrams"] if d["slug"] == slug), [])
    overlay = findings_overlay((f["number"], f["node_ids"], f["severity"]) for f in items if f.get("number"))
    with tempfile.TemporaryDirectory(prefix="wb-view-") as tmp:
        work = Path(tmp)
        job = start_render(diagram, design_dir, work, {"png": work / "view.png"}, overlay, name="view", style=style)
        job.wait()
        write_bytes_atomic(target, (work / "view.png").read_bytes())


def prepare_workdir(workdir: Path, design_dir: Path) -> None:
    """Links that let Graphviz find shipped icons and the design's own icons by relative paths."""
    workdir.mkdir(parents=True, exist_ok=True)
    for target, name in ((shipped_icon_root() / "resources", "resources"), (design_dir, "design")):
        link = workdir / name
        if not link.exists():
            link.symlink_to(target, target_is_directory=True)


class RenderJob:
    """A running `dot`: several can lay out at once (the diagram and its findings view, on two cores).

    `outputs` maps each format to the file `dot` writes; `workdir` is where relative icon paths resolve.
    """

    def __init__(self, diagram: Diagram | None, proc: subprocess.Popen, stderr_path: Path,
                 outputs: dict[str, Path], workdir: Path) -> None:
        self.diagram, self.proc, self.stderr_path = diagram, proc, stderr_path
        self.outputs, self.workdir = outputs, workdir

    def wait_for_svg(self) -> bool:
        """Wait until `dot` has written the whole SVG (it writes its formats one after the other, SVG
        first), while it goes on with the others. False if `dot` ended first: then call `wait`."""
        path = self.outputs["svg"]
        while self.proc.poll() is None:
            try:
                with open(path, "rb") as fh:
                    fh.seek(max(0, path.stat().st_size - 16))
                    if fh.read().rstrip().endswith(b"</svg>"):
                        return True
            except OSError:
                pass  # not created yet
            time.sleep(0.002)
        return False

    def wait(self) -> None:
        """Wait for `dot`; raise WorkbenchError if it failed."""
        try:
            code = self.proc.wait()
        except BaseException:
            self.cancel()
            raise
        finally:
            children.untrack(self.proc)
        stderr = self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""
        if code != 0:
            raise graphviz_failure(self.diagram, stderr, self.dot_source)
        for line in stderr.splitlines():
            # Like `diagrams` (quiet=True): Graphviz chatter such as the ortho/label warning is debug-only.
            log.debug("graphviz: %s", line)

    def dot_source(self) -> str:
        """The DOT this job read: its file, or for the early job (a FIFO, now empty) the same text again."""
        path = self.stderr_path.with_suffix(".gv")
        if path.is_file():
            return path.read_text(encoding="utf-8", errors="replace")
        return to_dot(self.diagram).source if self.diagram is not None else ""

    def cancel(self) -> None:
        """Kill `dot` if it still runs, and reap it."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        children.untrack(self.proc)


def graphviz_failure(diagram: Diagram | None, stderr: str, dot_source) -> GraphvizFailed:
    """Graphviz's last word, said in the design's terms: which element (file and line) its DOT error is at,
    instead of a line of an internal .gv file, and what to do."""
    lines = stderr.strip().splitlines()
    said = re.sub(r"^(Error|Warning): (\S+\.gv: )?", "", lines[-1] if lines else "no output").strip()
    name = diagram.name if diagram is not None else "?"
    if re.search(r"gvwrite|No space left|write error|cannot open", stderr, re.I):
        return GraphvizFailed(f"Graphviz could not write the drawing of diagram {name!r}: {said}",
                              "is the disk full, or the out folder not writable? free some space and render again",
                              diagram.file if diagram else "", diagram.line if diagram else 0)
    hint = ("look at that element's label and attributes: a lone backslash, a quote, a very long text or an "
            "unusual character")
    at = re.search(r"\bline (\d+)", said)
    if diagram is None or at is None:
        return GraphvizFailed(f"Graphviz failed on diagram {name!r}: {said}", hint,
                              diagram.file if diagram else "", diagram.line if diagram else 0)
    source = dot_source().splitlines()
    number = int(at.group(1))
    statement = source[number - 1] if 0 < number <= len(source) else ""
    said = re.sub(r"\s*in line \d+", "", said)
    element = _element_at(diagram, statement)
    if element is None:
        return GraphvizFailed(f"Graphviz could not read diagram {name!r}: {said}", hint, diagram.file, diagram.line)
    what, file, line = element
    return GraphvizFailed(f"Graphviz could not read {what} of diagram {name!r}: {said}", hint, file, line)


def _element_at(diagram: Diagram, statement: str) -> tuple[str, str, int] | None:
    """The node, edge or cluster a DOT statement writes: (how to name it, file, line)."""
    ids = re.findall(r'"((?:[^"\\]|\\.)*)"|([A-Za-z_][\w.]*)', statement.split("[", 1)[0])
    tokens = [a or b for a, b in ids]
    nodes = {n.id: n for n in diagram.nodes}
    if "->" in statement.split("[", 1)[0] and len(tokens) >= 2:
        for e in diagram.edges:
            if (e.tail, e.head) == (tokens[0], tokens[1]):
                return f"the edge {nodes[e.tail].label!r} → {nodes[e.head].label!r}", e.file, e.line
    if tokens and tokens[0] in nodes:
        node = nodes[tokens[0]]
        return f"node {node.label[:60]!r}", node.file, node.line
    for c in diagram.clusters:
        if f"cluster_{c.label}" in statement or c.id in statement:
            return f"cluster {c.label[:60]!r}", c.file, c.line
    return None


def run_dot(workdir: Path, outputs: dict[str, Path], name: str) -> RenderJob:
    """Start `dot` on `<name>.gv` in `workdir` (a file, or a FIFO that the design process fills)."""
    args = [dot_binary()]
    for fmt, path in outputs.items():
        if fmt not in FORMATS:
            raise WorkbenchError(f"unknown output format {fmt!r}; choose from {', '.join(FORMATS)}")
        args += [f"-T{fmt}", f"-o{os.path.relpath(path, workdir)}"]
    stderr_path = workdir / f"{name}.stderr"
    with open(stderr_path, "wb") as err:
        # Tied and tracked (design.children): a `dot` that got the terminal's Ctrl-C renders what it has from
        # inside its signal handler and can hang there (cairo and malloc are not signal-safe), and one blocked
        # on its FIFO would wait forever once the workbench is gone.
        proc = children.track(subprocess.Popen(children.tie([*args, f"{name}.gv"]), cwd=workdir,
                                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err))
    return RenderJob(None, proc, stderr_path, outputs, workdir)


def start_render(diagram: Diagram, design_dir: Path, workdir: Path, outputs: dict[str, Path],
                 overlay: dict[str, dict[str, str]] | None = None, name: str | None = None,
                 style: dict[str, dict[str, str]] | None = None) -> RenderJob:
    """Start laying the diagram out once for every requested format; `RenderJob.wait` finishes it.

    `outputs` maps a format ("png", "svg", "pdf", "dot") to its file. The SVG written here still
    links its icons; `svg.inline_icons` makes it self-contained.
    """
    prepare_workdir(workdir, design_dir)
    name = name or diagram.slug
    (workdir / f"{name}.gv").write_text(to_dot(diagram, overlay, style).source, encoding="utf-8")
    job = run_dot(workdir, outputs, name)
    job.diagram = diagram
    return job


class EarlyRender:
    """A `dot` started before the design runs, reading its DOT from a FIFO that the design process writes
    as soon as its first diagram is complete (`capture.send_dot`): Graphviz lays out while the model
    travels back to this process. Outputs go to a private folder as `early.<format>` (the diagram's name is
    not known yet); the build takes the job with `adopt` and moves them. `cancel` ends and removes it.
    """

    NAME = "early"

    def __init__(self, workdir: Path, job: RenderJob) -> None:
        self.workdir, self.job = workdir, job
        self.fifo = workdir / f"{self.NAME}.gv"

    @classmethod
    def start(cls, parent: Path, design_dir: Path, formats: tuple[str, ...]) -> EarlyRender | None:
        """None where it cannot work (no FIFOs, no `dot`): the build then renders the usual way."""
        if not formats or not hasattr(os, "mkfifo") or shutil.which("dot") is None:
            return None
        workdir = Path(tempfile.mkdtemp(prefix=temp_prefix("early"), dir=parent))
        try:
            prepare_workdir(workdir, design_dir)
            os.mkfifo(workdir / f"{cls.NAME}.gv", 0o600)
            outputs = {fmt: workdir / (f"{cls.NAME}.linked.svg" if fmt == "svg" else f"{cls.NAME}.{fmt}")
                       for fmt in sorted(formats, key=lambda f: f != "svg")}  # dot writes the SVG first
            return cls(workdir, run_dot(workdir, outputs, cls.NAME))
        except BaseException:
            shutil.rmtree(workdir, ignore_errors=True)
            raise

    def fed(self) -> bool:
        """Whether the design process wrote the first diagram's DOT (it marks that after closing the FIFO)."""
        return (self.workdir / f"{self.NAME}.gv.sent").exists()

    def adopt(self, diagram: Diagram) -> RenderJob:
        self.job.diagram = diagram
        return self.job

    def cancel(self) -> None:
        """End the `dot` if it still runs (unused or abandoned) and remove its folder."""
        self.job.cancel()
        shutil.rmtree(self.workdir, ignore_errors=True)


def layout(diagram: Diagram, design_dir: Path, style: dict[str, dict[str, str]] | None = None) -> dict:
    """Graphviz's layout of a diagram as `dot -Tjson` gives it (points, origin bottom-left): for writers of
    editable formats (draw.io) that place the nodes and clusters themselves, where Graphviz would have.
    `style`: the workspace's house style, as the render used it."""
    import json

    with tempfile.TemporaryDirectory(prefix="wb-layout-") as tmp:
        work = Path(tmp)
        prepare_workdir(work, design_dir)  # icons resolve as in a render, so dot warns about nothing new
        (work / "layout.gv").write_text(to_dot(diagram, style=style).source, encoding="utf-8")
        proc = subprocess.run([dot_binary(), "-Tjson", "layout.gv"], cwd=work, stdin=subprocess.DEVNULL,
                              capture_output=True)
    if proc.returncode != 0:
        message = proc.stderr.decode(errors="replace").strip().splitlines()
        raise WorkbenchError(f"Graphviz failed on diagram {diagram.name!r}: {message[-1] if message else 'no output'}")
    return json.loads(proc.stdout)
