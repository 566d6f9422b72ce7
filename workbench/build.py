"""The build pipeline of one design: run it, analyse, draw, write the reports, swap the result into out/<stem>/."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from workbench import __version__
from workbench.config import Config
from workbench.design.loader import display_path, join, load_design
from workbench.design.model import DesignModel
from workbench.errors import DesignError, GraphvizFailed, WorkbenchError
from workbench.output.outdir import (FINDINGS, MODEL, STAMP, NotOurs, carry_over, check_replaceable, clean_stale,
                                    foreign,
                                    temp_prefix)

log = logging.getLogger(__name__)



@dataclass
class BuildResult:
    design: Path
    shown: str  # the design's path as the user reads it
    stem: str
    status: str  # "rendered" | "cached" | "failed"
    duration: float = 0.0
    error: DesignError | None = None
    outputs: list[Path] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    model: DesignModel | None = None
    reviews: list = field(default_factory=list)  # review.DiagramReview per diagram

    @property
    def counts(self) -> dict[str, int]:
        """Active findings by severity and the number accepted, over all diagrams."""
        from workbench.analysis.review import counts

        return counts(f for r in self.reviews for f in r.findings)

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def discover(paths: Iterable[Path]) -> list[Path]:
    """Design files under the given files and folders, sorted.

    In folders, files and folders whose names start with `_` or `.` are helpers, not designs.
    """
    found: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for candidate in path.rglob("*.py"):
                parts = candidate.relative_to(path).parts
                if not any(p.startswith(("_", ".")) or p in ("out", "venv") for p in parts):
                    found.add(candidate.absolute())
        elif path.is_file():
            found.add(path.absolute())
        else:
            raise WorkbenchError(f"{path}: no such design file or folder; check the path")
    return sorted(found)


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def diagrams_version() -> str:
    """The installed diagrams release, read from its dist-info name (importlib.metadata costs ~25 ms)."""
    import importlib.util

    spec = importlib.util.find_spec("diagrams")
    if spec is None or not spec.origin:
        return "missing"
    site = Path(spec.origin).parent.parent
    found = sorted(p.name for p in site.glob("diagrams-*.dist-info"))
    return found[-1][len("diagrams-"):-len(".dist-info")] if found else str(Path(spec.origin).stat().st_mtime_ns)


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the workbench's own files (names, sizes, modification times: ~1 ms): outputs made by other
    code (a checkout between commits, an upgrade that kept the version number) are not reused."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix != ".pyc" and path.is_file():
            info = path.stat()
            digest.update(f"{path.relative_to(package)} {info.st_size} {info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


def cache_key(formats: Iterable[str]) -> str:
    return (f"workbench {__version__} ({code_digest()}); diagrams {diagrams_version()}; "
            f"formats {','.join(sorted(formats))}")


def inputs_of(design: Path, model: DesignModel, templates: Path | None = None) -> dict[str, str | None]:
    """Every file a build read: the design, helper modules it imported, icons next to it, and the
    workspace's overrides of the report templates and the parts they include (absent ones too, so that adding
    one triggers a rebuild)."""
    from workbench.output.report import PARTIALS, REPORTS

    names = {design.name, *model.dependencies}
    if templates is not None:
        names |= {os.path.relpath(templates / name, design.parent).replace(os.sep, "/")
                  for name in (*REPORTS, *PARTIALS)}
    names |= {n.icon.path for d in model.diagrams for n in d.nodes
              if n.icon and n.icon.base == "design" and not n.icon.missing}
    return {name: file_hash(design.parent / name) for name in sorted(names)}


def read_stamp(target: Path) -> dict:
    try:
        return json.loads((target / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def inputs_unchanged(design: Path, stamp: dict) -> bool:
    inputs = stamp.get("inputs")
    return bool(inputs) and all(file_hash(design.parent / name) == digest for name, digest in inputs.items())


def is_cached(design: Path, target: Path, key: str) -> bool:
    stamp = read_stamp(target)
    return stamp.get("key") == key and inputs_unchanged(design, stamp)


def fresh_model(design: Path, cfg: Config) -> DesignModel | None:
    """The model of the last build when none of its inputs changed since (whatever the formats were)."""
    target = cfg.out / design.stem
    stamp = read_stamp(target)
    same_tools = stamp.get("key", "").split("; formats")[0] == cache_key(()).split("; formats")[0]
    if not (same_tools and inputs_unchanged(design, stamp)):
        return None
    try:
        model = DesignModel.from_dict(json.loads((target / MODEL).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return model if model.path == display_path(design, cfg.root) else None


def build_design(design: Path, cfg: Config, formats: Iterable[str] | None = None, force: bool = False,
                 key: str | None = None, loader: Callable[..., DesignModel] = load_design,
                 views: bool = True, first: Iterable[str] | None = None,
                 published: Callable[[BuildResult], None] | None = None) -> BuildResult:
    """Render one design into cfg.out/<stem>/; on failure keep the last good outputs untouched.

    `loader` runs the design (same contract as loader.load_design); `workbench watch` passes its warm worker,
    and `views=False`: the live page outlines findings itself, so the findings view (a second Graphviz
    run) is left out of the rebuild loop. With `first` (formats, e.g. svg), the build publishes in two
    steps: everything but the other formats is swapped in and `published(result)` is called, then the
    slow raster formats (PNG: most of a rebuild) follow, each file replaced atomically.
    """
    design = Path(design).absolute()
    formats = tuple(formats or cfg.formats)
    full = key or cache_key(formats)
    if cfg.style:  # another house style draws other pictures
        full += "; style " + json.dumps(cfg.style, sort_keys=True)
    # Without views the outputs are a subset: render must rebuild them, watch can reuse a render's.
    key = full if views else full + "; no findings view"
    shown = display_path(design, cfg.root)
    result = BuildResult(design, shown, design.stem, "failed")
    target = cfg.out / design.stem
    start = time.perf_counter()
    if not force and any(is_cached(design, target, k) for k in {key, full}):
        result.status = "cached"
        return result
    first_formats = tuple(f for f in formats if f in set(first or ()))
    later = tuple(f for f in formats if f not in first_formats) if first_formats else ()
    try:
        check_replaceable(target)  # before any work: a user's file in the way is refused, never replaced
        with Staging(target) as staging, drawings_for(staging.folder, design, first_formats or formats, later,
                                                      style=cfg.style) as drawings:
            model = run_design(design, cfg, loader, drawings)
            result.model, result.warnings = model, list(model.warnings)
            drawings.draw_model(model)  # Graphviz lays out while the analysis runs
            result.reviews = analyse(model, design)
            write_outputs(design, model, result.reviews, staging, drawings, result.warnings, cfg.templates, views)
            staging.swap_in(stamp(key + ("; partial" if later else ""), design, model, cfg.templates),
                            keep=slower_outputs(model, (*cfg.formats, *later)))
            if later:
                result.status, result.duration = "rendered", time.perf_counter() - start
                if published is not None:
                    published(result)
                written = drawings.finish_later(target)
                # Now the cache covers every format.
                write_stamp(target, stamp(key, design, model, cfg.templates), read_stamp(target).get("files", []) + written)
        result.outputs = sorted(p for p in target.iterdir() if not p.name.startswith("."))
        result.status = "rendered"
    except DesignError as exc:
        result.error = exc
    except NotOurs as exc:
        result.error = DesignError(shown, 0, exc.message, kind="output")
    except GraphvizFailed as exc:
        result.error = DesignError(join(shown, exc.file), exc.line, exc.text, exc.hint, kind="render")
    except WorkbenchError as exc:  # e.g. Graphviz failed on this design
        result.error = DesignError(shown, 0, exc.message, kind="render")
    except OSError as exc:  # out/ not writable, disk full, ...: this design fails, the others go on
        why = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror or exc
        result.error = DesignError(shown, 0, f"could not write the outputs ({why}: {exc.filename or target})",
                                   "check that the out folder is a writable folder", kind="output")
    finally:
        result.duration = time.perf_counter() - start
    return result


# -- the stages of one build -------------------------------------------------------------------------------------


def drawings_for(staging: Path, design: Path, formats: tuple[str, ...], later: tuple[str, ...] = (),
                 early: bool = True, style: dict | None = None):
    """The Graphviz side of the build (output.drawing.Drawings), started before the design runs."""
    from workbench.output.drawing import Drawings

    return Drawings(staging, design.parent, formats, later, early=early, style=style)


def run_design(design: Path, cfg: Config, loader: Callable[..., DesignModel], drawings) -> DesignModel:
    """Stage 1: run the design in its own process; the analysis imports load meanwhile on another core."""
    model = loader(design, root=cfg.root, timeout=cfg.timeout, while_running=import_in_background,
                   **({"dot_input": drawings.dot_input} if drawings.dot_input else {}))
    drawings.design_ran()
    return model


def analyse(model: DesignModel, design: Path) -> list:
    """Stage 2: the reviewed findings of each diagram (review.DiagramReview)."""
    from workbench.analysis.review import review

    return review(model, design)


def write_outputs(design: Path, model: DesignModel, reviews: list, staging: Staging, drawings,
                  warnings: list[dict], templates: Path | None = None, views: bool = True) -> None:
    """Stages 3 and 4 into the staging folder: the findings views, the diagrams' SVGs, the reports (their
    diagrams filled in once the SVGs exist) and the model; the reports are rendered while `dot` still runs.

    Per diagram: <slug>.<format> for each format, the findings view <slug>.findings.svg, findings.json,
    the reports (report.pdf only when pdf is among the formats: it takes a second), and model.json.
    """
    from workbench.analysis.review import numbered

    if views:
        drawings.draw_findings_views(model, (numbered(r.findings) for r in reviews))
    # Without the findings views (watch) the reports point at the plain drawing this build makes.
    texts = prepare_reports(model, reviews, readiness_of(model, reviews), templates, views)  # while Graphviz runs
    drawings.write_svgs(model, warnings)
    write_reports(model, texts, staging.folder, drawings.formats, views)
    (staging.folder / MODEL).write_text(json.dumps(model.to_dict(), indent=2) + "\n", encoding="utf-8")
    if not drawings.later:
        drawings.finish()


def slower_outputs(model: DesignModel, formats: Iterable[str]) -> list[str]:
    """Files of the full output set that a faster build may not make: formats still being drawn (`later`),
    the findings views and report.pdf that `watch` leaves out. The swap keeps the previous ones of these
    (output.outdir.carry_over) until a build makes them again; a diagram that is gone takes its files along."""
    names = [f"{d.slug}.{suffix}" for d in model.diagrams
             for suffix in (*(dict.fromkeys(formats)), "findings.svg")]
    return names + (["report.pdf"] if "pdf" in formats else [])


def stamp(key: str, design: Path, model: DesignModel, templates: Path | None) -> dict:
    """The cache stamp: what the outputs were made with, and a hash of every input file."""
    return {"key": key, "inputs": inputs_of(design, model, templates)}


def write_stamp(folder: Path, data: dict, files: Iterable[str]) -> None:
    """The stamp, with the names of the files the workbench wrote (`files`): anything else in the folder is
    someone else's (outdir.foreign)."""
    tmp = folder / (STAMP + ".tmp")
    tmp.write_text(json.dumps({**data, "files": sorted(set(files))}, indent=2), encoding="utf-8")
    os.replace(tmp, folder / STAMP)


class Staging:
    """A temporary folder beside the target that becomes the target in one step (`swap_in`).

    Readers never see a half-written folder: on an error the staging folder is removed and the last good
    outputs stay as they were.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=temp_prefix("tmp", target.name), dir=target.parent))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.folder, 0o777 & ~umask)  # mkdtemp makes it private; outputs are meant to be shared

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if self.folder is not None:  # not swapped in: a failure
            shutil.rmtree(self.folder, ignore_errors=True)

    def swap_in(self, stamp: dict, keep: Iterable[str] = ()) -> None:
        """Stamp the staged outputs and replace the target with them (`swap_in`)."""
        swap_in(self.folder, self.target, keep, stamp)
        self.folder = None


def import_renderer() -> None:
    """Import the Graphviz side, needed as soon as the model is back."""
    import workbench.output.drawing  # noqa: F401


def import_analysis() -> None:
    """Import the analysis and the reports (networkx alone takes ~0.2 s), needed right after `dot` starts."""
    import workbench.analysis.engine  # noqa: F401
    import workbench.analysis.readiness  # noqa: F401
    import workbench.analysis.review  # noqa: F401
    import workbench.output.report  # noqa: F401


def import_in_background() -> None:
    """Do those imports on another thread while the design runs in its child process.

    The parent only waits for the child then, so the imports use the second core instead of lying on the
    critical path after the child. The renderer comes first: the main thread needs it as soon as the model
    is back, while it may share the interpreter with the analysis imports for a few milliseconds.

    The cyclic garbage collector is off meanwhile (as in `launch.run` around the command line's imports):
    loading modules makes ~100,000 objects that live as long as the process, and collections triggered
    among them free nothing; a cold render loads ~1,400 modules (networkx ~350). Once loaded, they are frozen
    out of later collections (`gc.freeze`). Together ~20 ms of a render's ~0.25 s of CPU (docs/benchmarks.md).
    """
    import gc
    import threading

    def run() -> None:
        gc.disable()
        try:
            import_renderer()
            import_analysis()
        finally:
            gc.freeze()
            gc.enable()

    threading.Thread(target=run, name="workbench-imports", daemon=True).start()


def readiness_of(model: DesignModel, reviews: list) -> dict:
    from workbench.analysis.readiness import checklist

    return checklist(model, [f for r in reviews for f in r.findings]).to_dict()


def prepare_reports(model: DesignModel, reviews: list, readiness: dict, templates: Path | None,
                    views: bool = True) -> dict[str, str]:
    """findings.json and the reports as text, rendered while Graphviz still runs: the diagrams are
    placeholders that `write_reports` replaces with the SVG once it exists."""
    from workbench.analysis.review import findings_document
    from workbench.output import report

    document = findings_document(model, reviews) | {"readiness": readiness}
    texts = {FINDINGS: json.dumps(document, indent=2) + "\n"}
    ctx = report.context(model, reviews, svgs={d.slug: svg_placeholder(d.slug) for d in model.diagrams},
                         readiness=readiness, views=views)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "workbench" / "templates"
    for name in report.REPORTS:
        texts[name] = report.render_report(name, ctx, templates, cache)
    return texts


def svg_placeholder(slug: str) -> str:
    return f"<!--wb-diagram:{slug}-->"


def write_reports(model: DesignModel, texts: dict[str, str], folder: Path, formats: tuple[str, ...],
                  views: bool = True) -> None:
    """Write findings.json and the reports with their diagrams filled in; report.pdf if asked for."""
    from html import escape

    from workbench.output.report import inline_svg, pdf_from_html

    suffix = ".findings.svg" if views else ".svg"
    html = texts["report.html"]
    for d in model.diagrams:
        svg = folder / f"{d.slug}{suffix}"
        html = html.replace(svg_placeholder(d.slug), inline_svg(svg.read_text(encoding="utf-8")) if svg.exists() else "")
        # An override that escapes the diagram shows none, rather than the marker.
        html = html.replace(escape(svg_placeholder(d.slug)), "")
    for name, text in {**texts, "report.html": html}.items():
        (folder / name).write_text(text, encoding="utf-8")
    if "pdf" in formats:
        (folder / "report.pdf").write_bytes(pdf_from_html(html, folder))


def swap_in(tmp: Path, target: Path, keep: Iterable[str], stamp: dict) -> None:
    """Stamp `tmp` and replace `target` by it with two renames, so readers never see a half-written folder.

    Only a folder the workbench made, or an empty one, is ever replaced (outdir.check_replaceable). Outputs
    named in `keep` that this build did not make, and everything in the target that no build wrote (a user's
    notes), are carried over (outdir.carry_over); the stamp lists the outputs only.
    """
    check_replaceable(target)
    written = [p.name for p in tmp.iterdir()]
    old = None
    if os.path.lexists(target):
        written += carry_over(target, tmp, keep)
        carry_over(target, tmp, foreign(target))
    write_stamp(tmp, stamp, written)
    if os.path.lexists(target):
        old = Path(tempfile.mkdtemp(prefix=temp_prefix("old", target.name), dir=target.parent))
        os.rename(target, old / "previous")
    try:
        os.rename(tmp, target)
    except OSError:
        if old is not None:  # put the last good outputs back rather than leave them for clean_stale
            os.rename(old / "previous", target)
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build_all(designs: list[Path], cfg: Config, formats: Iterable[str] | None = None, force: bool = False,
              jobs: int | None = None, progress: Callable[[BuildResult, int, int], None] | None = None,
              ) -> list[BuildResult]:
    """Build many designs in parallel; one failure never stops the others. Results keep input order."""
    formats = tuple(formats or cfg.formats)
    key = cache_key(formats)
    clean_stale(cfg.out)  # what interrupted runs left behind (kill -9, power loss)
    results: dict[Path, BuildResult] = {}
    owners: dict[str, Path] = {}
    todo = []
    for design in designs:
        # Two designs would write the same out/<stem>/ (also API.py and api.py: one folder where case is ignored).
        if design.stem.casefold() in owners:
            results[design] = BuildResult(design, display_path(design, cfg.root), design.stem, "failed", error=(
                DesignError(display_path(design, cfg.root), 0,
                            f"{display_path(owners[design.stem.casefold()], cfg.root)} already writes "
                            f"out/{design.stem}/", "rename one of the two files", kind="conflict")))
        else:
            owners[design.stem.casefold()] = design
            todo.append(design)
    done = len(results)

    def finished(result: BuildResult) -> None:
        nonlocal done
        results[result.design] = result
        done += 1
        if progress:
            progress(result, done, len(designs))

    workers = min(max(1, jobs or cfg.jobs), len(todo))
    if workers <= 1:  # no thread pool for the common one-design case: it costs start-up time
        for design in todo:
            finished(build_design(design, cfg, formats, force, key))
    else:
        from concurrent.futures import ThreadPoolExecutor

        from workbench.design import children

        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            futures = [pool.submit(build_design, d, cfg, formats, force, key) for d in todo]
            for future in futures:  # in submission order: deterministic progress and results
                finished(future.result())
        except BaseException:
            # Ctrl-C (or SIGTERM, SIGHUP: see children.stop_on_signals) while designs run in the pool: stop them
            # now rather than wait for each one's time limit; their builds clean up and return.
            with children.refusing_new():
                pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown()
    return [results[d] for d in designs]
