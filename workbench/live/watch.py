"""`workbench watch`: rebuild designs when they change, through a warm worker, and keep going whatever happens.

watchdog observer (designs, templates/, workbench.toml) -> ignore filter -> debouncer (one batch per burst)
-> affected designs (changed files, designs that import a changed helper) -> build.build_design with the
warm worker as loader -> one console line per rebuild, and the live preview's state (workbench.live.serve).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from workbench.build import BuildResult, build_design, discover
from workbench.config import CONFIG_NAME, PYPROJECT, Config, load_config, pyproject_settings
from workbench.design import children
from workbench.design.loader import display_path
from workbench.design.model import DesignModel
from workbench.errors import DesignError, WorkbenchError
from workbench.output.outdir import FINDINGS, clean_stale, read_json, read_model

log = logging.getLogger(__name__)

DEFAULT_DEBOUNCE = 0.05  # quiet time that ends a burst: editors write a file several times per save
# Quiet time when every changed file was last closed after writing (or renamed into place). A save's last events
# come within 0.1 ms of its close (vim 9: close, then attrib), so 3 ms is plenty and keeps a save-to-page short.
SETTLE = 0.003
STORM = 4  # after a build during which more changes arrived, wait STORM x debounce: a storm is going on
MAX_WAIT = 2.0  # a burst that never goes quiet (a long `git checkout`) is still built after this long

# -- what never triggers a rebuild ----------------------------------------------------------------------
IGNORED_DIRS = frozenset({
    "out", "__pycache__", ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".virtualenv", "virtualenv",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints", "node_modules",
    ".idea", ".eggs",
})
IGNORED_FILES = re.compile("|".join((
    r".*\.sw[a-px]",            # vim swap files (.swp, .swo, ...) and nano's .swp
    r"4913",                    # vim probes whether it may write in the folder
    r".*~",                     # backups: vim, emacs, gedit
    r"\.#.*",                   # emacs lock links
    r"#.*#",                    # emacs auto-save
    r".*___jb_(tmp|old|bak)___",  # JetBrains safe-write
    r"\.goutputstream-.*",      # gedit and other GTK editors
    r".*\.kate-swp",            # kate
    r"\.~lock\..*#",            # LibreOffice
    r".*\.(tmp|temp|bak|orig|rej|part|crdownload)",
    r".*\.save(\.\d+)?",        # nano
    r"sed[A-Za-z0-9]{6}",       # sed -i
    r".*\.py[cod]",             # compiled Python
    r"\.DS_Store|Thumbs\.db|desktop\.ini",
)))


class IgnoreFilter:
    """Says whether a changed path can be skipped: outputs, caches, VCS and virtual-env folders, editor temp files.

    Folders are judged by their names relative to the watched roots (so a workspace inside, say, ~/venv/ still
    works), plus any folder that holds a `pyvenv.cfg` or `conda-meta` (a virtual environment by any name).
    """

    def __init__(self, out: Path, roots: Iterable[Path] = ()) -> None:
        self.outs = {os.path.abspath(out), os.path.realpath(out)}
        self.roots = sorted({os.path.abspath(r) for r in roots}, key=len, reverse=True)
        self._venv: dict[str, bool] = {}

    def __call__(self, path: str | Path) -> bool:
        path = os.path.abspath(path)
        for out in self.outs:
            if path == out or path.startswith(out + os.sep):
                return True
        root = next((r for r in self.roots if path.startswith(r + os.sep)), None)
        rel = path[len(root) + 1:] if root else os.path.basename(path)
        parts = rel.split(os.sep)
        if any(part in IGNORED_DIRS for part in parts[:-1]) or parts[-1] in IGNORED_DIRS:
            return True
        if IGNORED_FILES.fullmatch(parts[-1]):
            return True
        if root:
            folder = root
            for part in parts[:-1]:
                folder = os.path.join(folder, part)
                if self.is_venv(folder):
                    return True
        return False

    def is_venv(self, folder: str) -> bool:
        if folder not in self._venv:
            self._venv[folder] = any(os.path.exists(os.path.join(folder, m)) for m in ("pyvenv.cfg", "conda-meta"))
        return self._venv[folder]


# -- one rebuild, as the console and the live page see it ----------------------------------------------
@dataclass
class Rebuild:
    result: BuildResult
    findings: dict | None  # out/<stem>/findings.json of the build, when it wrote one
    kept: bool  # failed, and out/<stem>/ still holds the last good output
    model: DesignModel | None  # of the build, or read back from out/ for a cached design

    @property
    def summary(self) -> dict | None:
        return (self.findings or {}).get("summary") if self.findings else None


def summary_text(summary: dict | None) -> str:
    if summary is None:
        return ""
    counts = [(summary.get("error", 0), "error"), (summary.get("warning", 0), "warning"), (summary.get("info", 0), "info")]
    if not any(n for n, _ in counts) and not summary.get("accepted"):
        return "no findings"
    text = ", ".join(f"{n} {word}{'s' * (n != 1 and word != 'info')}" for n, word in counts)
    return text + (f", {summary['accepted']} accepted" if summary.get("accepted") else "")


def format_rebuild(rebuild: Rebuild, cfg: Config) -> list[str]:
    """The console lines for one rebuild: one for a success, the error plus what is kept for a failure."""
    result = rebuild.result
    stamp = time.strftime("%H:%M:%S")
    out = display_path(cfg.out, cfg.root)
    if not result.ok:
        lines = [f"{stamp} failed {result.shown} ({result.duration:.2f} s): {result.error.format_message()}"]
        if rebuild.kept:
            lines.append(f"         the last good output in {out}/{result.stem}/ is kept")
        else:
            lines.append("         no output yet; fix the design and save it again")
        return lines
    lines = [f"{stamp} warning {w['file']}{':' + str(w['line']) if w.get('line') else ''}: {w['message']}"
             for w in result.warnings]
    findings = summary_text(rebuild.summary)
    if result.status == "cached":
        lines.append(f"{stamp} ok     {result.shown} (unchanged since the last build){': ' + findings if findings else ''}")
    else:
        lines.append(f"{stamp} ok     {result.shown} ({result.duration:.2f} s){': ' + findings if findings else ''}")
    return lines


class FindingChanges:
    """What each rebuild changed in a design's findings, for the console: the ones that appeared and the ones that
    were fixed (or accepted), with the numbers the findings view, the live page and `check` give them."""

    def __init__(self) -> None:
        self.last: dict[str, dict[tuple, dict]] = {}  # design stem -> identity -> finding (active only)

    @staticmethod
    def active(findings: dict | None) -> dict[tuple, dict]:
        found = {}
        for d in (findings or {}).get("diagrams", []):
            for f in d.get("findings", []):
                if not f.get("accepted"):
                    found[(d.get("slug"), f.get("code"), f.get("target") or tuple(f.get("node_ids") or ()))] = f
        return found

    def lines(self, rebuild: Rebuild, cfg: Config) -> list[str]:
        """Nothing for a design's first build in this session (its summary line says it) or a failed build."""
        result = rebuild.result
        if not result.ok or rebuild.findings is None:
            return []
        now = self.active(rebuild.findings)
        before = self.last.get(result.stem)
        self.last[result.stem] = now
        if before is None:
            return []
        from workbench.output.codespans import to_terminal

        def where(f: dict) -> str:
            number = f"#{f['number']} " if f.get("number") else ""
            line = f":{f['line']}" if f.get("line") else ""
            return f"{number}{f.get('code')} {f.get('severity')} {result.shown}{line}: {to_terminal(f.get('message'))}"

        from workbench.analysis.findings import pair_changes

        fixed, new, _ = pair_changes(before, now)  # a finding that only moved to a new subject is neither
        return [f"         new    {where(f)}" for f in new] + [f"         fixed  {where(f)}" for f in fixed]


# -- the watcher ---------------------------------------------------------------------------------------
class Watcher:
    """Watch designs, templates and the configuration; rebuild what a change affects, once per burst.

    `on_rebuild(Rebuild)` is called (from the watcher's thread) after every build, `on_designs(list[Path])`
    when the set of designs changes, `on_message(str)` for anything else worth saying. Builds of one batch
    run in parallel (cfg.jobs); batches run one after another, so a design never builds twice at once.
    A design never stops the watcher: every failure becomes a Rebuild.
    """

    def __init__(self, cfg: Config, paths: Iterable[Path] = (), *, formats: Iterable[str] | None = None,
                 extra_formats: Iterable[str] = (), loader: Callable[..., DesignModel] | None = None,
                 debounce: float = DEFAULT_DEBOUNCE,
                 max_wait: float = MAX_WAIT, on_rebuild: Callable[[Rebuild], None] | None = None,
                 on_designs: Callable[[list[Path]], None] | None = None,
                 on_message: Callable[[str], None] | None = None) -> None:
        self.cfg = cfg
        self.paths = [Path(p).absolute() for p in (paths or [cfg.designs])]
        self.chosen_formats = tuple(formats or ())  # from the command line: a config reload keeps them
        self.extra_formats = tuple(extra_formats)  # what the caller needs anyway (SVG for the live page)
        self.loader = loader
        self.debounce, self.max_wait = debounce, max_wait
        self.on_rebuild = on_rebuild or (lambda rebuild: None)
        self.on_designs = on_designs or (lambda designs: None)
        self.on_message = on_message or (lambda text: None)
        self.design_roots = [p if p.is_dir() else p.parent for p in self.paths]
        self.ignore = IgnoreFilter(cfg.out, [*self.design_roots, cfg.templates, cfg.root])
        self.designs: list[Path] = []
        self.deps: dict[Path, set[Path]] = {}  # design -> helper modules and icons it read
        # A design that is a symlink: editing it changes its target, which is where the events come from.
        self.links: dict[Path, set[Path]] = {}  # real file -> the designs that link to it
        self.watched: list[tuple[Path, bool]] = []  # (real folder, recursive) that the observer watches
        self._handler = self._kinds = None
        self.failed: set[Path] = set()
        self.builds = 0  # how many design builds ran (tests and the benchmark read it)
        self.cond = threading.Condition()
        self.pending: dict[Path, bool] = {}  # changed path -> its content is final (see notify)
        self.storm = False
        self.first_event = self.last_event = 0.0
        self.idle = threading.Event()  # set while nothing is pending or building
        self.stopping = False
        self.observer = None
        self.thread: threading.Thread | None = None
        self.pyproject_table: dict | None = None  # pyproject.toml's [tool.workbench] as last seen (start reads it)

    # -- life cycle ----------------------------------------------------------------------------
    def start(self) -> Watcher:
        """Start watching, then build every design once (in the background)."""
        from watchdog.events import (
            DirCreatedEvent,
            DirDeletedEvent,
            DirMovedEvent,
            FileClosedEvent,
            FileCreatedEvent,
            FileDeletedEvent,
            FileModifiedEvent,
            FileMovedEvent,
            FileSystemEventHandler,
        )
        from watchdog.observers import Observer

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:
                # A file closed after writing, or renamed into place, holds its final content; after any
                # other event (created, truncated, half written, moved away) more is likely to follow.
                closed = event.event_type == "closed" and not event.is_directory
                watcher.notify(event.src_path, complete=closed)
                if getattr(event, "dest_path", ""):
                    watcher.notify(event.dest_path, complete=not event.is_directory)

        # Only changes: reads (our own child opening the design) must never look like edits.
        kinds = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
                 DirCreatedEvent, DirDeletedEvent, DirMovedEvent]
        try:  # what pyproject.toml's [tool.workbench] holds now: a later change to its other tables is no reload
            self.pyproject_table = pyproject_settings(self.cfg.root / PYPROJECT)
        except WorkbenchError:
            self.pyproject_table = None
        self.observer = Observer()
        self._handler, self._kinds = Handler(), kinds
        for folder in self.watched_folders():
            self.watch(folder, recursive=folder != self.cfg.root or folder in self.design_roots)
        self.observer.start()  # before the first build: an edit made during it is not lost
        clean_stale(self.cfg.out)  # what interrupted runs left behind
        self.thread = threading.Thread(target=self._run, name="wb-watch", daemon=True)
        self.thread.start()
        return self

    def watched_folders(self) -> list[Path]:
        folders = [*self.design_roots]
        if self.cfg.templates.is_dir():
            folders.append(self.cfg.templates)
        folders.append(self.cfg.root)  # for workbench.toml (not recursive unless it holds designs)
        unique: list[Path] = []
        for folder in folders:
            if folder not in unique:
                unique.append(folder)
        return unique

    def watch(self, folder: Path, recursive: bool) -> None:
        self.observer.schedule(self._handler, str(folder), recursive=recursive, event_filter=self._kinds)
        self.watched.append((Path(os.path.realpath(folder)), recursive))

    def follow_links(self) -> None:
        """Map the real file of each symlinked design to it, and watch the real folder when nothing does yet."""
        links: dict[Path, set[Path]] = {}
        for design in self.designs:
            real = Path(os.path.realpath(design))
            if real != design:
                links.setdefault(real, set()).add(design)
        self.links = links
        if self.observer is None:
            return
        for real in links:
            folder = real.parent
            if not any(folder == w or (recursive and w in folder.parents) for w, recursive in self.watched):
                try:
                    self.watch(folder, recursive=False)
                except OSError as exc:  # gone meanwhile, or not readable: the design still builds, on save of the link
                    log.debug("cannot watch %s: %s", folder, exc)

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*(self.chosen_formats or self.cfg.formats), *self.extra_formats)))

    def halt(self) -> None:
        """Stop watching and building; returns at once (a build in progress ends when its loader does)."""
        with self.cond:
            self.stopping = True
            self.cond.notify_all()
        if self.observer is not None:
            self.observer.stop()

    def stop(self, timeout: float = 10.0) -> None:
        self.halt()
        if self.observer is not None and self.observer.is_alive():
            self.observer.join(timeout)
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no change is pending and no build runs (for tests and the benchmark)."""
        return self.idle.wait(timeout)

    # -- events --------------------------------------------------------------------------------
    def relevant(self, path: Path) -> bool:
        if path in self.links:
            return True
        if self.ignore(path):
            return False
        if path in (self.cfg.root / CONFIG_NAME, self.cfg.root / PYPROJECT):
            return True
        if path.parent == self.cfg.root and self.cfg.root not in self.design_roots:
            return False  # other files beside workbench.toml
        return True

    def notify(self, path: str | Path, complete: bool = False) -> None:
        """A file changed; `complete` when the event says its content is final (closed after writing)."""
        path = Path(os.path.abspath(path))
        if not self.relevant(path):
            return
        with self.cond:
            now = time.monotonic()
            if not self.pending:
                self.first_event = now
            self.pending[path] = complete
            self.last_event = now
            self.idle.clear()
            self.cond.notify_all()

    def quiet_time(self) -> float:
        """How long the changes must have stopped before a build (call with the lock held)."""
        if self.storm:
            return self.debounce * STORM
        if all(self.pending.values()):
            return min(SETTLE, self.debounce)
        return self.debounce

    def next_batch(self) -> set[Path] | None:
        """Wait for a burst of changes to go quiet (or for MAX_WAIT); None when stopping."""
        with self.cond:
            while not self.pending and not self.stopping:
                self.idle.set()
                self.cond.wait()
            while not self.stopping:
                now = time.monotonic()
                left = min(self.last_event + self.quiet_time(), self.first_event + self.max_wait) - now
                if left <= 0:
                    break
                self.cond.wait(left)
            if self.stopping:
                return None
            batch, self.pending = set(self.pending), {}
            return batch

    def batch_done(self) -> None:
        with self.cond:
            # Changes that arrived while building mean a storm (an edit storm, a checkout): wait longer.
            self.storm = bool(self.pending)

    # -- the loop ------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self.safely(self.initial_build)
            while True:
                batch = self.next_batch()
                if batch is None:
                    return
                self.safely(self.handle, batch)
                self.batch_done()
        finally:
            self.idle.set()

    def safely(self, step: Callable, *args) -> None:
        """A bug of ours is reported and the watcher goes on; a design's failure never gets here."""
        from workbench.live.worker import WorkerStopped

        try:
            step(*args)
        except WorkerStopped:
            if not self.stopping:
                self.on_message("error: the warm worker stopped; restart `workbench watch`")
        except Exception as exc:  # noqa: BLE001
            if self.stopping:
                return
            log.debug("watch step failed", exc_info=True)
            self.on_message(f"error: {exc}; still watching")

    def current_designs(self) -> list[Path]:
        try:
            return discover([p for p in self.paths if p.exists()])
        except WorkbenchError:
            return []

    def initial_build(self) -> None:
        self.designs = self.current_designs()
        self.follow_links()
        self.on_designs(list(self.designs))
        if not self.designs:
            self.on_message(f"no designs yet in {', '.join(display_path(p, self.cfg.root) for p in self.paths)}; "
                            "waiting for one")
        self.build(self.designs, force=False)

    def handle(self, batch: set[Path]) -> None:
        config_file, pyproject = self.cfg.root / CONFIG_NAME, self.cfg.root / PYPROJECT
        everything = False
        # pyproject.toml counts when it holds the settings (workbench.toml wins) and its [tool.workbench] changed.
        if config_file in batch or (pyproject in batch and not config_file.is_file() and self.pyproject_changed()):
            everything = self.reload_config()
        templates = self.cfg.templates
        if any(p == templates or templates in p.parents for p in batch):
            everything = True
        before = set(self.designs)
        self.designs = self.current_designs()
        self.follow_links()
        now = set(self.designs)
        if now != before:
            self.on_designs(list(self.designs))
        todo = set(now - before)
        if everything:
            todo |= now
        for path in batch:
            if path in now:
                todo.add(path)
            todo |= self.links.get(path, set()) & now
            todo |= {d for d, deps in self.deps.items() if path in deps and d in now}
            if path.suffix == ".py" and path not in now:
                # A helper changed: a design that failed may have failed on it (its imports are unknown).
                todo |= self.failed & now
        for gone in before - now:
            self.deps.pop(gone, None)
            self.failed.discard(gone)
            self.on_message(f"{time.strftime('%H:%M:%S')} removed {display_path(gone, self.cfg.root)} "
                            "(its outputs are left in place)")
        self.build(sorted(todo), force=True)

    def pyproject_changed(self) -> bool:
        """Whether pyproject.toml's [tool.workbench] differs from the last one seen (its other tables do not
        matter here); an unreadable one counts as changed, for reload_config to say what is wrong."""
        try:
            table = pyproject_settings(self.cfg.root / PYPROJECT)
        except WorkbenchError:
            self.pyproject_table = None
            return True
        changed = table != self.pyproject_table
        self.pyproject_table = table
        return changed

    def reload_config(self) -> bool:
        try:
            fresh = load_config(self.cfg.root)
        except WorkbenchError as exc:
            self.on_message(f"error: {exc.format_message()}; keeping the previous settings")
            return False
        for name in ("formats", "timeout", "jobs"):
            setattr(self.cfg, name, getattr(fresh, name))
        shown = f"{PYPROJECT} [tool.workbench]" if fresh.source and fresh.source.name == PYPROJECT else CONFIG_NAME
        self.on_message(f"{time.strftime('%H:%M:%S')} reloaded {shown}; rebuilding every design")
        return True

    # -- building ------------------------------------------------------------------------------
    def build(self, designs: list[Path], force: bool) -> None:
        if not designs:
            return
        owners: dict[str, Path] = {}
        for other in self.designs:
            owners.setdefault(other.stem.casefold(), other)  # API.py and api.py: one folder where case is ignored
        kwargs = {"loader": self.loader} if self.loader is not None else {}

        def one(design: Path) -> BuildResult | None:
            if owners.get(design.stem.casefold(), design) != design:  # two designs would write one out/<stem>/
                shown = display_path(design, self.cfg.root)
                return BuildResult(design, shown, design.stem, "failed", error=DesignError(
                    shown, 0, f"{display_path(owners[design.stem.casefold()], self.cfg.root)} already writes "
                              f"out/{design.stem}/", "rename one of the two files", kind="conflict"))
            # The live page and the console hear of a rebuild as soon as the SVG is there; PNG/PDF follow.
            early: list[BuildResult] = []

            def published(result: BuildResult) -> None:
                early.append(result)
                self.record(result)

            result = build_design(design, self.cfg, self.formats, force=force, views=False, first=("svg",),
                                  published=published, **kwargs)
            return None if early and result.ok else result

        jobs = min(max(1, self.cfg.jobs), len(designs))
        if jobs == 1:
            for design in designs:
                if self.stopping:
                    return
                self.record(one(design))
            return
        from concurrent.futures import ThreadPoolExecutor, as_completed

        with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="wb-build") as pool:
            futures = [pool.submit(one, d) for d in designs]
            for future in as_completed(futures):
                if not self.stopping:
                    self.record(future.result())

    def record(self, result: BuildResult | None) -> None:
        if result is None:  # already recorded when its first outputs were published
            return
        target = self.cfg.out / result.stem
        model = result.model
        self.builds += result.status != "cached"
        if self.stopping:
            return
        if not result.ok:
            with self.cond:
                superseded = result.design in self.pending
            if superseded:  # saved again while it ran: the error may be a half-written file; the next build says
                log.debug("%s changed while building; its failure is not reported", result.shown)
                return
        if result.ok:
            if model is None:  # cached: what the last build wrote tells what the design reads
                model = read_model(target)
            if model is not None:
                self.deps[result.design] = inputs_of(result.design, model)
            self.failed.discard(result.design)
        else:
            self.failed.add(result.design)
        findings = read_json(target / FINDINGS) if result.ok else None
        self.on_rebuild(Rebuild(result, findings, kept=not result.ok and target.is_dir(), model=model))


def inputs_of(design: Path, model: DesignModel) -> set[Path]:
    """Files beside the design that its build read: imported helper modules and its own icons."""
    folder = design.parent
    found = {Path(os.path.abspath(folder / dep)) for dep in model.dependencies}
    for diagram in model.diagrams:
        for node in diagram.nodes:
            if node.icon and node.icon.base == "design":
                found.add(Path(os.path.abspath(folder / node.icon.path)))
    return found


# -- the command ---------------------------------------------------------------------------------------
def run_watch(cfg: Config, paths: Iterable[Path] = (), *, formats: Iterable[str] | None = None,
              serve: bool = False, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
              debounce: float = DEFAULT_DEBOUNCE, echo: Callable[[str], None] = print,
              ready: Callable[[dict], None] | None = None, until: threading.Event | None = None,
              on_rebuild: Callable[[Rebuild], None] | None = None, via: str | None = None) -> None:
    """`workbench watch`: until Ctrl-C (or SIGTERM, or `until` is set), then stop the observer, the server and
    the worker. Every build is recorded in the practice history as made `via` watch, serve (or mock);
    `on_rebuild` also hears of each one (the mock snapshots the design)."""
    from workbench.live.worker import WarmWorker

    if not paths and not cfg.designs.is_dir():
        raise WorkbenchError(f"no designs folder at {cfg.designs}; pass design files or run `workbench init`")
    paths = [Path(p) for p in paths] or [cfg.designs]
    for path in paths:
        if not path.exists():
            raise WorkbenchError(f"{path}: no such design file or folder")
    worker = WarmWorker().start() if WarmWorker.available() else None
    state = server = None
    if serve:
        from workbench.live.serve import LiveState, start_server

        state = LiveState(cfg)
        from workbench.practice.livehook import PracticeHook

        state.practice = PracticeHook(cfg)  # the mock's phase and recording, open feedback points

    from workbench.practice.history import record_builds

    changes = FindingChanges()

    def rebuilt(rebuild: Rebuild) -> None:
        for line in format_rebuild(rebuild, cfg) + changes.lines(rebuild, cfg):
            echo(line)
        if state is not None:
            state.rebuilt(rebuild)
        if on_rebuild is not None:
            on_rebuild(rebuild)
        # The practice history sees these builds too (progress would show a stale count otherwise); a history
        # that cannot be written is a warning, never a stopped watcher.
        record_builds(cfg, [rebuild.result], via=via or ("serve" if serve else "watch"))

    def designs_changed(designs: list[Path]) -> None:
        if state is not None:
            state.set_designs(designs)

    watcher = Watcher(cfg, paths, formats=formats, extra_formats=("svg",) if serve else (),  # the page shows SVG
                      loader=worker.load_design if worker else None, debounce=debounce,
                      on_rebuild=rebuilt, on_designs=designs_changed, on_message=echo)
    with children.stop_on_signals():  # SIGTERM and SIGHUP stop it like Ctrl-C
        try:
            if serve:
                server = start_server(state, host=host, port=port)
                url = server.url
                echo(f"serving {url} (Ctrl-C to stop)")
                if open_browser:
                    import webbrowser

                    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
            folders = [*watcher.design_roots, *([cfg.templates] if cfg.templates.is_dir() else [])]
            shown = ", ".join(dict.fromkeys(display_path(f, cfg.root) + "/" for f in folders))
            settings = PYPROJECT if cfg.source and cfg.source.name == PYPROJECT else CONFIG_NAME
            echo(f"watching {shown} and {settings}; Ctrl-C to stop")
            watcher.start()
            if ready is not None:
                ready({"watcher": watcher, "server": server, "worker": worker, "state": state})
            # Short waits, not one long one: the kernel may hand Ctrl-C to any thread, and the main thread
            # (where Python runs signal handlers) only notices once it wakes up.
            while until is None or not until.is_set():
                time.sleep(0.2)
        except KeyboardInterrupt:
            echo("stopping")
        finally:
            watcher.halt()
            if worker is not None:
                worker.close()  # kills a design still running, so the build waiting on it returns now
            children.kill_all()  # and the same for a `dot` still drawing
            watcher.stop()
            if server is not None:
                server.stop()
